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

#include "../io/source.h"
#include "types.h"

/* 64 KiB covers ISO at 0x8001..0x9001; the tail covers a ZIP EOCD with a full comment. */
#define CR_HEAD_WIN (64u * 1024u)
#define CR_TAIL_WIN (64u * 1024u + 1024u)

struct cr_view {
	const struct cr_src *src;	/* for the few bounded reads past the windows, or NULL */
	uint64_t size;
	const uint8_t *head;		/* bytes [0, headlen) */
	size_t headlen;
	const uint8_t *tail;		/* bytes [size - taillen, size) */
	size_t taillen;
};

#define CR_MAX_ALSO 6

/* Evidence flags the rules read. */
enum {
	CR_ID_SHEBANG = 1u << 0,	/* a #! interpreter line */
	CR_ID_HAS_PHP = 1u << 1,	/* "<?php" inside a non-PHP object */
	CR_ID_HAS_SCRIPT = 1u << 2,	/* "<script" inside an image */
	CR_ID_BOM16 = 1u << 3,		/* UTF-16 text */
};

struct cr_ident {
	enum cr_tid type;			/* the primary type */
	enum cr_tid also[CR_MAX_ALSO];		/* other valid readings (polyglot) */
	uint64_t also_off[CR_MAX_ALSO];		/* where each starts */
	size_t nalso;
	uint32_t flags;
	uint64_t start;				/* where the primary starts (PDF, SFX) */
	char interp[24];			/* shebang interpreter base name */
};

/*
 * Copies n bytes at off into buf from the windows when they hold them,
 * else through the source.  Returns false when the bytes do not exist or
 * cannot be read: identification then treats the structure as not matching.
 */
bool cr_view_read(const struct cr_view *v, uint64_t off, void *buf, size_t n);

/* Identifies the object; never fails (T_UNKNOWN at worst). */
void cr_identify(const struct cr_view *v, struct cr_ident *out);

/* Binary signatures (magic.c): the type at the head, or T_UNKNOWN. */
enum cr_tid cr_magic_head(const struct cr_view *v, uint64_t *start);
/* Signatures at deep offsets (TAR at 257, ISO at 0x8001). */
enum cr_tid cr_magic_deep(const struct cr_view *v);
/* Signatures at the tail (ZIP EOCD, DMG koly, VHD footer); *off gets the start. */
enum cr_tid cr_magic_tail(const struct cr_view *v, uint64_t *off);

/* Where a PE's image ends and appended data (an SFX archive) begins; 0 when nothing follows. */
uint64_t cr_pe_overlay(const struct cr_view *v);

/*
 * Whether a 512-byte block is a tar header by its checksum (formats/tar.c
 * owns the layout): the sum of its bytes with the checksum field read as
 * spaces, unsigned or signed (both are seen in the wild).
 */
bool cr_tar_checksum_ok(const uint8_t *b);

/* ZIP family subtype (zipsub.c): JAR, APK, OOXML, ODF, EPUB or T_ZIP. */
enum cr_tid cr_zip_subtype(const struct cr_view *v, uint64_t zip_start);
/* OLE compound file subtype (olesub.c): DOC, XLS, PPT, MSI, MSG or T_OLE. */
enum cr_tid cr_ole_subtype(const struct cr_view *v);

/* Text classifiers (text.c): the type of a text head, T_UNKNOWN if binary. */
enum cr_tid cr_text_classify(const uint8_t *p, size_t n, size_t total, struct cr_ident *id);

/* Whether p[0..n) holds bytes that never occur in text (WHATWG binary data bytes). */
int cr_text_is_binary(const uint8_t *p, size_t n);

/* Case-insensitive search for an ASCII needle; index or -1. */
long cr_memcasemem(const uint8_t *hay, size_t n, const char *needle);

#endif
