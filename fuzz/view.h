/*
 * view.h - for fuzz targets that drive one identification routine
 * directly: the input behind a fixed prefix (the signature that routes
 * to the routine), laid out as the scan would lay out its windows.
 */
#ifndef CRIBLE_FUZZ_VIEW_H
#define CRIBLE_FUZZ_VIEW_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../src/lib/ident/ident.h"

struct fuzz_view {
	uint8_t *buf;
	struct cr_src src;
	struct cr_view v;
};

/* Returns 0 and fills fv, or -1 on ENOMEM.  Free fv->buf. */
static inline int fuzz_view(struct fuzz_view *fv, const void *prefix, size_t plen, const uint8_t *data,
			    size_t size)
{
	fv->buf = malloc(plen + size + 1);
	if (!fv->buf)
		return -1;
	memcpy(fv->buf, prefix, plen);
	memcpy(fv->buf + plen, data, size);
	uint64_t n = plen + size;
	fv->src = (struct cr_src){.size = n, .mem = fv->buf, .fd = -1};
	size_t hl = n < CR_HEAD_WIN ? (size_t)n : CR_HEAD_WIN;
	size_t tl = n < CR_TAIL_WIN ? (size_t)n : CR_TAIL_WIN;
	fv->v = (struct cr_view){&fv->src, n, fv->buf, hl, fv->buf + n - tl, tl};
	return 0;
}

#endif
