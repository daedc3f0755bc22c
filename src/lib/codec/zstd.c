/* zstd.c - Zstandard frames through libzstd, the window capped before any allocation. */
#include <stdlib.h>
#include <zstd.h>

#include "codec.h"

/* A frame may ask for a 2 GiB window; 2^27 is what zstd itself accepts by default. */
#define WINDOW_LOG_MAX 27

static void *init(void)
{
	ZSTD_DStream *z = ZSTD_createDStream();
	if (z && ZSTD_isError(ZSTD_DCtx_setParameter(z, ZSTD_d_windowLogMax, WINDOW_LOG_MAX))) {
		ZSTD_freeDStream(z);
		return NULL;
	}
	return z;
}

/*
 * ZSTD_decompressStream returns 0 when a frame is complete and flushed;
 * a following frame simply continues (zstd -d reads them all), so the
 * stream ends when the input does, with the last frame complete.
 */
static enum cr_step step(void *p, const uint8_t **in, size_t *inlen, uint8_t *out, size_t *outlen, bool last,
			 const char **why)
{
	ZSTD_inBuffer ib = {*in, *inlen, 0};
	ZSTD_outBuffer ob = {out, *outlen, 0};
	size_t r = ZSTD_decompressStream(p, &ob, &ib);
	*in += ib.pos;
	*inlen -= ib.pos;
	*outlen = ob.pos;
	if (ZSTD_isError(r)) {
		*why = ZSTD_getErrorName(r);
		return STEP_ERR;
	}
	/* Done: the frame is complete and flushed, and no input follows. */
	if (r == 0 && last && *inlen == 0)
		return STEP_END;
	return STEP_OK;
}

static void end(void *p) { ZSTD_freeDStream(p); }

const struct cr_codec_ops cr_codec_zstd = {"zstd", init, step, NULL, false, end};
