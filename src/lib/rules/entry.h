/*
 * entry.h - what a container walker reports about one entry, and the
 * per-container state the entry rules keep (names seen, links planted).
 *
 * The engine hands each entry a walker reports (core/walk.h) to
 * cr_rules_entry(), which judges the name as POSIX, Windows and macOS
 * would read it (path.*), the entry's kind and mode (entry.*), and its
 * place among the entries before it (path.collision, link.*).
 */
#ifndef CR_ENTRY_H
#define CR_ENTRY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../core/walk.h"

struct cr_scan;

/* One planted symlink: its normalised path and its target. */
struct cr_link {
	char *path;	/* components joined by '/', case-folded */
	char *target;	/* raw target */
	size_t targetlen;
	char *label;	/* the entry's `where` label, for findings after the walk */
	bool escaped;	/* link.escape was reported for it */
};

struct cr_names {
	/* Open-addressing set of folded names' hashes, for path.collision: hash bits, then the kind (1 directory, 2 else) in the low two. */
	uint64_t *slot;
	size_t cap, used;
	struct cr_link *links;
	size_t nlinks, caplinks;
	size_t *lslot;		/* hash map path -> links index + 1 */
	size_t lcap;
};

void cr_names_init(struct cr_names *n);
void cr_names_free(struct cr_names *n);

/*
 * Judges one entry; findings go to the scan's current place (the caller
 * has pushed the entry name onto `where`).  Memory for the state grows
 * with the entries (bounded by the entry limit); on ENOMEM s->err is set.
 */
void cr_rules_entry(struct cr_scan *s, struct cr_names *n, const struct cr_entry *e);

/*
 * After the last entry: every symlink resolved again against the final
 * tree, later links included (a link harmless when it was written can
 * lead out once a later one exists: bsdtar extracts both).
 */
void cr_names_final(struct cr_scan *s, struct cr_names *n);

/* path.* alone, for names that are not entries (RAR stream names use it too). */
void cr_rules_path(struct cr_scan *s, const uint8_t *name, size_t len, bool utf8);
/* winext.c: exec.script / exec.shortcut when Windows runs the name by its extension; true when it does. */
bool cr_rules_winext(struct cr_scan *s, const uint8_t *name, size_t len);
/* Whether Windows runs or follows a file by name's extension (the same table, no finding). */
bool cr_winext_runs(const uint8_t *name, size_t len);

/*
 * An NTFS stream name stored with a file (RAR STM service headers),
 * ":" included: path.ads when it can leave the folder or overwrite
 * Mark-of-the-Web, stream.ntfs for a benign one (:Zone.Identifier).
 */
void cr_rules_stream(struct cr_scan *s, const uint8_t *name, size_t len);

/* A separator for some platform: '/' everywhere, '\\' on Windows. */
static inline bool cr_is_sep(uint8_t c) { return c == '/' || c == '\\'; }

/* A drive letter and a colon: "C:" (absolute, or drive-relative "C:x"). */
static inline bool cr_has_drive(const uint8_t *t, size_t n)
{
	return n >= 2 && t[1] == ':' && ((t[0] | 0x20) >= 'a' && (t[0] | 0x20) <= 'z');
}

/*
 * The next component of name at *pos, split on both '/' and '\\' (every
 * platform's separators); empty components included.  False past the end.
 */
static inline bool cr_next_comp(const uint8_t *name, size_t len, size_t *pos, const uint8_t **c, size_t *n)
{
	if (*pos > len)
		return false;
	size_t i = *pos;
	while (i < len && name[i] != '/' && name[i] != '\\')
		i++;
	*c = name + *pos;
	*n = i - *pos;
	*pos = i + 1;
	return true;
}

/*
 * The name rules' character and component tests, for the extractor's
 * renaming (extract/xname.c): a code point Windows best-fit turns into a
 * path character, a bidi control, a Windows device name.
 */
bool cr_path_bestfit(uint32_t cp);
bool cr_path_bidi(uint32_t cp);
bool cr_path_device(const uint8_t *c, size_t n);

/* Whether a component reads as ".." on Windows: two dots, then only dots and spaces. */
bool cr_comp_is_dotdot(const uint8_t *c, size_t n);

#endif
