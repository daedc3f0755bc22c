/*
 * layout/biff.c - BIFF8 records: u16 type, u16 length, data.  The
 * globals substream opens with BOF (0x0809) and ends with EOF (0x000A).
 * BOUNDSHEET8 (0x0085): u32 stream position, u8 hsState (0 visible,
 * 1 hidden, 2 very hidden: only VBA can show it), u8 dt (0 worksheet,
 * 1 macro sheet, 2 chart, 6 VB module), then the name as a
 * ShortXLUnicodeString (u8 count, u8 flags: bit 0 for two-byte chars).
 * FILEPASS (0x002F): u16 0 for XOR obfuscation, 1 for RC4.
 */
#include "biff.h"

#include <stdio.h>
#include <string.h>

static const char *const visibility[] = {"visible", "hidden", "very hidden", "hidden"};

void cr_biff_globals(const uint8_t *p, size_t n, struct cr_biff *b)
{
	memset(b, 0, sizeof *b);
	size_t i = 0;
	while (i + 4 <= n) {
		unsigned type = (unsigned)p[i] | (unsigned)p[i + 1] << 8, len = (unsigned)p[i + 2] | (unsigned)p[i + 3] << 8;
		const uint8_t *d = p + i + 4;
		if (len > n - i - 4) {
			b->broken = true;
			return;
		}
		if (i == 0 && type != 0x0809)
			return;	/* not BIFF8 globals */
		if (type == 0x000A)
			return;
		if (type == 0x002F && len >= 2) {
			b->encrypted = true;
			b->enc_type = (uint16_t)(d[0] | d[1] << 8);
		}
		if (type == 0x0085 && len >= 8 && (d[5] == 1 || d[5] == 6)) {
			if (b->macro_sheets < CR_BIFF_MAX_NAMED) {
				char name[64];
				size_t cch = d[6], k = 0;
				bool wide = d[7] & 1;
				for (size_t c = 0; c < cch && k + 1 < sizeof name; c++) {
					size_t at = 8 + (wide ? 2 * c : c);
					if (at + (wide ? 2 : 1) > len)
						break;
					unsigned ch = wide ? (unsigned)d[at] | (unsigned)d[at + 1] << 8 : d[at];
					name[k++] = ch >= 0x20 && ch < 0x7f ? (char)ch : '?';
				}
				name[k] = '\0';
				snprintf(b->names[b->macro_sheets], sizeof b->names[0], "%s \"%s\" (%s)",
					 d[5] == 1 ? "Excel 4.0 macro sheet" : "VB module sheet", name, visibility[d[4] & 3]);
			}
			b->macro_sheets++;
		}
		i += 4 + len;
	}
}
