/* utf8.h - strict UTF-8 decoding, shared by the name rules and the JSON writer. */
#ifndef CR_UTF8_H
#define CR_UTF8_H

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

#endif
