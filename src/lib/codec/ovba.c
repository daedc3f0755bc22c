/*
 * ovba.c - MS-OVBA 2.4.1 decompression: how a VBA project stores its dir
 * stream and each module's source.
 *
 * A CompressedContainer is a signature byte 0x01 and chunks.  A chunk
 * header is a little-endian u16: bits 0-11 the chunk's size minus 3,
 * bits 12-14 the signature 0b011, bit 15 set when the chunk is
 * compressed.  An uncompressed chunk is 4096 raw bytes.  A compressed one
 * is token sequences: a flag byte, then eight tokens, low bit first; a 0
 * bit is a literal byte, a 1 bit a CopyToken (u16 LE) whose split between
 * offset and length depends on how far into the chunk's 4096-byte output
 * the decompression is: bit count = max(4, ceil(log2(position))), the
 * low 16 - bit count bits are length - 3, the high ones offset - 1.
 *
 * Office reads leniently: a chunk cut by the end of the stream is
 * decompressed as far as it goes, and the header's signature bits are
 * not checked (oletools and LibreOffice do the same).  What no reader
 * can follow is a copy from before the chunk's start: that breaks the
 * container here.
 */
#include "ovba.h"

#include <string.h>

/* Bit count of a CopyToken at position pos (1..4096) of a chunk's output. */
static unsigned copy_bits(size_t pos)
{
	unsigned b = 4;
	while (b < 12 && ((size_t)1 << b) < pos)
		b++;
	return b;
}

size_t cr_ovba_decompress(const uint8_t *in, size_t n, uint8_t *out, size_t cap, enum cr_ovba *res)
{
	*res = OVBA_BROKEN;
	if (n < 1 || in[0] != 0x01)
		return 0;
	size_t i = 1, o = 0;
	while (i + 2 <= n) {
		unsigned h = (unsigned)in[i] | (unsigned)in[i + 1] << 8;
		i += 2;
		size_t csize = (h & 0x0FFFu) + 3, end = i - 2 + csize;
		if (end > n)
			end = n;	/* a cut chunk: as far as it goes */
		size_t start = o;
		if (!(h & 0x8000u)) {
			/* Raw: 4096 bytes (fewer when the stream is cut). */
			size_t raw = end - i < 4096 ? end - i : 4096;
			if (o + raw > cap) {
				memcpy(out + o, in + i, cap - o);
				*res = OVBA_CAPPED;
				return cap;
			}
			memcpy(out + o, in + i, raw);
			o += raw;
			i = end;
			continue;
		}
		while (i < end) {
			uint8_t flags = in[i++];
			for (int t = 0; t < 8 && i < end; t++, flags >>= 1) {
				if (!(flags & 1)) {
					if (o - start >= 4096)
						return o;	/* a chunk decodes to 4096 bytes at most */
					if (o >= cap) {
						*res = OVBA_CAPPED;
						return o;
					}
					out[o++] = in[i++];
					continue;
				}
				if (i + 2 > end)
					return o;
				unsigned tok = (unsigned)in[i] | (unsigned)in[i + 1] << 8;
				i += 2;
				size_t pos = o - start;
				if (pos == 0)
					return o;	/* a copy before anything was written: broken */
				unsigned bits = copy_bits(pos);
				unsigned lmask = 0xFFFFu >> bits;
				size_t len = (tok & lmask) + 3, off = (tok >> (16 - bits)) + 1;
				if (off > pos)
					return o;	/* from before the chunk */
				for (size_t k = 0; k < len; k++) {
					if (o - start >= 4096)
						return o;
					if (o >= cap) {
						*res = OVBA_CAPPED;
						return o;
					}
					out[o] = out[o - off];
					o++;
				}
			}
		}
		i = end;
	}
	*res = OVBA_OK;
	return o;
}
