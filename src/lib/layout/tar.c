/* layout/tar.c - tar numbers and the header checksum (chksum[8] at 148). */
#include "tar.h"

/* The octal digits from *i on into *out; false on overflow. */
static bool octal(const uint8_t *p, size_t n, size_t *i, uint64_t *out, size_t *digits)
{
	uint64_t v = 0;
	*digits = 0;
	for (; *i < n && p[*i] >= '0' && p[*i] <= '7'; (*i)++, (*digits)++) {
		if (v >> 61)
			return false;
		v = v << 3 | (uint64_t)(p[*i] - '0');
	}
	*out = v;
	return true;
}

int cr_tar_num(const uint8_t *p, size_t n, uint64_t *out)
{
	*out = 0;
	if (n == 0)
		return 0;
	if (p[0] & 0x80) {
		/* base-256: the rest big-endian; a negative value (0xff) is refused */
		if (p[0] == 0xff)
			return -1;
		uint64_t v = p[0] & 0x7f;
		for (size_t i = 1; i < n; i++) {
			if (v >> 56)
				return -1;
			v = v << 8 | p[i];
		}
		*out = v;
		return 1;
	}
	size_t i = 0;
	while (i < n && (p[i] == ' ' || p[i] == '\0'))
		i++;
	size_t digits;
	if (!octal(p, n, &i, out, &digits))
		return -1;
	for (; i < n; i++)
		if (p[i] != ' ' && p[i] != '\0')
			return -1;
	return digits ? 1 : 0;
}

int cr_tar_num_lenient(const uint8_t *p, size_t n, uint64_t *out)
{
	*out = 0;
	size_t i = 0;
	while (i < n && (p[i] == ' ' || p[i] == '\t'))
		i++;
	if (i < n && p[i] == '+')
		i++;
	size_t digits;
	return octal(p, n, &i, out, &digits) && digits ? 1 : -1;
}

bool cr_tar_checksum_ok(const uint8_t *b)
{
	uint64_t want;
	if (cr_tar_num(b + 148, 8, &want) != 1)
		return false;
	/* Every byte, then the checksum field's own eight counted as spaces (a loop the compiler vectorises). */
	uint64_t us = 0;
	int64_t ss = 0;
	for (int i = 0; i < 512; i++) {
		us += b[i];
		ss += (int8_t)b[i];
	}
	for (int i = 148; i < 156; i++) {
		us -= b[i];
		ss -= (int8_t)b[i];
	}
	us += 8 * ' ';
	ss += 8 * ' ';
	return us == want || (uint64_t)ss == want;
}
