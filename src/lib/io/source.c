/* source.c - bounded reads from a memory or descriptor source. */
#include "source.h"

#include <errno.h>
#include <limits.h>
#include <string.h>
#include <unistd.h>

void cr_grow_init(struct cr_grow *g)
{
	pthread_mutex_init(&g->mu, NULL);
	pthread_cond_init(&g->cv, NULL);
	atomic_init(&g->avail, 0);
	atomic_init(&g->done, false);
	g->help = NULL;
	g->flight = NULL;
}

void cr_grow_destroy(struct cr_grow *g)
{
	pthread_mutex_destroy(&g->mu);
	pthread_cond_destroy(&g->cv);
}

void cr_grow_publish(struct cr_grow *g, uint64_t avail)
{
	pthread_mutex_lock(&g->mu);
	uint64_t was = atomic_load(&g->avail);
	if (avail > was) {
		if (g->flight)
			atomic_fetch_add(g->flight, avail - was);
		atomic_store_explicit(&g->avail, avail, memory_order_release);
		pthread_cond_broadcast(&g->cv);
	}
	pthread_mutex_unlock(&g->mu);
}

void cr_grow_end(struct cr_grow *g)
{
	pthread_mutex_lock(&g->mu);
	atomic_store_explicit(&g->done, true, memory_order_release);
	pthread_cond_broadcast(&g->cv);
	pthread_mutex_unlock(&g->mu);
}

bool cr_grow_wait(struct cr_grow *g, uint64_t end)
{
	if (atomic_load_explicit(&g->avail, memory_order_acquire) >= end)
		return true;
	pthread_mutex_lock(&g->mu);
	while (atomic_load(&g->avail) < end && !atomic_load(&g->done)) {
		if (g->help) {
			/* Work of the reader's own, queued for the core that writes: done here meanwhile. */
			pthread_mutex_unlock(&g->mu);
			bool ran = g->help();
			pthread_mutex_lock(&g->mu);
			if (ran)
				continue;
		}
		pthread_cond_wait(&g->cv, &g->mu);
	}
	bool ok = atomic_load(&g->avail) >= end;
	pthread_mutex_unlock(&g->mu);
	return ok;
}

uint64_t cr_grow_size(struct cr_grow *g)
{
	cr_grow_wait(g, UINT64_MAX);
	return atomic_load_explicit(&g->avail, memory_order_acquire);
}

ssize_t cr_src_read(const struct cr_src *s, uint64_t off, void *buf, size_t n)
{
	if (off >= s->size)
		return 0;
	if (n > s->size - off)
		n = (size_t)(s->size - off);
	if (s->grow && n) {
		/* The bytes in the descriptor's terms: wait for them, or read what the object ended with. */
		uint64_t at = s->base + off, end = at + n < at ? UINT64_MAX : at + n;
		if (!cr_grow_wait(s->grow, end)) {
			uint64_t have = cr_grow_size(s->grow);
			if (have <= at)
				return 0;
			n = (size_t)(have - at);
		}
	}
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
