/*
 * rules/office.h - what the parts of an OOXML or ODF package make the
 * document do when opened (rules/office.c).
 */
#ifndef CR_RULES_OFFICE_H
#define CR_RULES_OFFICE_H

#include "../core/walk.h"
#include "../io/source.h"

/*
 * Adds notes to the part e of the package of type pkg (a ZIP walked as an
 * OOXML or ODF document), reading data (the part's bytes, or NULL).
 */
void cr_office_part(struct cr_scan *s, enum cr_tid pkg, struct cr_entry *e, const struct cr_src *data);

/* What a Word field instruction does, by its first word (OOXML and RTF fields alike). */
enum cr_field {
	FIELD_OTHER,
	FIELD_DDE,	/* DDE, DDEAUTO: runs a program through DDE */
	FIELD_REMOTE,	/* INCLUDEPICTURE, INCLUDETEXT from http(s), UNC, WebDAV, file://host */
};
enum cr_field cr_field_kind(const char *instr);

#endif
