/*
 * layout/cfb.c - MS-CFB.
 *
 * Header (512 bytes): signature D0 CF 11 E0 A1 B1 1A E1, minor and major
 * version (0x18, 0x1A), byte order FFFE (0x1C), sector shift (0x1E: 9 for
 * version 3, 12 for version 4), mini sector shift (0x20, 6), FAT sector
 * count (0x2C), first directory sector (0x30), mini stream cutoff (0x38,
 * 4096), first mini FAT sector and count (0x3C, 0x40), first DIFAT
 * sector and count (0x44, 0x48), the first 109 FAT sector numbers
 * (0x4C..0x200).
 * Sector s starts at (s + 1) << shift.  The FAT is an array of u32
 * successors, stored in the sectors the DIFAT lists; DIFAT sectors beyond
 * the header hold (ssz/4 - 1) FAT sector numbers and then the next DIFAT
 * sector.
 * Directory entries, 128 bytes: UTF-16LE name (64 bytes), name length in
 * bytes with the NUL (u16 at 64), type (66), colour (67), left, right and
 * child ids (u32 at 68, 72, 76), CLSID (80), start sector (116), size
 * (u64 at 120; version 3 files use only the low 32 bits).
 */
#include "cfb.h"

#include <stdlib.h>
#include <string.h>

#include "../io/cur.h"
#include "../io/utf8.h"

static uint32_t le32(const uint8_t *p) { return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24; }

bool cr_cfb_open(struct cr_cfb *c, const struct cr_view *v)
{
	memset(c, 0, sizeof *c);
	c->v = v;
	if (!cr_view_read(v, 0, c->hdr, 512) || memcmp(c->hdr, "\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", 8))
		return false;
	struct cr_cur h;
	cur_init(&h, c->hdr, 512);
	uint16_t order, shift, major;
	cur_peek_u16le(&h, 0x1A, &major);
	cur_peek_u16le(&h, 0x1C, &order);
	cur_peek_u16le(&h, 0x1E, &shift);
	if (order != 0xFFFE || (shift != 9 && shift != 12))
		return false;
	(void)major;	/* readers accept a mismatched version when the shift is sane */
	c->shift = shift;
	c->ssz = 1u << shift;
	cur_peek_u32le(&h, 0x2C, &c->nfat);
	cur_peek_u32le(&h, 0x30, &c->dir_start);
	cur_peek_u32le(&h, 0x38, &c->mini_cutoff);
	cur_peek_u32le(&h, 0x3C, &c->minifat_start);
	cur_peek_u32le(&h, 0x40, &c->nminifat);
	cur_peek_u32le(&h, 0x44, &c->difat_start);
	cur_peek_u32le(&h, 0x48, &c->ndifat);
	c->nsectors = v->size > c->ssz ? (v->size - c->ssz + c->ssz - 1) / c->ssz : 0;
	return true;
}

static bool sector_read(const struct cr_cfb *c, uint32_t s, uint64_t off, void *buf, size_t n)
{
	if (s >= c->nsectors)
		return false;
	return cr_view_read(c->v, (((uint64_t)s + 1) << c->shift) + off, buf, n);
}

/* The sector holding FAT block k: from the header, else through the DIFAT chain. */
static bool fat_sector(const struct cr_cfb *c, uint32_t k, uint32_t *out)
{
	if (k < 109) {
		*out = le32(c->hdr + 0x4C + 4 * (size_t)k);
		return *out < CR_CFB_END - 4;
	}
	uint32_t per = c->ssz / 4 - 1, idx = k - 109, d = c->difat_start;
	/* Each hop reads one DIFAT sector; a chain longer than the file loops. */
	for (uint64_t hop = 0; idx >= per; hop++) {
		uint8_t nx[4];
		if (hop > c->nsectors || !sector_read(c, d, (uint64_t)per * 4, nx, 4))
			return false;
		d = le32(nx);
		idx -= per;
	}
	uint8_t b[4];
	if (!sector_read(c, d, (uint64_t)idx * 4, b, 4))
		return false;
	*out = le32(b);
	return *out < CR_CFB_END - 4;
}

bool cr_cfb_next(const struct cr_cfb *c, uint32_t s, uint32_t *next)
{
	uint32_t per = c->ssz / 4, fs;
	if (!fat_sector(c, s / per, &fs))
		return false;
	uint8_t b[4];
	if (!sector_read(c, fs, 4ull * (s % per), b, 4))
		return false;
	*next = le32(b);
	return true;
}

void cr_cfb_dir_begin(struct cr_cfb_diriter *it, const struct cr_cfb *c)
{
	memset(it, 0, sizeof *it);
	it->c = c;
	it->sec = c->dir_start;
}

bool cr_cfb_dir_next(struct cr_cfb_diriter *it, struct cr_cfb_dirent *e, uint32_t max_sectors)
{
	const struct cr_cfb *c = it->c;
	uint32_t per = c->ssz / 128;
	for (;;) {
		if (it->sec >= CR_CFB_END - 4)
			return false;	/* end of chain (or a special value) */
		if (!it->loaded) {
			if (max_sectors && it->hops >= max_sectors)
				return false;	/* the caller's cap, not a fault */
			if (it->hops >= c->nsectors || !sector_read(c, it->sec, 0, it->buf, c->ssz)) {
				it->broken = true;
				return false;
			}
			it->hops++;
			it->loaded = true;
			it->slot = 0;
		}
		if (it->slot < per) {
			const uint8_t *d = it->buf + 128 * (size_t)it->slot++;
			memset(e, 0, sizeof *e);
			e->id = it->id++;
			uint16_t nb = (uint16_t)(d[64] | d[65] << 8);
			e->namebytes = nb >= 2 && nb <= 64 ? (size_t)nb - 2 : 0;
			memcpy(e->name16, d, 64);
			e->name[cr_utf16_to_utf8(d, e->namebytes / 2, true, (uint8_t *)e->name)] = '\0';
			e->type = d[66];
			e->left = le32(d + 68);
			e->right = le32(d + 72);
			e->child = le32(d + 76);
			memcpy(e->clsid, d + 80, 16);
			e->start = le32(d + 116);
			e->size = (uint64_t)le32(d + 120) | (c->shift == 9 ? 0 : (uint64_t)le32(d + 124) << 32);
			return true;
		}
		uint32_t next;
		if (!cr_cfb_next(c, it->sec, &next)) {
			it->broken = true;
			return false;
		}
		it->sec = next;
		it->loaded = false;
	}
}

size_t cr_cfb_load_fat(const struct cr_cfb *c, uint32_t **out)
{
	*out = NULL;
	uint32_t per = c->ssz / 4;
	/* FAT sectors: as many as the header says, but no more than the file's sectors need. */
	uint64_t need = (c->nsectors + per - 1) / per, nfs = c->nfat < need ? c->nfat : need;
	if (nfs == 0)
		return 0;
	uint32_t *fat = malloc((size_t)nfs * per * sizeof *fat);
	if (!fat)
		return (size_t)-1;
	size_t got = 0;
	uint32_t d = c->difat_start;
	uint8_t b[4096];
	uint64_t hops = 0;
	for (uint64_t k = 0; k < nfs; k++) {
		uint32_t fs;
		if (k < 109) {
			fs = le32(c->hdr + 0x4C + 4 * (size_t)k);
		} else {
			/* The DIFAT chain, read once in order: a sector's last slot names the next. */
			uint64_t j = (k - 109) % (per - 1);
			if (j == 0 && k > 109) {
				uint8_t nx[4];
				if (++hops > c->nsectors || !sector_read(c, d, (uint64_t)(per - 1) * 4, nx, 4))
					break;
				d = le32(nx);
			}
			uint8_t e[4];
			if (!sector_read(c, d, j * 4, e, 4))
				break;
			fs = le32(e);
		}
		if (fs >= CR_CFB_END - 4 || !sector_read(c, fs, 0, b, c->ssz))
			break;
		for (uint32_t i = 0; i < per; i++)
			fat[got++] = le32(b + 4 * (size_t)i);
	}
	*out = fat;
	return got;
}
