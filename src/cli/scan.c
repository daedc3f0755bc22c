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
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "crible.h"

enum fmt { FMT_TEXT, FMT_JSON, FMT_SARIF };

/* What the inputs of one job came to, for the closing summary. */
struct tally {
	uint64_t blocked, warned, allowed, unreadable, bytes;
};

struct job {
	char *out;	/* rendered reports (stdout) */
	char *errmsg;	/* rendered errors (stderr) */
	char *note;	/* SARIF notifications for unreadable inputs */
	bool lost;	/* memory ran out joining a report: it must not pass for printed */
	struct tally t;
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
	enum fmt fmt;
	int verbose, identify, quiet, color;
	pthread_mutex_t mu;	/* the print lock */
	atomic_size_t printed;	/* reports printed so far: written under mu, read outside it too */
	int worst;		/* exit status so far, under mu */
	struct tally sum;	/* over the printed jobs, under mu */
	char *notes;		/* SARIF notifications so far, under mu */
	int any_result;		/* a SARIF result was printed, under mu */
	/* The progress line (progress.c draws it under mu; flush_ready wipes it before printing). */
	struct progress *pg;
	atomic_uint_fast64_t files_done, bytes_done;
	atomic_uint_fast64_t bytes_inflight;	/* read so far of the inputs being scanned */
	int workers_left;	/* under donemu; the last worker out signals donecv */
	pthread_mutex_t donemu;
	pthread_cond_t donecv;
};

static void usage(FILE *f)
{
	fputs("usage: crible scan [options] PATH...\n"
	      "\n"
	      "Scan files, directories (recursively) or '-' (standard input) and say\n"
	      "what each file really is and whether opening it can hurt.\n"
	      "\n"
	      "  --format FORMAT        text (default), json: one JSON object per input\n"
	      "                         (JSON Lines), sarif: one SARIF 2.1.0 log for CI\n"
	      "                         dashboards (GitHub, GitLab)\n"
	      "  --json                 the same as --format json\n"
	      "  -v, --verbose          show every finding with its detail\n"
	      "  -q, --quiet            print only blocked and warned inputs, no summary\n"
	      "  --color WHEN           never, auto (default: on a terminal, unless\n"
	      "                         NO_COLOR is set) or always\n"
	      "  --no-progress          no progress line on a terminal's stderr\n"
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
	      "  --max-input BYTES      an input larger than this is judged from its first and\n"
	      "                         last 64 KiB only: limit.size (default: no limit)\n"
	      "  -h, --help             this help\n"
	      "\n"
	      "A scan of more than one file ends with a summary on stderr (text format).\n"
	      "'crible explain ID' says what a finding means.\n"
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

/* Appends b to *a (taking b), with sep between two non-empty ones; false when memory ran out and b is lost. */
static bool join(char **a, char *b, const char *sep)
{
	if (!b)
		return true;
	if (!*b) {
		free(b);
		return true;
	}
	if (!*a || !**a) {
		free(*a);
		*a = b;
		return true;
	}
	size_t la = strlen(*a), ls = strlen(sep), lb = strlen(b);
	char *c = realloc(*a, la + ls + lb + 1);
	if (c) {
		memcpy(c + la, sep, ls);
		memcpy(c + la + ls, b, lb + 1);
		*a = c;
	}
	free(b);
	return c != NULL;
}

/*
 * What an input that could not be judged prints: never a clean report.
 * The library renders it, escaped: a path or message from the input never
 * reaches the terminal raw.
 */
static void error_out(struct run *rn, const char *display, const char *m, struct job *j)
{
	char *s = NULL;
	crible_error_render(display, m, CRIBLE_TEXT, &s, NULL);
	j->lost |= !join(&j->errmsg, s, "");
	if (rn->fmt == FMT_JSON) {
		s = NULL;
		crible_error_render(display, m, CRIBLE_JSON, &s, NULL);
		j->lost |= !join(&j->out, s, "");
	} else if (rn->fmt == FMT_SARIF) {
		s = NULL;
		crible_error_render(display, m, CRIBLE_SARIF, &s, NULL);
		j->lost |= !join(&j->note, s, ",\n");
	}
	j->t.unreadable++;
	atomic_fetch_add(&rn->files_done, 1);
}

static unsigned render_flags(const struct run *rn)
{
	switch (rn->fmt) {
	case FMT_JSON:
		return CRIBLE_JSON;
	case FMT_SARIF:
		return CRIBLE_SARIF;
	default:
		if (rn->identify)
			return CRIBLE_TEXT | CRIBLE_MIME_ONLY;
		return CRIBLE_TEXT | (rn->verbose ? CRIBLE_VERBOSE : 0) | (rn->color ? CRIBLE_COLOR : 0);
	}
}

/* How far one input's scan has read: its share of bytes_inflight, for the progress line. */
struct flight {
	struct run *rn;
	uint64_t told;
};

static void on_progress(void *arg, uint64_t entries, uint64_t bytes)
{
	(void)entries;
	struct flight *f = arg;
	if (bytes > f->told) {
		atomic_fetch_add(&f->rn->bytes_inflight, bytes - f->told);
		f->told = bytes;
	}
}

/* Scans one file, appending its report to j; returns its EXIT_* status. */
static int scan_file(struct run *rn, const struct input *in, struct job *j, int *isdir)
{
	progress_current(rn->pg, in->display);
	if (in->err) {
		error_out(rn, in->display, input_strerror(in), j);
		return EXIT_ERROR;
	}
	int fd = -1;
	if (in->path && (fd = open(in->path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK)) < 0) {
		error_out(rn, in->display, strerror(errno), j);
		return EXIT_ERROR;
	}
	crible_job *job = crible_job_new(rn->ctx);
	crible_result *r = NULL;
	const char *bad = NULL;	/* a volume that could not be read */
	crible_err e = CRIBLE_ENOMEM;
	struct flight fl = {rn, 0};
	if (job && rn->pg)
		crible_job_set_progress(job, on_progress, &fl);
	if (job && crible_job_set_name(job, rn->name ? rn->name : in->path) == CRIBLE_OK &&
	    crible_job_set_declared_type(job, rn->declared) == CRIBLE_OK)
		e = in->nvols ? feed_volumes(job, fd, in, &r, &bad) : fd >= 0 ? crible_job_scan_fd(job, fd, &r)
								       : feed_stdin(job, &r);
	if (fd >= 0)
		close(fd);
	atomic_fetch_sub(&rn->bytes_inflight, fl.told);	/* counted in bytes_done once judged */
	if (e == CRIBLE_EISDIR && isdir) {
		*isdir = 1;
		crible_job_free(job);
		return EXIT_CLEAN;
	}
	if (e != CRIBLE_OK && bad) {
		char *m = dupf("%s (volume %s)", strerror(errno), bad);
		error_out(rn, in->display, m ? m : "out of memory", j);
		free(m);
		crible_job_free(job);
		return EXIT_ERROR;
	}
	if (e != CRIBLE_OK) {
		const char *m = job ? crible_job_errmsg(job) : "";
		error_out(rn, in->display, *m ? m : e == CRIBLE_EIO ? strerror(errno) : crible_strerror(e), j);
		crible_job_free(job);
		return EXIT_ERROR;
	}
	crible_job_free(job);
	crible_verdict v = crible_result_verdict(r);
	char *out = NULL;
	/* --quiet: an allowed input prints nothing (SARIF lists findings only, low ones included). */
	if (!(rn->quiet && v == CRIBLE_ALLOW && rn->fmt != FMT_SARIF) &&
	    crible_result_render(r, in->display, render_flags(rn), &out, NULL) != CRIBLE_OK) {
		error_out(rn, in->display, "out of memory", j);
		crible_result_free(r);
		return EXIT_ERROR;
	}
	j->lost |= !join(&j->out, out, rn->fmt == FMT_SARIF ? ",\n" : "");
	j->t.blocked += v == CRIBLE_BLOCK;
	j->t.warned += v == CRIBLE_WARN;
	j->t.allowed += v == CRIBLE_ALLOW;
	j->t.bytes += crible_result_size(r);
	atomic_fetch_add(&rn->files_done, 1);
	atomic_fetch_add(&rn->bytes_done, crible_result_size(r));
	crible_result_free(r);
	return v == CRIBLE_BLOCK ? EXIT_BLOCKED : EXIT_CLEAN;
}

static int worse(int a, int b) { return a == EXIT_ERROR || b == EXIT_ERROR ? EXIT_ERROR : a > b ? a : b; }

static void scan_one(struct run *rn, size_t i)
{
	struct input *in = &rn->in.v[i];
	struct job *j = &rn->jobs[i];
	int isdir = 0;
	/* Paths from --files-from are not stat'ed up front; a directory among them is walked here. */
	j->status = scan_file(rn, in, j, in->lazy ? &isdir : NULL);
	if (!isdir)
		return;
	struct inputs sub;
	memset(&sub, 0, sizeof sub);
	if (walk_add(&sub, in->path) != 0) {
		error_out(rn, in->display, "out of memory", j);
		j->status = EXIT_ERROR;
		inputs_free(&sub);
		return;
	}
	j->status = EXIT_CLEAN;
	for (size_t k = 0; k < sub.n; k++)
		j->status = worse(j->status, scan_file(rn, &sub.v[k], j, NULL));
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
			if (j->errmsg || (j->out && *j->out))
				progress_wipe(rn->pg);
			if (j->errmsg)
				fputs(j->errmsg, stderr);
			if (j->out && *j->out) {
				if (rn->fmt == FMT_SARIF && rn->any_result)
					fputs(",\n", stdout);
				fputs(j->out, stdout);
				rn->any_result = 1;
			}
			/* A report that could not be kept is never a silent gap: an error, exit status 2. */
			if (!join(&rn->notes, j->note, ",\n") || j->lost) {
				fputs("crible: out of memory: a report was lost\n", stderr);
				rn->sum.unreadable++;
				rn->worst = EXIT_ERROR;
			}
			rn->sum.blocked += j->t.blocked;
			rn->sum.warned += j->t.warned;
			rn->sum.allowed += j->t.allowed;
			rn->sum.unreadable += j->t.unreadable;
			rn->sum.bytes += j->t.bytes;
			free(j->out);
			free(j->errmsg);
			j->out = j->errmsg = j->note = NULL;
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
	pthread_mutex_lock(&rn->donemu);
	if (--rn->workers_left <= 0)
		pthread_cond_signal(&rn->donecv);
	pthread_mutex_unlock(&rn->donemu);
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
       O_MAXSIZE, O_MAXENTRIES, O_MAXRATIO, O_TIMEOUT, O_RULES, O_FORMAT, O_COLOR, O_NOPROGRESS, O_MAXINPUT };

int cmd_scan(int argc, char **argv)
{
	static const struct option opts[] = {
		{"json", no_argument, NULL, O_JSON},
		{"verbose", no_argument, NULL, 'v'},
		{"quiet", no_argument, NULL, 'q'},
		{"format", required_argument, NULL, O_FORMAT},
		{"color", required_argument, NULL, O_COLOR},
		{"colour", required_argument, NULL, O_COLOR},
		{"no-progress", no_argument, NULL, O_NOPROGRESS},
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
		{"max-input", required_argument, NULL, O_MAXINPUT},
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
	int rc = EXIT_ERROR, c, show = 1;
	const char *color = NULL;
	uint64_t v;
	optind = 1;
	while ((c = getopt_long(argc, argv, "vqT:j:h", opts, NULL)) != -1) {
		switch (c) {
		case O_JSON:
			rn.fmt = FMT_JSON;
			break;
		case O_FORMAT:
			if (!strcmp(optarg, "text"))
				rn.fmt = FMT_TEXT;
			else if (!strcmp(optarg, "json"))
				rn.fmt = FMT_JSON;
			else if (!strcmp(optarg, "sarif"))
				rn.fmt = FMT_SARIF;
			else {
				fprintf(stderr, "crible: --format: want text, json or sarif, got '%s'\n", optarg);
				goto out;
			}
			break;
		case O_COLOR:
			if (opt_color(optarg) != 0)
				goto out;
			color = optarg;
			break;
		case O_NOPROGRESS:
			show = 0;
			break;
		case 'v':
			rn.verbose = 1;
			break;
		case 'q':
			rn.quiet = 1;
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
		case O_MAXINPUT:
			if (parse_u64(optarg, &v) || v == 0) {
				fprintf(stderr, "crible: --max-input: want a positive number of bytes, got '%s'\n", optarg);
				goto out;
			}
			crible_ctx_set_limit(rn.ctx, CRIBLE_LIMIT_INPUT, v);
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
	rn.color = rn.fmt == FMT_TEXT && color_on(color, STDOUT_FILENO);
	if (show)
		rn.pg = progress_new();
	struct timespec t0;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	if (rn.fmt == FMT_SARIF) {
		char *head = NULL;
		if (crible_sarif_begin(&head, NULL) != CRIBLE_OK) {
			fputs("crible: out of memory\n", stderr);
			goto out;
		}
		fputs(head, stdout);
		free(head);
	}
	if (jobs < 1)
		jobs = 1;
	if ((size_t)jobs > rn.in.n)
		jobs = (long)(rn.in.n ? rn.in.n : 1);
	pthread_t tids[1024];
	long started = 0;
	pthread_mutex_init(&rn.donemu, NULL);
	pthread_condattr_t ca;
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&rn.donecv, &ca);
	pthread_condattr_destroy(&ca);
	pthread_mutex_lock(&rn.donemu);
	rn.workers_left = (int)jobs;
	for (; started < jobs; started++)
		if (pthread_create(&tids[started], NULL, worker, &rn) != 0)
			break;
	rn.workers_left -= (int)(jobs - started);
	pthread_mutex_unlock(&rn.donemu);
	if (started == 0) {
		rn.workers_left = 1;
		worker(&rn);	/* no threads to be had: do it here */
	}
	/* The progress line, five times a second, while the workers run; the last one out wakes us at once. */
	pthread_mutex_lock(&rn.donemu);
	while (rn.pg && rn.workers_left > 0) {
		struct timespec when;
		clock_gettime(CLOCK_MONOTONIC, &when);
		when.tv_nsec += 200 * 1000 * 1000;
		if (when.tv_nsec >= 1000000000L) {
			when.tv_sec++;
			when.tv_nsec -= 1000000000L;
		}
		pthread_cond_timedwait(&rn.donecv, &rn.donemu, &when);
		if (rn.workers_left <= 0)
			break;
		pthread_mutex_unlock(&rn.donemu);
		pthread_mutex_lock(&rn.mu);
		progress_draw(rn.pg, atomic_load(&rn.files_done),
			      atomic_load(&rn.bytes_done) + atomic_load(&rn.bytes_inflight));
		pthread_mutex_unlock(&rn.mu);
		pthread_mutex_lock(&rn.donemu);
	}
	pthread_mutex_unlock(&rn.donemu);

	for (long t = 0; t < started; t++)
		pthread_join(tids[t], NULL);
	flush_ready(&rn);
	progress_wipe(rn.pg);
	rc = rn.worst;
	if (rn.fmt == FMT_SARIF) {
		char *tail = NULL;
		if (crible_sarif_end(rn.sum.unreadable == 0, rn.notes, &tail, NULL) != CRIBLE_OK) {
			fputs("crible: out of memory\n", stderr);
			rc = EXIT_ERROR;
		} else {
			fputs(tail, stdout);
		}
		free(tail);
	}
	if (fflush(stdout) != 0 || ferror(stdout)) {
		fprintf(stderr, "crible: writing output: %s\n", strerror(errno));
		rc = EXIT_ERROR;
	}
	uint64_t files = rn.sum.blocked + rn.sum.warned + rn.sum.allowed + rn.sum.unreadable;
	if (rn.fmt == FMT_TEXT && !rn.quiet && !rn.identify && files > 1) {
		struct timespec t1;
		clock_gettime(CLOCK_MONOTONIC, &t1);
		char sz[32];
		crible_size_text(rn.sum.bytes, sz, sizeof sz);
		fprintf(stderr,
			"crible: scanned %llu files (%s) in %.1f s: %llu blocked, %llu warned, %llu allowed, %llu unreadable\n",
			(unsigned long long)files, sz,
			(double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9,
			(unsigned long long)rn.sum.blocked, (unsigned long long)rn.sum.warned,
			(unsigned long long)rn.sum.allowed, (unsigned long long)rn.sum.unreadable);
	}
out:
	progress_free(rn.pg);
	free(rn.notes);
	free(rn.jobs);
	inputs_free(&rn.in);
	crible_ctx_free(rn.ctx);
	return rc;
}
