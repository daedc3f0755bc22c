/*
 * server.c - crible serve: listeners, connections, the clamd protocol's
 * commands, scan slots, reload and drain (server.h says the model).
 *
 * clamd replies follow shared/research/peers.md §1 exactly:
 *   PING -> PONG; VERSION; VERSIONCOMMANDS (INSTREAM and IDSESSION listed);
 *   INSTREAM: big-endian u32 chunks until a zero one, refused past
 *     stream_max with "INSTREAM size limit exceeded. ERROR";
 *   SCAN, CONTSCAN, MULTISCAN, ALLMATCHSCAN of a path on this host;
 *   FILDES (unix socket): the descriptor in SCM_RIGHTS, "fd[N]: ...";
 *   IDSESSION ... END: every reply "ID: ...";
 *   STATS ... END; RELOAD -> RELOADING; SHUTDOWN and QUIT: no reply.
 * A block verdict is "NAME: Crible.Id.Name FOUND" (clamd.h); a warn is OK
 * unless warn_found; a scan that could not run is "NAME: why ERROR",
 * never OK.
 */
#include "server.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <pthread.h>
#include <semaphore.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/sendfile.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "../cli/cli.h"
#include "clamd.h"
#include "http.h"
#include "icap.h"
#include "crible.h"

/* --- configuration -------------------------------------------------------- */

void serve_cfg_defaults(struct serve_cfg *c)
{
	memset(c, 0, sizeof *c);
	c->stream_max = 100ull << 20;
	long n = sysconf(_SC_NPROCESSORS_ONLN);
	c->max_scans = n > 0 ? (unsigned)(2 * n) : 4;
	c->max_conns = 256;
	c->queue_ms = 30000;
	c->command_ms = 30000;
	c->read_ms = 120000;
	c->scan_ms = 10000;
}

void serve_cfg_free(struct serve_cfg *c)
{
	for (size_t i = 0; i < c->nclamd; i++)
		free(c->clamd[i]);
	for (size_t i = 0; i < c->nicap; i++)
		free(c->icap[i]);
	for (size_t i = 0; i < c->nhttp; i++)
		free(c->http[i]);
	c->nicap = c->nhttp = 0;
	free(c->http_token);
	c->http_token = NULL;
	free(c->clamd_socket);
	free(c->policy);
	free(c->accept);
	free(c->rules);
	c->nclamd = 0;
	c->clamd_socket = c->policy = c->accept = c->rules = NULL;
}

static int set_str(char **dst, const char *v)
{
	free(*dst);
	*dst = strdup(v);
	return *dst ? 0 : -1;
}

static int num(const char *path, int line, const char *key, const char *v, uint64_t lo, uint64_t hi, uint64_t *out)
{
	if (parse_u64(v, out) != 0 || *out < lo || *out > hi) {
		fprintf(stderr, "crible serve: %s:%d: %s wants a number from %llu to %llu, got '%s'\n", path, line, key,
			(unsigned long long)lo, (unsigned long long)hi, v);
		return -1;
	}
	return 0;
}

int serve_cfg_load(struct serve_cfg *c, const char *path)
{
	FILE *f = fopen(path, "re");
	if (!f) {
		fprintf(stderr, "crible serve: %s: %s\n", path, strerror(errno));
		return -1;
	}
	char buf[4096];
	int line = 0, rc = 0;
	while (rc == 0 && fgets(buf, sizeof buf, f)) {
		line++;
		char *h = strchr(buf, '#');
		if (h)
			*h = '\0';
		char *k = buf;
		while (*k == ' ' || *k == '\t')
			k++;
		size_t n = strlen(k);
		while (n && (k[n - 1] == '\n' || k[n - 1] == '\r' || k[n - 1] == ' ' || k[n - 1] == '\t'))
			k[--n] = '\0';
		if (!n)
			continue;
		char *v = k + strcspn(k, " \t=");
		if (*v)
			*v++ = '\0';
		while (*v == ' ' || *v == '\t' || *v == '=')
			v++;
		uint64_t x;
		if (!*v) {
			fprintf(stderr, "crible serve: %s:%d: %s has no value\n", path, line, k);
			rc = -1;
		} else if (!strcmp(k, "clamd")) {
			if (c->nclamd == SERVE_MAX_LISTEN || !(c->clamd[c->nclamd++] = strdup(v)))
				rc = -1;
		} else if (!strcmp(k, "icap")) {
			if (c->nicap == SERVE_MAX_LISTEN || !(c->icap[c->nicap++] = strdup(v)))
				rc = -1;
		} else if (!strcmp(k, "http")) {
			if (c->nhttp == SERVE_MAX_LISTEN || !(c->http[c->nhttp++] = strdup(v)))
				rc = -1;
		} else if (!strcmp(k, "http_token")) {
			rc = set_str(&c->http_token, v);
		} else if (!strcmp(k, "clamd_socket")) {
			rc = set_str(&c->clamd_socket, v);
		} else if (!strcmp(k, "stream_max")) {
			rc = num(path, line, k, v, 1, 1ull << 40, &c->stream_max);
		} else if (!strcmp(k, "max_scans")) {
			rc = num(path, line, k, v, 1, 4096, &x);
			c->max_scans = (unsigned)x;
		} else if (!strcmp(k, "max_connections")) {
			rc = num(path, line, k, v, 1, 65536, &x);
			c->max_conns = (unsigned)x;
		} else if (!strcmp(k, "queue_ms") || !strcmp(k, "command_ms") || !strcmp(k, "read_ms")) {
			rc = num(path, line, k, v, 1, 3600000, &x);
			*(k[0] == 'q' ? &c->queue_ms : k[0] == 'c' ? &c->command_ms : &c->read_ms) = (unsigned)x;
		} else if (!strcmp(k, "scan_ms")) {
			rc = num(path, line, k, v, 1, 3600000, &c->scan_ms);
		} else if (!strcmp(k, "warn_found")) {
			c->warn_found = !strcmp(v, "yes") || !strcmp(v, "true") || !strcmp(v, "1");
		} else if (!strcmp(k, "policy")) {
			rc = set_str(&c->policy, v);
		} else if (!strcmp(k, "accept")) {
			rc = set_str(&c->accept, v);
		} else if (!strcmp(k, "rules")) {
			rc = set_str(&c->rules, v);
		} else {
			fprintf(stderr, "crible serve: %s:%d: unknown setting '%s'\n", path, line, k);
			rc = -1;
		}
	}
	fclose(f);
	return rc;
}

/* --- the server's state ---------------------------------------------------- */

struct server {
	struct serve_cfg *cfg;
	crible_ctx *ctx;		/* swapped by a reload, under ctxlock */
	pthread_rwlock_t ctxlock;
	sem_t slots;			/* scans at once */
	atomic_int conns, scanning, waiting;
	atomic_ullong requests, found, errors, overloaded;
	atomic_int stop, reload;
	int wake[2];			/* a byte wakes the accept loop (signals, SHUTDOWN, RELOAD) */
	pthread_mutex_t logmu;
	time_t started;
	char istag[33];			/* under ctxlock */
	/* Metrics: requests by protocol and outcome, findings by id, latency, bytes. */
	pthread_mutex_t mmu;
	unsigned long long req[3][4];	/* clamd, icap, http x allow, warn, block, error */
	unsigned long long lat[10];	/* seconds <= 0.001 .. 10, +Inf */
	double lat_sum;
	unsigned long long bytes;
	char *fid[64];
	unsigned long long fcount[64];
	size_t nfid;
};

static struct server S;

static const double lat_le[9] = {0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.5, 1, 10};

static void account(const char *proto, const crible_result *r, uint64_t ms)
{
	int p = !strcmp(proto, "clamd") ? 0 : !strcmp(proto, "icap") ? 1 : 2;
	int v = r ? (int)crible_result_verdict(r) : 3;
	double secs = (double)ms / 1000.0;
	pthread_mutex_lock(&S.mmu);
	S.req[p][v]++;
	size_t b = 0;
	while (b < 9 && secs > lat_le[b])
		b++;
	S.lat[b]++;
	S.lat_sum += secs;
	if (r) {
		S.bytes += crible_result_size(r);
		for (size_t i = 0; i < crible_result_count(r); i++) {
			const char *id = crible_result_finding(r, i)->id;
			size_t k = 0;
			while (k < S.nfid && strcmp(S.fid[k], id))
				k++;
			if (k == S.nfid && S.nfid < 64 && (S.fid[k] = strdup(id)))
				S.nfid++;
			if (k < S.nfid)
				S.fcount[k] += crible_result_finding(r, i)->count;
		}
	}
	pthread_mutex_unlock(&S.mmu);
}


static void wake(void)
{
	int saved = errno;
	(void)!write(S.wake[1], "x", 1);
	errno = saved;
}

static void on_signal(int sig)
{
	if (sig == SIGHUP)
		atomic_store(&S.reload, 1);
	else
		atomic_store(&S.stop, 1);
	wake();
}

/*
 * A context from the config: the daemon's limits, policy, accept list
 * and YARA rules; every scan confined (the rules are compiled here, once,
 * and cross to the broker, which forks every worker with them loaded).
 */
static crible_ctx *make_ctx(const struct serve_cfg *c)
{
	crible_ctx *ctx = crible_ctx_new();
	if (!ctx)
		return NULL;
	crible_ctx_set_option(ctx, CRIBLE_OPT_CONFINED, 1);
	crible_ctx_set_limit(ctx, CRIBLE_LIMIT_TIME_MS, c->scan_ms);
	if ((c->accept && crible_ctx_set_accept(ctx, c->accept) != CRIBLE_OK) ||
	    (c->policy && opt_policy(ctx, c->policy) != 0)) {
		fprintf(stderr, "crible serve: %s\n", c->accept ? "bad accept list or policy" : "bad policy");
		crible_ctx_free(ctx);
		return NULL;
	}
	char *err = NULL;
	crible_err e = c->rules ? crible_ctx_set_rules(ctx, c->rules, &err) : CRIBLE_OK;
	unsigned char digest[32];
	if (e != CRIBLE_OK || (c->rules && !crible_ctx_rules_digest(ctx, digest))) {
		/* Rules that cannot cross to the workers would be matched here, in the supervisor: refused. */
		fprintf(stderr, "crible serve: rules: %s\n",
			err ? err : e != CRIBLE_OK ? crible_strerror(e) : "they cannot be handed to the sandboxed workers");
		free(err);
		crible_ctx_free(ctx);
		return NULL;
	}
	return ctx;
}

#define MIX(p, n) for (size_t i_ = 0; i_ < (n); i_++) h = (h ^ ((const uint8_t *)(p))[i_]) * 1099511628211ull

static uint64_t mix_file(uint64_t h, const char *path)
{
	FILE *f = fopen(path, "re");
	char b[4096];
	size_t n;
	while (f && (n = fread(b, 1, sizeof b, f)) > 0)
		MIX(b, n);
	if (f)
		fclose(f);
	return h;
}

/*
 * "crible-VERSION-DIGEST": FNV-1a over what decides a verdict (the policy
 * file's bytes, the accept list, the options, the digest of the rules the
 * context compiled), so that it changes when a reload changes an answer.
 */
static void make_istag(const struct serve_cfg *c, const crible_ctx *ctx, char out[33])
{
	uint64_t h = 1469598103934665603ull;
	MIX(crible_version(), strlen(crible_version()));
	if (c->accept)
		MIX(c->accept, strlen(c->accept));
	if (c->policy)
		h = mix_file(h, c->policy);
	unsigned char rules[32];
	if (crible_ctx_rules_digest(ctx, rules))
		MIX(rules, sizeof rules);
	else if (c->rules)
		MIX(c->rules, strlen(c->rules));
	uint8_t flags[2] = {c->warn_found, 0};
	MIX(flags, sizeof flags);
	MIX(&c->scan_ms, sizeof c->scan_ms);
	snprintf(out, 33, "crible-%s-%08x", crible_version(), (unsigned)(h ^ (h >> 32)));
}

const char *serve_istag(void)
{
	static _Thread_local char copy[33];
	pthread_rwlock_rdlock(&S.ctxlock);
	memcpy(copy, S.istag, sizeof copy);
	pthread_rwlock_unlock(&S.ctxlock);
	return copy;
}

uint64_t serve_stream_max(void)
{
	pthread_rwlock_rdlock(&S.ctxlock);
	uint64_t v = S.cfg->stream_max;
	pthread_rwlock_unlock(&S.ctxlock);
	return v;
}

unsigned serve_max_conns(void) { return S.cfg->max_conns; }

static void reload(void)
{
	struct serve_cfg fresh;
	serve_cfg_defaults(&fresh);
	if (S.cfg->config && serve_cfg_load(&fresh, S.cfg->config) != 0) {
		fprintf(stderr, "crible serve: reload failed, the running configuration stays\n");
		serve_cfg_free(&fresh);
		return;
	}
	/* Listeners stay as they are; what a scan reads is replaced. */
	if (!S.cfg->config) {
		fresh.policy = S.cfg->policy ? strdup(S.cfg->policy) : NULL;
		fresh.accept = S.cfg->accept ? strdup(S.cfg->accept) : NULL;
		fresh.rules = S.cfg->rules ? strdup(S.cfg->rules) : NULL;
		fresh.scan_ms = S.cfg->scan_ms;
		fresh.warn_found = S.cfg->warn_found;
		fresh.stream_max = S.cfg->stream_max;
	}
	crible_ctx *ctx = make_ctx(&fresh);
	if (!ctx) {
		fprintf(stderr, "crible serve: reload failed, the running configuration stays\n");
		serve_cfg_free(&fresh);
		return;
	}
	pthread_rwlock_wrlock(&S.ctxlock);
	crible_ctx *old = S.ctx;
	S.ctx = ctx;
	S.cfg->warn_found = fresh.warn_found;
	S.cfg->stream_max = fresh.stream_max;
	S.cfg->scan_ms = fresh.scan_ms;
	make_istag(&fresh, ctx, S.istag);
	pthread_rwlock_unlock(&S.ctxlock);
	crible_ctx_free(old);	/* jobs hold copies of what they read */
	serve_cfg_free(&fresh);
	fprintf(stderr, "crible serve: configuration reloaded\n");
}

/* --- one connection ---------------------------------------------------------- */

struct conn {
	int fd;
	bool unix_sock;
	bool icap;		/* an ICAP connection (icap.c), not clamd */
	char peer[80];
	char buf[CLAMD_MAX_RECORD + 1];
	size_t have;
	enum clamd_frame frame;
	bool session;
	unsigned id;		/* the command's number in a session */
	int passed_fd;		/* a descriptor that came with the bytes read (FILDES), or -1 */
	bool linger;		/* closed while the client may still be sending (linger_close) */
	struct conn *next;	/* waiting for a thread (pool_run) */
};

static uint64_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

static void set_timeout(int fd, unsigned ms)
{
	struct timeval tv = {(time_t)(ms / 1000), (suseconds_t)(ms % 1000) * 1000};
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
}

int serve_send_all(int fd, const void *p, size_t n)
{
	const char *c = p;
	while (n) {
		ssize_t w = send(fd, c, n, MSG_NOSIGNAL);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		c += w;
		n -= (size_t)w;
	}
	return 0;
}

int serve_body_open(struct serve_body *b)
{
	*b = (struct serve_body){.fd = memfd_create("crible-body", MFD_CLOEXEC)};
	return b->fd >= 0 ? 0 : -1;
}

/* From memory to an unlinked file, once the body is past SERVE_BODY_MEM; memory stays if there is no such file. */
static void body_to_disk(struct serve_body *b)
{
	const char *dir = getenv("TMPDIR");
	int fd = open(dir && *dir ? dir : "/tmp", O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
	b->on_disk = true;	/* tried once */
	if (fd < 0)
		return;
	off_t off = 0;
	while ((uint64_t)off < b->len) {
		ssize_t k = sendfile(fd, b->fd, &off, (size_t)(b->len - (uint64_t)off));
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0) {
			close(fd);
			return;
		}
	}
	close(b->fd);
	b->fd = fd;
}

int serve_body_append(struct serve_body *b, const void *p, size_t n)
{
	if (!b->on_disk && b->len + n > SERVE_BODY_MEM)
		body_to_disk(b);
	const char *c = p;
	while (n) {
		ssize_t w = pwrite(b->fd, c, n, (off_t)b->len);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		c += w;
		n -= (size_t)w;
		b->len += (uint64_t)w;
	}
	return 0;
}

void serve_body_close(struct serve_body *b)
{
	if (b->fd >= 0)
		close(b->fd);
	b->fd = -1;
}

/* One reply: "ID: " in a session, the text, the terminator the request used. */
static int reply(struct conn *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int reply(struct conn *c, const char *fmt, ...)
{
	char line[8192];
	int k = c->session ? snprintf(line, sizeof line, "%u: ", c->id) : 0;
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(line + k, sizeof line - (size_t)k - 1, fmt, ap);
	va_end(ap);
	if (n < 0)
		return -1;
	size_t len = (size_t)k + ((size_t)n < sizeof line - (size_t)k - 1 ? (size_t)n : sizeof line - (size_t)k - 2);
	line[len++] = clamd_term(c->frame);
	return serve_send_all(c->fd, line, len);
}

/* Reads exactly n bytes with the read deadline; 0, or -1 (timeout, EOF, error). */
static int read_exact(struct conn *c, void *p, size_t n)
{
	char *b = p;
	/* A record read ahead may hold the first bytes. */
	size_t take = c->have < n ? c->have : n;
	memcpy(b, c->buf, take);
	memmove(c->buf, c->buf + take, c->have - take);
	c->have -= take;
	b += take;
	n -= take;
	while (n) {
		ssize_t r = recv(c->fd, b, n, 0);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return -1;
		b += r;
		n -= (size_t)r;
	}
	return 0;
}

/* A message fit for a clamd reply: one line, no terminator inside. */
static void one_line(char *s)
{
	for (; *s; s++)
		if (*s == '\n' || *s == '\r')
			*s = ' ';
}

static void json_str(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		unsigned char ch = (unsigned char)*s;
		if (ch == '"' || ch == '\\')
			fprintf(f, "\\%c", ch);
		else if (ch < 0x20)
			fprintf(f, "\\u%04x", ch);
		else
			fputc(ch, f);
	}
	fputc('"', f);
}

/*
 * One JSON line per scan request on stderr, written with one write(2):
 * stderr is unbuffered, and a line printed piece by piece cost about 50
 * system calls per request, under the lock every request takes.
 */
static void log_request(const struct serve_req *q, const crible_result *r, const char *error, uint64_t ms)
{
	char *line = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&line, &len);
	if (!f)
		return;
	fprintf(f, "{\"time\":%lld,\"client\":", (long long)time(NULL));
	json_str(f, q->peer);
	fputs(",\"protocol\":", f);
	json_str(f, q->proto);
	fputs(",\"command\":", f);
	json_str(f, q->cmd);
	fputs(",\"name\":", f);
	json_str(f, q->name ? q->name : "");
	if (r) {
		fprintf(f, ",\"size\":%llu", (unsigned long long)crible_result_size(r));
		if (crible_result_sha256(r))
			fprintf(f, ",\"sha256\":\"%s\"", crible_result_sha256(r));
		fprintf(f, ",\"verdict\":\"%s\",\"findings\":[", crible_verdict_name(crible_result_verdict(r)));
		for (size_t i = 0; i < crible_result_count(r); i++) {
			if (i)
				fputc(',', f);
			json_str(f, crible_result_finding(r, i)->id);
		}
		fputc(']', f);
	} else {
		fputs(",\"error\":", f);
		json_str(f, error ? error : "");
	}
	fprintf(f, ",\"ms\":%llu}\n", (unsigned long long)ms);
	if (fclose(f) == 0) {
		/* Lines of concurrent requests never interleave, even on a stream that splits long writes. */
		pthread_mutex_lock(&S.logmu);
		for (size_t off = 0; off < len;) {
			ssize_t w = write(STDERR_FILENO, line + off, len - off);
			if (w < 0 && errno == EINTR)
				continue;
			if (w <= 0)
				break;
			off += (size_t)w;
		}
		pthread_mutex_unlock(&S.logmu);
	}
	free(line);
}

int serve_scan(const struct serve_req *q, crible_result **out, char *err, size_t errlen)
{
	*out = NULL;
	uint64_t t0 = now_ms();
	atomic_fetch_add(&S.requests, 1);
	/* A slot, or overloaded: never an unbounded queue. */
	struct timespec until;
	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += S.cfg->queue_ms / 1000;
	until.tv_nsec += (long)(S.cfg->queue_ms % 1000) * 1000000L;
	if (until.tv_nsec >= 1000000000L)
		until.tv_sec++, until.tv_nsec -= 1000000000L;
	atomic_fetch_add(&S.waiting, 1);
	int got;
	while ((got = sem_timedwait(&S.slots, &until)) != 0 && errno == EINTR)
		;
	atomic_fetch_sub(&S.waiting, 1);
	if (got != 0) {
		atomic_fetch_add(&S.overloaded, 1);
		atomic_fetch_add(&S.errors, 1);
		snprintf(err, errlen, "Server overloaded: no scan slot within %u ms", S.cfg->queue_ms);
		log_request(q, NULL, "overloaded", now_ms() - t0);
		account(q->proto, NULL, now_ms() - t0);
		return -1;
	}
	atomic_fetch_add(&S.scanning, 1);
	pthread_rwlock_rdlock(&S.ctxlock);
	crible_job *job = crible_job_new(S.ctx);
	pthread_rwlock_unlock(&S.ctxlock);
	crible_err e = CRIBLE_ENOMEM;
	if (job && crible_job_set_name(job, q->name_claim) == CRIBLE_OK &&
	    crible_job_set_declared_type(job, q->declared) == CRIBLE_OK &&
	    (!q->accept || crible_job_set_accept(job, q->accept) == CRIBLE_OK))
		e = q->fd >= 0 ? crible_job_scan_fd(job, q->fd, out)
		    : q->path  ? crible_job_scan_path(job, q->path, out)
			       : crible_job_scan_mem(job, q->mem, q->len, out);
	atomic_fetch_sub(&S.scanning, 1);
	sem_post(&S.slots);
	if (e != CRIBLE_OK) {
		snprintf(err, errlen, "%s", job && *crible_job_errmsg(job) ? crible_job_errmsg(job) : crible_strerror(e));
		one_line(err);
		atomic_fetch_add(&S.errors, 1);
		log_request(q, NULL, err, now_ms() - t0);
		account(q->proto, NULL, now_ms() - t0);
		crible_job_free(job);
		return -1;
	}
	crible_job_free(job);
	if (crible_result_verdict(*out) == CRIBLE_BLOCK)
		atomic_fetch_add(&S.found, 1);
	log_request(q, *out, NULL, now_ms() - t0);
	account(q->proto, *out, now_ms() - t0);
	return 0;
}

const char *serve_http_token(void) { return S.cfg->http_token; }

/*
 * Ready: not draining, the broker answers, and fewer scans wait than two
 * rounds of slots.  Busy slots alone do not make it unready: a load
 * balancer checking every few hundred milliseconds would mark every
 * loaded daemon down at once, and answer 503 for all of them.
 */
bool serve_ready(void)
{
	if (atomic_load(&S.stop) || crible_broker_start(NULL) != CRIBLE_OK)
		return false;
	return atomic_load(&S.waiting) < 2 * (int)S.cfg->max_scans;
}

char *serve_metrics(void)
{
	char *out = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&out, &len);
	if (!f)
		return NULL;
	static const char *protos[3] = {"clamd", "icap", "http"}, *outs[4] = {"allow", "warn", "block", "error"};
	pthread_mutex_lock(&S.mmu);
	fputs("# HELP crible_requests_total Scan requests by protocol and outcome (verdict, or error).\n"
	      "# TYPE crible_requests_total counter\n", f);
	for (int p = 0; p < 3; p++)
		for (int v = 0; v < 4; v++)
			fprintf(f, "crible_requests_total{protocol=\"%s\",outcome=\"%s\"} %llu\n", protos[p], outs[v], S.req[p][v]);
	fputs("# HELP crible_findings_total Findings reported, by id.\n# TYPE crible_findings_total counter\n", f);
	for (size_t k = 0; k < S.nfid; k++)
		fprintf(f, "crible_findings_total{id=\"%s\"} %llu\n", S.fid[k], S.fcount[k]);
	fputs("# HELP crible_scan_seconds Time from a request's body to its answer.\n# TYPE crible_scan_seconds histogram\n", f);
	unsigned long long cum = 0;
	for (int b = 0; b < 9; b++) {
		cum += S.lat[b];
		fprintf(f, "crible_scan_seconds_bucket{le=\"%g\"} %llu\n", lat_le[b], cum);
	}
	cum += S.lat[9];
	fprintf(f, "crible_scan_seconds_bucket{le=\"+Inf\"} %llu\ncrible_scan_seconds_sum %.6f\ncrible_scan_seconds_count %llu\n",
		cum, S.lat_sum, cum);
	fprintf(f, "# HELP crible_scanned_bytes_total Bytes judged.\n# TYPE crible_scanned_bytes_total counter\n"
		   "crible_scanned_bytes_total %llu\n", S.bytes);
	pthread_mutex_unlock(&S.mmu);
	int busy = atomic_load(&S.scanning);
	fprintf(f, "# HELP crible_workers Scan slots (each a sandboxed worker while busy).\n# TYPE crible_workers gauge\n"
		   "crible_workers{state=\"busy\"} %d\ncrible_workers{state=\"idle\"} %d\n",
		busy, (int)S.cfg->max_scans - busy);
	fprintf(f, "# HELP crible_queue_depth Scans waiting for a slot.\n# TYPE crible_queue_depth gauge\ncrible_queue_depth %d\n",
		atomic_load(&S.waiting));
	fprintf(f, "# HELP crible_worker_failures_total Scans that could not run (a worker died or overran, overload).\n"
		   "# TYPE crible_worker_failures_total counter\ncrible_worker_failures_total %llu\n",
		(unsigned long long)atomic_load(&S.errors));
	fprintf(f, "# HELP crible_connections Open connections (clamd, ICAP).\n# TYPE crible_connections gauge\n"
		   "crible_connections %d\n", atomic_load(&S.conns));
	fclose(f);
	return out;
}

bool serve_warn_found(void)
{
	pthread_rwlock_rdlock(&S.ctxlock);
	bool w = S.cfg->warn_found;
	pthread_rwlock_unlock(&S.ctxlock);
	return w;
}

/*
 * Scans what fd holds (path when fd < 0) in a worker; the reply for
 * `name`.  all: every distinct blocking finding on its own line
 * (ALLMATCHSCAN).  Returns 1 when FOUND, 0 when OK, -1 when ERROR, -2
 * when the reply could not be sent.  quiet_ok: no line for OK (the
 * files of a folder: one OK line for the folder at the end).
 */
static int scan_reply(struct conn *c, const char *cmd, const char *name, int fd, const char *path, bool all,
		      bool quiet_ok)
{
	struct serve_req q = {.proto = "clamd", .peer = c->peer, .cmd = cmd, .name = name, .fd = fd, .path = path,
			      .name_claim = path};
	crible_result *r;
	char msg[300];
	if (serve_scan(&q, &r, msg, sizeof msg) != 0)
		return reply(c, "%s: %s ERROR", name, msg) ? -2 : -1;
	const crible_finding *f = clamd_found(r, serve_warn_found());
	bool found = f || crible_result_verdict(r) == CRIBLE_BLOCK;
	char fname[128];
	clamd_finding_name(f ? f->id : "verdict.block", fname, sizeof fname);
	int rc = found ? 1 : 0;
	if (!found) {
		if (!quiet_ok && reply(c, "%s: OK", name))
			rc = -2;
	} else if (!all) {
		if (reply(c, "%s: %s FOUND", name, fname))
			rc = -2;
	} else {
		/* Every distinct id of the deciding severity, once each, in report order. */
		crible_severity want = f ? f->severity : CRIBLE_SEV_HIGH;
		for (size_t i = 0; i < crible_result_count(r) && rc != -2; i++) {
			const crible_finding *x = crible_result_finding(r, i);
			bool dup = x->severity != want;
			for (size_t k = 0; k < i && !dup; k++)
				dup = crible_result_finding(r, k)->severity == want && !strcmp(crible_result_finding(r, k)->id, x->id);
			if (dup)
				continue;
			clamd_finding_name(x->id, fname, sizeof fname);
			if (reply(c, "%s: %s FOUND", name, fname))
				rc = -2;
		}
	}
	crible_result_free(r);
	return rc;
}

/* INSTREAM: chunks into one body (held once), then one scan of it. */
static int instream(struct conn *c)
{
	struct serve_body b;
	if (serve_body_open(&b) != 0)
		return reply(c, "stream: cannot hold the stream: %s ERROR", strerror(errno)) ? -2 : -1;
	set_timeout(c->fd, S.cfg->read_ms);
	uint64_t total = 0;
	char chunk[1 << 16];	/* on the stack: thread-local storage is zeroed for every connection thread */
	int rc = 0;
	for (;;) {
		uint8_t lb[4];
		if (read_exact(c, lb, 4) != 0) {
			rc = -2;	/* the client went away or stalled: nothing to answer */
			break;
		}
		uint32_t len = (uint32_t)lb[0] << 24 | (uint32_t)lb[1] << 16 | (uint32_t)lb[2] << 8 | lb[3];
		if (len == 0)
			break;
		if (len > S.cfg->stream_max - total) {
			reply(c, "INSTREAM size limit exceeded. ERROR");
			rc = -2;	/* and the connection closes, as clamd does */
			c->linger = true;
			break;
		}
		total += len;
		while (len) {
			uint32_t k = len < sizeof chunk ? len : (uint32_t)sizeof chunk;
			if (read_exact(c, chunk, k) != 0 || serve_body_append(&b, chunk, k) != 0) {
				rc = -2;
				break;
			}
			len -= k;
		}
		if (rc)
			break;
	}
	set_timeout(c->fd, S.cfg->command_ms);
	if (rc == 0)
		rc = scan_reply(c, "INSTREAM", "stream", b.fd, NULL, false, false);
	serve_body_close(&b);
	return rc;
}

/* Keeps a descriptor passed in SCM_RIGHTS (one; any other is closed). */
static void take_fd(struct conn *c, struct msghdr *mh)
{
	for (struct cmsghdr *m = CMSG_FIRSTHDR(mh); m; m = CMSG_NXTHDR(mh, m)) {
		if (m->cmsg_level != SOL_SOCKET || m->cmsg_type != SCM_RIGHTS)
			continue;
		size_t k = (m->cmsg_len - CMSG_LEN(0)) / sizeof(int);
		for (size_t i = 0; i < k; i++) {
			int fd;
			memcpy(&fd, CMSG_DATA(m) + i * sizeof(int), sizeof fd);
			if (c->passed_fd < 0)
				c->passed_fd = fd;
			else
				close(fd);
		}
	}
}

/* FILDES: the descriptor arrives with at least one byte, in SCM_RIGHTS. */
static int fildes(struct conn *c)
{
	if (!c->unix_sock)
		return reply(c, "FILDES: didn't receive file descriptor. ERROR") ? -2 : -1;
	/* The descriptor came with the command's bytes, or comes with the next ones. */
	if (c->passed_fd < 0) {
		char dummy[16];
		union {
			char b[CMSG_SPACE(sizeof(int))];
			struct cmsghdr align;
		} u;
		struct iovec iov = {dummy, sizeof dummy};
		struct msghdr mh = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = u.b, .msg_controllen = sizeof u.b};
		if (recvmsg(c->fd, &mh, MSG_CMSG_CLOEXEC) > 0)
			take_fd(c, &mh);
	}
	int fd = c->passed_fd;
	c->passed_fd = -1;
	if (fd < 0)
		return reply(c, "FILDES: didn't receive file descriptor. ERROR") ? -2 : -1;
	char name[32];
	snprintf(name, sizeof name, "fd[%d]", fd);
	struct stat st;
	int rc;
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode))
		rc = reply(c, "%s: not a regular file. ERROR", name) ? -2 : -1;
	else
		rc = scan_reply(c, "FILDES", name, fd, NULL, false, false);
	close(fd);
	return rc;
}

/* SCAN and its kin: a file, or every file under a folder, on this host. */
static int scan_path(struct conn *c, enum clamd_cmd cmd, const char *path)
{
	if (path[0] != '/')
		return reply(c, "%s: Path must be absolute. ERROR", path) ? -2 : -1;
	struct stat st;
	if (stat(path, &st) != 0)
		return reply(c, "%s: lstat() failed: %s. ERROR", path, strerror(errno)) ? -2 : -1;
	struct inputs in = {0};
	if (walk_add(&in, path) != 0) {
		inputs_free(&in);
		return reply(c, "%s: out of memory. ERROR", path) ? -2 : -1;
	}
	int worst = 0;	/* 1 found, -1 error */
	bool any = false;
	for (size_t i = 0; i < in.n; i++) {
		const struct input *x = &in.v[i];
		int r;
		if (x->err)
			r = reply(c, "%s: %s. ERROR", x->display, input_strerror(x)) ? -2 : -1;
		else
			r = scan_reply(c, clamd_cmd_name(cmd), x->display, -1, x->path, cmd == CL_ALLMATCHSCAN, true);
		if (r == -2) {
			worst = -2;
			break;
		}
		if (r != 0)
			any = true;
		if (r == 1 && cmd == CL_SCAN)
			break;	/* SCAN stops at the first detection */
	}
	inputs_free(&in);
	if (worst == -2)
		return -2;
	return any ? 0 : (reply(c, "%s: OK", path) ? -2 : 0);
}

static int stats(struct conn *c)
{
	char body[1024];
	snprintf(body, sizeof body,
		 "POOLS: 1\n\nSTATE: VALID PRIMARY\nTHREADS: live %d idle %d max %u idle-timeout 30\n"
		 "QUEUE: %d items\nCONNECTIONS: %d\nREQUESTS: %llu FOUND %llu ERRORS %llu OVERLOADED %llu\n"
		 "UPTIME: %lld\n\nMEMSTATS: heap N/A mmap N/A used N/A free N/A releasable N/A pools 1 pools_used N/A "
		 "pools_total N/A\nEND",
		 atomic_load(&S.scanning), (int)S.cfg->max_scans - atomic_load(&S.scanning), S.cfg->max_scans,
		 atomic_load(&S.waiting), atomic_load(&S.conns), (unsigned long long)atomic_load(&S.requests),
		 (unsigned long long)atomic_load(&S.found), (unsigned long long)atomic_load(&S.errors),
		 (unsigned long long)atomic_load(&S.overloaded), (long long)(time(NULL) - S.started));
	return reply(c, "%s", body) ? -2 : 0;
}

static int version(struct conn *c, bool commands)
{
	if (!commands)
		return reply(c, "crible %s", crible_version()) ? -2 : 0;
	char list[512];
	size_t k = 0;
	static const enum clamd_cmd cmds[] = {CL_SCAN, CL_QUIT, CL_RELOAD, CL_PING, CL_CONTSCAN, CL_VERSIONCOMMANDS,
					      CL_VERSION, CL_END, CL_SHUTDOWN, CL_MULTISCAN, CL_FILDES, CL_STATS,
					      CL_IDSESSION, CL_INSTREAM, CL_ALLMATCHSCAN};
	for (size_t i = 0; i < sizeof cmds / sizeof cmds[0]; i++)
		k += (size_t)snprintf(list + k, sizeof list - k, " %s", clamd_cmd_name(cmds[i]));
	return reply(c, "crible %s| COMMANDS:%s", crible_version(), list) ? -2 : 0;
}

/* Reads the next record into c->buf; its terminator's index, or -1 (EOF, timeout, too long). */
static long next_record(struct conn *c)
{
	for (;;) {
		long end = clamd_record_end(c->buf, c->have);
		if (end >= 0)
			return end;
		if (c->have >= CLAMD_MAX_RECORD)
			return -1;
		/* On a unix socket a descriptor may come with these bytes (FILDES): recvmsg keeps it. */
		union {
			char b[CMSG_SPACE(sizeof(int))];
			struct cmsghdr align;
		} u;
		struct iovec iov = {c->buf + c->have, CLAMD_MAX_RECORD - c->have};
		struct msghdr mh = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = c->unix_sock ? u.b : NULL,
				    .msg_controllen = c->unix_sock ? sizeof u.b : 0};
		ssize_t r = recvmsg(c->fd, &mh, MSG_CMSG_CLOEXEC);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return -1;
		take_fd(c, &mh);
		c->have += (size_t)r;
	}
}

/* Handles one command; false when the connection ends. */
static bool command(struct conn *c, const struct clamd_req *q)
{
	if (c->session) {
		c->id++;
		switch (q->cmd) {
		case CL_SCAN:
		case CL_INSTREAM:
		case CL_FILDES:
		case CL_VERSION:
		case CL_VERSIONCOMMANDS:
		case CL_PING:
		case CL_STATS:
		case CL_END:
			break;
		default:
			reply(c, "Command invalid inside IDSESSION. ERROR");
			return false;
		}
	}
	switch (q->cmd) {
	case CL_PING:
		return reply(c, "PONG") == 0;
	case CL_VERSION:
	case CL_VERSIONCOMMANDS:
		return version(c, q->cmd == CL_VERSIONCOMMANDS) == 0;
	case CL_INSTREAM:
		return instream(c) != -2;
	case CL_FILDES:
		return fildes(c) != -2;
	case CL_SCAN:
	case CL_CONTSCAN:
	case CL_MULTISCAN:
	case CL_ALLMATCHSCAN:
		return scan_path(c, q->cmd, q->arg) != -2;
	case CL_STATS:
		return stats(c) == 0;
	case CL_IDSESSION:
		if (c->session)
			return false;
		c->session = true;
		c->id = 0;
		return true;
	case CL_END:
		if (!c->session) {
			reply(c, "UNKNOWN COMMAND");
			return false;
		}
		return false;
	case CL_RELOAD:
		reply(c, "RELOADING");
		atomic_store(&S.reload, 1);
		wake();
		return false;
	case CL_SHUTDOWN:
	case CL_QUIT:
		atomic_store(&S.stop, 1);
		wake();
		return false;
	case CL_DETSTATS:
	case CL_DETSTATSCLEAR:
		return true;	/* removed from clamd: accepted with no reply */
	default:
		reply(c, "UNKNOWN COMMAND");
		return false;
	}
}

/*
 * Closes after a reply the client may not have read while it is still
 * sending (the size limit): a close with unread input sends a reset,
 * which can destroy the reply in the client's buffer before it reads it
 * (seen in one test run of eight).  So: end our side, then read and drop
 * what still comes, for at most 2 s and 16 MiB, then close.
 */
static void linger_close(int fd)
{
	shutdown(fd, SHUT_WR);
	uint64_t until = now_ms() + 2000, dropped = 0;
	char sink[16384];
	while (dropped < (16u << 20)) {
		uint64_t t = now_ms();
		if (t >= until)
			break;
		struct pollfd p = {fd, POLLIN, 0};
		if (poll(&p, 1, (int)(until - t)) <= 0)
			break;
		ssize_t n = recv(fd, sink, sizeof sink, 0);
		if (n <= 0)
			break;
		dropped += (uint64_t)n;
	}
	close(fd);
}

static void serve_conn(struct conn *c)
{
	set_timeout(c->fd, S.cfg->command_ms);
	if (c->icap) {
		/* Bodies come in chunks: each read gets read_ms. */
		set_timeout(c->fd, S.cfg->read_ms);
		icap_conn(c->fd, c->peer);
	}
	for (; !c->icap;) {
		long end = next_record(c);
		if (end < 0)
			break;
		struct clamd_req q = clamd_parse(c->buf, (size_t)end);
		/* The framing of the first command is the session's; replies follow each command's. */
		c->frame = q.frame;
		/* What follows the record (INSTREAM's chunks) stays in the buffer. */
		size_t used = (size_t)end + 1;
		char path[CLAMD_MAX_RECORD + 1];
		if (q.arg) {
			snprintf(path, sizeof path, "%s", q.arg);
			q.arg = path;
		}
		memmove(c->buf, c->buf + used, c->have - used);
		c->have -= used;
		if (!command(c, &q))
			break;
		/* Outside a session, clamd answers one command per connection. */
		if (!c->session)
			break;
	}
	if (c->linger)
		linger_close(c->fd);
	else
		close(c->fd);
	if (c->passed_fd >= 0)
		close(c->passed_fd);
	atomic_fetch_sub(&S.conns, 1);
	free(c);
}

/*
 * Connection threads are kept for the next connection: a thread per
 * connection cost a clone, an exit and a madvise of its stack on every
 * request.  A thread waits idle for POOL_IDLE_S seconds, then ends; there
 * are never more threads than connections (max_conns caps them).
 */
#define POOL_IDLE_S 30

static struct {
	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct conn *head, *tail;	/* accepted, waiting for an idle thread */
	unsigned queued, idle;
	pthread_attr_t attr;
} pool = {.mu = PTHREAD_MUTEX_INITIALIZER};

static void *pool_main(void *arg)
{
	struct conn *c = arg;
	while (c) {
		serve_conn(c);
		pthread_mutex_lock(&pool.mu);
		pool.idle++;
		struct timespec until;
		clock_gettime(CLOCK_MONOTONIC, &until);
		until.tv_sec += POOL_IDLE_S;
		while (!pool.head && pthread_cond_timedwait(&pool.cv, &pool.mu, &until) != ETIMEDOUT)
			;
		pool.idle--;
		if ((c = pool.head)) {
			pool.head = c->next;
			if (!pool.head)
				pool.tail = NULL;
			pool.queued--;
		}
		pthread_mutex_unlock(&pool.mu);
	}
	return NULL;
}

static void pool_init(void)
{
	pthread_condattr_t ca;
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&pool.cv, &ca);
	pthread_condattr_destroy(&ca);
	pthread_attr_init(&pool.attr);
	pthread_attr_setdetachstate(&pool.attr, PTHREAD_CREATE_DETACHED);
}

/* To an idle thread, or a new one; nonzero (an errno) when there is neither. */
static int pool_run(struct conn *c)
{
	pthread_mutex_lock(&pool.mu);
	if (pool.idle > pool.queued) {
		c->next = NULL;
		if (pool.tail)
			pool.tail->next = c;
		else
			pool.head = c;
		pool.tail = c;
		pool.queued++;
		pthread_cond_signal(&pool.cv);
		pthread_mutex_unlock(&pool.mu);
		return 0;
	}
	pthread_mutex_unlock(&pool.mu);
	pthread_t t;
	return pthread_create(&t, &pool.attr, pool_main, c);
}

/* --- listeners and the accept loop ------------------------------------------ */

static int listen_tcp(const char *spec)
{
	char host[256];
	const char *colon = strrchr(spec, ':');
	if (!colon || (size_t)(colon - spec) >= sizeof host) {
		fprintf(stderr, "crible serve: '%s': want HOST:PORT\n", spec);
		return -1;
	}
	memcpy(host, spec, (size_t)(colon - spec));
	host[colon - spec] = '\0';
	struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM, .ai_flags = AI_PASSIVE}, *ai;
	int e = getaddrinfo(host[0] ? host : NULL, colon + 1, &hints, &ai);
	if (e) {
		fprintf(stderr, "crible serve: %s: %s\n", spec, gai_strerror(e));
		return -1;
	}
	int fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, 0);
	int one = 1;
	if (fd >= 0)
		setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
	if (fd < 0 || bind(fd, ai->ai_addr, ai->ai_addrlen) != 0 || listen(fd, 128) != 0) {
		fprintf(stderr, "crible serve: %s: %s\n", spec, strerror(errno));
		if (fd >= 0)
			close(fd);
		fd = -1;
	}
	freeaddrinfo(ai);
	return fd;
}

static int listen_unix(const char *path)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	if (strlen(path) >= sizeof sa.sun_path) {
		fprintf(stderr, "crible serve: %s: path too long for a socket\n", path);
		return -1;
	}
	memcpy(sa.sun_path, path, strlen(path) + 1);
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	/* A socket file left by an earlier run is replaced; anything else at the path is not. */
	struct stat st;
	if (lstat(path, &st) == 0 && S_ISSOCK(st.st_mode))
		unlink(path);
	if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof sa) != 0 || listen(fd, 128) != 0) {
		fprintf(stderr, "crible serve: %s: %s\n", path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	chmod(path, 0666);
	return fd;
}

/*
 * Sockets systemd passed (socket activation, sd_listen_fds(3)): LISTEN_PID
 * names this process, LISTEN_FDS counts them from fd 3, LISTEN_FDNAMES
 * tells a unix socket from TCP only through the socket itself.
 */
static size_t inherited(int *fds, bool *is_unix, bool *is_icap, int *hfds, size_t *nh, size_t cap)
{
	const char *pid = getenv("LISTEN_PID"), *n = getenv("LISTEN_FDS"), *names = getenv("LISTEN_FDNAMES");
	if (!pid || !n || strtol(pid, NULL, 10) != (long)getpid())
		return 0;
	long k = strtol(n, NULL, 10);
	size_t got = 0;
	for (long i = 0; i < k && got < cap; i++) {
		int fd = 3 + (int)i;
		struct sockaddr_storage ss;
		socklen_t sl = sizeof ss;
		if (getsockname(fd, (struct sockaddr *)&ss, &sl) != 0)
			continue;
		/* The i-th name of LISTEN_FDNAMES (FileDescriptorName=): "icap" serves ICAP, anything else clamd. */
		const char *nm = names;
		for (long j = 0; nm && j < i; j++) {
			nm = strchr(nm, ':');
			if (nm)
				nm++;
		}
		fcntl(fd, F_SETFD, FD_CLOEXEC);
		if (nm && !strncmp(nm, "http", 4) && (nm[4] == ':' || nm[4] == '\0')) {
			if (*nh < SERVE_MAX_LISTEN)
				hfds[(*nh)++] = fd;
			continue;
		}
		is_unix[got] = ss.ss_family == AF_UNIX;
		is_icap[got] = nm && !strncmp(nm, "icap", 4) && (nm[4] == ':' || nm[4] == '\0');
		fds[got++] = fd;
	}
	unsetenv("LISTEN_PID");
	unsetenv("LISTEN_FDS");
	unsetenv("LISTEN_FDNAMES");
	return got;
}

void serve_peer_name(const struct sockaddr *sa, char *out, size_t len)
{
	char h[INET6_ADDRSTRLEN] = "?";
	unsigned port = 0;
	if (sa && sa->sa_family == AF_INET) {
		inet_ntop(AF_INET, &((const struct sockaddr_in *)sa)->sin_addr, h, sizeof h);
		port = ntohs(((const struct sockaddr_in *)sa)->sin_port);
	} else if (sa && sa->sa_family == AF_INET6) {
		inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)sa)->sin6_addr, h, sizeof h);
		port = ntohs(((const struct sockaddr_in6 *)sa)->sin6_port);
	}
	snprintf(out, len, "%s@%u", h, port);
}

static void peer_name(int fd, bool is_unix, char *out, size_t len)
{
	struct sockaddr_storage ss;
	socklen_t sl = sizeof ss;
	if (is_unix || getpeername(fd, (struct sockaddr *)&ss, &sl) != 0) {
		snprintf(out, len, "%s", is_unix ? "unix" : "?");
		return;
	}
	serve_peer_name((struct sockaddr *)&ss, out, len);
}

int serve_run(struct serve_cfg *cfg)
{
	S.cfg = cfg;
	S.started = time(NULL);
	pthread_rwlock_init(&S.ctxlock, NULL);
	pthread_mutex_init(&S.logmu, NULL);
	pthread_mutex_init(&S.mmu, NULL);
	if (pipe2(S.wake, O_CLOEXEC | O_NONBLOCK) != 0 || sem_init(&S.slots, 0, cfg->max_scans) != 0)
		return EXIT_ERROR;
	if (!(S.ctx = make_ctx(cfg)))
		return EXIT_ERROR;
	int fds[2 * SERVE_MAX_LISTEN + 2];
	bool is_unix[2 * SERVE_MAX_LISTEN + 2], is_icap[2 * SERVE_MAX_LISTEN + 2] = {0};
	int hfds[SERVE_MAX_LISTEN + 1];
	size_t nh = 0;
	size_t nfd = inherited(fds, is_unix, is_icap, hfds, &nh, 2 * SERVE_MAX_LISTEN + 1);
	make_istag(cfg, S.ctx, S.istag);
	if (!nfd) {
		for (size_t i = 0; i < cfg->nclamd; i++) {
			if ((fds[nfd] = listen_tcp(cfg->clamd[i])) < 0)
				return EXIT_ERROR;
			is_unix[nfd++] = false;
		}
		for (size_t i = 0; i < cfg->nicap; i++) {
			if ((fds[nfd] = listen_tcp(cfg->icap[i])) < 0)
				return EXIT_ERROR;
			is_icap[nfd] = true;
			is_unix[nfd++] = false;
		}
		for (size_t i = 0; i < cfg->nhttp; i++)
			if ((hfds[nh++] = listen_tcp(cfg->http[i])) < 0)
				return EXIT_ERROR;
		if (cfg->clamd_socket) {
			if ((fds[nfd] = listen_unix(cfg->clamd_socket)) < 0)
				return EXIT_ERROR;
			is_unix[nfd++] = true;
		}
	}
	/* Start the broker now: the first request does not pay for it, and a missing one shows at once. */
	if (crible_broker_start(NULL) != CRIBLE_OK) {
		fprintf(stderr, "crible serve: the broker (crible-broker) cannot be started: scans would all fail\n");
		return EXIT_ERROR;
	}
	/* HTTP: libmicrohttpd's threads on our listening sockets. */
	void *httpd[SERVE_MAX_LISTEN + 1];
	for (size_t i = 0; i < nh; i++)
		if (!(httpd[i] = http_start(hfds[i], cfg->max_conns, (cfg->read_ms + 999) / 1000))) {
			fprintf(stderr, "crible serve: the HTTP server cannot start\n");
			return EXIT_ERROR;
		}
	struct sigaction sa = {.sa_handler = on_signal};
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	fprintf(stderr, "crible serve: %s: listening (%zu sockets), %u scans at once\n", crible_version(), nfd + nh,
		cfg->max_scans);
	struct pollfd pf[2 * SERVE_MAX_LISTEN + 3];
	for (size_t i = 0; i < nfd; i++)
		pf[i] = (struct pollfd){.fd = fds[i], .events = POLLIN};
	pf[nfd] = (struct pollfd){.fd = S.wake[0], .events = POLLIN};
	pool_init();
	while (!atomic_load(&S.stop)) {
		if (poll(pf, nfd + 1, -1) < 0 && errno != EINTR)
			break;
		if (pf[nfd].revents) {
			char junk[64];
			while (read(S.wake[0], junk, sizeof junk) > 0)
				;
		}
		if (atomic_exchange(&S.reload, 0))
			reload();
		for (size_t i = 0; i < nfd && !atomic_load(&S.stop); i++) {
			if (!(pf[i].revents & POLLIN))
				continue;
			int cfd = accept4(fds[i], NULL, NULL, SOCK_CLOEXEC);
			if (cfd < 0)
				continue;
			if ((unsigned)atomic_load(&S.conns) >= cfg->max_conns) {
				close(cfd);	/* over the connection cap: the client retries elsewhere (haproxy) */
				atomic_fetch_add(&S.overloaded, 1);
				continue;
			}
			struct conn *c = calloc(1, sizeof *c);
			if (!c) {
				close(cfd);
				continue;
			}
			c->fd = cfd;
			c->passed_fd = -1;
			c->unix_sock = is_unix[i];
			c->icap = is_icap[i];
			peer_name(cfd, is_unix[i], c->peer, sizeof c->peer);
			atomic_fetch_add(&S.conns, 1);
			int pe = pool_run(c);
			if (pe != 0) {
				fprintf(stderr, "crible serve: no thread for a connection: %s\n", strerror(pe));
				atomic_fetch_sub(&S.conns, 1);
				close(cfd);
				free(c);
			}
		}
	}
	/* Drain: no new connection; those running finish (bounded by their deadlines). */
	for (size_t i = 0; i < nfd; i++)
		close(fds[i]);
	for (size_t i = 0; i < nh; i++) {
		http_stop(httpd[i]);
		close(hfds[i]);
	}
	if (cfg->clamd_socket)
		unlink(cfg->clamd_socket);
	uint64_t until = now_ms() + (uint64_t)cfg->read_ms + cfg->scan_ms + 5000;
	while (atomic_load(&S.conns) > 0 && now_ms() < until)
		usleep(20000);
	fprintf(stderr, "crible serve: stopped\n");
	return EXIT_CLEAN;
}
