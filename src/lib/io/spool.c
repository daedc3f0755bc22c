/* spool.c - memory, then an O_TMPFILE file in $TMPDIR (or /tmp), or a memfd inside a broker worker. */
#include "spool.h"
#include "../core/broker.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

void cr_spool_init(struct cr_spool *sp)
{
	memset(sp, 0, sizeof *sp);
	sp->fd = -1;
}

/*
 * The background writer: NBUF buffers of WBUF bytes go round between the
 * decoder, which fills one, and the thread, which writes full ones in
 * order.  At most NBUF * WBUF bytes wait in memory.
 */
#define WBUF (1u << 20)
#define NBUF 4

struct cr_spool_writer {
	pthread_t t;
	bool started;		/* the thread runs */
	pthread_mutex_t mu;
	pthread_cond_t cv;
	uint8_t *buf[NBUF];
	size_t len[NBUF];
	unsigned head, count;	/* the oldest full buffer, how many are full */
	size_t fill;		/* bytes in the buffer being filled: buf[(head + count) % NBUF] */
	bool done, failed;
	int err;
	int fd;
};

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

static void *writer_main(void *arg)
{
	struct cr_spool_writer *w = arg;
	pthread_mutex_lock(&w->mu);
	for (;;) {
		while (!w->count && !w->done)
			pthread_cond_wait(&w->cv, &w->mu);
		if (!w->count)
			break;
		unsigned k = w->head;
		pthread_mutex_unlock(&w->mu);
		int r = w->failed ? 0 : write_all(w->fd, w->buf[k], w->len[k]);
		int e = errno;
		pthread_mutex_lock(&w->mu);
		if (r != 0 && !w->failed) {
			w->failed = true;
			w->err = e;
		}
		w->head = (w->head + 1) % NBUF;
		w->count--;
		pthread_cond_broadcast(&w->cv);
	}
	pthread_mutex_unlock(&w->mu);
	return NULL;
}

void cr_spool_background(struct cr_spool *sp)
{
	/*
	 * Not for a growing spool: it tells readers a byte is there once
	 * written, and a writer thread writes it later.
	 */
	if (sp->wr || sp->grow)
		return;
	struct cr_spool_writer *w = calloc(1, sizeof *w);
	if (!w)
		return;	/* the writes stay on this thread */
	w->fd = -1;
	sp->wr = w;
}

/* Starts the thread once the spool has its file; false: write on this thread. */
static bool writer_start(struct cr_spool_writer *w, int fd)
{
	for (int i = 0; i < NBUF; i++)
		if (!(w->buf[i] = malloc(WBUF)))
			return false;
	w->fd = fd;
	pthread_mutex_init(&w->mu, NULL);
	pthread_cond_init(&w->cv, NULL);
	if (pthread_create(&w->t, NULL, writer_main, w) != 0) {
		pthread_mutex_destroy(&w->mu);
		pthread_cond_destroy(&w->cv);
		return false;
	}
	w->started = true;
	return true;
}

/* Hands the buffer being filled to the thread, waiting for a free one. */
static void writer_push(struct cr_spool_writer *w)
{
	pthread_mutex_lock(&w->mu);
	while (w->count == NBUF - 1)
		pthread_cond_wait(&w->cv, &w->mu);	/* keep one to fill */
	w->len[(w->head + w->count) % NBUF] = w->fill;
	w->count++;
	w->fill = 0;
	pthread_cond_broadcast(&w->cv);
	pthread_mutex_unlock(&w->mu);
}

static int writer_put(struct cr_spool_writer *w, const uint8_t *p, size_t n)
{
	while (n) {
		pthread_mutex_lock(&w->mu);
		bool failed = w->failed;
		int e = w->err;
		unsigned k = (w->head + w->count) % NBUF;
		pthread_mutex_unlock(&w->mu);
		if (failed) {
			errno = e;
			return -1;
		}
		size_t take = WBUF - w->fill < n ? WBUF - w->fill : n;
		memcpy(w->buf[k] + w->fill, p, take);
		w->fill += take;
		p += take;
		n -= take;
		if (w->fill == WBUF)
			writer_push(w);
	}
	return 0;
}

int cr_spool_finish(struct cr_spool *sp)
{
	struct cr_spool_writer *w = sp->wr;
	if (!w)
		return 0;
	int rc = 0;
	if (w->started) {
		if (w->fill)
			writer_push(w);
		pthread_mutex_lock(&w->mu);
		w->done = true;
		pthread_cond_broadcast(&w->cv);
		pthread_mutex_unlock(&w->mu);
		pthread_join(w->t, NULL);
		if (w->failed) {
			errno = w->err;
			rc = -1;
		}
		pthread_mutex_destroy(&w->mu);
		pthread_cond_destroy(&w->cv);
	}
	for (int i = 0; i < NBUF; i++)
		free(w->buf[i]);
	free(w);
	sp->wr = NULL;
	return rc;
}

/* The spool's file: anonymous, in $TMPDIR or /tmp. */
static int open_file(struct cr_spool *sp)
{
	/* In a broker worker no path can be opened: an anonymous memory file. */
	if (cr_in_worker) {
		sp->fd = memfd_create("crible-spool", MFD_CLOEXEC);
	} else {
		const char *dir = getenv("TMPDIR");
		if (!dir || !*dir)
			dir = "/tmp";
		sp->fd = open(dir, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
	}
	return sp->fd < 0 ? -1 : 0;
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
		if (open_file(sp) != 0)
			return -1;
		if (write_all(sp->fd, sp->mem, sp->len) != 0)
			return -1;
		free(sp->mem);
		sp->mem = NULL;
		sp->len = sp->cap = 0;
		if (sp->wr && !writer_start(sp->wr, sp->fd))
			cr_spool_finish(sp);	/* no thread: the writes stay here */
	}
	if (sp->wr ? writer_put(sp->wr, p, n) != 0 : write_all(sp->fd, p, n) != 0)
		return -1;
	sp->size += n;
	if (sp->grow)
		cr_grow_publish(sp->grow, sp->size);
	return 0;
}

int cr_spool_grow(struct cr_spool *sp, struct cr_grow *g)
{
	/* A byte published must be in the file: no writer thread behind the readers' backs. */
	if (sp->wr || (sp->fd < 0 && open_file(sp) != 0))
		return -1;
	sp->grow = g;
	return 0;
}

void cr_spool_src_growing(const struct cr_spool *sp, struct cr_src *src)
{
	memset(src, 0, sizeof *src);
	src->size = UINT64_MAX;
	src->fd = sp->fd;
	src->grow = sp->grow;
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
	cr_spool_finish(sp);
	free(sp->mem);
	if (sp->fd >= 0)
		close(sp->fd);
	cr_spool_init(sp);
}
