/*
 * crible.h - the public API of libcrible.
 *
 * libcrible screens a file that crosses a trust boundary and answers two
 * questions: is it what it claims to be, and can opening or extracting it
 * hurt.  The answer is a list of findings (stable ids, see
 * shared/spec/findings.md and docs/crible.1) and a verdict.
 *
 * Usage:
 *
 *	crible_ctx *ctx = crible_ctx_new();
 *	crible_ctx_set_accept(ctx, "image/png,.pdf");     (optional)
 *	crible_result *r;
 *	if (crible_scan_path(ctx, "upload.bin", NULL, &r) == CRIBLE_OK) {
 *		if (crible_result_verdict(r) == CRIBLE_BLOCK) ...
 *		crible_result_free(r);
 *	}
 *	crible_ctx_free(ctx);
 *
 * Handles are opaque.  Every *_new / *_free pair accepts NULL in *_free.
 * A crible_ctx is configured once and may then be shared by any number of
 * threads scanning concurrently; configuring it while scans run is not
 * allowed.  A crible_result belongs to the caller and is independent of
 * the context that produced it.
 */
#ifndef CRIBLE_H
#define CRIBLE_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define CRIBLE_VERSION "0.1.0"

/*
 * Errors.  The numbers never move: embedders may store them.  A finding is
 * not an error: a scan that finds a path traversal returns CRIBLE_OK.
 */
typedef enum crible_err {
	CRIBLE_OK = 0,
	CRIBLE_ENOMEM = 1,	/* allocation failed */
	CRIBLE_EIO = 2,		/* the input could not be opened or read */
	CRIBLE_EINVAL = 3,	/* bad argument from the caller */
	CRIBLE_EPOLICY = 4,	/* policy text could not be parsed */
	CRIBLE_EUNKNOWN_ID = 5,	/* a finding id that does not exist */
	CRIBLE_EISDIR = 6	/* the path names a directory */
} crible_err;

typedef enum crible_severity {
	CRIBLE_SEV_LOW = 0,
	CRIBLE_SEV_MEDIUM = 1,
	CRIBLE_SEV_HIGH = 2
} crible_severity;

typedef enum crible_verdict {
	CRIBLE_ALLOW = 0,
	CRIBLE_WARN = 1,
	CRIBLE_BLOCK = 2
} crible_verdict;

/*
 * Resource limits for one top-level object.  crible_limits_default() fills
 * the defaults of the findings contract.  A zero field means "use the
 * default", never "unlimited".
 */
struct crible_limits {
	uint32_t max_depth;		/* nesting of containers (8) */
	uint64_t max_expanded;		/* bytes expanded in total (1 GiB) */
	uint64_t max_entries;		/* entries in one object (100 000) */
	uint32_t max_ratio;		/* expanded / compressed (100) */
	uint64_t ratio_floor;		/* ratio checked past this many bytes (16 MiB) */
	uint32_t time_ms;		/* wall time for one object (10 000) */
};

typedef struct crible_ctx crible_ctx;
typedef struct crible_result crible_result;

/* One finding.  Pointers stay valid until the owning result is freed. */
typedef struct crible_finding {
	const char *id;			/* e.g. "type.mismatch" */
	crible_severity severity;	/* after policy */
	const char *const *where;	/* chain of names, top-level first */
	size_t nwhere;
	const char *detail;		/* one line, UTF-8 */
	/*
	 * 1, except on the first listed finding of an id that was reported
	 * more often than the report lists (see limit.findings): there, how
	 * often it was reported in all.
	 */
	uint64_t count;
} crible_finding;

/* Library version string, e.g. "0.1.0". */
const char *crible_version(void);
/* A static English message for err. */
const char *crible_strerror(crible_err err);
/* "allow", "warn" or "block". */
const char *crible_verdict_name(crible_verdict v);
/* "low", "medium" or "high". */
const char *crible_severity_name(crible_severity s);

void crible_limits_default(struct crible_limits *lim);

/* A new context with default limits and policy, or NULL on ENOMEM. */
crible_ctx *crible_ctx_new(void);
void crible_ctx_free(crible_ctx *ctx);

/* Copies lim; zero fields take their defaults. */
crible_err crible_ctx_set_limits(crible_ctx *ctx, const struct crible_limits *lim);

/*
 * The accept list: comma-separated MIME types ("image/png"), wildcards
 * ("image/" followed by a star) and extensions (".csv" or "csv").  An object whose detected
 * type matches none of them gets type.disallowed.  NULL or "" clears it.
 */
crible_err crible_ctx_set_accept(crible_ctx *ctx, const char *list);

/*
 * Changes the severity of one finding id, or of every id under a prefix
 * written "exec.*".  CRIBLE_EUNKNOWN_ID when nothing matches.
 */
crible_err crible_ctx_set_severity(crible_ctx *ctx, const char *id, crible_severity sev);

/*
 * Applies a policy text: one rule per line, "ID SEVERITY" or "ID =
 * SEVERITY", '#' starts a comment.  On error, *line (if not NULL) gets the
 * 1-based line number and nothing before it is rolled back.
 */
crible_err crible_ctx_load_policy(crible_ctx *ctx, const char *text, size_t len, int *line);

/* Whether scans compute the SHA-256 of top-level objects (default on). */
void crible_ctx_set_hash(crible_ctx *ctx, int on);

/*
 * Shallow: judge every object as a single file and do not open
 * containers.  Their contents are then not judged at all: meant for
 * inventories and for callers that open archives themselves.
 */
void crible_ctx_set_shallow(crible_ctx *ctx, int on);

/*
 * Identification only: read the head and tail windows, name the type and
 * stop; no hash, no rules, no findings.  For inventories and benchmarks.
 */
void crible_ctx_set_identify_only(crible_ctx *ctx, int on);

/*
 * Scans.  name is the name the object claims (its extension is judged), or
 * NULL; declared_type is a claimed Content-Type, or NULL.  On CRIBLE_OK,
 * *out holds a result the caller frees with crible_result_free().
 *
 * crible_scan_path reads at most the head and tail windows of the file
 * (plus the whole file once for the hash); the file must be a regular file.
 * crible_scan_fd reads from a seekable descriptor it does not close;
 * crible_scan_mem does not copy buf and does not keep it.
 */
crible_err crible_scan_path(const crible_ctx *ctx, const char *path, const char *declared_type,
			    crible_result **out);
crible_err crible_scan_fd(const crible_ctx *ctx, int fd, const char *name, const char *declared_type,
			  crible_result **out);
crible_err crible_scan_mem(const crible_ctx *ctx, const void *buf, size_t len, const char *name,
			   const char *declared_type, crible_result **out);

void crible_result_free(crible_result *r);

crible_verdict crible_result_verdict(const crible_result *r);
uint64_t crible_result_size(const crible_result *r);
/* 64 lowercase hex digits, or NULL when hashing was off. Valid until free. */
const char *crible_result_sha256(const crible_result *r);
/* Detected MIME type and short type name; never NULL.  Valid until free. */
const char *crible_result_mime(const crible_result *r);
const char *crible_result_type_name(const crible_result *r);
size_t crible_result_count(const crible_result *r);
/* The i-th finding, NULL when i is out of range.  Valid until free. */
const crible_finding *crible_result_finding(const crible_result *r, size_t i);

/*
 * Renders the result as one JSON object (the findings contract's shape),
 * without a trailing newline, under the given display path.  *json is
 * malloc'd and owned by the caller.
 */
crible_err crible_result_json(const crible_result *r, const char *path, char **json, size_t *len);

#ifdef __cplusplus
}
#endif
#endif
