/* main.c - the crible command: subcommand dispatch. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "crible.h"

static void help(FILE *f)
{
	fputs("usage: crible COMMAND [options] ...\n"
	      "\n"
	      "crible screens files that cross a trust boundary: is each file what it\n"
	      "claims to be, and can opening or extracting it hurt?\n"
	      "\n"
	      "commands:\n"
	      "  scan      scan files, directories or standard input (crible scan --help)\n"
	      "  extract   judge an archive and extract it into a folder it cannot escape\n"
	      "  diff      is a published package what its source says? (crible diff --help)\n"
	      "  serve     the clamd protocol for mail servers, proxies and upload forms\n"
	      "  explain   what a finding id means (crible explain path.ads)\n"
	      "  version   print the version\n"
	      "\n"
	      "See crible(1).\n",
	      f);
}

#ifndef CR_LIBEXECDIR
#define CR_LIBEXECDIR "/usr/local/libexec"
#endif

/*
 * `crible serve` is crible-serve (serve_main.c): the program next to this
 * one in a build tree, else the one under libexecdir.  Executed in place,
 * so that the process, its descriptors and systemd's LISTEN_PID stay.
 */
static int run_serve(char **argv)
{
	char self[PATH_MAX], path[PATH_MAX + 16];
	ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
	path[0] = '\0';
	if (n > 0) {
		self[n] = '\0';
		char *slash = strrchr(self, '/');
		if (slash) {
			*slash = '\0';
			snprintf(path, sizeof path, "%s/crible-serve", self);
		}
	}
	if (!path[0] || access(path, X_OK) != 0)
		snprintf(path, sizeof path, "%s/crible-serve", CR_LIBEXECDIR);
	argv[0] = path;
	execv(path, argv);
	fprintf(stderr, "crible: serve: cannot run %s: %s\n", path, strerror(errno));
	return EXIT_ERROR;
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		help(stderr);
		return EXIT_ERROR;
	}
	const char *cmd = argv[1];
	if (!strcmp(cmd, "scan"))
		return cmd_scan(argc - 1, argv + 1);
	if (!strcmp(cmd, "serve"))
		return run_serve(argv + 1);
	if (!strcmp(cmd, "extract"))
		return cmd_extract(argc - 1, argv + 1);
	if (!strcmp(cmd, "explain"))
		return cmd_explain(argc - 1, argv + 1);
	if (!strcmp(cmd, "diff"))
		return cmd_diff(argc - 1, argv + 1);
	if (!strcmp(cmd, "version") || !strcmp(cmd, "--version")) {
		printf("crible %s\n", crible_version());
		return EXIT_CLEAN;
	}
	if (!strcmp(cmd, "help") || !strcmp(cmd, "--help") || !strcmp(cmd, "-h")) {
		help(stdout);
		return EXIT_CLEAN;
	}
	fprintf(stderr, "crible: unknown command '%s' (try 'crible --help')\n", cmd);
	return EXIT_ERROR;
}
