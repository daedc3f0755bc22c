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

#include <stddef.h>
#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "../core/cpu.h"
#include "../io/cur.h"
#ifdef CR_X86_AVX2
#include <immintrin.h>
#endif

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

/*
 * The highest i in [lo, hi] where "PK\5\6" starts, or -1.  Sixty-four
 * starts a step: a block without a 0x06 where a signature would end is
 * passed over on one comparison per sixteen bytes (text has none); a
 * block with one compares all four bytes at once, so a binary's many 'P'
 * or 0x06 bytes cost a few instructions each, not a call (memrchr on one
 * byte stopped at each).
 */
#ifdef __SSE2__
/* Bit j: a signature starts at q + j, j < 16. */
static unsigned sig16(const uint8_t *q)
{
	__m128i m = _mm_and_si128(
		_mm_and_si128(_mm_cmpeq_epi8(_mm_loadu_si128((const __m128i *)q), _mm_set1_epi8('P')),
			      _mm_cmpeq_epi8(_mm_loadu_si128((const __m128i *)(q + 1)), _mm_set1_epi8('K'))),
		_mm_and_si128(_mm_cmpeq_epi8(_mm_loadu_si128((const __m128i *)(q + 2)), _mm_set1_epi8(5)),
			      _mm_cmpeq_epi8(_mm_loadu_si128((const __m128i *)(q + 3)), _mm_set1_epi8(6))));
	return (unsigned)_mm_movemask_epi8(m);
}
#endif

#ifdef CR_X86_AVX2
/*
 * The same, 128 starts a step, passing over blocks where no "\5\6"
 * ends a would-be signature (rare in text and binaries alike); the end
 * of what is left to search, for the loop below.
 */
__attribute__((target("avx2"))) static size_t eocd_avx2(const uint8_t *b, size_t lo, size_t end)
{
	const __m256i five = _mm256_set1_epi8(5), six = _mm256_set1_epi8(6);
#define PAIR(o) _mm256_and_si256(_mm256_cmpeq_epi8(_mm256_loadu_si256((const __m256i *)(q + (o))), five), \
				 _mm256_cmpeq_epi8(_mm256_loadu_si256((const __m256i *)(q + (o) + 1)), six))
	while (end - lo >= 128) {
		const uint8_t *q = b + end - 128 + 2;
		__m256i any = _mm256_or_si256(_mm256_or_si256(PAIR(0), PAIR(32)), _mm256_or_si256(PAIR(64), PAIR(96)));
		if (!_mm256_testz_si256(any, any))
			return end;	/* the loop below finds which */
		end -= 128;
	}
#undef PAIR
	return end;
}
#endif

static ptrdiff_t eocd_back(const uint8_t *b, size_t lo, size_t hi)
{
	size_t end = hi + 1;	/* starts in [lo, end); bytes up to end + 2 are in the buffer */
#ifdef __SSE2__
	const __m128i six = _mm_set1_epi8(6);
	while (end - lo >= 64) {
#ifdef CR_X86_AVX2
		if (end - lo >= 128 && cr_have_avx2() && (end = eocd_avx2(b, lo, end)) - lo < 64)
			break;
#endif
		const uint8_t *q = b + end - 64;
		__m128i any = _mm_or_si128(
			_mm_or_si128(_mm_cmpeq_epi8(_mm_loadu_si128((const __m128i *)(q + 3)), six),
				     _mm_cmpeq_epi8(_mm_loadu_si128((const __m128i *)(q + 19)), six)),
			_mm_or_si128(_mm_cmpeq_epi8(_mm_loadu_si128((const __m128i *)(q + 35)), six),
				     _mm_cmpeq_epi8(_mm_loadu_si128((const __m128i *)(q + 51)), six)));
		if (_mm_movemask_epi8(any)) {
			for (int k = 48; k >= 0; k -= 16) {
				unsigned bits = sig16(q + k);
				if (bits)
					return (ptrdiff_t)(end - 64) + k + 31 - __builtin_clz(bits);
			}
		}
		end -= 64;
	}
#endif
	while (end > lo) {
		end--;
		if (b[end] == 'P' && b[end + 1] == 'K' && b[end + 2] == 5 && b[end + 3] == 6)
			return (ptrdiff_t)end;
	}
	return -1;
}

void cr_zip_end_find(const struct cr_view *v, struct cr_zip_end *e)
{
	memset(e, 0, sizeof *e);
	if (v->taillen < 22)
		return;
	size_t lowest = v->taillen > 22 + 65535 ? v->taillen - 22 - 65535 : 0;
	/* Candidates from the end: a record needs its 22 bytes. */
	size_t hi = v->taillen - 22;
	for (;;) {
		ptrdiff_t i = eocd_back(v->tail, lowest, hi);
		if (i < 0)
			break;
		if (candidate(v, v->size - v->taillen + (size_t)i, v->tail + i, v->taillen - (size_t)i - 22, e))
			return;
		if ((size_t)i == lowest)
			break;
		hi = (size_t)i - 1;
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
