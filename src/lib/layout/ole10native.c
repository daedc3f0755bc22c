/*
 * layout/ole10native.c - the Packager's stream, as oletools and POI read
 * it: u32 total size, u16 (2), the label (NUL-terminated), the source
 * path (NUL-terminated), two u32 (the first 0x00030000), the temporary
 * path (NUL-terminated), u32 data size, the data.  Strings are ANSI.
 *
 * Anything else is the "unparsed" form Office also writes: the data is
 * what follows the total size.  Either way the bytes are scanned.
 */
#include "ole10native.h"

#include <string.h>

static const char *cstr(const uint8_t *p, size_t n, size_t *i)
{
	const uint8_t *z = *i < n ? memchr(p + *i, 0, n - *i) : NULL;
	if (!z)
		return NULL;
	const char *s = (const char *)p + *i;
	*i = (size_t)(z - p) + 1;
	return s;
}

static uint32_t le32(const uint8_t *p) { return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24; }

bool cr_ole10native_parse(const uint8_t *p, size_t n, struct cr_ole10native *o)
{
	memset(o, 0, sizeof *o);
	if (n < 4)
		return false;
	uint32_t total = le32(p);
	size_t end = total <= n - 4 ? 4 + (size_t)total : n;
	o->data = p + 4;
	o->len = end - 4;
	size_t i = 6;
	if (end < 6 || p[4] != 2 || p[5] != 0)
		return true;
	const char *label = cstr(p, end, &i), *src = cstr(p, end, &i);
	if (!label || !src || i + 8 > end)
		return true;
	i += 8;
	const char *temp = cstr(p, end, &i);
	if (!temp || i + 4 > end)
		return true;
	uint32_t size = le32(p + i);
	i += 4;
	if (size > end - i)
		return true;
	o->label = label;
	o->src = src;
	o->temp = temp;
	o->data = p + i;
	o->len = size;
	o->parsed = true;
	return true;
}
