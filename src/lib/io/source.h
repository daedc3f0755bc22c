/*
 * source.h - where an object's bytes come from: memory or a seekable
 * descriptor, with the object's size known up front; or a descriptor
 * still being written (a stream decoded on another core), whose reads
 * wait for the bytes they ask for.
 */
#ifndef CR_SOURCE_H
#define CR_SOURCE_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

/*
 * A descriptor that another thread is still writing: bytes [0, avail)
 * are in it; once `done`, avail is all there will be.  A source reading
 * it (cr_src.grow) has the size UINT64_MAX until then, and each read
 * waits for its bytes or the end; cr_view_has() and cr_view_size() are
 * how a walker asks where the end is.
 */
struct cr_grow {
	pthread_mutex_t mu;
	pthread_cond_t cv;
	atomic_uint_fast64_t avail;
	atomic_bool done;
	/* Run while a read waits (another core's work queued by the reader), true when it ran some; or NULL. */
	bool (*help)(void);
	/* Every byte published is added here too (a reader's expansion budget, core/pipeline.c), or NULL. */
	atomic_uint_fast64_t *flight;
};

void cr_grow_init(struct cr_grow *g);
void cr_grow_destroy(struct cr_grow *g);
/* The writer: bytes [0, avail) are in the descriptor now. */
void cr_grow_publish(struct cr_grow *g, uint64_t avail);
/* The writer: no more will come. */
void cr_grow_end(struct cr_grow *g);
/* Waits until the object holds `end` bytes or has ended; true when it holds them. */
bool cr_grow_wait(struct cr_grow *g, uint64_t end);
/* Waits for the end; the object's size. */
uint64_t cr_grow_size(struct cr_grow *g);

struct cr_src {
	uint64_t size;		/* bytes in the object (UINT64_MAX while a growing object has not ended) */
	const uint8_t *mem;	/* the whole object, or NULL */
	int fd;			/* used when mem is NULL */
	uint64_t base;		/* the object's first byte within fd */
	struct cr_grow *grow;	/* the descriptor is still being written, or NULL */
};

/*
 * Reads up to n bytes at off into buf.  Returns the count read, short only
 * at the object's end, or -1 on an I/O error (errno set).  Never reads past
 * the object's size, whatever the descriptor holds.  A growing source's
 * read waits for its bytes, or for the end and is short.
 */
ssize_t cr_src_read(const struct cr_src *s, uint64_t off, void *buf, size_t n);

/* A source over src[off, off+len), zero copy; false when the range does not fit. */
bool cr_src_slice(const struct cr_src *src, uint64_t off, uint64_t len, struct cr_src *out);

#endif
