/*
 * zip.c - the ZIP walker (APPNOTE 6.3.10), central directory and local
 * headers cross-checked.
 *
 * Layout, from the end:
 *   end of central directory "PK\5\6" (22 bytes + comment): entries (u16
 *     at 10), directory size (u32 at 12) and offset (u32 at 16), comment
 *     length (u16 at 20); offsets count from the start of the ZIP, which
 *     is not the start of the file when data is prepended (SFX, polyglot);
 *   ZIP64 locator "PK\6\7" just before it (20 bytes): the ZIP64 end record
 *     "PK\6\6" with u64 count (32), size (40) and offset (48);
 *   central directory headers "PK\1\2" (46 bytes): made-by (4; high byte
 *     3 = Unix), flags (8; bit 0 encrypted, bit 3 data descriptor, bit 11
 *     UTF-8), method (10), CRC (16), compressed and real sizes (20, 24),
 *     name, extra and comment lengths (28, 30, 32), external attributes
 *     (38; Unix mode in the high 16 bits), local header offset (42); then
 *     the name, the extra field (a list of id+size+data: 0x0001 ZIP64
 *     sizes and offset, 0x7075 Info-ZIP Unicode path, 0x9901 AES), the
 *     comment;
 *   local headers "PK\3\4" (30 bytes): flags (6), method (8), sizes (18,
 *     22), name and extra lengths (26, 28), then name, extra, data.
 *
 * Readers disagree on what is inside when the two copies of a name differ
 * (zip.name-mismatch) or when entries share data: Fifield's non-recursive
 * bomb points many central entries at one compressed kernel (zip.overlap).
 * Both are judged from the headers before any byte is inflated.
 */
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <isa-l/crc.h>

#include "../io/cur.h"
#include "format.h"
#include "../rules/office.h"

#define MAX_CD (64u << 20)	/* a central directory larger than this is refused (100 000 entries need ~10 MiB) */
#define MAX_LINK_TARGET 4096

struct zent {
	uint64_t lho, csize, usize;
	uint32_t crc;
	uint16_t made_by, flags, method;
	uint32_t xattr;
	const uint8_t *name;	/* into the central directory buffer */
	size_t nlen;
	const uint8_t *uname;	/* Info-ZIP Unicode path, or NULL */
	size_t unlen;
	bool aes;
	uint16_t aes_method;
	uint64_t start, end;	/* local header start and data end, absolute */
	uint16_t lflags, lmethod, lnl, lel;	/* the local header's own copies */
	bool lfh_ok;
	bool dup;		/* the same data as an earlier entry: judged there */
	const char *also;	/* a note for every reading of it (another end record's directory lists it) */
};

static int by_start(const void *a, const void *b)
{
	const struct zent *x = *(struct zent *const *)a, *y = *(struct zent *const *)b;
	return x->start < y->start ? -1 : x->start > y->start;
}

/*
 * Read-ahead for a ZIP walked from its descriptor (one over 32 MiB: the
 * rest are in memory).  Both readings visit the local headers in file
 * order, a few small reads each: without it a million-entry archive cost
 * five million preads.  One window per walk, on the walk's stack; the
 * thread's pointer to it is put back when the walk ends, so a nested
 * walk has its own and never sees another object's bytes.
 */
#define RA_WIN (256u * 1024u)

struct ra {
	const struct cr_obj *o;
	uint8_t *buf;		/* RA_WIN bytes, or NULL: no read-ahead */
	uint64_t off;
	size_t len;
};

static _Thread_local struct ra *ra_cur;

/* Reads n bytes at off of the object; false when they are not there. */
static bool rd(const struct cr_obj *o, uint64_t off, void *buf, size_t n)
{
	const struct cr_view *v = o->view;
	struct ra *ra = ra_cur;
	if (!ra || ra->o != o || !ra->buf || n > RA_WIN / 4 || off > v->size || n > v->size - off ||
	    off + n <= v->headlen || off >= v->size - v->taillen)
		return cr_view_read(v, off, buf, n);
	if (off < ra->off || off + n > ra->off + ra->len) {
		size_t want = v->size - off < RA_WIN ? (size_t)(v->size - off) : RA_WIN;
		ssize_t got = cr_src_read(v->src, off, ra->buf, want);
		ra->off = off;
		ra->len = got > 0 ? (size_t)got : 0;
		if (n > ra->len)
			return false;
	}
	memcpy(buf, ra->buf + (off - ra->off), n);
	return true;
}

/* The extra field: ZIP64 sizes and offset, Unicode path, AES. */
static void parse_extra(struct zent *z, struct cr_cur ex, uint32_t csize32, uint32_t usize32, uint32_t lho32,
			const uint8_t *cdname, size_t cdnlen)
{
	/* Each record consumes at least 4 bytes, so the loop ends. */
	while (cur_left(&ex) >= 4) {
		uint16_t id, sz;
		struct cr_cur d;
		if (!cur_u16le(&ex, &id) || !cur_u16le(&ex, &sz) || !cur_sub(&ex, &d, sz))
			break;
		if (id == 0x0001) {
			/* Only the fields whose 32-bit copy is all ones are present, in this order. */
			uint64_t v;
			if (usize32 == 0xffffffff && cur_u64le(&d, &v))
				z->usize = v;
			if (csize32 == 0xffffffff && cur_u64le(&d, &v))
				z->csize = v;
			if (lho32 == 0xffffffff && cur_u64le(&d, &v))
				z->lho = v;
		} else if (id == 0x7075) {
			/* version 1, CRC-32 of the header name, UTF-8 name: used only while the CRC matches. */
			uint8_t ver;
			uint32_t crc;
			if (cur_u8(&d, &ver) && ver == 1 && cur_u32le(&d, &crc)) {
				if (crc == crc32_gzip_refl(0, cdname, cdnlen)) {
					z->uname = d.p;
					z->unlen = d.len;
				}
			}
		} else if (id == 0x9901) {
			uint16_t vv, m;
			uint8_t strength;
			if (cur_u16le(&d, &vv) && cur_skip(&d, 2) && cur_u8(&d, &strength) && cur_u16le(&d, &m)) {
				z->aes = true;
				z->aes_method = m;
			}
		}
	}
}

static enum cr_ekind kind_of(const struct zent *z)
{
	unsigned host = z->made_by >> 8;
	if (host == 3 || host == 19) {
		switch ((z->xattr >> 16) & 0170000) {
		case 0120000:
			return E_SYMLINK;
		case 0040000:
			return E_DIR;
		case 0020000:
		case 0060000:
			return E_DEVICE;
		case 0010000:
			return E_FIFO;
		case 0140000:
			return E_SOCKET;
		default:
			break;
		}
	}
	if ((z->nlen && (z->name[z->nlen - 1] == '/' || z->name[z->nlen - 1] == '\\')) || (z->xattr & 0x10))
		return E_DIR;
	return E_FILE;
}

static bool codec_of(uint16_t method, enum cr_codec *c)
{
	switch (method) {
	case 0:
		*c = CODEC_STORE;
		return true;
	case 8:
		*c = CODEC_DEFLATE;
		return true;
	case 12:
		*c = CODEC_BZIP2;
		return true;
	case 14:
		*c = CODEC_LZMA_ZIP;
		return true;
	case 93:
		*c = CODEC_ZSTD;
		return true;
	case 95:
		*c = CODEC_XZ;
		return true;
	default:
		return false;
	}
}

/* CRC-32 of a whole source, in chunks; false on a read error. */
static bool src_crc(const struct cr_src *src, uint32_t *out)
{
	uint32_t c = 0;
	if (src->mem) {
		for (uint64_t off = 0; off < src->size;) {
			uint64_t n = src->size - off;
			c = crc32_gzip_refl(c, src->mem + off, n);
			off += n;
		}
		*out = c;
		return true;
	}
	uint8_t *buf = malloc(256 * 1024);
	if (!buf)
		return false;
	bool ok = true;
	for (uint64_t off = 0; off < src->size && ok;) {
		size_t want = src->size - off < 256 * 1024 ? (size_t)(src->size - off) : 256 * 1024;
		ssize_t r = cr_src_read(src, off, buf, want);
		ok = r == (ssize_t)want;
		if (ok)
			c = crc32_gzip_refl(c, buf, want);
		off += want;
	}
	free(buf);
	*out = c;
	return ok;
}

/* A bad CRC: the bytes are not what the archive says (tampering, truncation, a confused reader). */
static bool crc_bad(const struct zent *z, const struct cr_src *data)
{
	uint32_t c;
	/* AES entries (AE-2) carry no CRC. */
	if (z->aes || !src_crc(data, &c))
		return false;
	return c != z->crc;
}

/*
 * The entry's data: a slice of the archive when stored, else decoded
 * into sp.  Notes go on e (details in the caller's buffer `why`).
 * Returns the source to scan, or NULL.
 */
static const struct cr_src *entry_data(struct cr_walk *w, const struct zent *z, struct cr_entry *e,
				       struct cr_spool *sp, struct cr_src *out, char *why, size_t whylen)
{
	const struct cr_obj *o = w->o;
	enum cr_codec c;
	uint16_t method = z->aes ? z->aes_method : z->method;
	if (!codec_of(method, &c)) {
		snprintf(why, whylen, "compression method %u is not supported: content not inspected", method);
		cr_entry_note(e, F_CONTAINER_CORRUPT, -1, why);
		return NULL;
	}
	uint64_t dstart = z->end - z->csize;
	if (c == CODEC_STORE) {
		if (!cr_src_slice(o->src, dstart, z->csize, out)) {
			cr_entry_note(e, F_CONTAINER_CORRUPT, -1, "entry data runs past the end of the archive");
			return NULL;
		}
		/* A small entry is read through the walk's read-ahead: its bytes follow its local header. */
		uint8_t small[RA_WIN / 4];
		bool bad;
		if (z->csize <= sizeof small && !z->aes && !out->mem && rd(o, dstart, small, (size_t)z->csize))
			bad = crc32_gzip_refl(0, small, (size_t)z->csize) != z->crc;
		else
			bad = crc_bad(z, out);
		if (bad)
			cr_entry_note(e, F_CONTAINER_CORRUPT, -1, "CRC-32 mismatch: the data is not what the archive says");
		return out;
	}
	const char *dw;
	enum cr_dec d = cr_decode(w->s, c, o->src, dstart, z->csize, sp, 0, &w->ratio, &dw);
	if (d == DEC_LIMIT || d == DEC_ERROR)
		return NULL;
	cr_spool_src(sp, out);
	e->flags |= CR_E_COUNTED;
	if (d == DEC_CORRUPT) {
		snprintf(why, whylen, "entry data cannot be decompressed: %s", dw);
		cr_entry_note(e, F_CONTAINER_CORRUPT, -1, why);
		return out->size ? out : NULL;	/* what did come out is scanned */
	}
	if (crc_bad(z, out))
		cr_entry_note(e, F_CONTAINER_CORRUPT, -1, "CRC-32 mismatch: the data is not what the archive says");
	return out;
}

/* The target of a ZIP symlink: the entry's data, at most MAX_LINK_TARGET bytes of it. */
static uint8_t *link_target(struct cr_scan *s, const struct cr_obj *o, const struct zent *z, size_t *len)
{
	enum cr_codec c;
	*len = 0;
	if ((z->flags & 1) || !codec_of(z->method, &c))
		return NULL;
	struct cr_spool sp;
	cr_spool_init(&sp);
	const char *why;
	uint8_t *t = NULL;
	if (cr_decode(s, c, o->src, z->end - z->csize, z->csize, &sp, MAX_LINK_TARGET, NULL, &why) == DEC_OK &&
	    sp.fd < 0 && (t = malloc(sp.len + 1))) {
		memcpy(t, sp.mem ? sp.mem : (const uint8_t *)"", sp.len);
		*len = sp.len;
	}
	cr_spool_free(&sp);
	return t;
}

/* 7-Zip writes an entry with no name under the archive's own name less its extension. */
static void empty_name_alt(const struct cr_obj *o, struct cr_entry *e)
{
	if (e->namelen || !o->name)
		return;
	const char *base = strrchr(o->name, '/');
	base = base ? base + 1 : o->name;
	const char *dot = strrchr(base, '.');
	size_t n = dot && dot != base ? (size_t)(dot - base) : strlen(base);
	cr_entry_alt(e, (const uint8_t *)base, n, true);
}

/* The readings a CD entry gives beyond its own kind: a "symlink" or "directory" carrying data is a file to Python and to Windows. */
static bool data_as_file(const struct zent *z, enum cr_ekind k)
{
	if (k == E_FILE || !z->lfh_ok || !(z->usize || z->csize))
		return false;
	return !(z->nlen && (z->name[z->nlen - 1] == '/' || z->name[z->nlen - 1] == '\\'));
}

/* One entry of the central directory, with every reading of its data. */
static void judge_cd_entry(struct cr_walk *w, struct zent *z)
{
	struct cr_scan *s = w->s;
	const struct cr_obj *o = w->o;
	struct cr_entry e = {.name = z->uname ? z->uname : z->name, .namelen = z->uname ? z->unlen : z->nlen,
			     .utf8 = (z->flags & 0x800) || z->uname, .kind = kind_of(z),
			     .has_mode = (z->made_by >> 8) == 3 || (z->made_by >> 8) == 19,
			     .mode = (z->xattr >> 16) & 07777};
	uint8_t *target = NULL;
	if (e.kind == E_SYMLINK && z->lfh_ok)
		target = link_target(s, o, z, &e.linklen);
	e.link = target;
	/* The raw name too, when the Unicode path replaced it: old extractors use it. */
	if (z->uname)
		cr_entry_alt(&e, z->name, z->nlen, false);
	empty_name_alt(o, &e);
	/* The stored bytes as CP437 (no UTF-8 flag) and as Info-ZIP writes them: only for names beyond printable ASCII. */
	bool plain = true;
	for (size_t i = 0; i < z->nlen && plain; i++)
		plain = z->name[i] >= 0x20 && z->name[i] < 0x7f;
	size_t l437 = 0, liz = 0;
	uint8_t *n437 = (z->flags & 0x800) || plain ? NULL : cr_zip_name_cp437(z->name, z->nlen, &l437);
	/* Info-ZIP reads the name as a C string: its readings stop at the first NUL. */
	const uint8_t *nul = z->nlen ? memchr(z->name, 0, z->nlen) : NULL;
	size_t clen = nul ? (size_t)(nul - z->name) : z->nlen;
	uint8_t *niz = plain ? NULL : cr_zip_name_infozip(z->name, clen, z->made_by >> 8, &liz);
	if (n437)
		cr_entry_alt(&e, n437, l437, true);
	if (niz)
		cr_entry_alt(&e, niz, liz, false);
	size_t lnc = 0;
	uint8_t *nnc = plain ? NULL : cr_zip_name_noctl(niz ? niz : z->name, niz ? liz : clen, &lnc);
	if (nnc)
		cr_entry_alt(&e, nnc, lnc, false);
	char mism[4200], why[160];
	uint8_t *copy = NULL;
	if (z->also)
		cr_entry_note(&e, F_CONTAINER_CORRUPT, -1, z->also);
	if (!z->lfh_ok) {
		cr_entry_note(&e, F_CONTAINER_CORRUPT, -1, "the local header is missing or its data runs past the end");
	} else if (!z->dup) {
		/* The second copy of the name must say the same (parser confusion otherwise). */
		uint16_t lnl = z->lnl;
		const uint8_t *lname = NULL;
		if (o->src->mem)
			lname = o->src->mem + z->start + 30;	/* inside the object: phase 2 checked */
		else if ((copy = malloc(lnl ? lnl : 1)) && rd(o, z->start + 30, copy, lnl))
			lname = copy;
		if (lname && (lnl != z->nlen || memcmp(lname, z->name, lnl) != 0)) {
			char *ll = cr_entry_label(lname, lnl);
			snprintf(mism, sizeof mism, "the local header names it \"%s\"", ll ? ll : "?");
			free(ll);
			cr_entry_note(&e, F_ZIP_NAME_MISMATCH, -1, mism);
			cr_entry_alt(&e, lname, lnl, (z->lflags & 0x800) != 0);
		}
		if (z->lmethod != z->method || (z->lflags & 1) != (z->flags & 1))
			cr_entry_note(&e, F_CONTAINER_CORRUPT, -1,
				      "local header and central directory disagree on the method or encryption");
	}
	struct cr_spool sp;
	cr_spool_init(&sp);
	struct cr_src dsrc;
	const struct cr_src *data = NULL;
	bool as_file = data_as_file(z, e.kind);
	if (z->flags & 1)
		e.flags |= CR_E_ENCRYPTED | (z->aes ? 0 : CR_E_WEAK_CRYPTO);
	else if ((e.kind == E_FILE || as_file) && z->lfh_ok && !z->dup)
		data = entry_data(w, z, &e, &sp, &dsrc, why, sizeof why);
	if ((cr_type_get(w->type)->cls & C_DOC) && !cr_walk_stopped(w))
		cr_office_part(w->s, w->type, &e, e.kind == E_FILE ? data : NULL);
	if (!cr_walk_stopped(w))
		cr_entry(w, &e, e.kind == E_FILE ? data : NULL);
	/* The same bytes as Python and Windows write them: a regular file under the same name. */
	if (as_file && data && !cr_walk_stopped(w)) {
		struct cr_entry f = {.name = e.name, .namelen = e.namelen, .kind = E_FILE,
				     .flags = CR_E_NAME_OURS | (e.flags & CR_E_COUNTED)};
		cr_entry(w, &f, data);
	}
	cr_spool_free(&sp);
	free(copy);
	free(target);
	free(n437);
	free(niz);
	free(nnc);
}

/* --- the streaming reading: local headers in file order ------------------ */

#define NOWHERE UINT64_MAX

/* The first "PK" sig at or after from, ending before `to`, or NOWHERE. */
static uint64_t find_sig_to(const struct cr_obj *o, uint64_t from, uint64_t to, const char sig[4])
{
	uint64_t size = to < o->view->size ? to : o->view->size;
	if (o->src->mem) {
		if (from >= size)
			return NOWHERE;
		const uint8_t *p = memmem(o->src->mem + from, (size_t)(size - from), sig, 4);
		return p ? (uint64_t)(p - o->src->mem) : NOWHERE;
	}
	/* 64 KiB windows on the heap; without memory, 4 KiB ones on the stack: slower, never a miss. */
	uint8_t small[4096 + 3];
	uint8_t *heap = malloc(65536 + 3), *buf = heap ? heap : small;
	size_t step = heap ? 65536 + 3 : sizeof small;
	uint64_t at = NOWHERE;
	for (uint64_t off = from; off < size;) {
		size_t n = size - off < step ? (size_t)(size - off) : step;
		if (!rd(o, off, buf, n))
			break;
		const uint8_t *p = memmem(buf, n, sig, 4);
		if (p) {
			at = off + (uint64_t)(p - buf);
			break;
		}
		if (n < 4)
			break;
		off += n - 3;
	}
	free(heap);
	return at;
}

static uint64_t find_sig(const struct cr_obj *o, uint64_t from, const char sig[4])
{
	return find_sig_to(o, from, o->view->size, sig);
}

/*
 * What the streaming reading saw that other directories are checked
 * against: the end records in the gaps it jumped over (the directory of
 * the first of two concatenated archives), and the entries it judged
 * itself, in file order.
 */
#define MAX_OTHER_ENDS 64

struct seen_local {
	uint64_t at;
	uint8_t *name;
	size_t len;
	uint16_t method, enc;
};

struct streamed {
	uint64_t ends[MAX_OTHER_ENDS];
	size_t nends;
	bool ends_cut;		/* more end records than MAX_OTHER_ENDS */
	struct seen_local *loc;
	size_t nloc, cap;
};

/* Records the end records in [from, to), other than the one identification took. */
static void ends_in(const struct cr_obj *o, uint64_t from, uint64_t to, struct streamed *st)
{
	if (!st)
		return;
	for (uint64_t at = find_sig_to(o, from, to, "PK\5\6"); at != NOWHERE; at = find_sig_to(o, at + 4, to, "PK\5\6")) {
		bool known = o->id->zip.found && at == o->id->zip.eocd;
		for (size_t i = 0; i < st->nends && !known; i++)
			known = st->ends[i] == at;
		if (known)
			continue;
		if (st->nends == MAX_OTHER_ENDS) {
			st->ends_cut = true;
			return;
		}
		st->ends[st->nends++] = at;
	}
}

struct lfh {
	uint64_t at, dstart, dend, next;
	struct zent z;		/* what the local header says, in the central entry's shape */
	uint8_t *buf;		/* name and extra */
	bool cut;		/* the data runs past the end of the file */
};

/*
 * Reads the local header at `at` as a streaming reader does: its own
 * sizes, or, behind a data descriptor, up to the next record (`known`:
 * the central directory's end for this offset, when it has one).
 */
static bool read_lfh(struct cr_scan *s, const struct cr_obj *o, uint64_t at, uint64_t known, struct lfh *l)
{
	uint8_t h[30];
	memset(l, 0, sizeof *l);
	if (!rd(o, at, h, 30) || memcmp(h, "PK\3\4", 4))
		return false;
	struct cr_cur c;
	cur_init(&c, h, 30);
	uint16_t nl, el;
	uint32_t csize, usize;
	struct zent *z = &l->z;
	cur_peek_u16le(&c, 6, &z->flags);
	cur_peek_u16le(&c, 8, &z->method);
	cur_peek_u32le(&c, 14, &z->crc);
	cur_peek_u32le(&c, 18, &csize);
	cur_peek_u32le(&c, 22, &usize);
	cur_peek_u16le(&c, 26, &nl);
	cur_peek_u16le(&c, 28, &el);
	/* Any method: a streaming reader lists the entry even when it cannot decode it. */
	if (at + 30 + nl + el > o->view->size)
		return false;
	if (!(l->buf = malloc((size_t)nl + el + 1))) {
		s->err = CRIBLE_ENOMEM;	/* an entry not read is never an entry not there */
		return false;
	}
	if (!rd(o, at + 30, l->buf, (size_t)nl + el)) {
		free(l->buf);
		l->buf = NULL;
		return false;
	}
	z->name = l->buf;
	z->nlen = nl;
	z->csize = csize;
	z->usize = usize;
	struct cr_cur ex;
	cur_init(&ex, l->buf + nl, el);
	parse_extra(z, ex, csize, usize, 0, l->buf, nl);
	l->at = at;
	l->dstart = at + 30 + nl + el;
	if (known != NOWHERE && known >= l->dstart) {
		l->dend = known;
	} else if ((z->flags & 8) && z->csize == 0) {
		/* Sizes follow the data: it ends where the next record begins. */
		uint64_t e = find_sig(o, l->dstart, "PK\7\10");
		uint64_t n = find_sig(o, l->dstart, "PK\3\4"), cd = find_sig(o, l->dstart, "PK\1\2");
		if (n > cd)
			n = cd;
		l->dend = e < n ? e : n;
		if (l->dend == NOWHERE)
			l->dend = o->view->size;
	} else {
		/* Cut short: what is there is what an extractor writes before it fails. */
		l->cut = z->csize > o->view->size - l->dstart;
		l->dend = l->cut ? o->view->size : l->dstart + z->csize;
	}
	z->csize = l->dend - l->dstart;
	l->next = l->dend;
	if (z->flags & 8) {
		/* The descriptor: [PK\7\10] CRC-32, sizes; the CRC is the one to check. */
		uint8_t d[8];
		bool sig = rd(o, l->dend, d, 8) && !memcmp(d, "PK\7\10", 4);
		struct cr_cur dc;
		cur_init(&dc, d, 8);
		if (sig || rd(o, l->dend, d, 4))
			cur_peek_u32le(&dc, sig ? 4 : 0, &z->crc);
		l->next += sig ? 16 : 12;
	}
	z->start = at;
	z->end = l->dend;
	z->lfh_ok = true;
	return true;
}

/*
 * Walks the local headers from the first one, following each header's
 * sizes, then looks for more after what it has read (a second archive
 * appended).  Headers the central directory also lists at that offset were
 * judged with it, unless the local copy reads differently (another method,
 * another Unicode path): that reading is judged too.  Headers it does not
 * list are what a streaming reader extracts and Info-ZIP never shows.
 */
/*
 * Where the next local header is after a record that ends at next: right
 * there, or the next signature further on, the directory the end record
 * names skipped (its records are not local headers).
 */
static uint64_t next_local_far(const struct cr_obj *o, uint64_t next, bool have_cd, struct streamed *st)
{
	const struct cr_zip_end *ze = &o->id->zip;
	if (have_cd && ze->found && next == ze->cd && ze->tail_end > next)
		next = ze->tail_end;
	uint64_t at = find_sig(o, next, "PK\3\4");	/* past the directory: an appended archive */
	ends_in(o, next, at, st);
	return at;
}

static inline uint64_t next_local(const struct cr_obj *o, uint64_t next, bool have_cd, struct streamed *st)
{
	uint8_t sig[4];
	if (next < o->view->size && rd(o, next, sig, 4) && !memcmp(sig, "PK\3\4", 4))
		return next;
	return next_local_far(o, next, have_cd, st);
}

/* Keeps what the streaming reading judged at `at`, for other directories to be checked against. */
static bool remember_local(struct cr_walk *w, struct streamed *st, uint64_t at, const uint8_t *name, size_t len,
			   const struct zent *z)
{
	if (st->nloc == st->cap) {
		size_t cap = st->cap ? 2 * st->cap : 16;
		struct seen_local *p = realloc(st->loc, cap * sizeof *p);
		if (!p) {
			w->s->err = CRIBLE_ENOMEM;
			return false;
		}
		st->loc = p;
		st->cap = cap;
	}
	uint8_t *copy = malloc(len ? len : 1);
	if (!copy) {
		w->s->err = CRIBLE_ENOMEM;
		return false;
	}
	memcpy(copy, name, len);
	st->loc[st->nloc++] = (struct seen_local){at, copy, len, z->method, z->flags & 1};
	return true;
}

/* --- central directory records, one at a time -------------------------- */

enum rec { REC_OK, REC_BADSIG, REC_CUT };

/*
 * Parses the record at c into z (its names point into c's bytes) and
 * moves c past it.  REC_CUT: its name, extra or comment runs past the
 * directory (*nl says how long the name claims to be; z has the fixed
 * fields).
 */
static enum rec parse_rec(struct cr_cur *c, struct zent *z, uint16_t *nl)
{
	memset(z, 0, sizeof *z);
	*nl = 0;
	if (!cur_match(c, 0, "PK\1\2", 4))
		return REC_BADSIG;
	if (cur_left(c) < 46)
		return REC_CUT;
	uint16_t el = 0, cl = 0;
	uint32_t csize = 0, usize = 0, lho = 0;
	cur_peek_u16le(c, 4, &z->made_by);
	cur_peek_u16le(c, 8, &z->flags);
	cur_peek_u16le(c, 10, &z->method);
	cur_peek_u32le(c, 16, &z->crc);
	cur_peek_u32le(c, 20, &csize);
	cur_peek_u32le(c, 24, &usize);
	cur_peek_u16le(c, 28, nl);
	cur_peek_u16le(c, 30, &el);
	cur_peek_u16le(c, 32, &cl);
	cur_peek_u32le(c, 38, &z->xattr);
	cur_peek_u32le(c, 42, &lho);
	z->csize = csize;
	z->usize = usize;
	z->lho = lho;
	struct cr_cur ex;
	if (!cur_skip(c, 46) || !cur_bytes(c, &z->name, *nl) || !cur_sub(c, &ex, el) || !cur_skip(c, cl))
		return REC_CUT;
	z->nlen = *nl;
	parse_extra(z, ex, csize, usize, lho, z->name, *nl);
	return REC_OK;
}

/* Step 2 for one entry: where its local header says its data is, and that header's own copies. */
static void read_local(const struct cr_obj *o, uint64_t base, uint64_t missing, struct zent *z)
{
	uint8_t h[30];
	uint64_t at = base + z->lho - missing;
	z->lfh_ok = false;
	if (z->lho < missing || z->lho > o->view->size || !rd(o, at, h, 30) || memcmp(h, "PK\3\4", 4))
		return;
	struct cr_cur lh;
	cur_init(&lh, h, 30);
	uint16_t lel;
	cur_peek_u16le(&lh, 6, &z->lflags);
	cur_peek_u16le(&lh, 8, &z->lmethod);
	cur_peek_u16le(&lh, 26, &z->lnl);
	cur_peek_u16le(&lh, 28, &lel);
	z->lel = lel;
	uint64_t dstart = at + 30 + z->lnl + lel;
	if (dstart > o->view->size || z->csize > o->view->size - dstart)
		return;
	z->lfh_ok = true;
	z->start = at;
	z->end = dstart + z->csize;
}

/*
 * A directory read from the file record by record, through a window,
 * instead of held whole: a million entries' directory is 60 MB, and their
 * parsed records twice that.  A record is always whole in the window.
 */
#define CDR_WIN (1u << 20)	/* > the largest record: 46 + 3 * 65535 bytes */

struct cdr {
	const struct cr_obj *o;
	uint64_t from, end;	/* the directory's bytes in the object */
	uint64_t wat;		/* where the window starts */
	uint8_t *buf;
	struct cr_cur c;	/* the rest of the window */
	size_t n;		/* records read */
};

static bool cdr_open(struct cdr *r, const struct cr_obj *o, uint64_t from, uint64_t len)
{
	memset(r, 0, sizeof *r);
	r->o = o;
	r->from = from;
	r->end = from + len;
	if (!(r->buf = malloc(CDR_WIN)))
		return false;
	r->wat = from;
	cur_init(&r->c, r->buf, 0);
	return true;
}

static void cdr_rewind(struct cdr *r)
{
	r->wat = r->from;
	r->n = 0;
	cur_init(&r->c, r->buf, 0);
}

static void cdr_close(struct cdr *r)
{
	free(r->buf);
	r->buf = NULL;
}

/* The next record, as parse_rec reads it from a directory held whole; false when the window cannot be read. */
static bool cdr_next(struct cdr *r, struct zent *z, enum rec *got)
{
	/* Refill from this record when it might not be whole in what is left of the window. */
	uint64_t at = r->wat + (uint64_t)(r->c.p - r->buf);
	size_t need = 46;
	uint16_t a, b, c;
	if (cur_left(&r->c) >= 46 && cur_peek_u16le(&r->c, 28, &a) && cur_peek_u16le(&r->c, 30, &b) &&
	    cur_peek_u16le(&r->c, 32, &c))
		need = 46 + (size_t)a + b + c;
	if (cur_left(&r->c) < need && at < r->end) {
		size_t want = r->end - at < CDR_WIN ? (size_t)(r->end - at) : CDR_WIN;
		if (!rd(r->o, at, r->buf, want))
			return false;
		r->wat = at;
		cur_init(&r->c, r->buf, want);
	}
	uint16_t nl;
	*got = parse_rec(&r->c, z, &nl);
	r->n++;
	return true;
}

/*
 * The directory's entries whose local header holds, in the order of
 * their local headers: held (`order`), or read again from the directory
 * as the streaming reading goes (a streamed directory is in that order
 * already, one entry at each offset).
 */
struct zseq {
	struct zent **order;	/* held, or NULL */
	size_t m;
	struct cdr *cd;		/* streamed: the entry read last is `cur`, number k */
	uint64_t base, missing;
	size_t k;
	bool have;
	struct zent cur;
};

/* Entry k; a streamed one is valid until the next call. */
static const struct zent *zseq_at(struct zseq *q, size_t k)
{
	if (q->order)
		return q->order[k];
	if (q->have && k == q->k)
		return &q->cur;
	if (!q->have || k < q->k) {
		cdr_rewind(q->cd);
		q->have = false;
	}
	/* Forward to entry k: records whose local header does not hold are not entries here. */
	while (!q->have || q->k < k) {
		enum rec got;
		if (!cdr_next(q->cd, &q->cur, &got) || got != REC_OK)
			return NULL;	/* cannot happen: the directory was read whole once */
		read_local(q->cd->o, q->base, q->missing, &q->cur);
		if (!q->cur.lfh_ok)
			continue;
		q->k = q->have ? q->k + 1 : 0;
		q->have = true;
	}
	return &q->cur;
}

static void local_walk(struct cr_walk *w, struct zseq *q, bool have_cd, struct streamed *st)
{
	const struct cr_obj *o = w->o;
	size_t m = q->m;
	/* From the first byte: a streaming reader finds a header before the one the directory names first. */
	uint64_t pos = find_sig(o, 0, "PK\3\4");
	ends_in(o, 0, pos, st);
	size_t found = 0, k = 0;
	uint64_t passed = 0;	/* the start of entry k - 1: every entry before k starts before it or there */
	while (pos != NOWHERE && !cr_walk_stopped(w)) {
		/*
		 * The directory's entries at this offset, the first at or after it:
		 * headers come in file order, so a cursor finds them, never going
		 * back (a header no entry names costs nothing: the cursor waits).
		 */
		if (k > 0 && passed >= pos)
			k = 0;	/* a header before the last one found (cannot happen walking forward; stay exact) */
		const struct zent *ent = k < m ? zseq_at(q, k) : NULL;
		while (ent && ent->start < pos) {
			passed = ent->start;
			ent = ++k < m ? zseq_at(q, k) : NULL;
		}
		bool hit = ent && ent->start == pos;
		/* Entries at this offset: a held directory may have several; a streamed one has one at most. */
		size_t nhit = 0;
		while (hit && k + nhit < m && (q->cd ? nhit < 1 : q->order[k + nhit]->start == pos))
			nhit++;
		/*
		 * The common case: the directory lists this header, which has no
		 * extra field (so no other Unicode path), the same method and no
		 * descriptor: phase 2 read all of it, its data ends where the
		 * directory says.
		 */
		if (nhit == 1) {
			const struct zent *d = ent;
			if (d->lfh_ok && !d->lel && !(d->lflags & 8) && d->lmethod == d->method &&
			    (d->lflags & 1) == (d->flags & 1) && d->end > pos) {
				found++;
				pos = next_local(o, d->end, have_cd, st);
				continue;
			}
		}
		struct lfh l;
		if (!read_lfh(w->s, o, pos, hit ? ent->end : NOWHERE, &l)) {
			uint64_t at = find_sig(o, pos + 4, "PK\3\4");
			ends_in(o, pos, at, st);
			pos = at;
			continue;
		}
		found++;
		const struct zent *cz = hit ? ent : NULL;
		const uint8_t *lname = l.z.uname ? l.z.uname : l.z.name;
		size_t llen = l.z.uname ? l.z.unlen : l.z.nlen;
		/* Another reading only when no directory entry at this offset reads the same. */
		bool other_name = cz != NULL, other_method = cz != NULL;
		for (size_t h = 0; h < nhit; h++) {
			const struct zent *d = q->cd ? ent : q->order[k + h];
			const uint8_t *cname = d->uname ? d->uname : d->name;
			size_t clen = d->uname ? d->unlen : d->nlen;
			bool same_name = llen == clen && !memcmp(lname, cname, llen);
			bool same_method = l.z.method == d->method && (l.z.flags & 1) == (d->flags & 1);
			if (same_name && same_method) {
				other_name = other_method = false;
				break;
			}
			if (same_name)
				other_name = false;
			if (same_method)
				other_method = false;
		}
		if (!cz || other_name || other_method) {
			struct cr_entry e = {.name = lname, .namelen = llen, .utf8 = (l.z.flags & 0x800) || l.z.uname};
			e.kind = llen && (lname[llen - 1] == '/' || lname[llen - 1] == '\\') ? E_DIR : E_FILE;
			if (l.z.uname)
				cr_entry_alt(&e, l.z.name, l.z.nlen, false);
			empty_name_alt(o, &e);
			if (!cz && have_cd)
				cr_entry_note(&e, F_CONTAINER_CORRUPT, -1,
					      "a local header the central directory does not list: streaming readers extract it");
			else if (other_method)
				cr_entry_note(&e, F_CONTAINER_CORRUPT, -1,
					      "the local header's method, which streaming readers use, read as well");
			/* The raw names agree (or judge_cd_entry said otherwise): the local Unicode path differs. */
			if (cz && other_name && l.z.uname)
				cr_entry_note(&e, F_ZIP_NAME_MISMATCH, -1, "the local header's Unicode path, which "
					      "streaming readers use, names it differently from the central directory");
			if (cz && !other_name)
				e.flags |= CR_E_NAME_OURS;	/* judged with the directory's entry */
			struct cr_spool sp;
			cr_spool_init(&sp);
			struct cr_src dsrc;
			const struct cr_src *data = NULL;
			char why[160];
			if (l.cut)
				cr_entry_note(&e, F_CONTAINER_CORRUPT, -1, "entry data runs past the end of the archive");
			if (l.z.flags & 1)
				e.flags |= CR_E_ENCRYPTED | (l.z.aes ? 0 : CR_E_WEAK_CRYPTO);
			else if (e.kind == E_FILE)
				data = entry_data(w, &l.z, &e, &sp, &dsrc, why, sizeof why);
			if ((cr_type_get(w->type)->cls & C_DOC) && !(e.flags & CR_E_NAME_OURS) && !cr_walk_stopped(w))
				cr_office_part(w->s, w->type, &e, data);
			if (!cr_walk_stopped(w))
				cr_entry(w, &e, data);
			cr_spool_free(&sp);
			if (st && !remember_local(w, st, pos, lname, llen, &l.z))
				break;
		}
		free(l.buf);
		pos = next_local(o, l.next > pos ? l.next : pos + 4, have_cd, st);
	}
	if (!found && !have_cd)
		cr_emit(w->s, F_CONTAINER_UNINSPECTED, -1,
			"no central directory and no local header: no reading could list the entries");
}

/* One central directory, read: its records, and those whose local header holds, sorted by start. */
struct dir {
	uint8_t *cd, *tail_name;
	struct zent *zs, **order;
	size_t n, m;
	/* Or streamed (stream_dir): nothing held, the records read again from the file at each step. */
	bool streamed;
	struct cdr cdr;
	uint64_t base, missing;
};

static void dir_free(struct dir *d)
{
	free(d->order);
	free(d->zs);
	free(d->cd);
	free(d->tail_name);
	cdr_close(&d->cdr);
	memset(d, 0, sizeof *d);
}

enum dir_read { DIR_OK, DIR_TOO_BIG, DIR_UNREADABLE, DIR_NOMEM, DIR_HOLD };

/* Where a directory's records are, and how many of them are read: up to the end records, and the entry limit. */
static void dir_extent(const struct cr_walk *w, const struct cr_zip_end *ze, uint64_t *from, uint64_t *size,
		       size_t *cap)
{
	uint64_t cdsize = ze->cd_size;
	if (ze->cd_end > ze->cd && ze->cd_end - ze->cd > cdsize && ze->cd_end - ze->cd <= MAX_CD)
		cdsize = ze->cd_end - ze->cd;
	*from = ze->start + (ze->cd - ze->start);
	*size = cdsize;
	/* Entries are bounded by the directory's bytes and by the entry limit, whichever is smaller. */
	*cap = (size_t)(cdsize / 46 + 1);
	if (*cap > w->s->ctx->lim.max_entries + 1)
		*cap = (size_t)w->s->ctx->lim.max_entries + 1;
}

static void emit_count(struct cr_scan *s, const struct cr_zip_end *ze, size_t n, size_t cap)
{
	uint16_t ntotal = ze->entries > 0xffff ? 0xffff : (uint16_t)ze->entries;
	/* At cap there are more records than the entry limit: the walk stops with bomb.count. */
	if (n != ntotal && ntotal != 0xffff && n < cap)
		cr_emit(s, F_CONTAINER_CORRUPT, -1, "the end record counts %u entries, the directory holds %zu", ntotal,
			n);
}

static void emit_overlaps(struct cr_scan *s, size_t overlaps)
{
	if (overlaps)
		cr_emit(s, F_ZIP_OVERLAP, -1, "%zu entries share or overlap compressed data (a non-recursive zip bomb "
					      "or parser confusion); each distinct range is judged once",
			overlaps + 1);
}

/*
 * Reads the directory ze names (steps 1 to 3: records, local headers,
 * overlaps), with the findings about it (none when `quiet`: read again
 * for other directories to be checked against).  Records are read up to
 * the end records, not only over the size the end record states: Info-ZIP
 * reads the directory from the file, and a record whose name runs past
 * the stated size is still listed.
 */
static enum dir_read read_dir(struct cr_walk *w, const struct cr_zip_end *ze, struct dir *d, bool quiet)
{
	struct cr_scan *s = w->s;
	const struct cr_obj *o = w->o;
	memset(d, 0, sizeof *d);
	uint64_t from, cdsize, base = ze->start, missing = ze->missing;
	size_t cap;
	dir_extent(w, ze, &from, &cdsize, &cap);
	if (cdsize > MAX_CD)
		return DIR_TOO_BIG;
	d->cd = malloc(cdsize ? cdsize : 1);
	d->zs = calloc(cap, sizeof *d->zs);
	d->order = calloc(cap, sizeof *d->order);
	if (!d->cd || !d->zs || !d->order) {
		s->err = CRIBLE_ENOMEM;
		return DIR_NOMEM;
	}
	if (!rd(o, from, d->cd, cdsize))
		return DIR_UNREADABLE;

	/* 1. Central directory: every record, bounded by its bytes. */
	struct zent *zs = d->zs;
	size_t n = 0;
	struct cr_cur c;
	cur_init(&c, d->cd, cdsize);
	while (cur_left(&c) >= 46 && n < cap) {
		struct zent *z = &zs[n];
		uint64_t rec = from + (uint64_t)(c.p - d->cd);
		uint16_t nl;
		enum rec got = parse_rec(&c, z, &nl);
		if (got == REC_BADSIG) {
			if (!quiet)
				cr_emit(s, F_CONTAINER_CORRUPT, -1, "central directory record %zu has a bad signature", n);
			break;
		}
		if (got == REC_CUT) {
			if (!quiet)
				cr_emit(s, F_CONTAINER_CORRUPT, -1, "central directory record %zu is truncated", n);
			/*
			 * Its name runs past the directory: readers list what the file
			 * holds there (Python up to the stated size, Info-ZIP into the
			 * end record), so that is judged, and the directory ends.
			 */
			uint64_t at = rec + 46, avail = at < o->view->size ? o->view->size - at : 0;
			size_t take = nl < avail ? nl : (size_t)avail;
			if (take && !(d->tail_name = malloc(take))) {
				s->err = CRIBLE_ENOMEM;
				return DIR_NOMEM;
			}
			if (take && rd(o, at, d->tail_name, take)) {
				z->name = d->tail_name;
				z->nlen = take;
				n++;
			}
			break;
		}
		n++;
	}
	if (!quiet)
		emit_count(s, ze, n, cap);

	/* 2. Local headers: where each entry's data really is, and the second copy of its name. */
	for (size_t i = 0; i < n; i++)
		read_local(o, base, missing, &zs[i]);

	/* 3. Overlaps: sorted by start, any entry beginning before the previous one ends. */
	size_t m = 0;
	struct zent **order = d->order;
	for (size_t i = 0; i < n; i++)
		if (zs[i].lfh_ok)
			order[m++] = &zs[i];
	/* Writers lay entries out in directory order: a sorted list costs one look, not a sort. */
	bool sorted = true;
	for (size_t i = 1; i < m && sorted; i++)
		sorted = order[i - 1]->start <= order[i]->start;
	if (!sorted)
		qsort(order, m, sizeof *order, by_start);
	size_t overlaps = 0;
	for (size_t i = 1; i < m; i++) {
		struct zent *a = order[i - 1], *b = order[i];
		if (b->start < a->end)
			overlaps++;
		/* The same bytes read the same way: judged once, at the first entry. */
		if (b->start == a->start && b->csize == a->csize && b->method == a->method && b->flags == a->flags)
			b->dup = true;
	}
	if (!quiet)
		emit_overlaps(s, overlaps);
	d->n = n;
	d->m = m;
	return DIR_OK;
}

/*
 * Directories of STREAM_CD bytes or more, of an object read from its
 * descriptor, are streamed: read once here for steps 1 to 3 with nothing
 * kept but counts, then again for step 4 and for the streaming reading.
 * That holds for the directory writers write: local headers in directory
 * order, one entry at each offset (so no entry shares another's data).
 * Any other (entries out of order or sharing an offset, a record cut by
 * the directory's end) is DIR_HOLD: read_dir holds it as always.  The
 * findings are read_dir's, in its order.  CRIBLE_ZIP_STREAM_MIN sets the
 * size, for tests, and streams directories in memory too.
 */
#define STREAM_CD (4u << 20)

static uint64_t stream_min = STREAM_CD;
static bool stream_mem;
static pthread_once_t stream_once = PTHREAD_ONCE_INIT;
/* Directories streamed, and held after a first look: printed at exit with CRIBLE_ZIP_STATS (tests). */
static atomic_ulong n_streamed, n_held;

static void stream_stats(void)
{
	fprintf(stderr, "crible zip: %lu directories streamed, %lu held\n", atomic_load(&n_streamed),
		atomic_load(&n_held));
}

static void stream_conf(void)
{
	const char *env = getenv("CRIBLE_ZIP_STREAM_MIN");
	if (env && *env) {
		stream_min = strtoull(env, NULL, 10);
		stream_mem = true;
	}
	env = getenv("CRIBLE_ZIP_STATS");
	if (env && *env)
		atexit(stream_stats);
}

static enum dir_read stream_dir(struct cr_walk *w, const struct cr_zip_end *ze, struct dir *d)
{
	struct cr_scan *s = w->s;
	const struct cr_obj *o = w->o;
	memset(d, 0, sizeof *d);
	pthread_once(&stream_once, stream_conf);
	uint64_t from, cdsize;
	size_t cap;
	dir_extent(w, ze, &from, &cdsize, &cap);
	if (cdsize < stream_min || cdsize > MAX_CD || (o->src->mem && !stream_mem))
		return DIR_HOLD;
	if (!cdr_open(&d->cdr, o, from, cdsize)) {
		s->err = CRIBLE_ENOMEM;
		return DIR_NOMEM;
	}
	d->base = ze->start;
	d->missing = ze->missing;
	size_t n = 0, m = 0, overlaps = 0;
	bool badsig = false;
	uint64_t prev_start = 0, prev_end = 0;
	while (n < cap && d->cdr.end - (d->cdr.wat + (uint64_t)(d->cdr.c.p - d->cdr.buf)) >= 46) {
		struct zent z;
		enum rec got;
		if (!cdr_next(&d->cdr, &z, &got) || got == REC_CUT)
			goto hold;
		if (got == REC_BADSIG) {
			badsig = true;
			break;
		}
		read_local(o, d->base, d->missing, &z);
		n++;
		if (!z.lfh_ok)
			continue;
		if (m && z.start <= prev_start)
			goto hold;
		if (m && z.start < prev_end)
			overlaps++;
		prev_start = z.start;
		prev_end = z.end;
		m++;
	}
	if (badsig)
		cr_emit(s, F_CONTAINER_CORRUPT, -1, "central directory record %zu has a bad signature", n);
	emit_count(s, ze, n, cap);
	emit_overlaps(s, overlaps);
	d->streamed = true;
	d->n = n;
	d->m = m;
	atomic_fetch_add(&n_streamed, 1);
	return DIR_OK;
hold:
	cdr_close(&d->cdr);
	atomic_fetch_add(&n_held, 1);
	return DIR_HOLD;
}

/* Step 4 over a streamed directory: each record read again, with its local header. */
static void judge_streamed(struct cr_walk *w, struct dir *d)
{
	cdr_rewind(&d->cdr);
	for (size_t i = 0; i < d->n && !cr_walk_stopped(w); i++) {
		struct zent z;
		enum rec got;
		if (!cdr_next(&d->cdr, &z, &got) || got != REC_OK) {
			w->s->err = CRIBLE_EIO;	/* the file changed since the first reading: never a silent clean */
			return;
		}
		read_local(w->o, d->base, d->missing, &z);
		judge_cd_entry(w, &z);
	}
}

static const uint8_t *name_of(const struct zent *z, size_t *len)
{
	*len = z->uname ? z->unlen : z->nlen;
	return z->uname ? z->uname : z->name;
}

/*
 * How an entry of another directory relates to what was judged: 2 when
 * an entry at the same local header with the same name and method was
 * (nothing new), 1 when only its data was (same header, method; another
 * name: the names are judged), 0 when neither.
 */
static int judged_before(const struct dir *main, const struct streamed *st, const struct zent *z)
{
	if (!z->lfh_ok)
		return 0;
	size_t len;
	const uint8_t *name = name_of(z, &len);
	int best = 0;
	size_t lo = 0, hi = main->m;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (main->order[mid]->start < z->start)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (size_t i = lo; i < main->m && main->order[i]->start == z->start; i++) {
		const struct zent *a = main->order[i];
		if (a->method != z->method || (a->flags & 1) != (z->flags & 1) || a->csize != z->csize)
			continue;
		size_t al;
		const uint8_t *an = name_of(a, &al);
		if (al == len && !memcmp(an, name, len))
			return 2;
		best = 1;
	}
	for (size_t i = 0; i < st->nloc; i++) {
		const struct seen_local *l = &st->loc[i];
		if (l->at != z->start || l->method != z->method || l->enc != (z->flags & 1))
			continue;
		if (l->len == len && !memcmp(l->name, name, len))
			return 2;
		best = 1;
	}
	return best;
}

/*
 * An end record inside the data of a stored, unencrypted entry of the main
 * directory: a ZIP held in the ZIP (a JAR in a distribution, a folder
 * zipped with the archives in it).  That entry is walked as the archive
 * it holds, so the directory is judged there, under its own name.  A
 * reader that searches from the end (Info-ZIP, Python, libarchive,
 * 7-Zip) finds the outer record first, and libzip, which weighs every
 * candidate in the tail, keeps the one whose local headers match.
 * Reading it again as a directory of this archive warned on every such
 * benign archive.  Nothing is lost: an end record whose offsets count
 * from the outer file instead is read by the nested walk as a directory
 * cut at the front, at the same place (sample stored-outer-dir.zip); a
 * directory it names outside the entry is read by libzip only if its
 * entries span more of the file than the main one, which takes a local
 * header before the main archive's first, one the streaming reading
 * judges.
 */
static bool inside_stored(const struct dir *main, uint64_t at)
{
	for (size_t i = 0; main && i < main->n; i++) {
		const struct zent *z = &main->zs[i];
		if (z->method == 0 && !(z->flags & 1) && z->lfh_ok && at > z->start && at + 22 <= z->end)
			return true;
	}
	return false;
}

/*
 * Every other end record the streaming reading passed, and every other
 * one in the tail (but inside_stored()): its directory is what a reader taking that record
 * lists (a forward scanner takes the first of two concatenated archives;
 * libzip weighs each candidate it finds from the end).  Entries judged already are not judged again;
 * one at a known header under another name has its names judged.
 */
static void other_dirs(struct cr_walk *w, const struct dir *main, const struct streamed *st)
{
	const struct cr_obj *o = w->o;
	const struct cr_zip_end *ze = &o->id->zip;
	if (st->ends_cut)
		cr_emit(w->s, F_CONTAINER_CORRUPT, -1, "more than %d other end records: only the first %d are read",
			MAX_OTHER_ENDS, MAX_OTHER_ENDS);
	uint64_t cds[MAX_OTHER_ENDS], budget = MAX_CD;	/* the other directories' bytes, all together */
	size_t ncds = 0;
	for (size_t k = 0; k < st->nends && !cr_walk_stopped(w); k++) {
		struct cr_zip_end e;
		if (!cr_zip_end_at(o->view, st->ends[k], &e) || e.zip64_broken || (ze->found && e.cd == ze->cd) ||
		    inside_stored(main, st->ends[k]))
			continue;
		bool again = false;
		for (size_t i = 0; i < ncds; i++)
			again |= cds[i] == e.cd;
		if (again)
			continue;
		cds[ncds++] = e.cd;
		if (e.cd_size > budget) {
			cr_emit(w->s, F_CONTAINER_CORRUPT, -1, "%s",
				"other end records name more than 64 MiB of directories: the rest are not listed");
			return;
		}
		budget -= e.cd_size;
		struct dir d;
		enum dir_read r = read_dir(w, &e, &d, false);
		if (r == DIR_NOMEM) {
			dir_free(&d);
			return;
		}
		if (r != DIR_OK) {
			cr_emit(w->s, F_CONTAINER_CORRUPT, -1,
				"the directory of the end record at %llu cannot be read: its entries are not listed",
				(unsigned long long)st->ends[k]);
			dir_free(&d);
			continue;
		}
		char note[160];
		snprintf(note, sizeof note, "listed by the directory of another end record (at %llu): a reader that "
			 "takes that record writes it", (unsigned long long)st->ends[k]);
		for (size_t i = 0; i < d.n && !cr_walk_stopped(w); i++) {
			struct zent *z = &d.zs[i];
			int seen = judged_before(main, st, z);
			if (seen == 2)
				continue;
			if (seen == 1)
				z->dup = true;	/* the data was judged under its other name */
			z->also = note;
			judge_cd_entry(w, z);
		}
		dir_free(&d);
	}
}

static void walk_zip(struct cr_walk *w)
{
	struct cr_scan *s = w->s;
	const struct cr_obj *o = w->o;
	struct ra ra = {.o = o, .buf = !o->src->mem && o->view->src ? malloc(RA_WIN) : NULL}, *outer = ra_cur;
	ra_cur = &ra;
	/* Identification located the end records; the walk reads the directory they name. */
	const struct cr_zip_end *ze = &o->id->zip;
	struct streamed st = {.nends = 0};
	struct dir d = {0};
	if (!ze->found) {
		cr_emit(s, F_CONTAINER_CORRUPT, -1, "no end of central directory: the archive is truncated or damaged");
		local_walk(w, &(struct zseq){.m = 0}, false, &st);
		goto others;
	}
	if (ze->tail_end < o->view->size)
		cr_emit(s, F_CONTAINER_TRAILING, -1, "%llu bytes after the end of the archive",
			(unsigned long long)(o->view->size - ze->tail_end));
	if (ze->zip64_broken) {
		cr_emit(s, F_CONTAINER_CORRUPT, -1, "ZIP64 locator without its end record");
		local_walk(w, &(struct zseq){.m = 0}, false, &st);
		goto others;
	}
	if (ze->disks_odd)
		cr_emit(s, F_CONTAINER_CORRUPT, -1, "%s", "the end record's disk numbers disagree (a split archive, or damage)");
	if (ze->size_wrong)
		cr_emit(s, F_CONTAINER_CORRUPT, -1, "%s",
			"the end record's directory size is wrong: the directory is read where its offset says");
	if (ze->missing)
		cr_emit(s, F_CONTAINER_CORRUPT, -1,
			"the directory's offsets count %llu bytes the file does not have: it was cut at the front",
			(unsigned long long)ze->missing);
	/* Bytes before the ZIP: an SFX stub or another format (a polyglot). */
	if (ze->start > 0)
		cr_emit(s, F_CONTAINER_PREPENDED, -1, "%llu bytes before the archive", (unsigned long long)ze->start);
	enum dir_read r = stream_dir(w, ze, &d);
	if (r == DIR_HOLD)
		r = read_dir(w, ze, &d, false);
	switch (r) {
	case DIR_HOLD:	/* read_dir never says it */
	case DIR_NOMEM:
		goto out;
	case DIR_TOO_BIG:
		cr_emit(s, F_CONTAINER_CORRUPT, -1, "central directory of %llu bytes refused: read from the local headers",
			(unsigned long long)ze->cd_size);
		local_walk(w, &(struct zseq){.m = 0}, false, &st);
		goto others;
	case DIR_UNREADABLE:
		cr_emit(s, F_CONTAINER_CORRUPT, -1, "central directory cannot be read: read from the local headers");
		local_walk(w, &(struct zseq){.m = 0}, false, &st);
		goto others;
	case DIR_OK:
		break;
	}

	/* 4. Every entry, reported to the engine with what the headers say about it. */
	if (d.streamed)
		judge_streamed(w, &d);
	for (size_t i = 0; !d.streamed && i < d.n && !cr_walk_stopped(w); i++)
		judge_cd_entry(w, &d.zs[i]);

	/* 5. The streaming reading: local headers in file order, as bsdtar from a pipe reads them. */
	if (!cr_walk_stopped(w)) {
		struct zseq q = {.order = d.streamed ? NULL : d.order, .m = d.m, .cd = d.streamed ? &d.cdr : NULL,
				 .base = d.base, .missing = d.missing};
		local_walk(w, &q, true, &st);
	}
others:
	/* 6. The directories of the other end records it passed, and of those in the tail. */
	ends_in(o, o->view->size - o->view->taillen, o->view->size, &st);
	if (st.nends && !cr_walk_stopped(w) && s->err == CRIBLE_OK) {
		/* They are checked against the main directory's entries: a streamed one is held for that, quietly. */
		if (d.streamed) {
			dir_free(&d);
			if (read_dir(w, ze, &d, true) != DIR_OK) {
				bool nomem = s->err != CRIBLE_OK;
				dir_free(&d);
				if (nomem)
					goto out;
			}
		}
		other_dirs(w, &d, &st);
	}
out:
	dir_free(&d);
	for (size_t i = 0; i < st.nloc; i++)
		free(st.loc[i].name);
	free(st.loc);
	ra_cur = outer;
	free(ra.buf);
}

/*
 * Whole-package facts.  An OPC package (OOXML) holding a part named
 * vbaProject.bin holds a VBA project whatever its content types and file
 * name say: Office loads it.  The part itself is scanned as a child (its
 * modules are named there); this finding stands even when the part cannot
 * be read, because Office's reader may read what ours refuses.
 */
static void post_zip(struct cr_walk *w)
{
	if ((w->facts & (1u << FACT_VBA_PROJECT)) && (w->facts & (1u << FACT_CONTENT_TYPES)))
		cr_emit(w->s, F_DOC_MACRO, -1, "OOXML package holds a VBA project (%s)",
			w->fact_where[FACT_VBA_PROJECT] ? w->fact_where[FACT_VBA_PROJECT] : "vbaProject.bin");
}

static const enum cr_tid zip_types[] = {T_ZIP, T_UNKNOWN};	/* and every type descending from it */
const struct cr_format cr_format_zip = {.name = "zip", .types = zip_types, .walk = walk_zip, .post = post_zip, .slices = true};
