/*
 * layout/iso.c - every name space of an ISO 9660 image (ECMA-119 with
 * the SUSP/RRIP Rock Ridge entries, and Joliet), read from the volume
 * descriptors and the directory records; see iso.h.
 *
 * Layout facts used (ECMA-119 8.4, 9.1; IEEE P1281 SUSP; P1282 RRIP;
 * Joliet specification 1995):
 *   volume descriptors from block 16, one per block: byte 0 the type
 *   (1 primary, 2 supplementary, 255 terminator), "CD001" at 1; the root
 *   directory record at 156; a Joliet SVD has "%/@", "%/C" or "%/E" at 88.
 *   A directory record: length at 0, extent (both-endian) at 2, data
 *   length at 10, flags at 25 (bit 1 directory), identifier length at 32,
 *   identifier at 33, padded to even; the system use area follows.  Records
 *   do not cross a block: a zero length byte means "next block".
 *   SUSP entries: two letters, length, version.  SP in the root's "."
 *   record (BE EF, then the bytes to skip); CE (block, offset, length of
 *   a continuation area, each both-endian); NM (flags: 1 continue,
 *   2 ".", 4 ".."; then name bytes); CL/PL/RE relocate deep directories.
 *   Joliet identifiers are UCS-2 big-endian.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../io/utf8.h"
#include "iso.h"

#define SECTOR 2048u
#define MAX_DIR (16u << 20)
#define MAX_DIRBYTES (64u << 20)
#define MAX_RECORDS (1u << 20)
#define MAX_DEPTH 64
#define MAX_PATH 4096
#define MAX_CE 16
#define MAX_VD 64

static uint32_t le32(const uint8_t *p) { return p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24; }

struct jfile {
	uint32_t extent, size;
	bool dir;
	char *path;
	size_t len;
};

struct walk {
	const struct cr_view *v;
	struct cr_iso_names *m;
	bool joliet;		/* walking the Joliet tree */
	unsigned skip;		/* SUSP bytes to skip (from SP) */
	uint64_t dirbytes;
	size_t records;
	bool oom;
	uint64_t *seen;		/* directory extents walked (+1), per tree */
	size_t nseen, seencap;
	struct jfile *j;
	size_t nj, jcap;
};

static void incomplete(struct walk *w) { w->m->complete = false; }

static bool grow(void **p, size_t *cap, size_t need, size_t size)
{
	if (need <= *cap)
		return true;
	size_t c = *cap ? *cap * 2 : 64;
	while (c < need)
		c *= 2;
	void *q = realloc(*p, c * size);
	if (!q)
		return false;
	*p = q;
	*cap = c;
	return true;
}

/* Whether the directory at extent was walked in this tree; records it if not (open addressing, extent + 1). */
static bool seen_before(struct walk *w, uint32_t extent)
{
	uint64_t key = (uint64_t)extent + 1;
	if (2 * (w->nseen + 1) > w->seencap) {
		size_t cap = w->seencap ? 2 * w->seencap : 256;
		uint64_t *t = calloc(cap, sizeof *t);
		if (!t) {
			w->oom = true;
			return true;
		}
		for (size_t i = 0; i < w->seencap; i++)
			if (w->seen[i]) {
				size_t k = (size_t)(w->seen[i] * 0x9e3779b97f4a7c15ull >> 20) & (cap - 1);
				while (t[k])
					k = (k + 1) & (cap - 1);
				t[k] = w->seen[i];
			}
		free(w->seen);
		w->seen = t;
		w->seencap = cap;
	}
	size_t k = (size_t)(key * 0x9e3779b97f4a7c15ull >> 20) & (w->seencap - 1);
	for (; w->seen[k]; k = (k + 1) & (w->seencap - 1))
		if (w->seen[k] == key)
			return true;
	w->seen[k] = key;
	w->nseen++;
	return false;
}

/* prefix + "/" + name into a new string; NULL past MAX_PATH (incomplete) or on ENOMEM. */
static char *join(struct walk *w, const char *pre, size_t plen, const uint8_t *name, size_t nlen, size_t *outlen)
{
	size_t n = plen + (plen ? 1 : 0) + nlen;
	if (n > MAX_PATH) {
		incomplete(w);
		return NULL;
	}
	char *s = malloc(n + 1);
	if (!s) {
		w->oom = true;
		return NULL;
	}
	memcpy(s, pre, plen);
	if (plen)
		s[plen] = '/';
	memcpy(s + plen + (plen ? 1 : 0), name, nlen);
	s[n] = '\0';
	*outlen = n;
	return s;
}

/* The identifier as Windows and 7-Zip write it: no ";version", and for primary names no trailing '.'. */
static size_t trim_version(const uint8_t *p, size_t n, bool dot)
{
	size_t k = n;
	while (k > 0 && p[k - 1] >= '0' && p[k - 1] <= '9')
		k--;
	if (k > 0 && k < n && p[k - 1] == ';')
		n = k - 1;
	if (dot && n > 1 && p[n - 1] == '.')
		n--;
	return n;
}

/*
 * The Rock Ridge name in the system use area su[0, n), following CE
 * continuations; written to name (MAX_PATH bytes).  Returns its length,
 * or -1 when the record has none; *first is the length before the first
 * continuation (SIZE_MAX when there is none).
 */
static long rr_name(struct walk *w, const uint8_t *su, size_t n, uint8_t *name, size_t *first)
{
	long len = -1;
	*first = SIZE_MAX;
	uint8_t *ce = NULL;
	for (int hops = 0;; hops++) {
		uint32_t next = 0, off = 0, clen = 0;
		bool more = false;
		size_t i = 0;
		while (i + 4 <= n) {
			const uint8_t *e = su + i;
			size_t el = e[2];
			if (el < 4 || i + el > n)
				break;
			if (e[0] == 'S' && e[1] == 'T')
				break;
			if (e[0] == 'N' && e[1] == 'M' && el >= 5) {
				if (e[4] & 2 || e[4] & 4) {
					/* "." or "..": a name no extractor can write; keep the primary one. */
				} else {
					size_t add = el - 5, have = len < 0 ? 0 : (size_t)len;
					if (have + add > MAX_PATH) {
						incomplete(w);
						add = MAX_PATH - have;
					}
					memcpy(name + have, e + 5, add);
					len = (long)(have + add);
				}
			} else if (e[0] == 'C' && e[1] == 'E' && el >= 28) {
				next = le32(e + 4), off = le32(e + 12), clen = le32(e + 20);
				more = true;
			} else if ((e[0] == 'C' && e[1] == 'L') || (e[0] == 'P' && e[1] == 'L') ||
				   (e[0] == 'R' && e[1] == 'E')) {
				incomplete(w);	/* relocated directories: not modelled, every reading runs in full */
			}
			i += el;
		}
		if (!more)
			break;
		if (*first == SIZE_MAX)
			*first = len < 0 ? 0 : (size_t)len;	/* 7-Zip stops here: it follows no continuation */
		if (hops >= MAX_CE || off >= SECTOR || clen > SECTOR - off || !clen) {
			incomplete(w);
			break;
		}
		if (!ce && !(ce = malloc(SECTOR))) {
			w->oom = true;
			break;
		}
		if (!cr_view_read(w->v, (uint64_t)next * SECTOR + off, ce, clen)) {
			incomplete(w);
			break;
		}
		su = ce;
		n = clen;
	}
	free(ce);
	return len;
}

static bool push_file(struct walk *w, uint32_t extent, uint32_t size, bool dir, char *p, size_t pl, char *r, size_t rl,
		      char *r7, size_t r7l)
{
	struct cr_iso_names *m = w->m;
	if (!grow((void **)&m->f, &m->cap, m->n + 1, sizeof *m->f)) {
		free(p), free(r), free(r7);
		w->oom = true;
		return false;
	}
	struct cr_iso_file *f = &m->f[m->n++];
	memset(f, 0, sizeof *f);
	f->extent = extent, f->size = size, f->dir = dir;
	f->path[CR_ISO_PRIMARY] = p, f->len[CR_ISO_PRIMARY] = pl;
	f->path[CR_ISO_RR] = r, f->len[CR_ISO_RR] = rl;
	f->path[CR_ISO_RR7] = r7, f->len[CR_ISO_RR7] = r7l;
	return true;
}

static bool push_joliet(struct walk *w, uint32_t extent, uint32_t size, bool dir, char *p, size_t pl)
{
	if (!grow((void **)&w->j, &w->jcap, w->nj + 1, sizeof *w->j)) {
		free(p);
		w->oom = true;
		return false;
	}
	w->j[w->nj++] = (struct jfile){extent, size, dir, p, pl};
	return true;
}

/* Where a directory's entries go in each tree: the primary (or Joliet) path, Rock Ridge, Rock Ridge as 7-Zip reads it. */
struct prefix {
	const char *p, *r, *r7;
	size_t pl, rl, r7l;
};

static void dir(struct walk *w, uint32_t extent, uint32_t size, const struct prefix *pre, int depth, bool root)
{
	if (depth > MAX_DEPTH || size > MAX_DIR || w->dirbytes + size > MAX_DIRBYTES) {
		incomplete(w);
		return;
	}
	if (seen_before(w, extent))
		return;
	w->dirbytes += size;
	uint8_t *buf = malloc(size ? size : 1), *nm = malloc(MAX_PATH + 4);
	uint8_t *id = malloc(3 * 128 + 4);
	if (!buf || !nm || !id) {
		w->oom = true;
		goto out;
	}
	if (!cr_view_read(w->v, (uint64_t)extent * SECTOR, buf, size)) {
		incomplete(w);
		goto out;
	}
	bool more = false;	/* the record before said "multi-extent": this one goes on with its file */
	for (size_t pos = 0; pos < size && !w->oom;) {
		const uint8_t *r = buf + pos;
		if (r[0] == 0) {
			pos = (pos / SECTOR + 1) * SECTOR;
			continue;
		}
		size_t len = r[0], il = pos + 33 <= size ? r[32] : 0;
		if (len < 34 || pos + len > size || 33 + il > len) {
			incomplete(w);
			break;
		}
		pos += len;
		if (++w->records > MAX_RECORDS) {
			incomplete(w);
			break;
		}
		size_t su = 33 + il + (il % 2 == 0);
		if (il == 1 && (r[33] == 0 || r[33] == 1)) {
			/* "." and "..": the root's "." says whether Rock Ridge is there. */
			if (root && !w->joliet && r[33] == 0 && su + 7 <= len && memcmp(r + su, "SP\x07\x01\xbe\xef", 6) == 0) {
				w->m->rr = true;
				w->skip = r[su + 6];
			}
			continue;
		}
		uint32_t ext = le32(r + 2), dsize = le32(r + 10);
		bool isdir = r[25] & 2, cont = more;
		more = (r[25] & 0x80) != 0;
		if (cont)
			continue;	/* another extent of the file just listed */
		const uint8_t *name = r + 33;
		size_t nl;
		char *p = NULL, *rr = NULL, *r7 = NULL;
		size_t plen = 0, rlen = 0, r7len = 0;
		if (w->joliet) {
			uint16_t units[128];
			size_t nu = il / 2 > 128 ? 128 : il / 2;
			for (size_t i = 0; i < nu; i++)
				units[i] = (uint16_t)(name[2 * i] << 8 | name[2 * i + 1]);
			nl = cr_utf16_to_utf8(units, nu, false, id);
			nl = trim_version(id, nl, false);
			p = join(w, pre->p, pre->pl, id, nl, &plen);
		} else {
			nl = trim_version(name, il, true);
			p = join(w, pre->p, pre->pl, name, nl, &plen);
			if (w->m->rr) {
				size_t from = su + w->skip, first = SIZE_MAX;
				long l = from < len ? rr_name(w, r + from, len - from, nm, &first) : -1;
				/* No NM: Rock Ridge readers keep the primary identifier without its version. */
				rr = l >= 0 ? join(w, pre->r, pre->rl, nm, (size_t)l, &rlen)
					    : join(w, pre->r, pre->rl, name, nl, &rlen);
				/* A name continued elsewhere (CE), or a folder that was: 7-Zip's name differs. */
				if (l >= 0 && first != SIZE_MAX && first > 0)
					r7 = join(w, pre->r7, pre->r7l, nm, first, &r7len);
				else if (l >= 0 && first == 0)	/* no NM before the continuation: the ISO name */
					r7 = join(w, pre->r7, pre->r7l, name, nl, &r7len);
				else if (rr && (pre->r7l != pre->rl || memcmp(pre->r7, pre->r, pre->rl)))
					r7 = join(w, pre->r7, pre->r7l, rr + (pre->rl ? pre->rl + 1 : 0),
						  rlen - (pre->rl ? pre->rl + 1 : 0), &r7len);
			}
		}
		if (!p || (w->m->rr && !w->joliet && !rr)) {
			free(p), free(rr), free(r7);
			continue;
		}
		/* The directory is listed first: its records own the paths its walk reads. */
		struct prefix sub = {p, rr ? rr : "", r7 ? r7 : rr ? rr : "", plen, rlen, r7 ? r7len : rlen};
		if (w->joliet ? !push_joliet(w, ext, dsize, isdir, p, plen)
			      : !push_file(w, ext, dsize, isdir, p, plen, rr, rlen, r7, r7len))
			break;
		if (isdir)
			dir(w, ext, dsize, &sub, depth + 1, false);
	}
out:
	free(buf);
	free(nm);
	free(id);
}

static int by_extent(const void *a, const void *b)
{
	const struct cr_iso_file *x = a, *y = b;
	if (x->extent != y->extent)
		return x->extent < y->extent ? -1 : 1;
	return x->size < y->size ? -1 : x->size > y->size;
}

static bool same_name(const struct cr_iso_file *f, const struct jfile *j)
{
	for (int ns = CR_ISO_PRIMARY; ns <= CR_ISO_RR; ns++) {
		if (!f->path[ns] || f->len[ns] != j->len)
			continue;
		size_t i = 0;
		while (i < j->len && (f->path[ns][i] | 0x20) == (j->path[i] | 0x20))
			i++;
		if (i == j->len)
			return true;
	}
	return false;
}

/* The length of p's first k components. */
static size_t prefix_len(const char *p, size_t n, size_t k)
{
	for (size_t i = 0, c = 0; i < n; i++)
		if (p[i] == '/' && ++c == k)
			return i;
	return n;
}

static size_t ncomp(const char *p, size_t n)
{
	size_t c = 1;
	for (size_t i = 0; i < n; i++)
		c += p[i] == '/';
	return c;
}

static int cmp_path(const char *a, size_t al, const char *b, size_t bl)
{
	int c = memcmp(a, b, al < bl ? al : bl);
	return c ? c : (al > bl) - (al < bl);
}

/* A directory by one of its paths, for sorting and searching. */
struct dkey {
	const char *p;
	size_t l;
	struct cr_iso_file *f;
};

static int by_key(const void *x, const void *y)
{
	const struct dkey *a = x, *b = y;
	return cmp_path(a->p, a->l, b->p, b->l);
}

/* The directory among k[0, n) (sorted) whose path is p[0, l), or NULL. */
static struct cr_iso_file *find_dir(const struct dkey *k, size_t n, const char *p, size_t l)
{
	struct dkey want = {p, l, NULL};
	const struct dkey *hit = n ? bsearch(&want, k, n, sizeof *k, by_key) : NULL;
	return hit ? hit->f : NULL;
}

/* The directories with a path in ns, sorted by it. */
static size_t dir_keys(struct cr_iso_names *m, int ns, struct dkey *k)
{
	size_t n = 0;
	for (size_t i = 0; i < m->n; i++)
		if (m->f[i].dir && m->f[i].path[ns])
			k[n++] = (struct dkey){m->f[i].path[ns], m->f[i].len[ns], &m->f[i]};
	if (n)
		qsort(k, n, sizeof *k, by_key);
	return n;
}

/*
 * Directories have no shared data to pair by: a primary directory takes
 * the Joliet name of the folders above its paired files.  Joliet
 * directories no primary one took stay unpaired (done[k] false).
 */
static void pair_dirs(struct walk *w, bool *done)
{
	struct cr_iso_names *m = w->m;
	struct dkey *keys = malloc((m->n ? m->n : 1) * sizeof *keys);
	if (!keys) {
		w->oom = true;
		return;
	}
	size_t nd = dir_keys(m, CR_ISO_PRIMARY, keys);
	for (size_t i = 0; i < m->n && !w->oom; i++) {
		const struct cr_iso_file *f = &m->f[i];
		const char *p = f->path[CR_ISO_PRIMARY], *j = f->path[CR_ISO_JOLIET];
		if (f->dir || !p || !j || ncomp(p, f->len[CR_ISO_PRIMARY]) != ncomp(j, f->len[CR_ISO_JOLIET]))
			continue;
		for (size_t k = ncomp(p, f->len[CR_ISO_PRIMARY]) - 1; k >= 1; k--) {
			struct cr_iso_file *d = find_dir(keys, nd, p, prefix_len(p, f->len[CR_ISO_PRIMARY], k));
			if (!d || d->path[CR_ISO_JOLIET])
				break;	/* its parents were given theirs with it */
			size_t jl = prefix_len(j, f->len[CR_ISO_JOLIET], k);
			if (!(d->path[CR_ISO_JOLIET] = malloc(jl + 1))) {
				w->oom = true;
				break;
			}
			memcpy(d->path[CR_ISO_JOLIET], j, jl);
			d->path[CR_ISO_JOLIET][jl] = '\0';
			d->len[CR_ISO_JOLIET] = jl;
		}
	}
	/* Each Joliet directory some primary one took is paired. */
	nd = dir_keys(m, CR_ISO_JOLIET, keys);
	for (size_t k = 0; k < w->nj; k++)
		if (w->j[k].dir && find_dir(keys, nd, w->j[k].path, w->j[k].len))
			done[k] = true;
	free(keys);
}

/*
 * Gives each Joliet file to one primary-tree file that shares its data:
 * first where the names also agree (any case), then in order (hard links
 * share an extent).  Empty files share no data: they pair by name or not
 * at all.  Joliet files left over stand alone.
 */
static void pair(struct walk *w)
{
	struct cr_iso_names *m = w->m;
	size_t nprim = m->n;
	if (nprim)
		qsort(m->f, nprim, sizeof *m->f, by_extent);
	bool *done = calloc(w->nj ? w->nj : 1, sizeof *done);
	if (!done) {
		w->oom = true;
		return;
	}
	for (int pass = 0; pass < 2; pass++)
		for (size_t k = 0; k < w->nj; k++) {
			struct jfile *j = &w->j[k];
			if (done[k] || j->dir || (pass == 1 && j->size == 0))
				continue;
			struct cr_iso_file key = {.extent = j->extent, .size = j->size};
			size_t lo = 0, hi = nprim;
			while (lo < hi) {
				size_t mid = (lo + hi) / 2;
				if (by_extent(&m->f[mid], &key) < 0)
					lo = mid + 1;
				else
					hi = mid;
			}
			/* Bounded: thousands of records on one extent (hard links, or hostile) stay unpaired. */
			for (size_t i = lo; i < nprim && i < lo + 64 && by_extent(&m->f[i], &key) == 0; i++) {
				struct cr_iso_file *f = &m->f[i];
				if (f->dir || f->path[CR_ISO_JOLIET] || (pass == 0 && !same_name(f, j)))
					continue;
				f->path[CR_ISO_JOLIET] = j->path, f->len[CR_ISO_JOLIET] = j->len;
				j->path = NULL;
				done[k] = true;
				break;
			}
		}
	pair_dirs(w, done);
	for (size_t k = 0; k < w->nj && !w->oom; k++) {
		if (done[k])
			continue;
		if (!grow((void **)&m->f, &m->cap, m->n + 1, sizeof *m->f)) {
			w->oom = true;
			break;
		}
		struct cr_iso_file *f = &m->f[m->n++];
		memset(f, 0, sizeof *f);
		f->extent = w->j[k].extent, f->size = w->j[k].size, f->dir = w->j[k].dir;
		f->path[CR_ISO_JOLIET] = w->j[k].path, f->len[CR_ISO_JOLIET] = w->j[k].len;
		w->j[k].path = NULL;
		m->joliet_only++;
	}
	free(done);
}

int cr_iso_names_read(const struct cr_view *v, struct cr_iso_names *m)
{
	memset(m, 0, sizeof *m);
	m->complete = true;
	struct walk w = {.v = v, .m = m};
	uint8_t vd[SECTOR];
	uint32_t proot = 0, psize = 0, jroot = 0, jsize = 0;
	bool have_p = false;
	for (uint32_t i = 0; i < MAX_VD; i++) {
		if (!cr_view_read(v, (uint64_t)(16 + i) * SECTOR, vd, SECTOR) || memcmp(vd + 1, "CD001", 5) != 0) {
			m->complete = false;
			break;
		}
		if (vd[0] == 255)
			break;
		if (vd[0] == 1 && !have_p) {
			have_p = true;
			proot = le32(vd + 156 + 2), psize = le32(vd + 156 + 10);
			if ((vd[128] | vd[129] << 8) != SECTOR)
				m->complete = false;	/* another block size: not modelled */
		} else if (vd[0] == 2 && !m->joliet && vd[88] == '%' && vd[89] == '/' &&
			   (vd[90] == '@' || vd[90] == 'C' || vd[90] == 'E')) {
			m->joliet = true;
			jroot = le32(vd + 156 + 2), jsize = le32(vd + 156 + 10);
		}
	}
	if (!have_p)
		m->complete = false;
	static const struct prefix top = {"", "", "", 0, 0, 0};
	if (have_p)
		dir(&w, proot, psize, &top, 0, true);
	if (m->joliet && !w.oom) {
		w.joliet = true;
		w.nseen = 0;
		if (w.seen)
			memset(w.seen, 0, w.seencap * sizeof *w.seen);
		dir(&w, jroot, jsize, &top, 0, true);
	}
	if (!w.oom)
		pair(&w);
	for (size_t k = 0; k < w.nj; k++)
		free(w.j[k].path);
	free(w.j);
	free(w.seen);
	if (w.oom) {
		cr_iso_names_free(m);
		return -1;
	}
	return 0;
}

void cr_iso_names_free(struct cr_iso_names *m)
{
	for (size_t i = 0; i < m->n; i++)
		for (int ns = 0; ns < CR_ISO_NS; ns++)
			free(m->f[i].path[ns]);
	free(m->f);
	memset(m, 0, sizeof *m);
}

/* The extension of the last component, lower-cased into out (up to 15 bytes); its length. */
static size_t ext_of(const char *p, size_t n, char *out)
{
	size_t b = n;
	while (b > 0 && p[b - 1] != '/')
		b--;
	size_t d = n;
	while (d > b && p[d - 1] != '.')
		d--;
	if (d <= b + 1)	/* no dot, or only a leading one */
		return 0;
	size_t l = n - d > 15 ? 15 : n - d;
	for (size_t i = 0; i < l; i++)
		out[i] = (char)(p[d + i] >= 'A' && p[d + i] <= 'Z' ? p[d + i] + 32 : p[d + i]);
	return l;
}

bool cr_iso_ext_differ(const char *a, size_t alen, const char *b, size_t blen, bool a_primary, bool b_primary)
{
	char x[16], y[16];
	size_t xl = ext_of(a, alen, x), yl = ext_of(b, blen, y);
	if (xl == yl && memcmp(x, y, xl) == 0)
		return false;
	/* Level 1 primary names keep three characters of the extension. */
	if (a_primary && xl == 3 && yl > 3 && memcmp(x, y, 3) == 0)
		return false;
	if (b_primary && yl == 3 && xl > 3 && memcmp(x, y, 3) == 0)
		return false;
	return true;
}
