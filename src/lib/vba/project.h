/*
 * vba/project.h - a VBA project as Office reads it (MS-OVBA): the dir
 * stream's module records, each module's source, and what it runs.
 */
#ifndef CR_VBA_PROJECT_H
#define CR_VBA_PROJECT_H

#include <stddef.h>
#include <stdint.h>

struct cr_scan;

/*
 * The container's streams, by storage and name (case-insensitive, as
 * Office matches them): at most cap bytes in a malloc'd buffer (*len
 * set), or NULL when there is no such stream (or ENOMEM: s->err).
 */
typedef uint8_t *(*cr_vba_stream_fn)(void *arg, uint32_t storage, const char *name, size_t cap, size_t *len);

/*
 * Reads the project in the VBA storage `vba` and emits doc.macro when it
 * holds modules, or when its dir stream cannot be read (a project that
 * cannot be read is not a project without code).
 */
void cr_vba_project(struct cr_scan *s, cr_vba_stream_fn get, void *arg, uint32_t vba);

/* What one module's source holds, for the finding's detail (exposed for the tests). */
struct cr_vba_facts {
	uint32_t triggers;	/* bit per cr_vba_triggers[] entry */
	uint32_t calls;		/* bit per cr_vba_calls[] entry */
	unsigned procs;		/* Sub, Function and Property lines */
};

extern const char *const cr_vba_triggers[];
extern const char *const cr_vba_calls[];

void cr_vba_scan_source(const uint8_t *src, size_t n, struct cr_vba_facts *f);
/* The same words anywhere in compiled bytes (p-code, the project's identifier table). */
void cr_vba_scan_words(const uint8_t *p, size_t n, struct cr_vba_facts *f);

#endif
