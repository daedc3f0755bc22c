/* deflate.c - raw deflate and gzip members through zlib. */
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "codec.h"

struct zst {
	z_stream z;
};

static void *init_common(int wbits)
{
	struct zst *st = calloc(1, sizeof *st);
	if (st && inflateInit2(&st->z, wbits) != Z_OK) {
		free(st);
		return NULL;
	}
	return st;
}

static void *init_raw(void) { return init_common(-MAX_WBITS); }
static void *init_gzip(void) { return init_common(16 + MAX_WBITS); }

static enum cr_step step(void *p, const uint8_t **in, size_t *inlen, uint8_t *out, size_t *outlen, bool last,
			 const char **why)
{
	struct zst *st = p;
	(void)last;
	/* zlib counts in uInt: feed at most 1 GiB at a time. */
	size_t feed = *inlen > (1u << 30) ? (1u << 30) : *inlen, room = *outlen > (1u << 30) ? (1u << 30) : *outlen;
	st->z.next_in = (Bytef *)*in;
	st->z.avail_in = (uInt)feed;
	st->z.next_out = out;
	st->z.avail_out = (uInt)room;
	int r = inflate(&st->z, Z_NO_FLUSH);
	size_t used = feed - st->z.avail_in;
	*in += used;
	*inlen -= used;
	*outlen = room - st->z.avail_out;
	if (r == Z_STREAM_END)
		return STEP_END;
	if (r == Z_OK || r == Z_BUF_ERROR)
		return STEP_OK;
	*why = r == Z_MEM_ERROR ? NULL : st->z.msg ? st->z.msg : "invalid compressed data";
	return STEP_ERR;
}

/* Another gzip member (gzip -d reads them all). */
static bool again(void *p, const uint8_t *in, size_t inlen)
{
	struct zst *st = p;
	if (inlen < 2 || in[0] != 0x1f || in[1] != 0x8b)
		return false;
	return inflateReset(&st->z) == Z_OK;
}

static void end(void *p)
{
	struct zst *st = p;
	inflateEnd(&st->z);
	free(st);
}

const struct cr_codec_ops cr_codec_deflate = {"deflate", init_raw, step, NULL, false, end};
const struct cr_codec_ops cr_codec_gzip = {"gzip", init_gzip, step, again, false, end};
