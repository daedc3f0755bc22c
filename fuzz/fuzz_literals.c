/*
 * fuzz_literals - the one-pass literal matcher (ident/literals.c) against
 * a naive search of every literal at every position.  Aborts on any
 * difference: a literal missed, one reported where it is not, a marked
 * byte wrong, or a scan in 64-byte chunks that differs from one pass.
 *
 * Input: a count byte (1 to 16 literals), then per literal a byte (low
 * four bits: length - 2; bit 7: case-insensitive) and its bytes (NUL
 * becomes 'a'), then the haystack.  The replay test runs it with the
 * AVX2 loop and without (CRIBLE_SCAN_BASELINE).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../src/lib/ident/literals.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int occurs(const uint8_t *p, const struct cr_lit *l)
{
	for (size_t i = 0; i < l->len; i++) {
		unsigned a = p[i], c = (uint8_t)l->s[i];
		if (a == c)
			continue;
		if (!l->ci || (a | 0x20) != (c | 0x20) || (c | 0x20) < 'a' || (c | 0x20) > 'z')
			return 0;
	}
	return 1;
}

static void fail(const char *what, size_t at, unsigned k)
{
	fprintf(stderr, "fuzz_literals: %s at %zu (literal %u)\n", what, at, k);
	abort();
}

/* Every literal in p[lo..hi) reported exactly once, nothing else. */
static void check_range(const struct cr_lits *t, const uint8_t *p, size_t lo, size_t hi, const uint64_t *cand)
{
	for (size_t at = lo; at < hi; at++) {
		int marked = (cand[at / 64] >> (at & 63)) & 1;
		uint64_t got = marked ? cr_lits_at(t, p, lo, hi, at) : 0;
		for (unsigned k = 0; k < t->n; k++) {
			const struct cr_lit *l = &t->lit[k];
			size_t a = t->anchor[k];
			int want = at >= lo + a && at - a + l->len <= hi && occurs(p + at - a, l);
			if (want && !marked)
				fail("literal not marked", at, k);
			if (want != (int)((got >> k) & 1))
				fail(want ? "literal missed" : "literal reported where it is not", at, k);
		}
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	unsigned n = data[0] % 16 + 1;
	size_t i = 1;
	static char text[16][18];
	struct cr_lit lit[16];
	for (unsigned k = 0; k < n; k++) {
		if (i >= size)
			return 0;
		unsigned len = (data[i] & 15) + 2;
		uint8_t ci = data[i] >> 7;
		i++;
		if (size - i < len)
			return 0;
		for (unsigned j = 0; j < len; j++)
			text[k][j] = data[i + j] ? (char)data[i + j] : 'a';
		text[k][len] = '\0';
		lit[k] = (struct cr_lit){text[k], (uint8_t)len, ci};
		i += len;
	}
	const uint8_t *p = data + i;
	size_t hn = size - i;
	struct cr_lits t;
	cr_lits_build(&t, lit, n, '\n', '-');
	size_t words = (hn + 63) / 64 + 1;
	uint64_t *cand = calloc(words, 8), *m0 = calloc(words, 8), *m1 = calloc(words, 8);
	uint64_t *c2 = calloc(words, 8), *n2 = calloc(words, 8), *d2 = calloc(words, 8);
	if (!cand || !m0 || !m1 || !c2 || !n2 || !d2)
		abort();
	cr_lits_scan(&t, p, hn, 0, hn, cand, m0, m1);
	/* In chunks of 64, 128, 192 ... bytes, as text.c marks a head: the same bits. */
	for (size_t a = 0, step = 64; a < hn; a += step, step = step % 256 + 64)
		cr_lits_scan(&t, p, hn, a, a + step, c2, n2, d2);
	for (size_t w = 0; w < (hn + 63) / 64; w++) {
		if (cand[w] != c2[w] || m0[w] != n2[w] || m1[w] != d2[w])
			fail("a chunked scan differs", w * 64, 0);
		for (size_t b = 0; b < 64; b++) {
			size_t at = w * 64 + b;
			int in = at < hn;
			if (((m0[w] >> b) & 1) != (in && p[at] == '\n') || ((m1[w] >> b) & 1) != (in && p[at] == '-'))
				fail("a marked byte", at, 0);
			if (!in && ((cand[w] >> b) & 1))
				fail("a mark past the end", at, 0);
		}
	}
	check_range(&t, p, 0, hn, cand);
	if (hn > 2)
		check_range(&t, p, hn / 3, hn - hn / 3, cand);
	free(cand), free(m0), free(m1), free(c2), free(n2), free(d2);
	return 0;
}
