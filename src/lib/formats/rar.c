/*
 * rar.c - our own RAR4 and RAR5 header walkers.
 *
 * General readers skip the records that carry RAR's attacks: libarchive's
 * RAR5 reader skips service headers, so a CVE-2025-8088 archive (RomCom,
 * July 2025) lists as one harmless PDF while WinRAR writes a DLL and a
 * shortcut into the Startup folder through NTFS stream names that climb
 * out of the extraction folder.  So every header is walked here; data of
 * compressed entries then goes through libarchive's decoder.
 *
 * RAR5 (technote): signature "Rar!\x1a\x07\x01\x00", then blocks of
 *   CRC32 u32 | header size vint (<= 3 bytes) | type vint | flags vint |
 *   [extra size vint if flags&1] | [data size vint if flags&2] | fields |
 *   extra area (records: size vint, type vint, data) | data area.
 *   The CRC covers header size .. end of extra area.  Types: 1 main,
 *   2 file, 3 service, 4 archive encryption, 5 end.  File and service
 *   fields: file flags, unpacked size, attributes, [mtime u32], [CRC
 *   u32], compression info (method in bits 7..9), host OS, name length,
 *   name.  Extra records: 0x01 encryption, 0x05 redirection (type 1 Unix
 *   symlink, 2 Windows symlink, 3 junction, 4 hard link, 5 file copy;
 *   flags; name), 0x07 service data (an STM header's stream name).
 * RAR4: signature "Rar!\x1a\x07\x00", then blocks of
 *   HEAD_CRC u16 (low half of CRC32 from HEAD_TYPE on) | HEAD_TYPE u8 |
 *   HEAD_FLAGS u16 | HEAD_SIZE u16 | [ADD_SIZE u32 if flags&0x8000].
 *   Types: 0x73 main (flag 0x80: encrypted headers), 0x74 file, 0x7A
 *   service (NEWSUB: "STM" with a UTF-16LE stream name after the name),
 *   0x7B end.  File: PACK_SIZE u32 @7, UNP_SIZE @11, HOST_OS u8 @15,
 *   FILE_CRC @16, FTIME @20, UNP_VER u8 @24, METHOD u8 @25, NAME_SIZE
 *   u16 @26, ATTR u32 @28, [HIGH sizes if flags&0x100], name; flags
 *   0x04 encrypted, 0xE0 = directory, 0x200 Unicode name (OEM bytes, NUL,
 *   compressed UTF-16), 0x400 salt (8 bytes after the name).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <isa-l/crc.h>

#include "../io/cur.h"
#include "../io/utf8.h"
#include "format.h"
#include "libarch.h"

#define MAX_HEADER5 (2u << 20)
#define MAX_LINK 4096

/*
 * RAR 3.x compressed Unicode names (UnRAR's EncodeFileName::Decode): after
 * the OEM name and a NUL, a high byte, then flag bytes whose 2-bit codes
 * say how each character is built from the OEM name or the stream.
 * Writes at most max units; returns how many.
 */
static size_t rar_unicode(const uint8_t *oem, size_t oemlen, const uint8_t *enc, size_t enclen, uint16_t *out,
			  size_t max)
{
	size_t ep = 0, dp = 0;
	if (enclen == 0)
		return 0;
	uint8_t high = enc[ep++];
	unsigned flags = 0, flagbits = 0;
	while (ep < enclen && dp < max) {
		if (flagbits == 0) {
			flags = enc[ep++];
			flagbits = 8;
		}
		flagbits -= 2;
		switch ((flags >> flagbits) & 3) {
		case 0:
			if (ep >= enclen)
				return dp;
			out[dp++] = enc[ep++];
			break;
		case 1:
			if (ep >= enclen)
				return dp;
			out[dp++] = (uint16_t)(enc[ep++] | high << 8);
			break;
		case 2:
			if (ep + 1 >= enclen)
				return dp;
			out[dp++] = (uint16_t)(enc[ep] | enc[ep + 1] << 8);
			ep += 2;
			break;
		case 3: {
			if (ep >= enclen)
				return dp;
			unsigned len = enc[ep++];
			if (len & 0x80) {
				if (ep >= enclen)
					return dp;
				uint8_t corr = enc[ep++];
				for (len = (len & 0x7f) + 2; len > 0 && dp < max && dp < oemlen; len--, dp++)
					out[dp] = (uint16_t)(((oem[dp] + corr) & 0xff) | high << 8);
			} else {
				for (len += 2; len > 0 && dp < max && dp < oemlen; len--, dp++)
					out[dp] = oem[dp];
			}
			break;
		}
		}
	}
	return dp;
}

/*
 * The headers are walked first, into this list; then every entry is
 * reported in order, with its data: stored data as a slice of the
 * archive, compressed data from libarchive's decoder (run isolated),
 * matched to the header walk's entries by name.
 */
struct rent {
	uint8_t *name;		/* copied: the header buffers do not outlive the walk */
	size_t namelen;
	bool utf8;
	enum cr_ekind kind;
	uint8_t *link;
	size_t linklen;
	bool has_mode;
	uint32_t mode;
	uint32_t flags;		/* CR_E_ENCRYPTED, CR_E_WEAK_CRYPTO */
	char *parent;		/* E_STREAM: the label of the file it belongs to */
	bool stored;		/* method "store": the data is the slice below */
	bool has_data;		/* the data lies inside the archive */
	struct cr_src data;
	bool done;		/* reported */
	uint64_t at;		/* RAR5: where its header is */
	uint8_t *qname;		/* the quick-open copy's name, when it differs */
	size_t qlen;
	const char *qnote;	/* what the quick-open cache says differently */
	struct cr_src *more;	/* data continued in later volumes (stored: joined when reported) */
	size_t nmore;
	const char *vnote;	/* what the volumes say about it */
	uint8_t *vname;		/* the name a later volume gives it, when it differs */
	size_t vlen;
};

struct walk {
	struct cr_walk *cw;
	struct cr_scan *s;
	const struct cr_obj *o;
	struct rent *v;
	size_t n, cap;
	char *lastfile;		/* the label of the file the next stream headers belong to */
	bool compressed_data;	/* some file entry needs libarchive's decoder */
	bool damaged;		/* the header walk stopped early: libarchive may read further */
	bool encrypted_headers;
	uint64_t at;		/* RAR5: the header being walked */
	uint64_t qo_at;		/* RAR5: the quick-open cache's header, 0: none */
	bool volume;		/* RAR5: the main header says this is a volume */
	size_t volumes;		/* volumes walked after the first (given together, end to end) */
	long split;		/* the entry whose data continues in the next volume, -1: none */
};

static uint8_t *dup_bytes(const uint8_t *p, size_t n)
{
	uint8_t *d = malloc(n + 1);
	if (d) {
		if (n)
			memcpy(d, p, n);
		d[n] = 0;
	}
	return d;
}

/* Appends an entry; false (s->err set, or the entry limit reached) when the walk must stop. */
static struct rent *add(struct walk *w, const uint8_t *nm, size_t nl)
{
	/* Past the entry limit the report stops at bomb.count anyway: collect one more, no more. */
	if (w->n > w->s->ctx->lim.max_entries)
		return NULL;
	if (w->n == w->cap) {
		size_t cap = w->cap ? w->cap * 2 : 16;
		struct rent *nv = reallocarray(w->v, cap, sizeof *nv);
		if (!nv) {
			w->s->err = CRIBLE_ENOMEM;
			return NULL;
		}
		w->v = nv;
		w->cap = cap;
	}
	struct rent *r = &w->v[w->n];
	memset(r, 0, sizeof *r);
	r->at = w->at;
	if (!(r->name = dup_bytes(nm, nl))) {
		w->s->err = CRIBLE_ENOMEM;
		return NULL;
	}
	r->namelen = nl;
	w->n++;
	return r;
}

/* An NTFS stream stored with the file before it (CVE-2025-8088; the rule is rules/path.c). */
static void stream(struct walk *w, const uint8_t *nm, size_t len, const struct cr_src *data, bool stored)
{
	struct rent *r = add(w, nm, len);
	if (!r)
		return;
	r->kind = E_STREAM;
	r->parent = strdup(w->lastfile ? w->lastfile : "");
	if (!r->parent)
		w->s->err = CRIBLE_ENOMEM;
	r->stored = stored;
	if (data) {
		r->has_data = true;
		r->data = *data;
	}
}

static void file_entry(struct walk *w, const uint8_t *nm, size_t nl, bool utf8, enum cr_ekind kind,
		       const uint8_t *link, size_t linklen, bool has_mode, uint32_t mode, bool encrypted,
		       bool weak, const struct cr_src *data, bool stored)
{
	struct rent *r = add(w, nm, nl);
	if (!r)
		return;
	r->utf8 = utf8;
	r->kind = kind;
	r->has_mode = has_mode;
	r->mode = mode & 07777;
	r->flags = encrypted ? CR_E_ENCRYPTED | (weak ? CR_E_WEAK_CRYPTO : 0) : 0;
	if (link && !(r->link = dup_bytes(link, linklen))) {
		w->s->err = CRIBLE_ENOMEM;
		return;
	}
	r->linklen = link ? linklen : 0;
	r->stored = stored;
	if (data) {
		r->has_data = true;
		r->data = *data;
	}
	if (kind == E_FILE && !encrypted && data && !stored && data->size > 0)
		w->compressed_data = true;
	free(w->lastfile);
	w->lastfile = cr_entry_label(nm, nl);
	if (!w->lastfile)
		w->s->err = CRIBLE_ENOMEM;
}

/* --- RAR5 --------------------------------------------------------------- */

/* One RAR5 header's fields, as parse5 reads them. */
struct h5 {
	uint64_t type, flags, dsize;
	/* File and service headers (2, 3). */
	uint64_t fflags, attr, comp, host;
	const uint8_t *name;
	size_t nlen;
	bool encrypted;		/* an encryption record (0x01) */
	uint64_t rtype;		/* redirection type, when link */
	const uint8_t *link, *sdata;	/* redirection target; service data (0x07) */
	size_t linklen, sdlen;
	/* Main header (1): the quick-open cache's offset from this header (locator record 0x01), 0: none. */
	uint64_t qo_off;
	uint64_t aflags;	/* main: archive flags (0x0001 volume) */
	uint64_t eflags;	/* end: 0x0001 not the last volume */
};

enum { P5_OK, P5_BAD, P5_BAD_FILE };

/* Parses a header's body: the hsize bytes after its size field (h). */
static int parse5(const uint8_t *h, size_t hsize, struct h5 *o)
{
	memset(o, 0, sizeof *o);
	struct cr_cur b;
	cur_init(&b, h, hsize);
	uint64_t extra = 0;
	if (!cur_vint(&b, &o->type) || !cur_vint(&b, &o->flags) || ((o->flags & 1) && !cur_vint(&b, &extra)) ||
	    ((o->flags & 2) && !cur_vint(&b, &o->dsize)) || extra > cur_left(&b))
		return P5_BAD;
	/* extra <= what is left (checked above): the extra area is the header's tail. */
	struct cr_cur ex = {NULL, 0}, fields = {NULL, 0};
	cur_window(&b, &ex, cur_left(&b) - (size_t)extra, (size_t)extra);
	cur_window(&b, &fields, 0, cur_left(&b) - (size_t)extra);
	if (o->type == 5) {
		(void)cur_vint(&fields, &o->eflags);
		return P5_OK;
	}
	if (o->type == 1) {
		uint64_t vol;
		if (!cur_vint(&fields, &o->aflags) || ((o->aflags & 2) && !cur_vint(&fields, &vol)))
			return P5_BAD;
		while (cur_left(&ex) > 0) {
			uint64_t rs, rt, lf, off;
			struct cr_cur r;
			if (!cur_vint(&ex, &rs) || rs > cur_left(&ex) || !cur_sub(&ex, &r, (size_t)rs) || !cur_vint(&r, &rt))
				break;
			if (rt == 0x01 && cur_vint(&r, &lf) && (lf & 1) && cur_vint(&r, &off))
				o->qo_off = off;
		}
		return P5_OK;
	}
	if (o->type != 2 && o->type != 3)
		return P5_OK;
	uint64_t usize, nlen;
	if (!cur_vint(&fields, &o->fflags) || !cur_vint(&fields, &usize) || !cur_vint(&fields, &o->attr) ||
	    ((o->fflags & 2) && !cur_skip(&fields, 4)) || ((o->fflags & 4) && !cur_skip(&fields, 4)) ||
	    !cur_vint(&fields, &o->comp) || !cur_vint(&fields, &o->host) || !cur_vint(&fields, &nlen) ||
	    nlen > cur_left(&fields) || !cur_bytes(&fields, &o->name, (size_t)nlen))
		return P5_BAD_FILE;
	o->nlen = (size_t)nlen;
	/* Extra records: encryption, redirection, service data. */
	while (cur_left(&ex) > 0) {
		uint64_t rs, rt;
		struct cr_cur r;
		if (!cur_vint(&ex, &rs) || rs > cur_left(&ex) || !cur_sub(&ex, &r, (size_t)rs) || !cur_vint(&r, &rt))
			break;
		if (rt == 0x01) {
			o->encrypted = true;
		} else if (rt == 0x05) {
			uint64_t rf, ln;
			if (cur_vint(&r, &o->rtype) && cur_vint(&r, &rf) && cur_vint(&r, &ln) && ln <= cur_left(&r) &&
			    ln <= MAX_LINK && cur_bytes(&r, &o->link, (size_t)ln))
				o->linklen = (size_t)ln;
			else
				o->link = NULL;
		} else if (rt == 0x07) {
			o->sdata = r.p;
			o->sdlen = r.len;
		}
	}
	return P5_OK;
}

/*
 * Reads the whole header at pos (CRC, size, body) into *buf (malloc'd):
 * its length, with *vlen the size field's and *crc_ok; 0 when it is not
 * there (*why says why; *past: it runs past the end).
 */
static size_t read5(const struct cr_obj *o, uint64_t pos, uint8_t **buf, size_t *vlen, bool *crc_ok,
		    const char **why, bool *past)
{
	uint64_t size = o->view->size;
	uint8_t pre[7];
	size_t pn = size - pos < 7 ? (size_t)(size - pos) : 7;
	*past = false;
	*buf = NULL;
	if (pos >= size || pn < 5 || !cr_view_read(o->view, pos, pre, pn)) {
		*why = "truncated header";
		return 0;
	}
	struct cr_cur c;
	cur_init(&c, pre + 4, pn - 4);
	uint64_t hsize;
	size_t before = cur_left(&c);
	if (!cur_vint(&c, &hsize) || before - cur_left(&c) > 3 || hsize == 0 || hsize > MAX_HEADER5) {
		*why = "bad header size";
		return 0;
	}
	*vlen = before - cur_left(&c);
	if (hsize > size - (pos + 4 + *vlen)) {
		*past = true;
		*why = "header runs past the end";
		return 0;
	}
	size_t total = 4 + *vlen + (size_t)hsize;
	if (!(*buf = malloc(total))) {
		*why = NULL;	/* ENOMEM */
		return 0;
	}
	if (!cr_view_read(o->view, pos, *buf, total)) {
		free(*buf);
		*buf = NULL;
		*why = "header cannot be read";
		return 0;
	}
	uint32_t crc = (uint32_t)pre[0] | (uint32_t)pre[1] << 8 | (uint32_t)pre[2] << 16 | (uint32_t)pre[3] << 24;
	*crc_ok = crc32_gzip_refl(0, *buf + 4, total - 4) == crc;
	return total;
}

#define NOWHERE5 UINT64_MAX

/* The next RAR5 signature at or after from, or NOWHERE5. */
static uint64_t find_rar5(const struct cr_obj *o, uint64_t from)
{
	static const uint8_t sig[8] = {'R', 'a', 'r', '!', 0x1a, 0x07, 0x01, 0x00};
	uint8_t buf[65536];
	for (uint64_t off = from; off < o->view->size;) {
		size_t n = o->view->size - off < sizeof buf ? (size_t)(o->view->size - off) : sizeof buf;
		if (n < sizeof sig || !cr_view_read(o->view, off, buf, n))
			return NOWHERE5;
		const uint8_t *p = memmem(buf, n, sig, sizeof sig);
		if (p)
			return off + (uint64_t)(p - buf);
		off += n - (sizeof sig - 1);
	}
	return NOWHERE5;
}

/* A later volume's header for entry r: its data is appended; another name is judged with it. */
static void join_part(struct walk *w, struct rent *r, const struct h5 *f, const struct cr_src *data, bool stored)
{
	if ((f->nlen != r->namelen || memcmp(f->name, r->name, f->nlen)) && !r->vname) {
		if (!(r->vname = dup_bytes(f->name, f->nlen))) {
			w->s->err = CRIBLE_ENOMEM;
			return;
		}
		r->vlen = f->nlen;
		r->vnote = "a later volume names this entry differently: each name is what some reader writes";
	}
	if (!data)
		return;
	if (!stored)
		w->compressed_data = true;
	struct cr_src *m = reallocarray(r->more, r->nmore + 1, sizeof *m);
	if (!m) {
		w->s->err = CRIBLE_ENOMEM;
		return;
	}
	r->more = m;
	r->more[r->nmore++] = *data;
	r->stored = r->stored && stored;
}

static void walk5(struct walk *w, uint64_t pos)
{
	struct cr_scan *s = w->s;
	const struct cr_obj *o = w->o;
	uint64_t size = o->view->size;
	uint8_t *h = NULL;
	while (!cr_stopped(s) && pos < size) {
		size_t vlen = 0;
		bool crc_ok = false, past;
		const char *why;
		free(h);
		size_t total = read5(o, pos, &h, &vlen, &crc_ok, &why, &past);
		if (!total) {
			if (!why) {
				s->err = CRIBLE_ENOMEM;
				break;
			}
			w->damaged |= past;
			cr_emit(s, F_CONTAINER_CORRUPT, -1, "%s at offset %llu", why, (unsigned long long)pos);
			break;
		}
		struct h5 f;
		int pr = parse5(h + 4 + vlen, total - 4 - vlen, &f);
		if (pr != P5_OK) {
			cr_emit(s, F_CONTAINER_CORRUPT, -1, "malformed %sheader at offset %llu", pr == P5_BAD_FILE ? "file " : "",
				(unsigned long long)pos);
			break;
		}
		uint64_t data = pos + total;
		if (f.dsize > size - data) {
			w->damaged = true;
			cr_emit(s, F_CONTAINER_CORRUPT, -1, "data of the header at offset %llu runs past the end",
				(unsigned long long)pos);
			break;
		}
		if (!crc_ok)
			cr_emit(s, F_CONTAINER_CORRUPT, -1, "header CRC mismatch at offset %llu", (unsigned long long)pos);
		if (f.type == 1 && f.qo_off && !w->qo_at && f.qo_off <= UINT64_MAX - pos)
			w->qo_at = pos + f.qo_off;
		if (f.type == 1 && (f.aflags & 1))
			w->volume = true;
		if (f.type == 4) {
			w->encrypted_headers = true;
			cr_emit(s, F_CONTAINER_ENCRYPTED, -1, "encrypted headers: names and content cannot be inspected");
			break;
		}
		if (f.type == 5) {
			uint64_t end = data + f.dsize;
			/*
			 * A volume's end: the next volume, given with it, follows.
			 * libarchive looks for its signature past whatever lies
			 * between, and reads on; so does this walk.
			 */
			uint64_t sig = w->volume ? find_rar5(o, end) : NOWHERE5;
			if (sig != NOWHERE5) {
				if (sig > end)
					cr_emit(s, F_CONTAINER_CORRUPT, -1, "%llu bytes between two volumes",
						(unsigned long long)(sig - end));
				w->volumes++;
				pos = sig + 8;
				continue;
			}
			if (end < size)
				cr_emit(s, F_CONTAINER_TRAILING, -1, "%llu bytes after the end of the archive",
					(unsigned long long)(size - end));
			break;
		}
		if (f.type == 2 || f.type == 3) {
			unsigned method = (unsigned)(f.comp >> 7) & 7;
			struct cr_src d;
			bool have = cr_src_slice(o->src, data, f.dsize, &d);
			w->at = pos;
			if (f.type == 2 && (f.flags & 0x0008) && w->split >= 0) {
				/* The rest of the entry the previous volume began. */
				struct rent *r = &w->v[w->split];
				join_part(w, r, &f, have ? &d : NULL, method == 0);
				w->split = (f.flags & 0x0010) ? w->split : -1;
			} else if (f.type == 2) {
				enum cr_ekind kind = (f.fflags & 1) ? E_DIR : E_FILE;
				if (f.link && (f.rtype == 1 || f.rtype == 2 || f.rtype == 3))
					kind = E_SYMLINK;
				else if (f.link && (f.rtype == 4 || f.rtype == 5))
					kind = E_HARDLINK;
				bool unix_mode = f.host == 1;
				if (unix_mode && kind == E_FILE &&
				    ((f.attr & 0170000) == 0020000 || (f.attr & 0170000) == 0060000))
					kind = E_DEVICE;
				file_entry(w, f.name, f.nlen, true, kind, f.link, f.linklen, unix_mode, (uint32_t)f.attr,
					   f.encrypted, false, have ? &d : NULL, method == 0);
				if (w->n && (f.flags & 0x0008))
					w->v[w->n - 1].vnote = "its data continues from a previous volume, which was not "
							       "given: judged with what this volume holds";
				w->split = (f.flags & 0x0010) && w->n ? (long)w->n - 1 : -1;
			} else if (f.nlen == 3 && !memcmp(f.name, "STM", 3)) {
				stream(w, f.sdata ? f.sdata : (const uint8_t *)"", f.sdlen, have && !f.encrypted ? &d : NULL,
				       method == 0);
			}
		}
		uint64_t next = data + f.dsize;
		if (next <= pos)
			break;
		pos = next;
	}
	free(h);
	if (w->split >= 0 && (size_t)w->split < w->n && !w->v[w->split].vnote)
		w->v[w->split].vnote = "its data continues in the next volume, which was not given: judged with what "
				       "this volume holds";
}

/*
 * The quick-open cache (service header "QO", found through the main
 * header's locator): copies of headers that WinRAR reads in place of the
 * real ones when it lists the archive (UnRAR qopen.cpp).  Its data is a
 * run of records: CRC32 u32 over the rest, size vint, then flags vint,
 * offset vint (back from the QO header to the header copied), header
 * size vint and the header's bytes.  A copy that differs from the header
 * it stands for makes WinRAR show one entry and extract another: the
 * copy's name is judged with the entry, and the difference is reported.
 */
#define MAX_QO (16u << 20)
#define MAX_QO_RECORDS 100000

/* The entry whose header is at `at`, among the first n (the header walk's, in file order). */
static struct rent *rent_at(struct walk *w, size_t n, uint64_t at)
{
	size_t lo = 0, hi = n;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (w->v[mid].at < at)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < n && w->v[lo].at == at && w->v[lo].kind != E_STREAM ? &w->v[lo] : NULL;
}

static void quick_open(struct walk *w)
{
	struct cr_scan *s = w->s;
	const struct cr_obj *o = w->o;
	uint8_t *h = NULL, *qo = NULL, *real = NULL;
	size_t vlen;
	bool crc_ok, past;
	const char *why;
	size_t total = read5(o, w->qo_at, &h, &vlen, &crc_ok, &why, &past);
	struct h5 f;
	if (!total || parse5(h + 4 + vlen, total - 4 - vlen, &f) != P5_OK || f.type != 3 || f.nlen != 2 ||
	    memcmp(f.name, "QO", 2) || f.encrypted || ((f.comp >> 7) & 7) != 0) {
		if (!total && !why)
			s->err = CRIBLE_ENOMEM;
		goto out;	/* no readable cache: WinRAR reads the real headers */
	}
	uint64_t at = w->qo_at + total;
	if (f.dsize > MAX_QO || f.dsize > o->view->size - at) {
		cr_emit(s, F_CONTAINER_CORRUPT, -1, "quick-open cache of %llu bytes not read: what WinRAR lists from it "
			"was not compared", (unsigned long long)f.dsize);
		goto out;
	}
	size_t n = (size_t)f.dsize;
	if (!(qo = malloc(n ? n : 1)) || !(real = malloc(MAX_HEADER5 + 8))) {
		s->err = CRIBLE_ENOMEM;
		goto out;
	}
	if (!cr_view_read(o->view, at, qo, n))
		goto out;
	size_t walked = w->n;
	struct cr_cur c;
	cur_init(&c, qo, n);
	for (size_t k = 0; k < MAX_QO_RECORDS && cur_left(&c) >= 5 && !cr_walk_stopped(w->cw); k++) {
		uint32_t crc;
		uint64_t rsize, flags, off, hs;
		const uint8_t *from = c.p + 4, *hdr;
		struct cr_cur r;
		if (!cur_peek_u32le(&c, 0, &crc) || !cur_skip(&c, 4) || !cur_vint(&c, &rsize) || rsize > cur_left(&c) ||
		    crc32_gzip_refl(0, from, (uint64_t)(c.p - from) + rsize) != crc || !cur_sub(&c, &r, (size_t)rsize))
			break;	/* UnRAR stops using a cache it cannot read */
		if (!cur_vint(&r, &flags) || !cur_vint(&r, &off) || !cur_vint(&r, &hs) || hs > cur_left(&r) ||
		    hs > MAX_HEADER5 + 8 || hs < 5 || off > w->qo_at || !cur_bytes(&r, &hdr, (size_t)hs))
			break;
		uint64_t pos = w->qo_at - off;
		if (pos + hs <= o->view->size && cr_view_read(o->view, pos, real, (size_t)hs) && !memcmp(real, hdr, (size_t)hs))
			continue;	/* the copy is the header */
		/* The copy's own size field says how much of it is the header. */
		struct cr_cur hc;
		uint64_t body;
		cur_init(&hc, hdr + 4, (size_t)hs - 4);
		size_t before = cur_left(&hc);
		struct h5 q;
		bool named = cur_vint(&hc, &body) && body <= cur_left(&hc) &&
			     parse5(hdr + 4 + (before - cur_left(&hc)), (size_t)body, &q) == P5_OK && q.type == 2;
		struct rent *e = rent_at(w, walked, pos);
		if (!e && named) {
			/* WinRAR lists an entry no header holds: its name is judged on its own. */
			if (!(e = add(w, q.name, q.nlen)))
				break;
			e->utf8 = true;
			e->kind = E_FILE;
			e->at = pos;
			e->qnote = "WinRAR's quick-open list shows an entry no header of the archive holds";
			continue;
		}
		if (!e)
			continue;
		e->qnote = "the quick-open copy of this header differs from the header: WinRAR lists the copy and "
			   "extracts the header";
		if (named && !e->qname && (q.nlen != e->namelen || memcmp(q.name, e->name, q.nlen))) {
			if (!(e->qname = dup_bytes(q.name, q.nlen))) {
				s->err = CRIBLE_ENOMEM;
				break;
			}
			e->qlen = q.nlen;
		}
	}
out:
	free(h);
	free(qo);
	free(real);
}

/* --- RAR4 --------------------------------------------------------------- */

static void walk4(struct walk *w, uint64_t pos)
{
	struct cr_scan *s = w->s;
	const struct cr_obj *o = w->o;
	uint64_t size = o->view->size;
	uint8_t h[65536];
	while (!cr_stopped(s) && pos < size) {
		if (size - pos < 7 || !cr_view_read(o->view, pos, h, 7)) {
			cr_emit(s, F_CONTAINER_CORRUPT, -1, "truncated header at offset %llu", (unsigned long long)pos);
			break;
		}
		struct cr_cur c;
		cur_init(&c, h, 7);
		uint16_t crc, flags, hsize;
		uint8_t type = h[2];
		cur_peek_u16le(&c, 0, &crc);
		cur_peek_u16le(&c, 3, &flags);
		cur_peek_u16le(&c, 5, &hsize);
		if (hsize < 7 || hsize > size - pos || !cr_view_read(o->view, pos, h, hsize)) {
			cr_emit(s, F_CONTAINER_CORRUPT, -1, "bad header size at offset %llu", (unsigned long long)pos);
			break;
		}
		cur_init(&c, h, hsize);
		uint32_t add = 0;
		if ((flags & 0x8000) && !cur_peek_u32le(&c, 7, &add)) {
			cr_emit(s, F_CONTAINER_CORRUPT, -1, "truncated header at offset %llu", (unsigned long long)pos);
			break;
		}
		if ((crc32_gzip_refl(0, h + 2, hsize - 2) & 0xffff) != crc && type != 0x72)
			cr_emit(s, F_CONTAINER_CORRUPT, -1, "header CRC mismatch at offset %llu", (unsigned long long)pos);
		uint64_t data = pos + hsize, dsize = add;
		if (type == 0x74 || type == 0x7a) {
			uint32_t pack, unp, attr, hp = 0;
			uint16_t nl;
			uint8_t host, ver, method;
			if (!cur_peek_u32le(&c, 7, &pack) || !cur_peek_u32le(&c, 11, &unp) || !cur_peek_u32le(&c, 28, &attr) ||
			    !cur_peek_u16le(&c, 26, &nl) || hsize < 32) {
				cr_emit(s, F_CONTAINER_CORRUPT, -1, "malformed file header at offset %llu",
					(unsigned long long)pos);
				break;
			}
			host = h[15];
			ver = h[24];
			method = h[25];
			size_t noff = 32;
			if (flags & 0x100) {
				if (!cur_peek_u32le(&c, 32, &hp)) {
					cr_emit(s, F_CONTAINER_CORRUPT, -1, "truncated header");
					break;
				}
				noff = 40;
			}
			dsize = (uint64_t)hp << 32 | pack;
			if (noff + nl > hsize) {
				cr_emit(s, F_CONTAINER_CORRUPT, -1, "name runs past its header at offset %llu",
					(unsigned long long)pos);
				break;
			}
			const uint8_t *nm = h + noff;
			size_t nmlen = nl;
			uint16_t u16[2048];
			uint8_t u8[2048 * 4];
			bool utf8 = false;
			if (type == 0x74 && (flags & 0x200)) {
				/* OEM name, NUL, compressed Unicode; no NUL means the whole field is UTF-8. */
				const uint8_t *z = memchr(nm, 0, nl);
				if (z) {
					size_t ol = (size_t)(z - nm);
					size_t un = rar_unicode(nm, ol, z + 1, nl - ol - 1, u16, 2048);
					nmlen = cr_utf16_to_utf8(u16, un, false, u8);
					nm = u8;
				}
				utf8 = true;
			}
			if (dsize > size - data) {
				w->damaged = true;
				cr_emit(s, F_CONTAINER_CORRUPT, -1, "data of the header at offset %llu runs past the end",
					(unsigned long long)pos);
				break;
			}
			struct cr_src d;
			bool have = cr_src_slice(o->src, data, dsize, &d);
			bool encrypted = flags & 0x04;
			if (type == 0x74) {
				enum cr_ekind kind = (flags & 0xe0) == 0xe0 ? E_DIR : E_FILE;
				bool unix_host = host == 3 || host == 5;
				uint8_t target[MAX_LINK];
				size_t tl = 0;
				if (unix_host && (attr & 0170000) == 0120000) {
					kind = E_SYMLINK;
					/* The target is the (stored) data. */
					tl = dsize < MAX_LINK ? (size_t)dsize : MAX_LINK;
					if (method != 0x30 || !cr_view_read(o->view, data, target, tl))
						tl = 0;
				} else if (unix_host && ((attr & 0170000) == 0020000 || (attr & 0170000) == 0060000)) {
					kind = E_DEVICE;
				}
				/* All RAR4 encryption is of the RAR 2.x/3.x era. */
				(void)ver;
				file_entry(w, nm, nmlen, utf8, kind, kind == E_SYMLINK ? target : NULL, tl, unix_host,
					   attr, encrypted, true, have ? &d : NULL, method == 0x30);
			} else if (nl == 3 && !memcmp(nm, "STM", 3)) {
				/* SubData: after the name, before the salt; a UTF-16LE stream name. */
				size_t sd = noff + nl, se = hsize - ((flags & 0x400) ? 8 : 0);
				size_t units = se > sd ? (se - sd) / 2 : 0;
				if (units > 2048)
					units = 2048;
				for (size_t i = 0; i < units; i++)
					u16[i] = (uint16_t)(h[sd + 2 * i] | h[sd + 2 * i + 1] << 8);
				size_t l8 = cr_utf16_to_utf8(u16, units, false, u8);
				stream(w, u8, l8, have && !encrypted ? &d : NULL, method == 0x30);
			}
		} else if (type == 0x73) {
			if (flags & 0x80) {
				w->encrypted_headers = true;
				cr_emit(s, F_CONTAINER_ENCRYPTED, -1, "encrypted headers: names and content cannot be inspected");
				cr_emit(s, F_CONTAINER_WEAK_CRYPTO, -1, "RAR 2.x/3.x-era encryption");
				break;
			}
		} else if (type == 0x7b) {
			uint64_t end = pos + hsize;
			if (end < size)
				cr_emit(s, F_CONTAINER_TRAILING, -1, "%llu bytes after the end of the archive",
					(unsigned long long)(size - end));
			break;
		}
		uint64_t next = data + dsize;
		if (next <= pos || next > size) {
			if (next > size) {
				w->damaged = true;
				cr_emit(s, F_CONTAINER_CORRUPT, -1, "block at offset %llu runs past the end",
					(unsigned long long)pos);
			}
			break;
		}
		pos = next;
	}
}

/* --- reporting ----------------------------------------------------------- */

/* Spools a stored entry's slices, first and continued, into sp; false when they cannot be read. */
static bool join_slices(struct walk *w, const struct rent *r, struct cr_spool *sp)
{
	uint8_t buf[65536];
	for (size_t k = 0; k <= r->nmore; k++) {
		const struct cr_src *part = k ? &r->more[k - 1] : &r->data;
		for (uint64_t off = 0; off < part->size;) {
			size_t n = part->size - off < sizeof buf ? (size_t)(part->size - off) : sizeof buf;
			ssize_t got = cr_src_read(part, off, buf, n);
			if (got <= 0 || !cr_walk_spool(w->cw, sp, buf, (size_t)got))
				return false;
			off += (uint64_t)got;
		}
	}
	return true;
}

/* Reports entry i with data (NULL: the slice when stored, else none). */
static void report(struct walk *w, size_t i, const struct cr_src *data, bool counted, const char *note,
		   const struct cr_la_hdr *dec)
{
	struct rent *r = &w->v[i];
	if (r->done)
		return;
	r->done = true;
	struct cr_entry e = {.name = r->name, .namelen = r->namelen, .utf8 = r->utf8, .kind = r->kind,
			     .link = r->link, .linklen = r->linklen, .has_mode = r->has_mode, .mode = r->mode,
			     .flags = r->flags | (counted ? CR_E_COUNTED : 0), .parent = r->parent};
	struct cr_spool joined;
	struct cr_src jsrc;
	cr_spool_init(&joined);
	if (!data && r->has_data && r->stored && r->nmore) {
		/* A stored entry split over volumes: its parts end to end, as the extractor writes it. */
		if (join_slices(w, r, &joined)) {
			cr_spool_src(&joined, &jsrc);
			data = &jsrc;
			counted = true;
		}
	} else if (!data && r->has_data && r->stored) {
		data = &r->data;
	}
	/* The decoder's name for it, when it reads differently (a version suffix): judged too. */
	if (dec && (dec->namelen != r->namelen || memcmp(dec->name, r->name, r->namelen)))
		cr_entry_alt(&e, dec->name, dec->namelen, dec->utf8);
	if (r->qname)
		cr_entry_alt(&e, r->qname, r->qlen, true);
	if (r->qnote)
		cr_entry_note(&e, F_CONTAINER_CORRUPT, -1, r->qnote);
	if (r->vname)
		cr_entry_alt(&e, r->vname, r->vlen, true);
	if (r->vnote)
		cr_entry_note(&e, F_CONTAINER_CORRUPT, -1, r->vnote);
	char buf[160];
	if (!data && r->has_data && !r->stored && r->data.size && !(r->flags & CR_E_ENCRYPTED) &&
	    (r->kind == E_FILE || r->kind == E_STREAM)) {
		snprintf(buf, sizeof buf, "compressed %s data could not be decoded: content not inspected",
			 r->kind == E_STREAM ? "stream" : "entry");
		cr_entry_note(&e, F_CONTAINER_CORRUPT, -1, note ? note : buf);
	} else if (note) {
		cr_entry_note(&e, F_CONTAINER_CORRUPT, -1, note);
	}
	cr_entry(w->cw, &e, data);
	cr_spool_free(&joined);
}

/*
 * Names compared as libarchive returns them: '\\' read as '/', no
 * trailing separator, and a file version's ";N" (RAR5 version records,
 * which libarchive appends and WinRAR shows with -ver) ignored: b is the
 * decoder's name.
 */
static bool same_name(const uint8_t *a, size_t al, const uint8_t *b, size_t bl)
{
	size_t v = bl;
	while (v > 0 && b[v - 1] >= '0' && b[v - 1] <= '9')
		v--;
	if (v > 0 && v < bl && b[v - 1] == ';' && same_name(a, al, b, v - 1))
		return true;
	while (al && (a[al - 1] == '/' || a[al - 1] == '\\'))
		al--;
	while (bl && (b[bl - 1] == '/' || b[bl - 1] == '\\'))
		bl--;
	if (al != bl)
		return false;
	for (size_t i = 0; i < al; i++) {
		uint8_t x = a[i] == '\\' ? '/' : a[i], y = b[i] == '\\' ? '/' : b[i];
		if (x != y)
			return false;
	}
	return true;
}

#define MATCH_WINDOW 64

/* The decoder's events: each of its entries is matched to the header walk's. */
struct dec {
	struct walk *w;
	size_t cursor;		/* entries before it are reported */
	long cur;		/* the header entry the decoder is on, -1: none matched */
	struct cr_la_hdr h;
	uint8_t *name;
	struct cr_spool sp;
};

static bool d_entry(void *arg, const struct cr_la_hdr *h)
{
	struct dec *d = arg;
	struct walk *w = d->w;
	d->cur = -1;
	size_t seen = 0;
	for (size_t i = d->cursor; i < w->n && seen < MATCH_WINDOW; i++) {
		if (w->v[i].kind == E_STREAM || w->v[i].done)
			continue;
		seen++;
		if (same_name(w->v[i].name, w->v[i].namelen, h->name, h->namelen)) {
			d->cur = (long)i;
			break;
		}
	}
	/* Everything before the match is reported now, in order, with what the headers give. */
	if (d->cur >= 0) {
		for (size_t i = d->cursor; i < (size_t)d->cur && !cr_walk_stopped(w->cw); i++)
			report(w, i, NULL, false, NULL, NULL);
		d->cursor = (size_t)d->cur;
	}
	free(d->name);
	d->h = *h;
	d->name = dup_bytes(h->name, h->namelen);
	if (!d->name) {
		w->s->err = CRIBLE_ENOMEM;
		return false;
	}
	d->h.name = d->name;
	d->h.link = NULL;
	d->h.linklen = 0;
	cr_spool_free(&d->sp);
	cr_spool_init(&d->sp);
	return !cr_walk_stopped(w->cw);
}

static bool d_data(void *arg, const uint8_t *p, size_t n)
{
	struct dec *d = arg;
	return cr_walk_spool(d->w->cw, &d->sp, p, n);
}

static bool d_end(void *arg, bool ok, const char *why)
{
	struct dec *d = arg;
	struct walk *w = d->w;
	char note[512];
	snprintf(note, sizeof note, "entry data cannot be decoded: %s", why ? why : "unknown error");
	struct cr_src data;
	cr_spool_src(&d->sp, &data);
	bool have = ok || d->sp.size;
	if (d->cur >= 0) {
		struct rent *r = &w->v[d->cur];
		bool file = r->kind == E_FILE && !(r->flags & CR_E_ENCRYPTED);
		report(w, (size_t)d->cur, file && have ? &data : NULL, true, ok ? NULL : note, &d->h);
	} else if (d->h.kind == E_FILE) {
		/* The decoder reads an entry the headers do not show: judge that reading too. */
		struct cr_entry e = {.name = d->h.name, .namelen = d->h.namelen, .utf8 = d->h.utf8, .kind = E_FILE,
				     .flags = CR_E_COUNTED};
		cr_entry_note(&e, F_CONTAINER_CORRUPT, -1,
			      "the RAR decoder lists an entry the headers walk does not: readers disagree");
		if (!ok)
			cr_entry_note(&e, F_CONTAINER_CORRUPT, -1, note);
		cr_entry(w->cw, &e, have ? &data : NULL);
	}
	cr_spool_free(&d->sp);
	cr_spool_init(&d->sp);
	return !cr_walk_stopped(w->cw);
}

static bool d_fault(void *arg, enum cr_fid fid, const char *detail)
{
	struct dec *d = arg;
	cr_emit(d->w->s, fid, -1, "RAR decoder: %s", detail);
	return !cr_walk_stopped(d->w->cw);
}

static void walk_rar(struct cr_walk *cw)
{
	struct cr_scan *s = cw->s;
	const struct cr_obj *o = cw->o;
	uint64_t start = cw->start;
	uint8_t sig[8];
	if (!cr_view_read(o->view, start, sig, 7))
		return;
	struct walk w = {.cw = cw, .s = s, .o = o, .split = -1};
	bool v5 = cr_view_read(o->view, start, sig, 8) && !memcmp(sig, "Rar!\x1a\x07\x01\x00", 8);
	if (start > 0)
		cr_emit(s, F_CONTAINER_PREPENDED, -1, "%llu bytes before the archive (a self-extractor stub?)",
			(unsigned long long)start);
	if (v5) {
		walk5(&w, start + 8);
		if (w.qo_at && s->err == CRIBLE_OK && !cr_walk_stopped(cw))
			quick_open(&w);
	} else
		walk4(&w, start + 7);
	/*
	 * Data: libarchive's decoder reads every entry when one is
	 * compressed (solid archives need the whole stream anyway); stored
	 * entries it does not deliver are read from their slices.
	 */
	if ((w.compressed_data || w.damaged) && !w.encrypted_headers && !cr_walk_stopped(cw)) {
		static const struct cr_la_events ev = {d_entry, d_data, d_end, d_fault};
		struct dec d = {.w = &w, .cur = -1};
		cr_spool_init(&d.sp);
		cr_reader_run(cw, o->src, v5 ? T_RAR5 : T_RAR4, CR_LA_DEFAULT, &ev, &d, "RAR decoder");
		cr_spool_free(&d.sp);
		free(d.name);
	}
	for (size_t i = 0; i < w.n && !cr_walk_stopped(cw); i++)
		report(&w, i, NULL, false, NULL, NULL);
	for (size_t i = 0; i < w.n; i++) {
		free(w.v[i].name);
		free(w.v[i].link);
		free(w.v[i].parent);
		free(w.v[i].qname);
		free(w.v[i].vname);
		free(w.v[i].more);
	}
	free(w.v);
	free(w.lastfile);
}

static const enum cr_tid rar_types[] = {T_RAR4, T_RAR5, T_UNKNOWN};
const struct cr_format cr_format_rar = {.name = "rar", .types = rar_types, .walk = walk_rar};
