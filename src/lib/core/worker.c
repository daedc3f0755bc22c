/*
 * worker.c - one job in a worker process, forked by the single-threaded
 * broker (broker.h says who owns what).
 *
 * Before the worker reads a byte of input:
 *   1. it keeps only its two descriptors, as fd 3 (the job socket) and
 *      fd 4 (the data), with /dev/null on 0, 1 and 2;
 *   2. rlimits: no core, no new files, its address space capped at what
 *      it has plus the job's memory cap, CPU seconds to the deadline;
 *      a timer (SIGALRM) ends it at the deadline wherever it loops;
 *   3. started as root, it becomes an unprivileged user;
 *   4. no_new_privs, not dumpable;
 *   5. a default-deny seccomp filter: reads on the data, writes on the
 *      job socket, memory management without PROT_EXEC, exit.  Opening a
 *      file returns EACCES (libraries that probe for locale files get an
 *      error, not a death); anything else kills the worker with SIGSYS,
 *      which the client reports as container.uninspected.
 */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <malloc.h>
#include <seccomp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

#include "../formats/libarch.h"
#include "broker.h"

#define FD_SOCK 3
#define FD_DATA 4

bool cr_in_worker;
struct cr_yara *cr_worker_yara;

static void die(int code) __attribute__((noreturn));
static void die(int code) { _exit(code); }

/* Moves sock and data to 3 and 4, /dev/null to 0-2, closes everything else. */
static void descriptors(int sock, int data, const struct cr_worker_cfg *cfg)
{
	/* Out of the way first, so that none lands on another's target. */
	int s = fcntl(sock, F_DUPFD_CLOEXEC, 16), d = fcntl(data, F_DUPFD_CLOEXEC, 16);
	int null = fcntl(cfg->devnull, F_DUPFD_CLOEXEC, 16);
	if (s < 0 || d < 0 || null < 0 || dup2(s, FD_SOCK) != FD_SOCK || dup2(d, FD_DATA) != FD_DATA)
		die(120);
	if (dup2(null, 0) != 0 || dup2(null, 1) != 1 || (!cfg->keep_stderr && dup2(null, 2) != 2))
		die(120);
	if (close_range(FD_DATA + 1, ~0u, 0) != 0) {
		for (int fd = FD_DATA + 1; fd < 65536; fd++)
			close(fd);
	}
}

/*
 * The broker's address-space size, which a worker starts with: read from
 * /proc/self/statm in the broker every 64 forks and whenever it may have
 * grown a lot (rules loaded), not by every worker (an open and a read
 * were 2% of a small request's time).  Growth between readings is small
 * (a job's configuration) and only tightens the worker's cap.
 */
static uint64_t broker_vm;

void cr_worker_note_vm(bool force)
{
	static unsigned forks;
	if (!force && forks++ % 64 != 0 && broker_vm)
		return;
	int fd = open("/proc/self/statm", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return;
	char buf[64];
	ssize_t n = read(fd, buf, sizeof buf - 1);
	close(fd);
	if (n > 0) {
		buf[n] = '\0';
		broker_vm = strtoull(buf, NULL, 10) * (uint64_t)sysconf(_SC_PAGESIZE);
	}
}

static void limits(const struct cr_job_req *req)
{
	struct rlimit r0 = {0, 0};
	setrlimit(RLIMIT_CORE, &r0);
	/*
	 * No file is written, except by a scan job into its anonymous
	 * spools (memfds), bounded by the scan's expansion limit.
	 */
	bool scan = req->kind == CR_JOB_SCAN;
	struct rlimit fs = {scan ? (rlim_t)req->spool_cap : 0, scan ? (rlim_t)req->spool_cap : 0};
	setrlimit(RLIMIT_FSIZE, &fs);
	struct rlimit nf = {scan ? 64 : 8, scan ? 64 : 8};
	setrlimit(RLIMIT_NOFILE, &nf);
	/*
	 * The cap is on growth: the worker inherits the broker's mappings,
	 * which vary with the build (a sanitizer reserves terabytes).
	 */
	if (!broker_vm)
		cr_worker_note_vm(true);	/* not noted before the fork: read it here */
	uint64_t vm = broker_vm;
	if (vm && req->mem_cap) {
		struct rlimit as = {(rlim_t)(vm + req->mem_cap), (rlim_t)(vm + req->mem_cap)};
		setrlimit(RLIMIT_AS, &as);
	}
	uint64_t ms = req->time_ms ? req->time_ms : 1;
	struct rlimit cpu = {(rlim_t)(ms / 1000 + 1), (rlim_t)(ms / 1000 + 2)};
	setrlimit(RLIMIT_CPU, &cpu);
	struct itimerval it = {{0, 0}, {(time_t)(ms / 1000), (suseconds_t)((ms % 1000) * 1000)}};
	signal(SIGALRM, SIG_DFL);
	setitimer(ITIMER_REAL, &it, NULL);
}

static void privileges(const struct cr_worker_cfg *cfg)
{
	if (cfg->drop) {
		if (setgroups(0, NULL) != 0 || setresgid(cfg->gid, cfg->gid, cfg->gid) != 0 ||
		    setresuid(cfg->uid, cfg->uid, cfg->uid) != 0)
			die(121);
		if (getuid() == 0 || geteuid() == 0)
			die(121);
	}
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0)
		die(122);
	prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
}

/* libseccomp's SCMP_A* macros leave a field to its zero default. */
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"

#define ALLOW(call, ...) (seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(call), __VA_ARGS__) == 0)

/*
 * The filter, for a worker of pid `pid` (abort's tgkill is allowed on
 * itself only); NULL when libseccomp cannot build it.
 */
static scmp_filter_ctx filter(bool scan, uint32_t pid)
{
	scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_KILL_PROCESS);
	if (!ctx)
		return NULL;
	/*
	 * A binary tree over the syscall numbers, not a chain: the kernel
	 * runs the filter once per syscall number when it is loaded (its
	 * allow cache), and that load cost a worker about 200 us with the
	 * chain, about half with the tree (and every call is checked faster).
	 */
	bool ok = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_OPTIMIZE, 2) == 0 &&
		/* The data, read-only, by offset. */
		ALLOW(read, 1, SCMP_A0(SCMP_CMP_EQ, FD_DATA)) && ALLOW(pread64, 1, SCMP_A0(SCMP_CMP_EQ, FD_DATA)) &&
		ALLOW(lseek, 1, SCMP_A0(SCMP_CMP_EQ, FD_DATA)) &&
		/* The job socket, write-only. */
		ALLOW(write, 1, SCMP_A0(SCMP_CMP_EQ, FD_SOCK)) && ALLOW(sendto, 1, SCMP_A0(SCMP_CMP_EQ, FD_SOCK)) &&
		ALLOW(sendmsg, 1, SCMP_A0(SCMP_CMP_EQ, FD_SOCK)) &&
		/* fstat (glibc: newfstatat with AT_EMPTY_PATH) and descriptor flags, on its own descriptors. */
		/* (A worker holds only its own descriptors: asking about any of them reveals nothing else.) */
		ALLOW(fstat, 0) &&
		/* fstatat(fd, "", AT_EMPTY_PATH) on a descriptor; never AT_FDCWD, which would stat any path. */
		ALLOW(newfstatat, 2, SCMP_A0_32(SCMP_CMP_LT, 1024), SCMP_A3(SCMP_CMP_EQ, AT_EMPTY_PATH)) &&
		ALLOW(fcntl, 1, SCMP_A1(SCMP_CMP_EQ, F_GETFD)) && ALLOW(fcntl, 1, SCMP_A1(SCMP_CMP_EQ, F_GETFL)) &&
		/* Memory, never executable. */
		ALLOW(mmap, 1, SCMP_A2(SCMP_CMP_MASKED_EQ, PROT_EXEC, 0)) &&
		ALLOW(mprotect, 1, SCMP_A2(SCMP_CMP_MASKED_EQ, PROT_EXEC, 0)) && ALLOW(munmap, 0) &&
		ALLOW(mremap, 0) && ALLOW(brk, 0) && ALLOW(madvise, 0) &&
		/* Leaving, and what glibc does on the way (signal masks, a contended lock, the clock). */
		ALLOW(exit, 0) && ALLOW(exit_group, 0) && ALLOW(rt_sigreturn, 0) && ALLOW(rt_sigprocmask, 0) &&
		ALLOW(futex, 0) && ALLOW(clock_gettime, 0) && ALLOW(gettimeofday, 0) && ALLOW(getpid, 0) &&
		ALLOW(gettid, 0) && ALLOW(close, 0) && ALLOW(rt_sigaction, 0) &&
		/* The sanitizers' runtime asks for its signal stack on abort and at exit. */
		ALLOW(sigaltstack, 0) &&
		/* Diagnostics (libarchive's fatal errors, sanitizer reports) on stderr: /dev/null unless asked. */
		ALLOW(write, 1, SCMP_A0(SCMP_CMP_EQ, 2)) && ALLOW(writev, 1, SCMP_A0(SCMP_CMP_EQ, 2)) &&
		/* abort() ends the worker with SIGABRT, not a seccomp kill, so the report says so. */
		ALLOW(tgkill, 2, SCMP_A0(SCMP_CMP_EQ, (scmp_datum_t)pid), SCMP_A2(SCMP_CMP_EQ, SIGABRT)) &&
		/* Libraries probing for files (locale, gconv) get an error, not a death. */
		seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EACCES), SCMP_SYS(openat), 0) == 0 &&
		seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EACCES), SCMP_SYS(open), 0) == 0;
	/*
	 * A scan job spools decompressed data into anonymous memory files:
	 * it may make them and use descriptors past its two (no path can be
	 * opened, so those are the only ones there are).  glibc's qsort asks
	 * the machine's memory size.
	 */
	if (ok && scan)
		ok = ALLOW(memfd_create, 0) && ALLOW(write, 1, SCMP_A0(SCMP_CMP_GT, FD_DATA)) &&
		     ALLOW(pread64, 1, SCMP_A0(SCMP_CMP_GT, FD_DATA)) && ALLOW(lseek, 1, SCMP_A0(SCMP_CMP_GT, FD_DATA)) &&
		     ALLOW(read, 1, SCMP_A0(SCMP_CMP_GT, FD_DATA)) && ALLOW(ftruncate, 1, SCMP_A0(SCMP_CMP_GT, FD_DATA)) &&
		     ALLOW(sysinfo, 0) && ALLOW(getrandom, 0);
	if (!ok) {
		seccomp_release(ctx);
		return NULL;
	}
	return ctx;
}

/*
 * Compiling the filter with libseccomp took a fifth of a small scan's
 * time in every worker.  The broker compiles both (archive and scan
 * jobs) once, with a pid no process can have in the tgkill rule; a
 * worker patches its own pid into its copy and loads it.  When the
 * placeholder cannot be found in the program, the worker compiles its
 * own, as before.
 */
#define PID_MARK 0x7ffffff1u	/* past the kernel's largest pid_max (2^22) */

static struct {
	struct sock_filter *insn;
	unsigned short len;
} compiled[2];

void cr_worker_prepare(void)
{
	for (int scan = 0; scan < 2; scan++) {
		scmp_filter_ctx ctx = filter(scan, PID_MARK);
		int fd = ctx ? memfd_create("crible-bpf", MFD_CLOEXEC) : -1;
		if (fd >= 0 && seccomp_export_bpf(ctx, fd) == 0) {
			off_t n = lseek(fd, 0, SEEK_END);
			struct sock_filter *insn = n > 0 && n % sizeof *insn == 0 && n / sizeof *insn <= BPF_MAXINSNS
							   ? malloc((size_t)n) : NULL;
			size_t marks = 0;
			if (insn && pread(fd, insn, (size_t)n, 0) == n)
				for (size_t i = 0; i < (size_t)n / sizeof *insn; i++)
					marks += insn[i].k == PID_MARK;
			if (marks) {
				compiled[scan].insn = insn;
				compiled[scan].len = (unsigned short)(n / sizeof *insn);
			} else {
				free(insn);
			}
		}
		if (fd >= 0)
			close(fd);
		if (ctx)
			seccomp_release(ctx);
	}
}

static void sandbox(bool scan)
{
	if (compiled[scan].insn) {
		/* This worker's copy of the broker's program (copied on write by the fork). */
		uint32_t pid = (uint32_t)getpid();
		for (unsigned short i = 0; i < compiled[scan].len; i++)
			if (compiled[scan].insn[i].k == PID_MARK)
				compiled[scan].insn[i].k = pid;
		struct sock_fprog prog = {.len = compiled[scan].len, .filter = compiled[scan].insn};
		if (prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog, 0, 0) != 0)
			die(123);
		return;
	}
	scmp_filter_ctx ctx = filter(scan, (uint32_t)getpid());
	if (!ctx || seccomp_load(ctx) != 0)
		die(123);
	seccomp_release(ctx);
}

/* --- the archive job: libarchive's events as messages ------------------- */

struct out {
	struct cr_msg m;
};

static bool send_msg(struct out *o) { return cr_msg_send(FD_SOCK, &o->m) == 0; }

/* Names past what one message holds are not cut: the client is told, and fails closed. */
#define NAME_MAX_WIRE (CR_WIRE_MAX - 64)

static bool w_entry(void *arg, const struct cr_la_hdr *h)
{
	struct out *o = arg;
	bool cut = h->namelen + h->linklen > NAME_MAX_WIRE;
	size_t nl = h->namelen > NAME_MAX_WIRE ? NAME_MAX_WIRE : h->namelen;
	size_t ll = cut ? 0 : h->linklen;
	cr_msg_begin(&o->m, 'E');
	cr_msg_u8(&o->m, (uint8_t)h->kind);
	cr_msg_u8(&o->m, (uint8_t)((h->utf8 ? 1 : 0) | (h->encrypted ? 2 : 0) | (h->has_mode ? 4 : 0) | (cut ? 8 : 0)));
	cr_msg_u32(&o->m, h->mode);
	cr_msg_u64(&o->m, h->size);
	cr_msg_bytes(&o->m, h->name, nl);
	cr_msg_bytes(&o->m, h->link, ll);
	return send_msg(o);
}

static bool w_data(void *arg, const uint8_t *p, size_t n)
{
	struct out *o = arg;
	while (n) {
		size_t k = n < CR_WIRE_MAX ? n : CR_WIRE_MAX;
		cr_msg_begin(&o->m, 'D');
		cr_msg_put(&o->m, p, k);
		if (!send_msg(o))
			return false;
		p += k;
		n -= k;
	}
	return true;
}

static bool w_end(void *arg, bool ok, const char *why)
{
	struct out *o = arg;
	cr_msg_begin(&o->m, 'Z');
	cr_msg_u8(&o->m, ok);
	cr_msg_bytes(&o->m, why ? why : "", why ? strnlen(why, 1024) : 0);
	return send_msg(o);
}

static bool w_fault(void *arg, enum cr_fid fid, const char *detail)
{
	struct out *o = arg;
	cr_msg_begin(&o->m, 'F');
	cr_msg_u8(&o->m, (uint8_t)fid);
	cr_msg_bytes(&o->m, detail, strnlen(detail, 1024));
	return send_msg(o);
}

static void probe(struct out *o)
{
	cr_msg_begin(&o->m, 'P');
	for (int fd = 0; fd < 1024; fd++) {
		struct stat st;
		if (fcntl(fd, F_GETFD) == -1 || fstat(fd, &st) != 0)
			continue;
		cr_msg_u32(&o->m, (uint32_t)fd);
		cr_msg_u64(&o->m, (uint64_t)st.st_dev);
		cr_msg_u64(&o->m, (uint64_t)st.st_ino);
		cr_msg_u32(&o->m, (uint32_t)st.st_mode);
	}
	send_msg(o);
}

static void fault(uint32_t f, uint64_t cap)
{
	switch (f) {
	case CR_FAULT_SYSCALL:
		/* A network socket: nothing a reader needs, so the filter kills. */
		(void)socket(AF_INET, SOCK_STREAM, 0);
		break;
	case CR_FAULT_CRASH:
		{
			/* A write through a pointer the compiler cannot see is wild: SIGSEGV. */
			static volatile uintptr_t wild = 8;
			*(volatile int *)wild = 1;
		}
		break;
	case CR_FAULT_ABORT:
		abort();
	case CR_FAULT_HANG:
		for (volatile int spin = 1; spin;)
			;
		break;
	case CR_FAULT_MEMORY: {
		/* Maps 64 MiB at a time until the cap says no; more than the cap means it did not hold. */
		static void *maps[64];
		size_t n = 0;
		for (; n < 64; n++) {
			maps[n] = mmap(NULL, 64u << 20, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
			if (maps[n] == MAP_FAILED)
				break;
		}
		if ((uint64_t)n * (64u << 20) > cap + (64u << 20))
			die(124);
		while (n > 0)
			munmap(maps[--n], 64u << 20);
		break;
	}
	default:
		break;
	}
}

void cr_worker_main(int sock, int data, const struct cr_job_req *req, const uint8_t *jobcfg, size_t jobcfglen,
		    const struct cr_worker_cfg *cfg)
{
	cr_in_worker = true;
	sigset_t none;
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	signal(SIGCHLD, SIG_DFL);
	signal(SIGPIPE, SIG_IGN);
	/* A worker does not handle its own crash (no runtime's handler either): the crash is the report. */
	signal(SIGSEGV, SIG_DFL);
	signal(SIGBUS, SIG_DFL);
	signal(SIGFPE, SIG_DFL);
	signal(SIGILL, SIG_DFL);
	/*
	 * One job, then exit: memory freed is never given back.  glibc's
	 * defaults trimmed the heap top at every free past 128 KiB and mapped
	 * every large buffer afresh, so each archive entry gave its pages
	 * back and faulted them in again (300 brk calls for a 116-entry JAR).
	 * The address-space cap (limits()) still bounds the total.
	 */
	mallopt(M_TRIM_THRESHOLD, 256 << 20);
	mallopt(M_MMAP_THRESHOLD, 32 << 20);
	mallopt(M_TOP_PAD, 1 << 20);
	descriptors(sock, data, cfg);
	limits(req);
	privileges(cfg);
	sandbox(req->kind == CR_JOB_SCAN);
	fault(req->fault, req->mem_cap);

	static struct out o;
	if (req->kind == CR_JOB_ARCHIVE) {
		static const struct cr_la_events ev = {w_entry, w_data, w_end, w_fault};
		struct cr_src src = {.size = req->size, .fd = FD_DATA, .base = req->base};
		cr_la_produce(&src, (enum cr_tid)req->type, req->reading, &ev, &o, NULL, NULL);
	} else if (req->kind == CR_JOB_PROBE) {
		probe(&o);
	} else if (req->kind == CR_JOB_SCAN) {
		cr_confined_worker(FD_SOCK, FD_DATA, req, jobcfg, jobcfglen);
	}
	cr_msg_begin(&o.m, 'X');
	send_msg(&o);
	die(0);
}
