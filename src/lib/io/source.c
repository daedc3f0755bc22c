/* source.c - bounded reads from a memory or descriptor source. */
#include "source.h"

#include <errno.h>
#include <limits.h>
#include <string.h>
#include <unistd.h>

ssize_t cr_src_read(const struct cr_src *s, uint64_t off, void *buf, size_t n)
{
	if (off >= s->size)
		return 0;
	if (n > s->size - off)
		n = (size_t)(s->size - off);
	if (n > SSIZE_MAX)
		n = SSIZE_MAX;
	if (s->mem) {
		memcpy(buf, s->mem + off, n);
		return (ssize_t)n;
	}
	size_t got = 0;
	while (got < n) {
		if (s->base > UINT64_MAX - off - got || s->base + off + got > (uint64_t)INT64_MAX) {
			errno = EOVERFLOW;
			return -1;
		}
		ssize_t r = pread(s->fd, (uint8_t *)buf + got, n - got, (off_t)(s->base + off + got));
		if (r < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		if (r == 0)
			break;	/* the file shrank under us: a short read */
		got += (size_t)r;
	}
	return (ssize_t)got;
}

bool cr_src_slice(const struct cr_src *src, uint64_t off, uint64_t len, struct cr_src *out)
{
	if (off > src->size || len > src->size - off)
		return false;
	*out = *src;
	out->size = len;
	if (src->mem)
		out->mem = src->mem + off;
	out->base = src->base + off;
	return true;
}
