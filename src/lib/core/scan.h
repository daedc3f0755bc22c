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
};

struct cr_find {
	enum cr_fid fid;
	crible_severity sev;
	char *detail;
	char **where;
	size_t nwhere;
};

struct crible_result {
	uint64_t size;
	char sha256[65];
	bool has_sha;
	enum cr_tid type;
	struct cr_find *f;
	size_t nf, cap;
	crible_finding *pub;	/* public views of f, built when the scan ends */
	crible_verdict verdict;
};

/* One object being scanned: what the rules see. */
struct cr_obj {
	const char *name;		/* claimed name or NULL */
	const char *declared;		/* claimed Content-Type or NULL */
	const struct cr_view *view;
	const struct cr_ident *id;
	bool html_script;		/* the markup scanner found script */
	const char *html_why;		/* what it found */
};

struct cr_scan {
	const crible_ctx *ctx;
	crible_result *res;
	const char *const *where;	/* chain of names down to this object */
	size_t nwhere;
	crible_err err;			/* first internal error (ENOMEM) */
};

/*
 * Records a finding at the current object.  sev < 0 takes the id's
 * default; the policy override, if any, wins over both.  A duplicate
 * (same id, same place) is dropped.  On ENOMEM sets s->err.
 */
void cr_emit(struct cr_scan *s, enum cr_fid fid, int sev, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

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
