/*
 * confined.c - an extraction's reading half in a broker worker.
 *
 * The worker (a CR_JOB_SCAN job, core/worker.c) runs the whole engine on
 * the archive, libarchive included, inside the worker's sandbox: rlimits,
 * an unprivileged user, no_new_privs and a default-deny seccomp filter.
 * It holds the archive read-only and its job socket; its spools are
 * anonymous memory files.  It never holds the destination or any
 * writable descriptor to a file system.  Messages (core/wire.h):
 *
 *   'N' an entry the extraction writes: u8 kind, u32 flags, u8 has_mode,
 *       u32 mode, u8 verdict so far, u8 has_data, u64 size, u8 stored,
 *       u64 offset, u32 nwhere, nwhere x bytes (the `where` chain), bytes
 *       name, u8 has_link, bytes link; kind 255: an entry too large to
 *       describe (refused)
 *   'D' its data, 'Z' u8 ok: the end of its data; none when the data is
 *       stored: bytes [offset, offset+size) of the archive itself, which
 *       the host reads from its own descriptor (a stored tar or ZIP
 *       entry crosses no socket; a lying worker gains nothing it could
 *       not send as 'D')
 *   'R' the result: u64 size, u8 has_sha, bytes sha256, u32 type,
 *       u8 verdict, u8 truncated, u32 F_NIDS, then (u64 total, u32 listed)
 *       per id
 *   'G' a listed finding: u8 fid, u8 severity, u8 cut, bytes detail,
 *       u32 nwhere, nwhere x bytes
 *   'Q' u32 crible_err: the scan failed
 *
 * The host checks every message before it acts (a compromised worker
 * writes what it likes) and writes through extract.c, which decides and
 * contains every write.  A worker that dies, lies or stops early gives
 * an error: nothing is written.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "../rules/yara.h"
#include "../core/broker.h"
#include "../core/wire.h"
#include "../formats/format.h"
#include "extract.h"

#define SCAN_MEM_CAP (1024ull << 20)
#define XF_SCAN 1u	/* the job is a scan: the worker sends the result only */

extern uint32_t cr_broker_fault;	/* core/reader.c: the fault the next worker commits (tests) */

/* --- the worker ------------------------------------------------------------ */

struct wsink {
	int sock;
	int data;		/* the archive */
	uint64_t base;		/* where it starts in data */
	struct cr_xsel sel;
	struct cr_msg m;
};

static bool wsend(struct wsink *ws) { return !ws->m.bad && cr_msg_send(ws->sock, &ws->m) == 0; }

static int wsink_fn(void *arg, const struct cr_sink_entry *se)
{
	struct wsink *ws = arg;
	if (!cr_xsel_take(&ws->sel, se))
		return 0;
	const struct cr_entry *e = se->e;
	const struct cr_src *d = se->data;
	cr_msg_begin(&ws->m, 'N');
	cr_msg_u8(&ws->m, (uint8_t)e->kind);
	cr_msg_u32(&ws->m, e->flags);
	cr_msg_u8(&ws->m, e->has_mode);
	cr_msg_u32(&ws->m, e->mode);
	cr_msg_u8(&ws->m, (uint8_t)se->verdict);
	cr_msg_u8(&ws->m, d != NULL);
	cr_msg_u64(&ws->m, d ? d->size : 0);
	/* Bytes of the archive as they are: the host reads them itself. */
	bool stored = d && !d->mem && d->fd == ws->data && d->base >= ws->base;
	cr_msg_u8(&ws->m, stored);
	cr_msg_u64(&ws->m, stored ? d->base - ws->base : 0);
	cr_msg_u32(&ws->m, (uint32_t)se->nwhere);
	for (size_t i = 0; i < se->nwhere; i++)
		cr_msg_bytes(&ws->m, se->where[i], strlen(se->where[i]));
	cr_msg_bytes(&ws->m, e->name, e->namelen);
	cr_msg_u8(&ws->m, e->link != NULL);
	cr_msg_bytes(&ws->m, e->link ? e->link : (const uint8_t *)"", e->link ? e->linklen : 0);
	if (ws->m.bad) {
		/* Too large to describe: the host refuses it rather than write something else. */
		cr_msg_begin(&ws->m, 'N');
		cr_msg_u8(&ws->m, 255);
		return wsend(ws) ? 0 : 1;
	}
	if (!wsend(ws))
		return 1;
	if (!d || stored)
		return 0;
	static uint8_t buf[CR_WIRE_MAX];
	bool ok = true;
	for (uint64_t off = 0; off < d->size;) {
		size_t n = d->size - off < sizeof buf ? (size_t)(d->size - off) : sizeof buf;
		if (cr_src_read(d, off, buf, n) != (ssize_t)n) {
			ok = false;
			break;
		}
		cr_msg_begin(&ws->m, 'D');
		cr_msg_put(&ws->m, buf, n);
		if (!wsend(ws))
			return 1;
		off += n;
	}
	cr_msg_begin(&ws->m, 'Z');
	cr_msg_u8(&ws->m, ok);
	return wsend(ws) ? 0 : 1;
}

static void send_err(struct wsink *ws, crible_err e)
{
	cr_msg_begin(&ws->m, 'Q');
	cr_msg_u32(&ws->m, (uint32_t)e);
	wsend(ws);
}

static void send_result(struct wsink *ws, const crible_result *r)
{
	cr_msg_begin(&ws->m, 'R');
	cr_msg_u64(&ws->m, r->size);
	cr_msg_u8(&ws->m, r->has_sha);
	cr_msg_bytes(&ws->m, r->sha256, r->has_sha ? 64 : 0);
	cr_msg_u32(&ws->m, (uint32_t)r->type);
	cr_msg_u8(&ws->m, (uint8_t)r->verdict);
	cr_msg_u8(&ws->m, r->truncated);
	cr_msg_u32(&ws->m, F_NIDS);
	for (int i = 0; i < F_NIDS; i++) {
		cr_msg_u64(&ws->m, r->total[i]);
		cr_msg_u32(&ws->m, r->listed[i]);
	}
	if (!wsend(ws))
		return;
	for (size_t i = 0; i < r->nf; i++) {
		const struct cr_find *f = &r->f[i];
		cr_msg_begin(&ws->m, 'G');
		cr_msg_u8(&ws->m, (uint8_t)f->fid);
		cr_msg_u8(&ws->m, (uint8_t)f->sev);
		cr_msg_u8(&ws->m, 0);
		cr_msg_bytes(&ws->m, f->detail, strlen(f->detail));
		cr_msg_u32(&ws->m, (uint32_t)f->nwhere);
		for (size_t k = 0; k < f->nwhere; k++)
			cr_msg_bytes(&ws->m, f->where[k], strlen(f->where[k]));
		if (ws->m.bad) {
			/* Too large to cross: the host counts the report as cut (it clears no entry). */
			cr_msg_begin(&ws->m, 'G');
			cr_msg_u8(&ws->m, (uint8_t)f->fid);
			cr_msg_u8(&ws->m, (uint8_t)f->sev);
			cr_msg_u8(&ws->m, 1);
			cr_msg_bytes(&ws->m, "", 0);
			cr_msg_u32(&ws->m, 0);
		}
		if (!wsend(ws))
			return;
	}
}

void cr_confined_worker(int sock, int data, const struct cr_job_req *req, const uint8_t *jobcfg, size_t jobcfglen)
{
	static struct wsink ws;
	ws.sock = sock;
	ws.data = data;
	ws.base = req->base;
	crible_ctx *cfg = crible_ctx_new();
	char *name = NULL, *declared = NULL;
	uint32_t xflags = 0;
	if (!cfg) {
		send_err(&ws, CRIBLE_ENOMEM);
		return;
	}
	if (cr_cfg_unpack(jobcfg, jobcfglen, cfg, &name, &declared, &xflags) != CRIBLE_OK) {
		send_err(&ws, CRIBLE_EINVAL);
		return;
	}
	/* The rules the job named, which the broker holds (never freed here: the worker exits). */
	static const uint8_t none[32];
	if (memcmp(req->rules, none, 32) != 0) {
		if (!cr_worker_yara) {
			send_err(&ws, CRIBLE_ERULES);
			return;
		}
		cfg->yara = cr_worker_yara;
	}
	struct cr_src src = {.size = req->size, .fd = data, .base = req->base};
	/*
	 * The object mapped, not read: every pass (identification, the hash,
	 * the decoders) then reads the page cache in place, where pread
	 * copied it once per pass (a seventh of the daemon's CPU on
	 * attachment-sized bodies).  The descriptor is the host's own copy
	 * (a daemon's body, a spooled entry), which nobody truncates under
	 * the worker; if it were, the worker would die of SIGBUS and the host
	 * would report the object as not inspected.  A descriptor shorter
	 * than the object, or a mapping the address-space cap refuses, leaves
	 * the reads as they were (and their short-read errors).
	 */
	struct stat fst;
	if (req->size && req->base <= SIZE_MAX - req->size && fstat(data, &fst) == 0 &&
	    (uint64_t)fst.st_size >= req->base + req->size) {
		void *m = mmap(NULL, (size_t)(req->base + req->size), PROT_READ, MAP_PRIVATE, data, 0);
		if (m != MAP_FAILED)
			src.mem = (const uint8_t *)m + req->base;
	}
	struct cr_sink sk = {wsink_fn, &ws};
	crible_result *r = NULL;
	/* A scan (not an extraction) has no entries to send: no sink. */
	crible_err e = cr_scan_top(cfg, &src, name, declared, (xflags & XF_SCAN) ? NULL : &sk, NULL, &r);
	if (e != CRIBLE_OK)
		send_err(&ws, e);
	else
		send_result(&ws, r);
	/* The worker exits next: nothing to free. */
}

/* --- the host ---------------------------------------------------------------- */

static uint64_t now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

struct host {
	struct cr_xw *w;
	const struct cr_src *src;	/* the archive, as this process holds it */
	crible_result *r;
	bool in_entry;		/* data of the last 'N' may follow */
	bool have_result;
	bool failed;		/* 'Q' arrived */
	crible_err err;
	bool oom;
};

/* NUL-free bytes as a string (a `where` element); NULL when they hold a NUL or memory is short. */
static char *str_of(const uint8_t *p, size_t n, bool *oom)
{
	if (memchr(p, 0, n))
		return NULL;
	char *s = malloc(n + 1);
	if (!s) {
		*oom = true;
		return NULL;
	}
	memcpy(s, p, n);
	s[n] = '\0';
	return s;
}

static void free_where(char **w, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(w[i]);
	free(w);
}

/* Reads u32 nwhere and the chain; NULL on a malformed one. */
static char **read_where(struct cr_rmsg *m, size_t *nw, bool allow_empty, bool *oom)
{
	uint32_t n;
	if (!cr_rmsg_u32(m, &n) || n > CR_MAX_DEPTH_HARD + 2 || (!n && !allow_empty))
		return NULL;
	char **w = calloc(n ? n : 1, sizeof *w);
	if (!w) {
		*oom = true;
		return NULL;
	}
	for (uint32_t i = 0; i < n; i++) {
		const uint8_t *p;
		size_t l;
		if (!cr_rmsg_bytes(m, &p, &l) || !(w[i] = str_of(p, l, oom))) {
			free_where(w, i);
			return NULL;
		}
	}
	*nw = n;
	return w;
}

static bool on_entry(struct host *h, struct cr_rmsg *m)
{
	if (h->in_entry) {
		cr_xw_end(h->w, false);
		h->in_entry = false;
	}
	uint8_t kind, has_mode, verdict, has_data, has_link, stored;
	uint32_t flags, mode;
	uint64_t size, off;
	if (!cr_rmsg_u8(m, &kind))
		return false;
	if (kind == 255) {
		cr_xw_refuse(h->w, "an entry too large to pass from the sandboxed reader");
		return m->len == 0;
	}
	if (kind > E_STREAM || !cr_rmsg_u32(m, &flags) || !cr_rmsg_u8(m, &has_mode) || !cr_rmsg_u32(m, &mode) ||
	    !cr_rmsg_u8(m, &verdict) || verdict > CRIBLE_BLOCK || !cr_rmsg_u8(m, &has_data) || !cr_rmsg_u64(m, &size) ||
	    (!has_data && size) || !cr_rmsg_u8(m, &stored) || !cr_rmsg_u64(m, &off) || (stored && !has_data))
		return false;
	struct cr_src slice;
	if (stored && !cr_src_slice(h->src, off, size, &slice))
		return false;
	size_t nw = 0;
	char **where = read_where(m, &nw, false, &h->oom);
	if (!where)
		return false;
	const uint8_t *name, *link;
	size_t namelen, linklen;
	bool ok = cr_rmsg_bytes(m, &name, &namelen) && cr_rmsg_u8(m, &has_link) && cr_rmsg_bytes(m, &link, &linklen) &&
		  m->len == 0;
	if (ok) {
		struct cr_xin in = {.where = (const char *const *)where, .nwhere = nw, .name = name, .namelen = namelen,
				    .kind = (enum cr_ekind)kind, .flags = flags, .has_mode = has_mode != 0,
				    .mode = mode & 07777, .link = has_link ? link : NULL, .linklen = has_link ? linklen : 0,
				    .verdict = verdict, .has_data = has_data != 0, .size = size,
				    .data = stored ? &slice : NULL};
		cr_xw_entry(h->w, &in);
		h->in_entry = has_data && !stored;
	}
	free_where(where, nw);
	return ok;
}

static bool on_result(struct host *h, struct cr_rmsg *m)
{
	if (h->r || h->in_entry)
		return false;
	crible_result *r = calloc(1, sizeof *r);
	if (!r) {
		h->oom = true;
		return false;
	}
	h->r = r;
	uint8_t has_sha, verdict, trunc;
	uint32_t type, nids;
	const uint8_t *sha;
	size_t shalen;
	if (!cr_rmsg_u64(m, &r->size) || !cr_rmsg_u8(m, &has_sha) || !cr_rmsg_bytes(m, &sha, &shalen) ||
	    shalen != (has_sha ? 64u : 0u) || !cr_rmsg_u32(m, &type) || !cr_rmsg_u8(m, &verdict) ||
	    verdict > CRIBLE_BLOCK || !cr_rmsg_u8(m, &trunc) || !cr_rmsg_u32(m, &nids) || nids != F_NIDS)
		return false;
	for (size_t i = 0; i < shalen; i++)
		if (!((sha[i] >= '0' && sha[i] <= '9') || (sha[i] >= 'a' && sha[i] <= 'f')))
			return false;
	memcpy(r->sha256, sha, shalen);
	r->sha256[shalen] = '\0';
	r->has_sha = has_sha != 0;
	/* A type the library does not know reads as unknown (cr_type_get), never as something else. */
	r->type = (enum cr_tid)type;
	r->verdict = (crible_verdict)verdict;
	r->truncated = trunc != 0;
	for (int i = 0; i < F_NIDS; i++) {
		uint64_t t;
		uint32_t l;
		if (!cr_rmsg_u64(m, &t) || !cr_rmsg_u32(m, &l) || l > t)
			return false;
		r->total[i] = t;
		r->listed[i] = l;
	}
	h->have_result = m->len == 0;
	return h->have_result;
}

static bool on_finding(struct host *h, struct cr_rmsg *m)
{
	crible_result *r = h->r;
	uint8_t fid, sev, cut;
	const uint8_t *det;
	size_t dl;
	if (!r || !cr_rmsg_u8(m, &fid) || fid >= F_NIDS || !cr_rmsg_u8(m, &sev) || sev > CRIBLE_SEV_HIGH ||
	    !cr_rmsg_u8(m, &cut) || !cr_rmsg_bytes(m, &det, &dl))
		return false;
	/* Every finding, listed or not, is in the verdict the worker sent: one it claims higher is a lie. */
	if ((crible_verdict)sev > r->verdict || r->nf >= CR_MAX_FINDINGS + F_NIDS + 1)
		return false;
	size_t nw = 0;
	char **where = read_where(m, &nw, cut != 0, &h->oom);
	if (!where || m->len != 0) {
		if (where)
			free_where(where, nw);
		return false;
	}
	if (cut) {
		/* A finding too large to cross: the report is cut, so sanitizing clears nothing. */
		free_where(where, nw);
		r->truncated = true;
		return true;
	}
	char *detail = str_of(det, dl, &h->oom);
	if (!detail) {
		free(detail);
		free_where(where, nw);
		return false;
	}
	if (r->nf == r->cap) {
		size_t nc = r->cap ? r->cap * 2 : 16;
		struct cr_find *nf = realloc(r->f, nc * sizeof *nf);
		if (!nf) {
			h->oom = true;
			free(detail);
			free_where(where, nw);
			return false;
		}
		r->f = nf;
		r->cap = nc;
	}
	r->f[r->nf++] = (struct cr_find){.fid = (enum cr_fid)fid, .sev = (crible_severity)sev, .detail = detail,
					 .where = where, .nwhere = nw};
	return true;
}

static bool dispatch(struct host *h, const uint8_t *buf, size_t len)
{
	if (len == 0)
		return false;
	struct cr_rmsg m = {buf + 1, len - 1};
	switch (buf[0]) {
	case 'N':
		return h->w && !h->have_result && on_entry(h, &m);
	case 'D':
		if (!h->in_entry)
			return false;
		cr_xw_data(h->w, m.p, m.len);
		return true;
	case 'Z': {
		uint8_t ok;
		if (!h->in_entry || !cr_rmsg_u8(&m, &ok) || m.len)
			return false;
		cr_xw_end(h->w, ok != 0);
		h->in_entry = false;
		return true;
	}
	case 'R':
		return on_result(h, &m);
	case 'G':
		return on_finding(h, &m);
	case 'Q': {
		uint32_t e;
		if (!cr_rmsg_u32(&m, &e) || e == CRIBLE_OK || e > CRIBLE_ERULES)
			return false;
		h->failed = true;
		h->err = (crible_err)e;
		return true;
	}
	default:
		return false;
	}
}

/* After the last message: the result, or why there is none. */
static crible_err conclude(struct host *h, bool complete, crible_result **out)
{
	if (h->in_entry)
		cr_xw_end(h->w, false);
	h->in_entry = false;
	crible_err e = CRIBLE_OK;
	if (h->oom || (h->w && cr_xw_broken(h->w)))
		e = CRIBLE_ENOMEM;
	else if (h->failed)
		e = h->err;
	else if (!complete || !h->have_result)
		e = CRIBLE_EIO;
	if (e == CRIBLE_OK)
		e = cr_result_finish(h->r);
	if (e != CRIBLE_OK) {
		crible_result_free(h->r);
		h->r = NULL;
		return e;
	}
	*out = h->r;
	return CRIBLE_OK;
}

crible_err cr_confined_feed(const struct cr_src *src, struct cr_xw *w, const uint8_t *msgs, size_t len,
			    crible_result **out)
{
	*out = NULL;
	struct host h = {.w = w, .src = src};
	bool ok = true;
	while (ok && len >= 4) {
		uint32_t n = (uint32_t)msgs[0] | (uint32_t)msgs[1] << 8 | (uint32_t)msgs[2] << 16 | (uint32_t)msgs[3] << 24;
		if (n > len - 4 || n > 1 + CR_WIRE_MAX)
			break;
		ok = dispatch(&h, msgs + 4, n) && !(w && cr_xw_broken(w));
		msgs += 4 + n;
		len -= 4 + n;
	}
	return conclude(&h, ok, out);
}

crible_err cr_confined_run(const crible_ctx *cfg, const struct cr_src *src, const char *name, const char *declared,
			   const atomic_int *cancel, struct cr_xw *w, crible_result **out, char *why, size_t whylen)
{
	*out = NULL;
	/* (On the heap: 64 KiB of thread-local storage would be zeroed for every thread a host starts.) */
	struct cr_msg *cm = malloc(sizeof *cm);
	if (!cm) {
		snprintf(why, whylen, "%s", "out of memory");
		return CRIBLE_ENOMEM;
	}
	cr_msg_begin(cm, 'C');
	cr_cfg_pack(cfg, name, declared, w ? 0 : XF_SCAN, cm);
	if (cm->bad || cm->len - 1 > CR_WIRE_CFG) {
		free(cm);
		snprintf(why, whylen, "%s", "the scan's configuration cannot be sent to the sandboxed reader");
		return CRIBLE_EIO;
	}
	uint64_t base;
	int own;
	int fd = cr_job_data_fd(src, &base, &own);
	if (fd < 0) {
		free(cm);
		snprintf(why, whylen, "%s", "the input cannot be handed to the sandboxed reader");
		return CRIBLE_EIO;
	}
	/*
	 * The worker's own clock: the judging budget, plus (extracting) what
	 * writing may take: the engine gives the sink's time back to its own
	 * deadline, this is the backstop for a reader that loops.
	 */
	uint64_t ms = cfg->lim.time_ms + (w ? 60000 + src->size / (4u << 20) * 1000 : 2000);
	struct cr_job_req req = {.version = CR_WIRE_VERSION, .kind = CR_JOB_SCAN, .base = base, .size = src->size,
				 .time_ms = ms, .mem_cap = SCAN_MEM_CAP, .spool_cap = cfg->lim.max_expanded + 1,
				 .fault = cr_broker_fault};
	int rules = cfg->yara ? cr_yara_fd(cfg->yara, req.rules) : -1;
	if (cfg->yara && rules < 0) {
		free(cm);
		if (own >= 0)
			close(own);
		snprintf(why, whylen, "%s", "the YARA rules cannot be handed to the sandboxed reader");
		return CRIBLE_EIO;
	}
	struct cr_job_conn jc;
	const char *bwhy = NULL;
	int sub = cr_broker_submit_cfg(&req, cm->buf + 1, cm->len - 1, fd, rules, &jc, &bwhy);
	free(cm);
	if (own >= 0)
		close(own);	/* the broker holds its own copy now */
	if (sub != 0) {
		snprintf(why, whylen, "the sandboxed reader could not be started (%s)", bwhy ? bwhy : "no broker");
		return CRIBLE_EIO;
	}
	uint8_t *buf = malloc(1 + CR_WIRE_MAX);
	if (!buf) {
		cr_job_close(&jc);
		return CRIBLE_ENOMEM;
	}
	struct host h = {.w = w, .src = src};
	uint64_t deadline = now_ns() + (ms + 5000) * 1000000ull;
	bool proto = false, timeout = false, canceled = false;
	for (;;) {
		size_t len = 0;
		enum cr_recv rv = cr_job_recv(&jc, buf, 1 + CR_WIRE_MAX, &len, deadline, cancel);
		if (rv == RECV_MSG) {
			if (!dispatch(&h, buf, len)) {
				proto = true;
				break;
			}
			if (w && cr_xw_broken(w))
				break;
			continue;
		}
		timeout = rv == RECV_TIMEOUT;
		canceled = rv == RECV_CANCEL;
		proto = rv == RECV_ERROR;
		break;
	}
	if (!jc.done && !jc.exited && !timeout && !canceled) {
		/* Say why it ended: wait briefly for its status. */
		uint64_t until = now_ns() + 200000000ull;
		size_t len;
		while (cr_job_recv(&jc, buf, 1 + CR_WIRE_MAX, &len, until, NULL) == RECV_MSG)
			;
	}
	free(buf);
	cr_job_close(&jc);
	if (canceled || (cancel && atomic_load(cancel))) {
		conclude(&h, false, out);
		crible_result_free(*out);
		*out = NULL;
		return CRIBLE_ECANCELED;
	}
	bool complete = !proto && !timeout && jc.done;
	crible_err e = conclude(&h, complete, out);
	if (e == CRIBLE_EIO) {
		char death[96];
		snprintf(why, whylen, "the sandboxed %s %s%s", w ? "reader" : "scan", jc.exited && !proto && !timeout ? "ended: " : "",
			 proto ? "sent a malformed reply"
			 : timeout ? "did not finish in time"
			 : jc.exited ? cr_job_death(jc.status, death, sizeof death) : "went away without a result");
	}
	return e;
}

crible_err cr_confined_scan(const crible_ctx *cfg, const struct cr_src *src, const char *name, const char *declared,
			    const atomic_int *cancel, crible_result **out, char *why, size_t whylen)
{
	why[0] = '\0';
	return cr_confined_run(cfg, src, name, declared, cancel, NULL, out, why, whylen);
}
