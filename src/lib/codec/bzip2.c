/* bzip2.c - bzip2 streams through libbz2, concatenated as bzip2 -d reads them. */
#include <bzlib.h>
#include <stdlib.h>
#include <string.h>

#include "codec.h"

static void *init(void)
{
	bz_stream *b = calloc(1, sizeof *b);
	if (b && BZ2_bzDecompressInit(b, 0, 0) != BZ_OK) {
		free(b);
		return NULL;
	}
	return b;
}

static enum cr_step step(void *p, const uint8_t **in, size_t *inlen, uint8_t *out, size_t *outlen, bool last,
			 const char **why)
{
	bz_stream *b = p;
	(void)last;
	size_t feed = *inlen > (1u << 30) ? (1u << 30) : *inlen, room = *outlen > (1u << 30) ? (1u << 30) : *outlen;
	b->next_in = (char *)*in;
	b->avail_in = (unsigned)feed;
	b->next_out = (char *)out;
	b->avail_out = (unsigned)room;
	int r = BZ2_bzDecompress(b);
	size_t used = feed - b->avail_in;
	*in += used;
	*inlen -= used;
	*outlen = room - b->avail_out;
	if (r == BZ_STREAM_END)
		return STEP_END;
	if (r == BZ_OK)
		return STEP_OK;
	*why = r == BZ_MEM_ERROR ? NULL : "invalid bzip2 data";
	return STEP_ERR;
}

static bool again(void *p, const uint8_t *in, size_t inlen)
{
	bz_stream *b = p;
	if (inlen < 3 || memcmp(in, "BZh", 3))
		return false;
	BZ2_bzDecompressEnd(b);
	memset(b, 0, sizeof *b);
	return BZ2_bzDecompressInit(b, 0, 0) == BZ_OK;
}

static void end(void *p)
{
	BZ2_bzDecompressEnd(p);
	free(p);
}

const struct cr_codec_ops cr_codec_bzip2 = {"bzip2", init, step, again, false, end};
