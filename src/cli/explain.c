/*
 * explain.c - `crible explain`: what a finding id means.
 *
 *   crible explain path.ads          one id: severity, summary, why, example
 *   crible explain path              every id of a family (path.*)
 *   crible explain                   every id, one line each
 *   crible explain --man             the FINDINGS section of crible(1)
 *
 * Everything printed comes from the library's id table
 * (crible_finding_at), the one the SARIF rules are made from, and
 * docs/crible.1's FINDINGS section is this command's --man output
 * (tests/integration/test_explain.py holds the two equal).
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "crible.h"

static void usage(FILE *f)
{
	fputs("usage: crible explain [ID|FAMILY...]\n"
	      "\n"
	      "Say what a finding id means: its default severity, when it is raised, why\n"
	      "it matters and an input that raises it.  A family (path, exec, doc...)\n"
	      "explains each of its ids; no argument lists every id.\n"
	      "\n"
	      "  --man                  the FINDINGS section of crible(1), in troff\n"
	      "  -h, --help             this help\n"
	      "\n"
	      "Exit status: 0, or 2 for an id crible does not have.\n",
	      f);
}

static const char *verdict_of(crible_severity s) { return s == CRIBLE_SEV_HIGH ? "block" : s == CRIBLE_SEV_MEDIUM ? "warn" : "allow"; }

/* Prints s wrapped at 76 columns, each line indented by two spaces. */
static void wrap(const char *s)
{
	const size_t width = 76;
	size_t col = 0;
	while (*s) {
		while (*s == ' ')
			s++;
		size_t w = strcspn(s, " ");
		if (!w)
			break;
		if (col && col + 1 + w > width) {
			fputc('\n', stdout);
			col = 0;
		}
		if (!col) {
			fputs("  ", stdout);
			col = 2;
		} else {
			fputc(' ', stdout);
			col++;
		}
		fwrite(s, 1, w, stdout);
		col += w;
		s += w;
	}
	if (col)
		fputc('\n', stdout);
}

static void explain(const crible_finding_info *d)
{
	printf("%s: %s by default (%s)\n", d->id, crible_severity_name(d->severity), verdict_of(d->severity));
	wrap(d->summary);
	fputc('\n', stdout);
	wrap(d->help);
	fputc('\n', stdout);
	char ex[512];
	snprintf(ex, sizeof ex, "Example: %s.", d->example);
	wrap(ex);
}

/* troff: a backslash is \e, a line may not start with a control character. */
static void roff(const char *s)
{
	const char *start = s;
	if (*s == '.' || *s == '\'')
		fputs("\\&", stdout);
	for (; *s; s++) {
		if (*s == '\\')
			fputs("\\e", stdout);
		else if (*s == '-' && (s == start || !isalnum((unsigned char)s[-1])))
			fputs("\\-", stdout);	/* an option's hyphens (-v, --timeout), not a word's (non-recursive) */
		else
			fputc(*s, stdout);
	}
	fputc('\n', stdout);
}

static void man(void)
{
	fputs(".SH FINDINGS\n"
	      ".\\\" Made by 'crible explain --man' from src/lib/core/findings.c: edit there, then run\n"
	      ".\\\" scripts/man-findings.sh (tests/integration/test_explain.py checks the two agree).\n"
	      "Every finding has a stable id, a severity and the place it was found.\n"
	      "The verdict of an input is the worst severity over its findings and\n"
	      "those of everything nested in it: high blocks, medium warns, low allows.\n"
	      "A policy\n"
	      ".RB ( \\-\\-policy \", \" \\-\\-severity )\n"
	      "may change any id's severity.\n"
	      "Inside archives (ZIP, TAR, RAR4/RAR5, gzip, bzip2, xz, zstd, lz4, 7z,\n"
	      "CAB, ISO 9660, cpio, ar, RPM, XAR) every entry's data is scanned like a\n"
	      "file and its name is judged as POSIX, Windows and macOS read it.\n"
	      ".B crible explain\n"
	      ".I ID\n"
	      "prints the same text as below.\n",
	      stdout);
	for (size_t i = 0; i < crible_finding_count(); i++) {
		const crible_finding_info *d = crible_finding_at(i);
		printf(".TP\n.B %s\n(%s) ", d->id, crible_severity_name(d->severity));
		roff(d->summary);
		roff(d->help);
		fputs(".br\nExample: ", stdout);
		roff(d->example);
	}
}

int cmd_explain(int argc, char **argv)
{
	if (argc == 2 && (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help"))) {
		usage(stdout);
		return EXIT_CLEAN;
	}
	if (argc == 2 && !strcmp(argv[1], "--man")) {
		man();
		return fflush(stdout) == 0 ? EXIT_CLEAN : EXIT_ERROR;
	}
	if (argc == 1) {
		for (size_t i = 0; i < crible_finding_count(); i++) {
			const crible_finding_info *d = crible_finding_at(i);
			printf("%-22s %-6s %s\n", d->id, crible_severity_name(d->severity), d->summary);
		}
		return fflush(stdout) == 0 ? EXIT_CLEAN : EXIT_ERROR;
	}
	int rc = EXIT_CLEAN, first = 1;
	for (int a = 1; a < argc; a++) {
		const char *arg = argv[a];
		if (arg[0] == '-') {
			fprintf(stderr, "crible explain: unknown option '%s' (try 'crible explain --help')\n", arg);
			return EXIT_ERROR;
		}
		size_t fam = strlen(arg);
		if (fam >= 2 && !strcmp(arg + fam - 2, ".*"))
			fam -= 2;	/* "path.*" is the family "path" */
		int found = 0;
		for (size_t i = 0; i < crible_finding_count(); i++) {
			const crible_finding_info *d = crible_finding_at(i);
			int exact = !strcmp(d->id, arg);
			int family = !strchr(arg, '.') || fam != strlen(arg) ? !strncmp(d->id, arg, fam) && d->id[fam] == '.'
									       : 0;
			if (!exact && !family)
				continue;
			if (!first)
				fputc('\n', stdout);
			explain(d);
			first = 0;
			found = 1;
		}
		if (!found) {
			char *esc = NULL;
			crible_text_escape(arg, strlen(arg), &esc);
			fprintf(stderr, "crible explain: no finding id '%s' ('crible explain' lists them)\n", esc ? esc : "?");
			free(esc);
			rc = EXIT_ERROR;
		}
	}
	if (fflush(stdout) != 0)
		rc = EXIT_ERROR;
	return rc;
}
