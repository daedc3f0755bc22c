/*
 * tar.c - the TAR walker: v7, ustar, GNU and pax, every entry type.
 *
 * A tar is a run of 512-byte headers, each followed by its data padded
 * to 512 bytes, ending in two zero blocks:
 *   name[100] @0, mode[8] @100, size[12] @124, chksum[8] @148 (sum of the
 *   header bytes with the checksum field read as spaces), typeflag @156,
 *   linkname[100] @157, magic @257 ("ustar\0" "00" POSIX, "ustar  \0"
 *   GNU), devmajor/devminor @329/@337, prefix[155] @345 (POSIX only).
 * Numbers are octal text, or base-256 when the first byte has bit 7 set
 * (GNU).  Some headers describe the next entry instead of being one:
 *   'L' / 'K' GNU long name / long link name (the data is the name);
 *   'x' pax extended header (Solaris 'X' too): records "LEN key=value\n"
 *   (path, linkpath, size override the next header); 'g' pax global
 *   header.
 * Attacks live exactly there: a long name or pax path replaces the
 * harmless name a naive reader shows, so every override is judged.
 *
 * Readers do not agree on the bytes, so the walk is made once per reading
 * (struct reading) and every entry a reading finds that an earlier one did
 * not is judged too:
 *   strict   bsdtar, Python: stop at a bad header or the end marker; a
 *            symlink's or directory's size field is skipped as data;
 *   resync   GNU tar: a block that is not a header is skipped ("Skipping
 *            to next header") and, with --ignore-zeros, reading goes on
 *            past the end marker;
 *   nolink   readers that give links and directories no data (bsdtar, and
 *            a v7 regular entry named "x/" is a directory to it): the
 *            header after one comes right after it, whatever its size says.
 * Within one entry every name a reader may take is judged: the pax path,
 * the GNU long name, prefix "/" name under either magic, the bare name.
 */
#include <stdlib.h>
#include <string.h>

#include "../layout/tar.h"
#include "format.h"

#define MAX_META (1u << 20)	/* long names and pax headers larger than this are refused */

static size_t field_len(const uint8_t *p, size_t n)
{
	const uint8_t *z = memchr(p, 0, n);
	return z ? (size_t)(z - p) : n;
}

#define MAX_SPARSE 65536	/* map entries; past it the map is refused */
#define NOWHERE UINT64_MAX	/* no data offset: the sparse map runs past the end */

struct chunk {
	uint64_t off, len;
};

struct meta {
	uint8_t *path, *link;	/* pax overrides for the next entry, or GNU 'K' link (malloc'd) */
	uint8_t *gnu;		/* GNU 'L' long name (malloc'd) */
	uint8_t *sname;		/* GNU.sparse.name (malloc'd) */
	size_t pathlen, linklen, gnulen, snamelen;
	struct chunk *map;	/* GNU.sparse.map / offset+numbytes (malloc'd) */
	size_t nmap, mapcap;
	bool sparse, sparse10, map_bad, has_real;
	uint64_t realsize;
	bool path_utf8, has_size;
	bool binary;		/* hdrcharset=BINARY: the names are bytes, not UTF-8 */
	uint64_t size;
};

static void meta_clear(struct meta *m)
{
	free(m->path);
	free(m->link);
	free(m->gnu);
	free(m->sname);
	free(m->map);
	memset(m, 0, sizeof *m);
}

static uint8_t *dup_bytes(const uint8_t *p, size_t n)
{
	uint8_t *d = malloc(n + 1);
	if (d) {
		memcpy(d, p, n);
		d[n] = 0;
	}
	return d;
}

/* A decimal number of the whole of p[0..n); false when it is not one. */
static bool dec(const uint8_t *p, size_t n, uint64_t *v)
{
	*v = 0;
	if (n == 0 || n > 19)
		return false;
	for (size_t i = 0; i < n; i++) {
		if (p[i] < '0' || p[i] > '9')
			return false;
		*v = *v * 10 + (uint64_t)(p[i] - '0');
	}
	return true;
}

static bool map_add(struct meta *m, uint64_t off, uint64_t len)
{
	if (m->nmap >= MAX_SPARSE) {
		m->map_bad = true;
		return false;
	}
	if (m->nmap == m->mapcap) {
		size_t cap = m->mapcap ? m->mapcap * 2 : 8;
		struct chunk *c = realloc(m->map, cap * sizeof *c);
		if (!c) {
			m->map_bad = true;
			return false;
		}
		m->map = c;
		m->mapcap = cap;
	}
	m->map[m->nmap++] = (struct chunk){off, len};
	return true;
}

/*
 * GNU sparse records in a pax header: 0.0 repeats offset and numbytes,
 * 0.1 gives "map" as off,len,off,len..., 1.0 (major 1) keeps the map at
 * the start of the data; name and realsize (or size) in every version.
 */
static void sparse_key(struct meta *m, const uint8_t *k, size_t kl, const uint8_t *v, size_t vl)
{
	uint64_t x;
	m->sparse = true;
	if (kl == 4 && !memcmp(k, "name", 4)) {
		free(m->sname);
		m->sname = dup_bytes(v, vl);
		m->snamelen = m->sname ? vl : 0;
	} else if ((kl == 8 && !memcmp(k, "realsize", 8)) || (kl == 4 && !memcmp(k, "size", 4))) {
		if (dec(v, vl, &x)) {
			m->realsize = x;
			m->has_real = true;
		}
	} else if (kl == 5 && !memcmp(k, "major", 5)) {
		m->sparse10 = vl == 1 && v[0] == '1';
	} else if (kl == 6 && !memcmp(k, "offset", 6)) {
		if (dec(v, vl, &x))
			map_add(m, x, 0);
		else
			m->map_bad = true;
	} else if (kl == 8 && !memcmp(k, "numbytes", 8)) {
		if (m->nmap && dec(v, vl, &x))
			m->map[m->nmap - 1].len = x;
		else
			m->map_bad = true;
	} else if (kl == 3 && !memcmp(k, "map", 3)) {
		size_t i = 0;
		uint64_t pair[2];
		int k2 = 0;
		while (i <= vl) {
			size_t j = i;
			while (j < vl && v[j] != ',')
				j++;
			if (!dec(v + i, j - i, &pair[k2])) {
				m->map_bad = vl != 0;
				break;
			}
			if (++k2 == 2) {
				if (!map_add(m, pair[0], pair[1]))
					break;
				k2 = 0;
			}
			i = j + 1;
		}
	}
}

/* pax records "LEN key=value\n"; each consumes at least one byte. */
static void pax_parse(struct cr_scan *s, struct meta *m, const uint8_t *p, size_t n, bool global)
{
	size_t i = 0;
	while (i < n) {
		size_t len = 0, j = i;
		while (j < n && p[j] >= '0' && p[j] <= '9' && len < MAX_META)
			len = len * 10 + (size_t)(p[j++] - '0');
		if (j >= n || p[j] != ' ' || len <= j - i || len > n - i) {
			if (p[i] != '\0' && s)	/* NUL padding is tolerated; s NULL: reported already */
				cr_emit(s, F_CONTAINER_CORRUPT, -1, "malformed pax extended header");
			return;
		}
		const uint8_t *kv = p + j + 1, *end = p + i + len;
		if (end[-1] == '\n')
			end--;
		const uint8_t *eq = memchr(kv, '=', (size_t)(end - kv));
		if (eq && !global) {
			size_t kl = (size_t)(eq - kv), vl = (size_t)(end - eq - 1);
			if (kl == 4 && !memcmp(kv, "path", 4)) {
				free(m->path);
				m->path = dup_bytes(eq + 1, vl);
				m->pathlen = vl;
				m->path_utf8 = true;
			} else if (kl == 10 && !memcmp(kv, "hdrcharset", 10)) {
				m->binary = vl == 6 && !memcmp(eq + 1, "BINARY", 6);
			} else if (kl == 8 && !memcmp(kv, "linkpath", 8)) {
				free(m->link);
				m->link = dup_bytes(eq + 1, vl);
				m->linklen = vl;
			} else if (kl > 11 && !memcmp(kv, "GNU.sparse.", 11)) {
				sparse_key(m, kv + 11, kl - 11, eq + 1, vl);
			} else if (kl == 4 && !memcmp(kv, "size", 4)) {
				uint64_t v = 0;
				size_t d = 0;
				for (; d < vl && eq[1 + d] >= '0' && eq[1 + d] <= '9' && v < (1ull << 60); d++)
					v = v * 10 + (uint64_t)(eq[1 + d] - '0');
				if (d == vl && d > 0) {
					m->size = v;
					m->has_size = true;
				}
			}
		}
		i += len;
	}
}

static enum cr_ekind kind_of(uint8_t t)
{
	switch (t) {
	case '1':
		return E_HARDLINK;
	case '2':
		return E_SYMLINK;
	case '3':
	case '4':
		return E_DEVICE;
	case '5':
	case 'D':
		return E_DIR;
	case '6':
		return E_FIFO;
	default:
		return E_FILE;
	}
}

struct reading {
	const char *name;	/* for the note on entries only this reading sees */
	bool resync;		/* skip blocks that are not headers, read past the end marker (GNU tar -i) */
	bool nolink;		/* links and directories carry no data, whatever their size says */
};

static const struct reading readings[] = {
	{"strict", false, false},
	{"resync", true, false},
	{"nolink", false, true},
};

/* The entries judged so far, by header offset and the name and data the reading gave them. */
struct seen {
	uint64_t *keys;
	size_t n, cap;
};

static uint64_t mix(uint64_t h, uint64_t v)
{
	h ^= v + 0x9e3779b97f4a7c15ull + (h << 6) + (h >> 2);
	return h * 0xff51afd7ed558ccdull;
}

static uint64_t entry_key(uint64_t pos, const uint8_t *nm, size_t nl, uint64_t data, uint64_t dsize, int kind)
{
	uint64_t h = mix(pos, data);
	h = mix(h, dsize);
	h = mix(h, (uint64_t)kind);
	for (size_t i = 0; i < nl; i++)
		h = mix(h, nm[i]);
	return h | 1;	/* never 0: 0 marks an empty slot */
}

/* Adds key; false when it was there already (or cannot be stored: then it is judged again). */
static bool seen_add(struct seen *t, uint64_t key)
{
	if (t->n * 2 >= t->cap) {
		size_t cap = t->cap ? t->cap * 2 : 256;
		uint64_t *k = calloc(cap, sizeof *k);
		if (!k)
			return true;
		for (size_t i = 0; i < t->cap; i++)
			if (t->keys[i])
				for (size_t j = t->keys[i] & (cap - 1);; j = (j + 1) & (cap - 1))
					if (!k[j]) {
						k[j] = t->keys[i];
						break;
					}
		free(t->keys);
		t->keys = k;
		t->cap = cap;
	}
	for (size_t j = key & (t->cap - 1);; j = (j + 1) & (t->cap - 1)) {
		if (t->keys[j] == key)
			return false;
		if (!t->keys[j]) {
			t->keys[j] = key;
			t->n++;
			return true;
		}
	}
}

/* The next 512-aligned block after pos that is a header, or the size. */
static uint64_t resync_from(const struct cr_obj *o, uint64_t pos)
{
	uint8_t b[512];
	for (pos += 512; cr_view_has(o->view, pos, 512); pos += 512)
		if (cr_view_read(o->view, pos, b, 512) && b[0] && cr_tar_checksum_ok(b))
			return pos;
	return cr_view_size(o->view);
}

/*
 * Old GNU sparse ('S'): four map entries in the header (offset and
 * numbytes, 12 bytes each, from 386), "isextended" at 482, the real size
 * at 483; while isextended, a 512-byte block of 21 more entries follows
 * (its flag at 504).  The packed data comes after the last block.
 * Returns where the data starts, NOWHERE when blocks run out.
 */
static uint64_t gnu_sparse_map(const struct cr_obj *o, const uint8_t *h, uint64_t pos, struct meta *m)
{
	m->sparse = true;
	uint64_t v;
	if (cr_tar_num(h + 483, 12, &v) == 1) {
		m->realsize = v;
		m->has_real = true;
	}
	const uint8_t *blk = h + 386;
	size_t nent = 4;
	bool more = h[482] != 0;
	uint64_t at = pos + 512;
	uint8_t ext[512];
	for (;;) {
		for (size_t i = 0; i < nent; i++) {
			uint64_t off, len;
			if (blk[i * 24] == 0)
				break;
			if (cr_tar_num(blk + i * 24, 12, &off) != 1 || cr_tar_num(blk + i * 24 + 12, 12, &len) < 0) {
				m->map_bad = true;
				break;
			}
			if (!map_add(m, off, len))
				break;
		}
		if (!more)
			return at;
		if (!cr_view_has(o->view, at, 512) || !cr_view_read(o->view, at, ext, 512))
			return NOWHERE;
		at += 512;
		blk = ext;
		nent = 21;
		more = ext[504] != 0;
		if (m->map_bad || m->nmap >= MAX_SPARSE)
			return NOWHERE;
	}
}

/* Zeros into the spool, charged to the expansion budget (not to the ratio: a hole costs the writer nothing). */
static bool spool_zeros(struct cr_walk *w, struct cr_spool *sp, uint64_t n)
{
	static const uint8_t z[65536];
	while (n) {
		size_t k = n < sizeof z ? (size_t)n : sizeof z;
		if (!cr_count_expanded(w->s, k, NULL))
			return false;
		if (cr_spool_write(sp, z, k) != 0) {
			w->s->err = CRIBLE_EIO;
			return false;
		}
		n -= k;
	}
	return true;
}

static bool spool_copy(struct cr_walk *w, struct cr_spool *sp, uint64_t off, uint64_t n)
{
	uint8_t buf[16384];
	while (n) {
		size_t k = n < sizeof buf ? (size_t)n : sizeof buf;
		if (!cr_view_read(w->o->view, off, buf, k))
			return false;
		if (!cr_count_expanded(w->s, k, NULL))
			return false;
		if (cr_spool_write(sp, buf, k) != 0) {
			w->s->err = CRIBLE_EIO;
			return false;
		}
		off += k;
		n -= k;
	}
	return true;
}

/*
 * Sparse 1.0 keeps the map in the data: the number of entries, then
 * offset and size of each, one decimal per line, padded to 512 bytes.
 * Returns the bytes the map takes, 0 when it cannot be read.
 */
static uint64_t sparse10_map(const struct cr_obj *o, uint64_t data, uint64_t dsize, struct meta *m)
{
	uint64_t pos = 0, count = 0, have = 0, pair[2];
	uint8_t num[24];
	size_t nl = 0;
	int k = 0;
	bool got_count = false;
	uint8_t buf[4096];
	while (pos < dsize && pos < (64u << 20)) {
		size_t want = dsize - pos < sizeof buf ? (size_t)(dsize - pos) : sizeof buf;
		if (!cr_view_read(o->view, data + pos, buf, want))
			return 0;
		for (size_t i = 0; i < want; i++) {
			pos++;
			if (buf[i] != '\n') {
				if (nl == sizeof num)
					return 0;
				num[nl++] = buf[i];
				continue;
			}
			uint64_t v;
			if (!dec(num, nl, &v))
				return 0;
			nl = 0;
			if (!got_count) {
				count = v;
				got_count = true;
				if (count > MAX_SPARSE)
					return 0;
			} else {
				pair[k++] = v;
				if (k == 2) {
					if (!map_add(m, pair[0], pair[1]))
						return 0;
					k = 0;
					have++;
				}
			}
			if (got_count && have == count)
				return (pos + 511) & ~(uint64_t)511;
		}
	}
	return 0;
}

/*
 * The file a sparse-aware reader writes (GNU tar, bsdtar, Python for the
 * old format): each chunk of the packed data at its offset, zeros between
 * and up to the real size, so that a map cannot hide an ELF header at
 * offset 0 behind a chunk stored first.  The entry is judged under the
 * sparse name with that data; the packed bytes (what a reader that does
 * not know sparse files writes) are judged under the header's name by the
 * caller.
 */
/* A sparse chunk with where its bytes are in the packed data, and its rank in the map. */
struct placed {
	uint64_t off, len, packed;
	size_t rank;
};

static int by_offset(const void *a, const void *b)
{
	const struct placed *x = a, *y = b;
	if (x->off != y->off)
		return x->off < y->off ? -1 : 1;
	return (x->rank > y->rank) - (x->rank < y->rank);
}

static void sparse_entry(struct cr_walk *w, const struct cr_entry *raw, struct meta *m, uint64_t data, uint64_t dsize)
{
	struct cr_scan *s = w->s;
	uint64_t skip = 0;
	if (m->sparse10 && !(skip = sparse10_map(w->o, data, dsize, m)))
		m->map_bad = true;
	struct cr_entry e = *raw;
	e.nnotes = 0;
	e.nalt = 0;
	e.flags = CR_E_COUNTED;
	if (m->sname) {
		e.name = m->sname;
		e.namelen = m->snamelen;
		e.utf8 = !m->binary;
	} else {
		e.flags |= CR_E_NAME_OURS;	/* the same name: judged with the packed reading */
	}
	struct cr_spool sp;
	cr_spool_init(&sp);
	/*
	 * The packed chunks come in map order; readers write each at its
	 * offset, so a map out of order still rebuilds one file (GNU tar and
	 * bsdtar put an ELF header back at 0 from the end of the data).
	 * Chunks are placed by offset; only overlapping ones leave the file
	 * unknown.
	 */
	struct placed *pl = m->nmap ? calloc(m->nmap, sizeof *pl) : NULL;
	uint64_t cur = 0, packed = skip;
	bool ok = !m->map_bad && (pl || !m->nmap);
	if (m->nmap && !pl)
		s->err = CRIBLE_ENOMEM;
	for (size_t i = 0; ok && i < m->nmap; i++) {
		const struct chunk *c = &m->map[i];
		if (packed > dsize || c->len > dsize - packed || c->off > UINT64_MAX - c->len) {
			ok = false;	/* longer than the data */
			break;
		}
		pl[i] = (struct placed){c->off, c->len, packed, i};
		packed += c->len;
	}
	if (ok && m->nmap > 1)
		qsort(pl, m->nmap, sizeof *pl, by_offset);
	for (size_t i = 0; ok && i < m->nmap; i++) {
		if (pl[i].off < cur) {
			ok = false;	/* overlapping: readers disagree on which chunk wins */
			break;
		}
		ok = spool_zeros(w, &sp, pl[i].off - cur) && spool_copy(w, &sp, data + pl[i].packed, pl[i].len);
		cur = pl[i].off + pl[i].len;
	}
	free(pl);
	if (ok && m->has_real && m->realsize > cur)
		ok = spool_zeros(w, &sp, m->realsize - cur);
	if (cr_walk_stopped(w)) {
		cr_spool_free(&sp);
		return;
	}
	if (!ok)
		cr_entry_note(&e, F_CONTAINER_CORRUPT, -1,
			      "the sparse map overlaps or runs past the data: the file a reader rebuilds is "
			      "unknown; the packed data is judged");
	struct cr_src rebuilt;
	cr_spool_src(&sp, &rebuilt);
	cr_entry(w, &e, ok ? &rebuilt : NULL);
	cr_spool_free(&sp);
	(void)s;
}

/* What a reading met that another reading could read differently. */
struct met {
	bool ended;		/* the end marker */
	uint64_t endpos;	/* the first byte after it */
	bool damaged;		/* a block that is not a header, or an entry running past the end */
	bool link_sized;	/* a link or directory header with a size */
};

/* One reading of the archive; entries already in *seen are not judged again. */
static void walk_reading(struct cr_walk *w, const struct reading *rd, struct seen *seen, struct met *met)
{
	struct cr_scan *s = w->s;
	const struct cr_obj *o = w->o;
	const struct cr_view *v = o->view;	/* its end by cr_view_has(): the object may still be growing */
	uint64_t pos = w->start;
	bool first = rd == &readings[0];
	struct meta m, g;	/* g: what pax global headers ('g') set, for every entry after them */
	memset(&m, 0, sizeof m);
	memset(&g, 0, sizeof g);
	uint8_t h[512];
	bool ended = false;
	while (!cr_walk_stopped(w)) {
		if (!cr_view_has(v, pos, 1))
			break;
		if (!cr_view_has(v, pos, 512) || !cr_view_read(v, pos, h, 512)) {
			met->damaged = true;
			if (first)
				cr_emit(s, F_CONTAINER_CORRUPT, -1, "truncated header at offset %llu",
					(unsigned long long)pos);
			break;
		}
		bool zero = true;
		for (int i = 0; i < 512 && zero; i++)
			zero = h[i] == 0;
		if (zero) {
			if (!ended)
				met->endpos = pos + 512;
			ended = met->ended = true;
			pos += 512;
			if (rd->resync)
				continue;
			break;
		}
		if (!cr_tar_checksum_ok(h)) {
			met->damaged = true;
			if (first)
				cr_emit(s, F_CONTAINER_CORRUPT, -1, "bad header checksum at offset %llu",
					(unsigned long long)pos);
			if (rd->resync) {
				meta_clear(&m);
				pos = resync_from(o, pos);
				continue;
			}
			break;
		}
		uint64_t dsize;
		int strict = cr_tar_num(h + 124, 12, &dsize);
		/*
		 * bsdtar reads the digits of a malformed size; GNU tar skips the
		 * header and looks for the next one, which may lie in what bsdtar
		 * took for data: the resync reading does that.
		 */
		if (strict < 0 && !rd->resync && cr_tar_num_lenient(h + 124, 12, &dsize) == 1) {
			met->damaged = true;
			if (first)
				cr_emit(s, F_CONTAINER_CORRUPT, -1, "malformed size at offset %llu, read as %llu as libarchive "
					"reads it", (unsigned long long)pos, (unsigned long long)dsize);
		} else if (strict < 0) {
			met->damaged = true;
			if (first)
				cr_emit(s, F_CONTAINER_CORRUPT, -1, "unreadable size at offset %llu",
					(unsigned long long)pos);
			if (rd->resync) {
				meta_clear(&m);
				pos = resync_from(o, pos);
				continue;
			}
			break;
		}
		uint8_t type = h[156];
		/* Solaris 'X': the pax header under its older type, as libarchive and Python read it. */
		if (type == 'X')
			type = 'x';
		if (m.has_size && type != 'x' && type != 'g' && type != 'L' && type != 'K')
			dsize = m.size;
		/* A regular entry named with a trailing '/' is a directory to bsdtar (the v7 convention). */
		size_t rawl = field_len(h, 100);
		bool v7dir = (type == '0' || type == '\0') && rawl && h[rawl - 1] == '/' && !m.path && !m.gnu;
		if ((type == '1' || type == '2' || type == '5' || v7dir) && dsize) {
			met->link_sized = true;
			if (rd->nolink)
				dsize = 0;
		}
		uint64_t data = pos + 512;
		if (type == 'S')
			data = gnu_sparse_map(o, h, pos, &m);
		if (data == NOWHERE || !cr_view_has(v, data, 0)) {
			met->damaged = true;
			if (first)
				cr_emit(s, F_CONTAINER_CORRUPT, -1, "sparse extension headers at offset %llu run past the end",
					(unsigned long long)pos);
			break;
		}
		if (!cr_view_has(v, data, dsize) && !(type == '1' || type == '2' || type == '5')) {
			met->damaged = true;
			if (first)
				cr_emit(s, F_CONTAINER_CORRUPT, -1, "entry at offset %llu claims %llu bytes past the end",
					(unsigned long long)pos, (unsigned long long)dsize);
			if (!rd->resync)
				break;
			/* GNU tar writes what there is and stops. */
			dsize = cr_view_size(v) - data;
		}
		uint64_t next = data + ((dsize + 511) & ~(uint64_t)511);
		if (type == 'L' || type == 'K' || type == 'x' || type == 'g') {
			if (dsize > MAX_META) {
				cr_emit(s, F_CONTAINER_CORRUPT, -1, "extended header of %llu bytes refused",
					(unsigned long long)dsize);
				break;
			}
			uint8_t *buf = malloc(dsize + 1);
			if (!buf) {
				s->err = CRIBLE_ENOMEM;
				break;
			}
			if (!cr_view_read(o->view, data, buf, (size_t)dsize)) {
				free(buf);
				cr_emit(s, F_CONTAINER_CORRUPT, -1, "extended header cannot be read");
				break;
			}
			if (type == 'x' || type == 'g') {
				pax_parse(first ? s : NULL, &m, buf, (size_t)dsize, type == 'g');
				/* A global path: GNU tar and Python name every later entry by it, bsdtar ignores it. */
				if (type == 'g')
					pax_parse(NULL, &g, buf, (size_t)dsize, false);
				free(buf);
			} else {
				size_t l = field_len(buf, (size_t)dsize);
				if (type == 'L') {
					free(m.gnu);
					m.gnu = buf;
					m.gnulen = l;
				} else {
					free(m.link);
					m.link = buf;
					m.linklen = l;
				}
			}
			pos = next;
			continue;
		}
		/*
		 * GNU volume labels ('V'), continuations from another volume
		 * ('M') and old long-name records ('N') are no file to GNU tar,
		 * but Python writes each as a regular file, bsdtar writes 'M'
		 * and 'N', GNU tar 'N': they are judged as the files they become.
		 */
		/*
		 * The name: pax path, else GNU long name, else ustar prefix "/"
		 * name (the prefix only under the POSIX magic).  The others are
		 * judged as well: Python lets the header read first win between
		 * pax and GNU, readers differ on the prefix under other magics,
		 * a v7 reader takes the bare name field.
		 */
		uint8_t full[256 + 2];
		const uint8_t *nm;
		size_t nl;
		bool posix = !memcmp(h + 257, "ustar\0", 6);
		size_t l = field_len(h, 100), pl = field_len(h + 345, 155);
		bool prefixed = pl && (posix || !memcmp(h + 257, "ustar", 5));
		size_t fl = l;
		memcpy(full, h, l);
		if (prefixed) {
			memcpy(full, h + 345, pl);
			full[pl] = '/';
			memcpy(full + pl + 1, h, l);
			fl = pl + 1 + l;
		}
		if (m.path) {
			nm = m.path;
			nl = m.pathlen;
		} else if (m.gnu) {
			nm = m.gnu;
			nl = m.gnulen;
		} else if (posix || !prefixed) {
			nm = full;
			nl = fl;
		} else {
			nm = h;	/* GNU magic: the prefix bytes are times, for GNU tar and bsdtar */
			nl = l;
		}
		const uint8_t *lk = m.link ? m.link : h + 157;
		size_t ll = m.link ? m.linklen : field_len(h + 157, 100);
		uint64_t mode = 0;
		bool has_mode = cr_tar_num(h + 100, 8, &mode) >= 0;
		enum cr_ekind kind = kind_of(type);
		bool linky = kind == E_SYMLINK || kind == E_HARDLINK;
		struct cr_entry e = {.name = nm, .namelen = nl, .utf8 = m.path && m.path_utf8 && !m.binary && !g.binary, .kind = kind,
				     .link = linky ? lk : NULL, .linklen = linky ? ll : 0,
				     .has_mode = has_mode, .mode = (uint32_t)(mode & 07777)};
		uint64_t mt, uid, gid;
		if (cr_tar_num(h + 136, 12, &mt) >= 0 && mt <= INT64_MAX) {
			e.has_time = true;
			e.mtime = (int64_t)mt;
		}
		if (cr_tar_num(h + 108, 8, &uid) >= 0 && cr_tar_num(h + 116, 8, &gid) >= 0 && uid <= UINT32_MAX &&
		    gid <= UINT32_MAX) {
			e.has_owner = true;
			e.uid = (uint32_t)uid;
			e.gid = (uint32_t)gid;
		}
		if (m.gnu && nm != m.gnu)
			cr_entry_alt(&e, m.gnu, m.gnulen, false);
		if (nm != full)
			cr_entry_alt(&e, full, fl, false);
		if (fl != l && nm != h)
			cr_entry_alt(&e, h, l, false);
		if (g.path && !m.path)
			cr_entry_alt(&e, g.path, g.pathlen, true);
		if (nl == 0 && kind != E_DIR)
			cr_entry_note(&e, F_CONTAINER_CORRUPT, -1, "entry with an empty name");
		if (!first)
			cr_entry_note(&e, F_CONTAINER_CORRUPT, -1,
				      rd->resync ? "an entry only some readers see (GNU tar skipping a damaged header "
						   "or reading past the end marker)"
						 : "an entry only some readers see (a link's size read as no data)");
		/* A hard link entry may carry data too (tar allows it); whatever is there is scanned. */
		struct cr_src child;
		bool have = (kind == E_FILE || (kind == E_HARDLINK && dsize)) && cr_view_has(v, data, dsize) &&
			    cr_src_slice(o->src, data, dsize, &child);
		if (seen_add(seen, entry_key(pos, nm, nl, have ? data : 0, have ? dsize : 0, (int)kind))) {
			if (have && (type == 'S' || m.sparse) && kind == E_FILE)
				sparse_entry(w, &e, &m, data, dsize);
			cr_entry(w, &e, have ? &child : NULL);
			/*
			 * A GNU dumpdir ('D') lists a directory's names as its data;
			 * Python, to which the type is unknown, writes that data as a
			 * file under the directory's name.
			 */
			if (type == 'D' && dsize && cr_view_has(v, data, dsize) && cr_src_slice(o->src, data, dsize, &child) &&
			    !cr_walk_stopped(w)) {
				struct cr_entry f = {.name = nm, .namelen = nl, .kind = E_FILE, .flags = CR_E_NAME_OURS};
				cr_entry(w, &f, &child);
			}
		}
		meta_clear(&m);
		if (next < pos) {	/* cannot happen with the size check above; keep the loop monotonic */
			cr_emit(s, F_CONTAINER_CORRUPT, -1, "size overflow");
			break;
		}
		pos = next;
	}
	meta_clear(&m);
	meta_clear(&g);
}

static void walk_tar(struct cr_walk *w)
{
	struct cr_scan *s = w->s;
	const struct cr_obj *o = w->o;
	struct seen seen = {0};
	struct met met = {.endpos = 0};	/* set when the end marker is met, and read only then */
	walk_reading(w, &readings[0], &seen, &met);
	bool ended = met.ended;
	uint64_t pos = met.endpos;
	bool junk = false, unread = false;
	if (ended && !cr_walk_stopped(w)) {
		/* Past the end marker only zero padding is normal (tar blocks out to 10 KiB). */
		uint8_t buf[4096];
		uint64_t p = pos;
		while (!junk && cr_view_has(o->view, p, 1)) {
			size_t k = sizeof buf;
			if (!cr_view_has(o->view, p, k))
				k = (size_t)(cr_view_size(o->view) - p);
			if (!cr_view_read(o->view, p, buf, k))
				break;
			for (size_t i = 0; i < k && !junk; i++)
				junk = buf[i] != 0;
			p += k;
			if (p - pos > (64u << 20)) {
				unread = true;	/* gigabytes of padding are not read here: the resync reading looks */
				break;
			}
		}
	}
	/* The other readings, where they can differ from the first. */
	struct met other = {.endpos = 0};
	if ((met.damaged || junk || unread) && !cr_walk_stopped(w))
		walk_reading(w, &readings[1], &seen, &other);
	if (met.link_sized && !cr_walk_stopped(w))
		walk_reading(w, &readings[2], &seen, &other);
	free(seen.keys);
	if (junk && !cr_walk_stopped(w))
		cr_emit(s, F_CONTAINER_TRAILING, -1, "data after the end-of-archive marker");
}

static const enum cr_tid tar_types[] = {T_TAR, T_UNKNOWN};
const struct cr_format cr_format_tar = {.name = "tar", .types = tar_types, .walk = walk_tar, .slices = true};
