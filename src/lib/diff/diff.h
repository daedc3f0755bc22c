/*
 * diff.h - a published package against the source it claims to come
 * from (crible diff).  Both sides become trees of entries read through
 * the engine's own walk (tree.c); the comparison classifies every
 * difference (compare.c) with what each ecosystem's installer runs
 * (eco.c); reports render in report/diff.c.
 *
 * The classes and severities follow shared/research/rebuild.md §6.2.
 */
#ifndef CR_DIFF_H
#define CR_DIFF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "crible.h"

struct cr_jv;

/* Severities of a divergence, lowest first. */
enum cr_dsev { DS_OK, DS_INFO, DS_LOW, DS_MEDIUM, DS_HIGH, DS_CRITICAL };

/* The classes, in the order reports list them within a severity. */
enum cr_dclass {
	DC_HOOK_ADDED,
	DC_HOOK_CHANGED,
	DC_BUILD_RED_FLAG,
	DC_BUILD_READS_FIXTURE,
	DC_PKG_ONLY,
	DC_PKG_ONLY_BINARY,
	DC_CONTENT_CODE,
	DC_MANIFEST_DEPS,
	DC_BUILD_FILE_DIFF,
	DC_TYPE,
	DC_MODE,
	DC_SELF_INTEGRITY,
	DC_SCAN,
	DC_INCOMPLETE,
	DC_CONTENT,
	DC_VCS_REF,
	DC_FIXTURE_BINARY,
	DC_LINE_ENDINGS,
	DC_HOOK_PRESENT,
	DC_MANIFEST_VERSION,
	DC_PKG_ONLY_GENERATED,
	DC_META,
	DC_SRC_ONLY,
	DC_SAME,
	DC_NCLASSES
};

struct cr_dclass_def {
	const char *name;
	enum cr_dsev sev;	/* the usual severity; a finding may carry another (MODE: medium or high) */
};
extern const struct cr_dclass_def cr_dclasses[DC_NCLASSES];
const char *cr_dsev_name(enum cr_dsev s);	/* "ok", "info", "low", "medium", "high", "critical" */
bool cr_dsev_parse(const char *s, enum cr_dsev *out);

/* A path's last part; whether s ends with suf. */
static inline const char *cr_dbase(const char *p)
{
	const char *s = strrchr(p, '/');
	return s ? s + 1 : p;
}

static inline bool cr_dends(const char *s, const char *suf)
{
	size_t a = strlen(s), b = strlen(suf);
	return a >= b && !strcmp(s + a - b, suf);
}

/* --- trees --------------------------------------------------------------- */

/* Bytes of one file's data kept in memory to read its text (manifests, diffs); build files (a configure
 * script runs to megabytes) up to CR_DIFF_KEEP_BUILD, so that the red flags read them whole. */
#define CR_DIFF_KEEP (1u << 20)
#define CR_DIFF_KEEP_BUILD (16u << 20)
/* Bytes kept across a whole tree; past it, files are hashed only (their text diff is then not shown). */
#define CR_DIFF_KEEP_TOTAL (96u << 20)
#define CR_DIFF_MAX_ENTRIES (1u << 20)

struct cr_dent {
	char *path;		/* normalised: no "./", no leading '/', no empty or "." parts; the top folder stripped */
	crible_entry_kind kind;
	bool has_mode;
	uint32_t mode;
	char *link;		/* symlink or hard link target as stored, NUL-terminated */
	bool has_data;
	uint64_t size;
	uint8_t sha[32];	/* of the data, when has_data */
	uint8_t md5[16];	/* in a .deb's data.tar, for md5sums */
	bool has_md5;
	uint8_t *body;		/* the data when kept (bodylen == size), else NULL */
	size_t bodylen;
	uint8_t head[64];	/* the first bytes, always */
	size_t headlen;
	bool has_time, has_owner;
	int64_t mtime;
	uint32_t uid, gid;
	size_t order;		/* position among the tree's entries as stored */
	bool nul_name;		/* the stored name held a NUL: cut there, as a C extractor writes it */
	char *note;		/* what the walker noted about the entry's place in its container (container.*), or NULL */
	int note_sev;		/* its severity (crible_severity) */
	bool matched;
};

enum cr_dtree_kind { DTREE_ARCHIVE, DTREE_DIR };

struct cr_dtree {
	struct cr_dent *e;	/* sorted by path once built */
	size_t n, cap;
	enum cr_dtree_kind kind;
	char *name;		/* the file or folder given */
	char *top;		/* the top folder stripped, or NULL */
	char layout[64];	/* how it is stored: "gzip > tar", "zip", "folder" */
	bool hashed;
	uint8_t sha[32];	/* of the file itself (archives) */
	size_t kept;		/* bytes of bodies kept */
	bool incomplete;	/* some entries could not be read whole */
	char why[200];
	struct cr_dtree *control;	/* .deb: control.tar's entries (maintainer scripts, md5sums) */
	char commit[41];	/* a checkout's HEAD (its .git), or the commit given for it; "" when unknown */
	crible_result *scan;	/* the engine's result for the archive (its findings, its verdict) */
	/* While a walk fills it: the chain of the container whose entries are the tree's. */
	char **chain;
	size_t nchain;
	bool deb;
};

/*
 * Fills t from the archive in fd (scanned by the engine with ctx: every
 * entry judged, the result kept in t->scan), or from the folder dirfd
 * (".git" is skipped).  CRIBLE_OK even when some entries could not be
 * read (t->incomplete says so); an error when nothing could be.
 */
crible_err cr_dtree_from_fd(struct cr_dtree *t, const crible_ctx *ctx, int fd, const char *name);
crible_err cr_dtree_from_dir(struct cr_dtree *t, int dirfd, const char *name);
/* Strips one top folder shared by every entry (archives), re-roots at subdir (NULL: none), sorts. */
crible_err cr_dtree_finish(struct cr_dtree *t, bool strip, const char *subdir);
const struct cr_dent *cr_dtree_find(const struct cr_dtree *t, const char *path);
void cr_dtree_free(struct cr_dtree *t);

/* --- ecosystems ------------------------------------------------------------ */

enum cr_eco { ECO_GENERIC, ECO_NPM, ECO_PYPI, ECO_CRATE, ECO_AUTOTOOLS, ECO_DEB };
const char *cr_eco_name(enum cr_eco e);
bool cr_eco_parse(const char *s, enum cr_eco *out);
/* Where in its repository a crate says it lives (.cargo_vcs_info.json path_in_vcs); malloc'd, or NULL. */
char *cr_eco_path_in_vcs(const struct cr_dtree *pkg);
/* The ecosystem a package's layout shows. */
enum cr_eco cr_eco_detect(const struct cr_dtree *pkg);

/* --- the comparison -------------------------------------------------------- */

struct cr_dfind {
	enum cr_dclass cls;
	enum cr_dsev sev;
	char *path;		/* in the package (or the source for SRC_ONLY) */
	char *src_path;		/* in the source when it differs from path, or NULL */
	char *detail;
	char *evidence;		/* a unified diff or the lines that decided, or NULL */
};

struct crible_diff {
	const crible_ctx *ctx;
	enum cr_eco eco;
	bool eco_forced;
	char *subdir;
	bool subdir_auto;	/* taken from the package (a crate's path_in_vcs) */
	char commit[41];	/* crible_diff_set_commit */
	struct cr_dtree pkg, src;
	bool have_pkg, have_src;
	struct cr_dfind *f;
	size_t nf, cap;
	crible_diff_finding *pub;	/* f in public terms, once compared */
	struct cr_jv *json[2];		/* the package's and the source's package.json, parsed once (eco.c) */
	bool json_read[2];
	size_t count[DC_NCLASSES];
	enum cr_dsev worst;
	bool ran;
	char err[256];
};

/* Adds a finding (printf detail); false on ENOMEM (d->err says so). */
bool cr_diff_add(struct crible_diff *d, enum cr_dclass c, enum cr_dsev sev, const char *path, const char *src_path,
		 const char *evidence, const char *fmt, ...) __attribute__((format(printf, 7, 8)));
/* Counts a class without listing it (SAME). */
void cr_diff_count(struct crible_diff *d, enum cr_dclass c);

/* Every class over the two finished trees. */
crible_err cr_diff_compare(struct crible_diff *d);

/* The ecosystem's own rules (eco.c), called by the comparison. */
struct cr_eco_ctx;
bool cr_eco_hooks(struct crible_diff *d);		/* install hooks and manifests; false on ENOMEM */
bool cr_eco_is_hook_file(const struct crible_diff *d, const char *path);
bool cr_eco_is_generated(const struct crible_diff *d, const char *path);
bool cr_eco_is_entry_point(const struct crible_diff *d, const char *path);
bool cr_eco_is_build_file(const char *path);
/* The files redflag.c reads: build files and build-aux/. */
bool cr_eco_is_build_script(const char *path);
bool cr_eco_is_manifest(const struct crible_diff *d, const char *path);

/* The package against its own manifest: a wheel's RECORD, a .deb's md5sums (integrity.c). */
bool cr_integrity(struct crible_diff *d);

/* Build files that decode and run hidden code or read test fixtures; fixtures that hide shell (redflag.c). */
bool cr_redflag(struct crible_diff *d);

/* A unified diff of two texts, at most max_lines lines of output; NULL on ENOMEM. */
char *cr_line_diff(const uint8_t *a, size_t an, const uint8_t *b, size_t bn, size_t max_lines);

/* Whether bytes look like text (no NUL, no other C0 control beyond blanks and ESC, in the first 8 KiB). */
bool cr_diff_is_text(const uint8_t *p, size_t n);
/* Whether a file is machine code or an opaque blob by its first bytes or its name. */
bool cr_diff_is_binary(const struct cr_dent *e);

#endif
