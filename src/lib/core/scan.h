/*
 * scan.h - the engine's internal state: the configured context, the
 * result being built, and the per-object scan that rules write into.
 */
#ifndef CR_SCAN_H
#define CR_SCAN_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../ident/ident.h"
#include "crible.h"
#include "findings.h"
#include "parallel.h"
#include "walk.h"

struct cr_accept {
	enum { ACC_MIME, ACC_WILD, ACC_EXT } kind;
	char *s;	/* MIME, "type/" prefix, or extension without dot */
};

/* Limits of one top-level object (crible_limit names them publicly). */
struct cr_limits {
	uint64_t max_depth;	/* at most CR_MAX_DEPTH_HARD */
	uint64_t max_expanded;
	uint64_t max_entries;
	uint64_t max_ratio;
	uint64_t ratio_floor;
	uint64_t time_ms;
	uint64_t max_input;	/* bytes crible_job_write takes; 0: no limit */
	uint64_t max_write;	/* bytes crible_job_extract writes */
	uint64_t max_files;	/* files, folders and links it creates */
};

/*
 * The configuration a scan reads: a context's, or a job's resolved copy
 * of it (nothing per request is ever written on a shared context).
 */
struct crible_ctx {
	struct cr_limits lim;
	int8_t sev[F_NIDS];	/* policy override, -1 for the default */
	struct cr_accept *accept;
	size_t naccept;
	bool hash;
	bool identify_only;
	bool shallow;		/* do not open containers */
	bool external_readers;	/* read what libarchive reads, in workers (CRIBLE_OPT_EXTERNAL_READERS) */
	bool list;		/* keep the entry listing (CRIBLE_OPT_LIST) */
	bool confined;		/* the whole scan in a broker worker (CRIBLE_OPT_CONFINED) */
	bool parallel;		/* the entries of a large container on every core (CRIBLE_OPT_PARALLEL) */
	struct cr_yara *yara;	/* the user's YARA rules, or NULL */
};

struct cr_find {
	enum cr_fid fid;
	crible_severity sev;
	char *detail;
	char **where;
	size_t nwhere;
};

/*
 * At most this many findings are listed per top-level object, plus the
 * first of each id and limit.findings: a hostile archive must not grow
 * the report without bound.  Past it, findings are still counted per id
 * and still decide the verdict.
 */
#define CR_MAX_FINDINGS 4096

struct crible_result {
	uint64_t size;
	char sha256[65];
	bool has_sha;
	enum cr_tid type;
	struct cr_find *f;
	size_t nf, cap;
	crible_finding *pub;	/* public views of f, built when the scan ends */
	crible_verdict verdict;	/* the worst over every finding emitted, listed or not */
	uint64_t total[F_NIDS];	/* findings per id, duplicates excluded */
	uint32_t listed[F_NIDS];	/* of those, how many are in f */
	uint64_t *seen;		/* set of (id, where) hashes: duplicates are dropped in O(1) */
	size_t seencap, seenused;
	bool truncated;		/* limit.findings is listed */
	crible_listed *list;	/* the entry listing (CRIBLE_OPT_LIST), owned */
	size_t nlist, listcap;
	bool listing;		/* the scan kept a listing: render it even when empty */
	struct cr_xrep *x;	/* what an extraction did (extract/extract.c), or NULL */
};

/* One object being scanned: what the rules and the walkers see. */
struct cr_obj {
	const struct cr_src *src;	/* all of its bytes */
	const char *name;		/* claimed name or NULL */
	const char *declared;		/* claimed Content-Type or NULL */
	const char *ext;		/* the name's extension (cr_name_ext), or NULL */
	size_t extlen;
	const struct cr_view *view;
	const struct cr_ident *id;
	bool html_script;		/* the markup scanner found script */
	const char *html_why;		/* what it found */
	unsigned depth;			/* containers above it: 0 for a top-level input */
};

/* Containers nest at most this deep whatever the limits say: `where` is a fixed array. */
#define CR_MAX_DEPTH_HARD 64

/* What one top-level object may cost, spent by everything inside it. */
struct cr_budget {
	uint64_t expanded;	/* bytes of every object below the top */
	uint64_t entries;	/* entries of every container below the top */
	uint64_t deadline_ns;	/* CLOCK_MONOTONIC; moved only with __atomic builtins (a helper reads it) */
	bool stop;		/* a limit was hit: every walker stops */
	/*
	 * A job's (core/parallel.c): what every job of its group spends and
	 * was not committed yet, and what the walk had spent when the job
	 * began.  Their sum passing a limit means the one-thread walk passes
	 * it too: the job stops, and the group with it.
	 */
	atomic_uint_fast64_t *flight_exp, *flight_ent;
	uint64_t base_exp, base_ent;
};

/*
 * A walk done ahead (core/pipeline.c): the primary reading, by `format`
 * from offset 0, of the object at `fd` (base 0, `size` bytes) at `depth`,
 * walked while the object was being decoded, into a result of its own.
 * cr_walk_object takes it in place of the walk when the object is
 * identified so and the spending still fits the limits; else it walks.
 */
struct cr_prepared {
	int fd;
	uint64_t size;
	const struct cr_format *format;	/* the primary reading's: its walk reads the bytes, not the subtype */
	unsigned depth;
	crible_result *res;		/* NULL: the walk ahead cannot stand in */
	uint64_t expanded, entries;	/* what it spent */
	bool begun;			/* a walk ahead ran */
	bool used;			/* cr_walk_object took it */
};

struct cr_scan {
	const crible_ctx *ctx;
	crible_result *res;
	const char **where;		/* chain of names down to this object */
	size_t nwhere, wcap;
	crible_err err;			/* first internal error (ENOMEM, EIO) */
	struct cr_budget *bud;		/* NULL outside a scan (unit tests of rules) */
	unsigned depth;			/* containers above the current object */
	const struct cr_sink *sink;	/* what judged entries are offered to, or NULL */
	const atomic_int *cancel;	/* nonzero: stop (crible_job_cancel), or NULL */
	int mark_sev;			/* worst severity emitted since cr_entry last reset it, -1 none */
	/*
	 * Parallel entries (parallel.c): the group the entries of the
	 * container being walked go to, or NULL (also while one of them is
	 * scanned in place); `grouped` for a walk inside a group or a job,
	 * which never starts another; `abort` in a job, its group's "the
	 * walk will be redone" flag.
	 */
	struct cr_group *grp;
	bool grouped;
	const atomic_bool *abort;
	/* A walk done ahead for the object about to be scanned, or NULL; `ahead` in the scan that does one. */
	struct cr_prepared *prepared;
	bool ahead;
	/* The top-level object's hash, waiting to go to a helper after a stream's decoder (pipeline.c), or NULL. */
	struct cr_later *later;
	/* Told the bytes of the top-level object's pass read so far (crible_job_set_progress), or NULL. */
	crible_progress_fn progress;
	void *parg;
};

/* A call for the helpers that may wait for another to go first (cr_later_start). */
struct cr_later {
	struct cr_async a;
	void (*fn)(void *);
	void *arg;
	bool started;
};

/* Starts s->later on a helper, if it waits and nothing started it yet. */
void cr_later_start(struct cr_scan *s);

/* Whether s->prepared is for src: the object's bytes need not be read for its walk. */
bool cr_prepared_for(const struct cr_scan *s, const struct cr_src *src);

/*
 * Scans src as the data of the entry `name` at the current place (the
 * engine's part of cr_entry; walkers report entries, never call this).
 * `counted` says the bytes were already charged to the expansion budget
 * (decompressed data); stored slices are charged here.  Honours every
 * limit.
 */
void cr_scan_child(struct cr_scan *s, const char *name, const struct cr_src *src, bool counted);

/* Whether the scan must stop: a limit was hit, time ran out (limit.time), or an error. */
bool cr_stopped(struct cr_scan *s);

/*
 * Passes over an object's bytes (the hash, the markup pass, the entry
 * listing's hashes, a document's tokenizer) look at the clock every
 * CR_PASS_STEP bytes: cr_pass_late says whether the deadline passed or the
 * scan was cancelled (it only reads s: a helper thread may ask), and
 * cr_pass_cut records limit.time naming the pass and how far it got, and
 * stops the scan.  Nothing a cut pass computed stands: no hash of a prefix.
 */
#define CR_PASS_STEP (1u << 20)
bool cr_pass_late(const struct cr_scan *s);
void cr_pass_cut(struct cr_scan *s, const char *pass, uint64_t done, uint64_t total);
uint64_t cr_now_ns(void);
/* Counts one entry; false (and bomb.count once) past the limit. */
bool cr_count_entry(struct cr_scan *s);
/* Charges n expanded bytes; false (and bomb.size or bomb.ratio) past a limit. */
bool cr_count_expanded(struct cr_scan *s, uint64_t n, struct cr_ratio *rt);

/* Walks o with every reading identification found (walk.c). */
void cr_walk_object(struct cr_scan *s, const struct cr_obj *o);
struct cr_format;
/* Walks o as type t from offset start with format f: one reading, its entries on every core (walk.c). */
void cr_walk_as(struct cr_scan *s, const struct cr_obj *o, const struct cr_format *f, enum cr_tid t, uint64_t start);
/* Whether a format walks the type or one of the other readings. */
bool cr_walkable(const struct cr_ident *id);
/* An object no format claims: the archive 7-Zip would find in its first 8 MiB, walked (walk.c). */
void cr_walk_embedded(struct cr_scan *s, const struct cr_obj *o);

/*
 * Records a finding at the current object.  sev < 0 takes the id's
 * default; the policy override, if any, wins over both.  A duplicate
 * (same id, same place) is dropped.  On ENOMEM sets s->err.
 */
void cr_emit(struct cr_scan *s, enum cr_fid fid, int sev, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* The same with the final severity and detail given (policy already applied). */
void cr_emit_final(struct cr_scan *s, enum cr_fid fid, crible_severity sev, const char *detail);

/*
 * Records every finding of `from` in s->res, in order, as if each had
 * been emitted there at its own place (duplicates dropped, the list's
 * bound kept), and its verdict, which counts findings its own duplicate
 * check dropped.  The findings listed are moved out of `from`.  `from`
 * must not be truncated: what it only counted cannot be placed.
 */
void cr_result_merge(struct cr_scan *s, crible_result *from);

/*
 * Runs fn(s, arg) in a forked child process with a memory cap and the
 * scan's remaining time: a reader we do not own (libarchive) can crash,
 * loop or allocate gigabytes on hostile input, and that must cost one
 * container, not the scan.  The child's findings and budget come back
 * through a pipe.  If the child dies, the container gets container.corrupt
 * (or limit.time) and is never reported clean.
 */
void cr_sandbox(struct cr_scan *s, void (*fn)(struct cr_scan *, void *), void *arg, const char *what);

/* Builds the public finding views once the scan is over. */
crible_err cr_result_finish(crible_result *r);

/*
 * The engine's own sink on a job (crible diff): every entry as the walker
 * gives it, with the container's reading (cr_sink_entry), where the
 * public sink sees crible_entry.  Replaces a public sink; extraction
 * refuses a job with either.
 */
crible_err cr_job_set_sink(crible_job *j, const struct cr_sink *sink);

/*
 * Scans src as a top-level object with configuration cfg: the engine's
 * one entry point (the job API and the one-call scans use it).  sink and
 * cancel may be NULL.  On CRIBLE_OK *out holds the result.
 */
crible_err cr_scan_top(const crible_ctx *cfg, const struct cr_src *src, const char *name, const char *declared,
		       const struct cr_sink *sink, const atomic_int *cancel, crible_result **out);
/*
 * The same, telling progress (fn, arg; fn may be NULL) about every
 * CR_PASS_STEP of the top-level object's whole-object pass: the bytes read
 * so far, from the scanning thread or the helper core that hashes.
 */
crible_err cr_scan_top_watched(const crible_ctx *cfg, const struct cr_src *src, const char *name, const char *declared,
			       const struct cr_sink *sink, const atomic_int *cancel, crible_progress_fn fn, void *arg,
			       crible_result **out);

/* Sets a limit or an option on a configuration (a context's or a job's). */
crible_err cr_cfg_set_limit(crible_ctx *cfg, crible_limit which, uint64_t v);
crible_err cr_cfg_set_option(crible_ctx *cfg, crible_option opt, int on);
/* Copies a configuration (deep: the accept list); CRIBLE_ENOMEM. */
crible_err cr_cfg_copy(crible_ctx *dst, const crible_ctx *src);
/* Frees what cr_cfg_copy allocated. */
void cr_cfg_clear(crible_ctx *cfg);
/*
 * A configuration and a job's claims for a scan job's worker (YARA rules
 * do not cross: such scans stay in process); m->bad when it does not fit.
 */
struct cr_msg;
void cr_cfg_pack(const crible_ctx *cfg, const char *name, const char *declared, uint32_t xflags, struct cr_msg *m);
/* The reverse into cfg (a fresh context's defaults); *name and *declared malloc'd or NULL. */
crible_err cr_cfg_unpack(const uint8_t *p, size_t n, crible_ctx *cfg, char **name, char **declared, uint32_t *xflags);

/* The rules over one identified object (rules/). */
void cr_rules_type(struct cr_scan *s, const struct cr_obj *o);
void cr_rules_exec(struct cr_scan *s, const struct cr_obj *o);
void cr_rules_eicar(struct cr_scan *s, const struct cr_obj *o);

/* Whether detected satisfies a wanted type (equal, subtype, harmless text for text). */
bool cr_type_satisfies(enum cr_tid detected, enum cr_tid wanted, bool script_in_markup);

/* Whether a type is dangerous to open: executable, script, shortcut, HTML, scripted SVG. */
bool cr_type_dangerous(enum cr_tid t, bool script_in_markup);

/*
 * extract/confined.c: the whole scan of src in a broker worker (no
 * sink); on CRIBLE_EIO, why says what happened to the worker.
 */
crible_err cr_confined_scan(const crible_ctx *cfg, const struct cr_src *src, const char *name, const char *declared,
			    const atomic_int *cancel, crible_result **out, char *why, size_t whylen);

/* extract/extract.c: the extraction report a result carries. */
struct cr_xrep {
	crible_xstatus status;
	char *reason;
	crible_xentry *v;	/* strings owned */
	size_t n, cap;
	uint64_t files, bytes;
};
void cr_xrep_free(struct cr_xrep *x);

/*
 * Scans src (named name) and extracts it beneath dirfd: the engine's
 * side of crible_job_extract.
 */
crible_err cr_extract(const crible_ctx *cfg, const struct cr_src *src, const char *name, const char *declared,
		      const atomic_int *cancel, int dirfd, unsigned flags, crible_progress_fn progress, void *parg,
		      crible_result **out, char *err, size_t errlen);

/* listing.c: the entry listing (CRIBLE_OPT_LIST). */
struct cr_entry;
void cr_list_entry(struct cr_scan *s, const struct cr_entry *e, const struct cr_src *data);
void cr_list_free(crible_result *r);
const char *cr_kind_name(int kind);

#endif
