/*
 * test_broker.c - the worker broker: what a worker holds, how its death
 * is reported, the deadline, the memory cap, cancellation, a broker that
 * dies, and small scans running beside libarchive containers.
 *
 * The same tests run in the release and the sanitizer builds: the broker
 * is single-threaded, so its forks are safe under any allocator.
 */
#include <dirent.h>
#include <fcntl.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "../../src/lib/core/broker.h"
#include "../../src/lib/core/wire.h"
#include "../gen/samples.h"
#include "crible.h"

extern uint32_t cr_broker_fault;
pid_t cr_broker_pid(void);

static uint64_t now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static const crible_finding *find(const crible_result *r, const char *id)
{
	for (size_t i = 0; i < crible_result_count(r); i++)
		if (!strcmp(crible_result_finding(r, i)->id, id))
			return crible_result_finding(r, i);
	return NULL;
}

/* Scans hostile.cpio (EICAR, an escaping symlink) with the given fault; the result. */
static crible_result *scan_cpio(crible_ctx *ctx, uint32_t fault)
{
	struct sbuf b = {0};
	a_cpio_hostile(&b);
	cr_broker_fault = fault;
	crible_result *r = NULL;
	assert_int_equal(crible_scan_mem(ctx, b.p, b.len, "x.cpio", NULL, &r), CRIBLE_OK);
	cr_broker_fault = CR_FAULT_NONE;
	sb_free(&b);
	return r;
}

/* A worker lists its own descriptors: 0-2 on /dev/null, its job socket, its data, nothing of ours. */
static void test_worker_descriptors(void **st)
{
	(void)st;
	/* Descriptors a careless fork would leak: a pipe, a socket pair, a file. */
	int p[2], sp[2];
	assert_int_equal(pipe(p), 0);
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sp), 0);
	FILE *tmp = tmpfile();
	assert_non_null(tmp);
	int data = memfd_create("probe-data", MFD_CLOEXEC);
	assert_true(data >= 0);
	assert_int_equal(write(data, "hello", 5), 5);
	struct stat dst, nst, tst, pst;
	assert_int_equal(fstat(data, &dst), 0);
	assert_int_equal(stat("/dev/null", &nst), 0);
	assert_int_equal(fstat(fileno(tmp), &tst), 0);
	assert_int_equal(fstat(p[0], &pst), 0);

	struct cr_job_req req = {.version = CR_WIRE_VERSION, .kind = CR_JOB_PROBE, .size = 5, .time_ms = 5000,
				 .mem_cap = 64u << 20};
	struct cr_job_conn jc;
	const char *why = NULL;
	assert_int_equal(cr_broker_submit(&req, data, &jc, &why), 0);
	static uint8_t buf[1 + CR_WIRE_MAX];
	size_t len = 0;
	assert_int_equal(cr_job_recv(&jc, buf, sizeof buf, &len, now_ns() + 5000000000ull, NULL), RECV_MSG);
	assert_int_equal(buf[0], 'P');
	struct cr_rmsg m = {buf + 1, len - 1};
	int nfd = 0, sockets = 0;
	bool seen[5] = {0};
	for (;;) {
		uint32_t fd, mode;
		uint64_t dev, ino;
		if (!cr_rmsg_u32(&m, &fd) || !cr_rmsg_u64(&m, &dev) || !cr_rmsg_u64(&m, &ino) || !cr_rmsg_u32(&m, &mode))
			break;
		nfd++;
		print_message("worker fd %u: dev %llu ino %llu mode %o\n", fd, (unsigned long long)dev,
			      (unsigned long long)ino, mode);
		assert_true(fd <= 4);
		seen[fd] = true;
		if (fd <= 2)
			assert_true(dev == nst.st_dev && ino == nst.st_ino);
		if (fd == 3) {
			assert_true(S_ISSOCK(mode));
			sockets++;
		}
		if (fd == 4)
			assert_true(dev == dst.st_dev && ino == dst.st_ino);
		assert_false(dev == tst.st_dev && ino == tst.st_ino);
		assert_false(dev == pst.st_dev && ino == pst.st_ino);
	}
	assert_int_equal(nfd, 5);
	assert_int_equal(sockets, 1);
	for (int i = 0; i < 5; i++)
		assert_true(seen[i]);
	cr_job_close(&jc);
	close(data);
	close(p[0]);
	close(p[1]);
	close(sp[0]);
	close(sp[1]);
	fclose(tmp);
}

/* The clean run the fault tests are measured against. */
/* Extracts a clean tar into a new folder with a fault; the status and the folder's entries. */
static crible_err extract_with(uint32_t fault, char *msg, size_t msglen, size_t *nentries)
{
	struct sbuf b = {0};
	a_tar_ok(&b);
	int fd = memfd_create("x.tar", MFD_CLOEXEC);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, b.p, b.len), (ssize_t)b.len);
	sb_free(&b);
	char dir[] = "/tmp/crible-xbroker-XXXXXX";
	assert_non_null(mkdtemp(dir));
	int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	assert_true(dfd >= 0);
	crible_ctx *ctx = crible_ctx_new();
	crible_job *job = crible_job_new(ctx);
	crible_job_set_name(job, "x.tar");
	cr_broker_fault = fault;
	crible_result *r = NULL;
	crible_err e = crible_job_extract(job, fd, dfd, 0, &r);
	cr_broker_fault = CR_FAULT_NONE;
	snprintf(msg, msglen, "%s", crible_job_errmsg(job));
	if (e == CRIBLE_OK)
		assert_int_equal(crible_result_extract_status(r, NULL), CRIBLE_XS_WRITTEN);
	crible_result_free(r);
	crible_job_free(job);
	crible_ctx_free(ctx);
	*nentries = 0;
	DIR *dp = fdopendir(dfd);
	struct dirent *de;
	while ((de = readdir(dp)) != NULL)
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
			(*nentries)++;
	closedir(dp);
	char cmd[128];
	snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
	assert_int_equal(system(cmd), 0);
	close(fd);
	return e;
}

/*
 * Extraction reads the archive in a worker: a worker killed by its
 * sandbox, or crashing, costs the whole extraction (nothing written,
 * an error that says why), and the clean run writes.
 */
static void test_extract_reader_isolated(void **st)
{
	(void)st;
	char msg[256];
	size_t n;
	assert_int_equal(extract_with(CR_FAULT_NONE, msg, sizeof msg, &n), CRIBLE_OK);
	assert_true(n > 0);
	assert_int_equal(extract_with(CR_FAULT_SYSCALL, msg, sizeof msg, &n), CRIBLE_EIO);
	print_message("%s\n", msg);
	assert_non_null(strstr(msg, "killed by its sandbox"));
	assert_int_equal(n, 0);
	assert_int_equal(extract_with(CR_FAULT_CRASH, msg, sizeof msg, &n), CRIBLE_EIO);
	assert_non_null(strstr(msg, "crashed"));
	assert_int_equal(n, 0);
}

static void test_worker_clean(void **st)
{
	(void)st;
	crible_ctx *ctx = crible_ctx_new();
	crible_result *r = scan_cpio(ctx, CR_FAULT_NONE);
	assert_non_null(find(r, "sig.eicar"));
	assert_non_null(find(r, "link.escape"));
	assert_null(find(r, "container.uninspected"));
	crible_result_free(r);
	crible_ctx_free(ctx);
}

/* A forbidden system call: seccomp kills the worker, and the container is reported, never clean. */
static void test_seccomp_violation(void **st)
{
	(void)st;
	crible_ctx *ctx = crible_ctx_new();
	crible_result *r = scan_cpio(ctx, CR_FAULT_SYSCALL);
	const crible_finding *f = find(r, "container.uninspected");
	assert_non_null(f);
	print_message("%s\n", f->detail);
	assert_non_null(strstr(f->detail, "killed by its sandbox"));
	assert_non_null(strstr(f->detail, "SYS"));
	assert_int_equal(f->severity, CRIBLE_SEV_HIGH);
	assert_int_equal(crible_result_verdict(r), CRIBLE_BLOCK);
	assert_null(find(r, "sig.eicar"));	/* the worker died before reading: nothing else was judged */
	crible_result_free(r);
	crible_ctx_free(ctx);
}

static void test_worker_crash(void **st)
{
	(void)st;
	crible_ctx *ctx = crible_ctx_new();
	crible_result *r = scan_cpio(ctx, CR_FAULT_CRASH);
	const crible_finding *f = find(r, "container.uninspected");
	assert_non_null(f);
	print_message("%s\n", f->detail);
	assert_non_null(strstr(f->detail, "crashed (SEGV)"));
	assert_int_equal(crible_result_verdict(r), CRIBLE_BLOCK);
	crible_result_free(r);
	crible_ctx_free(ctx);
}

/*
 * abort() in a worker ends it with SIGABRT, not SIGSYS: the filter's
 * tgkill rule names the worker's own pid, patched into the program the
 * broker compiled once.
 */
static void test_worker_abort(void **st)
{
	(void)st;
	crible_ctx *ctx = crible_ctx_new();
	crible_result *r = scan_cpio(ctx, CR_FAULT_ABORT);
	const crible_finding *f = find(r, "container.uninspected");
	assert_non_null(f);
	print_message("%s\n", f->detail);
	assert_non_null(strstr(f->detail, "ABRT"));
	assert_null(strstr(f->detail, "SYS"));
	assert_int_equal(crible_result_verdict(r), CRIBLE_BLOCK);
	crible_result_free(r);
	crible_ctx_free(ctx);
}

/* A worker that loops stops at the scan's deadline: limit.time, not a hang. */
static void test_worker_deadline(void **st)
{
	(void)st;
	crible_ctx *ctx = crible_ctx_new();
	crible_ctx_set_limit(ctx, CRIBLE_LIMIT_TIME_MS, 300);
	uint64_t t0 = now_ns();
	crible_result *r = scan_cpio(ctx, CR_FAULT_HANG);
	uint64_t ms = (now_ns() - t0) / 1000000;
	print_message("a looping worker stopped after %llu ms\n", (unsigned long long)ms);
	assert_non_null(find(r, "limit.time"));
	assert_int_equal(crible_result_verdict(r), CRIBLE_BLOCK);
	assert_true(ms < 5000);
	crible_result_free(r);
	crible_ctx_free(ctx);
}

/* The memory cap holds: the worker's allocations past it fail, and the job still finishes. */
static void test_worker_memory_cap(void **st)
{
	(void)st;
	crible_ctx *ctx = crible_ctx_new();
	crible_result *r = scan_cpio(ctx, CR_FAULT_MEMORY);
	/* Status 124: the worker mapped more than its cap allows. */
	const crible_finding *f = find(r, "container.uninspected");
	if (f)
		print_message("%s\n", f->detail);
	assert_null(f);
	assert_non_null(find(r, "sig.eicar"));
	crible_result_free(r);
	crible_ctx_free(ctx);
}

struct canceller {
	crible_job *job;
	unsigned ms;
};

static void *cancel_later(void *arg)
{
	struct canceller *c = arg;
	usleep(c->ms * 1000);
	crible_job_cancel(c->job);
	return NULL;
}

/* Cancelling from another thread ends a scan waiting on a worker: an error, no result. */
static void test_cancel(void **st)
{
	(void)st;
	crible_ctx *ctx = crible_ctx_new();
	crible_job *job = crible_job_new(ctx);
	struct sbuf b = {0};
	a_cpio_hostile(&b);
	struct canceller c = {job, 100};
	pthread_t t;
	pthread_create(&t, NULL, cancel_later, &c);
	cr_broker_fault = CR_FAULT_HANG;
	uint64_t t0 = now_ns();
	crible_result *r = NULL;
	assert_int_equal(crible_job_scan_mem(job, b.p, b.len, &r), CRIBLE_ECANCELED);
	cr_broker_fault = CR_FAULT_NONE;
	uint64_t ms = (now_ns() - t0) / 1000000;
	pthread_join(t, NULL);
	print_message("cancelled after %llu ms\n", (unsigned long long)ms);
	assert_null(r);
	assert_true(ms < 3000);
	crible_job_free(job);
	sb_free(&b);
	crible_ctx_free(ctx);
}

/* A rule file in a fresh folder; the folder's path (static). */
static const char *rule_file(const char *name, const char *text)
{
	static char dir[64];
	snprintf(dir, sizeof dir, "/tmp/crible-yara-XXXXXX");
	assert_non_null(mkdtemp(dir));
	static char path[128];
	snprintf(path, sizeof path, "%s/%s", dir, name);
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	return path;
}

static void rm_rule_file(const char *path)
{
	unlink(path);
	char dir[128];
	snprintf(dir, sizeof dir, "%s", path);
	*strrchr(dir, '/') = '\0';
	rmdir(dir);
}

/* A confined scan with YARA rules: the rules cross to the worker, and a reload's rules are its own. */
static void test_confined_yara(void **st)
{
	(void)st;
	const char *p1 = rule_file("one.yar", "rule marker_one { strings: $a = \"CRIBLE-ONE\" condition: $a }\n");
	crible_ctx *a = crible_ctx_new();
	crible_ctx_set_option(a, CRIBLE_OPT_CONFINED, 1);
	assert_int_equal(crible_ctx_set_rules(a, p1, NULL), CRIBLE_OK);
	rm_rule_file(p1);
	const char *p2 = rule_file("two.yar", "rule marker_two { strings: $a = \"CRIBLE-TWO\" condition: $a }\n");
	crible_ctx *b = crible_ctx_new();
	crible_ctx_set_option(b, CRIBLE_OPT_CONFINED, 1);
	assert_int_equal(crible_ctx_set_rules(b, p2, NULL), CRIBLE_OK);
	rm_rule_file(p2);
	static const char text[] = "plain words, then CRIBLE-ONE and CRIBLE-TWO\n";
	/* Alternating: each context's scans see its own rules, never the other's. */
	for (int i = 0; i < 6; i++) {
		crible_ctx *c = i % 2 ? b : a;
		crible_result *r = NULL;
		assert_int_equal(crible_scan_mem(c, text, sizeof text - 1, "notes.txt", NULL, &r), CRIBLE_OK);
		const crible_finding *f = find(r, "rule.yara");
		assert_non_null(f);
		assert_string_equal(f->detail, i % 2 ? "two.yar:marker_two" : "one.yar:marker_one");
		assert_int_equal(crible_result_verdict(r), CRIBLE_BLOCK);
		crible_result_free(r);
	}
	/* It ran in a worker: a worker that crashes makes the scan an error, not a result. */
	cr_broker_fault = CR_FAULT_CRASH;
	crible_result *r = NULL;
	assert_int_equal(crible_scan_mem(a, text, sizeof text - 1, "notes.txt", NULL, &r), CRIBLE_EIO);
	cr_broker_fault = CR_FAULT_NONE;
	assert_null(r);
	/* An archive, with the rules in the worker: its findings as without them, and no rule matched. */
	struct sbuf z = {0};
	a_cpio_hostile(&z);
	assert_int_equal(crible_scan_mem(a, z.p, z.len, "x.cpio", NULL, &r), CRIBLE_OK);
	assert_non_null(find(r, "sig.eicar"));
	assert_null(find(r, "rule.yara"));
	crible_result_free(r);
	sb_free(&z);
	crible_ctx_free(a);
	crible_ctx_free(b);
}

/* A broker that dies is replaced by the next job. */
static void test_broker_restart(void **st)
{
	(void)st;
	crible_ctx *ctx = crible_ctx_new();
	crible_result *r = scan_cpio(ctx, CR_FAULT_NONE);
	crible_result_free(r);
	pid_t pid = cr_broker_pid();
	assert_true(pid > 0);
	assert_int_equal(kill(pid, SIGKILL), 0);
	usleep(50000);
	r = scan_cpio(ctx, CR_FAULT_NONE);
	assert_non_null(find(r, "sig.eicar"));
	assert_null(find(r, "container.uninspected"));
	assert_true(cr_broker_pid() != pid);
	crible_result_free(r);
	crible_ctx_free(ctx);
}

/* --- small scans beside a stream of libarchive containers -------------- */

#define SMALL_THREADS 4
#define SMALL_EACH 500

struct small {
	crible_ctx *ctx;
	uint64_t lat[SMALL_EACH];
	int wrong;
};

static atomic_int containers_done, stop_containers;

static void *small_scans(void *arg)
{
	struct small *s = arg;
	struct sbuf png = {0};
	sample_png(&png);
	static const char text[] = "a plain note, nothing more\n";
	for (int i = 0; i < SMALL_EACH; i++) {
		crible_result *r;
		uint64_t t0 = now_ns();
		crible_err e = i % 2 ? crible_scan_mem(s->ctx, png.p, png.len, "x.png", NULL, &r)
				     : crible_scan_mem(s->ctx, text, sizeof text - 1, "x.txt", NULL, &r);
		s->lat[i] = now_ns() - t0;
		usleep(500);	/* arrivals spread over the containers' run, as on a daemon */
		if (e != CRIBLE_OK) {
			s->wrong++;
			continue;
		}
		s->wrong += crible_result_verdict(r) != CRIBLE_ALLOW || crible_result_count(r) != 0 ||
			    strcmp(crible_result_type_name(r), i % 2 ? "png" : "text");
		crible_result_free(r);
	}
	sb_free(&png);
	return NULL;
}

static void *container_scans(void *arg)
{
	crible_ctx *ctx = arg;
	struct sbuf b = {0};
	a_cpio_hostile(&b);
	while (!atomic_load(&stop_containers)) {
		crible_result *r;
		if (crible_scan_mem(ctx, b.p, b.len, "x.cpio", NULL, &r) == CRIBLE_OK) {
			if (find(r, "sig.eicar") && find(r, "link.escape") && !find(r, "container.uninspected"))
				atomic_fetch_add(&containers_done, 1);
			else
				atomic_fetch_add(&containers_done, 1000000);	/* a wrong answer shows in the count */
			crible_result_free(r);
		}
	}
	sb_free(&b);
	return NULL;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

static void test_small_beside_containers(void **st)
{
	(void)st;
	crible_ctx *ctx = crible_ctx_new();
	static struct small sm[SMALL_THREADS];
	pthread_t ct, t[SMALL_THREADS];
	atomic_store(&stop_containers, 0);
	pthread_create(&ct, NULL, container_scans, ctx);
	for (int i = 0; i < SMALL_THREADS; i++) {
		sm[i].ctx = ctx;
		pthread_create(&t[i], NULL, small_scans, &sm[i]);
	}
	for (int i = 0; i < SMALL_THREADS; i++)
		pthread_join(t[i], NULL);
	atomic_store(&stop_containers, 1);
	pthread_join(ct, NULL);
	static uint64_t all[SMALL_THREADS * SMALL_EACH];
	int wrong = 0;
	for (int i = 0; i < SMALL_THREADS; i++) {
		memcpy(all + i * SMALL_EACH, sm[i].lat, sizeof sm[i].lat);
		wrong += sm[i].wrong;
	}
	size_t n = SMALL_THREADS * SMALL_EACH;
	qsort(all, n, sizeof all[0], cmp_u64);
	int done = atomic_load(&containers_done);
	print_message("%zu small scans beside %d libarchive containers: p50 %.3f ms, p99 %.3f ms, max %.3f ms\n", n,
		      done, all[n / 2] / 1e6, all[n * 99 / 100] / 1e6, all[n - 1] / 1e6);
	assert_int_equal(wrong, 0);
	assert_true(done > 0 && done < 1000000);
	crible_ctx_free(ctx);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_worker_descriptors),
		cmocka_unit_test(test_worker_clean),
		cmocka_unit_test(test_extract_reader_isolated),
		cmocka_unit_test(test_seccomp_violation),
		cmocka_unit_test(test_worker_crash),
		cmocka_unit_test(test_worker_abort),
		cmocka_unit_test(test_confined_yara),
		cmocka_unit_test(test_worker_deadline),
		cmocka_unit_test(test_worker_memory_cap),
		cmocka_unit_test(test_cancel),
		cmocka_unit_test(test_broker_restart),
		cmocka_unit_test(test_small_beside_containers),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
