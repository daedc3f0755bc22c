/*
 * xz.c - xz streams (concatenated) and ZIP's LZMA (method 14) through
 * liblzma.  ZIP LZMA data: version (2 bytes), properties size (2, always
 * 5), LZMA1 properties (5), then raw LZMA1, with or without an end
 * marker: without one it ends exactly at the entry's data end.
 */
#include <lzma.h>
#include <stdlib.h>
#include <string.h>

#include "codec.h"

struct xst {
	lzma_stream x;
	bool zip;		/* ZIP LZMA: the decoder starts after the 9-byte header */
	bool ready;
	uint8_t hdr[9];
	size_t nhdr;
};

static void *init_xz(void)
{
	struct xst *st = calloc(1, sizeof *st);
	if (!st)
		return NULL;
	st->x = (lzma_stream)LZMA_STREAM_INIT;
	if (lzma_stream_decoder(&st->x, CR_CODEC_MEMLIMIT, LZMA_CONCATENATED) != LZMA_OK) {
		free(st);
		return NULL;
	}
	st->ready = true;
	return st;
}

static void *init_zip(void)
{
	struct xst *st = calloc(1, sizeof *st);
	if (st) {
		st->x = (lzma_stream)LZMA_STREAM_INIT;
		st->zip = true;
	}
	return st;
}

/* Reads the ZIP LZMA header and sets up the raw decoder, its dictionary capped first. */
static enum cr_step zip_header(struct xst *st, const uint8_t **in, size_t *inlen, bool last, const char **why)
{
	while (st->nhdr < 9 && *inlen) {
		st->hdr[st->nhdr++] = **in;
		(*in)++;
		(*inlen)--;
	}
	if (st->nhdr < 9) {
		if (!last)
			return STEP_OK;
		*why = "bad LZMA header";
		return STEP_ERR;
	}
	if (st->hdr[2] != 5 || st->hdr[3] != 0) {
		*why = "bad LZMA header";
		return STEP_ERR;
	}
	lzma_filter f[2] = {{.id = LZMA_FILTER_LZMA1, .options = NULL}, {.id = LZMA_VLI_UNKNOWN}};
	if (lzma_properties_decode(&f[0], NULL, st->hdr + 4, 5) != LZMA_OK) {
		*why = "bad LZMA properties";
		return STEP_ERR;
	}
	if (lzma_raw_decoder_memusage(f) > CR_CODEC_MEMLIMIT) {
		free(f[0].options);
		*why = "LZMA dictionary larger than the decoder limit";
		return STEP_ERR;
	}
	lzma_ret r = lzma_raw_decoder(&st->x, f);
	free(f[0].options);
	if (r != LZMA_OK) {
		*why = NULL;
		return STEP_ERR;
	}
	st->ready = true;
	return STEP_OK;
}

static enum cr_step step(void *p, const uint8_t **in, size_t *inlen, uint8_t *out, size_t *outlen, bool last,
			 const char **why)
{
	struct xst *st = p;
	if (!st->ready) {
		size_t room = *outlen;
		*outlen = 0;
		enum cr_step h = zip_header(st, in, inlen, last, why);
		if (h != STEP_OK || !st->ready)
			return h;
		*outlen = room;
	}
	st->x.next_in = *in;
	st->x.avail_in = *inlen;
	st->x.next_out = out;
	st->x.avail_out = *outlen;
	lzma_ret r = lzma_code(&st->x, last && *inlen == 0 ? LZMA_FINISH : LZMA_RUN);
	size_t used = *inlen - st->x.avail_in;
	*in += used;
	*inlen -= used;
	*outlen -= st->x.avail_out;
	if (r == LZMA_STREAM_END)
		return STEP_END;
	if (r == LZMA_OK)
		return STEP_OK;
	/* ZIP LZMA without an end marker ends exactly at the data's end. */
	if (st->zip && r == LZMA_BUF_ERROR)
		return STEP_END;
	if (r == LZMA_BUF_ERROR)
		return STEP_OK;	/* no progress possible now: the driver decides if the input ended early */
	*why = r == LZMA_MEM_ERROR ? NULL
	       : r == LZMA_MEMLIMIT_ERROR ? "xz stream needs more memory than the decoder limit"
					   : "invalid xz/LZMA data";
	return STEP_ERR;
}

static void end(void *p)
{
	struct xst *st = p;
	lzma_end(&st->x);
	free(st);
}

const struct cr_codec_ops cr_codec_xz = {"xz", init_xz, step, NULL, false, end};
const struct cr_codec_ops cr_codec_lzma_zip = {"lzma", init_zip, step, NULL, true, end};
