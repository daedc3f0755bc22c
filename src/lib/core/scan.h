/*
 * scan.h - the engine's internal state: the configured context, the
 * result being built, and the per-object scan that rules write into.
 */
#ifndef CR_SCAN_H
#define CR_SCAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../ident/ident.h"
#include "crible.h"
#include "findings.h"

struct cr_accept {
	enum { ACC_MIME, ACC_WILD, ACC_EXT } kind;
	char *s;	/* MIME, "type/" prefix, or extension without dot */
};

struct crible_ctx {
	struct crible_limits lim;
	int8_t sev[F_NIDS];	/* policy override, -1 for the default */
	struct cr_accept *accept;
	size_t naccept;
	bool hash;
	bool identify_only;
	bool shallow;		/* do not open containers */
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
};

/* One object being scanned: what the rules and the walkers see. */
struct cr_obj {
	const struct cr_src *src;	/* all of its bytes */
	const char *name;		/* claimed name or NULL */
	const char *declared;		/* claimed Content-Type or NULL */
	const struct cr_view *view;
	const struct cr_ident *id;
	bool html_script;		/* the markup scanner found script */
	const char *html_why;		/* what it found */
};

/* Containers nest at most this deep whatever the limits say: `where` is a fixed array. */
#define CR_MAX_DEPTH_HARD 64

/* What one top-level object may cost, spent by everything inside it. */
struct cr_budget {
	uint64_t expanded;	/* bytes of every object below the top */
	uint64_t entries;	/* entries of every container below the top */
	uint64_t deadline_ns;	/* CLOCK_MONOTONIC */
	bool stop;		/* a limit was hit: every walker stops */
};

/* Expansion of one container, for bomb.ratio. */
struct cr_ratio {
	uint64_t compressed;	/* the container's own size */
	uint64_t expanded;	/* bytes produced from it so far */
};

struct cr_scan {
	const crible_ctx *ctx;
	crible_result *res;
	const char **where;		/* chain of names down to this object */
	size_t nwhere, wcap;
	crible_err err;			/* first internal error (ENOMEM, EIO) */
	struct cr_budget *bud;		/* NULL outside a scan (unit tests of rules) */
	unsigned depth;			/* containers above the current object */
};

/*
 * Scans src as the entry `name` of the current container: identification,
 * rules, and recursion into it if it is a container.  `counted` says the
 * bytes were already charged to the expansion budget (decompressed data);
 * stored slices are charged here.  Honours every limit.
 */
void cr_scan_child(struct cr_scan *s, const char *name, const struct cr_src *src, bool counted);

/* Whether the scan must stop: a limit was hit, time ran out (limit.time), or an error. */
bool cr_stopped(struct cr_scan *s);
/* Counts one entry; false (and bomb.count once) past the limit. */
bool cr_count_entry(struct cr_scan *s);
/* Charges n expanded bytes; false (and bomb.size or bomb.ratio) past a limit. */
bool cr_count_expanded(struct cr_scan *s, uint64_t n, struct cr_ratio *rt);

/* Walks object o as container type t found at offset start (formats/). */
void cr_walk(struct cr_scan *s, const struct cr_obj *o, enum cr_tid t, uint64_t start);
/* Whether cr_walk has a walker for t. */
bool cr_walkable(enum cr_tid t);

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
 * Runs fn(s, arg) in a forked child process with a memory cap and the
 * scan's remaining time: a reader we do not own (libarchive) can crash,
 * loop or allocate gigabytes on hostile input, and that must cost one
 * container, not the scan.  The child's findings and budget come back
 * through a pipe.  If the child dies, the container gets container.corrupt
 * (or limit.time) and is never reported clean.
 */
void cr_sandbox(struct cr_scan *s, void (*fn)(struct cr_scan *, void *), void *arg, const char *what);

/* Builds the public finding views and the verdict once the scan is over. */
crible_err cr_result_finish(crible_result *r);

/* The rules over one identified object (rules/). */
void cr_rules_type(struct cr_scan *s, const struct cr_obj *o);
void cr_rules_exec(struct cr_scan *s, const struct cr_obj *o);
void cr_rules_eicar(struct cr_scan *s, const struct cr_obj *o);

/* Whether detected satisfies a wanted type (equal, subtype, harmless text for text). */
bool cr_type_satisfies(enum cr_tid detected, enum cr_tid wanted, bool script_in_markup);

/* Whether a type is dangerous to open: executable, script, shortcut, HTML, scripted SVG. */
bool cr_type_dangerous(enum cr_tid t, bool script_in_markup);

#endif
