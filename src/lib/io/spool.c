/* spool.c - memory, then an O_TMPFILE file in $TMPDIR (or /tmp), or a memfd inside a broker worker. */
#include "spool.h"
#include "../core/broker.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

void cr_spool_init(struct cr_spool *sp)
{
	memset(sp, 0, sizeof *sp);
	sp->fd = -1;
}

static int write_all(int fd, const uint8_t *p, size_t n)
{
	while (n) {
		ssize_t w = write(fd, p, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return -1;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

int cr_spool_write(struct cr_spool *sp, const void *p, size_t n)
{
	if (n == 0)
		return 0;
	if (sp->fd < 0 && sp->len + n <= CR_SPOOL_MEM) {
		if (sp->len + n > sp->cap) {
			size_t cap = sp->cap ? sp->cap : 64 * 1024;
			while (cap < sp->len + n)
				cap *= 2;
			uint8_t *m = realloc(sp->mem, cap);
			if (!m) {
				errno = ENOMEM;
				return -1;
			}
			sp->mem = m;
			sp->cap = cap;
		}
		memcpy(sp->mem + sp->len, p, n);
		sp->len += n;
		sp->size += n;
		return 0;
	}
	if (sp->fd < 0) {
		/* In a broker worker no path can be opened: an anonymous memory file. */
		if (cr_in_worker) {
			sp->fd = memfd_create("crible-spool", MFD_CLOEXEC);
		} else {
			const char *dir = getenv("TMPDIR");
			if (!dir || !*dir)
				dir = "/tmp";
			sp->fd = open(dir, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
		}
		if (sp->fd < 0)
			return -1;
		if (write_all(sp->fd, sp->mem, sp->len) != 0)
			return -1;
		free(sp->mem);
		sp->mem = NULL;
		sp->len = sp->cap = 0;
	}
	if (write_all(sp->fd, p, n) != 0)
		return -1;
	sp->size += n;
	return 0;
}

void cr_spool_src(const struct cr_spool *sp, struct cr_src *src)
{
	static const uint8_t empty[1];
	memset(src, 0, sizeof *src);
	src->size = sp->size;
	if (sp->fd >= 0) {
		src->fd = sp->fd;
	} else {
		src->mem = sp->mem ? sp->mem : empty;
		src->fd = -1;
	}
}

void cr_spool_free(struct cr_spool *sp)
{
	free(sp->mem);
	if (sp->fd >= 0)
		close(sp->fd);
	cr_spool_init(sp);
}
