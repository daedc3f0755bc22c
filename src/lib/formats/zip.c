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
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "../io/cur.h"
#include "format.h"

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
	uint16_t lflags, lmethod, lnl;	/* the local header's own copies */
	bool lfh_ok, overlap;
};

static int by_start(const void *a, const void *b)
{
	const struct zent *x = *(struct zent *const *)a, *y = *(struct zent *const *)b;
	return x->start < y->start ? -1 : x->start > y->start;
}

/* Reads n bytes at off of the object; false when they are not there. */
static bool rd(const struct cr_obj *o, uint64_t off, void *buf, size_t n)
{
	return cr_view_read(o->view, off, buf, n);
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
				if (crc == (uint32_t)crc32(0, cdname, (unsigned)cdnlen)) {
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
	uLong c = crc32(0, Z_NULL, 0);
	if (src->mem) {
		for (uint64_t off = 0; off < src->size;) {
			uInt n = src->size - off > (1u << 30) ? (1u << 30) : (uInt)(src->size - off);
			c = crc32(c, src->mem + off, n);
			off += n;
		}
		*out = (uint32_t)c;
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
			c = crc32(c, buf, (uInt)want);
		off += want;
	}
	free(buf);
	*out = (uint32_t)c;
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
		if (crc_bad(z, out))
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

static void walk_zip(struct cr_walk *w)
{
	struct cr_scan *s = w->s;
	const struct cr_obj *o = w->o;
	/* Identification located the end records; the walk reads the directory they name. */
	const struct cr_zip_end *ze = &o->id->zip;
	if (!ze->found) {
		cr_emit(s, F_CONTAINER_CORRUPT, -1, "no end of central directory: the archive is truncated or damaged");
		return;
	}
	if (ze->tail_end < o->view->size)
		cr_emit(s, F_CONTAINER_TRAILING, -1, "%llu bytes after the end of the archive",
			(unsigned long long)(o->view->size - ze->tail_end));
	if (ze->zip64_broken) {
		cr_emit(s, F_CONTAINER_CORRUPT, -1, "ZIP64 locator without its end record");
		return;
	}
	uint64_t cdsize = ze->cd_size, base = ze->start, cdoff = ze->cd - ze->start;
	uint16_t ntotal = ze->entries > 0xffff ? 0xffff : (uint16_t)ze->entries;
	if (cdsize > MAX_CD) {
		cr_emit(s, F_CONTAINER_CORRUPT, -1, "central directory of %llu bytes refused: content not inspected",
			(unsigned long long)cdsize);
		return;
	}
	/* Bytes before the ZIP: an SFX stub or another format (a polyglot). */
	if (base > 0)
		cr_emit(s, F_CONTAINER_PREPENDED, -1, "%llu bytes before the archive", (unsigned long long)base);

	uint8_t *cd = malloc(cdsize ? cdsize : 1);
	/* Entries are bounded by the directory's bytes and by the entry limit, whichever is smaller. */
	size_t cap = cdsize / 46 + 1, n = 0;
	if (cap > s->ctx->lim.max_entries + 1)
		cap = (size_t)s->ctx->lim.max_entries + 1;
	struct zent *zs = calloc(cap, sizeof *zs);
	struct zent **order = calloc(cap, sizeof *order);
	if (!cd || !zs || !order) {
		s->err = CRIBLE_ENOMEM;
		goto out;
	}
	if (!rd(o, base + cdoff, cd, cdsize)) {
		cr_emit(s, F_CONTAINER_CORRUPT, -1, "central directory cannot be read");
		goto out;
	}

	/* 1. Central directory: every record, bounded by its bytes. */
	struct cr_cur c;
	cur_init(&c, cd, cdsize);
	while (cur_left(&c) >= 46 && n < cap) {
		if (!cur_match(&c, 0, "PK\1\2", 4)) {
			cr_emit(s, F_CONTAINER_CORRUPT, -1, "central directory record %zu has a bad signature", n);
			break;
		}
		struct zent *z = &zs[n];
		uint16_t nl, el, cl;
		uint32_t csize, usize, lho;
		cur_peek_u16le(&c, 4, &z->made_by);
		cur_peek_u16le(&c, 8, &z->flags);
		cur_peek_u16le(&c, 10, &z->method);
		cur_peek_u32le(&c, 16, &z->crc);
		cur_peek_u32le(&c, 20, &csize);
		cur_peek_u32le(&c, 24, &usize);
		cur_peek_u16le(&c, 28, &nl);
		cur_peek_u16le(&c, 30, &el);
		cur_peek_u16le(&c, 32, &cl);
		cur_peek_u32le(&c, 38, &z->xattr);
		cur_peek_u32le(&c, 42, &lho);
		struct cr_cur ex;
		if (!cur_skip(&c, 46) || !cur_bytes(&c, &z->name, nl) || !cur_sub(&c, &ex, el) || !cur_skip(&c, cl)) {
			cr_emit(s, F_CONTAINER_CORRUPT, -1, "central directory record %zu is truncated", n);
			break;
		}
		z->nlen = nl;
		z->csize = csize;
		z->usize = usize;
		z->lho = lho;
		parse_extra(z, ex, csize, usize, lho, z->name, nl);
		n++;
	}
	/* At cap there are more records than the entry limit: the walk below stops with bomb.count. */
	if (n != ntotal && ntotal != 0xffff && n < cap)
		cr_emit(s, F_CONTAINER_CORRUPT, -1, "the end record counts %u entries, the directory holds %zu", ntotal,
			n);

	/* 2. Local headers: where each entry's data really is, and the second copy of its name. */
	for (size_t i = 0; i < n; i++) {
		struct zent *z = &zs[i];
		uint8_t h[30];
		uint64_t at = base + z->lho;
		if (z->lho > o->view->size || !rd(o, at, h, 30) || memcmp(h, "PK\3\4", 4)) {
			z->lfh_ok = false;
			continue;
		}
		struct cr_cur lh;
		cur_init(&lh, h, 30);
		uint16_t lel;
		cur_peek_u16le(&lh, 6, &z->lflags);
		cur_peek_u16le(&lh, 8, &z->lmethod);
		cur_peek_u16le(&lh, 26, &z->lnl);
		cur_peek_u16le(&lh, 28, &lel);
		uint64_t dstart = at + 30 + z->lnl + lel;
		if (dstart > o->view->size || z->csize > o->view->size - dstart) {
			z->lfh_ok = false;
			continue;
		}
		z->lfh_ok = true;
		z->start = at;
		z->end = dstart + z->csize;
	}

	/* 3. Overlaps: sorted by start, any entry beginning before the previous one ends. */
	size_t m = 0;
	for (size_t i = 0; i < n; i++)
		if (zs[i].lfh_ok)
			order[m++] = &zs[i];
	qsort(order, m, sizeof *order, by_start);
	size_t overlaps = 0;
	for (size_t i = 1; i < m; i++) {
		if (order[i]->start < order[i - 1]->end) {
			order[i]->overlap = order[i - 1]->overlap = true;
			overlaps++;
		}
	}
	if (overlaps)
		cr_emit(s, F_ZIP_OVERLAP, -1, "%zu entries share or overlap compressed data (a non-recursive zip bomb "
					      "or parser confusion); their data was not expanded",
			overlaps + 1);

	/* 4. Every entry, reported to the engine with what the headers say about it. */
	for (size_t i = 0; i < n && !cr_walk_stopped(w); i++) {
		struct zent *z = &zs[i];
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
		char mism[4200], why[160];
		uint8_t *copy = NULL;
		if (!z->lfh_ok) {
			cr_entry_note(&e, F_CONTAINER_CORRUPT, -1,
				      "the local header is missing or its data runs past the end");
		} else if (!z->overlap) {
			/* (Overlapping entries share a local header: zip.overlap says it already.) */
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
		if (z->flags & 1) {
			e.flags |= CR_E_ENCRYPTED | (z->aes ? 0 : CR_E_WEAK_CRYPTO);
		} else if (e.kind == E_FILE && z->lfh_ok && !z->overlap) {
			data = entry_data(w, z, &e, &sp, &dsrc, why, sizeof why);
		}
		if (!cr_walk_stopped(w))
			cr_entry(w, &e, data);
		cr_spool_free(&sp);
		free(copy);
		free(target);
	}
out:
	free(order);
	free(zs);
	free(cd);
}

static const enum cr_tid zip_types[] = {T_ZIP, T_UNKNOWN};	/* and every type descending from it */
const struct cr_format cr_format_zip = {.name = "zip", .types = zip_types, .walk = walk_zip};
