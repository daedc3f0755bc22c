/*
 * ole.c - OLE compound files (MS-CFB version 3, 512-byte sectors) and VBA
 * projects (MS-OVBA), written the way Office lays them out: small streams
 * in the mini stream, the rest in regular sectors, one FAT, siblings as a
 * right-leaning tree under each storage.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "samples.h"

#define SSZ 512u
#define MINI 64u
#define END 0xFFFFFFFEu
#define FREE 0xFFFFFFFFu
#define FATSECT 0xFFFFFFFDu

static uint32_t ceil_div(size_t a, size_t b) { return (uint32_t)((a + b - 1) / b); }

void ole_write(struct sbuf *b, const struct olenode *nodes, size_t n)
{
	size_t nent = n + 1;
	/* Where each stream goes: the mini stream below 4096 bytes, regular sectors otherwise. */
	uint32_t *start = calloc(nent, sizeof *start);
	size_t minibytes = 0, nbig = 0;
	for (size_t i = 0; i < n; i++) {
		if (nodes[i].storage)
			continue;
		if (nodes[i].len < 4096) {
			start[i + 1] = nodes[i].len ? (uint32_t)(minibytes / MINI) : END;
			minibytes += (size_t)ceil_div(nodes[i].len, MINI) * MINI;
		} else {
			nbig += ceil_div(nodes[i].len, SSZ);
		}
	}
	uint32_t nmini = (uint32_t)(minibytes / MINI);
	uint32_t ndir = ceil_div(nent, 4), nminifat = ceil_div((size_t)nmini * 4, SSZ);
	uint32_t nministream = ceil_div(minibytes, SSZ);
	uint32_t other = ndir + nminifat + nministream + (uint32_t)nbig, nfat = 1;
	while (nfat * (SSZ / 4) < nfat + other)
		nfat++;
	uint32_t dir0 = nfat, minifat0 = dir0 + ndir, ministream0 = minifat0 + nminifat,
		 big0 = ministream0 + nministream, total = big0 + (uint32_t)nbig;
	/* Regular starts for the big streams. */
	uint32_t at = big0;
	for (size_t i = 0; i < n; i++)
		if (!nodes[i].storage && nodes[i].len >= 4096) {
			start[i + 1] = at;
			at += ceil_div(nodes[i].len, SSZ);
		}

	/* Header. */
	size_t base = b->len;
	sb_put(b, "\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", 8);
	sb_zero(b, 16);
	sb_u16le(b, 0x3e);
	sb_u16le(b, 3);
	sb_u16le(b, 0xfffe);
	sb_u16le(b, 9);
	sb_u16le(b, 6);
	sb_zero(b, 6);
	sb_u32le(b, 0);
	sb_u32le(b, nfat);
	sb_u32le(b, dir0);
	sb_u32le(b, 0);
	sb_u32le(b, 4096);
	sb_u32le(b, nminifat ? minifat0 : END);
	sb_u32le(b, nminifat);
	sb_u32le(b, END);
	sb_u32le(b, 0);
	for (uint32_t k = 0; k < 109; k++)
		sb_u32le(b, k < nfat ? k : FREE);

	/* FAT. */
	uint32_t *fat = malloc((size_t)nfat * (SSZ / 4) * sizeof *fat);
	for (uint32_t k = 0; k < nfat * (SSZ / 4); k++)
		fat[k] = FREE;
	for (uint32_t k = 0; k < nfat; k++)
		fat[k] = FATSECT;
#define CHAIN(first, count)                                              \
	for (uint32_t k_ = 0; k_ < (count); k_++)                        \
		fat[(first) + k_] = k_ + 1 < (count) ? (first) + k_ + 1 : END;
	CHAIN(dir0, ndir)
	CHAIN(minifat0, nminifat)
	CHAIN(ministream0, nministream)
	for (size_t i = 0; i < n; i++)
		if (!nodes[i].storage && nodes[i].len >= 4096) {
			CHAIN(start[i + 1], ceil_div(nodes[i].len, SSZ))
		}
#undef CHAIN
	for (uint32_t k = 0; k < nfat * (SSZ / 4); k++)
		sb_u32le(b, fat[k]);
	free(fat);
	(void)total;

	/* Directory: siblings under each storage as a chain of right links. */
	int32_t *child = malloc(nent * sizeof *child), *right = malloc(nent * sizeof *right);
	for (size_t i = 0; i < nent; i++)
		child[i] = right[i] = -1;
	for (size_t i = n; i-- > 0;) {
		size_t parent = nodes[i].parent < 0 ? 0 : (size_t)nodes[i].parent + 1;
		right[i + 1] = child[parent];
		child[parent] = (int32_t)(i + 1);
	}
	for (size_t i = 0; i < ndir * 4; i++) {
		size_t e = b->len;
		if (i < nent) {
			const char *nm = i == 0 ? "Root Entry" : nodes[i - 1].name;
			size_t l = strlen(nm);
			for (size_t k = 0; k < l; k++)
				sb_u16le(b, (uint8_t)nm[k]);
			sb_pad(b, e + 64);
			sb_u16le(b, (uint16_t)(2 * (l + 1)));
			sb_u8(b, i == 0 ? 5 : nodes[i - 1].storage ? 1 : 2);
			sb_u8(b, 1);
			sb_u32le(b, FREE);	/* left */
			sb_u32le(b, right[i] < 0 ? FREE : (uint32_t)right[i]);
			sb_u32le(b, child[i] < 0 ? FREE : (uint32_t)child[i]);
			sb_zero(b, 16 + 4 + 16);
			if (i == 0) {
				sb_u32le(b, nministream ? ministream0 : END);
				sb_u32le(b, (uint32_t)minibytes);
			} else if (nodes[i - 1].storage) {
				sb_u32le(b, 0);
				sb_u32le(b, 0);
			} else {
				sb_u32le(b, start[i]);
				sb_u32le(b, (uint32_t)nodes[i - 1].len);
			}
			sb_u32le(b, 0);
		} else {
			sb_pad(b, e + 68);	/* no name, type 0: unused */
			sb_u32le(b, FREE);
			sb_u32le(b, FREE);
			sb_u32le(b, FREE);
		}
		sb_pad(b, e + 128);
	}
	free(child);
	free(right);

	/* Mini FAT: one chain per small stream, in order. */
	size_t mf = b->len;
	uint32_t ms = 0;
	for (size_t i = 0; i < n; i++)
		if (!nodes[i].storage && nodes[i].len && nodes[i].len < 4096) {
			uint32_t c = ceil_div(nodes[i].len, MINI);
			for (uint32_t k = 0; k < c; k++)
				sb_u32le(b, k + 1 < c ? ms + k + 1 : END);
			ms += c;
		}
	if (nminifat) {
		while (b->len < mf + (size_t)nminifat * SSZ)
			sb_u32le(b, FREE);
	}
	/* Mini stream, then the big streams. */
	size_t m0 = b->len;
	for (size_t i = 0; i < n; i++)
		if (!nodes[i].storage && nodes[i].len && nodes[i].len < 4096) {
			sb_put(b, nodes[i].data, nodes[i].len);
			sb_pad(b, m0 + (size_t)ceil_div(b->len - m0, MINI) * MINI);
		}
	sb_pad(b, m0 + (size_t)nministream * SSZ);
	for (size_t i = 0; i < n; i++)
		if (!nodes[i].storage && nodes[i].len >= 4096) {
			size_t s0 = b->len;
			sb_put(b, nodes[i].data, nodes[i].len);
			sb_pad(b, s0 + (size_t)ceil_div(nodes[i].len, SSZ) * SSZ);
		}
	(void)base;
	free(start);
}

/* --- MS-OVBA compression ---------------------------------------------------- */

static unsigned copy_bits(size_t pos)
{
	unsigned b = 4;
	while (b < 12 && ((size_t)1 << b) < pos)
		b++;
	return b;
}

/* Compresses one chunk (at most 4096 bytes) greedily; returns false when it does not fit a compressed chunk. */
static bool chunk(struct sbuf *b, const uint8_t *p, size_t n)
{
	struct sbuf c = {0};
	size_t i = 0;
	while (i < n) {
		size_t flag_at = c.len;
		sb_u8(&c, 0);
		for (int t = 0; t < 8 && i < n; t++) {
			unsigned bits = copy_bits(i);
			size_t maxoff = i < ((size_t)1 << bits) ? i : (size_t)1 << bits, maxlen = (0xFFFFu >> bits) + 3;
			size_t best = 0, boff = 0;
			for (size_t off = 1; i > 0 && off <= maxoff; off++) {
				size_t l = 0;
				while (l < maxlen && i + l < n && p[i + l] == p[i + l - off])
					l++;
				if (l > best) {
					best = l;
					boff = off;
				}
			}
			if (best >= 3) {
				uint16_t tok = (uint16_t)(((boff - 1) << (16 - bits)) | (best - 3));
				sb_u16le(&c, tok);
				c.p[flag_at] |= (uint8_t)(1u << t);
				i += best;
			} else {
				sb_u8(&c, p[i++]);
			}
		}
	}
	bool ok = c.len + 2 <= 4098;
	if (ok) {
		sb_u16le(b, (uint16_t)(0x8000u | 0x3000u | (uint16_t)(c.len + 2 - 3)));
		sb_put(b, c.p, c.len);
	}
	sb_free(&c);
	return ok;
}

void ovba_compress(struct sbuf *b, const void *data, size_t n)
{
	const uint8_t *p = data;
	sb_u8(b, 0x01);
	for (size_t i = 0; i < n; i += 4096) {
		size_t k = n - i < 4096 ? n - i : 4096;
		if (!chunk(b, p + i, k)) {
			/* Raw: always 4096 bytes. */
			sb_u16le(b, 0x3000u | 0x0FFFu);
			sb_put(b, p + i, k);
			sb_zero(b, 4096 - k);
		}
	}
}

/* --- VBA projects ------------------------------------------------------------ */

static void rec(struct sbuf *d, uint16_t id, const void *p, uint32_t n)
{
	sb_u16le(d, id);
	sb_u32le(d, n);
	sb_put(d, p, n);
}

static void rec_u32(struct sbuf *d, uint16_t id, uint32_t v)
{
	sb_u16le(d, id);
	sb_u32le(d, 4);
	sb_u32le(d, v);
}

static void rec_u16(struct sbuf *d, uint16_t id, uint16_t v)
{
	sb_u16le(d, id);
	sb_u32le(d, 2);
	sb_u16le(d, v);
}

static void rec_str(struct sbuf *d, uint16_t id, uint16_t uid, const char *s)
{
	rec(d, id, s, (uint32_t)strlen(s));
	if (uid) {
		struct sbuf u = {0};
		for (const char *c = s; *c; c++)
			sb_u16le(&u, (uint8_t)*c);
		rec(d, uid, u.p, (uint32_t)u.len);
		sb_free(&u);
	}
}

void vba_dir(struct sbuf *out, const char *const *modules, size_t n, const uint32_t *offsets)
{
	struct sbuf d = {0};
	rec_u32(&d, 0x0001, 1);
	rec_u32(&d, 0x0002, 0x409);
	rec_u32(&d, 0x0014, 0x409);
	rec_u16(&d, 0x0003, 1252);
	rec_str(&d, 0x0004, 0, "Project");
	rec_str(&d, 0x0005, 0x0040, "");
	rec_str(&d, 0x0006, 0x003D, "");
	rec_u32(&d, 0x0007, 0);
	rec_u32(&d, 0x0008, 0);
	/* PROJECTVERSION: says 4, holds 6 */
	sb_u16le(&d, 0x0009);
	sb_u32le(&d, 4);
	sb_u32le(&d, 0x65be0257);
	sb_u16le(&d, 0x0011);
	rec_str(&d, 0x000C, 0x003C, "");
	rec_str(&d, 0x0016, 0x003E, "stdole");
	rec_str(&d, 0x000D, 0, "*\\G{00020430-0000-0000-C000-000000000046}#2.0#0#C:\\Windows\\System32\\stdole2.tlb#OLE Automation");
	rec_u16(&d, 0x000F, (uint16_t)n);
	rec_u16(&d, 0x0013, 0xFFFF);
	for (size_t i = 0; i < n; i++) {
		rec_str(&d, 0x0019, 0, modules[i]);
		rec_str(&d, 0x0047, 0, "");
		rec_str(&d, 0x001A, 0x0032, modules[i]);
		rec_str(&d, 0x001C, 0x0048, "");
		rec_u32(&d, 0x0031, offsets[i]);
		rec_u32(&d, 0x001E, 0);
		rec_u16(&d, 0x002C, 0xFFFF);
		rec(&d, 0x0021, "", 0);
		rec(&d, 0x002B, "", 0);
	}
	rec(&d, 0x0010, "", 0);
	ovba_compress(out, d.p, d.len);
	sb_free(&d);
}

void vba_module(struct sbuf *out, const char *pcode, const char *source)
{
	sb_str(out, pcode);
	ovba_compress(out, source, strlen(source));
}

/* --- documents --------------------------------------------------------------- */

/*
 * A Word 97-2003 document with a VBA project (Macros/VBA) holding one
 * module: pcode stands for the compiled cache before the source.
 */
enum dirmode { DIR_OK, DIR_BROKEN, DIR_NONE };

static void word_with_vba(struct sbuf *b, const char *pcode, const char *source, enum dirmode dm)
{
	static const char *const mods[] = {"ThisDocument"};
	struct sbuf dir = {0}, mod = {0};
	uint32_t off = (uint32_t)strlen(pcode);
	vba_dir(&dir, mods, 1, &off);
	vba_module(&mod, pcode, source);
	static const uint8_t word[64] = {0xec, 0xa5, 0xc1, 0x00};
	static const uint8_t vbaproj[7] = {0xcc, 0x61, 0xff, 0xff, 0x00, 0x00, 0x00};
	const char *project = "ID=\"{00000000-0000-0000-0000-000000000000}\"\r\nDocument=ThisDocument/&H00000000\r\n";
	struct olenode n[] = {
		{"WordDocument", false, -1, word, sizeof word},
		{"Macros", true, -1, NULL, 0},
		{"PROJECT", false, 1, project, strlen(project)},
		{"VBA", true, 1, NULL, 0},
		{"_VBA_PROJECT", false, 3, vbaproj, sizeof vbaproj},
		{"dir", false, 3, dir.p, dir.len},
		{"ThisDocument", false, 3, mod.p, mod.len},
	};
	if (dm == DIR_BROKEN)
		dir.p[0] = 0x02;	/* not a CompressedContainer */
	if (dm == DIR_NONE)
		n[5].name = "dyr";
	ole_write(b, n, sizeof n / sizeof n[0]);
	sb_free(&dir);
	sb_free(&mod);
}

void d_doc_macro(struct sbuf *b)
{
	word_with_vba(b, "\x01\x16\x03\x01pcode",
		      "Attribute VB_Name = \"ThisDocument\"\r\nSub AutoOpen()\r\n    Shell \"cmd /c calc\", vbHide\r\nEnd Sub\r\n",
		      DIR_OK);
}

/* The source says nothing; the compiled cache still names AutoOpen and Shell. */
void d_doc_stomped(struct sbuf *b)
{
	word_with_vba(b, "\x01\x16\x03\x01 AutoOpen Shell ", "Attribute VB_Name = \"ThisDocument\"\r\n", DIR_OK);
}

/* A VBA storage whose dir stream cannot be decompressed: still a project. */
void d_doc_baddir(struct sbuf *b) { word_with_vba(b, "pcode", "Sub AutoOpen()\r\nEnd Sub\r\n", DIR_BROKEN); }

/* A Macros/VBA storage without a dir stream (its twin): no project to run. */
void d_doc_nodir(struct sbuf *b) { word_with_vba(b, "pcode", "Sub AutoOpen()\r\nEnd Sub\r\n", DIR_NONE); }

/* A plain document: WordDocument, SummaryInformation, no Macros storage. */
void d_doc_plain(struct sbuf *b)
{
	static const uint8_t word[600] = {0xec, 0xa5, 0xc1, 0x00};
	static const uint8_t summary[48] = {0xfe, 0xff, 0x00, 0x00};
	struct sbuf big = {0};
	for (int i = 0; i < 600; i++)
		sb_str(&big, "Plain text of the document body. ");
	struct olenode n[] = {
		{"WordDocument", false, -1, word, sizeof word},
		{"\x05SummaryInformation", false, -1, summary, sizeof summary},
		{"1Table", false, -1, big.p, big.len},
	};
	ole_write(b, n, sizeof n / sizeof n[0]);
	sb_free(&big);
}

/* A vbaProject.bin as Word 2007+ stores it: the VBA storage at the root. */
void d_vbaproject_bin(struct sbuf *b)
{
	static const char *const mods[] = {"ThisDocument", "Module1"};
	struct sbuf dir = {0}, m1 = {0}, m2 = {0};
	uint32_t off[2] = {4, 4};
	vba_dir(&dir, mods, 2, off);
	vba_module(&m1, "pc00", "Attribute VB_Name = \"ThisDocument\"\r\nPrivate Sub Document_Open()\r\n    Module1.Go\r\nEnd Sub\r\n");
	vba_module(&m2, "pc00", "Attribute VB_Name = \"Module1\"\r\nSub Go()\r\n    Set x = CreateObject(\"WScript.Shell\")\r\n    x.Run \"powershell -enc AAAA\"\r\nEnd Sub\r\n");
	static const uint8_t vbaproj[7] = {0xcc, 0x61, 0xff, 0xff, 0x00, 0x00, 0x00};
	const char *project = "ID=\"{00000000-0000-0000-0000-000000000000}\"\r\nDocument=ThisDocument/&H00000000\r\nModule=Module1\r\n";
	struct olenode n[] = {
		{"PROJECT", false, -1, project, strlen(project)},
		{"VBA", true, -1, NULL, 0},
		{"_VBA_PROJECT", false, 1, vbaproj, sizeof vbaproj},
		{"dir", false, 1, dir.p, dir.len},
		{"ThisDocument", false, 1, m1.p, m1.len},
		{"Module1", false, 1, m2.p, m2.len},
	};
	ole_write(b, n, sizeof n / sizeof n[0]);
	sb_free(&dir);
	sb_free(&m1);
	sb_free(&m2);
}

/* OOXML packages: content types that say a plain document, and a VBA project part (or none). */
static const char docx_ct[] =
	"<?xml version=\"1.0\"?><Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">"
	"<Default Extension=\"xml\" ContentType=\"application/xml\"/>"
	"<Override PartName=\"/word/document.xml\" ContentType=\"application/"
	"vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml\"/></Types>";
static const char docm_ct[] =
	"<?xml version=\"1.0\"?><Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">"
	"<Default Extension=\"xml\" ContentType=\"application/xml\"/>"
	"<Override PartName=\"/word/document.xml\" ContentType=\"application/"
	"vnd.ms-word.document.macroEnabled.main+xml\"/></Types>";
static const char doc_xml[] = "<w:document xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\">"
			      "<w:body><w:p><w:r><w:t>Quarterly figures</w:t></w:r></w:p></w:body></w:document>";

void d_docx_hidden_vba(struct sbuf *b)
{
	struct sbuf bin = {0};
	d_vbaproject_bin(&bin);
	struct zspec z[] = {
		{.name = "[Content_Types].xml", .data = docx_ct, .len = sizeof docx_ct - 1, .deflate = 1},
		{.name = "_rels/.rels", .data = "<Relationships/>", .len = 16},
		{.name = "word/document.xml", .data = doc_xml, .len = sizeof doc_xml - 1, .deflate = 1},
		{.name = "word/vbaProject.bin", .data = bin.p, .len = bin.len, .deflate = 1},
	};
	zip_write(b, z, sizeof z / sizeof z[0]);
	sb_free(&bin);
}

/* Its twin: a macro-enabled document with no project (Word writes these too). */
void d_docm_novba(struct sbuf *b)
{
	struct zspec z[] = {
		{.name = "[Content_Types].xml", .data = docm_ct, .len = sizeof docm_ct - 1, .deflate = 1},
		{.name = "_rels/.rels", .data = "<Relationships/>", .len = 16},
		{.name = "word/document.xml", .data = doc_xml, .len = sizeof doc_xml - 1, .deflate = 1},
	};
	zip_write(b, z, sizeof z / sizeof z[0]);
}

/* --- embedded packages, Excel 4.0 macro sheets, encryption ------------------- */

/* An Ole10Native stream in the Packager's layout. */
static void packager(struct sbuf *o, const char *label, const char *src, const char *temp, const void *data, size_t len)
{
	struct sbuf body = {0};
	sb_u16le(&body, 2);
	sb_put(&body, label, strlen(label) + 1);
	sb_put(&body, src, strlen(src) + 1);
	sb_u32le(&body, 0x00030000);
	sb_u32le(&body, (uint32_t)strlen(temp) + 1);
	sb_put(&body, temp, strlen(temp) + 1);
	sb_u32le(&body, (uint32_t)len);
	sb_put(&body, data, len);
	sb_u32le(o, (uint32_t)body.len);
	sb_put(o, body.p, body.len);
	sb_free(&body);
}

static void word_with_package(struct sbuf *b, const char *label, const void *data, size_t len)
{
	struct sbuf nat = {0};
	char src[128], temp[160];
	snprintf(src, sizeof src, "C:\\Users\\me\\Desktop\\%s", label);
	snprintf(temp, sizeof temp, "C:\\Users\\me\\AppData\\Local\\Temp\\%s", label);
	packager(&nat, label, src, temp, data, len);
	static const uint8_t word[64] = {0xec, 0xa5, 0xc1, 0x00};
	static const uint8_t compobj[32] = {0x01, 0x00, 0xfe, 0xff};
	struct olenode n[] = {
		{"WordDocument", false, -1, word, sizeof word},
		{"ObjectPool", true, -1, NULL, 0},
		{"_1745924300", true, 1, NULL, 0},
		{"\x01CompObj", false, 2, compobj, sizeof compobj},
		{"\x01Ole10Native", false, 2, nat.p, nat.len},
	};
	ole_write(b, n, sizeof n / sizeof n[0]);
	sb_free(&nat);
}

void d_doc_package_exe(struct sbuf *b)
{
	struct sbuf pe = {0};
	sample_pe(&pe);
	word_with_package(b, "invoice.pdf.exe", pe.p, pe.len);
	sb_free(&pe);
}

void d_doc_package_txt(struct sbuf *b)
{
	static const char note[] = "Meeting notes: ship on Friday.\n";
	word_with_package(b, "notes.txt", note, sizeof note - 1);
}

/* BIFF8 globals: BOF, optional FILEPASS, BOUNDSHEETs, EOF. */
static void biff_sheet(struct sbuf *w, const char *name, uint8_t state, uint8_t type)
{
	sb_u16le(w, 0x0085);
	sb_u16le(w, (uint16_t)(8 + strlen(name)));
	sb_u32le(w, 0);
	sb_u8(w, state);
	sb_u8(w, type);
	sb_u8(w, (uint8_t)strlen(name));
	sb_u8(w, 0);
	sb_str(w, name);
}

static void excel(struct sbuf *b, int filepass, uint8_t state, uint8_t type)
{
	struct sbuf w = {0};
	sb_u16le(&w, 0x0809);
	sb_u16le(&w, 16);
	sb_u16le(&w, 0x0600);
	sb_u16le(&w, 0x0005);
	sb_zero(&w, 12);
	if (filepass >= 0) {
		sb_u16le(&w, 0x002F);
		sb_u16le(&w, 2);
		sb_u16le(&w, (uint16_t)filepass);
	}
	biff_sheet(&w, "Sheet1", 0, 0);
	biff_sheet(&w, "Macro1", state, type);
	sb_u16le(&w, 0x000A);
	sb_u16le(&w, 0);
	struct olenode n[] = {{"Workbook", false, -1, w.p, w.len}};
	ole_write(b, n, 1);
	sb_free(&w);
}

/* A very hidden Excel 4.0 macro sheet; its twin a hidden worksheet. */
void d_xls_xlm_hidden(struct sbuf *b) { excel(b, -1, 2, 1); }
void d_xls_hidden_sheet(struct sbuf *b) { excel(b, -1, 1, 0); }
/* RC4-encrypted workbook (FILEPASS). */
void d_xls_encrypted(struct sbuf *b) { excel(b, 1, 0, 0); }

/* --- Outlook messages ----------------------------------------------------------- */

static void utf16(struct sbuf *b, const char *s)
{
	for (; *s; s++)
		sb_u16le(b, (uint8_t)*s);
}

static void msg(struct sbuf *b, const char *fname, const void *data, size_t len)
{
	struct sbuf subj = {0}, name = {0};
	utf16(&subj, "Invoice for November");
	utf16(&name, fname);
	static const uint8_t props[32] = {0};
	struct olenode n[] = {
		{"__substg1.0_0037001F", false, -1, subj.p, subj.len},
		{"__properties_version1.0", false, -1, props, sizeof props},
		{"__attach_version1.0_#00000000", true, -1, NULL, 0},
		{"__substg1.0_3707001F", false, 2, name.p, name.len},
		{"__substg1.0_37010102", false, 2, data, len},
		{"__properties_version1.0", false, 2, props, sizeof props},
	};
	ole_write(b, n, sizeof n / sizeof n[0]);
	sb_free(&subj);
	sb_free(&name);
}

/* A message whose attachment is a program saved as invoice.pdf.exe; its twin a note. */
void d_msg_exe(struct sbuf *b)
{
	struct sbuf pe = {0};
	sample_pe(&pe);
	msg(b, "invoice.pdf.exe", pe.p, pe.len);
	sb_free(&pe);
}
void d_msg_txt(struct sbuf *b)
{
	static const char t[] = "Please find the figures below.\n";
	msg(b, "figures.txt", t, sizeof t - 1);
}
