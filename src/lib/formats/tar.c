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
 *   'x' pax extended header: records "LEN key=value\n" (path, linkpath,
 *   size override the next header); 'g' pax global header.
 * Attacks live exactly there: a long name or pax path replaces the
 * harmless name a naive reader shows, so every override is judged.
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

struct meta {
	uint8_t *path, *link;	/* overrides for the next entry (malloc'd) */
	size_t pathlen, linklen;
	bool path_utf8, has_size;
	uint64_t size;
};

static void meta_clear(struct meta *m)
{
	free(m->path);
	free(m->link);
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

/* pax records "LEN key=value\n"; each consumes at least one byte. */
static void pax_parse(struct cr_scan *s, struct meta *m, const uint8_t *p, size_t n, bool global)
{
	size_t i = 0;
	while (i < n) {
		size_t len = 0, j = i;
		while (j < n && p[j] >= '0' && p[j] <= '9' && len < MAX_META)
			len = len * 10 + (size_t)(p[j++] - '0');
		if (j >= n || p[j] != ' ' || len <= j - i || len > n - i) {
			if (p[i] != '\0')	/* NUL padding is tolerated */
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
			} else if (kl == 8 && !memcmp(kv, "linkpath", 8)) {
				free(m->link);
				m->link = dup_bytes(eq + 1, vl);
				m->linklen = vl;
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

static void walk_tar(struct cr_walk *w)
{
	struct cr_scan *s = w->s;
	const struct cr_obj *o = w->o;
	uint64_t size = o->view->size, pos = w->start;
	struct meta m;
	memset(&m, 0, sizeof m);
	uint8_t h[512];
	bool ended = false;
	while (!cr_walk_stopped(w)) {
		if (pos >= size)
			break;
		if (size - pos < 512 || !cr_view_read(o->view, pos, h, 512)) {
			cr_emit(s, F_CONTAINER_CORRUPT, -1, "truncated header at offset %llu", (unsigned long long)pos);
			break;
		}
		bool zero = true;
		for (int i = 0; i < 512 && zero; i++)
			zero = h[i] == 0;
		if (zero) {
			ended = true;
			pos += 512;
			break;
		}
		if (!cr_tar_checksum_ok(h)) {
			cr_emit(s, F_CONTAINER_CORRUPT, -1, "bad header checksum at offset %llu", (unsigned long long)pos);
			break;
		}
		uint64_t dsize;
		if (cr_tar_num(h + 124, 12, &dsize) < 0) {
			cr_emit(s, F_CONTAINER_CORRUPT, -1, "unreadable size at offset %llu", (unsigned long long)pos);
			break;
		}
		uint8_t type = h[156];
		if (m.has_size && type != 'x' && type != 'g' && type != 'L' && type != 'K')
			dsize = m.size;
		uint64_t data = pos + 512;
		if (dsize > size - data && !(type == '1' || type == '2' || type == '5')) {
			cr_emit(s, F_CONTAINER_CORRUPT, -1, "entry at offset %llu claims %llu bytes past the end",
				(unsigned long long)pos, (unsigned long long)dsize);
			break;
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
				pax_parse(s, &m, buf, (size_t)dsize, type == 'g');
				free(buf);
			} else {
				size_t l = field_len(buf, (size_t)dsize);
				if (type == 'L') {
					free(m.path);
					m.path = buf;
					m.pathlen = l;
					m.path_utf8 = false;
				} else {
					free(m.link);
					m.link = buf;
					m.linklen = l;
				}
			}
			pos = next;
			continue;
		}
		if (type == 'V' || type == 'M' || type == 'N') {	/* labels, continuations: no entry */
			meta_clear(&m);
			pos = next;
			continue;
		}
		/* The name: pax path, else GNU long name, else ustar prefix "/" name. */
		uint8_t full[256 + 2];
		const uint8_t *nm;
		size_t nl;
		bool posix = !memcmp(h + 257, "ustar\0", 6);
		if (m.path) {
			nm = m.path;
			nl = m.pathlen;
		} else {
			size_t l = field_len(h, 100), pl = posix ? field_len(h + 345, 155) : 0;
			if (pl) {
				memcpy(full, h + 345, pl);
				full[pl] = '/';
				memcpy(full + pl + 1, h, l);
				nl = pl + 1 + l;
			} else {
				memcpy(full, h, l);
				nl = l;
			}
			nm = full;
		}
		const uint8_t *lk = m.link ? m.link : h + 157;
		size_t ll = m.link ? m.linklen : field_len(h + 157, 100);
		uint64_t mode = 0;
		bool has_mode = cr_tar_num(h + 100, 8, &mode) >= 0;
		enum cr_ekind kind = kind_of(type);
		bool linky = kind == E_SYMLINK || kind == E_HARDLINK;
		struct cr_entry e = {.name = nm, .namelen = nl, .utf8 = m.path && m.path_utf8, .kind = kind,
				     .link = linky ? lk : NULL, .linklen = linky ? ll : 0,
				     .has_mode = has_mode, .mode = (uint32_t)(mode & 07777)};
		if (nl == 0 && kind != E_DIR)
			cr_entry_note(&e, F_CONTAINER_CORRUPT, -1, "entry with an empty name");
		/* A hard link entry may carry data too (tar allows it); whatever is there is scanned. */
		struct cr_src child;
		bool have = (kind == E_FILE || (kind == E_HARDLINK && dsize)) && dsize <= size - data &&
			    cr_src_slice(o->src, data, dsize, &child);
		cr_entry(w, &e, have ? &child : NULL);
		meta_clear(&m);
		if (next < pos) {	/* cannot happen with the size check above; keep the loop monotonic */
			cr_emit(s, F_CONTAINER_CORRUPT, -1, "size overflow");
			break;
		}
		pos = next;
	}
	if (ended && !cr_walk_stopped(w)) {
		/* Past the end marker only zero padding is normal (tar blocks out to 10 KiB). */
		uint8_t buf[4096];
		uint64_t p = pos;
		bool junk = false;
		while (p < size && !junk) {
			size_t k = size - p < sizeof buf ? (size_t)(size - p) : sizeof buf;
			if (!cr_view_read(o->view, p, buf, k))
				break;
			for (size_t i = 0; i < k && !junk; i++)
				junk = buf[i] != 0;
			p += k;
			if (p - pos > (64u << 20))
				break;	/* do not read gigabytes of padding */
		}
		if (junk)
			cr_emit(s, F_CONTAINER_TRAILING, -1, "data after the end-of-archive marker");
	}
	meta_clear(&m);
}

static const enum cr_tid tar_types[] = {T_TAR, T_UNKNOWN};
const struct cr_format cr_format_tar = {.name = "tar", .types = tar_types, .walk = walk_tar};
