/* utf8.h - strict UTF-8 decoding, shared by the name rules and the JSON writer. */
#ifndef CR_UTF8_H
#define CR_UTF8_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * Decodes one code point at p (n bytes available).  Strict: no overlong
 * forms (C0 AF is not '/'), no surrogates, nothing past U+10FFFF.
 * Returns the sequence length, or 0 when invalid.
 */
static inline size_t cr_utf8_decode(const uint8_t *p, size_t n, uint32_t *cp)
{
	uint8_t c = p[0];
	if (c < 0x80) {
		*cp = c;
		return 1;
	}
	size_t l;
	uint32_t min, v;
	if ((c & 0xe0) == 0xc0)
		l = 2, min = 0x80, v = c & 0x1f;
	else if ((c & 0xf0) == 0xe0)
		l = 3, min = 0x800, v = c & 0x0f;
	else if ((c & 0xf8) == 0xf0)
		l = 4, min = 0x10000, v = c & 0x07;
	else
		return 0;
	if (l > n)
		return 0;
	for (size_t i = 1; i < l; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		v = v << 6 | (p[i] & 0x3f);
	}
	if (v < min || v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff))
		return 0;
	*cp = v;
	return l;
}

/*
 * Encodes one code point as UTF-8 into out (4 bytes room); surrogates and
 * values past U+10FFFF become U+FFFD.  Returns the length.
 */
static inline size_t cr_utf8_encode(uint32_t c, uint8_t *out)
{
	if (c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
		c = 0xfffd;
	if (c < 0x80) {
		out[0] = (uint8_t)c;
		return 1;
	}
	if (c < 0x800) {
		out[0] = (uint8_t)(0xc0 | c >> 6);
		out[1] = (uint8_t)(0x80 | (c & 0x3f));
		return 2;
	}
	if (c < 0x10000) {
		out[0] = (uint8_t)(0xe0 | c >> 12);
		out[1] = (uint8_t)(0x80 | ((c >> 6) & 0x3f));
		out[2] = (uint8_t)(0x80 | (c & 0x3f));
		return 3;
	}
	out[0] = (uint8_t)(0xf0 | c >> 18);
	out[1] = (uint8_t)(0x80 | ((c >> 12) & 0x3f));
	out[2] = (uint8_t)(0x80 | ((c >> 6) & 0x3f));
	out[3] = (uint8_t)(0x80 | (c & 0x3f));
	return 4;
}

/*
 * UTF-16 code units (u16le: the units are little-endian bytes, else
 * host uint16_t) to UTF-8 in out, which holds 3 bytes per unit; unpaired
 * surrogates become U+FFFD.  Returns the bytes written.
 */
static inline size_t cr_utf16_to_utf8(const void *units, size_t n, bool u16le, uint8_t *out)
{
	const uint8_t *b = units;
	const uint16_t *w = units;
#define CR_UNIT(i) (u16le ? (uint32_t)(b[2 * (i)] | b[2 * (i) + 1] << 8) : (uint32_t)w[i])
	size_t k = 0;
	for (size_t i = 0; i < n; i++) {
		uint32_t c = CR_UNIT(i);
		if (c >= 0xd800 && c <= 0xdbff && i + 1 < n && CR_UNIT(i + 1) >= 0xdc00 && CR_UNIT(i + 1) <= 0xdfff) {
			c = 0x10000 + ((c - 0xd800) << 10) + (CR_UNIT(i + 1) - 0xdc00);
			i++;
		}
		k += cr_utf8_encode(c, out + k);
	}
#undef CR_UNIT
	return k;
}

#endif
