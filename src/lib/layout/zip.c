/*
 * layout/zip.c - the end records of a ZIP (APPNOTE 6.3.10, 4.3.14-16).
 *
 *   end of central directory "PK\5\6", 22 bytes + comment: this disk
 *     (u16 at 4), directory's disk (6), entries here (8), entries in all
 *     (10), directory size (u32 at 12) and offset (16), comment length
 *     (u16 at 20);
 *   ZIP64 locator "PK\6\7", 20 bytes, right before it: offset of the
 *     ZIP64 end record (u64 at 8);
 *   ZIP64 end record "PK\6\6", 56 bytes + extensible data: entries in all
 *     (u64 at 32), directory size (40) and offset (48).
 *
 * Offsets count from the start of the ZIP, which is not the start of the
 * file when something is prepended (an SFX stub, a polyglot): the start
 * is where the directory really is minus the offset it claims.  For
 * ZIP64 the record is taken where it sits, right before the locator,
 * not where its stored offset says (that offset is shifted by a prefix).
 */
#include "zip.h"

#include <string.h>

#include "../io/cur.h"

/* Checks the end record rec (22 bytes) at offset eocd, room bytes before the file ends after it; fills e when it holds. */
static bool candidate(const struct cr_view *v, uint64_t eocd, const uint8_t *rec, uint64_t room, struct cr_zip_end *e)
{
	struct cr_cur c;
	cur_init(&c, rec, 22);
	uint16_t disk = 0, cddisk = 0, nthis = 0, ntotal = 0, clen = 0;
	uint32_t cdsize = 0, cdoff = 0;
	cur_peek_u16le(&c, 4, &disk);
	cur_peek_u16le(&c, 6, &cddisk);
	cur_peek_u16le(&c, 8, &nthis);
	cur_peek_u16le(&c, 10, &ntotal);
	cur_peek_u32le(&c, 12, &cdsize);
	cur_peek_u32le(&c, 16, &cdoff);
	cur_peek_u16le(&c, 20, &clen);
	if (clen > room)
		return false;
	bool z64 = cdsize == 0xffffffff || cdoff == 0xffffffff || ntotal == 0xffff;
	uint8_t loc[4];
	bool haveloc = eocd >= 20 && cr_view_read(v, eocd - 20, loc, 4) && !memcmp(loc, "PK\6\7", 4);
	/* Disk numbers that disagree: Python and Info-ZIP read the directory all the same. */
	bool disks_odd = !z64 && !(disk == cddisk && nthis == ntotal);
	if (z64 && !haveloc)
		return false;
	memset(e, 0, sizeof *e);
	e->eocd = eocd;
	e->disks_odd = disks_odd;
	e->tail_end = eocd + 22 + clen;
	e->entries = ntotal;
	if (haveloc) {
		uint8_t r[56];
		if (eocd < 20 + 56 || !cr_view_read(v, eocd - 20 - 56, r, 56) || memcmp(r, "PK\6\6", 4)) {
			/* A locator promises a record; without it the directory cannot be trusted. */
			e->found = true;
			e->zip64_broken = true;
			return true;
		}
		struct cr_cur rc;
		uint64_t n, sz, off;
		cur_init(&rc, r, 56);
		cur_peek_u64le(&rc, 32, &n);
		cur_peek_u64le(&rc, 40, &sz);
		cur_peek_u64le(&rc, 48, &off);
		e->zip64 = true;
		e->entries = n;
		e->cd_end = eocd - 20 - 56;
		if (sz > e->cd_end || off > e->cd_end - sz)
			return false;
		e->cd = e->cd_end - sz;
		e->cd_size = sz;
		e->start = e->cd - off;
		e->found = true;
		return true;
	}
	e->cd_end = eocd;
	if (cdsize > eocd)
		return false;
	uint64_t cd = eocd - cdsize;
	if (cdsize != 0 || ntotal != 0) {
		uint8_t sig[4];
		if (!cr_view_read(v, cd, sig, 4) || memcmp(sig, "PK\1\2", 4)) {
			/*
			 * Info-ZIP's reading: the directory where its offset says,
			 * whatever its size field claims ("Compensating...").
			 */
			if (cdoff >= eocd || !cr_view_read(v, cdoff, sig, 4) || memcmp(sig, "PK\1\2", 4))
				return false;
			e->cd = cdoff;
			e->cd_size = eocd - cdoff;
			e->size_wrong = true;
			e->found = true;
			return true;
		}
	} else if (cdoff > cd) {
		return false;
	}
	e->cd = cd;
	e->cd_size = cdsize;
	/*
	 * Offsets larger than where the directory is: bytes were cut from the
	 * front.  Python and Info-ZIP still list the directory (and read each
	 * entry at its offset less the missing bytes): so does the walker.
	 */
	if (cdoff > cd)
		e->missing = cdoff - cd;
	else
		e->start = cd - cdoff;
	e->found = true;
	return true;
}

void cr_zip_end_find(const struct cr_view *v, struct cr_zip_end *e)
{
	memset(e, 0, sizeof *e);
	if (v->taillen < 22)
		return;
	size_t lowest = v->taillen > 22 + 65535 ? v->taillen - 22 - 65535 : 0;
	/* Candidates from the end: memrchr finds each 0x06 (the 4th signature byte) fast. */
	size_t hi = v->taillen - 22 + 4;	/* search [lowest+3, hi) for the 4th byte */
	while (hi > lowest + 3) {
		const uint8_t *q = memrchr(v->tail + lowest + 3, 6, hi - (lowest + 3));
		if (!q)
			break;
		size_t i = (size_t)(q - v->tail) - 3;
		hi = (size_t)(q - v->tail);
		const uint8_t *p = v->tail + i;
		if (p[0] == 'P' && p[1] == 'K' && p[2] == 5 &&
		    candidate(v, v->size - v->taillen + i, p, v->taillen - i - 22, e))
			return;
	}
	memset(e, 0, sizeof *e);
}

bool cr_zip_end_at(const struct cr_view *v, uint64_t off, struct cr_zip_end *e)
{
	uint8_t r[22];
	memset(e, 0, sizeof *e);
	if (off > v->size || v->size - off < 22 || !cr_view_read(v, off, r, 22) || memcmp(r, "PK\5\6", 4) ||
	    !candidate(v, off, r, v->size - off - 22, e)) {
		memset(e, 0, sizeof *e);
		return false;
	}
	return true;
}
