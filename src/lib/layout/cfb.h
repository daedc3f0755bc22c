/*
 * layout/cfb.h - the OLE compound file (MS-CFB) reader: header, sector
 * chains through the FAT and DIFAT, and the directory.  One reader for
 * identification (what an OLE file holds) and for the walkers that open
 * OLE storages (documents, MSI).
 *
 * Every chain walk is bounded by the number of sectors the file can
 * hold: a chain longer than that loops, and is reported as broken, never
 * followed forever.
 */
#ifndef CR_LAYOUT_CFB_H
#define CR_LAYOUT_CFB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../io/view.h"

#define CR_CFB_END 0xFFFFFFFEu	/* ENDOFCHAIN */
#define CR_CFB_FREE 0xFFFFFFFFu	/* FREESECT */
#define CR_CFB_NOSTREAM 0xFFFFFFFFu

enum { CR_CFB_EMPTY = 0, CR_CFB_STORAGE = 1, CR_CFB_STREAM = 2, CR_CFB_ROOT = 5 };

struct cr_cfb {
	const struct cr_view *v;
	unsigned shift;		/* sector size is 1 << shift: 9 or 12 */
	uint32_t ssz;
	uint32_t dir_start;	/* first directory sector */
	uint32_t minifat_start, nminifat;
	uint32_t difat_start, ndifat;
	uint32_t nfat;
	uint32_t mini_cutoff;	/* streams below this size live in the mini stream */
	uint64_t nsectors;	/* sectors the file holds after the header: the bound on every chain */
	uint8_t hdr[512];
};

struct cr_cfb_dirent {
	uint32_t id;		/* index in the directory */
	uint8_t type;		/* CR_CFB_* */
	uint8_t name16[64];	/* UTF-16LE as stored */
	size_t namebytes;	/* bytes of name16 used, without the terminating NUL */
	char name[192];		/* the name in UTF-8 (unpaired surrogates become U+FFFD) */
	uint32_t left, right, child;
	uint8_t clsid[16];
	uint32_t start;		/* first sector (mini sector for small streams) */
	uint64_t size;
};

struct cr_cfb_diriter {
	const struct cr_cfb *c;
	uint32_t sec;		/* current directory sector */
	uint32_t slot;		/* next entry within it */
	uint32_t id;
	uint64_t hops;		/* sectors visited: bounded by nsectors */
	bool broken;		/* the chain loops or a sector cannot be read */
	uint8_t buf[4096];
	bool loaded;
};

/* Validates the header (signature, byte order, sector shift); false when it is not CFB. */
bool cr_cfb_open(struct cr_cfb *c, const struct cr_view *v);

/* The FAT entry of sector s (its successor in a chain); false when it cannot be read. */
bool cr_cfb_next(const struct cr_cfb *c, uint32_t s, uint32_t *next);

/*
 * The whole FAT, read once (the header's 109 sectors, then the DIFAT
 * chain in order), for walkers that follow many chains: *fat holds the
 * entries (free() it), and the count is returned; (size_t)-1 on ENOMEM.
 * A FAT sector that cannot be read ends the table there.
 */
size_t cr_cfb_load_fat(const struct cr_cfb *c, uint32_t **fat);

void cr_cfb_dir_begin(struct cr_cfb_diriter *it, const struct cr_cfb *c);
/*
 * The next directory entry, in directory order; false at the end of the
 * chain, or when it is broken (it->broken).  At most `max_sectors`
 * directory sectors are read (0: no cap beyond the file's size).
 */
bool cr_cfb_dir_next(struct cr_cfb_diriter *it, struct cr_cfb_dirent *e, uint32_t max_sectors);

#endif
