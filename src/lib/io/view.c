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
