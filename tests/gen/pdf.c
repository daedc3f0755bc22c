/*
 * pdf.c - PDFs that act when opened, hidden as attackers hide them (a name
 * escape inside a compressed object stream), and the benign document with
 * links, a form, a GoTo open action and a text attachment.
 */
#include <stdio.h>
#include <string.h>
#include <zlib.h>

#include "samples.h"

/* Objects written in order; the xref table is left out on purpose (readers recover by scanning). */
static void obj(struct sbuf *b, unsigned num, const char *body)
{
	char h[32];
	snprintf(h, sizeof h, "%u 0 obj\n", num);
	sb_str(b, h);
	sb_str(b, body);
	sb_str(b, "\nendobj\n");
}

static void stream_obj(struct sbuf *b, unsigned num, const char *dict_extra, const void *data, size_t len, bool flate)
{
	uint8_t z[65536];
	uLongf zl = sizeof z;
	if (flate)
		compress2(z, &zl, data, (uLong)len, 9);
	char h[256];
	snprintf(h, sizeof h, "%u 0 obj\n<< %s%s /Length %lu >>\nstream\n", num, dict_extra, flate ? " /Filter /FlateDecode" : "",
		 flate ? (unsigned long)zl : (unsigned long)len);
	sb_str(b, h);
	sb_put(b, flate ? (const void *)z : data, flate ? zl : len);
	sb_str(b, "\nendstream\nendobj\n");
}

static void tail(struct sbuf *b, unsigned root)
{
	char t[96];
	snprintf(t, sizeof t, "trailer\n<< /Root %u 0 R >>\n%%%%EOF\n", root);
	sb_str(b, t);
}

/* /OpenAction << /S /J#61vaScript /JS ... >> inside a compressed object stream. */
void f_objstm_js(struct sbuf *b)
{
	sb_str(b, "%PDF-1.7\n%\xe2\xe3\xcf\xd3\n");
	const char *o1 = "<< /Type /Catalog /Pages 2 0 R /OpenAction << /S /J#61vaScript /J#53 (app.alert\\(1\\)) >> >>";
	const char *o2 = "<< /Type /Pages /Kids [] /Count 0 >>";
	char body[512];
	int off2 = (int)strlen(o1) + 1;
	char head[32];
	snprintf(head, sizeof head, "1 0 2 %d ", off2);
	snprintf(body, sizeof body, "%s%s %s", head, o1, o2);
	char extra[64];
	snprintf(extra, sizeof extra, "/Type /ObjStm /N 2 /First %zu", strlen(head));
	stream_obj(b, 5, extra, body, strlen(body), true);
	tail(b, 1);
}

/* The benign twin: links, a form field, a GoTo open action, a text attachment. */
void f_benign(struct sbuf *b)
{
	sb_str(b, "%PDF-1.7\n");
	obj(b, 1, "<< /Type /Catalog /Pages 2 0 R /OpenAction << /S /GoTo /D [3 0 R /Fit] >> /AcroForm << /Fields [6 0 R] >>"
		  " /Names << /EmbeddedFiles << /Names [(notes.txt) 7 0 R] >> >> >>");
	obj(b, 2, "<< /Type /Pages /Kids [3 0 R] /Count 1 >>");
	obj(b, 3, "<< /Type /Page /Parent 2 0 R /Annots [4 0 R] >>");
	obj(b, 4, "<< /Type /Annot /Subtype /Link /A << /S /URI /URI (https://example.com/) >> >>");
	obj(b, 6, "<< /FT /Tx /T (name) /V (Ada) >>");
	obj(b, 7, "<< /Type /Filespec /F (notes.txt) /UF (notes.txt) /EF << /F 8 0 R >> >>");
	static const char note[] = "Meeting notes: ship on Friday.\n";
	stream_obj(b, 8, "/Type /EmbeddedFile", note, sizeof note - 1, true);
	tail(b, 1);
}

/* A /Launch action. */
void f_launch(struct sbuf *b)
{
	sb_str(b, "%PDF-1.4\n");
	obj(b, 1, "<< /Type /Catalog /Pages 2 0 R /OpenAction 3 0 R >>");
	obj(b, 2, "<< /Type /Pages /Kids [] /Count 0 >>");
	obj(b, 3, "<< /S /Launch /Win << /F (cmd.exe) /P (/c calc) >> >>");
	tail(b, 1);
}

/* An attachment that is a program. */
void f_attached_exe(struct sbuf *b)
{
	struct sbuf pe = {0};
	sample_pe(&pe);
	sb_str(b, "%PDF-1.7\n");
	obj(b, 1, "<< /Type /Catalog /Pages 2 0 R /Names << /EmbeddedFiles << /Names [(a) 3 0 R] >> >> >>");
	obj(b, 2, "<< /Type /Pages /Kids [] /Count 0 >>");
	obj(b, 3, "<< /Type /Filespec /F (invoice.pdf.exe) /EF << /F 4 0 R >> >>");
	stream_obj(b, 4, "/Type /EmbeddedFile", pe.p, pe.len, true);
	tail(b, 1);
	sb_free(&pe);
}

/* An open action that opens a link by itself (low), referenced, not inline. */
void f_auto_uri(struct sbuf *b)
{
	sb_str(b, "%PDF-1.4\n");
	obj(b, 1, "<< /Type /Catalog /Pages 2 0 R /OpenAction 3 0 R >>");
	obj(b, 2, "<< /Type /Pages /Kids [] /Count 0 >>");
	obj(b, 3, "<< /S /URI /URI (https://tracker.example/open) >>");
	tail(b, 1);
}

/* Encrypted with a user password. */
void f_encrypted(struct sbuf *b)
{
	sb_str(b, "%PDF-1.6\n");
	obj(b, 1, "<< /Type /Catalog /Pages 2 0 R >>");
	obj(b, 2, "<< /Type /Pages /Kids [] /Count 0 >>");
	obj(b, 3, "<< /Filter /Standard /V 2 /R 3 /Length 128 /O <00> /U <00> /P -4 >>");
	sb_str(b, "trailer\n<< /Root 1 0 R /Encrypt 3 0 R >>\n%%EOF\n");
}

/* --- the standard security handler, R3 (RC4 128), as writers apply it ---------- */

#include <openssl/evp.h>

static const uint8_t pdfpad[32] = {0x28, 0xBF, 0x4E, 0x5E, 0x4E, 0x75, 0x8A, 0x41, 0x64, 0x00, 0x4E,
				   0x56, 0xFF, 0xFA, 0x01, 0x08, 0x2E, 0x2E, 0x00, 0xB6, 0xD0, 0x68,
				   0x3E, 0x80, 0x2F, 0x0C, 0xA9, 0xFE, 0x64, 0x53, 0x69, 0x7A};

static void md5(const void *a, size_t an, const void *b, size_t bn, uint8_t out[16])
{
	EVP_MD_CTX *x = EVP_MD_CTX_new();
	unsigned l;
	EVP_DigestInit_ex(x, EVP_md5(), NULL);
	EVP_DigestUpdate(x, a, an);
	if (bn)
		EVP_DigestUpdate(x, b, bn);
	EVP_DigestFinal_ex(x, out, &l);
	EVP_MD_CTX_free(x);
}

static void rc4x(const uint8_t *key, size_t kl, const uint8_t *in, uint8_t *out, size_t n)
{
	uint8_t s[256];
	for (int i = 0; i < 256; i++)
		s[i] = (uint8_t)i;
	for (int i = 0, j = 0; i < 256; i++) {
		j = (j + s[i] + key[i % kl]) & 255;
		uint8_t t = s[i];
		s[i] = s[j];
		s[j] = t;
	}
	for (size_t k = 0, i = 0, j = 0; k < n; k++) {
		i = (i + 1) & 255;
		j = (j + s[i]) & 255;
		uint8_t t = s[i];
		s[i] = s[j];
		s[j] = t;
		out[k] = in[k] ^ s[(s[i] + s[j]) & 255];
	}
}

static void padded(const char *pw, uint8_t out[32])
{
	size_t l = strlen(pw) < 32 ? strlen(pw) : 32;
	memcpy(out, pw, l);
	memcpy(out + l, pdfpad, 32 - l);
}

static void hexs(struct sbuf *b, const uint8_t *p, size_t n)
{
	static const char d[] = "0123456789ABCDEF";
	sb_u8(b, '<');
	for (size_t i = 0; i < n; i++) {
		sb_u8(b, (uint8_t)d[p[i] >> 4]);
		sb_u8(b, (uint8_t)d[p[i] & 15]);
	}
	sb_u8(b, '>');
}

/* An R3 RC4-128 PDF whose user password is `user`, with JavaScript in a compressed, encrypted object stream. */
static void encrypted_js(struct sbuf *b, const char *user)
{
	static const uint8_t id[16] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16};
	const int32_t P = -1340;
	uint8_t pu[32], po[32], h[16], okey[16], O[32], key[16], U[32];
	padded(user, pu);
	padded("owner", po);
	/* Algorithm 3: O */
	md5(po, 32, NULL, 0, h);
	for (int i = 0; i < 50; i++)
		md5(h, 16, NULL, 0, h);
	memcpy(okey, h, 16);
	rc4x(okey, 16, pu, O, 32);
	for (int i = 1; i <= 19; i++) {
		uint8_t k2[16];
		for (int j = 0; j < 16; j++)
			k2[j] = (uint8_t)(okey[j] ^ i);
		rc4x(k2, 16, O, O, 32);
	}
	/* Algorithm 2: the file key */
	uint8_t buf[32 + 32 + 4 + 16];
	memcpy(buf, pu, 32);
	memcpy(buf + 32, O, 32);
	buf[64] = (uint8_t)P;
	buf[65] = (uint8_t)(P >> 8);
	buf[66] = (uint8_t)(P >> 16);
	buf[67] = (uint8_t)(P >> 24);
	memcpy(buf + 68, id, 16);
	md5(buf, sizeof buf, NULL, 0, h);
	for (int i = 0; i < 50; i++)
		md5(h, 16, NULL, 0, h);
	memcpy(key, h, 16);
	/* Algorithm 5: U */
	md5(pdfpad, 32, id, 16, h);
	rc4x(key, 16, h, U, 16);
	for (int i = 1; i <= 19; i++) {
		uint8_t k2[16];
		for (int j = 0; j < 16; j++)
			k2[j] = (uint8_t)(key[j] ^ i);
		rc4x(k2, 16, U, U, 16);
	}
	memset(U + 16, 0, 16);

	/* The object stream (object 5) holds the open action (object 7): JavaScript. */
	const char *o7 = "<< /S /JavaScript /JS (app.alert\\(1\\)) >>";
	char head[32], body[512];
	snprintf(head, sizeof head, "7 0 ");
	snprintf(body, sizeof body, "%s%s", head, o7);
	uint8_t z[1024];
	uLongf zl = sizeof z;
	compress2(z, &zl, (const Bytef *)body, (uLong)strlen(body), 9);
	uint8_t ok[21], okh[16];
	memcpy(ok, key, 16);
	ok[16] = 5, ok[17] = 0, ok[18] = 0, ok[19] = 0, ok[20] = 0;
	md5(ok, 21, NULL, 0, okh);
	rc4x(okh, 16, z, z, zl);
	sb_str(b, "%PDF-1.6\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R /OpenAction 7 0 R >>\nendobj\n"
		  "2 0 obj\n<< /Type /Pages /Kids [] /Count 0 >>\nendobj\n");
	char h5[160];
	snprintf(h5, sizeof h5, "5 0 obj\n<< /Type /ObjStm /N 1 /First %zu /Filter /FlateDecode /Length %lu >>\nstream\n",
		 strlen(head), (unsigned long)zl);
	sb_str(b, h5);
	sb_put(b, z, zl);
	sb_str(b, "\nendstream\nendobj\n");
	sb_str(b, "6 0 obj\n<< /Filter /Standard /V 2 /R 3 /Length 128 /P -1340 /O ");
	hexs(b, O, 32);
	sb_str(b, " /U ");
	hexs(b, U, 32);
	sb_str(b, " >>\nendobj\ntrailer\n<< /Root 1 0 R /Encrypt 6 0 R /ID [");
	hexs(b, id, 16);
	hexs(b, id, 16);
	sb_str(b, "] >>\n%%EOF\n");
}

/* Encrypted with an empty user password: every viewer opens it without asking, and runs it. */
void f_encrypted_empty_js(struct sbuf *b) { encrypted_js(b, ""); }
/* Its twin: a real user password; nothing can be read without it. */
void f_encrypted_pw_js(struct sbuf *b) { encrypted_js(b, "secret"); }

/* An attachment behind a filter crible does not decode (JBIG2): said so, never judged clean. */
void f_undecoded_attachment(struct sbuf *b)
{
	sb_str(b, "%PDF-1.7\n");
	obj(b, 1, "<< /Type /Catalog /Names << /EmbeddedFiles << /Names [(a) 2 0 R] >> >> >>");
	obj(b, 2, "<< /Type /Filespec /F (scan.exe) /EF << /F 3 0 R >> >>");
	static const char data[] = "MZ\x90\0\x03\0\0\0";
	stream_obj(b, 3, "/Type /EmbeddedFile /Filter /JBIG2Decode", data, sizeof data - 1, false);
	tail(b, 1);
}
