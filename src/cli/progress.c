/*
 * progress.c - the line `crible scan` keeps on a terminal's stderr while
 * it works.
 *
 *   1520 files, 3.4 GiB, 812.0 MiB/s  photos/2024/IMG_0412.HEIC
 *
 * Files judged, and bytes: those of the files judged plus what the scans
 * under way have read so far (crible_job_set_progress, every MiB of an
 * input's pass), so a 50 GB disk image moves the line while it is hashed.
 *
 * Shown only when stderr is a terminal, and only once the scan has run for
 * half a second: a quick scan prints nothing extra.  The current path is
 * escaped by the library (crible_text_escape) like every name crible
 * prints, and cut from the left to fit the terminal's width.  Drawing and
 * wiping happen under the caller's print lock, so a report line never
 * lands in the middle of the progress line.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"

struct progress {
	struct timespec start;
	pthread_mutex_t mu;	/* guards cur */
	char cur[1024];
	int shown;
};

static double since(const struct timespec *a)
{
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	return (double)(now.tv_sec - a->tv_sec) + (double)(now.tv_nsec - a->tv_nsec) / 1e9;
}

struct progress *progress_new(void)
{
	if (!isatty(STDERR_FILENO))
		return NULL;
	struct progress *p = calloc(1, sizeof *p);
	if (!p)
		return NULL;
	clock_gettime(CLOCK_MONOTONIC, &p->start);
	pthread_mutex_init(&p->mu, NULL);
	return p;
}

void progress_free(struct progress *p)
{
	if (!p)
		return;
	pthread_mutex_destroy(&p->mu);
	free(p);
}

void progress_current(struct progress *p, const char *display)
{
	if (!p)
		return;
	pthread_mutex_lock(&p->mu);
	snprintf(p->cur, sizeof p->cur, "%s", display ? display : "-");
	pthread_mutex_unlock(&p->mu);
}

/* Display columns of valid UTF-8: one per code point (escaped names hold no controls). */
static size_t columns(const char *s)
{
	size_t c = 0;
	for (; *s; s++)
		c += ((unsigned char)*s & 0xc0) != 0x80;
	return c;
}

void progress_draw(struct progress *p, uint64_t files, uint64_t bytes)
{
	if (!p)
		return;
	double t = since(&p->start);
	if (t < 0.5)
		return;
	char cur[sizeof p->cur];
	pthread_mutex_lock(&p->mu);
	memcpy(cur, p->cur, sizeof cur);
	pthread_mutex_unlock(&p->mu);
	char done[32], rate[32], head[128];
	crible_size_text(bytes, done, sizeof done);
	crible_size_text((uint64_t)((double)bytes / t), rate, sizeof rate);
	int hl = snprintf(head, sizeof head, "%llu files, %s, %s/s  ", (unsigned long long)files, done, rate);
	struct winsize ws;
	size_t width = ioctl(STDERR_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0 ? ws.ws_col : 80;
	char *esc = NULL;
	crible_text_escape(cur, strlen(cur), &esc);
	const char *tail = esc ? esc : "";
	/* One column short of the width: a full line would wrap on some terminals. */
	size_t room = width > (size_t)hl + 1 ? width - (size_t)hl - 1 : 0;
	const char *dots = "";
	if (columns(tail) > room) {
		size_t skip = columns(tail) - (room > 3 ? room - 3 : 0);
		while (skip && *tail) {
			tail++;
			while (((unsigned char)*tail & 0xc0) == 0x80)
				tail++;
			skip--;
		}
		dots = room > 3 ? "..." : "";
		if (room <= 3)
			tail = "";
	}
	if ((size_t)hl + 1 > width)
		head[width > 1 ? width - 1 : 0] = '\0';
	fprintf(stderr, "\r\033[K%s%s%s", head, dots, tail);
	fflush(stderr);
	free(esc);
	p->shown = 1;
}

void progress_wipe(struct progress *p)
{
	if (!p || !p->shown)
		return;
	fputs("\r\033[K", stderr);
	fflush(stderr);
	p->shown = 0;
}
