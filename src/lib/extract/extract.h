/*
 * extract.h - the two halves of an extraction, and what passes between
 * them.
 *
 * The reading half walks and judges the archive (the whole engine) and
 * picks the entries an extraction writes (cr_xsel_take); it runs in a
 * broker worker, sandboxed, holding no writable descriptor
 * (confined.c), or in process when no libarchive reader is allowed.
 * The writing half (extract.c) holds the
 * destination and gets each picked entry as a struct cr_xin, its data
 * either readable at once (in process) or as chunks that follow.
 */
#ifndef CR_EXTRACT_H
#define CR_EXTRACT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../core/scan.h"

/* Which entries are written: those of the top-level object, or of the archive a compressed stream holds. */
struct cr_xsel {
	bool pass[CR_MAX_DEPTH_HARD + 2];	/* the entry at this depth is a compressed stream read through */
};

/* Whether se is an entry the extraction writes (updates the selection's state; call it for every entry). */
bool cr_xsel_take(struct cr_xsel *sel, const struct cr_sink_entry *se);

/* One entry as the writer gets it. */
struct cr_xin {
	const char *const *where;	/* the chain down to the entry (its label last) */
	size_t nwhere;
	const uint8_t *name;
	size_t namelen;
	enum cr_ekind kind;
	uint32_t flags;		/* CR_E_* */
	bool has_mode;
	uint32_t mode;
	const uint8_t *link;
	size_t linklen;
	int verdict;		/* of the whole object so far */
	bool has_data;
	uint64_t size;
	const struct cr_src *data;	/* the bytes (in process), or NULL: cr_xw_data chunks follow, then cr_xw_end */
};

struct cr_xw;	/* the writing half (extract.c) */

void cr_xw_entry(struct cr_xw *w, const struct cr_xin *in);
/* Data of the entry last given with data == NULL; false when the writer gave up on it (it still wants cr_xw_end). */
bool cr_xw_data(struct cr_xw *w, const uint8_t *p, size_t n);
/* The end of that entry's data; ok false when the reader could not read all of it. */
void cr_xw_end(struct cr_xw *w, bool ok);
/* Refuses the whole extraction (default) for a reason the reading half gives. */
void cr_xw_refuse(struct cr_xw *w, const char *why);
/* The writer failed badly enough (memory) that the walk should stop. */
bool cr_xw_broken(const struct cr_xw *w);

/*
 * Runs the reading half in a broker worker and feeds the writer; on
 * CRIBLE_OK *out holds the result the worker judged.  *why says why when
 * no worker could be had or it died (an error: nothing is written).
 */
crible_err cr_confined_run(const crible_ctx *cfg, const struct cr_src *src, const char *name, const char *declared,
			   const atomic_int *cancel, struct cr_xw *w, crible_result **out, char *why, size_t whylen);

/*
 * The same from messages already received, each after a little-endian
 * u32 length: what the fuzzer feeds (fuzz/fuzz_confined.c).  src is the
 * archive stored entries are read from.
 */
crible_err cr_confined_feed(const struct cr_src *src, struct cr_xw *w, const uint8_t *msgs, size_t len,
			    crible_result **out);

/* The fuzzer's reading half in place of the worker (NULL: the worker, or in process). */
typedef crible_err (*cr_xreader_fn)(void *arg, const struct cr_src *src, struct cr_xw *w, crible_result **out);
extern cr_xreader_fn cr_extract_reader;
extern void *cr_extract_reader_arg;

#endif
