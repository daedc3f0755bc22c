/*
 * layout/lnk.h - Windows shell links (MS-SHLLINK): what a .lnk runs when
 * double-clicked.
 */
#ifndef CR_LAYOUT_LNK_H
#define CR_LAYOUT_LNK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct cr_lnk {
	char target[520];	/* the local base path (and suffix), or the environment-variable target */
	char args[1024];	/* command-line arguments */
	char icon[520];		/* icon location */
	char relative[520];	/* relative path */
	const char *starts;	/* a program attackers start through links (PowerShell, cmd, ...), or NULL */
};

/* Parses p[0, n) (the link's bytes); false when even the header is not there. */
bool cr_lnk_parse(const uint8_t *p, size_t n, struct cr_lnk *l);

#endif
