/*
 * pdf_filters.c - PDF stream filters, decoded as readers decode them:
 *
 *  - FlateDecode: a zlib stream, read as zlib reads it, through ISA-L
 *    (codec/deflate.c); a raw deflate stream is accepted too (some writers
 *    omit the header and readers take it); a cut stream keeps what came;
 *  - LZWDecode: 9- to 12-bit codes, 256 clear, 257 end, EarlyChange;
 *  - ASCIIHexDecode: whitespace skipped, '>' ends, an odd digit is
 *    followed by 0;
 *  - ASCII85Decode: 'z' for four zeros, '~>' ends, a partial group padded
 *    with 'u';
 *  - RunLengthDecode: a length byte, 128 ends;
 *  - predictors (DecodeParms /Predictor): TIFF 2 and PNG 10-15, each PNG
 *    row carrying its own filter byte.
 */
#include "pdf_filters.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "codec.h"

enum cr_pdf_filter cr_pdf_filter_named(const char *n)
{
	if (!strcmp(n, "FlateDecode") || !strcmp(n, "Fl"))
		return PF_FLATE;
	if (!strcmp(n, "LZWDecode") || !strcmp(n, "LZW"))
		return PF_LZW;
	if (!strcmp(n, "ASCIIHexDecode") || !strcmp(n, "AHx"))
		return PF_AHX;
	if (!strcmp(n, "ASCII85Decode") || !strcmp(n, "A85"))
		return PF_A85;
	if (!strcmp(n, "RunLengthDecode") || !strcmp(n, "RL"))
		return PF_RL;
	return PF_UNSUPPORTED;
}

struct out {
	uint8_t *p;
	size_t len, cap, max;
	bool capped, nomem;
};

static bool put(struct out *o, uint8_t b)
{
	if (o->len >= o->max) {
		o->capped = true;
		return false;
	}
	if (o->len == o->cap) {
		size_t nc = o->cap ? o->cap * 2 : 4096;
		if (nc > o->max)
			nc = o->max;
		uint8_t *np = realloc(o->p, nc);
		if (!np) {
			o->nomem = true;
			return false;
		}
		o->p = np;
		o->cap = nc;
	}
	o->p[o->len++] = b;
	return true;
}

static bool put_all(struct out *o, const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!put(o, p[i]))
			return false;
	return true;
}

/* Through ISA-L (codec/deflate.c), as zlib reads it: a zlib stream, or raw deflate when that fails at once. */
static bool flate(const uint8_t *in, size_t n, struct out *o)
{
	for (int raw = 0; raw < 2; raw++) {
		const struct cr_codec_ops *ops = raw ? &cr_codec_deflate : &cr_codec_zlib;
		void *st = ops->init();
		if (!st) {
			o->nomem = true;
			return false;
		}
		uint8_t buf[16384];
		const uint8_t *p = in;
		size_t left = n, start = o->len;
		enum cr_step r;
		const char *why = "";
		for (;;) {
			size_t made = sizeof buf, before = left;
			r = ops->step(st, &p, &left, buf, &made, true, &why);
			if (!put_all(o, buf, made)) {
				ops->end(st);
				return false;
			}
			if (r != STEP_OK)
				break;
			if (made == 0 && left == before)
				break;	/* cut: what came is kept */
		}
		ops->end(st);
		if (r == STEP_END)
			return true;
		if (r == STEP_ERR && !why) {
			o->nomem = true;
			return false;
		}
		/* A stream refused before any byte (a missing or wrong zlib header): tried as raw deflate once. */
		if (!raw && o->len == start && r == STEP_ERR && strcmp(why, "needs a preset dictionary"))
			continue;
		return false;
	}
	return false;
}

static bool lzw(const uint8_t *in, size_t n, int early, struct out *o)
{
	/* The table: prefix code and last byte per entry; strings rebuilt backwards. */
	uint16_t prefix[4096];
	uint8_t suffix[4096], stack[4096];
	unsigned next = 258, width = 9, prev = 4096;
	uint32_t acc = 0;
	unsigned bits = 0;
	uint8_t first = 0;
	for (size_t i = 0; i < n;) {
		while (bits < width && i < n) {
			acc = acc << 8 | in[i++];
			bits += 8;
		}
		if (bits < width)
			break;
		unsigned code = (acc >> (bits - width)) & ((1u << width) - 1);
		bits -= width;
		if (code == 256) {
			next = 258;
			width = 9;
			prev = 4096;
			continue;
		}
		if (code == 257)
			return true;
		size_t sp = 0;
		unsigned c = code;
		if (code >= next) {
			if (code != next || prev == 4096)
				return false;	/* a code not yet defined */
			stack[sp++] = first;
			c = prev;
		}
		while (c >= 258) {
			if (sp >= sizeof stack)
				return false;
			stack[sp++] = suffix[c];
			c = prefix[c];
		}
		if (c > 255)
			return false;
		stack[sp++] = (uint8_t)c;
		first = (uint8_t)c;
		while (sp > 0)
			if (!put(o, stack[--sp]))
				return false;
		if (prev != 4096 && next < 4096) {
			prefix[next] = (uint16_t)prev;
			suffix[next] = first;
			next++;
		}
		prev = code;
		if (next + (unsigned)early >= (1u << width) && width < 12)
			width++;
	}
	return true;
}

static int hexv(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c |= 0x20;
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

static bool ahx(const uint8_t *in, size_t n, struct out *o)
{
	int hi = -1;
	for (size_t i = 0; i < n; i++) {
		if (in[i] == '>')
			break;
		int v = hexv(in[i]);
		if (v < 0) {
			if (in[i] == ' ' || in[i] == '\t' || in[i] == '\r' || in[i] == '\n' || in[i] == '\f' || in[i] == 0)
				continue;
			return false;
		}
		if (hi < 0) {
			hi = v;
		} else {
			if (!put(o, (uint8_t)(hi << 4 | v)))
				return false;
			hi = -1;
		}
	}
	return hi < 0 || put(o, (uint8_t)(hi << 4));
}

static bool a85(const uint8_t *in, size_t n, struct out *o)
{
	uint32_t g = 0;
	int k = 0;
	for (size_t i = 0; i < n; i++) {
		uint8_t c = in[i];
		if (c == '~')
			break;
		if (c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == 0)
			continue;
		if (c == 'z' && k == 0) {
			for (int j = 0; j < 4; j++)
				if (!put(o, 0))
					return false;
			continue;
		}
		if (c < '!' || c > 'u')
			return false;
		g = g * 85 + (uint32_t)(c - '!');
		if (++k == 5) {
			for (int j = 3; j >= 0; j--)
				if (!put(o, (uint8_t)(g >> (8 * j))))
					return false;
			g = 0;
			k = 0;
		}
	}
	if (k > 1) {
		for (int j = k; j < 5; j++)
			g = g * 85 + 84;
		for (int j = 3; j >= 5 - k; j--)
			if (!put(o, (uint8_t)(g >> (8 * j))))
				return false;
	}
	return true;
}

static bool rl(const uint8_t *in, size_t n, struct out *o)
{
	for (size_t i = 0; i < n;) {
		uint8_t l = in[i++];
		if (l == 128)
			return true;
		if (l < 128) {
			for (size_t k = 0; k <= l; k++) {
				if (i >= n)
					return false;
				if (!put(o, in[i++]))
					return false;
			}
		} else {
			if (i >= n)
				return false;
			for (int k = 0; k < 257 - l; k++)
				if (!put(o, in[i]))
					return false;
			i++;
		}
	}
	return true;
}

/* Undoes a predictor over o's bytes, in place (PNG rows shrink by their filter byte). */
static bool predict(const struct cr_pdf_parms *pp, struct out *o)
{
	int colors = pp->colors > 0 && pp->colors <= 32 ? pp->colors : 1;
	int bpc = pp->bpc > 0 && pp->bpc <= 16 ? pp->bpc : 8;
	int cols = pp->columns > 0 && pp->columns <= 1 << 20 ? pp->columns : 1;
	size_t bpp = ((size_t)colors * (size_t)bpc + 7) / 8, row = ((size_t)colors * (size_t)bpc * (size_t)cols + 7) / 8;
	if (pp->predictor == 2) {
		if (bpc != 8)
			return true;	/* kept as is: only the bytes' order matters to what follows */
		for (size_t r = 0; r + row <= o->len; r += row)
			for (size_t i = bpp; i < row; i++)
				o->p[r + i] = (uint8_t)(o->p[r + i] + o->p[r + i - bpp]);
		return true;
	}
	if (pp->predictor < 10)
		return true;
	uint8_t *prev = calloc(row, 1);
	if (!prev) {
		o->nomem = true;
		return false;
	}
	size_t w = 0;
	for (size_t r = 0; r + 1 + row <= o->len; r += 1 + row) {
		uint8_t t = o->p[r];
		uint8_t *cur = o->p + r + 1;
		for (size_t i = 0; i < row; i++) {
			int a = i >= bpp ? o->p[w + i - bpp] : 0, b = prev[i], c = i >= bpp ? prev[i - bpp] : 0, x = cur[i];
			int v;
			switch (t) {
			case 1: v = x + a; break;
			case 2: v = x + b; break;
			case 3: v = x + ((a + b) >> 1); break;
			case 4: {
				int p = a + b - c, pa = abs(p - a), pb = abs(p - b), pc = abs(p - c);
				v = x + (pa <= pb && pa <= pc ? a : pb <= pc ? b : c);
				break;
			}
			default: v = x; break;
			}
			o->p[w + i] = (uint8_t)v;
		}
		memcpy(prev, o->p + w, row);
		w += row;
	}
	o->len = w;
	free(prev);
	return true;
}

enum cr_pdf_dec cr_pdf_decode(enum cr_pdf_filter f, const struct cr_pdf_parms *pp, const uint8_t *in, size_t n,
			      size_t cap, uint8_t **out, size_t *outlen)
{
	struct out o = {.max = cap};
	bool ok;
	switch (f) {
	case PF_NONE:
		ok = true;
		for (size_t i = 0; i < n && ok; i++)
			ok = put(&o, in[i]);
		break;
	case PF_FLATE: ok = flate(in, n, &o); break;
	case PF_LZW: ok = lzw(in, n, pp ? pp->early : 1, &o); break;
	case PF_AHX: ok = ahx(in, n, &o); break;
	case PF_A85: ok = a85(in, n, &o); break;
	case PF_RL: ok = rl(in, n, &o); break;
	default: ok = false; break;
	}
	if (ok && pp && (f == PF_FLATE || f == PF_LZW) && pp->predictor > 1)
		ok = predict(pp, &o);
	*out = o.p;
	*outlen = o.len;
	if (o.nomem)
		return PDEC_NOMEM;
	if (o.capped)
		return PDEC_CAPPED;
	return ok ? PDEC_OK : PDEC_BROKEN;
}
