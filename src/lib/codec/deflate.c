/*
 * deflate.c - raw deflate (ZIP method 8), gzip members and zlib streams
 * (the PDF Flate filter) through ISA-L's igzip inflate, with zlib's twins
 * kept for the differential test.  The gzip and zlib wrappers (headers,
 * check values) are read here, byte for byte as zlib reads them; ISA-L
 * decodes the deflate data and computes the CRC-32 or Adler-32 of it.
 *
 * ISA-L decodes deflate several times faster than zlib and computes the
 * CRC-32 as it goes (with PCLMULQDQ).  The bytes a stream decodes to are
 * those zlib gives, or both refuse it: tests/unit/test_inflate.c compares
 * the two on the generated samples and on mutated and hand-made streams,
 * and fuzz_inflate on every input the fuzzer makes.  Where they were found
 * to disagree, this file follows zlib (the reader of unzip, bsdtar, Python
 * and most extractors): it reads the gzip and zlib wrappers itself (ISA-L
 * took reserved gzip flags, and refused a right FHCRC fed a few bytes at
 * a time), and it takes back the bytes after the deflate data that ISA-L
 * keeps in its bit buffer.  One difference stays, by choice: a dynamic
 * block whose code lengths make an incomplete or over-full code, which
 * zlib refuses, is decoded by ISA-L as long as only assigned codes occur
 * (fuzz/inflate_diff.h says why that is safe).
 *
 * ISA-L keeps the last 32 KiB of output in its own state between calls,
 * so the driver's output buffer is free to change from step to step.
 */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <isa-l/crc.h>
#include <isa-l/igzip_lib.h>
#include <zlib.h>

#include "codec.h"

/* --- ISA-L ------------------------------------------------------------ */

enum phase { P_HEAD, P_BODY, P_TAIL, P_DONE };

enum wrap { W_RAW, W_GZIP, W_ZLIB };

struct ist {
	struct inflate_state s;
	enum wrap wrap;
	enum phase phase;
	/* The gzip header, read as zlib reads it (ISA-L's own reader refused a right FHCRC fed a few bytes at a time). */
	unsigned hpos;		/* bytes of the fixed ten seen */
	uint8_t flg;
	unsigned field;		/* the optional field being read: 0 XLEN, 1 extra, 2 name, 3 comment, 4 FHCRC, 5 none left */
	uint32_t xlen, got;
	uint32_t hcrc;		/* CRC-32 of the header so far */
	uint8_t hc[2];
	/* The trailer: CRC-32 and ISIZE of the member. */
	uint8_t tail[8];
	unsigned ntail;
	/*
	 * At the end of the deflate data ISA-L hands back the whole bytes
	 * still in its bit buffer (up to 8), by moving next_in back; some
	 * may come from an earlier step's input.  last[] keeps the last
	 * bytes fed, to have those again; back[] holds them until read.
	 */
	uint8_t last[8], back[16];
	unsigned nlast, nback;
};

static const uint32_t crc_flags[] = {ISAL_DEFLATE, ISAL_GZIP_NO_HDR, ISAL_ZLIB_NO_HDR};

static void *isal_init(enum wrap w)
{
	/*
	 * Zeroed whole, history buffer included: a match that reaches before
	 * the stream's first byte is copied out of that buffer before ISA-L
	 * refuses it (zlib refuses first).  Left as malloc gave it, it carried
	 * whatever the heap held, another file's bytes among them, into this
	 * object's data (test_inflate, stale_history).
	 */
	struct ist *st = calloc(1, sizeof *st);
	if (!st)
		return NULL;
	isal_inflate_init(&st->s);
	st->s.crc_flag = crc_flags[w];
	st->wrap = w;
	st->phase = w == W_RAW ? P_BODY : P_HEAD;
	return st;
}

static void *init_raw(void) { return isal_init(W_RAW); }
static void *init_gzip(void) { return isal_init(W_GZIP); }
static void *init_zlib(void) { return isal_init(W_ZLIB); }

static const char *isal_why(int r)
{
	switch (r) {
	case ISAL_INVALID_BLOCK:
		return "invalid block";
	case ISAL_INVALID_SYMBOL:
		return "invalid code";
	case ISAL_INVALID_LOOKBACK:
		return "invalid distance too far back";
	default:
		return "invalid compressed data";
	}
}

/* The next byte after the deflate data: what ISA-L handed back first, then the input. */
static bool next_byte(struct ist *st, const uint8_t **in, size_t *inlen, uint8_t *b)
{
	if (st->nback) {
		*b = st->back[0];
		memmove(st->back, st->back + 1, --st->nback);
		return true;
	}
	if (!*inlen)
		return false;
	*b = **in;
	(*in)++;
	(*inlen)--;
	return true;
}

/* To the next field the flags announce (5: the header is complete). */
static void to_field(struct ist *st, unsigned f)
{
	static const uint8_t need[5] = {0x04, 0x04, 0x08, 0x10, 0x02};	/* FEXTRA, FEXTRA, FNAME, FCOMMENT, FHCRC */
	while (f < 5 && (!(st->flg & need[f]) || (f == 1 && st->xlen == 0)))
		f++;
	st->field = f;
	st->got = 0;
}

/* One byte of a zlib stream's two-byte header (RFC 1950), checked as zlib checks it. */
static bool zlib_head_byte(struct ist *st, uint8_t b, const char **why)
{
	if (st->hpos++ == 0) {
		st->flg = b;	/* CMF, kept until FLG comes */
		return true;
	}
	unsigned cmf = st->flg;
	st->hpos = 10;
	st->field = 5;
	if ((cmf << 8 | b) % 31) {
		*why = "incorrect header check";
		return false;
	}
	if ((cmf & 0x0f) != 8) {
		*why = "unknown compression method";
		return false;
	}
	if ((cmf >> 4) > 7) {
		*why = "invalid window size";
		return false;
	}
	if (b & 0x20) {
		*why = "needs a preset dictionary";
		return false;
	}
	return true;
}

/* One gzip header byte; false with *why set when zlib would refuse the header. */
static bool head_byte(struct ist *st, uint8_t b, const char **why)
{
	if (st->wrap == W_ZLIB)
		return zlib_head_byte(st, b, why);
	if (st->hpos == 10 && st->field == 4) {
		st->hc[st->got++] = b;
		if (st->got == 2) {
			if ((unsigned)(st->hc[0] | st->hc[1] << 8) != (st->hcrc & 0xffff)) {
				*why = "header crc mismatch";
				return false;
			}
			to_field(st, 5);
		}
		return true;
	}
	/* The header's CRC-16 is computed only for a header that carries one (FHCRC): zlib's way. */
	if (st->hpos < 4 || (st->flg & 0x02))
		st->hcrc = crc32_gzip_refl(st->hcrc, &b, 1);
	if (st->hpos < 10) {
		unsigned i = st->hpos++;
		if ((i == 0 && b != 0x1f) || (i == 1 && b != 0x8b)) {
			*why = "incorrect header check";
			return false;
		}
		if (i == 2 && b != 8) {
			*why = "unknown compression method";
			return false;
		}
		if (i == 3 && (b & 0xe0)) {
			*why = "unknown header flags set";
			return false;
		}
		if (i == 3)
			st->flg = b;
		if (i == 9)
			to_field(st, 0);
		return true;
	}
	switch (st->field) {
	case 0:
		st->xlen |= (uint32_t)b << (8 * st->got);
		if (++st->got == 2)
			to_field(st, 1);
		break;
	case 1:
		if (++st->got == st->xlen)
			to_field(st, 2);
		break;
	case 2:
	case 3:
		if (b == 0)
			to_field(st, st->field + 1);
		break;
	}
	return true;
}

static bool head_done(const struct ist *st) { return st->hpos == 10 && st->field == 5; }

/* The deflate data: ISA-L on what is given, the handed-back bytes kept. */
static enum cr_step body(struct ist *st, const uint8_t **in, size_t *inlen, uint8_t *out, size_t *outlen,
			 const char **why)
{
	/* ISA-L counts in uint32_t: feed at most 1 GiB at a time. */
	size_t feed = *inlen > (1u << 30) ? (1u << 30) : *inlen, room = *outlen > (1u << 30) ? (1u << 30) : *outlen;
	st->s.next_in = (uint8_t *)*in;
	st->s.avail_in = (uint32_t)feed;
	st->s.next_out = out;
	st->s.avail_out = (uint32_t)room;
	int r = isal_inflate(&st->s);
	*outlen = room - st->s.avail_out;
	size_t used;
	bool done = st->s.block_state == ISAL_BLOCK_FINISH;
	if (done) {
		/* The bytes after the deflate data still in the bit buffer, past the last byte's padding bits. */
		unsigned k = (unsigned)st->s.read_in_length / 8;
		uint64_t bits = st->s.read_in >> (st->s.read_in_length % 8);
		for (unsigned i = 0; i < k && st->nback < sizeof st->back; i++)
			st->back[st->nback++] = (uint8_t)(bits >> (8 * i));
		st->s.read_in = 0;
		st->s.read_in_length = 0;
	}
	if (st->s.avail_in > feed) {
		/* Handed back more than this step gave: the rest is the end of what earlier steps gave. */
		size_t extra = st->s.avail_in - feed;
		if (extra > st->nlast)
			extra = st->nlast;
		if (extra > sizeof st->back - st->nback)
			extra = sizeof st->back - st->nback;
		memcpy(st->back + st->nback, st->last + st->nlast - extra, extra);
		st->nback += (unsigned)extra;
		used = 0;
	} else {
		used = feed - st->s.avail_in;
	}
	/* The last bytes fed, for the step that may hand them back. */
	if (used >= 8) {
		memcpy(st->last, *in + used - 8, 8);
		st->nlast = 8;
	} else if (used) {
		size_t keep = st->nlast + used > 8 ? 8 - used : st->nlast;
		memmove(st->last, st->last + st->nlast - keep, keep);
		memcpy(st->last + keep, *in, used);
		st->nlast = (unsigned)(keep + used);
	}
	*in += used;
	*inlen -= used;
	if (r < 0 || r == ISAL_NEED_DICT) {
		*why = isal_why(r);
		return STEP_ERR;
	}
	return done ? STEP_END : STEP_OK;
}

static uint32_t le32(const uint8_t *p) { return p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24; }

static enum cr_step isal_step(void *p, const uint8_t **in, size_t *inlen, uint8_t *out, size_t *outlen, bool last,
			      const char **why)
{
	struct ist *st = p;
	(void)last;
	size_t room = *outlen;
	*outlen = 0;
	uint8_t b;
	for (;;) {
		switch (st->phase) {
		case P_HEAD:
			while (!head_done(st)) {
				if (!next_byte(st, in, inlen, &b))
					return STEP_OK;
				if (!head_byte(st, b, why))
					return STEP_ERR;
			}
			st->phase = P_BODY;
			break;
		case P_BODY: {
			size_t made = room;
			enum cr_step r = body(st, in, inlen, out, &made, why);
			*outlen = made;
			if (r != STEP_END)
				return r;
			if (st->wrap == W_RAW) {
				st->phase = P_DONE;
				return STEP_END;
			}
			st->phase = P_TAIL;
			st->ntail = 0;
			break;
		}
		case P_TAIL:
			while (st->ntail < (st->wrap == W_GZIP ? 8u : 4u)) {
				if (!next_byte(st, in, inlen, &b))
					return STEP_OK;
				st->tail[st->ntail++] = b;
			}
			if (st->wrap == W_ZLIB) {
				/* Adler-32, big-endian. */
				uint32_t want = (uint32_t)st->tail[0] << 24 | (uint32_t)st->tail[1] << 16 | (uint32_t)st->tail[2] << 8 |
						st->tail[3];
				if (want != st->s.crc) {
					*why = "incorrect data check";
					return STEP_ERR;
				}
				st->phase = P_DONE;
				return STEP_END;
			}
			if (le32(st->tail) != st->s.crc) {
				*why = "incorrect data check";
				return STEP_ERR;
			}
			if (le32(st->tail + 4) != st->s.total_out) {
				*why = "incorrect length check";
				return STEP_ERR;
			}
			st->phase = P_DONE;
			return STEP_END;
		case P_DONE:
			return STEP_END;
		}
	}
}

/* Another gzip member (gzip -d reads them all): its magic, in the handed-back bytes and the input. */
static bool isal_again(void *p, const uint8_t *in, size_t inlen)
{
	struct ist *st = p;
	uint8_t m[2];
	size_t k = 0;
	for (unsigned i = 0; i < st->nback && k < 2; i++)
		m[k++] = st->back[i];
	for (size_t i = 0; i < inlen && k < 2; i++)
		m[k++] = in[i];
	if (k < 2 || m[0] != 0x1f || m[1] != 0x8b)
		return false;
	isal_inflate_reset(&st->s);
	st->s.crc_flag = ISAL_GZIP_NO_HDR;
	st->phase = P_HEAD;
	st->hpos = st->field = st->got = st->xlen = 0;
	st->flg = 0;
	st->hcrc = 0;
	st->nlast = 0;
	return true;
}

static void isal_end(void *p) { free(p); }

const struct cr_codec_ops cr_codec_deflate = {"deflate", init_raw, isal_step, NULL, false, isal_end};
const struct cr_codec_ops cr_codec_gzip = {"gzip", init_gzip, isal_step, isal_again, false, isal_end};
const struct cr_codec_ops cr_codec_zlib = {"zlib", init_zlib, isal_step, NULL, false, isal_end};

/* --- zlib, the reference ------------------------------------------------ */

struct zst {
	z_stream z;
};

static void *zinit(int wbits)
{
	struct zst *st = calloc(1, sizeof *st);
	if (st && inflateInit2(&st->z, wbits) != Z_OK) {
		free(st);
		return NULL;
	}
	return st;
}

static void *zinit_raw(void) { return zinit(-MAX_WBITS); }
static void *zinit_gzip(void) { return zinit(16 + MAX_WBITS); }
static void *zinit_zlib(void) { return zinit(MAX_WBITS); }

static enum cr_step zstep(void *p, const uint8_t **in, size_t *inlen, uint8_t *out, size_t *outlen, bool last,
			  const char **why)
{
	struct zst *st = p;
	(void)last;
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

static bool zagain(void *p, const uint8_t *in, size_t inlen)
{
	struct zst *st = p;
	if (inlen < 2 || in[0] != 0x1f || in[1] != 0x8b)
		return false;
	return inflateReset(&st->z) == Z_OK;
}

static void zend(void *p)
{
	struct zst *st = p;
	inflateEnd(&st->z);
	free(st);
}

const struct cr_codec_ops cr_codec_deflate_zlib = {"deflate", zinit_raw, zstep, NULL, false, zend};
const struct cr_codec_ops cr_codec_gzip_zlib = {"gzip", zinit_gzip, zstep, zagain, false, zend};
const struct cr_codec_ops cr_codec_zlib_zlib = {"zlib", zinit_zlib, zstep, NULL, false, zend};
