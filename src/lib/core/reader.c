/*
 * reader.c - running a reader we do not own (libarchive) in a worker of
 * the broker, and turning what it sends into the consumer's events.
 *
 * The limits stay here, in the scanning process: every byte of entry
 * data is charged by the consumer as it arrives, and when a limit stops
 * the consumer, the job socket is closed and the broker kills the
 * worker.  A worker that dies, is killed by its sandbox or overruns the
 * deadline costs this container: what it had sent was judged, and the
 * rest is reported container.uninspected or limit.time, never clean.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "../formats/libarch.h"
#include "broker.h"
#include "scan.h"

/* What a reader worker may add to its address space: libarchive's worst honest case (7z, xz) fits. */
#define READER_MEM_CAP (384ull << 20)

uint32_t cr_broker_fault;	/* tests: the fault the next reader worker commits (wire.h) */

static bool stop_cb(void *arg) { return cr_stopped(arg); }

static uint64_t now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* A descriptor holding src: its own, or a sealed memfd copy of a memory source. */
int cr_job_data_fd(const struct cr_src *src, uint64_t *base, int *own)
{
	*own = -1;
	if (src->fd >= 0) {
		*base = src->base;
		return src->fd;
	}
	int fd = memfd_create("crible-data", MFD_CLOEXEC | MFD_ALLOW_SEALING);
	if (fd < 0)
		return -1;
	for (uint64_t off = 0; off < src->size;) {
		ssize_t w = write(fd, src->mem + off, src->size - off);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			close(fd);
			return -1;
		}
		off += (uint64_t)w;
	}
	fcntl(fd, F_ADD_SEALS, F_SEAL_WRITE | F_SEAL_GROW | F_SEAL_SHRINK | F_SEAL_SEAL);
	*base = 0;
	*own = fd;
	return fd;
}

/* A compromised worker writes what it likes: every message is checked before it becomes an event. */
bool cr_reader_dispatch(const uint8_t *buf, size_t len, const struct cr_la_events *ev, void *arg, bool *in_entry,
			bool *proto)
{
	if (len == 0) {
		*proto = true;
		return false;
	}
	struct cr_rmsg m = {buf + 1, len - 1};
	switch (buf[0]) {
	case 'E': {
		uint8_t kind, fl;
		uint32_t mode;
		uint64_t size;
		struct cr_la_hdr h;
		if (!cr_rmsg_u8(&m, &kind) || !cr_rmsg_u8(&m, &fl) || !cr_rmsg_u32(&m, &mode) || !cr_rmsg_u64(&m, &size) ||
		    !cr_rmsg_bytes(&m, &h.name, &h.namelen) || !cr_rmsg_bytes(&m, &h.link, &h.linklen) || kind > E_STREAM)
			break;
		h.kind = (enum cr_ekind)kind;
		h.utf8 = fl & 1;
		h.encrypted = fl & 2;
		h.has_mode = fl & 4;
		h.mode = mode;
		h.size = size;
		if (!h.linklen)
			h.link = NULL;
		if (*in_entry && !ev->end(arg, false, "the reader skipped the end of this entry"))
			return false;
		*in_entry = true;
		if (fl & 8) {
			/* A name too long to cross whole: judged by its start, and the container is not clean. */
			if (!ev->fault(arg, F_CONTAINER_UNINSPECTED, "an entry name too long for the reader to report whole"))
				return false;
		}
		return ev->entry(arg, &h);
	}
	case 'D':
		if (!*in_entry)
			break;
		return ev->data(arg, buf + 1, len - 1);
	case 'Z': {
		uint8_t ok;
		const uint8_t *why;
		size_t wl;
		char w[1025];
		if (!*in_entry || !cr_rmsg_u8(&m, &ok) || !cr_rmsg_bytes(&m, &why, &wl))
			break;
		wl = wl < 1024 ? wl : 1024;
		memcpy(w, why, wl);
		w[wl] = '\0';
		*in_entry = false;
		return ev->end(arg, ok != 0, wl ? w : NULL);
	}
	case 'F': {
		uint8_t fid;
		const uint8_t *d;
		size_t dl;
		char w[1025];
		if (!cr_rmsg_u8(&m, &fid) || !cr_rmsg_bytes(&m, &d, &dl) || fid >= F_NIDS)
			break;
		dl = dl < 1024 ? dl : 1024;
		memcpy(w, d, dl);
		w[dl] = '\0';
		return ev->fault(arg, (enum cr_fid)fid, w);
	}
	case 'P':
		return true;
	default:
		break;
	}
	*proto = true;
	return false;
}

void cr_reader_run(struct cr_walk *w, const struct cr_src *src, enum cr_tid t, unsigned reading,
		   const struct cr_la_events *ev, void *arg, const char *what)
{
	struct cr_scan *s = w->s;
	if (!s->ctx->external_readers || !s->bud) {
		cr_emit(s, F_CONTAINER_UNINSPECTED, -1, "the %s is turned off (CRIBLE_OPT_EXTERNAL_READERS): content "
			"not inspected", what);
		return;
	}
	/* Inside a worker the process is the sandbox. */
	if (cr_in_worker) {
		cr_la_produce(src, t, reading, ev, arg, stop_cb, s);
		return;
	}
	uint64_t base, now = now_ns();
	int own;
	int fd = cr_job_data_fd(src, &base, &own);
	if (fd < 0) {
		s->err = CRIBLE_EIO;
		return;
	}
	struct cr_job_req req = {.version = CR_WIRE_VERSION, .kind = CR_JOB_ARCHIVE, .type = (uint32_t)t, .reading = reading,
				 .fault = cr_broker_fault, .base = base, .size = src->size,
				 .time_ms = s->bud->deadline_ns > now ? (s->bud->deadline_ns - now) / 1000000 + 1 : 1,
				 .mem_cap = READER_MEM_CAP};
	struct cr_job_conn jc;
	const char *why = NULL;
	if (cr_broker_submit(&req, fd, &jc, &why) != 0) {
		cr_emit(s, F_CONTAINER_UNINSPECTED, -1, "the %s could not run isolated (%s): content not inspected", what,
			why);
		if (own >= 0)
			close(own);
		return;
	}
	/* Each job its own buffer: an entry's data may hold a container that needs a job of its own. */
	uint8_t *buf = malloc(1 + CR_WIRE_MAX);
	if (!buf) {
		s->err = CRIBLE_ENOMEM;
		cr_job_close(&jc);
		if (own >= 0)
			close(own);
		return;
	}
	bool in_entry = false, stopped = false, proto = false, timeout = false;
	for (;;) {
		size_t len = 0;
		enum cr_recv r = cr_job_recv(&jc, buf, 1 + CR_WIRE_MAX, &len, s->bud->deadline_ns, s->cancel);
		if (r == RECV_MSG) {
			if (!cr_reader_dispatch(buf, len, ev, arg, &in_entry, &proto)) {
				stopped = !proto;
				break;
			}
			continue;
		}
		if (r == RECV_TIMEOUT)
			timeout = true;
		else if (r == RECV_CANCEL) {
			stopped = true;
			s->err = CRIBLE_ECANCELED;
		}
		else if (r == RECV_ERROR)
			proto = true;
		break;
	}
	/* An entry the worker was still sending is judged with what came: its name at least. */
	if (in_entry && !stopped)
		ev->end(arg, false, "the reader stopped inside this entry");
	if (!jc.done && !stopped && !cr_stopped(s)) {
		/* The worker did not finish: wait briefly for its status, to say why. */
		if (!timeout && !jc.exited && !jc.eof) {
			/* One bound for all of it: a worker that keeps talking does not keep the scan. */
			uint64_t until = now_ns() + 200000000ull;
			size_t len;
			while (cr_job_recv(&jc, buf, 1 + CR_WIRE_MAX, &len, until, NULL) == RECV_MSG)
				;
		}
		char death[96];
		if (timeout || (jc.exited && WIFSIGNALED(jc.status) &&
				(WTERMSIG(jc.status) == SIGALRM || WTERMSIG(jc.status) == SIGXCPU))) {
			cr_emit(s, F_LIMIT_TIME, -1, "the %s did not finish within %llu ms; the scan stopped", what,
				(unsigned long long)s->ctx->lim.time_ms);
			s->bud->stop = true;
		} else {
			cr_emit(s, F_CONTAINER_UNINSPECTED, -1, "the %s %s: what it had not read was not judged", what,
				proto ? "sent a malformed reply"
				: jc.exited ? cr_job_death(jc.status, death, sizeof death)
					    : "went away without a status");
		}
	}
	free(buf);
	cr_job_close(&jc);
	if (own >= 0)
		close(own);
}
