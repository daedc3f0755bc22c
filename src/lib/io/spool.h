/*
 * spool.h - where a decompressed object goes: memory up to a threshold,
 * then an unlinked temporary file, so a 10 GB stream never needs 10 GB
 * of memory.  The total is bounded by the expansion limit, not here.
 */
#ifndef CR_SPOOL_H
#define CR_SPOOL_H

#include <stddef.h>
#include <stdint.h>

#include "source.h"

#define CR_SPOOL_MEM (8u << 20)

struct cr_spool_writer;

struct cr_spool {
	uint8_t *mem;
	size_t len, cap;
	int fd;		/* -1 until the spool moves to a file */
	uint64_t size;	/* bytes written in all */
	struct cr_spool_writer *wr;	/* the file's writes on another thread, or NULL */
	struct cr_grow *grow;	/* told of every byte written (a reader walks it meanwhile), or NULL */
};

void cr_spool_init(struct cr_spool *sp);
/* 0, or -1 with errno (ENOMEM, or the temporary file's error). */
int cr_spool_write(struct cr_spool *sp, const void *p, size_t n);
/*
 * From the move to a file on, writes go through a thread of their own,
 * so that a large decode does not wait for the file system's copies
 * (cr_decode asks for it on large streams).  cr_spool_finish waits for
 * them: 0, or -1 when one failed.  Call it before cr_spool_src.  A
 * growing spool (cr_spool_grow) keeps its writes on the writer's thread,
 * and cr_spool_grow refuses a spool that has a writer thread: a byte
 * its readers are told of is in the file.
 */
void cr_spool_background(struct cr_spool *sp);
int cr_spool_finish(struct cr_spool *sp);
/*
 * Writes go to the file from the first byte, and g is told of each (the
 * reader of cr_spool_src_growing waits on it).  The writer calls
 * cr_grow_end(g) when done.  Returns 0, or -1 with errno.
 */
int cr_spool_grow(struct cr_spool *sp, struct cr_grow *g);
/* A source over what is being written: size UINT64_MAX, reads wait (source.h). */
void cr_spool_src_growing(const struct cr_spool *sp, struct cr_src *src);
/* A source over what was written; valid until cr_spool_free. */
void cr_spool_src(const struct cr_spool *sp, struct cr_src *src);
void cr_spool_free(struct cr_spool *sp);

#endif
