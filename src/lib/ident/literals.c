/*
 * ident/literals.c - many short literals in one pass (see literals.h).
 *
 * Compiling.  Each literal's anchor is the run of four bytes (the whole of
 * a shorter literal) least common in text by a rough table, so that
 * "self." is anchored on "elf." and not on "self".  Literals go into the bucket
 * where they add the least to how often the bucket's masks admit a
 * position: the masks of a bucket admit every byte whose low nibble one
 * literal has and whose high nibble another has, so literals that share
 * bytes belong together.  Both choices only decide how many false marks
 * there are; any choice finds every literal.
 *
 * Scanning.  For anchor byte k at position i + k, the bucket bits are
 * lo[k][byte & 15] & hi[k][byte >> 4]; a position is marked when the
 * four agree on some bucket.  Bytes past the window's end read as 0: no
 * literal holds a NUL, and a shorter anchor admits any byte after it.
 */
#include "literals.h"
#include "../core/cpu.h"

#include <stdlib.h>
#include <string.h>
#ifdef CR_X86_AVX2
#include <immintrin.h>
#define LITS_AVX2 1
#endif

_Static_assert(CR_LIT_ANCHOR == 4, "the scalar lookups below read four anchor bytes");

/*
 * How common a byte is in text (code and prose), roughly.  Letters are
 * all common (words repeat: "func" is as frequent as "the" in code);
 * punctuation is what makes a short run rare.
 */
static unsigned weight(unsigned c)
{
	if (c == ' ')
		return 32;
	if (c >= 'a' && c <= 'z')
		return 16;
	if (c == '\t' || c == '\n')
		return 8;
	if (c >= 'A' && c <= 'Z')
		return 4;
	if (c >= '0' && c <= '9')
		return 3;
	if (c != 0 && memchr(".,()_\"=/-':;{}*#", (int)c, 16))
		return 3;
	return c > 0x20 && c < 0x7f ? 1 : 0;
}

static int is_letter(unsigned c) { return (c | 0x20) >= 'a' && (c | 0x20) <= 'z'; }

/* The bytes a literal's byte stands for: itself, and its other case when ci. */
static unsigned forms(const struct cr_lit *l, size_t i, uint8_t out[2])
{
	unsigned c = (uint8_t)l->s[i];
	out[0] = (uint8_t)c;
	if (l->ci && is_letter(c)) {
		out[1] = (uint8_t)(c ^ 0x20);
		return 2;
	}
	return 1;
}

static double anchor_cost(const struct cr_lit *l, size_t at, size_t w)
{
	double cost = 1;
	for (size_t k = 0; k < w; k++) {
		uint8_t f[2];
		unsigned nf = forms(l, at + k, f), s = 0;
		for (unsigned j = 0; j < nf; j++)
			s += weight(f[j]);
		cost *= s + 1;
	}
	return cost;
}

static size_t anchor_width(const struct cr_lit *l)
{
	return l->len < CR_LIT_ANCHOR ? l->len : CR_LIT_ANCHOR;
}

/*
 * A literal's (or a bucket's) nibble masks: bit x of lo[k] when the
 * anchor's byte k may have low nibble x, of hi[k] for the high nibble.
 */
struct nibs {
	uint16_t lo[CR_LIT_ANCHOR], hi[CR_LIT_ANCHOR];
};

static void lit_nibs(const struct cr_lit *l, size_t at, struct nibs *m)
{
	size_t w = anchor_width(l);
	for (size_t k = 0; k < CR_LIT_ANCHOR; k++) {
		m->lo[k] = m->hi[k] = 0;
		if (k >= w) {
			m->lo[k] = m->hi[k] = 0xffff;	/* past a short anchor: any byte */
			continue;
		}
		uint8_t f[2];
		unsigned nf = forms(l, at + k, f);
		for (unsigned j = 0; j < nf; j++) {
			m->lo[k] |= (uint16_t)(1u << (f[j] & 15));
			m->hi[k] |= (uint16_t)(1u << (f[j] >> 4));
		}
	}
}

/*
 * How much text masks admit at one position: the product over the anchor
 * bytes of the weight of every byte both nibble masks admit.
 */
static double admitted(const unsigned wt[256 + 16], const struct nibs *m)
{
	double cost = 1;
	for (int k = 0; k < CR_LIT_ANCHOR; k++) {
		unsigned s = 0;
		/* Bytes from 0x80 weigh nothing: high nibbles 0-7 only; a full row is its total. */
		for (unsigned h = m->hi[k] & 0xffu; h; h &= h - 1) {
			unsigned row = (unsigned)__builtin_ctz(h) << 4;
			if (m->lo[k] == 0xffff)
				s += wt[256 + (row >> 4)];
			else
				for (unsigned l = m->lo[k]; l; l &= l - 1)
					s += wt[row | (unsigned)__builtin_ctz(l)];
		}
		cost *= s;
	}
	return cost;
}

static void nibs_or(struct nibs *d, const struct nibs *a, const struct nibs *b)
{
	for (int k = 0; k < CR_LIT_ANCHOR; k++) {
		d->lo[k] = a->lo[k] | b->lo[k];
		d->hi[k] = a->hi[k] | b->hi[k];
	}
}

void cr_lits_build(struct cr_lits *t, const struct cr_lit *lit, unsigned n, uint8_t mark0, uint8_t mark1)
{
	memset(t, 0, sizeof *t);
	if (n > CR_LIT_MAX)
		abort();
	t->lit = lit;
	t->n = n;
	t->mark[0] = mark0;
	t->mark[1] = mark1;
	unsigned wt[256 + 16] = {0};	/* each byte's weight, then each high nibble's row total */
	for (unsigned c = 0; c < 256; c++) {
		wt[c] = weight(c);
		wt[256 + (c >> 4)] += wt[c];
	}
	double own[CR_LIT_MAX];
	struct nibs mine[CR_LIT_MAX];
	for (unsigned i = 0; i < n; i++) {
		const struct cr_lit *l = &lit[i];
		if (l->len < 2 || memchr(l->s, 0, l->len))
			abort();	/* a programming error: the tables are literals */
		size_t w = anchor_width(l), best = 0;
		double bc = 0;
		for (size_t at = 0; at + w <= l->len; at++) {
			double c = anchor_cost(l, at, w);
			if (at == 0 || c < bc)
				bc = c, best = at;
		}
		t->anchor[i] = (uint8_t)best;
		lit_nibs(l, best, &mine[i]);
		own[i] = admitted(wt, &mine[i]);
	}
	/* Commonest anchors first, each into the bucket it widens least. */
	unsigned order[CR_LIT_MAX];
	for (unsigned i = 0; i < n; i++)
		order[i] = i;
	for (unsigned i = 1; i < n; i++)
		for (unsigned j = i; j > 0 && own[order[j]] > own[order[j - 1]]; j--) {
			unsigned x = order[j];
			order[j] = order[j - 1];
			order[j - 1] = x;
		}
	struct nibs bk[8];
	double cost[8];
	memset(bk, 0, sizeof bk);
	for (unsigned b = 0; b < 8; b++)
		cost[b] = 0;
	for (unsigned i = 0; i < n; i++) {
		unsigned k = order[i], pick = 0;
		double least = 0, pick_cost = 0;
		for (unsigned b = 0; b < 8; b++) {
			struct nibs m;
			nibs_or(&m, &bk[b], &mine[k]);
			double c = admitted(wt, &m);
			if (b == 0 || c - cost[b] < least)
				least = c - cost[b], pick = b, pick_cost = c;
		}
		nibs_or(&bk[pick], &bk[pick], &mine[k]);
		cost[pick] = pick_cost;
		t->bucket[pick] |= 1ull << k;
	}
	for (unsigned b = 0; b < 8; b++)
		for (int k = 0; k < CR_LIT_ANCHOR; k++)
			for (unsigned x = 0; x < 16; x++) {
				if (bk[b].lo[k] >> x & 1)
					t->lo[k][x] |= (uint8_t)(1u << b);
				if (bk[b].hi[k] >> x & 1)
					t->hi[k][x] |= (uint8_t)(1u << b);
			}
	for (int k = 0; k < CR_LIT_ANCHOR; k++)
		for (unsigned c = 0; c < 256; c++)
			t->tab[k][c] = t->lo[k][c & 15] & t->hi[k][c >> 4];
}

#ifdef LITS_AVX2
/* Sixty-four positions to a word from i while the anchor bytes stay inside the window; the next i. */
__attribute__((target("avx2"))) static size_t scan_avx2(const struct cr_lits *t, const uint8_t *p, size_t n,
							size_t i, size_t b, uint64_t *cand, uint64_t *m0,
							uint64_t *m1)
{
	__m256i lo[CR_LIT_ANCHOR], hi[CR_LIT_ANCHOR];
	for (int k = 0; k < CR_LIT_ANCHOR; k++) {
		lo[k] = _mm256_broadcastsi128_si256(_mm_loadu_si128((const __m128i *)(const void *)t->lo[k]));
		hi[k] = _mm256_broadcastsi128_si256(_mm_loadu_si128((const __m128i *)(const void *)t->hi[k]));
	}
	const __m256i nib = _mm256_set1_epi8(0x0f), zero = _mm256_setzero_si256();
	const __m256i c0 = _mm256_set1_epi8((char)t->mark[0]), c1 = _mm256_set1_epi8((char)t->mark[1]);
	for (; i + 64 <= b && i + 64 + CR_LIT_ANCHOR - 1 <= n; i += 64) {
		uint64_t cw = 0, w0 = 0, w1 = 0;
		for (int h = 0; h < 2; h++) {
			const uint8_t *q = p + i + 32 * h;
			__m256i m = _mm256_set1_epi8(-1), v0 = zero;
			for (int k = 0; k < CR_LIT_ANCHOR; k++) {
				__m256i v = _mm256_loadu_si256((const __m256i *)(const void *)(q + k));
				if (k == 0)
					v0 = v;
				__m256i l = _mm256_shuffle_epi8(lo[k], _mm256_and_si256(v, nib));
				__m256i u = _mm256_shuffle_epi8(hi[k], _mm256_and_si256(_mm256_srli_epi16(v, 4), nib));
				m = _mm256_and_si256(m, _mm256_and_si256(l, u));
			}
			unsigned none = (unsigned)_mm256_movemask_epi8(_mm256_cmpeq_epi8(m, zero));
			cw |= (uint64_t)(uint32_t)~none << (32 * h);
			w0 |= (uint64_t)(uint32_t)_mm256_movemask_epi8(_mm256_cmpeq_epi8(v0, c0)) << (32 * h);
			w1 |= (uint64_t)(uint32_t)_mm256_movemask_epi8(_mm256_cmpeq_epi8(v0, c1)) << (32 * h);
		}
		cand[i / 64] = cw;
		m0[i / 64] = w0;
		m1[i / 64] = w1;
	}
	return i;
}
#endif

void cr_lits_scan(const struct cr_lits *t, const uint8_t *p, size_t n, size_t a, size_t b, uint64_t *cand,
		  uint64_t *m0, uint64_t *m1)
{
	if (b > n)
		b = n;
	if (a >= b)
		return;
	size_t w = (b + 63) / 64;
	for (size_t k = a / 64; k < w; k++)
		cand[k] = m0[k] = m1[k] = 0;
	size_t i = a;
#ifdef LITS_AVX2
	if (cr_have_avx2())
		i = scan_avx2(t, p, n, i, b, cand, m0, m1);
#endif
	for (; i < b; i++) {
		uint8_t x1 = i + 1 < n ? p[i + 1] : 0, x2 = i + 2 < n ? p[i + 2] : 0, x3 = i + 3 < n ? p[i + 3] : 0;
		uint64_t bit = 1ull << (i & 63);
		if (t->tab[0][p[i]] & t->tab[1][x1] & t->tab[2][x2] & t->tab[3][x3])
			cand[i / 64] |= bit;
		if (p[i] == t->mark[0])
			m0[i / 64] |= bit;
		if (p[i] == t->mark[1])
			m1[i / 64] |= bit;
	}
}

static int same(const uint8_t *p, const struct cr_lit *l)
{
	/* Most marks are false: the first and last bytes reject them before a call. */
	if (!l->ci)
		return p[0] == (uint8_t)l->s[0] && p[l->len - 1] == (uint8_t)l->s[l->len - 1] &&
		       memcmp(p, l->s, l->len) == 0;
	for (size_t i = 0; i < l->len; i++) {
		unsigned a = p[i], c = (uint8_t)l->s[i];
		if (a != c && !(is_letter(c) && (a ^ 0x20) == c))
			return 0;
	}
	return 1;
}

uint64_t cr_lits_at(const struct cr_lits *t, const uint8_t *p, size_t lo, size_t hi, size_t at)
{
	if (at >= hi)
		return 0;
	uint8_t x1 = at + 1 < hi ? p[at + 1] : 0, x2 = at + 2 < hi ? p[at + 2] : 0, x3 = at + 3 < hi ? p[at + 3] : 0;
	unsigned bk = t->tab[0][p[at]] & t->tab[1][x1] & t->tab[2][x2] & t->tab[3][x3];
	uint64_t found = 0;
	for (; bk; bk &= bk - 1)
		for (uint64_t m = t->bucket[__builtin_ctz(bk)]; m; m &= m - 1) {
			unsigned k = (unsigned)__builtin_ctzll(m);
			const struct cr_lit *l = &t->lit[k];
			if (at < lo + t->anchor[k] || at - t->anchor[k] + l->len > hi)
				continue;
			if (same(p + at - t->anchor[k], l))
				found |= 1ull << k;
		}
	return found;
}
