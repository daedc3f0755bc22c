/* main.c - the crible command: subcommand dispatch. */
#include <stdio.h>
#include <string.h>

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
	      "  serve     the clamd protocol for mail servers, proxies and upload forms\n"
	      "  version   print the version\n"
	      "\n"
	      "See crible(1).\n",
	      f);
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
		return cmd_serve(argc - 1, argv + 1);
	if (!strcmp(cmd, "extract"))
		return cmd_extract(argc - 1, argv + 1);
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
