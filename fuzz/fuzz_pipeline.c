/*
 * fuzz_pipeline - the TAR walker on an object still being decoded
 * (core/pipeline.c), against the walk after the decoder.  The input is
 * the TAR, padded to past the first window with end-of-archive zeros and
 * wrapped in a gzip of stored blocks; it is scanned with the pipeline on
 * for every stream and with one thread, and the two JSON results must be
 * the same bytes, or the target aborts.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crible.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define PAD (72u * 1024u)	/* past the 64 KiB first window the walk ahead waits for */

static crible_ctx *ctx_ahead, *ctx_one;

static crible_ctx *ctx(int parallel)
{
	crible_ctx *c = crible_ctx_new();
	crible_ctx_set_limit(c, CRIBLE_LIMIT_EXPANDED, 64u << 20);
	crible_ctx_set_limit(c, CRIBLE_LIMIT_TIME_MS, 600000);	/* no deadline in one run only */
	crible_ctx_set_option(c, CRIBLE_OPT_HASH, 0);
	crible_ctx_set_option(c, CRIBLE_OPT_EXTERNAL_READERS, 0);
	crible_ctx_set_option(c, CRIBLE_OPT_PARALLEL, parallel);
	return c;
}

/* Once, before the first scan reads the settings (the replay driver has no initializer). */
static void init(void)
{
	setenv("CRIBLE_PIPELINE_MIN", "0", 1);
	setenv("CRIBLE_PARALLEL_MIN", "0", 1);
	ctx_ahead = ctx(1);
	ctx_one = ctx(0);
}

static uint32_t crc32(const uint8_t *p, size_t n)
{
	uint32_t c = 0xffffffffu;
	for (size_t i = 0; i < n; i++) {
		c ^= p[i];
		for (int k = 0; k < 8; k++)
			c = c >> 1 ^ (0xedb88320u & (0u - (c & 1)));
	}
	return ~c;
}

static void le32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

/* A gzip member of stored deflate blocks holding p[0..n). */
static uint8_t *gzip_stored(const uint8_t *p, size_t n, size_t *out)
{
	size_t blocks = n / 65535 + 1;
	uint8_t *g = malloc(10 + n + 5 * blocks + 8);
	if (!g)
		return NULL;
	static const uint8_t hdr[10] = {0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3};
	memcpy(g, hdr, 10);
	size_t o = 10;
	for (size_t i = 0; i < blocks; i++) {
		size_t k = n - i * 65535 < 65535 ? n - i * 65535 : 65535;
		g[o++] = i + 1 == blocks;
		g[o++] = (uint8_t)k;
		g[o++] = (uint8_t)(k >> 8);
		g[o++] = (uint8_t)~k;
		g[o++] = (uint8_t)(~k >> 8);
		memcpy(g + o, p + i * 65535, k);
		o += k;
	}
	le32(g + o, crc32(p, n));
	le32(g + o + 4, (uint32_t)n);
	*out = o + 8;
	return g;
}

static char *json_of(crible_ctx *c, const uint8_t *p, size_t n)
{
	crible_result *r;
	if (crible_scan_mem(c, p, n, "fuzz.tar.gz", NULL, &r) != CRIBLE_OK)
		return strdup("(error)");
	char *j = NULL;
	size_t jl = 0;
	if (crible_result_json(r, "fuzz.tar.gz", &j, &jl) != CRIBLE_OK)
		j = strdup("(no json)");
	crible_result_free(r);
	return j;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!ctx_ahead)
		init();
	if (size > (1u << 20))
		return 0;
	uint8_t *tar = calloc(1, size + PAD);
	if (!tar)
		return 0;
	memcpy(tar, data, size);
	size_t gl;
	uint8_t *gz = gzip_stored(tar, size + PAD, &gl);
	free(tar);
	if (!gz)
		return 0;
	char *a = json_of(ctx_ahead, gz, gl), *b = json_of(ctx_one, gz, gl);
	if (a && b && strcmp(a, b) != 0) {
		fprintf(stderr, "walked ahead:\n%s\none thread:\n%s\n", a, b);
		abort();
	}
	free(a);
	free(b);
	free(gz);
	return 0;
}
