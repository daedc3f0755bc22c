/*
 * layout/iso.h - the names an ISO 9660 image gives each file in each of
 * its name spaces, read from the directory trees themselves.
 *
 * One image carries up to three names per file: the primary identifier
 * (ECMA-119, "RUN.BAT;1"), a Rock Ridge NM name in the same tree (what
 * Linux mounts and libarchive list) and a Joliet tree of its own (what
 * Windows and 7-Zip show).  The trees are separate: a file may be listed
 * in one and not the other, or named .txt in one and .bat in the other.
 * Files of the two trees are paired by their extent (the data they
 * share).  libarchive stays the reader of the data (formats/iso.c); this
 * is what lets the walker judge every name of every entry.
 */
#ifndef CR_LAYOUT_ISO_H
#define CR_LAYOUT_ISO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../io/view.h"

/* CR_ISO_RR7: the Rock Ridge name as 7-Zip reads it, without CE continuations (only where that differs). */
enum cr_iso_ns { CR_ISO_PRIMARY, CR_ISO_RR, CR_ISO_JOLIET, CR_ISO_RR7, CR_ISO_NS };

/* One file or directory, with its full path (no leading '/') in each name space that lists it, else NULL. */
struct cr_iso_file {
	uint32_t extent;	/* first logical block of its data */
	uint32_t size;
	bool dir;
	char *path[CR_ISO_NS];
	size_t len[CR_ISO_NS];
};

struct cr_iso_names {
	struct cr_iso_file *f;
	size_t n, cap;
	bool rr;		/* the primary tree carries Rock Ridge (SUSP "SP" in its root) */
	bool joliet;		/* a Joliet supplementary volume exists */
	/* Joliet files no primary-tree file shares an extent with, and directories holding none of the others. */
	size_t joliet_only;
	/*
	 * Every directory of both trees was read and understood: no damage,
	 * no Rock Ridge relocation (CL/RE), within the bounds below.  When
	 * false the walker reads every name space in full instead.
	 */
	bool complete;
};

/*
 * Reads the names of the image in v (logical blocks of 2048 bytes).
 * Bounded: directories of at most 16 MiB, 64 MiB of directories in all,
 * 1 << 20 records, 64 levels, paths of 4096 bytes; past any bound, or on
 * damage, what was read stays and `complete` is false.  Returns 0, or
 * -1 when memory ran out (m is then freed and empty).
 */
int cr_iso_names_read(const struct cr_view *v, struct cr_iso_names *m);
void cr_iso_names_free(struct cr_iso_names *m);

/*
 * Name spaces disagree on the extension of a file: the extensions of
 * a and b (final components, any case) differ, other than by the 8.3
 * truncation primary names undergo ("HTM" for .html).
 */
bool cr_iso_ext_differ(const char *a, size_t alen, const char *b, size_t blen, bool a_primary, bool b_primary);

#endif
