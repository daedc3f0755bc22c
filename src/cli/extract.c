/*
 * extract.c - `crible extract`: judge an archive and write it into a
 * folder it cannot escape (crible_job_extract does the work; this file is
 * options, a progress line, signals and the report).
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "crible.h"

static void usage(FILE *f)
{
	fputs("usage: crible extract [options] ARCHIVE DIR\n"
	      "\n"
	      "Judge ARCHIVE and extract it into DIR (created if missing).  Every file\n"
	      "is created beneath DIR by the kernel's containment (openat2), links are\n"
	      "made last and only when they resolve inside, and nothing is written\n"
	      "unless the whole extraction succeeds.\n"
	      "\n"
	      "  --sanitize             write the safe entries, rename those whose only\n"
	      "                         hazard is their name, skip the rest (default: all or\n"
	      "                         nothing: a blocked archive writes nothing)\n"
	      "  --for windows|posix    whose file system the names must suit (posix);\n"
	      "                         windows: '\\' separates, no streams, device names,\n"
	      "                         trailing dots, reserved characters or case twins\n"
	      "  --json                 one JSON object: the scan and what was written,\n"
	      "                         renamed and skipped, with each file's SHA-256\n"
	      "  -v, --verbose          every finding, and every entry written\n"
	      "  --max-size BYTES       write at most this many bytes (1 GiB); raises the\n"
	      "                         scan's expansion limit to match\n"
	      "  --max-files N          create at most N files, folders and links (100000)\n"
	      "  --accept LIST --policy FILE --severity ID=SEV --rules PATH\n"
	      "  --max-depth N --max-entries N --max-ratio N --timeout MS\n"
	      "                         as for crible scan\n"
	      "  --no-progress          no progress line on a terminal\n"
	      "  --color WHEN           never, auto (default) or always, as for crible scan\n"
	      "  -h, --help             this help\n"
	      "\n"
	      "Exit status: 0 written, 1 refused (blocked, readers disagree, a quota, or\n"
	      "with --sanitize nothing safe), 2 an error (nothing written).\n",
	      f);
}

static crible_job *running;	/* for the signal handler */

static void on_signal(int sig)
{
	(void)sig;
	if (running)
		crible_job_cancel(running);	/* an atomic store: the library removes its staging folder */
}

struct bar {
	struct timespec start, last;
	int shown;
};

static double secs(const struct timespec *a, const struct timespec *b)
{
	return (double)(b->tv_sec - a->tv_sec) + (double)(b->tv_nsec - a->tv_nsec) / 1e9;
}

static void progress(void *arg, uint64_t entries, uint64_t bytes)
{
	struct bar *b = arg;
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	if (secs(&b->last, &now) < 0.2)
		return;
	b->last = now;
	double t = secs(&b->start, &now);
	fprintf(stderr, "\r  %llu entries, %.1f MiB, %.1f MiB/s   ", (unsigned long long)entries,
		(double)bytes / 1048576.0, t > 0 ? (double)bytes / 1048576.0 / t : 0.0);
	b->shown = 1;
}

/* mkdir -p, for the destination the user named. */
static int make_dirs(const char *path)
{
	char *p = strdup(path);
	if (!p)
		return -1;
	for (char *c = p + 1; *c; c++) {
		if (*c != '/')
			continue;
		*c = '\0';
		if (mkdir(p, 0777) != 0 && errno != EEXIST) {
			free(p);
			return -1;
		}
		*c = '/';
	}
	int rc = mkdir(p, 0777) != 0 && errno != EEXIST ? -1 : 0;
	free(p);
	return rc;
}

enum { O_JSON = 256, O_SANITIZE, O_FOR, O_MAXSIZE, O_MAXFILES, O_ACCEPT, O_POLICY, O_SEVERITY, O_RULES,
       O_MAXDEPTH, O_MAXRATIO, O_TIMEOUT, O_NOPROGRESS, O_MAXENTRIES, O_COLOR };

int cmd_extract(int argc, char **argv)
{
	static const struct option opts[] = {
		{"json", no_argument, NULL, O_JSON},
		{"verbose", no_argument, NULL, 'v'},
		{"sanitize", no_argument, NULL, O_SANITIZE},
		{"for", required_argument, NULL, O_FOR},
		{"max-size", required_argument, NULL, O_MAXSIZE},
		{"max-files", required_argument, NULL, O_MAXFILES},
		{"accept", required_argument, NULL, O_ACCEPT},
		{"policy", required_argument, NULL, O_POLICY},
		{"severity", required_argument, NULL, O_SEVERITY},
		{"rules", required_argument, NULL, O_RULES},
		{"max-depth", required_argument, NULL, O_MAXDEPTH},
		{"max-ratio", required_argument, NULL, O_MAXRATIO},
		{"max-entries", required_argument, NULL, O_MAXENTRIES},
		{"timeout", required_argument, NULL, O_TIMEOUT},
		{"no-progress", no_argument, NULL, O_NOPROGRESS},
		{"color", required_argument, NULL, O_COLOR},
		{"colour", required_argument, NULL, O_COLOR},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	crible_ctx *ctx = crible_ctx_new();
	if (!ctx) {
		fputs("crible: out of memory\n", stderr);
		return EXIT_ERROR;
	}
	int json = 0, verbose = 0, show = 1, rc = EXIT_ERROR, c;
	const char *color = NULL;
	unsigned flags = 0;
	uint64_t v;
	optind = 1;
	while ((c = getopt_long(argc, argv, "vh", opts, NULL)) != -1) {
		switch (c) {
		case O_JSON:
			json = 1;
			break;
		case 'v':
			verbose = 1;
			break;
		case O_SANITIZE:
			flags |= CRIBLE_X_SANITIZE;
			break;
		case O_FOR:
			if (!strcmp(optarg, "windows"))
				flags |= CRIBLE_X_WINDOWS;
			else if (!strcmp(optarg, "posix"))
				flags &= ~(unsigned)CRIBLE_X_WINDOWS;
			else {
				fprintf(stderr, "crible: --for: want windows or posix, got '%s'\n", optarg);
				goto out;
			}
			break;
		case O_ACCEPT:
			if (crible_ctx_set_accept(ctx, optarg) != CRIBLE_OK) {
				fprintf(stderr, "crible: --accept: bad list '%s'\n", optarg);
				goto out;
			}
			break;
		case O_POLICY:
			if (opt_policy(ctx, optarg) != 0)
				goto out;
			break;
		case O_SEVERITY:
			if (opt_severity(ctx, optarg) != 0)
				goto out;
			break;
		case O_RULES:
			if (opt_rules(ctx, optarg) != 0)
				goto out;
			break;
		case O_NOPROGRESS:
			show = 0;
			break;
		case O_COLOR:
			if (opt_color(optarg) != 0)
				goto out;
			color = optarg;
			break;
		case O_MAXSIZE:
		case O_MAXFILES:
		case O_MAXDEPTH:
		case O_MAXRATIO:
		case O_MAXENTRIES:
		case O_TIMEOUT:
			if (parse_u64(optarg, &v) || v == 0 ||
			    ((c == O_MAXDEPTH || c == O_MAXRATIO || c == O_TIMEOUT) && v > UINT32_MAX)) {
				fprintf(stderr, "crible: %s: want a positive number, got '%s'\n", argv[optind - 1], optarg);
				goto out;
			}
			if (c == O_MAXSIZE) {
				crible_ctx_set_limit(ctx, CRIBLE_LIMIT_WRITE_BYTES, v);
				if (crible_ctx_get_limit(ctx, CRIBLE_LIMIT_EXPANDED) < v)
					crible_ctx_set_limit(ctx, CRIBLE_LIMIT_EXPANDED, v);
			} else if (c == O_MAXFILES) {
				crible_ctx_set_limit(ctx, CRIBLE_LIMIT_WRITE_FILES, v);
				if (crible_ctx_get_limit(ctx, CRIBLE_LIMIT_ENTRIES) < v)
					crible_ctx_set_limit(ctx, CRIBLE_LIMIT_ENTRIES, v);
			} else {
				crible_ctx_set_limit(ctx, c == O_MAXDEPTH     ? CRIBLE_LIMIT_DEPTH
							  : c == O_MAXRATIO   ? CRIBLE_LIMIT_RATIO
							  : c == O_MAXENTRIES ? CRIBLE_LIMIT_ENTRIES
									      : CRIBLE_LIMIT_TIME_MS,
						     v);
			}
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
	if (argc - optind != 2) {
		fputs("crible extract: want ARCHIVE and DIR (try 'crible extract --help')\n", stderr);
		goto out;
	}
	const char *archive = argv[optind], *dir = argv[optind + 1];
	/* The archive's SHA-256 only when it is reported: extraction is measured against bsdtar. */
	crible_ctx_set_option(ctx, CRIBLE_OPT_HASH, json);
	if (json)
		flags |= CRIBLE_X_HASH;
	int fd = open(archive, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0) {
		fprintf(stderr, "crible: %s: %s\n", archive, strerror(errno));
		goto out;
	}
	if (make_dirs(dir) != 0) {
		fprintf(stderr, "crible: %s: %s\n", dir, strerror(errno));
		close(fd);
		goto out;
	}
	int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0) {
		fprintf(stderr, "crible: %s: %s\n", dir, strerror(errno));
		close(fd);
		goto out;
	}
	crible_job *job = crible_job_new(ctx);
	if (!job || crible_job_set_name(job, archive) != CRIBLE_OK) {
		fputs("crible: out of memory\n", stderr);
		crible_job_free(job);
		close(fd);
		close(dfd);
		goto out;
	}
	struct bar bar = {0};
	if (show && isatty(STDOUT_FILENO) && isatty(STDERR_FILENO)) {
		clock_gettime(CLOCK_MONOTONIC, &bar.start);
		bar.last = bar.start;
		bar.last.tv_sec -= 1;	/* the first entry shows at once, then five times a second */
		crible_job_set_progress(job, progress, &bar);
	}
	running = job;
	struct sigaction sa = {.sa_handler = on_signal}, old[3];
	sigemptyset(&sa.sa_mask);
	const int sigs[3] = {SIGINT, SIGTERM, SIGHUP};
	for (int i = 0; i < 3; i++)
		sigaction(sigs[i], &sa, &old[i]);
	crible_result *r = NULL;
	crible_err e = crible_job_extract(job, fd, dfd, flags, &r);
	for (int i = 0; i < 3; i++)
		sigaction(sigs[i], &old[i], NULL);
	running = NULL;
	if (bar.shown)
		fputs("\r\033[K", stderr);
	close(fd);
	close(dfd);
	if (e != CRIBLE_OK) {
		char *msg = NULL;
		const char *m = crible_job_errmsg(job);
		crible_error_render(archive, *m ? m : crible_strerror(e), json ? CRIBLE_JSON : CRIBLE_TEXT, &msg, NULL);
		if (msg)
			fputs(msg, json ? stdout : stderr);
		free(msg);
		crible_job_free(job);
		goto out;
	}
	crible_job_free(job);
	char *text = NULL;
	unsigned how = json ? CRIBLE_JSON
			    : CRIBLE_TEXT | (verbose ? CRIBLE_VERBOSE : 0) | (color_on(color, STDOUT_FILENO) ? CRIBLE_COLOR : 0);
	crible_result_render(r, archive, how, &text, NULL);
	if (text)
		fputs(text, stdout);
	free(text);
	switch (crible_result_extract_status(r, NULL)) {
	case CRIBLE_XS_WRITTEN:
		rc = EXIT_CLEAN;
		break;
	case CRIBLE_XS_REFUSED:
		rc = EXIT_BLOCKED;
		break;
	default:
		rc = EXIT_ERROR;
		break;
	}
	crible_result_free(r);
	if (fflush(stdout) != 0 || ferror(stdout))
		rc = EXIT_ERROR;
out:
	crible_ctx_free(ctx);
	return rc;
}
