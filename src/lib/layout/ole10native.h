/*
 * layout/ole10native.h - the "\x01Ole10Native" stream of an embedded OLE
 * Package (MS-OLEDS 2.3.6 and the Packager's own layout): the file a
 * user double-clicks in a document, with the names the Packager writes
 * it under.
 */
#ifndef CR_LAYOUT_OLE10NATIVE_H
#define CR_LAYOUT_OLE10NATIVE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct cr_ole10native {
	const char *label;	/* the name shown under the icon (NUL-terminated, in the stream's buffer) */
	const char *src;	/* the path it was embedded from */
	const char *temp;	/* where the Packager writes it before running it */
	const uint8_t *data;	/* the embedded file */
	size_t len;
	bool parsed;		/* false: the layout was not the Packager's; data is everything after the size */
};

/* Parses p[0, n); false when not even the size field is there. */
bool cr_ole10native_parse(const uint8_t *p, size_t n, struct cr_ole10native *o);

#endif
