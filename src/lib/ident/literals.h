/*
 * ident/literals.h - many short literals found in one pass over a window.
 *
 * A set of up to 64 literals (2 to 255 bytes, each exact or ASCII
 * case-insensitive) is compiled once into nibble masks: every literal
 * has an anchor, four of its bytes (all of a shorter literal), and
 * sits in one of eight buckets.  One pass over the window marks each
 * position where some bucket's anchor may start (the low and the high
 * nibble of each anchor byte are looked up apart, 32 positions to a
 * register where the CPU has AVX2); the caller then asks which literals
 * really occur at a marked position inside a range.  The masks admit
 * more than the literals, never less: a mark can be false, a literal is
 * never missed.  The same pass marks the positions of up to two chosen
 * bytes (line ends, say).
 *
 * The technique is Hyperscan's "Teddy" matcher; this is our own code.
 */
#ifndef CR_IDENT_LITERALS_H
#define CR_IDENT_LITERALS_H

#include <stddef.h>
#include <stdint.h>

#define CR_LIT_MAX 64
#define CR_LIT_ANCHOR 4	/* anchor bytes */

struct cr_lit {
	const char *s;
	uint8_t len;	/* 2 or more */
	uint8_t ci;	/* ASCII letters match in either case */
};

struct cr_lits {
	uint8_t lo[CR_LIT_ANCHOR][16], hi[CR_LIT_ANCHOR][16];	/* buckets admitting a nibble at anchor byte k */
	uint8_t tab[CR_LIT_ANCHOR][256];			/* lo & hi for each whole byte: the scalar pass */
	uint64_t bucket[8];		/* the literals in each bucket */
	uint8_t anchor[CR_LIT_MAX];	/* where each literal's anchor starts in it */
	uint8_t mark[2];		/* the bytes marked besides */
	const struct cr_lit *lit;
	unsigned n;
};

/* Compiles lit[0..n) (n <= CR_LIT_MAX, kept by reference) with the two bytes to mark. */
void cr_lits_build(struct cr_lits *t, const struct cr_lit *lit, unsigned n, uint8_t mark0, uint8_t mark1);

/*
 * Positions [a, b) of p[0..n) (a a multiple of 64, b one too or n): sets
 * bit i of cand where an anchor may start at i, of m0 and m1 where p[i]
 * is mark0 and mark1.  The words for [a, b) are written whole: bits past
 * n are zero.
 */
void cr_lits_scan(const struct cr_lits *t, const uint8_t *p, size_t n, size_t a, size_t b, uint64_t *cand,
		  uint64_t *m0, uint64_t *m1);

/* The literals (bit k for lit[k]) that lie in p[lo..hi) with their anchor at `at`. */
uint64_t cr_lits_at(const struct cr_lits *t, const uint8_t *p, size_t lo, size_t hi, size_t at);

#endif
