/*
 * crible-broker - forks the workers that run readers crible does not own
 * (libarchive), each in its own sandbox (src/lib/core/worker.c).
 *
 * Started by libcrible with posix_spawn, never by hand: its control
 * socket is descriptor 3 ("--fd 3").  It is single-threaded, so forking
 * a worker is safe whatever allocator or sanitizer the build uses, and
 * it exits when every host holding the control socket has closed it.
 */
#include <archive.h>
#include <archive_entry.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../lib/core/broker.h"
#include "crible.h"
#include "../lib/formats/libarch.h"

/*
 * Runs libarchive once on a tiny archive, so that whatever it loads
 * lazily (the charset conversion's tables) is loaded here, before any
 * worker's sandbox forbids opening files.
 */
static void warm(void)
{
	cr_la_prepare();
	static const char cpio[] = "070707000000000000000000000000000000000000000000000001000000000000000000000003"
				   "00000000000ab\0x";
	struct archive *a = archive_read_new();
	if (!a)
		return;
	archive_read_support_format_cpio(a);
	struct archive_entry *e;
	if (archive_read_open_memory(a, cpio, sizeof cpio - 1) == ARCHIVE_OK &&
	    archive_read_next_header(a, &e) == ARCHIVE_OK) {
		(void)archive_entry_pathname_utf8(e);
		(void)archive_entry_pathname_w(e);
	}
	archive_read_free(a);
	/*
	 * And the engine once, in process, on a page and a note: the tables
	 * it builds on first use (formats, extensions, text indicators, the
	 * tokenizer's, OpenSSL's digest) are built here once, and every scan
	 * worker forked from here starts with them (5 ms a request saved).
	 */
	crible_ctx *ctx = crible_ctx_new();
	if (ctx) {
		crible_ctx_set_option(ctx, CRIBLE_OPT_EXTERNAL_READERS, 0);
		static const char page[] = "<!doctype html><html><body><p>warm</p><script>x()</script></body></html>\n";
		static const char note[] = "#!/bin/sh\necho warm\n";
		crible_result *r = NULL;
		if (crible_scan_mem(ctx, page, sizeof page - 1, "warm.html", "text/html", &r) == CRIBLE_OK)
			crible_result_free(r);
		if (crible_scan_mem(ctx, note, sizeof note - 1, "warm.txt", NULL, &r) == CRIBLE_OK)
			crible_result_free(r);
		crible_ctx_free(ctx);
	}
}

int main(int argc, char **argv)
{
	int fd = 3;
	char *end = NULL;
	long v = argc == 3 && !strcmp(argv[1], "--fd") ? strtol(argv[2], &end, 10) : -1;
	if (end && !*end && v >= 3 && v < 1024)
		fd = (int)v;
	else if (argc != 1) {
		fputs("crible-broker: started by libcrible, not by hand\n", stderr);
		return 2;
	}
	warm();
	return cr_broker_main(fd);
}
