/*
 * olesub.c - what an OLE compound file (CFB) holds: Word, Excel and
 * PowerPoint 97-2003, MSI, Outlook MSG.
 *
 * CFB layout (MS-CFB): a 512-byte header with the sector shift (u16 at
 * 0x1E, 9 or 12), the first directory sector (u32 at 0x30) and the first
 * 109 FAT sector numbers (DIFAT, u32 each from 0x4C).  Sector s starts at
 * (s + 1) << shift.  The directory is a chain of sectors linked through
 * the FAT, holding 128-byte entries: UTF-16LE name (64 bytes), name size
 * in bytes (u16 at 64), type (66: 1 storage, 2 stream, 5 root), CLSID
 * (16 bytes at 80).  The root entry's CLSID names MSI packages; the
 * stream names name the Office formats.
 */
#include <string.h>

#include "../io/cur.h"
#include "ident.h"

#define MAX_DIR_SECTORS 16

static int name_is(const uint8_t *e, const char *s)
{
	uint16_t nbytes = (uint16_t)(e[64] | e[65] << 8);
	size_t l = strlen(s);
	if (nbytes != 2 * (l + 1))
		return 0;
	for (size_t i = 0; i < l; i++)
		if (e[2 * i] != (uint8_t)s[i] || e[2 * i + 1] != 0)
			return 0;
	return 1;
}

static int name_prefix(const uint8_t *e, const char *s)
{
	size_t l = strlen(s);
	for (size_t i = 0; i < l; i++)
		if (e[2 * i] != (uint8_t)s[i] || e[2 * i + 1] != 0)
			return 0;
	return 1;
}

enum cr_tid cr_ole_subtype(const struct cr_view *v)
{
	struct cr_cur h;
	cur_init(&h, v->head, v->headlen);
	uint16_t order, shift;
	uint32_t dirsec;
	if (!cur_peek_u16le(&h, 0x1C, &order) || !cur_peek_u16le(&h, 0x1E, &shift) ||
	    !cur_peek_u32le(&h, 0x30, &dirsec) || h.len < 512)
		return T_UNKNOWN;
	if (order != 0xFFFE || (shift != 9 && shift != 12))
		return T_UNKNOWN;
	size_t ssz = (size_t)1 << shift;
	enum cr_tid found = T_OLE;
	uint8_t sec[4096];
	for (int n = 0; n < MAX_DIR_SECTORS && dirsec < 0xFFFFFFFA; n++) {
		if (!cr_view_read(v, ((uint64_t)dirsec + 1) << shift, sec, ssz))
			break;
		for (size_t o = 0; o + 128 <= ssz; o += 128) {
			const uint8_t *e = sec + o;
			if (e[66] == 5) {
				/* MSI {000C1084-...-C000-000000000046}, MSP ...1086, MST ...1082. */
				static const uint8_t tail[] = {0x0C, 0x00, 0x00, 0x00, 0x00, 0x00, 0xC0, 0x00,
							       0x00, 0x00, 0x00, 0x00, 0x00, 0x46};
				if ((e[80] == 0x84 || e[80] == 0x86 || e[80] == 0x82) && e[81] == 0x10 &&
				    memcmp(e + 82, tail, sizeof tail) == 0)
					return T_MSI;
				continue;
			}
			if (e[66] != 2 && e[66] != 1)
				continue;
			if (name_is(e, "WordDocument"))
				return T_DOC;
			if (name_is(e, "Workbook") || name_is(e, "Book"))
				return T_XLS;
			if (name_is(e, "PowerPoint Document"))
				return T_PPT;
			if (name_prefix(e, "__substg1.0_") || name_is(e, "__properties_version1.0"))
				found = T_MSG;
		}
		if (found != T_OLE)
			return found;
		/* Next directory sector through the FAT; only the header's 109 DIFAT slots. */
		uint32_t per = (uint32_t)(ssz / 4), idx = dirsec / per, fatsec;
		if (idx >= 109 || !cur_peek_u32le(&h, 0x4C + 4 * (size_t)idx, &fatsec) || fatsec >= 0xFFFFFFFA)
			break;
		uint8_t nx[4];
		if (!cr_view_read(v, (((uint64_t)fatsec + 1) << shift) + 4ull * (dirsec % per), nx, 4))
			break;
		dirsec = (uint32_t)nx[0] | (uint32_t)nx[1] << 8 | (uint32_t)nx[2] << 16 | (uint32_t)nx[3] << 24;
	}
	return found;
}
