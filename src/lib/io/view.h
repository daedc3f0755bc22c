/*
 * view.h - an object as identification and the walkers see it first: its
 * size, a head window and a tail window already in memory, and the
 * source for the few bounded reads beyond them.
 */
#ifndef CR_VIEW_H
#define CR_VIEW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "source.h"

/* 64 KiB covers ISO at 0x8001..0x9001; the tail covers a ZIP EOCD with a full comment. */
#define CR_HEAD_WIN (64u * 1024u)
#define CR_TAIL_WIN (64u * 1024u + 1024u)

struct cr_view {
	const struct cr_src *src;	/* for the few bounded reads past the windows, or NULL */
	uint64_t size;
	const uint8_t *head;		/* bytes [0, headlen) */
	size_t headlen;
	const uint8_t *tail;		/* bytes [size - taillen, size) */
	size_t taillen;
};

/*
 * Copies n bytes at off into buf from the windows when they hold them,
 * else through the source.  Returns false when the bytes do not exist or
 * cannot be read: callers then treat the structure as not matching.
 */
bool cr_view_read(const struct cr_view *v, uint64_t off, void *buf, size_t n);

/*
 * Whether the object holds bytes [off, off+len): against its size, or,
 * for an object still being written (src->grow, size UINT64_MAX), once
 * they are written or the object has ended.  A walker asks this, never
 * v->size, wherever its reading may run on a growing object.
 */
bool cr_view_has(const struct cr_view *v, uint64_t off, uint64_t len);
/* The object's size; for a growing one, waits for its end. */
uint64_t cr_view_size(const struct cr_view *v);

#endif
