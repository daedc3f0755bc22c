/*
 * broker.c - the worker broker: the client side that every scanning
 * thread uses, and the broker's own loop (run by crible-broker).  See
 * broker.h for who owns what and wire.h for what crosses.
 */
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <pwd.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "../rules/yara.h"
#include "broker.h"
#include "crible.h"

extern char **environ;

#ifndef CR_LIBEXECDIR
#define CR_LIBEXECDIR "/usr/local/libexec"
#endif

/* --- client ------------------------------------------------------------- */

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static int ctl = -1;		/* our end of the control socket, under mu */
static pid_t broker_pid;
static char broker_path[4096];	/* set by crible_broker_start, else found */

/* The broker next to this library (or program, when linked statically), else under libexecdir. */
static int find_broker(char *out, size_t len)
{
	if (!out || len == 0)
		return -1;
	/* Not from the environment of a set-uid host: that would run the caller's program with its rights. */
	const char *env = secure_getenv("CRIBLE_BROKER");
	if (env && *env) {
		snprintf(out, len, "%s", env);
		return access(out, X_OK);
	}
	if (broker_path[0]) {
		snprintf(out, len, "%s", broker_path);
		return access(out, X_OK);
	}
	Dl_info di;
	if (dladdr((void *)find_broker, &di) && di.dli_fname) {
		const char *slash = strrchr(di.dli_fname, '/');
		if (slash) {
			snprintf(out, len, "%.*s/crible-broker", (int)(slash - di.dli_fname), di.dli_fname);
			if (access(out, X_OK) == 0)
				return 0;
		}
	}
	snprintf(out, len, "%s/crible-broker", CR_LIBEXECDIR);
	return access(out, X_OK);
}

/* Spawns the broker; under mu.  0, or -1 with *why. */
static int spawn_broker(const char **why)
{
	char path[4096];
	if (find_broker(path, sizeof path) != 0) {
		*why = "the broker executable (crible-broker) was not found";
		return -1;
	}
	int sv[2];
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) != 0) {
		*why = "cannot create the broker's socket";
		return -1;
	}
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t at;
	posix_spawn_file_actions_init(&fa);
	posix_spawnattr_init(&at);
	/* Only /dev/null, stderr and the control socket cross; every other descriptor stays here. */
	posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
	posix_spawn_file_actions_adddup2(&fa, sv[1], 3);
	posix_spawn_file_actions_addclosefrom_np(&fa, 4);
	/* Default signal dispositions and an empty mask, whatever the host set. */
	sigset_t all, none;
	sigfillset(&all);
	sigemptyset(&none);
	posix_spawnattr_setsigdefault(&at, &all);
	posix_spawnattr_setsigmask(&at, &none);
	posix_spawnattr_setflags(&at, POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK);
	char *argv[] = {"crible-broker", "--fd", "3", NULL};
	pid_t pid;
	int e = posix_spawn(&pid, path, &fa, &at, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	posix_spawnattr_destroy(&at);
	close(sv[1]);
	if (e != 0) {
		close(sv[0]);
		*why = "the broker could not be started";
		return -1;
	}
	ctl = sv[0];
	broker_pid = pid;
	return 0;
}

/* Sends the request with its two or three descriptors; under mu. */
static int send_req(const struct cr_job_req *req, const void *cfg, size_t cfglen, int wend, int data, int rules)
{
	struct cr_msg m;
	cr_msg_begin(&m, 'J');
	cr_msg_put(&m, req, sizeof *req);
	cr_msg_put(&m, cfg, cfglen);
	struct iovec iov = {m.buf, m.len};
	union {
		char buf[CMSG_SPACE(3 * sizeof(int))];
		struct cmsghdr align;
	} u;
	memset(&u, 0, sizeof u);
	int fds[3] = {wend, data, rules};
	size_t nfd = rules >= 0 ? 3 : 2;
	struct msghdr mh = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = u.buf,
			    .msg_controllen = CMSG_SPACE(nfd * sizeof(int))};
	struct cmsghdr *c = CMSG_FIRSTHDR(&mh);
	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	c->cmsg_len = CMSG_LEN(nfd * sizeof(int));
	memcpy(CMSG_DATA(c), fds, nfd * sizeof(int));
	for (;;) {
		ssize_t w = sendmsg(ctl, &mh, MSG_NOSIGNAL);
		if (w == (ssize_t)m.len)
			return 0;
		if (w < 0 && errno == EINTR)
			continue;
		return -1;
	}
}

/*
 * A descriptor the worker may read but not write: a file opened for
 * writing (a spool) is reopened read-only through /proc.  Returns a new
 * descriptor to close, or -1 to use the original.
 */
static int read_only(int fd)
{
	int fl = fcntl(fd, F_GETFL);
	if (fl < 0 || (fl & O_ACCMODE) == O_RDONLY)
		return -1;
	char p[64];
	snprintf(p, sizeof p, "/proc/self/fd/%d", fd);
	return open(p, O_RDONLY | O_CLOEXEC);
}

int cr_broker_submit(const struct cr_job_req *req, int data, struct cr_job_conn *jc, const char **why)
{
	return cr_broker_submit_cfg(req, NULL, 0, data, -1, jc, why);
}

int cr_broker_submit_cfg(const struct cr_job_req *req, const void *cfg, size_t cfglen, int data, int rules,
			 struct cr_job_conn *jc, const char **why)
{
	memset(jc, 0, sizeof *jc);
	if (cfglen > CR_WIRE_CFG) {
		*why = "the scan's configuration is too large to send";
		return -1;
	}
	jc->fd = -1;
	int sv[2];
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) != 0) {
		*why = "cannot create a job socket";
		return -1;
	}
	int ro = read_only(data);
	int rc = -1;
	pthread_mutex_lock(&mu);
	/* A broker that died is replaced once; a second failure is the answer. */
	for (int attempt = 0; attempt < 2; attempt++) {
		if (ctl < 0 && spawn_broker(why) != 0)
			break;
		if (send_req(req, cfg, cfglen, sv[1], ro >= 0 ? ro : data, rules) == 0) {
			rc = 0;
			break;
		}
		*why = "the broker is gone";
		close(ctl);
		ctl = -1;
		if (broker_pid > 0)
			waitpid(broker_pid, NULL, WNOHANG);
	}
	pthread_mutex_unlock(&mu);
	close(sv[1]);
	if (ro >= 0)
		close(ro);
	if (rc != 0) {
		close(sv[0]);
		return -1;
	}
	jc->fd = sv[0];
	return 0;
}

static uint64_t now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

enum cr_recv cr_job_recv(struct cr_job_conn *jc, uint8_t *buf, size_t cap, size_t *len, uint64_t deadline_ns,
			 const atomic_int *cancel)
{
	for (;;) {
		if (jc->fd < 0 || jc->eof)
			return RECV_END;
		if (cancel && atomic_load(cancel))
			return RECV_CANCEL;
		uint64_t now = now_ns();
		if (now >= deadline_ns)
			return RECV_TIMEOUT;
		uint64_t left_ms = (deadline_ns - now + 999999) / 1000000;
		/* Slices short enough to see a cancel promptly. */
		int wait = left_ms > 50 ? 50 : (int)left_ms;
		struct pollfd p = {jc->fd, POLLIN, 0};
		int r = poll(&p, 1, wait);
		if (r < 0 && errno != EINTR)
			return RECV_ERROR;
		if (r <= 0)
			continue;
		ssize_t n = recv(jc->fd, buf, cap, MSG_TRUNC);
		if (n < 0) {
			if (errno == EINTR || errno == EAGAIN)
				continue;
			return RECV_ERROR;
		}
		if (n == 0) {
			jc->eof = true;
			return RECV_END;
		}
		if ((size_t)n > cap)
			return RECV_ERROR;	/* larger than any message the protocol has */
		struct cr_rmsg m = {buf + 1, (size_t)n - 1};
		uint32_t v;
		switch (buf[0]) {
		case 'S':
			if (cr_rmsg_u32(&m, &v))
				jc->pid = (pid_t)v;
			continue;
		case 'W':
			if (cr_rmsg_u32(&m, &v)) {
				jc->exited = true;
				jc->status = (int)v;
			}
			jc->eof = true;
			return RECV_END;
		case 'X':
			/* Done: the client closes now; the worker's exit is none of its business. */
			jc->done = true;
			return RECV_END;
		default:
			*len = (size_t)n;
			return RECV_MSG;
		}
	}
}

void cr_job_close(struct cr_job_conn *jc)
{
	if (jc->fd >= 0)
		close(jc->fd);
	jc->fd = -1;
}

const char *cr_job_death(int status, char *buf, size_t len)
{
	if (WIFSIGNALED(status)) {
		int sig = WTERMSIG(status);
		const char *what = sig == SIGSYS ? "killed by its sandbox: a forbidden system call"
				   : sig == SIGALRM || sig == SIGXCPU ? "stopped at the deadline"
				   : sig == SIGKILL ? "killed"
				   : sig == SIGSEGV || sig == SIGBUS ? "crashed"
				   : sig == SIGABRT ? "aborted" : "killed by a signal";
		snprintf(buf, len, "%s (%s)", what, sigabbrev_np(sig) ? sigabbrev_np(sig) : "?");
	} else if (WIFEXITED(status)) {
		int c = WEXITSTATUS(status);
		snprintf(buf, len, "exited with status %d%s", c,
			 c >= 120 && c <= 123 ? " (its sandbox could not be set up)" : "");
	} else {
		snprintf(buf, len, "ended abnormally");
	}
	return buf;
}

/* The broker's pid, or 0 (tests). */
pid_t cr_broker_pid(void);
pid_t cr_broker_pid(void)
{
	pthread_mutex_lock(&mu);
	pid_t p = ctl >= 0 ? broker_pid : 0;
	pthread_mutex_unlock(&mu);
	return p;
}

crible_err crible_broker_start(const char *path)
{
	const char *why;
	pthread_mutex_lock(&mu);
	if (path)
		snprintf(broker_path, sizeof broker_path, "%s", path);
	int rc = ctl >= 0 ? 0 : spawn_broker(&why);
	pthread_mutex_unlock(&mu);
	return rc == 0 ? CRIBLE_OK : CRIBLE_EIO;
}

/* --- the broker's loop (crible-broker) ---------------------------------- */

#define MAX_JOBS 4096

struct job {
	pid_t pid;		/* 0: queued, not started */
	bool killed;		/* its client left; waiting to reap it */
	int sock, data;
	struct cr_job_req req;
	uint8_t *cfg;		/* a scan job's configuration (malloc'd), or NULL */
	size_t cfglen;
	struct rules *rules;	/* its YARA rules (a reference), or NULL */
};

static struct job jobs[MAX_JOBS];
static size_t njobs;

/*
 * YARA rules, loaded once per digest and inherited by every worker
 * forked while they are here.  An entry no queued job holds is replaced
 * when a new digest needs its place (a daemon's reload leaves the old
 * rules to the jobs that still have them, then they go).
 */
#define MAX_RULES 8

static struct rules {
	uint8_t digest[32];
	struct cr_yara *y;
	unsigned refs;		/* queued jobs holding it */
	uint64_t used;		/* when it was last asked for */
} rules_tab[MAX_RULES];
static uint64_t rules_clock;

/* The rules with that digest, loaded from fd when they are not here yet; NULL when they cannot be had. */
static struct rules *rules_get(const uint8_t digest[32], int fd)
{
	struct rules *free_slot = NULL;
	for (size_t i = 0; i < MAX_RULES; i++) {
		struct rules *r = &rules_tab[i];
		if (r->y && !memcmp(r->digest, digest, 32)) {
			r->refs++;
			r->used = ++rules_clock;
			return r;
		}
		if (!r->refs && (!free_slot || !r->y || (free_slot->y && r->used < free_slot->used)))
			free_slot = r;
	}
	struct cr_yara *y = NULL;
	if (!free_slot || cr_yara_load(fd, digest, &y) != CRIBLE_OK)
		return NULL;
	cr_yara_free(free_slot->y);
	*free_slot = (struct rules){.y = y, .refs = 1, .used = ++rules_clock};
	memcpy(free_slot->digest, digest, 32);
	cr_worker_note_vm(true);	/* the broker's size changed by the rules */
	return free_slot;
}

static void rules_put(struct rules *r)
{
	if (r && r->refs)
		r->refs--;
}

static unsigned max_workers(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);
	return n > 0 ? (unsigned)(4 * n) : 8;
}

static void send_u32(int fd, uint8_t type, uint32_t v)
{
	struct cr_msg m;
	cr_msg_begin(&m, type);
	cr_msg_u32(&m, v);
	/* Never block the broker on a client: a full socket loses the message, and the client then sees EOF. */
	(void)send(fd, m.buf, m.len, MSG_NOSIGNAL | MSG_DONTWAIT);
}

static void start(struct job *j, const struct cr_worker_cfg *cfg, int ctlfd, int sfd)
{
	cr_worker_note_vm(false);
	pid_t pid = fork();
	if (pid == 0) {
		close(ctlfd);
		close(sfd);
		cr_worker_yara = j->rules ? j->rules->y : NULL;
		cr_worker_main(j->sock, j->data, &j->req, j->cfg, j->cfglen, cfg);
	}
	rules_put(j->rules);
	j->rules = NULL;
	close(j->data);
	j->data = -1;
	if (pid < 0) {
		/* No worker to be had: the client sees the job end without a result, and fails closed. */
		close(j->sock);
		j->sock = -1;
		j->pid = -1;
		return;
	}
	j->pid = pid;
	send_u32(j->sock, 'S', (uint32_t)pid);
}

static void drop(size_t i)
{
	rules_put(jobs[i].rules);
	free(jobs[i].cfg);
	if (jobs[i].sock >= 0)
		close(jobs[i].sock);
	if (jobs[i].data >= 0)
		close(jobs[i].data);
	jobs[i] = jobs[--njobs];
}

/* Takes one request off the control socket; false when the host has gone. */
static bool take(int ctlfd)
{
	static uint8_t buf[1 + sizeof(struct cr_job_req) + CR_WIRE_CFG];
	union {
		char b[CMSG_SPACE(4 * sizeof(int))];
		struct cmsghdr align;
	} u;
	struct iovec iov = {buf, sizeof buf};
	struct msghdr mh = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = u.b, .msg_controllen = sizeof u.b};
	ssize_t n = recvmsg(ctlfd, &mh, MSG_CMSG_CLOEXEC);
	if (n < 0)
		return errno == EINTR || errno == EAGAIN;
	if (n == 0)
		return false;
	int fds[4], nfd = 0;
	for (struct cmsghdr *c = CMSG_FIRSTHDR(&mh); c; c = CMSG_NXTHDR(&mh, c))
		if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS) {
			int k = (int)((c->cmsg_len - CMSG_LEN(0)) / sizeof(int));
			for (int i = 0; i < k && nfd < 4; i++)
				memcpy(&fds[nfd++], CMSG_DATA(c) + i * sizeof(int), sizeof(int));
		}
	struct cr_job_req req;
	static const uint8_t none[32];
	bool ok = n >= (ssize_t)(1 + sizeof req) && buf[0] == 'J' && (nfd == 2 || nfd == 3) &&
		  !(mh.msg_flags & (MSG_TRUNC | MSG_CTRUNC));
	uint8_t *cfgb = NULL;
	size_t cfglen = ok ? (size_t)n - 1 - sizeof req : 0;
	struct rules *rules = NULL;
	if (ok) {
		memcpy(&req, buf + 1, sizeof req);
		bool has_rules = memcmp(req.rules, none, 32) != 0;
		ok = req.version == CR_WIRE_VERSION && njobs < MAX_JOBS && has_rules == (nfd == 3) &&
		     (!has_rules || req.kind == CR_JOB_SCAN);
		/* Rules that cannot be loaded fail the job: it never runs without them. */
		if (ok && has_rules)
			ok = (rules = rules_get(req.rules, fds[2])) != NULL;
	}
	for (int i = 2; i < nfd; i++)
		close(fds[i]);	/* the rules are loaded (or not): the worker never holds their descriptor */
	if (ok && cfglen) {
		cfgb = malloc(cfglen);
		if (cfgb)
			memcpy(cfgb, buf + 1 + sizeof req, cfglen);
		ok = cfgb != NULL;
	}
	if (!ok) {
		rules_put(rules);
		for (int i = 0; i < nfd && i < 2; i++)
			close(fds[i]);
		return true;
	}
	jobs[njobs++] = (struct job){.pid = 0, .sock = fds[0], .data = fds[1], .req = req, .cfg = cfgb, .cfglen = cfglen,
				     .rules = rules};
	return true;
}

int cr_broker_main(int ctlfd)
{
	struct cr_worker_cfg cfg = {.devnull = open("/dev/null", O_RDWR | O_CLOEXEC)};
	const char *ks = getenv("CRIBLE_BROKER_STDERR");
	cfg.keep_stderr = ks && *ks == '1';
	if (geteuid() == 0) {
		/* Workers of a root host run as nobody. */
		struct passwd *pw = getpwnam("nobody");
		cfg.drop = true;
		cfg.uid = pw ? pw->pw_uid : 65534;
		cfg.gid = pw ? pw->pw_gid : 65534;
	}
	signal(SIGPIPE, SIG_IGN);
	sigset_t chld;
	sigemptyset(&chld);
	sigaddset(&chld, SIGCHLD);
	sigprocmask(SIG_BLOCK, &chld, NULL);
	int sfd = signalfd(-1, &chld, SFD_CLOEXEC | SFD_NONBLOCK);
	if (cfg.devnull < 0 || sfd < 0)
		return 1;
	cr_worker_prepare();
	unsigned cap = max_workers();
	struct pollfd *pf = calloc(MAX_JOBS + 2, sizeof *pf);
	if (!pf)
		return 1;
	bool host = true;
	while (host || njobs) {
		/* Start what the worker cap allows, oldest first. */
		unsigned running = 0;
		for (size_t i = 0; i < njobs; i++)
			running += jobs[i].pid > 0;
		for (size_t i = 0; i < njobs && running < cap; i++)
			if (jobs[i].pid == 0) {
				start(&jobs[i], &cfg, ctlfd, sfd);
				running += jobs[i].pid > 0;
			}
		for (size_t i = 0; i < njobs;)
			if (jobs[i].pid < 0)
				drop(i);
			else
				i++;
		size_t np = 0;
		pf[np++] = (struct pollfd){sfd, POLLIN, 0};
		if (host)
			pf[np++] = (struct pollfd){ctlfd, POLLIN, 0};
		size_t first = np;
		for (size_t i = 0; i < njobs; i++)
			pf[np++] = (struct pollfd){jobs[i].killed ? -1 : jobs[i].sock, 0, 0};	/* hangups only */
		if (poll(pf, np, -1) < 0 && errno != EINTR)
			break;
		if (host && (pf[1].revents & (POLLIN | POLLHUP | POLLERR)))
			host = take(ctlfd);
		if (!host) {
			/* The host is gone: nobody will read what the workers say. */
			for (size_t i = 0; i < njobs; i++)
				if (jobs[i].pid > 0 && !jobs[i].killed) {
					kill(jobs[i].pid, SIGKILL);
					jobs[i].killed = true;
				}
			for (size_t i = 0; i < njobs;)
				if (jobs[i].pid == 0)
					drop(i);
				else
					i++;
		}
		/* A client that closed its end no longer wants the job. */
		for (size_t k = first; k < np; k++) {
			size_t i = k - first;
			if (i < njobs && (pf[k].revents & (POLLHUP | POLLERR)) && jobs[i].sock == pf[k].fd) {
				if (jobs[i].pid > 0)
					kill(jobs[i].pid, SIGKILL);
				else
					jobs[i].pid = -1;	/* never started */
				jobs[i].killed = true;
			}
		}
		if (pf[0].revents & POLLIN) {
			struct signalfd_siginfo si;
			while (read(sfd, &si, sizeof si) > 0)
				;
			int st;
			pid_t pid;
			while ((pid = waitpid(-1, &st, WNOHANG)) > 0)
				for (size_t i = 0; i < njobs; i++)
					if (jobs[i].pid == pid) {
						send_u32(jobs[i].sock, 'W', (uint32_t)st);
						drop(i);
						break;
					}
		}
	}
	free(pf);
	return 0;
}
