/*
 * samples.h - test files made by code: one builder per format, each with
 * a near-miss twin that breaks the one field the identifier must check.
 *
 * The same table feeds the unit tests (identify the bytes in memory) and
 * the generator (crible-gen DIR writes every scenario as a file for the
 * integration tests and the README's demo).
 */
#ifndef CRIBLE_SAMPLES_H
#define CRIBLE_SAMPLES_H

#include <stddef.h>
#include <stdint.h>

struct sbuf {
	uint8_t *p;
	size_t len, cap;
};

void sb_free(struct sbuf *b);
void sb_put(struct sbuf *b, const void *p, size_t n);
void sb_str(struct sbuf *b, const char *s);
void sb_u8(struct sbuf *b, uint8_t v);
void sb_u16le(struct sbuf *b, uint16_t v);
void sb_u32le(struct sbuf *b, uint32_t v);
void sb_u16be(struct sbuf *b, uint16_t v);
void sb_u32be(struct sbuf *b, uint32_t v);
void sb_u64le(struct sbuf *b, uint64_t v);
void sb_zero(struct sbuf *b, size_t n);
void sb_pad(struct sbuf *b, size_t to);	/* zero-fill up to length `to` */
uint32_t sb_crc32(const uint8_t *p, size_t n);

/* A signature: a positive builder and a near miss that must not be named `type`. */
struct sig {
	const char *type;	/* expected type name (crible_result_type_name) */
	void (*good)(struct sbuf *);
	void (*near)(struct sbuf *);
};

extern const struct sig sigs[];
extern const size_t nsigs;

/*
 * A scenario: a file written under `file` (its name is the claim), the
 * options to scan it with, and the exact outcome expected.
 */
struct scenario {
	const char *file;
	void (*build)(struct sbuf *);
	const char *args;	/* extra crible scan options, or "" */
	const char *type;	/* expected type name */
	const char *findings;	/* expected finding ids, space-separated, exact set */
	const char *verdict;	/* "allow", "warn" or "block" */
	const char *why;	/* what the case is about */
};

extern const struct scenario scenarios[];
extern const size_t nscenarios;

#endif
