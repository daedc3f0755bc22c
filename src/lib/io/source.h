/*
 * source.h - where an object's bytes come from: memory or a seekable
 * descriptor, with the object's size known up front.
 */
#ifndef CR_SOURCE_H
#define CR_SOURCE_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

struct cr_src {
	uint64_t size;		/* bytes in the object */
	const uint8_t *mem;	/* the whole object, or NULL */
	int fd;			/* used when mem is NULL */
	uint64_t base;		/* the object's first byte within fd */
};

/*
 * Reads up to n bytes at off into buf.  Returns the count read, short only
 * at the object's end, or -1 on an I/O error (errno set).  Never reads past
 * the object's size, whatever the descriptor holds.
 */
ssize_t cr_src_read(const struct cr_src *s, uint64_t off, void *buf, size_t n);

/* A source over src[off, off+len), zero copy; false when the range does not fit. */
bool cr_src_slice(const struct cr_src *src, uint64_t off, uint64_t len, struct cr_src *out);

#endif
