/*
 * format.h - container walkers, one file per format, and the decoders
 * they share.
 *
 * A walker (one per file, exporting a struct cr_format: core/walk.h)
 * lists the entries of an object and reports each through cr_entry();
 * the engine judges, offers and scans them.  It checks cr_walk_stopped()
 * between entries and never trusts a size from a header: every read goes
 * through the object's source, bounded by the object's real size.
 */
#ifndef CR_FORMAT_H
#define CR_FORMAT_H

#include "../core/scan.h"
#include "../io/spool.h"
#include "../rules/entry.h"

enum cr_codec {
	CODEC_STORE,
	CODEC_DEFLATE,		/* raw deflate (ZIP method 8) */
	CODEC_GZIP,		/* gzip members, concatenated */
	CODEC_BZIP2,
	CODEC_XZ,
	CODEC_LZMA_ZIP,		/* ZIP method 14: version, properties, raw LZMA1 */
	CODEC_ZSTD,
	CODEC_LZ4,		/* LZ4 frames */
};

enum cr_dec {
	DEC_OK,
	DEC_LIMIT,		/* a limit stopped it; the finding is out */
	DEC_CORRUPT,		/* the stream is broken or truncated */
	DEC_ERROR,		/* ENOMEM or a temporary-file failure; s->err is set */
};

/*
 * Decodes src[off, off+len) with codec c into out, charging every byte
 * produced to the scan's expansion budget and to rt.  cap > 0 stops
 * quietly after cap bytes (a symlink target needs only its first KiB).
 * *why gets a short reason on DEC_CORRUPT.
 */
enum cr_dec cr_decode(struct cr_scan *s, enum cr_codec c, const struct cr_src *src, uint64_t off, uint64_t len,
		      struct cr_spool *out, uint64_t cap, struct cr_ratio *rt, const char **why);

/* Entry name as a C string for `where`: NULs shown as "\0", length capped.  Caller frees. */
char *cr_entry_label(const uint8_t *name, size_t len);

/*
 * The whole container in memory, for walkers that read it as one buffer
 * (RTF, PDF, OneNote): its own bytes when it is in memory, else a copy in
 * *own (free it).  NULL when it is larger than cap (container.uninspected
 * is emitted, naming `what`) or cannot be read (s->err).
 */
const uint8_t *cr_walk_whole(struct cr_walk *w, uint64_t cap, const char *what, uint8_t **own);

/*
 * An OLE Package's embedded file (the Ole10Native layout, size field
 * first) reported as an entry named as the Packager names it, with
 * doc.embedded; where prefixes its label (formats/ole.c).
 */
void cr_package_entry(struct cr_walk *w, const uint8_t *p, size_t n, const char *where);

#endif
