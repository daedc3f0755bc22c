/*
 * onenote.c - OneNote sections (.one): the files embedded in them.
 *
 * OneNote stores an attached file as a FileDataStoreObject (MS-ONESTORE
 * 2.6.13): the header GUID {BDE316E7-2665-4511-A4C4-8D4D0B7A9EAC}, the
 * length (u64), 4 unused and 8 reserved bytes, the file's bytes.  Lures
 * in 2023 carried HTA, batch and script files this way under a "double
 * click to view" picture.  Every such object in the section is a child,
 * found by its GUID wherever it sits (readers follow the file's own
 * references; an object no reference names is still in the bytes an
 * extractor can pull).  The name OneNote shows is elsewhere, in the
 * page's property sets: the children are numbered.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "format.h"

static const uint8_t header_guid[16] = {0xE7, 0x16, 0xE3, 0xBD, 0x65, 0x26, 0x11, 0x45,
					0xA4, 0xC4, 0x8D, 0x4D, 0x0B, 0x7A, 0x9E, 0xAC};

#define MAX_ONE (256ull << 20)

static void walk_onenote(struct cr_walk *w)
{
	const struct cr_obj *o = w->o;
	uint8_t *own;
	const uint8_t *p = cr_walk_whole(w, MAX_ONE, "OneNote section", &own);
	if (!p)
		return;
	size_t n = (size_t)o->view->size;
	unsigned k = 0;
	for (size_t i = 0; i + 36 <= n && !cr_walk_stopped(w);) {
		const uint8_t *g = memmem(p + i, n - i, header_guid, 16);
		if (!g || (size_t)(g - p) + 36 > n)
			break;
		size_t at = (size_t)(g - p);
		uint64_t len = 0;
		for (int b = 7; b >= 0; b--)
			len = len << 8 | g[16 + b];
		size_t start = at + 36, avail = n - start;
		char name[48];
		snprintf(name, sizeof name, "embedded file %u", ++k);
		struct cr_entry e = {.name = (const uint8_t *)name, .namelen = strlen(name), .kind = E_FILE,
				     .flags = CR_E_NAME_OURS};
		cr_entry_note(&e, F_DOC_EMBEDDED, -1, "OneNote embedded file");
		if (len > avail)
			cr_entry_note(&e, F_CONTAINER_CORRUPT, -1, "the embedded file runs past the section's end");
		struct cr_src child = {.size = len < avail ? len : avail, .mem = p + start, .fd = -1};
		cr_entry(w, &e, &child);
		i = start + (size_t)child.size;
	}
	free(own);
}

static const enum cr_tid onenote_types[] = {T_ONENOTE, T_UNKNOWN};
const struct cr_format cr_format_onenote = {.name = "onenote", .types = onenote_types, .walk = walk_onenote};
