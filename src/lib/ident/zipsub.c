/*
 * zipsub.c - what a ZIP carries: OOXML (docx/xlsx/pptx and their macro
 * forms), ODF and EPUB, JAR, APK.
 *
 * The subtype comes from the entry names, as Office and the JVM decide
 * it, not from the extension.  Names are read from the central directory
 * when the tail window or a bounded read reaches it, else from the local
 * headers in the head window.
 *
 * Central directory header ("PK\1\2", 46 bytes fixed): name length at 28,
 * extra length at 30, comment length at 32, name at 46.
 * Local header ("PK\3\4", 30 bytes fixed): method at 8, name length at
 * 26, extra length at 28, name at 30; ODF/EPUB put a stored "mimetype"
 * entry first, its content right after the name.
 */
#include <stdlib.h>
#include <string.h>

#include "../io/cur.h"
#include "ident.h"

enum {
	Z_CT = 1 << 0,		/* [Content_Types].xml */
	Z_WORD = 1 << 1,
	Z_XL = 1 << 2,
	Z_PPT = 1 << 3,
	Z_VBA = 1 << 4,		/* vbaProject.bin */
	Z_XLSB = 1 << 5,
	Z_MANIFEST = 1 << 6,	/* META-INF/MANIFEST.MF */
	Z_ANDROID = 1 << 7,	/* AndroidManifest.xml */
	Z_DEX = 1 << 8,
	Z_WHEEL = 1 << 9,	/* NAME-VER.dist-info/WHEEL */
	Z_EGG = 1 << 10,	/* EGG-INFO/PKG-INFO */
};

static unsigned name_bits(const uint8_t *n, size_t len)
{
#define IS(s) (len == sizeof(s) - 1 && memcmp(n, s, len) == 0)
#define PRE(s) (len >= sizeof(s) - 1 && memcmp(n, s, sizeof(s) - 1) == 0)
	unsigned b = 0;
	if (IS("[Content_Types].xml"))
		b |= Z_CT;
	if (PRE("word/"))
		b |= Z_WORD;
	if (PRE("xl/"))
		b |= Z_XL;
	if (IS("xl/workbook.bin"))
		b |= Z_XLSB;
	if (PRE("ppt/"))
		b |= Z_PPT;
	if (len >= 14 && memcmp(n + len - 14, "vbaProject.bin", 14) == 0)
		b |= Z_VBA;
	if (IS("META-INF/MANIFEST.MF"))
		b |= Z_MANIFEST;
	if (IS("AndroidManifest.xml"))
		b |= Z_ANDROID;
	if (IS("classes.dex"))
		b |= Z_DEX;
	/* A wheel's metadata directory sits at the top: one slash, before WHEEL. */
	if (len > 16 && memcmp(n + len - 16, ".dist-info/WHEEL", 16) == 0 && memchr(n, '/', len - 5) == n + len - 6)
		b |= Z_WHEEL;
	if (IS("EGG-INFO/PKG-INFO"))
		b |= Z_EGG;
	return b;
#undef IS
#undef PRE
}

static enum cr_tid odf_type(const uint8_t *m, size_t n)
{
	static const struct {
		const char *prefix;
		enum cr_tid t;
	} odf[] = {
		{"application/vnd.oasis.opendocument.text", T_ODT},
		{"application/vnd.oasis.opendocument.spreadsheet", T_ODS},
		{"application/vnd.oasis.opendocument.presentation", T_ODP},
		{"application/vnd.oasis.opendocument.graphics", T_ODG},
		{"application/epub+zip", T_EPUB},
	};
	for (size_t i = 0; i < sizeof odf / sizeof odf[0]; i++) {
		size_t l = strlen(odf[i].prefix);
		if (n >= l && memcmp(m, odf[i].prefix, l) == 0)
			return odf[i].t;
	}
	return T_UNKNOWN;
}

/* Walks central directory records in c; returns the name bits. */
static unsigned walk_cd(struct cr_cur c)
{
	unsigned bits = 0;
	/* Each record consumes at least 46 bytes, so the loop ends. */
	while (cur_match(&c, 0, "PK\1\2", 4)) {
		uint16_t nl, el, cl;
		const uint8_t *name;
		if (!cur_peek_u16le(&c, 28, &nl) || !cur_peek_u16le(&c, 30, &el) || !cur_peek_u16le(&c, 32, &cl) ||
		    !cur_skip(&c, 46) || !cur_bytes(&c, &name, nl))
			break;
		bits |= name_bits(name, nl);
		if (!cur_skip(&c, (size_t)el + cl))
			break;
	}
	return bits;
}

/* Walks local headers in c; stops at the first entry whose size is not in the header. */
static unsigned walk_local(struct cr_cur c)
{
	unsigned bits = 0;
	while (cur_match(&c, 0, "PK\3\4", 4)) {
		uint16_t flags, nl, el;
		uint32_t csize;
		const uint8_t *name;
		if (!cur_peek_u16le(&c, 6, &flags) || !cur_peek_u32le(&c, 18, &csize) ||
		    !cur_peek_u16le(&c, 26, &nl) || !cur_peek_u16le(&c, 28, &el) || !cur_skip(&c, 30) ||
		    !cur_bytes(&c, &name, nl))
			break;
		bits |= name_bits(name, nl);
		/* Bit 3: sizes follow the data; we cannot skip it without inflating. */
		if ((flags & 8) || csize == 0xffffffff || !cur_skip(&c, (size_t)el + csize))
			break;
	}
	return bits;
}

/* Names from the central directory z located; at most 256 KiB of it: enough names to decide. */
static unsigned cd_bits(const struct cr_view *v, const struct cr_zip_end *z, int *found)
{
	*found = 0;
	if (!z->found || z->zip64_broken)
		return 0;
	size_t n = z->cd_size > 256 * 1024 ? 256 * 1024 : (size_t)z->cd_size;
	uint8_t *buf = malloc(n ? n : 1);
	if (!buf)
		return 0;
	unsigned bits = 0;
	if (cr_view_read(v, z->cd, buf, n)) {
		struct cr_cur c;
		cur_init(&c, buf, n);
		if (cur_match(&c, 0, "PK\1\2", 4)) {
			*found = 1;
			bits = walk_cd(c);
		}
	}
	free(buf);
	return bits;
}

enum cr_tid cr_zip_subtype(const struct cr_view *v, const struct cr_zip_end *z, uint64_t zstart)
{
	struct cr_cur h;
	cur_init(&h, v->head, v->headlen);
	if (zstart < v->headlen)
		cur_skip(&h, (size_t)zstart);
	else
		cur_init(&h, NULL, 0);
	/* ODF and EPUB: a stored "mimetype" first entry holds the media type. */
	uint16_t method, nl, el;
	uint32_t csize;
	if (cur_match(&h, 0, "PK\3\4", 4) && cur_peek_u16le(&h, 8, &method) && cur_peek_u32le(&h, 18, &csize) &&
	    cur_peek_u16le(&h, 26, &nl) && cur_peek_u16le(&h, 28, &el) && method == 0 && nl == 8 &&
	    cur_match(&h, 30, "mimetype", 8)) {
		struct cr_cur m;
		if (csize <= 128 && cur_window(&h, &m, 38 + (size_t)el, csize)) {
			enum cr_tid t = odf_type(m.p, m.len);
			if (t != T_UNKNOWN)
				return t;
		}
	}
	int found;
	unsigned bits = cd_bits(v, z, &found);
	if (!found)
		bits = walk_local(h);
	if (bits & Z_CT) {
		int vba = (bits & Z_VBA) != 0;
		if (bits & Z_WORD)
			return vba ? T_DOCM : T_DOCX;
		if (bits & Z_XLSB)
			return T_XLSB;
		if (bits & Z_XL)
			return vba ? T_XLSM : T_XLSX;
		if (bits & Z_PPT)
			return vba ? T_PPTM : T_PPTX;
		return T_OOXML;
	}
	if ((bits & Z_ANDROID) && (bits & (Z_DEX | Z_MANIFEST)))
		return T_APK;
	if (bits & Z_WHEEL)
		return T_WHEEL;
	if (bits & Z_EGG)
		return T_EGG;
	if (bits & Z_MANIFEST)
		return T_JAR;
	return T_ZIP;
}
