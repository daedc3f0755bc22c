/*
 * iso.c - ISO 9660 images whose three name spaces say what the test
 * wants: the primary names (ECMA-119), Rock Ridge NM names (what Linux
 * mounts and libarchive list) and a Joliet tree (what Windows shows).
 *
 * One root directory, one sector each for the volume descriptors, the
 * path tables and each root directory; then each file's data in its own
 * extent.  A file may be left out of one tree (a NULL name), or two trees
 * may name the same extent differently: that is what readers disagree on.
 */
#include <string.h>

#include "samples.h"

#define SECTOR 2048u

static void both16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v, p[1] = (uint8_t)(v >> 8), p[2] = (uint8_t)(v >> 8), p[3] = (uint8_t)v;
}

static void both32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++) {
		p[i] = (uint8_t)(v >> (8 * i));
		p[7 - i] = (uint8_t)(v >> (8 * i));
	}
}

static void le32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static void be32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[3 - i] = (uint8_t)(v >> (8 * i));
}

/* A directory record at p: its length. */
static size_t record(uint8_t *p, uint32_t extent, uint32_t size, bool dir, const uint8_t *id, size_t idlen,
		     const uint8_t *su, size_t sulen)
{
	size_t n = 33 + idlen + (idlen % 2 == 0) + sulen;
	memset(p, 0, n);
	p[0] = (uint8_t)n;
	both32(p + 2, extent);
	both32(p + 10, size);
	const uint8_t date[7] = {126, 11, 29, 12, 0, 0, 0};
	memcpy(p + 18, date, 7);
	p[25] = dir ? 2 : 0;
	both16(p + 28, 1);
	p[32] = (uint8_t)idlen;
	memcpy(p + 33, id, idlen);
	if (sulen)
		memcpy(p + 33 + idlen + (idlen % 2 == 0), su, sulen);
	return n;
}

/* Rock Ridge for one record: PX (mode) and NM (name); the root's "." also SP and ER. */
static size_t susp(uint8_t *p, bool dot_of_root, bool dir, const char *nm)
{
	size_t n = 0;
	if (dot_of_root) {
		const uint8_t sp[7] = {'S', 'P', 7, 1, 0xbe, 0xef, 0};
		memcpy(p, sp, 7);
		n = 7;
		const char *id = "RRIP_1991A", *des = "ROCK RIDGE POSIX NAMES", *src = "CRIBLE TEST GENERATOR";
		size_t li = strlen(id), ld = strlen(des), ls = strlen(src);
		p[n] = 'E', p[n + 1] = 'R', p[n + 2] = (uint8_t)(8 + li + ld + ls), p[n + 3] = 1;
		p[n + 4] = (uint8_t)li, p[n + 5] = (uint8_t)ld, p[n + 6] = (uint8_t)ls, p[n + 7] = 1;
		memcpy(p + n + 8, id, li);
		memcpy(p + n + 8 + li, des, ld);
		memcpy(p + n + 8 + li + ld, src, ls);
		n += 8 + li + ld + ls;
	}
	uint8_t *x = p + n;
	memset(x, 0, 36);
	x[0] = 'P', x[1] = 'X', x[2] = 36, x[3] = 1;
	both32(x + 4, dir ? 040755 : 0100644);
	both32(x + 12, dir ? 2 : 1);
	n += 36;
	if (nm) {
		size_t l = strlen(nm);
		p[n] = 'N', p[n + 1] = 'M', p[n + 2] = (uint8_t)(5 + l), p[n + 3] = 1, p[n + 4] = 0;
		memcpy(p + n + 5, nm, l);
		n += 5 + l;
	}
	return n;
}

/* A Joliet name: UCS-2 big-endian of an ASCII name, with ";1". */
static size_t ucs2(uint8_t *out, const char *s)
{
	size_t n = 0;
	for (; *s; s++)
		out[n++] = 0, out[n++] = (uint8_t)*s;
	out[n++] = 0, out[n++] = ';';
	out[n++] = 0, out[n++] = '1';
	return n;
}

static void volume(uint8_t *v, uint8_t type, uint32_t total, uint32_t lpt, uint32_t mpt, uint32_t root, bool joliet)
{
	v[0] = type;
	memcpy(v + 1, "CD001", 5);
	v[6] = 1;
	memset(v + 8, ' ', 64);	/* system and volume identifiers */
	memcpy(v + 40, "CRIBLE_TEST", 11);
	both32(v + 80, total);
	if (joliet)
		memcpy(v + 88, "%/E", 3);
	both16(v + 120, 1);
	both16(v + 124, 1);
	both16(v + 128, SECTOR);
	both32(v + 132, 10);
	le32(v + 140, lpt);
	be32(v + 148, mpt);
	const uint8_t dot = 0;
	record(v + 156, root, SECTOR, true, &dot, 1, NULL, 0);
	memset(v + 190, ' ', 623);	/* set, publisher, preparer, application, file identifiers */
	for (int i = 0; i < 4; i++)
		memcpy(v + 813 + 17 * i, i == 2 ? "0000000000000000" : "2026112912000000", 16);
	v[881] = 1;
}

static void path_table(uint8_t *p, uint32_t root, bool big)
{
	p[0] = 1;
	(big ? be32 : le32)(p + 2, root);
	p[6] = big ? 0 : 1, p[7] = big ? 1 : 0;
}

void iso_write(struct sbuf *b, const struct isofile *f, size_t n, bool rr, bool joliet)
{
	/* 16 system sectors, PVD, [SVD], terminator, 2 path tables per tree, the roots, then data. */
	uint32_t s = 16, pvd = s++, svd = joliet ? s++ : 0, term = s++;
	uint32_t lpt = s++, mpt = s++, jlpt = joliet ? s++ : 0, jmpt = joliet ? s++ : 0;
	uint32_t root = s++, jroot = joliet ? s++ : 0;
	uint32_t extent[16];
	for (size_t i = 0; i < n && i < 16; i++) {
		extent[i] = s;
		s += (uint32_t)((f[i].len + SECTOR - 1) / SECTOR);
		if (!f[i].len)
			extent[i] = 0;
	}
	size_t total = (size_t)s * SECTOR, base = b->len;
	sb_zero(b, total);
	uint8_t *img = b->p + base;
	volume(img + pvd * SECTOR, 1, s, lpt, mpt, root, false);
	if (joliet)
		volume(img + svd * SECTOR, 2, s, jlpt, jmpt, jroot, true);
	uint8_t *t = img + term * SECTOR;
	t[0] = 255;
	memcpy(t + 1, "CD001", 5);
	t[6] = 1;
	path_table(img + lpt * SECTOR, root, false);
	path_table(img + mpt * SECTOR, root, true);
	if (joliet) {
		path_table(img + jlpt * SECTOR, jroot, false);
		path_table(img + jmpt * SECTOR, jroot, true);
	}
	uint8_t su[512], id[256];
	const uint8_t dot = 0, dotdot = 1;
	for (int tree = 0; tree < (joliet ? 2 : 1); tree++) {
		uint32_t r = tree ? jroot : root;
		uint8_t *d = img + r * SECTOR;
		size_t k = record(d, r, SECTOR, true, &dot, 1, su, rr && !tree ? susp(su, true, true, NULL) : 0);
		k += record(d + k, r, SECTOR, true, &dotdot, 1, su, rr && !tree ? susp(su, false, true, NULL) : 0);
		for (size_t i = 0; i < n && i < 16; i++) {
			const char *name = tree ? f[i].joliet : f[i].primary;
			if (!name)
				continue;
			size_t idlen = tree ? ucs2(id, name) : strlen(name);
			if (!tree)
				memcpy(id, name, idlen);
			size_t sl = rr && !tree ? susp(su, false, false, f[i].rr) : 0;
			k += record(d + k, extent[i], (uint32_t)f[i].len, false, id, idlen, su, sl);
		}
	}
	for (size_t i = 0; i < n && i < 16; i++)
		if (f[i].len)
			memcpy(img + (size_t)extent[i] * SECTOR, f[i].data, f[i].len);
}
