/* options.c - the options `crible scan` and `crible extract` share. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

int parse_u64(const char *s, uint64_t *out)
{
	char *end;
	errno = 0;
	unsigned long long v = strtoull(s, &end, 10);
	if (errno || end == s || *end || s[0] == '-')
		return -1;
	*out = v;
	return 0;
}

int opt_policy(crible_ctx *ctx, const char *file)
{
	FILE *f = fopen(file, "re");
	if (!f) {
		fprintf(stderr, "crible: %s: %s\n", file, strerror(errno));
		return -1;
	}
	char buf[1 << 16];
	size_t n = fread(buf, 1, sizeof buf, f);
	int toolong = !feof(f);
	fclose(f);
	if (toolong) {
		fprintf(stderr, "crible: %s: policy larger than 64 KiB\n", file);
		return -1;
	}
	int line = 0;
	crible_err e = crible_ctx_load_policy(ctx, buf, n, &line);
	if (e != CRIBLE_OK) {
		fprintf(stderr, "crible: %s:%d: %s\n", file, line, crible_strerror(e));
		return -1;
	}
	return 0;
}

int opt_severity(crible_ctx *ctx, char *arg)
{
	char *eq = strchr(arg, '=');
	crible_severity sev;
	if (!eq) {
		fprintf(stderr, "crible: --severity wants ID=SEVERITY, got '%s'\n", arg);
		return -1;
	}
	*eq = '\0';
	if (!strcmp(eq + 1, "high") || !strcmp(eq + 1, "block"))
		sev = CRIBLE_SEV_HIGH;
	else if (!strcmp(eq + 1, "medium") || !strcmp(eq + 1, "warn"))
		sev = CRIBLE_SEV_MEDIUM;
	else if (!strcmp(eq + 1, "low") || !strcmp(eq + 1, "allow"))
		sev = CRIBLE_SEV_LOW;
	else {
		fprintf(stderr, "crible: --severity: unknown severity '%s'\n", eq + 1);
		return -1;
	}
	if (crible_ctx_set_severity(ctx, arg, sev) != CRIBLE_OK) {
		fprintf(stderr, "crible: --severity: unknown finding id '%s'\n", arg);
		return -1;
	}
	return 0;
}

int opt_rules(crible_ctx *ctx, const char *path)
{
	char *msg = NULL;
	crible_err e = crible_ctx_set_rules(ctx, path, &msg);
	if (e != CRIBLE_OK) {
		fprintf(stderr, "crible: --rules: %s\n", msg ? msg : crible_strerror(e));
		free(msg);
		return -1;
	}
	return 0;
}

/* --color WORD: 0, or -1 after saying what is wrong. */
int opt_color(const char *arg)
{
	if (!strcmp(arg, "never") || !strcmp(arg, "auto") || !strcmp(arg, "always"))
		return 0;
	fprintf(stderr, "crible: --color: want never, auto or always, got '%s'\n", arg);
	return -1;
}

/*
 * Colour when asked, or by default when the stream is a terminal that is
 * not "dumb" and NO_COLOR (no-color.org) is unset or empty.  --color=always
 * wins over NO_COLOR: the flag is the user's latest word.
 */
bool color_on(const char *arg, int fd)
{
	if (arg && !strcmp(arg, "always"))
		return true;
	if (arg && !strcmp(arg, "never"))
		return false;
	const char *nc = getenv("NO_COLOR"), *term = getenv("TERM");
	if (nc && *nc)
		return false;
	if (term && !strcmp(term, "dumb"))
		return false;
	return isatty(fd) != 0;
}
