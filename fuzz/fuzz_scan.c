/*
 * fuzz_scan - the whole engine on one object: identification, content
 * pass, rules, JSON rendering.  The first byte picks a claimed name and
 * an accept list, so the rules see hostile claims too.
 */
#include <stdint.h>
#include <stdlib.h>

#include "crible.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static crible_ctx *ctx[2];
	if (!ctx[0]) {
		ctx[0] = crible_ctx_new();
		ctx[1] = crible_ctx_new();
		/* crible's own parsers are the target: libarchive's containers are left uninspected. */
		crible_ctx_set_option(ctx[0], CRIBLE_OPT_EXTERNAL_READERS, 0);
		crible_ctx_set_option(ctx[1], CRIBLE_OPT_EXTERNAL_READERS, 0);
		crible_ctx_set_accept(ctx[1], "image/*,.csv,application/pdf");
	}
	static const char *const names[] = {NULL, "a.png", "cv.pdf", "x.exe", "notes.txt", "a.svg", "data.csv", "y"};
	const char *name = size ? names[data[0] & 7] : NULL;
	crible_result *r = NULL;
	if (crible_scan_mem(ctx[size && (data[0] & 8)], data, size, name, size && (data[0] & 16) ? "text/plain" : NULL,
			    &r) == CRIBLE_OK) {
		char *js = NULL;
		size_t len;
		if (crible_result_json(r, name ? name : "-", &js, &len) == CRIBLE_OK)
			free(js);
		crible_result_free(r);
	}
	return 0;
}
