/*
 * decode.c - the decode driver: feeds a codec (codec.h) from a source,
 * charges every byte it produces to the scan's expansion budget and to
 * the container's ratio, and stops it at the limits, the deadline, or a
 * caller's cap.  A bomb stops at the budget, not at the end of its data.
 */
#include <stdlib.h>
#include <string.h>

#include "../core/broker.h"
#include "../formats/format.h"
#include "codec.h"

#define IN_CHUNK (256u * 1024u)
#define OUT_CHUNK (256u * 1024u)
#define BG_MIN (4u << 20)	/* compressed streams from this size write their spool from another thread */

static const struct cr_codec_ops *ops_of(enum cr_codec c)
{
	switch (c) {
	case CODEC_DEFLATE:
		return &cr_codec_deflate;
	case CODEC_GZIP:
		return &cr_codec_gzip;
	case CODEC_BZIP2:
		return &cr_codec_bzip2;
	case CODEC_XZ:
		return &cr_codec_xz;
	case CODEC_LZMA_ZIP:
		return &cr_codec_lzma_zip;
	case CODEC_ZSTD:
		return &cr_codec_zstd;
	case CODEC_LZ4:
		return &cr_codec_lz4;
	case CODEC_STORE:
		break;
	}
	return NULL;
}

/* Input over src[off, off+len): memory directly, else chunks read into buf. */
struct input {
	const struct cr_src *src;
	uint64_t pos, end;
	uint8_t *buf;
	const uint8_t *p;
	size_t n;
	bool rerr;
};

/* Refills when empty; false at the end or on a read error (rerr set). */
static bool in_fill(struct input *in)
{
	if (in->n)
		return true;
	if (in->pos >= in->end || in->rerr)
		return false;
	size_t want = in->end - in->pos < IN_CHUNK ? (size_t)(in->end - in->pos) : IN_CHUNK;
	if (in->src->mem) {
		in->p = in->src->mem + in->pos;
	} else {
		if (cr_src_read(in->src, in->pos, in->buf, want) != (ssize_t)want) {
			in->rerr = true;
			return false;
		}
		in->p = in->buf;
	}
	in->n = want;
	in->pos += want;
	return true;
}

/* Spools n bytes, capped at cap (0: no cap); sets *full at the cap. */
static enum cr_dec emit(struct cr_scan *s, struct cr_spool *out, const uint8_t *p, size_t n, uint64_t cap,
			struct cr_ratio *rt, bool *full)
{
	if (cap && out->size + n >= cap) {
		n = (size_t)(cap - out->size);
		*full = true;
	}
	if (n == 0)
		return DEC_OK;
	if (!cr_count_expanded(s, n, rt))
		return DEC_LIMIT;
	if (cr_spool_write(out, p, n) != 0) {
		s->err = CRIBLE_EIO;
		return DEC_ERROR;
	}
	return DEC_OK;
}

enum cr_dec cr_decode(struct cr_scan *s, enum cr_codec c, const struct cr_src *src, uint64_t off, uint64_t len,
		      struct cr_spool *out, uint64_t cap, struct cr_ratio *rt, const char **why)
{
	*why = "";
	if (off > src->size || len > src->size - off) {
		*why = "data runs past the end of the file";
		return DEC_CORRUPT;
	}
	/* in.p always points somewhere: a codec advances it by what it used, 0 on empty input. */
	static const uint8_t none[1];
	struct input in = {.src = src, .pos = off, .end = off + len, .p = none};
	if (!src->mem && !(in.buf = malloc(IN_CHUNK))) {
		s->err = CRIBLE_ENOMEM;
		return DEC_ERROR;
	}
	enum cr_dec rc = DEC_OK;
	bool full = false;
	const struct cr_codec_ops *ops = ops_of(c);
	/* A large stream's file writes go on another core while this one decodes. */
	bool bg = len >= BG_MIN && !out->wr && !cr_in_worker;
	if (bg)
		cr_spool_background(out);
	if (!ops) {
		/* Stored: the bytes themselves, under the same limits. */
		while (rc == DEC_OK && !full && in_fill(&in)) {
			rc = emit(s, out, in.p, in.n, cap, rt, &full);
			in.n = 0;
			if (rc == DEC_OK && cr_stopped(s))
				rc = DEC_LIMIT;
		}
		goto done;
	}
	uint8_t *obuf = malloc(OUT_CHUNK);
	void *st = obuf ? ops->init() : NULL;
	if (!st) {
		free(obuf);
		s->err = CRIBLE_ENOMEM;
		rc = DEC_ERROR;
		goto done;
	}
	for (;;) {
		in_fill(&in);
		/* Whether what the codec is given is all that is left. */
		bool last = in.pos >= in.end && !in.rerr;
		size_t before = in.n, made = OUT_CHUNK;
		const char *w = "";
		enum cr_step r = ops->step(st, &in.p, &in.n, obuf, &made, last, &w);
		if (made) {
			rc = emit(s, out, obuf, made, cap, rt, &full);
			if (rc != DEC_OK || full)
				break;
		}
		if (r == STEP_ERR) {
			if (!w) {
				s->err = CRIBLE_ENOMEM;
				rc = DEC_ERROR;
			} else {
				*why = w;
				rc = DEC_CORRUPT;
			}
			break;
		}
		if (r == STEP_END) {
			/* Another stream may follow (gzip members, concatenated bzip2), as the tools read them. */
			if ((in.n || in_fill(&in)) && ops->again && ops->again(st, in.p, in.n))
				continue;
			break;
		}
		if (before == in.n && made == 0 && in.n == 0 && in.pos >= in.end) {
			/* No progress and no input left: the stream ended before its end. */
			if (!ops->ends_at_eof && !in.rerr) {
				*why = "compressed data ends early";
				rc = DEC_CORRUPT;
			}
			break;
		}
		if (before == in.n && made == 0 && in.n) {
			*why = "the decoder makes no progress";
			rc = DEC_CORRUPT;
			break;
		}
		if (cr_stopped(s)) {
			rc = DEC_LIMIT;
			break;
		}
	}
	ops->end(st);
	free(obuf);
done:
	if (bg && cr_spool_finish(out) != 0 && rc != DEC_ERROR) {
		s->err = CRIBLE_EIO;
		rc = DEC_ERROR;
	}
	if (in.rerr && rc == DEC_OK) {
		*why = "read error";
		rc = DEC_CORRUPT;
	}
	free(in.buf);
	return rc;
}
