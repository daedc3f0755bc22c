/*
 * ident.h - content identification: bytes to type, never the name.
 *
 * The identifier looks at three places, like the attacks do: the head of
 * the object (magic at offset 0, PDF anywhere in the first KiB, TAR at
 * 257, ISO 9660 at 0x8001), its tail (ZIP end of central directory, DMG
 * "koly", VHD footer) and, for text, the whole head window.  It reports
 * every valid match, so polyglots are visible.
 */
#ifndef CR_IDENT_H
#define CR_IDENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../io/view.h"
#include "../layout/zip.h"
#include "types.h"

#define CR_MAX_ALSO 6

/* Evidence flags the rules read. */
enum {
	CR_ID_SHEBANG = 1u << 0,	/* a #! interpreter line */
	CR_ID_HAS_PHP = 1u << 1,	/* "<?php" inside a non-PHP object */
	CR_ID_HAS_SCRIPT = 1u << 2,	/* "<script" inside an image */
	CR_ID_BOM16 = 1u << 3,		/* UTF-16 text */
	CR_ID_HAS_JS = 1u << 4,		/* a GIF or BMP signature that starts valid JavaScript */
	CR_ID_HAS_MARKUP = 1u << 5,	/* HTML tags before or after a PDF's body */
	CR_ID_LATE_MARKUP = 1u << 6,	/* HTML only in lines after the start: a template, not what a browser sniffs */
};

struct cr_ident {
	enum cr_tid type;			/* the primary type */
	enum cr_tid also[CR_MAX_ALSO];		/* other valid readings (polyglot) */
	uint64_t also_off[CR_MAX_ALSO];		/* where each starts */
	size_t nalso;
	uint32_t flags;
	uint64_t start;				/* where the primary starts (PDF, SFX) */
	char interp[24];			/* shebang interpreter base name */
	struct cr_zip_end zip;			/* the ZIP end records, found once; the walker reads the same */
};

/* A head signature from outside the built-in table: the type and where it starts, or T_UNKNOWN. */
typedef enum cr_tid (*cr_bid_fn)(const struct cr_view *v, uint64_t *start);

/*
 * Identifies the object; never fails (T_UNKNOWN at worst).  bid (may be
 * NULL) is asked when no built-in head signature matches: the formats
 * the engine registers (core/walk.h) come in this way.
 */
void cr_identify(const struct cr_view *v, struct cr_ident *out, cr_bid_fn bid);

/* Binary signatures (magic.c): the type at the head, or T_UNKNOWN. */
enum cr_tid cr_magic_head(const struct cr_view *v, uint64_t *start);
/* Signatures at deep offsets (TAR at 257, ISO at 0x8001). */
enum cr_tid cr_magic_deep(const struct cr_view *v);
/* Signatures at the tail (DMG koly, VHD footer, or the ZIP end z found); *off gets the start. */
enum cr_tid cr_magic_tail(const struct cr_view *v, const struct cr_zip_end *z, uint64_t *off);
/* A tar whose first header is damaged, read from a later one (GNU tar), or T_UNKNOWN. */
enum cr_tid cr_magic_tar_resync(const struct cr_view *v);
/*
 * An archive inside bytes no format claims, as 7-Zip finds one: the first
 * ZIP local header or RAR signature in the first 8 MiB (7-Zip's limit),
 * checked against the fields around it.  T_ZIP, T_RAR4, T_RAR5 with *off,
 * or T_UNKNOWN.
 */
enum cr_tid cr_magic_embedded(const struct cr_view *v, uint64_t *off);

/* Where a PE's image ends and appended data (an SFX archive) begins; 0 when nothing follows. */
uint64_t cr_pe_overlay(const struct cr_view *v);

/*
 * ZIP family subtype (zipsub.c): JAR, APK, OOXML, ODF, EPUB or T_ZIP,
 * from the central directory z locates, else from the local headers at
 * zip_start.
 */
enum cr_tid cr_zip_subtype(const struct cr_view *v, const struct cr_zip_end *z, uint64_t zip_start);
/* OLE compound file subtype (olesub.c): DOC, XLS, PPT, MSI, MSG or T_OLE. */
enum cr_tid cr_ole_subtype(const struct cr_view *v);

/* Text classifiers (text.c): the type of a text head, T_UNKNOWN if binary. */
enum cr_tid cr_text_classify(const uint8_t *p, size_t n, size_t total, struct cr_ident *id);

/* Whether p[0..n) holds bytes that never occur in text (WHATWG binary data bytes). */
int cr_text_is_binary(const uint8_t *p, size_t n);

/* Case-insensitive search for an ASCII needle; index or -1. */
long cr_memcasemem(const uint8_t *hay, size_t n, const char *needle);
/* Whether p holds a PHP opening tag as PHP reads one: "<?php" in any case, or the echo tag "<?=". */
bool cr_has_php_open(const uint8_t *p, size_t n);
/* An HTML start tag of a known element ("<p ", "<script>", "<br/>") anywhere in p. */
bool cr_has_html_tag(const uint8_t *p, size_t n);

#endif
