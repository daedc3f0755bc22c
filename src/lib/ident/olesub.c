/*
 * olesub.c - what an OLE compound file (CFB) holds: Word, Excel and
 * PowerPoint 97-2003, MSI, Outlook MSG.
 *
 * The directory is read through layout/cfb.c, the reader the OLE walkers
 * share.  The root entry's CLSID names MSI packages; the stream names
 * name the Office formats.  Identification reads at most the first
 * MAX_DIR_SECTORS directory sectors: the names that decide come first.
 */
#include <string.h>

#include "../layout/cfb.h"
#include "ident.h"

#define MAX_DIR_SECTORS 16

static int name_prefix(const struct cr_cfb_dirent *e, const char *s)
{
	return strncmp(e->name, s, strlen(s)) == 0;
}

enum cr_tid cr_ole_subtype(const struct cr_view *v)
{
	struct cr_cfb c;
	if (!cr_cfb_open(&c, v))
		return T_UNKNOWN;
	enum cr_tid found = T_OLE;
	struct cr_cfb_diriter it;
	struct cr_cfb_dirent e;
	cr_cfb_dir_begin(&it, &c);
	while (cr_cfb_dir_next(&it, &e, MAX_DIR_SECTORS)) {
		if (e.type == CR_CFB_ROOT) {
			/* MSI {000C1084-...-C000-000000000046}, MSP ...1086, MST ...1082. */
			static const uint8_t tail[] = {0x0C, 0x00, 0x00, 0x00, 0x00, 0x00, 0xC0, 0x00,
						       0x00, 0x00, 0x00, 0x00, 0x00, 0x46};
			if ((e.clsid[0] == 0x84 || e.clsid[0] == 0x86 || e.clsid[0] == 0x82) && e.clsid[1] == 0x10 &&
			    memcmp(e.clsid + 2, tail, sizeof tail) == 0)
				return T_MSI;
			continue;
		}
		if (e.type != CR_CFB_STREAM && e.type != CR_CFB_STORAGE)
			continue;
		if (!strcmp(e.name, "WordDocument"))
			return T_DOC;
		if (!strcmp(e.name, "Workbook") || !strcmp(e.name, "Book"))
			return T_XLS;
		if (!strcmp(e.name, "PowerPoint Document"))
			return T_PPT;
		if (name_prefix(&e, "__substg1.0_") || !strcmp(e.name, "__properties_version1.0"))
			found = T_MSG;
	}
	return found;
}
