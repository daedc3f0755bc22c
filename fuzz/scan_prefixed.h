/*
 * scan_prefixed.h - for the walker fuzz targets: the whole engine on the
 * input behind a signature that routes it to one walker, with limits
 * small enough that every input finishes fast.
 */
#ifndef CRIBLE_FUZZ_SCAN_PREFIXED_H
#define CRIBLE_FUZZ_SCAN_PREFIXED_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "crible.h"

static inline void scan_prefixed(const void *prefix, size_t plen, const uint8_t *data, size_t size, const char *name)
{
	static crible_ctx *ctx;
	if (!ctx) {
		ctx = crible_ctx_new();
		crible_ctx_set_limit(ctx, CRIBLE_LIMIT_EXPANDED, 64u << 20);
		crible_ctx_set_limit(ctx, CRIBLE_LIMIT_TIME_MS, 5000);
		crible_ctx_set_option(ctx, CRIBLE_OPT_HASH, 0);
		/* crible's own parsers are the target: libarchive's containers are left uninspected. */
		crible_ctx_set_option(ctx, CRIBLE_OPT_EXTERNAL_READERS, 0);
	}
	uint8_t *b = malloc(plen + size + 1);
	if (!b)
		return;
	memcpy(b, prefix, plen);
	memcpy(b + plen, data, size);
	crible_result *r;
	if (crible_scan_mem(ctx, b, plen + size, name, NULL, &r) == CRIBLE_OK)
		crible_result_free(r);
	free(b);
}

#endif
