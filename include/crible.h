/*
 * crible.h - the public API of libcrible.
 *
 * libcrible screens a file that crosses a trust boundary and answers two
 * questions: is it what it claims to be, and can opening or extracting it
 * hurt.  The answer is a list of findings (stable ids, see
 * shared/spec/findings.md and docs/crible.1) and a verdict.
 *
 * A context holds what is shared: defaults for limits, policy and the
 * accept list.  A job is one scan: it takes its own claims (name,
 * declared type), accept list, policy overrides and limits, its input
 * (a path, a descriptor, memory, or chunks as they arrive), and gives a
 * result.
 *
 *	crible_ctx *ctx = crible_ctx_new();
 *	crible_job *job = crible_job_new(ctx);
 *	crible_job_set_name(job, "invoice.pdf");
 *	crible_job_set_accept(job, "application/pdf");
 *	crible_job_set_limit(job, CRIBLE_LIMIT_TIME_MS, 2000);
 *	while ((n = read(sock, buf, sizeof buf)) > 0)
 *		crible_job_write(job, buf, n);
 *	crible_result *r;
 *	if (crible_job_finish(job, &r) == CRIBLE_OK) {
 *		if (crible_result_verdict(r) == CRIBLE_BLOCK) ...
 *		crible_result_free(r);
 *	} else {
 *		fprintf(stderr, "%s\n", crible_job_errmsg(job));	(never "clean")
 *	}
 *	crible_job_free(job);
 *	crible_ctx_free(ctx);
 *
 * Handles are opaque.  Every *_new / *_free pair accepts NULL in *_free.
 * A crible_ctx is configured once and may then be shared by any number of
 * threads, each with its own jobs; configuring it while jobs run is not
 * allowed.  A job belongs to one thread, except crible_job_cancel, which
 * any thread may call.  A crible_result belongs to the caller and is
 * independent of the context and job that produced it.
 *
 * Readers crible does not own (libarchive) run in worker processes of a
 * broker (crible-broker, started on first use or by crible_broker_start),
 * never in the calling process.
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
	CRIBLE_EISDIR = 6,	/* the path names a directory */
	CRIBLE_ECANCELED = 7,	/* the scan was cancelled (crible_job_cancel, or a sink asked to stop) */
	CRIBLE_ELIMIT = 8,	/* streamed input past CRIBLE_LIMIT_INPUT */
	CRIBLE_ERULES = 9,	/* YARA rules could not be compiled */
	CRIBLE_ECHANGED = 10	/* the file changed (size or mtime) while it was read: not judged */
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
 * Limits for one top-level object, set by number so that a new limit
 * never changes the ABI.  The defaults are those of the findings
 * contract.  Every limit hit is a finding (bomb.*, limit.*) and never
 * reads as clean.
 */
typedef enum crible_limit {
	CRIBLE_LIMIT_DEPTH = 0,		/* nesting of containers (8; at most 64) */
	CRIBLE_LIMIT_EXPANDED = 1,	/* bytes expanded in total (1 GiB) */
	CRIBLE_LIMIT_ENTRIES = 2,	/* entries in one object (100 000) */
	CRIBLE_LIMIT_RATIO = 3,		/* expanded / compressed per container (100) */
	CRIBLE_LIMIT_RATIO_FLOOR = 4,	/* the ratio is checked past this many bytes (16 MiB) */
	CRIBLE_LIMIT_TIME_MS = 5,	/* wall time for one object, in milliseconds (10 000) */
	CRIBLE_LIMIT_INPUT = 6,		/* bytes crible_job_write accepts (0: no limit) */
	CRIBLE_LIMIT_WRITE_BYTES = 7,	/* bytes crible_job_extract writes (1 GiB) */
	CRIBLE_LIMIT_WRITE_FILES = 8	/* files, folders and links crible_job_extract creates (100 000) */
} crible_limit;

/* Options, on or off (crible_ctx_set_option, crible_job_set_option). */
typedef enum crible_option {
	CRIBLE_OPT_HASH = 0,		/* SHA-256 of the top-level object (on) */
	CRIBLE_OPT_SHALLOW = 1,		/* judge every object as a single file, open no container (off) */
	CRIBLE_OPT_IDENTIFY_ONLY = 2,	/* name the type and stop: no hash, no findings (off) */
	/*
	 * Read the containers crible does not parse itself (7z, CAB, ISO,
	 * cpio, ar, RPM, XAR, lzip, compress, compressed RAR data) with
	 * libarchive in sandboxed broker workers (on).  Off, they are not
	 * read at all and each is container.uninspected: a strict profile
	 * with less code facing the input, and the fuzzers, which target
	 * crible's own parsers.
	 */
	CRIBLE_OPT_EXTERNAL_READERS = 3,
	/*
	 * Keep a listing of every entry judged, at every depth, with its
	 * kind, size, link target and the SHA-256 of its data (off): JSON
	 * gains "entries", the verbose text one line per entry.  It is what
	 * crible judged, to hold against what a real extractor writes.
	 */
	CRIBLE_OPT_LIST = 4,
	/*
	 * Run the whole scan in a sandboxed broker worker (off): the calling
	 * process never parses the content, and a reader that crashes or
	 * loops costs the scan an error (CRIBLE_EIO, never a result), not
	 * the process.  What the daemon uses.  Scans with a sink, YARA rules
	 * or external readers off stay in process.
	 */
	CRIBLE_OPT_CONFINED = 5,
	/*
	 * Judge the entries of a large container (a TAR, a ZIP's stored
	 * entries) on every core, with the findings, their order and the
	 * verdict of the one-thread walk (on).  Off, one thread per scan.
	 */
	CRIBLE_OPT_PARALLEL = 6
} crible_option;

typedef struct crible_ctx crible_ctx;
typedef struct crible_job crible_job;
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

/*
 * What a finding id means: its default severity, a one-line summary, a
 * short paragraph on why it matters and an input that raises it.  The same
 * text feeds `crible explain`, the SARIF rules and crible(1).
 */
typedef struct crible_finding_info {
	const char *id;
	crible_severity severity;	/* default, before any policy */
	const char *summary;
	const char *help;
	const char *example;
} crible_finding_info;
/* How many ids there are; ids are numbered 0..count-1 in the contract's order. */
size_t crible_finding_count(void);
/* The i-th id's description, or NULL past the end. */
const crible_finding_info *crible_finding_at(size_t i);
/* The description of an id such as "path.ads", or NULL when there is none. */
const crible_finding_info *crible_finding_lookup(const char *id);

/* A new context with default limits and policy, or NULL on ENOMEM. */
crible_ctx *crible_ctx_new(void);
void crible_ctx_free(crible_ctx *ctx);

/*
 * Sets a default limit for the context's jobs.  CRIBLE_EINVAL for an
 * unknown limit or a zero value (zero is never "unlimited"), except
 * CRIBLE_LIMIT_INPUT where 0 means none.
 */
crible_err crible_ctx_set_limit(crible_ctx *ctx, crible_limit which, uint64_t value);
/* The context's value of a limit (0 for an unknown one). */
uint64_t crible_ctx_get_limit(const crible_ctx *ctx, crible_limit which);
/* Sets an option for the context's jobs; CRIBLE_EINVAL for an unknown one. */
crible_err crible_ctx_set_option(crible_ctx *ctx, crible_option opt, int on);

/*
 * The accept list: comma-separated MIME types ("image/png"), wildcards
 * ("image/" followed by a star) and extensions (".csv" or "csv").  An object whose detected
 * type matches none of them gets type.disallowed.  NULL or "" clears it.
 */
crible_err crible_ctx_set_accept(crible_ctx *ctx, const char *list);

/*
 * User YARA rules: a .yar or .yara file, or a directory of them (each
 * file its own namespace).  Compiled once; every object of the context's
 * later scans, children included, is matched against them: rule.yara,
 * "namespace:rule" in the detail, the severity from the rule's meta
 * "severity" (low, medium, high, or 1 to 3), high otherwise.  NULL
 * clears them.  On CRIBLE_ERULES, *err (when not NULL) gets a malloc'd
 * message with the file and line, and the rules already set stay.  Not
 * to be called while scans run on the context.
 */
crible_err crible_ctx_set_rules(crible_ctx *ctx, const char *path, char **err);
/*
 * The SHA-256 of the context's compiled rules (as libyara saves them):
 * 1 and out filled when rules are set, 0 when none are (or they could not
 * be saved).  It changes when the rules do; a daemon puts it in its ICAP
 * ISTag.
 */
int crible_ctx_rules_digest(const crible_ctx *ctx, unsigned char out[32]);

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

/* --- jobs ---------------------------------------------------------------- */

/* A new job with the context's defaults, or NULL on ENOMEM.  The context must outlive it. */
crible_job *crible_job_new(const crible_ctx *ctx);
void crible_job_free(crible_job *job);

/* The name the object claims (its extension is judged), or NULL. Copied. */
crible_err crible_job_set_name(crible_job *job, const char *name);
/* The Content-Type the object claims, or NULL.  Copied. */
crible_err crible_job_set_declared_type(crible_job *job, const char *mime);
/* This job's accept list (replaces the context's; "" accepts anything). */
crible_err crible_job_set_accept(crible_job *job, const char *list);
/* A severity override for this job, on top of the context's. */
crible_err crible_job_set_severity(crible_job *job, const char *id, crible_severity sev);
crible_err crible_job_load_policy(crible_job *job, const char *text, size_t len, int *line);
crible_err crible_job_set_limit(crible_job *job, crible_limit which, uint64_t value);
crible_err crible_job_set_option(crible_job *job, crible_option opt, int on);

/*
 * One input per job.  A job scans once: a second scan or write after
 * the result is CRIBLE_EINVAL.  On an error other than CRIBLE_OK no
 * result is produced, and crible_job_errmsg says why.
 */
crible_err crible_job_scan_path(crible_job *job, const char *path, crible_result **out);
/* A seekable regular file; the descriptor is not closed. */
crible_err crible_job_scan_fd(crible_job *job, int fd, crible_result **out);
/* buf is neither copied nor kept. */
crible_err crible_job_scan_mem(crible_job *job, const void *buf, size_t len, crible_result **out);

/*
 * Streaming: chunks as they arrive (a clamd INSTREAM, an HTTP body),
 * spooled to memory and then to an unlinked temporary file.  Past
 * CRIBLE_LIMIT_INPUT (when set) the chunks are refused with
 * CRIBLE_ELIMIT and the job can only be freed.
 */
crible_err crible_job_write(crible_job *job, const void *buf, size_t len);
crible_err crible_job_finish(crible_job *job, crible_result **out);

/*
 * Stops the job's scan from any thread, as soon as it next checks (at
 * least between entries and every few milliseconds in a worker): the
 * scan then returns CRIBLE_ECANCELED and no result.
 */
void crible_job_cancel(crible_job *job);

/* Why the job's last call failed, in English; "" when it did not.  Valid until the next call on the job. */
const char *crible_job_errmsg(const crible_job *job);

/*
 * Entries as the engine judges them: the sink receives every entry of
 * every container, after its name and kind were judged and before its
 * data is scanned, with the data readable.  Extraction and listing are
 * sinks.  A nonzero return stops the scan (CRIBLE_ECANCELED).
 */
typedef enum crible_entry_kind {
	CRIBLE_ENTRY_FILE = 0,
	CRIBLE_ENTRY_DIR = 1,
	CRIBLE_ENTRY_SYMLINK = 2,
	CRIBLE_ENTRY_HARDLINK = 3,
	CRIBLE_ENTRY_DEVICE = 4,
	CRIBLE_ENTRY_FIFO = 5,
	CRIBLE_ENTRY_SOCKET = 6,
	CRIBLE_ENTRY_STREAM = 7		/* an NTFS alternate stream stored with a file (RAR) */
} crible_entry_kind;

typedef struct crible_entry {
	const char *const *where;	/* the chain from the top-level object down to this entry */
	size_t nwhere;
	const unsigned char *name;	/* the name as stored (may hold NUL bytes) */
	size_t namelen;
	crible_entry_kind kind;
	const unsigned char *link;	/* link target as stored, or NULL */
	size_t linklen;
	int has_mode;
	uint32_t mode;			/* permission bits (07777) when has_mode */
	int has_data;
	uint64_t size;			/* bytes of data, when has_data */
	int worst;			/* worst severity among findings about the entry itself, -1: none */
	crible_verdict verdict;		/* of the whole object so far */
	unsigned depth;			/* containers above this entry (1: an entry of the top-level object) */
	const void *internal;
} crible_entry;

/* Reads the entry's data at off; the count read, 0 at the end, -1 on error.  Only during the sink call. */
long long crible_entry_read(const crible_entry *e, uint64_t off, void *buf, size_t n);

typedef int (*crible_sink_fn)(void *arg, const crible_entry *e);
crible_err crible_job_set_sink(crible_job *job, crible_sink_fn fn, void *arg);

/*
 * Starts the broker now (path: its executable, NULL to find it next to
 * the library or under libexecdir; $CRIBLE_BROKER overrides both).
 * Optional: the first scan that needs it starts it.  The broker exits
 * when the process does.
 */
crible_err crible_broker_start(const char *path);

/* --- extraction --------------------------------------------------------- */

/*
 * Extraction is a sink on the same walk as the scan: every entry is judged
 * and written by one pass over the archive, into a private folder inside
 * dirfd (".crible-extract-PID-N", mode 0700), moved into place with
 * RENAME_NOREPLACE only when the whole extraction succeeds, removed
 * otherwise (a run killed outright leaves it behind; the next extraction
 * into the same folder removes it).  Every create is resolved beneath
 * dirfd by the kernel (openat2 RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS),
 * files are created O_EXCL, modes lose setuid, setgid and sticky bits and
 * take the umask, no device, FIFO or socket is made, and links are made
 * last, a symlink only when it resolves inside against the final tree.
 *
 * Default: all or nothing.  Nothing is written when the verdict is block,
 * when the readings of the archive disagree (container.corrupt,
 * container.uninspected, zip.* at the archive's level), or when an entry
 * cannot be written as it is (encrypted, special, a name the target
 * cannot hold).  CRIBLE_X_SANITIZE writes the safe entries, renames those
 * whose only hazard is their name, skips the rest, and reports each.
 * Quotas: CRIBLE_LIMIT_WRITE_BYTES and CRIBLE_LIMIT_WRITE_FILES; past
 * either, nothing is written.
 */
enum {
	CRIBLE_X_SANITIZE = 1,	/* write the safe entries, rename naming hazards, skip the rest */
	CRIBLE_X_WINDOWS = 2,	/* names for NTFS and FAT: '\' separates, no streams, devices, trailing dots, reserved characters, case-only twins */
	CRIBLE_X_HASH = 4	/* SHA-256 of each file written, in the result */
};

/*
 * Judges the archive in fd (a seekable regular file, not closed) and
 * extracts it beneath dirfd (not closed).  CRIBLE_OK whenever a result
 * says what happened (crible_result_extract_status); an error only when
 * the archive could not be judged, and then nothing was written.
 */
crible_err crible_job_extract(crible_job *job, int fd, int dirfd, unsigned flags, crible_result **out);

/*
 * Progress.  Extraction: called after each entry it handles, from the
 * extracting thread, with entries and bytes written.  A scan: called about
 * every MiB of the input's pass over all its bytes (the hash, the markup
 * pass), with entries 0 and the bytes read so far, from the scanning
 * thread or a helper thread (never two at once for one job).  A confined
 * scan runs in a worker process and does not call it.
 */
typedef void (*crible_progress_fn)(void *arg, uint64_t entries, uint64_t bytes);
crible_err crible_job_set_progress(crible_job *job, crible_progress_fn fn, void *arg);

typedef enum crible_xstatus {
	CRIBLE_XS_NONE = 0,	/* the result is a scan's, not an extraction's */
	CRIBLE_XS_WRITTEN = 1,	/* written (with CRIBLE_X_SANITIZE: at least one entry) */
	CRIBLE_XS_REFUSED = 2,	/* judged unsafe as a whole, or a quota: nothing written */
	CRIBLE_XS_FAILED = 3	/* the folder could not take it (a name already there, I/O): nothing written */
} crible_xstatus;

typedef enum crible_xaction {
	CRIBLE_XA_WRITTEN = 0,
	CRIBLE_XA_RENAMED = 1,	/* written under `path`, a safe name */
	CRIBLE_XA_SKIPPED = 2
} crible_xaction;

typedef struct crible_xentry {
	const char *name;	/* the entry's name as the findings' `where` shows it */
	const char *path;	/* where it was (or would have been) written, relative to the folder; NULL if none */
	crible_xaction action;
	crible_entry_kind kind;
	int has_data;
	uint64_t size;
	const char *sha256;	/* with CRIBLE_X_HASH, of a file written; else NULL */
	const char *why;	/* renamed or skipped: the finding ids or the reason */
	int other_reading;	/* skipped as another reader's version of an entry written (judged, not written) */
} crible_xentry;

/* The extraction's status; *reason (when not NULL) gets why it was refused or failed, or "". */
crible_xstatus crible_result_extract_status(const crible_result *r, const char **reason);
size_t crible_result_nxentries(const crible_result *r);
const crible_xentry *crible_result_xentry(const crible_result *r, size_t i);

/* --- one-call scans (a job each) ----------------------------------------- */

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

/* One entry of the listing (CRIBLE_OPT_LIST).  Valid until the result is freed. */
typedef struct crible_listed {
	const char *const *where;	/* from the top-level object down to the entry */
	size_t nwhere;
	crible_entry_kind kind;
	const char *link;		/* link target, or NULL */
	int has_data;
	uint64_t size;
	const char *sha256;		/* of the data when has_data, else NULL */
	int encrypted;			/* the data is encrypted: not inspected */
	const char *const *alt;		/* other names the entry was judged under (the local header's, the raw one) */
	size_t nalt;
} crible_listed;
size_t crible_result_nlisted(const crible_result *r);
const crible_listed *crible_result_listed(const crible_result *r, size_t i);

/* Renderings of a result. */
enum {
	CRIBLE_TEXT = 1,	/* "path: verdict type (mime) id, id" and a newline */
	CRIBLE_JSON = 2,	/* one JSON object (the findings contract's shape) and a newline */
	CRIBLE_VERBOSE = 4,	/* with CRIBLE_TEXT: every finding with its place and detail */
	CRIBLE_MIME_ONLY = 8,	/* with CRIBLE_TEXT: "path: mime" and a newline (crible scan --identify) */
	/*
	 * SARIF 2.1.0 result objects, one per finding, joined with commas
	 * (an empty string when there are none): the middle of the log that
	 * crible_sarif_begin opens and crible_sarif_end closes.
	 */
	CRIBLE_SARIF = 16,
	CRIBLE_COLOR = 32,	/* with CRIBLE_TEXT: verdicts and severities in ANSI colour (a terminal) */
};

/*
 * Renders the result under the given display path.  *out is malloc'd
 * and owned by the caller; *len (if not NULL) gets its length.
 */
crible_err crible_result_render(const crible_result *r, const char *path, unsigned flags, char **out, size_t *len);

/*
 * What a face prints for an input that could not be judged: with
 * CRIBLE_JSON {"path":…,"error":…} and a newline, with CRIBLE_SARIF a
 * toolExecutionNotification (no newline), else
 * "crible: path: msg" and a newline.  Never a verdict.
 */
crible_err crible_error_render(const char *path, const char *msg, unsigned flags, char **out, size_t *len);

/*
 * s[0, n) made safe for a terminal, as the text renderings show names:
 * controls, DEL, C1, bidi and zero-width marks and invalid UTF-8 become
 * visible escapes (\x1b, \u202e).  *out is malloc'd, NUL-terminated.
 */
crible_err crible_text_escape(const char *s, size_t n, char **out);

/* A size as people read it, binary units, one decimal: "812 B", "3.4 MiB", "100.0 GiB". */
void crible_size_text(uint64_t bytes, char *buf, size_t n);

/* The same as crible_result_render with CRIBLE_JSON, without the newline. */
crible_err crible_result_json(const crible_result *r, const char *path, char **json, size_t *len);

/*
 * A SARIF log, streamed: crible_sarif_begin gives its head (the tool, one
 * rule per finding id with crible_finding_info's texts) up to the opening
 * of "results"; then each input's CRIBLE_SARIF rendering, with a comma
 * between non-empty ones; then crible_sarif_end with ok (no input failed)
 * and the comma-joined notifications crible_error_render made with
 * CRIBLE_SARIF for the inputs that could not be judged (NULL for none).
 */
crible_err crible_sarif_begin(char **out, size_t *len);
crible_err crible_sarif_end(int ok, const char *notifications, char **out, size_t *len);

/* --- a package against its source (crible diff) -------------------------- */

/*
 * Is the published package what its source says?  Both sides are read by
 * the engine's own walk: the package is scanned as crible_job_scan_fd
 * scans it (every entry judged; the result is kept), the source may be
 * an archive or a folder (a checkout; ".git" is skipped).  Each
 * difference gets a class and a severity (docs/diff.md): install hooks
 * the source lacks are critical, code and binaries only the package has
 * are high, times, owners and order are normalised and reported as info.
 *
 *	crible_diff *d = crible_diff_new(ctx);
 *	crible_diff_package_fd(d, pkgfd, "left-pad-1.3.0.tgz");
 *	crible_diff_source_dir(d, dirfd, "left-pad/");
 *	if (crible_diff_run(d) == CRIBLE_OK) ... crible_diff_verdict_of(d) ...
 *	crible_diff_free(d);
 */
typedef struct crible_diff crible_diff;

typedef enum crible_diff_verdict {
	CRIBLE_DIFF_MATCH = 0,		/* nothing above low */
	CRIBLE_DIFF_DIVERGENT = 1,	/* a medium or high finding */
	CRIBLE_DIFF_SUSPICIOUS = 2	/* a critical finding */
} crible_diff_verdict;

typedef enum crible_dsev {
	CRIBLE_DSEV_OK = 0,
	CRIBLE_DSEV_INFO = 1,
	CRIBLE_DSEV_LOW = 2,
	CRIBLE_DSEV_MEDIUM = 3,
	CRIBLE_DSEV_HIGH = 4,
	CRIBLE_DSEV_CRITICAL = 5
} crible_dsev;

/* A new comparison with ctx's limits and rules (ctx must outlive it), or NULL on ENOMEM. */
crible_diff *crible_diff_new(const crible_ctx *ctx);
void crible_diff_free(crible_diff *d);
/* "npm", "pypi", "crate", "autotools", "deb" or "generic"; NULL: read from the package's layout. */
crible_err crible_diff_set_eco(crible_diff *d, const char *eco);
/* Compares the package with this folder of the source (a monorepo's package). Copied. */
crible_err crible_diff_set_subdir(crible_diff *d, const char *dir);
/*
 * The commit the source is (a tag tarball's), to check the one the package
 * names (.cargo_vcs_info.json, npm gitHead); a checkout's .git/HEAD is read
 * without it.  7 to 40 lowercase hex digits; NULL: unknown.
 */
crible_err crible_diff_set_commit(crible_diff *d, const char *sha);
/* The package: a seekable regular file, read now, not closed.  name is shown in reports. */
crible_err crible_diff_package_fd(crible_diff *d, int fd, const char *name);
/* The source: an archive (as the package) or a folder beneath dirfd (read now, not closed). */
crible_err crible_diff_source_fd(crible_diff *d, int fd, const char *name);
crible_err crible_diff_source_dir(crible_diff *d, int dirfd, const char *name);
/* Compares; both sides must be given.  Once. */
crible_err crible_diff_run(crible_diff *d);
/* Why the last call failed, in English; "" when it did not. */
const char *crible_diff_errmsg(const crible_diff *d);

crible_diff_verdict crible_diff_verdict_of(const crible_diff *d);
/* The highest severity among the findings (CRIBLE_DSEV_OK when none). */
crible_dsev crible_diff_worst(const crible_diff *d);

typedef struct crible_diff_finding {
	const char *cls;	/* "HOOK_ADDED", "PKG_ONLY", ... */
	crible_dsev severity;
	const char *path;	/* in the package ("" for the whole) */
	const char *src_path;	/* in the source when it is another path, or NULL */
	const char *detail;	/* one line */
	const char *evidence;	/* a unified diff or the lines that decided, or NULL */
} crible_diff_finding;

size_t crible_diff_nfindings(const crible_diff *d);
/* The i-th finding, most severe first; NULL out of range.  Valid until crible_diff_free. */
const crible_diff_finding *crible_diff_finding_at(const crible_diff *d, size_t i);
/* The engine's result for the package (its scan findings, as crible scan reports them). */
const crible_result *crible_diff_package_result(const crible_diff *d);

enum {
	CRIBLE_DIFF_TEXT = 1,	/* for a person: a summary line, then the findings */
	CRIBLE_DIFF_JSON = 2,	/* one JSON object and a newline (docs/diff.md) */
	CRIBLE_DIFF_ATTEST = 3	/* an unsigned in-toto Statement v1, SLSA verification_summary/v1 predicate */
};
/*
 * Renders the comparison.  time is the attestation's timeVerified (RFC
 * 3339, UTC), NULL for now.  *out is malloc'd, the caller frees it.
 */
crible_err crible_diff_render(const crible_diff *d, int form, const char *time, char **out, size_t *len);

#ifdef __cplusplus
}
#endif
#endif
