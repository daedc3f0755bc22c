/* view.c - reads through the windows, then the source. */
#include "view.h"

#include <string.h>

bool cr_view_read(const struct cr_view *v, uint64_t off, void *buf, size_t n)
{
	if (off > v->size || n > v->size - off)
		return false;
	if (off + n <= v->headlen) {
		memcpy(buf, v->head + off, n);
		return true;
	}
	uint64_t t0 = v->size - v->taillen;
	if (off >= t0) {
		memcpy(buf, v->tail + (off - t0), n);
		return true;
	}
	if (!v->src)
		return false;
	return cr_src_read(v->src, off, buf, n) == (ssize_t)n;
}

bool cr_view_has(const struct cr_view *v, uint64_t off, uint64_t len)
{
	if (off > UINT64_MAX - len)
		return false;
	if (v->src && v->src->grow && v->size == UINT64_MAX)
		return v->src->base <= UINT64_MAX - (off + len) && cr_grow_wait(v->src->grow, v->src->base + off + len);
	return off + len <= v->size;
}

uint64_t cr_view_size(const struct cr_view *v)
{
	if (v->src && v->src->grow && v->size == UINT64_MAX) {
		uint64_t n = cr_grow_size(v->src->grow);
		return n > v->src->base ? n - v->src->base : 0;
	}
	return v->size;
}
