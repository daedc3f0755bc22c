/*
 * diff.c - `crible diff PACKAGE SOURCE`: is the published package what
 * its source says?  Exit 0 when no finding reaches --fail-on (default
 * high), 1 when one does, 2 when the comparison could not be made.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"

static void usage(FILE *f)
{
	fputs("usage: crible diff [options] PACKAGE SOURCE\n"
	      "\n"
	      "Compares a published package (an npm .tgz, a .crate, a wheel, an sdist, a\n"
	      "release tarball, a .zip or a .deb) with the source it claims to come from\n"
	      "(a checkout folder or an archive), and judges each difference: install\n"
	      "hooks the source lacks, code and binaries only the package has, mode and\n"
	      "type changes.  Times, owners and order are normalised.\n"
	      "\n"
	      "  --json            one JSON object (docs/diff.md)\n"
	      "  --attest FILE     also write an unsigned in-toto statement (SLSA VSA v1)\n"
	      "  --time WHEN       the attestation's time: @SECONDS or YYYY-MM-DDTHH:MM:SSZ\n"
	      "  --eco ECO         npm, pypi, crate, autotools, deb or generic (default: from the layout)\n"
	      "  --subdir DIR      compare with this folder of the source (a monorepo's package;\n"
	      "                    a crate's path_in_vcs is used when not given)\n"
	      "  --commit SHA      the commit the source is (a tag tarball); a checkout's .git/HEAD is read\n"
	      "  --fail-on SEV     exit 1 from this severity: info, low, medium, high (default), critical\n"
	      "\n"
	      "Verdicts: MATCH (nothing above low), DIVERGENT (medium or high), SUSPICIOUS (critical).\n"
	      "See crible(1).\n",
	      f);
}

enum { O_JSON = 256, O_ATTEST, O_TIME, O_ECO, O_SUBDIR, O_FAILON, O_COMMIT };

/* "@SECONDS" or an RFC 3339 UTC time, as the attestation writes it. */
static int parse_time(const char *s, char out[32])
{
	if (s[0] == '@') {
		uint64_t v;
		if (parse_u64(s + 1, &v) != 0 || v > 253402300799ull)
			return -1;
		time_t t = (time_t)v;
		struct tm tm;
		if (!gmtime_r(&t, &tm))
			return -1;
		strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
		return 0;
	}
	struct tm tm = {0};
	const char *e = strptime(s, "%Y-%m-%dT%H:%M:%SZ", &tm);
	if (!e || *e)
		return -1;
	snprintf(out, 32, "%s", s);
	return 0;
}

static int write_file(const char *path, const char *s, size_t n)
{
	FILE *f = fopen(path, "w");
	if (!f)
		return -1;
	size_t w = fwrite(s, 1, n, f);
	int rc = fclose(f);
	return w == n && rc == 0 ? 0 : -1;
}

int cmd_diff(int argc, char **argv)
{
	static const struct option opts[] = {
		{"json", no_argument, NULL, O_JSON},
		{"attest", required_argument, NULL, O_ATTEST},
		{"time", required_argument, NULL, O_TIME},
		{"eco", required_argument, NULL, O_ECO},
		{"subdir", required_argument, NULL, O_SUBDIR},
		{"fail-on", required_argument, NULL, O_FAILON},
		{"commit", required_argument, NULL, O_COMMIT},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	int json = 0, c, rc = EXIT_ERROR;
	const char *attest = NULL, *eco = NULL, *subdir = NULL, *commit = NULL;
	char when[32] = "";
	crible_dsev fail_on = CRIBLE_DSEV_HIGH;
	optind = 1;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case O_JSON:
			json = 1;
			break;
		case O_ATTEST:
			attest = optarg;
			break;
		case O_TIME:
			if (parse_time(optarg, when) != 0) {
				fprintf(stderr, "crible: --time: want @SECONDS or YYYY-MM-DDTHH:MM:SSZ, got '%s'\n", optarg);
				return EXIT_ERROR;
			}
			break;
		case O_ECO:
			eco = optarg;
			break;
		case O_SUBDIR:
			subdir = optarg;
			break;
		case O_COMMIT:
			commit = optarg;
			break;
		case O_FAILON: {
			static const char *const names[] = {"ok", "info", "low", "medium", "high", "critical"};
			int k = -1;
			for (int i = 1; i < 6; i++)
				if (!strcmp(optarg, names[i]))
					k = i;
			if (k < 0) {
				fprintf(stderr, "crible: --fail-on: want info, low, medium, high or critical, got '%s'\n", optarg);
				return EXIT_ERROR;
			}
			fail_on = (crible_dsev)k;
			break;
		}
		case 'h':
			usage(stdout);
			return EXIT_CLEAN;
		default:
			usage(stderr);
			return EXIT_ERROR;
		}
	}
	if (argc - optind != 2) {
		usage(stderr);
		return EXIT_ERROR;
	}
	const char *pkg = argv[optind], *src = argv[optind + 1];
	crible_ctx *ctx = crible_ctx_new();
	crible_diff *d = ctx ? crible_diff_new(ctx) : NULL;
	int pfd = -1, sfd = -1;
	char *out = NULL;
	if (!d) {
		fputs("crible: out of memory\n", stderr);
		goto done;
	}
	if (crible_diff_set_eco(d, eco) != CRIBLE_OK || crible_diff_set_subdir(d, subdir) != CRIBLE_OK ||
	    crible_diff_set_commit(d, commit) != CRIBLE_OK) {
		fprintf(stderr, "crible: diff: %s\n", crible_diff_errmsg(d));
		goto done;
	}
	struct stat st;
	if ((pfd = open(pkg, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK)) < 0 || fstat(pfd, &st) != 0 ||
	    !S_ISREG(st.st_mode)) {
		fprintf(stderr, "crible: diff: %s: %s\n", pkg, pfd < 0 ? strerror(errno) : "not a regular file");
		goto done;
	}
	if (crible_diff_package_fd(d, pfd, pkg) != CRIBLE_OK) {
		fprintf(stderr, "crible: diff: %s\n", crible_diff_errmsg(d));
		goto done;
	}
	if ((sfd = open(src, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK)) < 0 || fstat(sfd, &st) != 0) {
		fprintf(stderr, "crible: diff: %s: %s\n", src, strerror(errno));
		goto done;
	}
	crible_err e = S_ISDIR(st.st_mode) ? crible_diff_source_dir(d, sfd, src)
		       : S_ISREG(st.st_mode) ? crible_diff_source_fd(d, sfd, src)
					     : CRIBLE_EINVAL;
	if (e == CRIBLE_OK)
		e = crible_diff_run(d);
	if (e != CRIBLE_OK) {
		fprintf(stderr, "crible: diff: %s\n", crible_diff_errmsg(d)[0] ? crible_diff_errmsg(d) : "the source is neither a file nor a folder");
		goto done;
	}
	size_t len = 0;
	if (crible_diff_render(d, json ? CRIBLE_DIFF_JSON : CRIBLE_DIFF_TEXT, NULL, &out, &len) != CRIBLE_OK ||
	    fwrite(out, 1, len, stdout) != len || fflush(stdout) != 0) {
		fputs("crible: diff: cannot write the report\n", stderr);
		goto done;
	}
	if (attest) {
		free(out);
		out = NULL;
		if (crible_diff_render(d, CRIBLE_DIFF_ATTEST, when[0] ? when : NULL, &out, &len) != CRIBLE_OK ||
		    write_file(attest, out, len) != 0) {
			fprintf(stderr, "crible: diff: %s: cannot write the attestation\n", attest);
			goto done;
		}
	}
	rc = crible_diff_worst(d) >= fail_on ? EXIT_BLOCKED : EXIT_CLEAN;
done:
	free(out);
	if (pfd >= 0)
		close(pfd);
	if (sfd >= 0)
		close(sfd);
	crible_diff_free(d);
	crible_ctx_free(ctx);
	return rc;
}
