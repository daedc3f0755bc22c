/*
 * inflate_diff.h - ISA-L's inflate (codec/deflate.c) against zlib's, on one
 * stream fed in given steps: the differential of tests/unit/test_inflate.c
 * and fuzz/fuzz_inflate.c.
 */
#ifndef CR_INFLATE_DIFF_H
#define CR_INFLATE_DIFF_H

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../src/lib/codec/codec.h"

/* Output compared per stream at most (the fuzz target sets less: its memory is capped). */
#ifndef INFLATE_DIFF_CAP
#define INFLATE_DIFF_CAP (64u << 20)
#endif

enum outcome { OUT_END, OUT_ERR, OUT_SHORT };

struct result {
	enum outcome how;
	uint8_t *out;
	size_t len, used;	/* output bytes; input bytes consumed when it ended */
	const char *why;	/* the refusal */
};

/* Decodes in[0, n) with ops, fed at most inchunk bytes and given outchunk bytes of room a step, as decode.c does. */
static struct result run(const struct cr_codec_ops *ops, const uint8_t *in, size_t n, size_t inchunk, size_t outchunk)
{
	struct result r = {OUT_SHORT, NULL, 0, 0, "ends early"};
	size_t cap = 4096;
	r.out = malloc(cap);
	uint8_t *obuf = malloc(outchunk);
	void *st = ops->init();
	if (!r.out || !obuf || !st)
		abort();
	size_t pos = 0, stuck = 0;
	for (;;) {
		size_t give = n - pos < inchunk ? n - pos : inchunk;
		const uint8_t *p = in + pos;
		size_t left = give, made = outchunk;
		const char *why = "";
		enum cr_step s = ops->step(st, &p, &left, obuf, &made, pos + give == n, &why);
		pos += give - left;
		if (r.len + made > cap) {
			while (r.len + made > cap)
				cap *= 2;
			r.out = realloc(r.out, cap);
			if (!r.out)
				abort();
		}
		memcpy(r.out + r.len, obuf, made);
		r.len += made;
		if (s == STEP_ERR) {
			r.how = OUT_ERR;
			r.why = why;
			break;
		}
		if (s == STEP_END) {
			if (ops->again && pos < n && ops->again(st, in + pos, n - pos))
				continue;
			r.how = OUT_END;
			break;
		}
		/* No progress with nothing left to give: the stream ends early. */
		if (made == 0 && left == give && (give == 0 || ++stuck > 4))
			break;
		if (made || left != give)
			stuck = 0;
		if (r.len > INFLATE_DIFF_CAP)
			break;	/* a bomb: both are compared on what comes before the cap */
	}
	r.used = pos;
	ops->end(st);
	free(obuf);
	return r;
}

/*
 * zlib refuses a dynamic block whose code lengths make an incomplete or
 * over-full code (all but one distance code of one bit); ISA-L decodes
 * it as long as only assigned codes occur, by the canonical assignment
 * RFC 1951 gives, as other readers that do not check the sets do.  That
 * is the one difference allowed: zlib's output until it refused is then
 * a prefix of ISA-L's, and ISA-L's is never shorter.  crible then judges
 * more than a zlib-based extractor writes (which writes nothing past the
 * refusal), never less: no content is hidden from the scan.
 */
static inline bool code_set_refusal(const char *why)
{
	return !strcmp(why, "invalid distances set") || !strcmp(why, "invalid literal/lengths set") ||
	       !strcmp(why, "invalid code lengths set");
}

enum verdict { SAME, LENIENT, DIFFERENT };

/*
 * Decodes in[0, n), raw deflate or in the wrapper w, with both, fed step[0] bytes of input and step[1] of
 * output room at a time: SAME, LENIENT (the allowed difference above) or
 * DIFFERENT, described in msg.  *outlen: the longer output.
 */
enum wrapper { WRAP_RAW, WRAP_GZIP, WRAP_ZLIB };

static inline enum verdict inflate_diff(enum wrapper w, const uint8_t *in, size_t n, const size_t step[2],
					size_t *outlen, char *msg, size_t msglen)
{
	static const struct cr_codec_ops *const isal[] = {&cr_codec_deflate, &cr_codec_gzip, &cr_codec_zlib};
	static const struct cr_codec_ops *const zl[] = {&cr_codec_deflate_zlib, &cr_codec_gzip_zlib, &cr_codec_zlib_zlib};
	bool gzip = w == WRAP_GZIP;
	struct result a = run(isal[w], in, n, step[0], step[1]), b = run(zl[w], in, n, step[0], step[1]);
	enum verdict v = SAME;
	*outlen = a.len > b.len ? a.len : b.len;
	if (a.how == OUT_END && b.how == OUT_ERR && code_set_refusal(b.why) && a.len >= b.len &&
	    !memcmp(a.out, b.out, b.len)) {
		v = LENIENT;
	} else if ((a.how == OUT_END) != (b.how == OUT_END)) {
		/* Refused for an error and refused for ending early are one answer: the driver reports both as corrupt. */
		snprintf(msg, msglen, "%zu bytes, steps %zu/%zu: isa-l %s (%zu out), zlib %s (%zu out)", n, step[0], step[1],
			 a.how == OUT_END ? "ends" : a.why, a.len, b.how == OUT_END ? "ends" : b.why, b.len);
		v = DIFFERENT;
	} else if (a.how == OUT_END && (a.len != b.len || memcmp(a.out, b.out, a.len) || (gzip && a.used != b.used))) {
		snprintf(msg, msglen, "%zu bytes: both end, isa-l %zu out %zu used, zlib %zu out %zu used", n, a.len, a.used,
			 b.len, b.used);
		v = DIFFERENT;
	}
	free(a.out);
	free(b.out);
	return v;
}

#endif
