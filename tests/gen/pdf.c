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
