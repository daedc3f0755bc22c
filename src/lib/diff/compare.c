/*
 * compare.c - every path of the package against the source's
 * (shared/research/rebuild.md §6.1-6.2).
 *
 * Normalised away, and reported once as META: entry order, times,
 * owners, permission bits other than those below, how each side is
 * stored (compression, TAR flavour).  Never normalised: mode bits that
 * change what runs (exec, setuid, setgid, sticky, world-writable), entry
 * types, link targets, line endings (reported, low).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diff.h"

const struct cr_dclass_def cr_dclasses[DC_NCLASSES] = {
	[DC_HOOK_ADDED] = {"HOOK_ADDED", DS_CRITICAL},
	[DC_HOOK_CHANGED] = {"HOOK_CHANGED", DS_CRITICAL},
	[DC_BUILD_RED_FLAG] = {"BUILD_RED_FLAG", DS_CRITICAL},
	[DC_BUILD_READS_FIXTURE] = {"BUILD_READS_FIXTURE", DS_CRITICAL},
	[DC_PKG_ONLY] = {"PKG_ONLY", DS_HIGH},
	[DC_PKG_ONLY_BINARY] = {"PKG_ONLY_BINARY", DS_HIGH},
	[DC_CONTENT_CODE] = {"CONTENT_CODE", DS_HIGH},
	[DC_MANIFEST_DEPS] = {"MANIFEST_DEPS", DS_HIGH},
	[DC_BUILD_FILE_DIFF] = {"BUILD_FILE_DIFF", DS_HIGH},
	[DC_TYPE] = {"TYPE", DS_HIGH},
	[DC_MODE] = {"MODE", DS_MEDIUM},
	[DC_SELF_INTEGRITY] = {"SELF_INTEGRITY", DS_HIGH},
	[DC_SCAN] = {"SCAN", DS_HIGH},
	[DC_INCOMPLETE] = {"INCOMPLETE", DS_HIGH},
	[DC_CONTENT] = {"CONTENT", DS_MEDIUM},
	[DC_VCS_REF] = {"VCS_REF", DS_MEDIUM},
	[DC_FIXTURE_BINARY] = {"FIXTURE_BINARY", DS_INFO},
	[DC_LINE_ENDINGS] = {"LINE_ENDINGS", DS_LOW},
	[DC_HOOK_PRESENT] = {"HOOK_PRESENT", DS_LOW},
	[DC_MANIFEST_VERSION] = {"MANIFEST_VERSION", DS_INFO},
	[DC_PKG_ONLY_GENERATED] = {"PKG_ONLY_GENERATED", DS_INFO},
	[DC_META] = {"META", DS_INFO},
	[DC_SRC_ONLY] = {"SRC_ONLY", DS_INFO},
	[DC_SAME] = {"SAME", DS_OK},
};

static const char *const sev_names[] = {"ok", "info", "low", "medium", "high", "critical"};

const char *cr_dsev_name(enum cr_dsev s) { return sev_names[s]; }

bool cr_dsev_parse(const char *s, enum cr_dsev *out)
{
	for (int i = 0; i <= DS_CRITICAL; i++)
		if (!strcmp(s, sev_names[i])) {
			*out = (enum cr_dsev)i;
			return true;
		}
	return false;
}

bool cr_diff_add(struct crible_diff *d, enum cr_dclass c, enum cr_dsev sev, const char *path, const char *src_path,
		 const char *evidence, const char *fmt, ...)
{
	if (d->nf == d->cap) {
		size_t cap = d->cap ? d->cap * 2 : 32;
		struct cr_dfind *nf = reallocarray(d->f, cap, sizeof *nf);
		if (!nf)
			goto oom;
		d->f = nf;
		d->cap = cap;
	}
	char detail[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(detail, sizeof detail, fmt, ap);
	va_end(ap);
	struct cr_dfind *f = &d->f[d->nf];
	*f = (struct cr_dfind){.cls = c, .sev = sev};
	if (!(f->path = strdup(path ? path : "")) || (src_path && !(f->src_path = strdup(src_path))) ||
	    !(f->detail = strdup(detail)) || (evidence && !(f->evidence = strdup(evidence)))) {
		free(f->path);
		free(f->src_path);
		free(f->detail);
		free(f->evidence);
		goto oom;
	}
	d->nf++;
	d->count[c]++;
	if (sev > d->worst)
		d->worst = sev;
	return true;
oom:
	snprintf(d->err, sizeof d->err, "out of memory");
	return false;
}

void cr_diff_count(struct crible_diff *d, enum cr_dclass c) { d->count[c]++; }

/* --- what a file is ------------------------------------------------------------ */

bool cr_diff_is_text(const uint8_t *p, size_t n)
{
	if (n > 8192)
		n = 8192;
	for (size_t i = 0; i < n; i++)
		if (p[i] < 0x20 && p[i] != '\t' && p[i] != '\n' && p[i] != '\r' && p[i] != '\f' && p[i] != 0x1b)
			return false;
	return true;
}

bool cr_diff_is_binary(const struct cr_dent *e)
{
	static const char *const ext[] = {".node", ".so", ".dylib", ".dll", ".exe", ".o", ".a", ".obj", ".lib",
					  ".wasm", ".pyc", ".pyo", ".pyd", ".jar", ".class", ".bin", ".elf"};
	const char *b = strrchr(e->path, '/');
	b = b ? b + 1 : e->path;
	size_t bl = strlen(b);
	for (size_t i = 0; i < sizeof ext / sizeof *ext; i++) {
		size_t l = strlen(ext[i]);
		if (bl > l && !strcmp(b + bl - l, ext[i]))
			return true;
	}
	/* ELF, MZ, Mach-O (both ends, fat), WebAssembly, ar, ZIP and JAR, Java class. */
	static const struct {
		const char *m;
		size_t n;
	} magic[] = {{"\x7f" "ELF", 4}, {"MZ", 2}, {"\xfe\xed\xfa\xce", 4}, {"\xfe\xed\xfa\xcf", 4},
		     {"\xce\xfa\xed\xfe", 4}, {"\xcf\xfa\xed\xfe", 4}, {"\xca\xfe\xba\xbe", 4}, {"\0asm", 4},
		     {"!<arch>\n", 8}, {"PK\3\4", 4}};
	for (size_t i = 0; i < sizeof magic / sizeof *magic; i++)
		if (e->headlen >= magic[i].n && !memcmp(e->head, magic[i].m, magic[i].n))
			return true;
	/* An opaque blob: not text in its first bytes. */
	return e->has_data && e->size && !cr_diff_is_text(e->body ? e->body : e->head, e->body ? e->bodylen : e->headlen);
}

/* Whether a and b are the same text once "\r\n" is read as "\n". */
static bool same_but_eol(const struct cr_dent *a, const struct cr_dent *b)
{
	if (!a->body || !b->body)
		return false;
	size_t i = 0, j = 0;
	bool crlf = false;
	while (i < a->bodylen && j < b->bodylen) {
		if (a->body[i] == b->body[j]) {
			i++;
			j++;
			continue;
		}
		if (a->body[i] == '\r' && i + 1 < a->bodylen && a->body[i + 1] == '\n' && b->body[j] == '\n') {
			i++;
			crlf = true;
			continue;
		}
		if (b->body[j] == '\r' && j + 1 < b->bodylen && b->body[j + 1] == '\n' && a->body[i] == '\n') {
			j++;
			crlf = true;
			continue;
		}
		return false;
	}
	return crlf && i == a->bodylen && j == b->bodylen;
}

static void hex(const uint8_t sha[32], char out[65])
{
	static const char x[] = "0123456789abcdef";
	for (int i = 0; i < 32; i++) {
		out[2 * i] = x[sha[i] >> 4];
		out[2 * i + 1] = x[sha[i] & 15];
	}
	out[64] = '\0';
}

/* The evidence for two differing files: a unified diff of their text, else their hashes. */
static char *evidence(const struct cr_dent *s, const struct cr_dent *p)
{
	if (s->body && p->body && cr_diff_is_text(s->body, s->bodylen) && cr_diff_is_text(p->body, p->bodylen))
		return cr_line_diff(s->body, s->bodylen, p->body, p->bodylen, 40);
	char a[65], b[65], *o = malloc(200);
	if (!o)
		return NULL;
	hex(s->sha, a);
	hex(p->sha, b);
	snprintf(o, 200, "sha256 %s (source, %llu bytes)\nsha256 %s (package, %llu bytes)\n", a,
		 (unsigned long long)s->size, b, (unsigned long long)p->size);
	return o;
}

static const char *kind_word(crible_entry_kind k)
{
	switch (k) {
	case CRIBLE_ENTRY_FILE: return "a file";
	case CRIBLE_ENTRY_DIR: return "a folder";
	case CRIBLE_ENTRY_SYMLINK: return "a symbolic link";
	case CRIBLE_ENTRY_HARDLINK: return "a hard link";
	case CRIBLE_ENTRY_DEVICE: return "a device";
	case CRIBLE_ENTRY_FIFO: return "a FIFO";
	case CRIBLE_ENTRY_SOCKET: return "a socket";
	default: return "an alternate stream";
	}
}

/* Whether a link target, read from the folder holding path, leaves the tree (or is absolute). */
static bool link_escapes(const char *path, const char *target)
{
	if (target[0] == '/')
		return true;
	int depth = 0;
	for (const char *p = path; *p; p++)
		depth += *p == '/';
	for (const char *t = target; *t;) {
		size_t l = strcspn(t, "/");
		if (l == 2 && t[0] == '.' && t[1] == '.') {
			if (--depth < 0)
				return true;
		} else if (l && !(l == 1 && t[0] == '.')) {
			depth++;
		}
		t += l;
		if (*t == '/')
			t++;
	}
	return false;
}

/* --- modes ------------------------------------------------------------------ */

struct meta {
	size_t matched, times, owners, modes;
	bool order;
};

static bool modes(struct crible_diff *d, const struct cr_dent *p, const struct cr_dent *s, struct meta *m)
{
	if (!p->has_mode)
		return true;
	uint32_t pm = p->mode, sm = s && s->has_mode ? s->mode : (p->kind == CRIBLE_ENTRY_DIR ? 0755 : 0644);
	bool ok = true;
	uint32_t special = pm & 06000 & ~sm;
	if (special)
		ok = cr_diff_add(d, DC_MODE, DS_HIGH, p->path, NULL, NULL, "%s%s%s in the package (mode %04o)",
				 special & 04000 ? "setuid" : "", special == 06000 ? " and " : "",
				 special & 02000 ? "setgid" : "", pm);
	else if ((pm & 0002) && !(sm & 0002) && p->kind != CRIBLE_ENTRY_SYMLINK)
		ok = cr_diff_add(d, DC_MODE, DS_HIGH, p->path, NULL, NULL, "writable by anyone in the package (mode %04o)", pm);
	else if ((pm & 01000) && !(sm & 01000))
		ok = cr_diff_add(d, DC_MODE, DS_MEDIUM, p->path, NULL, NULL, "sticky in the package (mode %04o)", pm);
	else if (!s || p->kind == CRIBLE_ENTRY_DIR || p->kind == CRIBLE_ENTRY_SYMLINK || !s->has_mode)
		;
	else if ((pm & 0111) && !(sm & 0111))
		ok = cr_diff_add(d, DC_MODE, DS_MEDIUM, p->path, NULL, NULL,
				 "executable in the package (mode %04o), not in the source (%04o)", pm, sm);
	else if (!(pm & 0111) && (sm & 0111))
		ok = cr_diff_add(d, DC_MODE, DS_LOW, p->path, NULL, NULL,
				 "executable in the source (mode %04o), not in the package (%04o)", sm, pm);
	else if (pm != sm)
		m->modes++;
	return ok;
}

/* --- one path ------------------------------------------------------------------- */

static bool both(struct crible_diff *d, const struct cr_dent *p, const struct cr_dent *s, struct meta *m)
{
	if (p->kind != s->kind)
		return cr_diff_add(d, DC_TYPE, DS_HIGH, p->path, NULL, NULL, "%s in the source, %s in the package%s%s",
				   kind_word(s->kind), kind_word(p->kind), p->link ? " to " : "", p->link ? p->link : "");
	if (!modes(d, p, s, m))
		return false;
	if (p->kind == CRIBLE_ENTRY_DIR)
		return true;
	m->matched++;
	if (p->has_time && s->has_time && p->mtime != s->mtime)
		m->times++;
	if (p->has_owner && s->has_owner && (p->uid != s->uid || p->gid != s->gid))
		m->owners++;
	if (p->kind == CRIBLE_ENTRY_SYMLINK || p->kind == CRIBLE_ENTRY_HARDLINK) {
		if (!p->link || !s->link || strcmp(p->link, s->link))
			return cr_diff_add(d, DC_TYPE, DS_HIGH, p->path, NULL, NULL,
					   "%s to %s in the package, to %s in the source", kind_word(p->kind),
					   p->link ? p->link : "?", s->link ? s->link : "?");
		cr_diff_count(d, DC_SAME);
		return true;
	}
	if (p->kind != CRIBLE_ENTRY_FILE)
		return true;
	bool hook = cr_eco_is_hook_file(d, p->path);
	if (p->has_data && s->has_data && p->size == s->size && !memcmp(p->sha, s->sha, 32)) {
		if (hook)
			return cr_diff_add(d, DC_HOOK_PRESENT, DS_LOW, p->path, NULL, NULL, "%s",
					   "runs at install, as in the source");
		cr_diff_count(d, DC_SAME);
		return true;
	}
	if (!p->has_data || !s->has_data)
		return true;	/* unreadable: the tree says so (INCOMPLETE) */
	if (cr_eco_is_manifest(d, p->path))
		return true;	/* the ecosystem's reading compares it (eco.c) */
	if (d->eco == ECO_CRATE && !strcmp(p->path, "Cargo.toml") && cr_dtree_find(&d->pkg, "Cargo.toml.orig"))
		return cr_diff_add(d, DC_PKG_ONLY_GENERATED, DS_INFO, p->path, NULL, NULL, "%s",
				   "normalised by cargo package; its Cargo.toml.orig is compared with the source's");
	enum cr_dclass c;
	enum cr_dsev sev;
	const char *what;
	if (hook) {
		c = DC_HOOK_CHANGED, sev = DS_CRITICAL, what = "runs at install and differs from the source";
	} else if (same_but_eol(p, s)) {
		return cr_diff_add(d, DC_LINE_ENDINGS, DS_LOW, p->path, NULL, NULL, "%s",
				   "the same text with other line endings (CRLF and LF)");
	} else if (cr_eco_is_build_file(p->path)) {
		c = DC_BUILD_FILE_DIFF, sev = DS_HIGH, what = "a build file that differs from the source";
	} else if (cr_eco_is_entry_point(d, p->path) || cr_diff_is_binary(p)) {
		c = DC_CONTENT_CODE, sev = DS_HIGH, what = "code that differs from the source";
	} else {
		c = DC_CONTENT, sev = DS_MEDIUM, what = "differs from the source";
	}
	char *ev = evidence(s, p);
	bool ok = cr_diff_add(d, c, sev, p->path, NULL, ev, "%s", what);
	free(ev);
	return ok;
}

static bool pkg_only(struct crible_diff *d, const struct cr_dent *p)
{
	if (!modes(d, p, NULL, NULL))
		return false;
	switch (p->kind) {
	case CRIBLE_ENTRY_DIR:
		return true;
	case CRIBLE_ENTRY_SYMLINK:
		if (p->link && link_escapes(p->path, p->link))
			return cr_diff_add(d, DC_TYPE, DS_HIGH, p->path, NULL, NULL,
					   "a symbolic link only the package has, out of the package: -> %s", p->link);
		return cr_diff_add(d, DC_PKG_ONLY, DS_HIGH, p->path, NULL, NULL, "a symbolic link only the package has: -> %s",
				   p->link ? p->link : "?");
	case CRIBLE_ENTRY_FILE:
		break;
	default:
		return cr_diff_add(d, DC_TYPE, DS_HIGH, p->path, NULL, NULL, "%s only the package has%s%s", kind_word(p->kind),
				   p->link ? ": -> " : "", p->link ? p->link : "");
	}
	if (cr_eco_is_hook_file(d, p->path))
		return cr_diff_add(d, DC_HOOK_ADDED, DS_CRITICAL, p->path, NULL, NULL, "%s",
				   "runs at install and is not in the source");
	if (cr_eco_is_generated(d, p->path))
		return cr_diff_add(d, DC_PKG_ONLY_GENERATED, DS_INFO, p->path, NULL, NULL, "%s",
				   "generated for the release (its content is still scanned)");
	if (cr_eco_is_build_file(p->path))
		return cr_diff_add(d, DC_BUILD_FILE_DIFF, DS_HIGH, p->path, NULL, NULL, "%s",
				   "a build file only the package has");
	if (cr_diff_is_binary(p))
		return cr_diff_add(d, DC_PKG_ONLY_BINARY, DS_HIGH, p->path, NULL, NULL,
				   "machine code or an opaque blob only the package has (%llu bytes)",
				   (unsigned long long)p->size);
	return cr_diff_add(d, DC_PKG_ONLY, DS_HIGH, p->path, NULL, NULL, "only the package has it (%llu bytes)",
			   (unsigned long long)p->size);
}

/* --- the scan's own findings -------------------------------------------------------- */

/*
 * What the engine found in the package about its structure (names,
 * links, setuid, readings that disagree, bombs, limits, matched rules)
 * is a divergence too: no source explains it.  What it says about
 * content types (a script, a native executable) is the comparison's to
 * judge: it is in the scan's report, not repeated here.
 */
/* How deep a finding's `where` may be to be about the tree itself: its container and its entries. */
static size_t tree_depth(const struct cr_dtree *t) { return t->nchain + (t->deb ? 3 : 1); }

/* Whether a scan finding is about the tree (not about a file inside one of its entries). */
static bool about_tree(const struct cr_dtree *t, const crible_finding *f)
{
	static const char *const tree[] = {"path.", "link.", "entry.", "stream.", "zip.", "container."};
	static const char *const anywhere[] = {"bomb.", "limit.", "sig.", "rule."};
	for (size_t k = 0; k < sizeof anywhere / sizeof *anywhere; k++)
		if (!strncmp(f->id, anywhere[k], strlen(anywhere[k])))
			return true;	/* a stopped scan, or a rule that matched: wherever it is */
	if (f->nwhere > tree_depth(t))
		return false;
	/* container.* at an entry's depth is about the entry's content; the walker's notes on entries are kept apart. */
	if (!strncmp(f->id, "container.", 10))
		return f->nwhere < tree_depth(t);
	for (size_t k = 0; k < sizeof tree / sizeof *tree; k++)
		if (!strncmp(f->id, tree[k], strlen(tree[k])))
			return true;
	return false;
}

static bool scan_findings(struct crible_diff *d)
{
	const crible_result *r = d->pkg.scan;
	if (!r)
		return true;
	for (size_t i = 0; i < crible_result_count(r); i++) {
		const crible_finding *f = crible_result_finding(r, i);
		if (!about_tree(&d->pkg, f))
			continue;
		char where[512] = "";
		for (size_t w = 1; w < f->nwhere; w++) {
			size_t l = strlen(where);
			snprintf(where + l, sizeof where - l, "%s%s", w > 1 ? " > " : "", f->where[w]);
		}
		enum cr_dsev sev = f->severity == CRIBLE_SEV_HIGH ? DS_HIGH : f->severity == CRIBLE_SEV_MEDIUM ? DS_MEDIUM : DS_LOW;
		if (!cr_diff_add(d, DC_SCAN, sev, where, NULL, NULL, "%s: %s", f->id, f->detail))
			return false;
	}
	for (size_t i = 0; i < d->pkg.n; i++) {
		const struct cr_dent *e = &d->pkg.e[i];
		if (e->note && !cr_diff_add(d, DC_SCAN, e->note_sev == CRIBLE_SEV_HIGH ? DS_HIGH
								: e->note_sev == CRIBLE_SEV_MEDIUM ? DS_MEDIUM : DS_LOW,
					    e->path, NULL, NULL, "%s", e->note))
			return false;
	}
	return true;
}

/* --- the whole ------------------------------------------------------------------------ */

static int by_order(const void *a, const void *b)
{
	const struct cr_dent *const *x = a, *const *y = b;
	return ((*x)->order > (*y)->order) - ((*x)->order < (*y)->order);
}

static int by_finding(const void *a, const void *b)
{
	const struct cr_dfind *x = a, *y = b;
	if (x->sev != y->sev)
		return x->sev > y->sev ? -1 : 1;
	if (x->cls != y->cls)
		return x->cls < y->cls ? -1 : 1;
	return strcmp(x->path, y->path);
}

crible_err cr_diff_compare(struct crible_diff *d)
{
	struct cr_dtree *P = &d->pkg, *S = &d->src;
	if (P->incomplete && !cr_diff_add(d, DC_INCOMPLETE, DS_HIGH, "", NULL, NULL, "the package: %s", P->why))
		return CRIBLE_ENOMEM;
	if (S->incomplete && !cr_diff_add(d, DC_INCOMPLETE, DS_HIGH, "", NULL, NULL, "the source: %s", S->why))
		return CRIBLE_ENOMEM;
	if (S->scan && crible_result_verdict(S->scan) != CRIBLE_ALLOW)
		for (size_t i = 0; i < crible_result_count(S->scan); i++) {
			const crible_finding *f = crible_result_finding(S->scan, i);
			/* A source that could not be read whole explains less than it should: fail closed. */
			if ((!strncmp(f->id, "container.", 10) && strcmp(f->id, "container.trailing") &&
			     f->nwhere < tree_depth(S)) ||
			    !strncmp(f->id, "limit.", 6) || !strncmp(f->id, "bomb.", 5))
				if (!cr_diff_add(d, DC_INCOMPLETE, DS_HIGH, "", NULL, NULL, "the source: %s: %s", f->id, f->detail))
					return CRIBLE_ENOMEM;
		}
	if (!scan_findings(d))
		return CRIBLE_ENOMEM;
	struct meta m = {0};
	const struct cr_dent **pm = calloc(P->n + 1, sizeof *pm), **sm = calloc(P->n + 1, sizeof *sm);
	size_t npairs = 0;
	bool ok = pm && sm;
	size_t i = 0, j = 0;
	while (ok && (i < P->n || j < S->n)) {
		int c = i == P->n ? 1 : j == S->n ? -1 : strcmp(P->e[i].path, S->e[j].path);
		if (c < 0) {
			const struct cr_dent *p = &P->e[i];
			if (i && !strcmp(P->e[i - 1].path, p->path)) {
				/* A second entry at a path: which one an installer writes depends on the tool. */
				const struct cr_dent *q = &P->e[i - 1];
				if (q->kind != p->kind || q->has_data != p->has_data || memcmp(q->sha, p->sha, 32))
					ok = cr_diff_add(d, DC_PKG_ONLY, DS_HIGH, p->path, NULL, NULL, "%s",
							 "the package holds this path twice, with other content");
			} else {
				ok = pkg_only(d, p);
			}
			i++;
		} else if (c > 0) {
			const struct cr_dent *s = &S->e[j];
			if (s->kind != CRIBLE_ENTRY_DIR && !(j && !strcmp(S->e[j - 1].path, s->path)))
				ok = cr_diff_add(d, DC_SRC_ONLY, DS_INFO, s->path, NULL, NULL, "%s", "only the source has it");
			j++;
		} else {
			ok = both(d, &P->e[i], &S->e[j], &m);
			if (P->e[i].kind != CRIBLE_ENTRY_DIR) {
				pm[npairs] = &P->e[i];
				sm[npairs++] = &S->e[j];
			}
			i++;
			j++;
			/* Repeats of the path on the source side are the source's own business. */
			while (j < S->n && !strcmp(S->e[j].path, S->e[j - 1].path))
				j++;
		}
	}
	if (ok && npairs > 1) {
		/* Order: the matched entries as each side stores them. */
		qsort(pm, npairs, sizeof *pm, by_order);
		qsort(sm, npairs, sizeof *sm, by_order);
		for (size_t k = 0; k < npairs && !m.order; k++)
			m.order = strcmp(pm[k]->path, sm[k]->path) != 0;
	}
	free(pm);
	free(sm);
	if (ok)
		ok = cr_eco_hooks(d);
	if (ok)
		ok = cr_redflag(d);
	if (ok)
		ok = cr_integrity(d);
	if (ok && (m.times || m.owners || m.modes || m.order || strcmp(P->layout, S->layout))) {
		char det[400];
		snprintf(det, sizeof det, "normalised, not compared: ");
		size_t l = strlen(det), l0 = l;
		if (strcmp(P->layout, S->layout))
			l += (size_t)snprintf(det + l, sizeof det - l, "stored as %s, the source as %s", P->layout, S->layout);
		if (m.times && l < sizeof det)
			l += (size_t)snprintf(det + l, sizeof det - l, "%stimes differ on %zu of %zu entries", l > l0 ? "; " : "",
					      m.times, m.matched);
		if (m.owners && l < sizeof det)
			l += (size_t)snprintf(det + l, sizeof det - l, "%sowners differ on %zu", l > l0 ? "; " : "", m.owners);
		if (m.modes && l < sizeof det)
			l += (size_t)snprintf(det + l, sizeof det - l, "%spermissions differ on %zu (neither exec nor special bits)",
					      l > l0 ? "; " : "", m.modes);
		if (m.order && l < sizeof det)
			snprintf(det + l, sizeof det - l, "%sthe entries are in another order", l > l0 ? "; " : "");
		ok = cr_diff_add(d, DC_META, DS_INFO, "", NULL, NULL, "%s", det);
	}
	if (!ok)
		return CRIBLE_ENOMEM;
	if (d->nf)
		qsort(d->f, d->nf, sizeof *d->f, by_finding);
	return CRIBLE_OK;
}
