/*
 * xname.h - from an entry's stored name to the path the extractor writes.
 *
 * The path is relative and '/'-separated, with no empty, "." or ".."
 * component (dest.h relies on it).  Three readings:
 *
 *   POSIX, faithful (the default): the name as tar writes it; only what
 *     cannot be written faithfully is refused (a "..", a root, a NUL).
 *   Windows, faithful (--for windows): '\' separates too; a name NTFS or
 *     FAT cannot hold as it is (a stream colon, a device name, a trailing
 *     dot or space, < > " | ? *, a control) is refused.
 *   Sanitized (--sanitize, either target): each naming hazard the name
 *     rules report is renamed away, so the name is safe for every
 *     platform's reader: a root or drive is dropped, controls, bidi
 *     controls, best-fit look-alikes, colons (and Windows' reserved
 *     characters) become '_', a trailing dot or space becomes '_', a
 *     device name gets a '_' in front.  ".." is never renamed: refused.
 */
#ifndef CR_XNAME_H
#define CR_XNAME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define CR_XNAME_MAX 4096	/* bytes in a written path */

/*
 * Maps name to *out (malloc'd).  Returns 0, with *renamed when the path
 * differs from the name beyond dropped "." and empty components, or -1
 * with *why (static English) when the entry cannot be written safely;
 * -2 on ENOMEM.
 */
int cr_xname_map(const uint8_t *name, size_t len, bool windows, bool sanitize, char **out, bool *renamed,
		 const char **why);

/*
 * The key two paths collide under: the path itself, or for Windows its
 * case-folded form (ASCII, Latin-1, Greek and Cyrillic letters).
 * malloc'd; NULL on ENOMEM.
 */
char *cr_xname_key(const char *path, bool windows);

/* path with "~N" put before the last component's extension ("a/b.txt", 2 -> "a/b~2.txt"); malloc'd. */
char *cr_xname_numbered(const char *path, unsigned n);

#endif
