/*
 * scan.c - `crible scan`: files, directories and standard input, scanned
 * in parallel on every core, reported in input order.
 *
 * Workers take the next input from a shared counter, scan it, render its
 * report line and mark it done; the main thread prints lines strictly in
 * order as soon as each one's predecessors are out.  Output is therefore
 * deterministic whatever the scheduling.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "crible.h"

struct job {
	char *out;	/* rendered report (stdout) */
	char *errmsg;	/* rendered error (stderr) */
	int status;	/* EXIT_* for this input */
	atomic_int done;
};

struct run {
	crible_ctx *ctx;
	struct inputs in;
	struct job *jobs;
	atomic_size_t next;
	const char *name;	/* --name */
	const char *declared;	/* --declared-type */
	int json, verbose, identify;
	pthread_mutex_t mu;	/* the print lock */
	atomic_size_t printed;	/* reports printed so far: written under mu, read outside it too */
	int worst;		/* exit status so far, under mu */
};

static void usage(FILE *f)
{
	fputs("usage: crible scan [options] PATH...\n"
	      "\n"
	      "Scan files, directories (recursively) or '-' (standard input) and say\n"
	      "what each file really is and whether opening it can hurt.\n"
	      "\n"
	      "  --json                 one JSON object per input (JSON Lines)\n"
	      "  -v, --verbose          show every finding with its detail\n"
	      "  --accept LIST          allowed types: MIME (image/png), wildcard (image/*)\n"
	      "                         or extension (.csv), comma-separated\n"
	      "  --name NAME            the name the input claims (for '-' or one file)\n"
	      "  --declared-type MIME   the Content-Type the input claims\n"
	      "  --policy FILE          severity overrides, lines of 'ID SEVERITY'\n"
	      "  --severity ID=SEV      one override (ID may end in '*'); repeatable\n"
	      "  --rules PATH           YARA rules (a .yar file or a directory of them),\n"
	      "                         matched on every object: rule.yara\n"
	      "  --identify             identification only: type, no hash, no findings\n"
	      "  --no-hash              skip the SHA-256\n"
	      "  --shallow              judge each file alone: do not open archives\n"
	      "  --list                 list every entry judged (kind, size, SHA-256 of its\n"
	      "                         data), at every depth: JSON \"entries\", text lines\n"
	      "  -T, --files-from FILE  read paths, one per line, from FILE ('-': stdin)\n"
	      "  -j, --jobs N           worker threads (default: online cores); 1 also judges\n"
	      "                         a large container's entries on one thread\n"
	      "  --max-depth N --max-size BYTES --max-entries N --max-ratio N --timeout MS\n"
	      "                         limits per top-level input (see crible(1))\n"
	      "  -h, --help             this help\n"
	      "\n"
	      "Exit status: 0 nothing blocked, 1 something blocked, 2 an input could not\n"
	      "be read or the command line is wrong.\n",
	      f);
}

/* Streams standard input into the job as it arrives (the library spools it). */
static crible_err feed_stdin(crible_job *job, crible_result **r)
{
	char buf[65536];
	for (;;) {
		ssize_t n = read(STDIN_FILENO, buf, sizeof buf);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return CRIBLE_EIO;
		if (n == 0)
			break;
		crible_err e = crible_job_write(job, buf, (size_t)n);
		if (e != CRIBLE_OK)
			return e;
	}
	return crible_job_finish(job, r);
}

/*
 * A RAR volume set: the first volume (fd) and those given with it, end to
 * end, as one archive.  *bad names a volume that could not be read.
 */
static crible_err feed_volumes(crible_job *job, int fd, const struct input *in, crible_result **r, const char **bad)
{
	uint8_t buf[1 << 16];
	for (size_t k = 0; k <= in->nvols; k++) {
		int f = k ? open(in->vols[k - 1], O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK) : fd;
		if (f < 0) {
			*bad = in->vols[k - 1];
			return CRIBLE_EIO;
		}
		ssize_t n;
		while ((n = read(f, buf, sizeof buf)) > 0) {
			crible_err e = crible_job_write(job, buf, (size_t)n);
			if (e != CRIBLE_OK) {
				if (k)
					close(f);
				return e;
			}
		}
		if (k)
			close(f);
		if (n < 0) {
			*bad = k ? in->vols[k - 1] : in->display;
			return CRIBLE_EIO;
		}
	}
	return crible_job_finish(job, r);
}

static char *dupf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static char *dupf(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return NULL;
	char *s = malloc((size_t)n + 1);
	if (!s)
		return NULL;
	va_start(ap, fmt);
	vsnprintf(s, (size_t)n + 1, fmt, ap);
	va_end(ap);
	return s;
}

/* What an input that could not be judged prints: never a clean report. */
/* The library renders it, escaped: a path or message from the input never reaches the terminal raw. */
static void error_out(const struct run *rn, const char *display, const char *m, char **out, char **errmsg)
{
	crible_error_render(display, m, CRIBLE_TEXT, errmsg, NULL);
	if (rn->json)
		crible_error_render(display, m, CRIBLE_JSON, out, NULL);
}

/* Scans one file into *out / *errmsg (malloc'd); returns its EXIT_* status. */
static int scan_file(struct run *rn, const struct input *in, char **out, char **errmsg, int *isdir)
{
	*out = *errmsg = NULL;
	if (in->err) {
		error_out(rn, in->display, strerror(in->err), out, errmsg);
		return EXIT_ERROR;
	}
	int fd = -1;
	if (in->path && (fd = open(in->path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK)) < 0) {
		error_out(rn, in->display, strerror(errno), out, errmsg);
		return EXIT_ERROR;
	}
	crible_job *job = crible_job_new(rn->ctx);
	crible_result *r = NULL;
	const char *bad = NULL;	/* a volume that could not be read */
	crible_err e = CRIBLE_ENOMEM;
	if (job && crible_job_set_name(job, rn->name ? rn->name : in->path) == CRIBLE_OK &&
	    crible_job_set_declared_type(job, rn->declared) == CRIBLE_OK)
		e = in->nvols ? feed_volumes(job, fd, in, &r, &bad) : fd >= 0 ? crible_job_scan_fd(job, fd, &r)
								       : feed_stdin(job, &r);
	if (fd >= 0)
		close(fd);
	if (e == CRIBLE_EISDIR && isdir) {
		*isdir = 1;
		crible_job_free(job);
		return EXIT_CLEAN;
	}
	if (e != CRIBLE_OK && bad) {
		char *m = dupf("%s (volume %s)", strerror(errno), bad);
		error_out(rn, in->display, m ? m : "out of memory", out, errmsg);
		free(m);
		crible_job_free(job);
		return EXIT_ERROR;
	}
	if (e != CRIBLE_OK) {
		const char *m = job ? crible_job_errmsg(job) : "";
		error_out(rn, in->display, *m ? m : e == CRIBLE_EIO ? strerror(errno) : crible_strerror(e), out, errmsg);
		crible_job_free(job);
		return EXIT_ERROR;
	}
	crible_job_free(job);
	int status = EXIT_ERROR;
	if (rn->identify && !rn->json)
		crible_result_render(r, in->display, CRIBLE_TEXT | CRIBLE_MIME_ONLY, out, NULL);
	else
		crible_result_render(r, in->display,
				     rn->json ? CRIBLE_JSON : CRIBLE_TEXT | (rn->verbose ? CRIBLE_VERBOSE : 0), out, NULL);
	if (!*out)
		error_out(rn, in->display, "out of memory", out, errmsg);
	else
		status = crible_result_verdict(r) == CRIBLE_BLOCK ? EXIT_BLOCKED : EXIT_CLEAN;
	crible_result_free(r);
	return status;
}

static char *concat(char *a, char *b)
{
	if (!b)
		return a;
	if (!a)
		return b;
	size_t la = strlen(a), lb = strlen(b);
	char *c = realloc(a, la + lb + 1);
	if (!c) {
		free(b);
		return a;
	}
	memcpy(c + la, b, lb + 1);
	free(b);
	return c;
}

static int worse(int a, int b) { return a == EXIT_ERROR || b == EXIT_ERROR ? EXIT_ERROR : a > b ? a : b; }

static void scan_one(struct run *rn, size_t i)
{
	struct input *in = &rn->in.v[i];
	struct job *j = &rn->jobs[i];
	int isdir = 0;
	/* Paths from --files-from are not stat'ed up front; a directory among them is walked here. */
	j->status = scan_file(rn, in, &j->out, &j->errmsg, in->lazy ? &isdir : NULL);
	if (!isdir)
		return;
	struct inputs sub;
	memset(&sub, 0, sizeof sub);
	if (walk_add(&sub, in->path) != 0) {
		error_out(rn, in->display, "out of memory", &j->out, &j->errmsg);
		j->status = EXIT_ERROR;
		inputs_free(&sub);
		return;
	}
	j->status = EXIT_CLEAN;
	for (size_t k = 0; k < sub.n; k++) {
		char *o, *e;
		int st = scan_file(rn, &sub.v[k], &o, &e, NULL);
		j->out = concat(j->out, o);
		j->errmsg = concat(j->errmsg, e);
		j->status = worse(j->status, st);
	}
	inputs_free(&sub);
}

/*
 * Prints every finished report from the first unprinted one on.  Whoever
 * holds the print lock prints; a worker that finds it taken leaves its
 * report to the holder, which re-checks after letting go, so no report
 * waits for the end and no thread sleeps on another's every item.
 */
static void flush_ready(struct run *rn)
{
	while (pthread_mutex_trylock(&rn->mu) == 0) {
		size_t k;
		while ((k = atomic_load(&rn->printed)) < rn->in.n && atomic_load(&rn->jobs[k].done)) {
			struct job *j = &rn->jobs[k];
			atomic_store(&rn->printed, k + 1);
			if (j->errmsg)
				fputs(j->errmsg, stderr);
			if (j->out)
				fputs(j->out, stdout);
			free(j->out);
			free(j->errmsg);
			j->out = j->errmsg = NULL;
			if (j->status == EXIT_ERROR || (j->status == EXIT_BLOCKED && rn->worst == EXIT_CLEAN))
				rn->worst = j->status;
		}
		pthread_mutex_unlock(&rn->mu);
		k = atomic_load(&rn->printed);
		if (k >= rn->in.n || !atomic_load(&rn->jobs[k].done))
			return;
	}
}

static void *worker(void *arg)
{
	struct run *rn = arg;
	for (;;) {
		size_t i = atomic_fetch_add(&rn->next, 1);
		if (i >= rn->in.n)
			break;
		scan_one(rn, i);
		atomic_store(&rn->jobs[i].done, 1);
		flush_ready(rn);
	}
	return NULL;
}

static int read_list(struct inputs *in, const char *file)
{
	FILE *f = strcmp(file, "-") == 0 ? stdin : fopen(file, "re");
	if (!f) {
		fprintf(stderr, "crible: %s: %s\n", file, strerror(errno));
		return -1;
	}
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	int rc = 0;
	while ((n = getline(&line, &cap, f)) > 0) {
		while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
			line[--n] = '\0';
		if (n == 0)
			continue;
		if (walk_push(in, line) != 0) {
			rc = -1;
			break;
		}
	}
	free(line);
	if (f != stdin)
		fclose(f);
	return rc;
}

enum { O_LIST = 254, O_SHALLOW = 255, O_JSON = 256, O_ACCEPT, O_NAME, O_DECLARED, O_POLICY, O_SEVERITY, O_IDENTIFY, O_NOHASH, O_MAXDEPTH,
       O_MAXSIZE, O_MAXENTRIES, O_MAXRATIO, O_TIMEOUT, O_RULES };

int cmd_scan(int argc, char **argv)
{
	static const struct option opts[] = {
		{"json", no_argument, NULL, O_JSON},
		{"verbose", no_argument, NULL, 'v'},
		{"accept", required_argument, NULL, O_ACCEPT},
		{"name", required_argument, NULL, O_NAME},
		{"declared-type", required_argument, NULL, O_DECLARED},
		{"policy", required_argument, NULL, O_POLICY},
		{"rules", required_argument, NULL, O_RULES},
		{"severity", required_argument, NULL, O_SEVERITY},
		{"identify", no_argument, NULL, O_IDENTIFY},
		{"no-hash", no_argument, NULL, O_NOHASH},
		{"shallow", no_argument, NULL, O_SHALLOW},
		{"list", no_argument, NULL, O_LIST},
		{"files-from", required_argument, NULL, 'T'},
		{"jobs", required_argument, NULL, 'j'},
		{"max-depth", required_argument, NULL, O_MAXDEPTH},
		{"max-size", required_argument, NULL, O_MAXSIZE},
		{"max-entries", required_argument, NULL, O_MAXENTRIES},
		{"max-ratio", required_argument, NULL, O_MAXRATIO},
		{"timeout", required_argument, NULL, O_TIMEOUT},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	struct run rn;
	memset(&rn, 0, sizeof rn);
	rn.ctx = crible_ctx_new();
	if (!rn.ctx) {
		fputs("crible: out of memory\n", stderr);
		return EXIT_ERROR;
	}
	const char *lists[64];
	size_t nlists = 0;
	long jobs = sysconf(_SC_NPROCESSORS_ONLN);
	int rc = EXIT_ERROR, c;
	uint64_t v;
	optind = 1;
	while ((c = getopt_long(argc, argv, "vT:j:h", opts, NULL)) != -1) {
		switch (c) {
		case O_JSON:
			rn.json = 1;
			break;
		case 'v':
			rn.verbose = 1;
			break;
		case O_ACCEPT:
			if (crible_ctx_set_accept(rn.ctx, optarg) != CRIBLE_OK) {
				fprintf(stderr, "crible: --accept: bad list '%s'\n", optarg);
				goto out;
			}
			break;
		case O_NAME:
			rn.name = optarg;
			break;
		case O_DECLARED:
			rn.declared = optarg;
			break;
		case O_POLICY:
			if (opt_policy(rn.ctx, optarg) != 0)
				goto out;
			break;
		case O_RULES:
			if (opt_rules(rn.ctx, optarg) != 0)
				goto out;
			break;
		case O_SEVERITY:
			if (opt_severity(rn.ctx, optarg) != 0)
				goto out;
			break;
		case O_IDENTIFY:
			rn.identify = 1;
			crible_ctx_set_option(rn.ctx, CRIBLE_OPT_IDENTIFY_ONLY, 1);
			break;
		case O_NOHASH:
			crible_ctx_set_option(rn.ctx, CRIBLE_OPT_HASH, 0);
			break;
		case O_LIST:
			crible_ctx_set_option(rn.ctx, CRIBLE_OPT_LIST, 1);
			break;
		case O_SHALLOW:
			crible_ctx_set_option(rn.ctx, CRIBLE_OPT_SHALLOW, 1);
			break;
		case 'T':
			if (nlists == sizeof lists / sizeof lists[0]) {
				fputs("crible: too many --files-from\n", stderr);
				goto out;
			}
			lists[nlists++] = optarg;
			break;
		case 'j':
			if (parse_u64(optarg, &v) || v == 0 || v > 1024) {
				fprintf(stderr, "crible: --jobs: want 1..1024, got '%s'\n", optarg);
				goto out;
			}
			jobs = (long)v;
			/* One thread means one: not the entries of a large container on the other cores either. */
			crible_ctx_set_option(rn.ctx, CRIBLE_OPT_PARALLEL, v > 1);
			break;
		case O_MAXDEPTH:
		case O_MAXSIZE:
		case O_MAXENTRIES:
		case O_MAXRATIO:
		case O_TIMEOUT:
			if (parse_u64(optarg, &v) || v == 0 || (c != O_MAXSIZE && c != O_MAXENTRIES && v > UINT32_MAX)) {
				fprintf(stderr, "crible: %s: want a positive number, got '%s'\n", argv[optind - 1],
					optarg);
				goto out;
			}
			crible_ctx_set_limit(rn.ctx,
					     c == O_MAXDEPTH ? CRIBLE_LIMIT_DEPTH : c == O_MAXSIZE ? CRIBLE_LIMIT_EXPANDED
					     : c == O_MAXENTRIES ? CRIBLE_LIMIT_ENTRIES : c == O_MAXRATIO ? CRIBLE_LIMIT_RATIO
					     : CRIBLE_LIMIT_TIME_MS, v);
			break;
		case 'h':
			usage(stdout);
			rc = EXIT_CLEAN;
			goto out;
		default:
			usage(stderr);
			goto out;
		}
	}
	if (optind >= argc && nlists == 0) {
		fputs("crible scan: no input (try 'crible scan --help')\n", stderr);
		goto out;
	}
	for (int i = optind; i < argc; i++)
		if (walk_add(&rn.in, argv[i]) != 0) {
			fputs("crible: out of memory\n", stderr);
			goto out;
		}
	for (size_t i = 0; i < nlists; i++)
		if (read_list(&rn.in, lists[i]) != 0)
			goto out;
	if (volumes_find(&rn.in) != 0) {
		fputs("crible: out of memory\n", stderr);
		goto out;
	}
	size_t nstdin = 0;
	for (size_t i = 0; i < rn.in.n; i++)
		nstdin += rn.in.v[i].path == NULL;
	if (nstdin > 1 || (nstdin && nlists && !strcmp(lists[0], "-"))) {
		fputs("crible: standard input named more than once\n", stderr);
		goto out;
	}

	rn.jobs = calloc(rn.in.n ? rn.in.n : 1, sizeof *rn.jobs);
	if (!rn.jobs) {
		fputs("crible: out of memory\n", stderr);
		goto out;
	}
	pthread_mutex_init(&rn.mu, NULL);
	if (jobs < 1)
		jobs = 1;
	if ((size_t)jobs > rn.in.n)
		jobs = (long)(rn.in.n ? rn.in.n : 1);
	pthread_t tids[1024];
	long started = 0;
	for (; started < jobs; started++)
		if (pthread_create(&tids[started], NULL, worker, &rn) != 0)
			break;
	if (started == 0)
		worker(&rn);	/* no threads to be had: do it here */

	for (long t = 0; t < started; t++)
		pthread_join(tids[t], NULL);
	flush_ready(&rn);
	rc = rn.worst;
	if (fflush(stdout) != 0 || ferror(stdout)) {
		fprintf(stderr, "crible: writing output: %s\n", strerror(errno));
		rc = EXIT_ERROR;
	}
out:
	free(rn.jobs);
	inputs_free(&rn.in);
	crible_ctx_free(rn.ctx);
	return rc;
}
