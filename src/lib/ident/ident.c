/*
 * ident.c - the identification driver: head, deep offsets, tail, text.
 *
 * The primary type is what a reader that starts at offset 0 sees (a
 * PE loader, an image viewer); when the head says nothing specific, a
 * structure found at the tail (a ZIP behind its EOCD, a DMG behind
 * "koly") is primary instead.  Every other valid structure is reported in
 * `also`: that is a polyglot, two readers disagreeing on what the file is.
 */
#include <string.h>

#include "ident.h"
#include "../layout/tar.h"

static void add_also(struct cr_ident *id, enum cr_tid t, uint64_t off)
{
	if (t == T_UNKNOWN || t == id->type || id->nalso >= CR_MAX_ALSO)
		return;
	for (size_t i = 0; i < id->nalso; i++)
		if (id->also[i] == t)
			return;
	id->also[id->nalso] = t;
	id->also_off[id->nalso] = off;
	id->nalso++;
}

/* The root of a type's lineage, so a JAR found twice is not a polyglot. */
static enum cr_tid family(enum cr_tid t)
{
	for (int i = 0; i < 8 && cr_type_get(t)->parent != T_UNKNOWN; i++)
		t = cr_type_get(t)->parent;
	return t;
}

/*
 * Whether offset off is inside the data of a member of the tar at 0: the
 * headers are followed from the first, each by its size, as a tar reader
 * follows them.  Asked only when a tar's tail holds another format.
 */
static bool in_tar_member(const struct cr_view *v, uint64_t off)
{
	uint64_t at = 0;
	uint8_t b[512];
	for (unsigned n = 0; n < 1000000 && at + 512 <= v->size && at <= off; n++) {
		uint64_t size;
		if (!cr_view_read(v, at, b, 512) || !cr_tar_checksum_ok(b) || cr_tar_num(b + 124, 12, &size) != 1)
			return false;
		uint64_t data = at + 512;
		if (off >= data && off - data < size)
			return true;
		at = data + ((size + 511) & ~(uint64_t)511);
	}
	return false;
}

static void identify(const struct cr_view *v, struct cr_ident *id, cr_bid_fn bid)
{
	memset(id, 0, sizeof *id);
	if (v->size == 0) {
		id->type = T_EMPTY;
		return;
	}
	uint64_t start = 0, zoff = 0;
	enum cr_tid head = cr_magic_head(v, &start);
	/* Signatures of formats the table adds (walk.h) count as head signatures. */
	if (head == T_UNKNOWN && bid)
		head = bid(v, &start);
	enum cr_tid deep = cr_magic_deep(v);
	/* The ZIP end records, once: the subtype, the tail reading and the walker all use them. */
	cr_zip_end_find(v, &id->zip);
	if (head == T_ZIP)
		head = cr_zip_subtype(v, &id->zip, 0);
	enum cr_tid tail = cr_magic_tail(v, &id->zip, &zoff);
	/* A ZIP found from its end: name what it carries. */
	if (tail == T_ZIP)
		tail = cr_zip_subtype(v, &id->zip, zoff);

	if (head == T_UNKNOWN && deep != T_UNKNOWN) {
		head = deep;
		deep = T_UNKNOWN;
	}
	if (head == T_UNKNOWN) {
		/* Text decides first: a script with an archive behind it is a script (and a polyglot). */
		enum cr_tid t = cr_text_classify(v->head, v->headlen, v->size > SIZE_MAX ? SIZE_MAX : (size_t)v->size, id);
		if (tail == T_UNKNOWN) {
			enum cr_tid r = t == T_UNKNOWN || (cr_type_get(t)->cls & C_GENERIC) ? cr_magic_tar_resync(v)
											     : T_UNKNOWN;
			id->type = r != T_UNKNOWN ? r : t;
			return;
		}
		if (t == T_UNKNOWN || (cr_type_get(t)->cls & C_GENERIC)) {
			id->type = tail;
			id->start = zoff;
			return;
		}
		head = t;
	}
	id->type = head;
	id->start = start;
	if (deep != T_UNKNOWN && family(deep) != family(head))
		add_also(id, deep, deep == T_ISO9660 ? 0x8000 : 0);
	/* A ZIP (a DOCX, a JAR) that is a tar member's data is the member, not a second reading. */
	if (tail != T_UNKNOWN && family(tail) != family(head) && !(family(head) == T_TAR && in_tar_member(v, zoff)))
		add_also(id, tail, tail == T_DMG || tail == T_VHD ? v->size - 512 : zoff);

	/*
	 * Self-extractors: an archive right where the PE image ends (WinRAR,
	 * 7-Zip and cabinet SFX stubs append it there).  The tail finds a ZIP
	 * anyway; RAR, 7z and CAB have no end record, so look here.
	 */
	if (head >= T_PE32_EXE && head <= T_PE64_SYS) {
		uint64_t ov = cr_pe_overlay(v);
		uint8_t sig[8];
		if (ov && cr_view_read(v, ov, sig, 8)) {
			if (!memcmp(sig, "Rar!\x1a\x07\x01\x00", 8))
				add_also(id, T_RAR5, ov);
			else if (!memcmp(sig, "Rar!\x1a\x07\x00", 7))
				add_also(id, T_RAR4, ov);
			else if (!memcmp(sig, "7z\xbc\xaf\x27\x1c", 6))
				add_also(id, T_7Z, ov);
			else if (!memcmp(sig, "MSCF\0\0\0\0", 8))
				add_also(id, T_CAB, ov);
		}
	}

}

/* printable ASCII, as JavaScript source continues */
static bool js_text(const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i] < 0x20 || p[i] > 0x7e)
			return false;
	return true;
}

/*
 * A GIF or BMP signature that is also the start of a JavaScript program:
 * "GIF89a=alert(1)//", or "GIF89a" and a comment holding the rest of the
 * header then "=...", loads as a script from
 * <script src>.  A real GIF's screen width rarely spells '=' followed by
 * printable text, and never a comment that closes.
 */
static bool js_signature(const struct cr_view *v)
{
	const uint8_t *p = v->head;
	size_t n = v->headlen, m = 0;
	if (n >= 6 && (memcmp(p, "GIF87a", 6) == 0 || memcmp(p, "GIF89a", 6) == 0))
		m = 6;
	else if (n >= 2 && p[0] == 'B' && p[1] == 'M')
		m = 2;
	else
		return false;
	size_t i = m;
	while (i < n && (p[i] == ' ' || p[i] == '\t'))
		i++;
	if (i + 8 <= n && p[i] == '=' && js_text(p + i, 8))
		return true;
	if (i + 2 <= n && p[i] == '/' && p[i + 1] == '*') {
		size_t lim = n < 4096 ? n : 4096;
		for (size_t k = i + 2; k + 1 < lim; k++)
			if (p[k] == '*' && p[k + 1] == '/') {
				size_t j = k + 2;
				while (j < lim && (p[j] == ' ' || p[j] == '\t' || p[j] == '\n' || p[j] == '\r'))
					j++;
				return j + 4 <= lim && p[j] == '=' && js_text(p + j, 4);
			}
	}
	return false;
}

/* Code a second reader finds in an image or around a PDF. */
static void polyglot_code(const struct cr_view *v, struct cr_ident *id)
{
	enum cr_tid head = id->type;
	if (js_signature(v))
		id->flags |= CR_ID_HAS_JS;
	/* A PDF's reader skips what comes before %PDF- and after %%EOF; a browser or PHP reads it. */
	if (head == T_PDF) {
		const uint8_t *pre = v->head;
		size_t prel = id->start < v->headlen ? (size_t)id->start : 0;
		if (prel && (cr_has_html_tag(pre, prel) || cr_has_php_open(pre, prel)))
			id->flags |= CR_ID_HAS_MARKUP;
		const uint8_t *t = v->tail;
		size_t tl = v->taillen;
		for (size_t k = tl; t && k >= 5; k--)
			if (t[k - 5] == '%' && memcmp(t + k - 5, "%%EOF", 5) == 0) {
				if (cr_has_html_tag(t + k, tl - k) || cr_has_php_open(t + k, tl - k))
					id->flags |= CR_ID_HAS_MARKUP;
				break;
			}
		if (id->flags & CR_ID_HAS_MARKUP) {
			const uint8_t *w[2] = {pre, t};
			size_t wl[2] = {prel, tl};
			for (int k = 0; k < 2; k++)
				if (w[k] && cr_has_php_open(w[k], wl[k]))
					id->flags |= CR_ID_HAS_PHP;
		}
	}

	/* Images that carry server-side or browser code (JPEG+PHP, GIF+<script>). */
	if ((cr_type_get(head)->cls & (C_IMAGE | C_MARKUP)) == C_IMAGE) {
		const uint8_t *w[2] = {v->head, v->tail};
		size_t wl[2] = {v->headlen, v->taillen};
		for (int k = 0; k < 2; k++) {
			if (!w[k])
				continue;
			if (cr_has_php_open(w[k], wl[k]))
				id->flags |= CR_ID_HAS_PHP;
			if (cr_memcasemem(w[k], wl[k], "<script") >= 0)
				id->flags |= CR_ID_HAS_SCRIPT;
		}
	}
}

void cr_identify(const struct cr_view *v, struct cr_ident *id, cr_bid_fn bid)
{
	identify(v, id, bid);
	polyglot_code(v, id);
}
