/*
 * layout/zip.h - where a ZIP's central directory is, read once from its
 * end records and shared by identification (ident/) and the walker
 * (formats/zip.c), so both read the same archive the same way.
 */
#ifndef CR_LAYOUT_ZIP_H
#define CR_LAYOUT_ZIP_H

#include <stdbool.h>
#include <stdint.h>

#include "../io/view.h"

struct cr_zip_end {
	bool found;		/* a valid end record was located */
	bool zip64;		/* the ZIP64 end record gave the directory */
	bool zip64_broken;	/* a ZIP64 locator without its end record */
	uint64_t eocd;		/* offset of "PK\5\6" */
	uint64_t tail_end;	/* first byte after the end record and its comment */
	uint64_t start;		/* where the ZIP starts: offsets in it count from here (SFX, polyglot) */
	uint64_t cd;		/* absolute offset of the central directory */
	uint64_t cd_size;
	uint64_t entries;	/* what the end record counts */
	uint64_t cd_end;	/* where the directory must end: the ZIP64 record or the EOCD */
	bool disks_odd;		/* the disk fields disagree (a split archive, or damage) */
	bool size_wrong;	/* the end record's directory size is wrong: read where its offset says */
	uint64_t missing;	/* the directory's offsets count this many bytes the file lacks at its front */
};

/*
 * Searches the tail window backwards for the last end of central
 * directory record that is consistent: its comment fits, its disk fields
 * agree, and the directory it points at starts with "PK\1\2" (or is
 * empty); for ZIP64, the locator sits right before it.  "PK\5\6" alone
 * occurs in random data, so an unchecked match is never taken.
 * Fills *e (e->found false when there is none).
 */
void cr_zip_end_find(const struct cr_view *v, struct cr_zip_end *e);

/*
 * The end record at off, checked the same way: true with *e filled when
 * it holds.  For the records before the last one (the first of two
 * concatenated archives, which 7-Zip reads), found by the walker.
 */
bool cr_zip_end_at(const struct cr_view *v, uint64_t off, struct cr_zip_end *e);

/*
 * zipname.c: a stored name as other readers decode it, malloc'd, or NULL
 * when that reader reads it as stored.  cp437: a name without the UTF-8
 * flag (Python, 7-Zip, Windows), as UTF-8.  infozip: Info-ZIP unzip's
 * OEM-to-ISO bytes for names made on FAT/HPFS (made-by host 0 or 6).
 */
uint8_t *cr_zip_name_cp437(const uint8_t *name, size_t len, size_t *outlen);
uint8_t *cr_zip_name_infozip(const uint8_t *name, size_t len, unsigned host, size_t *outlen);
/* Info-ZIP's name on disk: C0 controls and DEL dropped ("run.ba\1t" lands as run.bat). */
uint8_t *cr_zip_name_noctl(const uint8_t *name, size_t len, size_t *outlen);

#endif
