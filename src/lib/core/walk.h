/*
 * walk.h - the contract between container walkers and the engine.
 *
 * A format is one file exporting one descriptor (struct cr_format) and
 * one line in formats/table.c.  The engine picks the descriptor for an
 * identified type and calls its walk function with a walk context.  The
 * walker reads its own headers and reports each entry through a single
 * call, cr_entry(); it never touches `where`, never scans a child itself
 * and never keeps the entry rules' state: the engine does all of that,
 * the same way for every format:
 *
 *   cr_entry(w, &entry, data)
 *     count the entry (bomb.count)
 *     push its label on `where`
 *     entry rules: names for every platform, links, collisions, kinds
 *     the walker's notes about it (zip.name-mismatch, a bad CRC, ...)
 *     the sink, if the caller set one (extraction, listing, diff)
 *     the data, scanned as an object one level deeper, under the limits
 *     pop
 *
 * Facts gathered during the walk (by the engine from entry names, or by
 * the walker) are handed to the format's post-walk hook, for rules that
 * need the whole object ("this OOXML holds a vbaProject.bin").
 */
#ifndef CR_WALK_H
#define CR_WALK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../ident/ident.h"
#include "findings.h"

struct cr_scan;
struct cr_obj;
struct cr_names;
struct cr_spool;

enum cr_ekind { E_FILE, E_DIR, E_SYMLINK, E_HARDLINK, E_DEVICE, E_FIFO, E_SOCKET, E_STREAM };

/* Entry flags. */
enum {
	CR_E_ENCRYPTED = 1u << 0,	/* content encrypted: container.encrypted, the data is not scanned */
	CR_E_WEAK_CRYPTO = 1u << 1,	/* ZipCrypto, RAR 2.x/3.x: container.weak-crypto */
	CR_E_COUNTED = 1u << 2,		/* the data's bytes were charged to the budget already (decoded) */
	CR_E_NAME_OURS = 1u << 3,	/* the name is made up by the walker (x.tar from x.tar.gz): not judged */
	/*
	 * The entry as a reader other than the primary one lists it (ISO's
	 * primary or Joliet tree after the Rock Ridge reading): judged like
	 * any entry, never extracted (an extraction writes one reading).
	 */
	CR_E_OTHER_READING = 1u << 4,
};

/* A finding the walker has about one entry, emitted at the entry's place. */
struct cr_note {
	enum cr_fid fid;
	int sev;		/* -1: the id's default */
	const char *detail;
};

/* Another name a reader may use for the same entry (a local header's name, a raw name under a Unicode one). */
struct cr_altname {
	const uint8_t *name;
	size_t len;
	bool utf8;
};

#define CR_MAX_NOTES 8
#define CR_MAX_ALTNAMES 8

struct cr_entry {
	const uint8_t *name;	/* as stored; may hold NUL bytes */
	size_t namelen;
	bool utf8;		/* the format says the name is UTF-8: check it */
	enum cr_ekind kind;
	const uint8_t *link;	/* symlink or hard link target, as stored */
	size_t linklen;
	bool has_mode;
	uint32_t mode;		/* Unix st_mode permission bits (07777) when has_mode */
	uint32_t flags;		/* CR_E_* */
	/* What the format records besides (TAR headers): read by crible diff, judged by no rule. */
	bool has_time, has_owner;
	int64_t mtime;		/* seconds since 1970 */
	uint32_t uid, gid;
	/* E_STREAM: the file the stream belongs to; the label is parent + name. */
	const char *parent;
	const char *label;	/* the `where` label when the walker has a better one than the name, or NULL */
	struct cr_note notes[CR_MAX_NOTES];
	size_t nnotes;
	struct cr_altname alt[CR_MAX_ALTNAMES];
	size_t nalt;
};

/* Adds a note to e (dropped past CR_MAX_NOTES: callers keep to a handful). */
void cr_entry_note(struct cr_entry *e, enum cr_fid fid, int sev, const char *detail);
/* Adds another name to judge. */
void cr_entry_alt(struct cr_entry *e, const uint8_t *name, size_t len, bool utf8);

/* Facts a walk gathers for post-walk rules. */
enum cr_fact {
	FACT_VBA_PROJECT,	/* an entry named vbaProject.bin (any folder, any case) */
	FACT_CONTENT_TYPES,	/* [Content_Types].xml: an OPC package */
	FACT_MANIFEST,		/* META-INF/MANIFEST.MF */
	FACT_ENCRYPTED,		/* an encrypted entry */
	CR_NFACTS
};

/* Expansion of one container, for bomb.ratio. */
struct cr_ratio {
	uint64_t compressed;	/* the container's own size */
	uint64_t expanded;	/* bytes produced from it so far */
};

struct cr_walk {
	struct cr_scan *s;
	const struct cr_obj *o;		/* the container */
	enum cr_tid type;		/* the reading being walked (a PDF+ZIP is walked as a ZIP) */
	uint64_t start;			/* where that reading starts, from identification */
	struct cr_ratio ratio;		/* expansion of this container; pass it to cr_decode */
	struct cr_names *names;		/* the entry rules' state */
	uint32_t facts;			/* bit per enum cr_fact */
	char *fact_where[CR_NFACTS];	/* the first entry each fact was seen at */
};

struct cr_format {
	const char *name;
	const enum cr_tid *types;	/* the types it walks, ended by T_UNKNOWN */
	/*
	 * Types the format brings with it (a new format's own MIME type);
	 * ids are assigned when the library starts: cr_format_type().
	 */
	const struct cr_type *own_types;
	size_t nown;
	/*
	 * Identification for what the built-in signatures do not name:
	 * the type and where it starts, or T_UNKNOWN.  May be NULL.
	 */
	enum cr_tid (*bid)(const struct cr_view *v, uint64_t *start);
	void (*walk)(struct cr_walk *w);
	/* After the walk, with its facts (may be NULL). */
	void (*post)(struct cr_walk *w);
	/*
	 * Entries' data are mostly ranges of the container itself (TAR, a
	 * ZIP's stored entries, ISO extents): their scans may be handed to
	 * other cores (core/parallel.c).
	 */
	bool slices;
	/*
	 * Its walk may decode on a helper while it reads what is decoded
	 * (core/pipeline.c): the top-level object's hash then waits for the
	 * decoder to take a helper first.
	 */
	bool pipelines;
};

/* The table (formats/table.c), ended by NULL. */
extern const struct cr_format *const cr_formats[];

/* The descriptor that walks t, or NULL. */
const struct cr_format *cr_format_for(enum cr_tid t);
/* The id assigned to the k-th own type of f. */
enum cr_tid cr_format_type(const struct cr_format *f, size_t k);
/* Registers the formats' own types (once; crible_ctx_new calls it). */
void cr_formats_init(void);
/* Asks every format's bid; T_UNKNOWN when none claims the object. */
enum cr_tid cr_formats_bid(const struct cr_view *v, uint64_t *start);

/*
 * Reports one entry (see the top of this file).  data holds its bytes,
 * or NULL when it has none or they cannot be read (the walker says why
 * in a note).  Nothing of e or data is kept after the call.
 */
void cr_entry(struct cr_walk *w, const struct cr_entry *e, const struct cr_src *data);

/* Records a fact seen at the entry labelled `where` (or the container when NULL). */
void cr_walk_fact(struct cr_walk *w, enum cr_fact f, const char *where);

/*
 * Charges n bytes an entry's data produced to the expansion budget and
 * the container's ratio, then spools them.  False when a limit stopped
 * the scan or the spool failed (s->err set): the caller stops reading.
 */
bool cr_walk_spool(struct cr_walk *w, struct cr_spool *sp, const uint8_t *p, size_t n);

/* Whether the walker must stop: a limit, the deadline, a cancel, an error. */
bool cr_walk_stopped(struct cr_walk *w);

/*
 * The sink: what the engine offers each judged entry to, with its data.
 * `entry_sev` is the worst severity among the findings about the entry
 * itself (-1: none); `verdict` is the whole object's so far.  A nonzero
 * return stops the scan (it then ends with CRIBLE_ECANCELED).
 */
struct cr_sink_entry {
	const char *const *where;
	size_t nwhere;
	const struct cr_entry *e;
	const struct cr_src *data;	/* NULL: no data */
	int entry_sev;
	int verdict;
	unsigned depth;			/* containers above the entry's data */
	enum cr_tid ctype;		/* the reading of the container the entry belongs to */
};

struct cr_sink {
	int (*fn)(void *arg, const struct cr_sink_entry *se);
	void *arg;
};

#endif
