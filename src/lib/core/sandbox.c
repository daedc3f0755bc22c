/*
 * sandbox.c - run a walker in a forked child, bounded in memory and time.
 *
 * The child inherits the scan (where chain, depth, budget), runs the
 * walker into a fresh result, and writes back, on a pipe:
 *   u64 expanded, u64 entries, u8 stop,
 *   then per finding: u8 id, u8 severity, u16 where count, then each
 *   where string and the detail as u32 length + bytes.
 * The parent re-emits each finding at its own place and takes over the
 * budget.  A child that dies (signal, memory cap, SIGALRM at the
 * deadline) leaves a finding instead of a clean result.
 *
 * glibc makes malloc usable in the child of a threaded parent; the child
 * touches no other lock-holding state (no stdio, no OpenSSL).  ASan's
 * allocator (GCC 12, clang 14) has no such fork handling: a sanitizer
 * build scanning several files at once can fork while another thread
 * holds an allocator lock, and that child then waits for the deadline
 * (limit.time).  Release builds are not affected.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "scan.h"

#define CHILD_AS_GROWTH (384ull << 20)	/* what the child may add to the address space it inherits */
#define MAX_REPLY (16u << 20)

#if defined(__SANITIZE_ADDRESS__)
#define UNDER_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define UNDER_ASAN 1
#endif
#endif

struct wbuf {
	uint8_t *p;
	size_t len, cap;
	bool bad;
};

static void put(struct wbuf *b, const void *p, size_t n)
{
	if (b->bad || n > MAX_REPLY - b->len) {
		b->bad = true;
		return;
	}
	if (b->len + n > b->cap) {
		size_t cap = b->cap ? b->cap * 2 : 4096;
		while (cap < b->len + n)
			cap *= 2;
		uint8_t *q = realloc(b->p, cap);
		if (!q) {
			b->bad = true;
			return;
		}
		b->p = q;
		b->cap = cap;
	}
	memcpy(b->p + b->len, p, n);
	b->len += n;
}

static void put_str(struct wbuf *b, const char *s)
{
	uint32_t l = (uint32_t)strlen(s);
	put(b, &l, 4);
	put(b, s, l);
}

static int write_all(int fd, const uint8_t *p, size_t n)
{
	while (n) {
		ssize_t w = write(fd, p, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

static uint64_t now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static void child(struct cr_scan *s, void (*fn)(struct cr_scan *, void *), void *arg, int fd)
{
#ifndef UNDER_ASAN
	/*
	 * The cap is on growth: the child inherits the parent's mappings
	 * (thread stacks, libraries), which vary with the embedding program.
	 */
	uint64_t vm = 0;
	int sfd = open("/proc/self/statm", O_RDONLY | O_CLOEXEC);
	if (sfd >= 0) {
		char buf[64];
		ssize_t n = read(sfd, buf, sizeof buf - 1);
		close(sfd);
		if (n > 0) {
			buf[n] = '\0';
			vm = strtoull(buf, NULL, 10) * (uint64_t)sysconf(_SC_PAGESIZE);
		}
	}
	rlim_t cap = (rlim_t)(vm + CHILD_AS_GROWTH);
	struct rlimit rl = {cap, cap};
	setrlimit(RLIMIT_AS, &rl);
#endif
	/* The scan's deadline, as a timer: SIGALRM ends the child wherever it loops. */
	uint64_t now = now_ns(), left = s->bud->deadline_ns > now ? s->bud->deadline_ns - now : 1000000;
	struct itimerval it = {{0, 0}, {(time_t)(left / 1000000000ull), (suseconds_t)((left % 1000000000ull) / 1000)}};
	if (it.it_value.tv_sec == 0 && it.it_value.tv_usec == 0)
		it.it_value.tv_usec = 1000;
	signal(SIGALRM, SIG_DFL);
	setitimer(ITIMER_REAL, &it, NULL);

	crible_result *r = calloc(1, sizeof *r);
	if (!r)
		_exit(3);
	struct cr_scan cs = *s;
	cs.res = r;
	fn(&cs, arg);

	struct wbuf b = {0};
	uint8_t stop = s->bud->stop;
	put(&b, &s->bud->expanded, 8);
	put(&b, &s->bud->entries, 8);
	put(&b, &stop, 1);
	for (size_t i = 0; i < r->nf; i++) {
		uint8_t id = (uint8_t)r->f[i].fid, sev = (uint8_t)r->f[i].sev;
		uint16_t nw = (uint16_t)r->f[i].nwhere;
		put(&b, &id, 1);
		put(&b, &sev, 1);
		put(&b, &nw, 2);
		for (size_t k = 0; k < r->f[i].nwhere; k++)
			put_str(&b, r->f[i].where[k]);
		put_str(&b, r->f[i].detail);
	}
	if (b.bad || write_all(fd, b.p, b.len) != 0)
		_exit(4);
	_exit(cs.err == CRIBLE_OK ? 0 : 5);
}

struct rbuf {
	const uint8_t *p;
	size_t len;
};

static bool get(struct rbuf *r, void *out, size_t n)
{
	if (n > r->len)
		return false;
	memcpy(out, r->p, n);
	r->p += n;
	r->len -= n;
	return true;
}

static char *get_str(struct rbuf *r)
{
	uint32_t l;
	if (!get(r, &l, 4) || l > r->len)
		return NULL;
	char *s = malloc((size_t)l + 1);
	if (!s)
		return NULL;
	memcpy(s, r->p, l);
	s[l] = '\0';
	r->p += l;
	r->len -= l;
	return s;
}

/* Re-emits the child's findings; false when the reply is malformed. */
static bool replay(struct cr_scan *s, const uint8_t *p, size_t n)
{
	struct rbuf r = {p, n};
	uint64_t expanded, entries;
	uint8_t stop;
	if (!get(&r, &expanded, 8) || !get(&r, &entries, 8) || !get(&r, &stop, 1))
		return false;
	s->bud->expanded = expanded;
	s->bud->entries = entries;
	s->bud->stop = s->bud->stop || stop;
	const char **saved = s->where;
	size_t savedn = s->nwhere;
	while (r.len) {
		uint8_t id, sev;
		uint16_t nw;
		if (!get(&r, &id, 1) || !get(&r, &sev, 1) || !get(&r, &nw, 2) || id >= F_NIDS || sev > 2 ||
		    nw > CR_MAX_DEPTH_HARD + 2)
			return false;
		char *w[CR_MAX_DEPTH_HARD + 2];
		size_t k = 0;
		bool ok = true;
		for (; k < nw && ok; k++)
			ok = (w[k] = get_str(&r)) != NULL;
		if (!ok)
			k--;
		char *detail = ok ? get_str(&r) : NULL;
		if (detail) {
			s->where = (const char **)w;
			s->nwhere = nw;
			cr_emit_final(s, (enum cr_fid)id, (crible_severity)sev, detail);
			s->where = saved;
			s->nwhere = savedn;
		}
		for (size_t j = 0; j < k; j++)
			free(w[j]);
		free(detail);
		if (!detail)
			return false;
	}
	return true;
}

void cr_sandbox(struct cr_scan *s, void (*fn)(struct cr_scan *, void *), void *arg, const char *what)
{
	if (!s->bud) {
		fn(s, arg);
		return;
	}
	int fds[2];
	if (pipe2(fds, O_CLOEXEC) != 0) {
		s->err = CRIBLE_EIO;
		return;
	}
	pid_t pid = fork();
	if (pid < 0) {
		close(fds[0]);
		close(fds[1]);
		s->err = CRIBLE_EIO;
		return;
	}
	if (pid == 0) {
		close(fds[0]);
		child(s, fn, arg, fds[1]);
	}
	close(fds[1]);
	struct wbuf b = {0};
	uint8_t tmp[65536];
	for (;;) {
		ssize_t n = read(fds[0], tmp, sizeof tmp);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		put(&b, tmp, (size_t)n);
	}
	close(fds[0]);
	int status = 0;
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	bool clean = WIFEXITED(status) && (WEXITSTATUS(status) == 0 || WEXITSTATUS(status) == 5);
	if (clean && !b.bad && replay(s, b.p, b.len)) {
		if (WEXITSTATUS(status) == 5)
			cr_emit(s, F_CONTAINER_CORRUPT, -1, "%s failed inside: content not fully inspected", what);
	} else if (WIFSIGNALED(status) && WTERMSIG(status) == SIGALRM) {
		cr_emit(s, F_LIMIT_TIME, -1, "the %s did not finish within %u ms; the scan stopped", what,
			s->ctx->lim.time_ms);
		s->bud->stop = true;
	} else {
		cr_emit(s, F_CONTAINER_CORRUPT, -1, "the %s failed on this input (%s %d): content not inspected",
			what, WIFSIGNALED(status) ? "signal" : "exit", WIFSIGNALED(status) ? WTERMSIG(status)
											: WEXITSTATUS(status));
	}
	free(b.p);
}
