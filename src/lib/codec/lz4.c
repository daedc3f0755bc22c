/* lz4.c - LZ4 frames through liblz4. */
#include <lz4frame.h>
#include <stdlib.h>

#include "codec.h"

static void *init(void)
{
	LZ4F_dctx *d;
	if (LZ4F_isError(LZ4F_createDecompressionContext(&d, LZ4F_VERSION)))
		return NULL;
	return d;
}

/* LZ4F_decompress returns 0 when a frame is fully decoded; another frame may follow. */
static enum cr_step step(void *p, const uint8_t **in, size_t *inlen, uint8_t *out, size_t *outlen, bool last,
			 const char **why)
{
	size_t insz = *inlen, outsz = *outlen;
	size_t r = LZ4F_decompress(p, out, &outsz, *in, &insz, NULL);
	*in += insz;
	*inlen -= insz;
	*outlen = outsz;
	if (LZ4F_isError(r)) {
		*why = LZ4F_getErrorName(r);
		return STEP_ERR;
	}
	if (r == 0 && last && *inlen == 0)
		return STEP_END;
	return STEP_OK;
}

static void end(void *p) { LZ4F_freeDecompressionContext(p); }

const struct cr_codec_ops cr_codec_lz4 = {"lz4", init, step, NULL, false, end};
