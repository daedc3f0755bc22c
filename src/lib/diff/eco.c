/*
 * eco.c - what each ecosystem's installer runs, generates and starts
 * from (shared/research/rebuild.md §4):
 *
 *   npm:       package/package.json `scripts` preinstall, install,
 *              postinstall (and prepublish, preprepare, prepare,
 *              postprepare for folder and git installs); a root
 *              binding.gyp makes `node-gyp rebuild` the install script;
 *              main, bin, exports, module, browser are the entry points;
 *              dependencies, optionalDependencies, peerDependencies and
 *              bundle(d)Dependencies are installed with it.
 *   PyPI:      setup.py runs on an sdist install; a .pth file in
 *              site-packages runs its "import" lines at every start.
 *   crates:    build.rs is compiled and run on the host.
 *   autotools: configure, Makefile.in, aclocal.m4 and build-aux/ are
 *              what autoreconf writes: expected in a release only.
 *   Debian:    maintainer scripts in control.tar run as root.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../io/json.h"
#include "diff.h"

static const char *const eco_names[] = {"generic", "npm", "pypi", "crate", "autotools", "deb"};

const char *cr_eco_name(enum cr_eco e) { return eco_names[e]; }

bool cr_eco_parse(const char *s, enum cr_eco *out)
{
	for (size_t i = 0; i < sizeof eco_names / sizeof *eco_names; i++)
		if (!strcmp(s, eco_names[i])) {
			*out = (enum cr_eco)i;
			return true;
		}
	return false;
}

static bool at_root(const char *p) { return !strchr(p, '/'); }

enum cr_eco cr_eco_detect(const struct cr_dtree *pkg)
{
	if (pkg->deb)
		return ECO_DEB;
	if (cr_dtree_find(pkg, "package.json"))
		return ECO_NPM;
	if (cr_dtree_find(pkg, "Cargo.toml.orig") || cr_dtree_find(pkg, ".cargo_vcs_info.json"))
		return ECO_CRATE;
	if (cr_dtree_find(pkg, "PKG-INFO"))
		return ECO_PYPI;
	for (size_t i = 0; i < pkg->n; i++) {
		const char *p = pkg->e[i].path, *s = strchr(p, '/');
		if (s && !strcmp(s, "/RECORD") && s - p > 10 && !strncmp(s - 10, ".dist-info", 10))
			return ECO_PYPI;
	}
	if (cr_dtree_find(pkg, "configure") &&
	    (cr_dtree_find(pkg, "configure.ac") || cr_dtree_find(pkg, "configure.in") || cr_dtree_find(pkg, "aclocal.m4")))
		return ECO_AUTOTOOLS;
	return ECO_GENERIC;
}

/* --- files by name ---------------------------------------------------------- */

bool cr_eco_is_build_file(const char *path)
{
	static const char *const names[] = {
		"configure.ac", "configure.in", "configure", "aclocal.m4", "Makefile.am", "Makefile.in", "Makefile",
		"GNUmakefile", "makefile", "CMakeLists.txt", "meson.build", "meson_options.txt", "meson.options",
		"libtool", "ltmain.sh", "pyproject.toml", "setup.cfg", "SConstruct", "SConscript", "wscript",
		"build.gradle", "build.gradle.kts", "pom.xml", "BUILD", "BUILD.bazel", "WORKSPACE", "Cargo.toml",
		"Rakefile", "Gemfile", "build.xml", "config.status", "config.guess", "config.sub", "install-sh",
		"depcomp", "missing", "compile", "test-driver"};
	const char *b = cr_dbase(path);
	for (size_t i = 0; i < sizeof names / sizeof *names; i++)
		if (!strcmp(b, names[i]))
			return true;
	return cr_dends(b, ".m4") || cr_dends(b, ".cmake") || cr_dends(b, ".gyp") || cr_dends(b, ".gypi") || cr_dends(b, ".mk") ||
	       cr_dends(b, ".am") || !strcmp(path, "debian/rules");
}

bool cr_eco_is_build_script(const char *path)
{
	return cr_eco_is_build_file(path) || !strncmp(path, "build-aux/", 10);
}

/* A .pth file whose lines site.py executes: those starting with "import" followed by a blank. */
static bool pth_runs(const struct cr_dent *e)
{
	if (!e->body)
		return e->has_data;	/* not read whole: counted as running (fail closed) */
	const uint8_t *p = e->body, *end = p + e->bodylen;
	while (p < end) {
		const uint8_t *nl = memchr(p, '\n', (size_t)(end - p));
		size_t l = nl ? (size_t)(nl - p) : (size_t)(end - p);
		if (l > 6 && !memcmp(p, "import", 6) && (p[6] == ' ' || p[6] == '\t'))
			return true;
		p += l + 1;
	}
	return false;
}

bool cr_eco_is_hook_file(const struct crible_diff *d, const char *path)
{
	switch (d->eco) {
	case ECO_NPM:
		return !strcmp(path, "binding.gyp");
	case ECO_PYPI: {
		if (!strcmp(path, "setup.py"))
			return true;
		if (at_root(path) && cr_dends(path, ".pth")) {
			const struct cr_dent *e = cr_dtree_find(&d->pkg, path);
			return e && pth_runs(e);
		}
		return false;
	}
	case ECO_CRATE:
		return !strcmp(path, "build.rs");
	default:
		return false;
	}
}

/* The npm package.json scripts whose presence marks a build step before packing. */
static bool npm_builds(const struct crible_diff *d);

bool cr_eco_is_generated(const struct crible_diff *d, const char *path)
{
	const char *b = cr_dbase(path);
	switch (d->eco) {
	case ECO_AUTOTOOLS: {
		static const char *const top[] = {"configure", "aclocal.m4", "config.h.in", "INSTALL", "ABOUT-NLS",
						  "config.guess", "config.sub", "install-sh", "ltmain.sh", "missing",
						  "compile", "depcomp", "test-driver", "ar-lib", "mkinstalldirs",
						  "py-compile", "ylwrap"};
		for (size_t i = 0; i < sizeof top / sizeof *top; i++)
			if (!strcmp(path, top[i]))
				return true;
		if (!strcmp(b, "Makefile.in") || !strncmp(path, "build-aux/", 10) || cr_dends(path, ".gmo") ||
		    (!strncmp(path, "po/", 3) && (cr_dends(path, ".sin") || cr_dends(path, ".sed") || !strcmp(b, "Makefile.in.in") ||
						  !strcmp(b, "Rules-quot") || !strcmp(b, "remove-potcdate.sin"))))
			return true;
		/*
		 * m4 files that aclocal, libtoolize and gettextize copy in.  Not
		 * every gettext or gnulib file: xz's build-to-host.m4 was one.
		 */
		static const char *const m4[] = {"libtool.m4", "ltoptions.m4", "ltsugar.m4", "ltversion.m4",
						 "lt~obsolete.m4", "gettext.m4", "iconv.m4", "intlmacosx.m4",
						 "lib-ld.m4", "lib-link.m4", "lib-prefix.m4", "nls.m4", "po.m4",
						 "progtest.m4", "host-cpu-c-abi.m4", "intl.m4", "intldir.m4",
						 "intlmacosx.m4", "glibc2.m4", "glibc21.m4", "codeset.m4"};
		if (!strncmp(path, "m4/", 3) && at_root(path + 3))
			for (size_t i = 0; i < sizeof m4 / sizeof *m4; i++)
				if (!strcmp(path + 3, m4[i]))
					return true;
		return false;
	}
	case ECO_CRATE:
		return !strcmp(path, "Cargo.toml") || !strcmp(path, "Cargo.toml.orig") ||
		       !strcmp(path, ".cargo_vcs_info.json") || !strcmp(path, "Cargo.lock");
	case ECO_PYPI: {
		if (!strcmp(path, "PKG-INFO"))
			return true;
		const char *s = strchr(path, '/');
		return s && ((s - path > 9 && !strncmp(s - 9, ".egg-info", 9)) ||
			     (s - path > 10 && !strncmp(s - 10, ".dist-info", 10)));
	}
	case ECO_NPM:
		/* A build before packing (prepack, prepare, build) writes dist/: expected, still scanned. */
		return !strncmp(path, "dist/", 5) && npm_builds(d);
	default:
		return false;
	}
}

static const char *const code_ext[] = {".js", ".mjs", ".cjs", ".jsx", ".ts", ".mts", ".cts", ".tsx", ".py",
				       ".pyx", ".pxd", ".rs", ".c", ".h", ".cc", ".cpp", ".cxx", ".hpp", ".hh",
				       ".go", ".rb", ".pl", ".pm", ".sh", ".bash", ".zsh", ".php", ".java",
				       ".kt", ".swift", ".m", ".mm", ".lua", ".ps1", ".bat", ".cmd", ".vbs",
				       ".wasm", ".node", ".so", ".dll", ".dylib", ".exe"};

/* The entry points a package.json names (main, bin, exports, module, browser), "./" dropped. */
static bool npm_names(const struct cr_jv *v, const char *path)
{
	if (!v)
		return false;
	if (v->k == J_STR) {
		const char *s = v->s;
		while (s[0] == '.' && s[1] == '/')
			s += 2;
		return !strcmp(s, path);
	}
	if (v->k == J_OBJ || v->k == J_ARR)
		for (size_t i = 0; i < v->n; i++)
			if (npm_names(&v->v[i], path))
				return true;
	return false;
}

static struct cr_jv *parse_dent(const struct cr_dent *e)
{
	if (!e || !e->body)
		return NULL;
	const char *why;
	return cr_json_parse(e->body, e->bodylen, &why);
}

/*
 * Each side's package.json, parsed once: the classes ask for it per
 * differing or package-only file (entry points, dist/ after a build).
 * NULL when absent, unreadable or not JSON.
 */
static const struct cr_jv *npm_json(const struct crible_diff *d, bool src)
{
	struct crible_diff *m = (struct crible_diff *)d;	/* a cache, not state the caller sees */
	if (!m->json_read[src]) {
		m->json_read[src] = true;
		m->json[src] = parse_dent(cr_dtree_find(src ? &d->src : &d->pkg, "package.json"));
	}
	return m->json[src];
}

static bool npm_builds(const struct crible_diff *d)
{
	const struct cr_jv *sc = cr_json_get(npm_json(d, true), "scripts");
	return cr_json_get(sc, "prepack") || cr_json_get(sc, "prepare") || cr_json_get(sc, "build") ||
	       cr_json_get(sc, "prepublishOnly");
}

bool cr_eco_is_entry_point(const struct crible_diff *d, const char *path)
{
	const char *b = cr_dbase(path);
	for (size_t i = 0; i < sizeof code_ext / sizeof *code_ext; i++)
		if (cr_dends(b, code_ext[i]))
			return true;
	switch (d->eco) {
	case ECO_NPM: {
		const struct cr_jv *j = npm_json(d, false);
		bool hit = false;
		static const char *const keys[] = {"main", "bin", "exports", "module", "browser"};
		for (size_t i = 0; j && i < sizeof keys / sizeof *keys && !hit; i++)
			hit = npm_names(cr_json_get(j, keys[i]), path);
		return hit;
	}
	default:
		return false;
	}
}

bool cr_eco_is_manifest(const struct crible_diff *d, const char *path)
{
	return d->eco == ECO_NPM && !strcmp(path, "package.json");
}

static bool vcs_ref(struct crible_diff *d, const char *where, const char *sha, bool dirty);

/* --- npm's package.json --------------------------------------------------------- */

static const char *const npm_hooks[] = {"preinstall", "install", "postinstall", "prepublish",
					"preprepare", "prepare", "postprepare"};
static const char *const npm_deps[] = {"dependencies", "optionalDependencies", "peerDependencies",
				       "bundleDependencies", "bundledDependencies"};
static const char *const npm_entry[] = {"main", "bin", "exports", "module", "browser"};

/* A JSON string value as text for a message, cut short; "(not a string)" otherwise. */
static const char *show(const struct cr_jv *v)
{
	return v && v->k == J_STR ? v->s : "(not a string)";
}

static bool npm_deps_diff(struct crible_diff *d, const struct cr_jv *pj, const struct cr_jv *sj)
{
	for (size_t k = 0; k < sizeof npm_deps / sizeof *npm_deps; k++) {
		const struct cr_jv *pv = cr_json_get(pj, npm_deps[k]), *sv = cr_json_get(sj, npm_deps[k]);
		if (cr_json_equal(pv, sv))
			continue;
		if (pv && pv->k == J_OBJ) {
			for (size_t i = 0; i < pv->n; i++) {
				const struct cr_jv *mine = cr_json_get(pv, pv->key[i]);
				if (mine != &pv->v[i])
					continue;	/* an earlier repeat of the key */
				const struct cr_jv *theirs = cr_json_get(sv, pv->key[i]);
				if (!theirs) {
					if (!cr_diff_add(d, DC_MANIFEST_DEPS, DS_HIGH, "package.json", NULL, NULL,
							 "%s: %s %s added", npm_deps[k], pv->key[i], show(mine)))
						return false;
				} else if (!cr_json_equal(mine, theirs)) {
					if (!cr_diff_add(d, DC_MANIFEST_DEPS, DS_HIGH, "package.json", NULL, NULL,
							 "%s: %s %s in the source, %s in the package", npm_deps[k],
							 pv->key[i], show(theirs), show(mine)))
						return false;
				}
			}
		} else if (pv) {
			if (!cr_diff_add(d, DC_MANIFEST_DEPS, DS_HIGH, "package.json", NULL, NULL,
					 "%s differs from the source's", npm_deps[k]))
				return false;
		}
		if (sv && sv->k == J_OBJ)
			for (size_t i = 0; i < sv->n; i++)
				if (cr_json_get(sv, sv->key[i]) == &sv->v[i] && !cr_json_get(pv, sv->key[i]) &&
				    !cr_diff_add(d, DC_MANIFEST_DEPS, DS_MEDIUM, "package.json", NULL, NULL,
						 "%s: %s removed", npm_deps[k], sv->key[i]))
					return false;
	}
	return true;
}

/* Whether two `scripts` objects agree on every script that is not an install hook (those are judged apart). */
static bool scripts_equal_but_hooks(const struct cr_jv *a, const struct cr_jv *b)
{
	for (int side = 0; side < 2; side++) {
		const struct cr_jv *x = side ? b : a, *y = side ? a : b;
		for (size_t i = 0; x && x->k == J_OBJ && i < x->n; i++) {
			bool hook = false;
			for (size_t k = 0; k < sizeof npm_hooks / sizeof *npm_hooks; k++)
				hook |= !strcmp(x->key[i], npm_hooks[k]);
			if (!hook && cr_json_get(x, x->key[i]) == &x->v[i] && !cr_json_equal(&x->v[i], cr_json_get(y, x->key[i])))
				return false;
		}
		if (x && x->k != J_OBJ && !cr_json_equal(a, b))
			return false;
	}
	return true;
}

static bool npm(struct crible_diff *d)
{
	const struct cr_dent *pe = cr_dtree_find(&d->pkg, "package.json"), *se = cr_dtree_find(&d->src, "package.json");
	if (!pe)
		return true;
	const struct cr_jv *pj = npm_json(d, false), *sj = se ? npm_json(d, true) : NULL;
	bool ok = true;
	if (!pj) {
		/* npm refuses a package.json it cannot parse; crible cannot say what it would run: fail closed. */
		ok = cr_diff_add(d, DC_INCOMPLETE, DS_HIGH, "package.json", NULL, NULL, "%s",
				 pe->body ? "the package's package.json is not JSON: its install scripts are unknown"
					  : "the package's package.json is too large to read");
		goto out;
	}
	const struct cr_jv *gh = cr_json_get(pj, "gitHead");
	if (gh && gh->k == J_STR && !vcs_ref(d, "package.json", gh->s, false)) {
		ok = false;
		goto out;
	}
	bool same = se && se->has_data && pe->has_data && !memcmp(pe->sha, se->sha, 32);
	const struct cr_jv *ps = cr_json_get(pj, "scripts"), *ss = cr_json_get(sj, "scripts");
	for (size_t k = 0; k < sizeof npm_hooks / sizeof *npm_hooks && ok; k++) {
		const struct cr_jv *ph = cr_json_get(ps, npm_hooks[k]), *sh = cr_json_get(ss, npm_hooks[k]);
		if (!ph)
			continue;
		if (!sh)
			ok = cr_diff_add(d, DC_HOOK_ADDED, DS_CRITICAL, "package.json", NULL, show(ph),
					 "scripts.%s runs at install and is not in the source", npm_hooks[k]);
		else if (!cr_json_equal(ph, sh))
			ok = cr_diff_add(d, DC_HOOK_CHANGED, DS_CRITICAL, "package.json", NULL, show(ph),
					 "scripts.%s differs from the source's (%s)", npm_hooks[k], show(sh));
		else
			ok = cr_diff_add(d, DC_HOOK_PRESENT, DS_LOW, "package.json", NULL, show(ph),
					 "scripts.%s runs at install, as in the source", npm_hooks[k]);
	}
	if (!ok || same || !se)
		goto out;
	if (!sj) {
		ok = cr_diff_add(d, DC_CONTENT, DS_MEDIUM, "package.json", NULL, NULL, "%s",
				 "the source's package.json is not JSON: compared as bytes only");
		goto out;
	}
	ok = npm_deps_diff(d, pj, sj);
	for (size_t k = 0; k < sizeof npm_entry / sizeof *npm_entry && ok; k++) {
		const struct cr_jv *pv = cr_json_get(pj, npm_entry[k]), *sv = cr_json_get(sj, npm_entry[k]);
		if (!cr_json_equal(pv, sv))
			ok = cr_diff_add(d, DC_CONTENT_CODE, DS_HIGH, "package.json", NULL, NULL,
					 "%s (an entry point) is %s in the package, %s in the source", npm_entry[k],
					 pv ? (pv->k == J_STR ? pv->s : "set") : "absent",
					 sv ? (sv->k == J_STR ? sv->s : "set") : "absent");
	}
	const struct cr_jv *pvv = cr_json_get(pj, "version"), *svv = cr_json_get(sj, "version");
	if (ok && !cr_json_equal(pvv, svv))
		ok = cr_diff_add(d, DC_MANIFEST_VERSION, DS_INFO, "package.json", NULL, NULL,
				 "version %s in the package, %s in the source", show(pvv), show(svv));
	/* Every other key whose value differs, scripts other than hooks included. */
	char keys[240] = "";
	size_t nk = 0;
	for (int side = 0; side < 2 && ok; side++) {
		const struct cr_jv *x = side ? sj : pj, *y = side ? pj : sj;
		for (size_t i = 0; i < x->n; i++) {
			const char *k = x->key[i];
			if (cr_json_get(x, k) != &x->v[i] || (side && cr_json_get(y, k)))
				continue;	/* a repeat, or a key the first pass saw */
			bool known = !strcmp(k, "version") || !strcmp(k, "scripts") || !strcmp(k, "gitHead");
			for (size_t m = 0; m < sizeof npm_deps / sizeof *npm_deps; m++)
				known |= !strcmp(k, npm_deps[m]);
			for (size_t m = 0; m < sizeof npm_entry / sizeof *npm_entry; m++)
				known |= !strcmp(k, npm_entry[m]);
			if (known || cr_json_equal(&x->v[i], cr_json_get(y, k)))
				continue;
			size_t l = strlen(keys);
			if (l + strlen(k) + 3 < sizeof keys)
				snprintf(keys + l, sizeof keys - l, "%s%s", l ? ", " : "", k);
			nk++;
		}
	}
	/* Scripts that are not hooks: run only when asked (npm test), still the package's own. */
	if (ok && !scripts_equal_but_hooks(ps, ss)) {
		size_t l = strlen(keys);
		if (l + 12 < sizeof keys)
			snprintf(keys + l, sizeof keys - l, "%sscripts", l ? ", " : "");
		nk++;
	}
	if (ok && nk)
		ok = cr_diff_add(d, DC_CONTENT, DS_MEDIUM, "package.json", NULL, NULL, "%zu field%s differ%s: %s", nk,
				 nk == 1 ? "" : "s", nk == 1 ? "s" : "", keys);
out:
	return ok;
}

/* --- Debian maintainer scripts ----------------------------------------------------- */

static bool deb(struct crible_diff *d)
{
	static const char *const scripts[] = {"preinst", "postinst", "prerm", "postrm", "config", "triggers"};
	const struct cr_dtree *c = d->pkg.control;
	if (!c)
		return true;
	for (size_t i = 0; i < sizeof scripts / sizeof *scripts; i++) {
		const struct cr_dent *e = cr_dtree_find(c, scripts[i]);
		if (!e)
			continue;
		/* The source package's debian/<script> or debian/<pkg>.<script> is what it should be. */
		const struct cr_dent *s = cr_dtree_find(&d->src, scripts[i]);
		char alt[64];
		snprintf(alt, sizeof alt, "debian/%s", scripts[i]);
		if (!s)
			s = cr_dtree_find(&d->src, alt);
		if (!s)
			for (size_t k = 0; k < d->src.n && !s; k++) {
				const char *p = d->src.e[k].path;
				if (!strncmp(p, "debian/", 7) && !strchr(p + 7, '/') && cr_dends(p, scripts[i]) &&
				    p[strlen(p) - strlen(scripts[i]) - 1] == '.')
					s = &d->src.e[k];
			}
		bool ok;
		if (s && s->has_data && e->has_data && !memcmp(s->sha, e->sha, 32))
			ok = cr_diff_add(d, DC_HOOK_PRESENT, DS_LOW, scripts[i], s->path, NULL,
					 "maintainer script %s runs as root at install, as in the source", scripts[i]);
		else
			/* dh_installdeb adds its own lines ("#DEBHELPER#"): a difference needs reading, not blocking. */
			ok = cr_diff_add(d, DC_HOOK_PRESENT, s ? DS_MEDIUM : DS_LOW, scripts[i], s ? s->path : NULL, NULL,
					 s ? "maintainer script %s runs as root at install and differs from the source's"
					   : "maintainer script %s runs as root at install (the source has no copy to compare)",
					 scripts[i]);
		if (!ok)
			return false;
	}
	return true;
}

/* --- crates ------------------------------------------------------------------------- */

char *cr_eco_path_in_vcs(const struct cr_dtree *pkg)
{
	struct cr_jv *j = parse_dent(cr_dtree_find(pkg, ".cargo_vcs_info.json"));
	const struct cr_jv *p = cr_json_get(j, "path_in_vcs");
	char *out = p && p->k == J_STR && p->slen && !memchr(p->s, 0, p->slen) ? strdup(p->s) : NULL;
	cr_json_free(j);
	return out;
}

/* The commit the package says it was made from, against the source's (when known). */
static bool vcs_ref(struct crible_diff *d, const char *where, const char *sha, bool dirty)
{
	bool ok = true;
	if (dirty)
		ok = cr_diff_add(d, DC_VCS_REF, DS_MEDIUM, where, NULL, NULL, "%s",
				 "made from a working tree with uncommitted changes (dirty)");
	if (!ok || !sha || !*sha)
		return ok;
	if (!d->src.commit[0])
		return cr_diff_add(d, DC_VCS_REF, DS_INFO, where, NULL, NULL,
				   "made from commit %.64s; the source's commit is unknown (a checkout with .git, or --commit)", sha);
	/* A commit given short (--commit 1a2b3c4) matches the full one it starts. */
	if (strncmp(sha, d->src.commit, strlen(d->src.commit)))
		return cr_diff_add(d, DC_VCS_REF, DS_MEDIUM, where, NULL, NULL, "made from commit %.64s, the source is at %s",
				   sha, d->src.commit);
	return cr_diff_add(d, DC_VCS_REF, DS_OK, where, NULL, NULL, "made from the source's commit %s", d->src.commit);
}

static bool crate(struct crible_diff *d)
{
	struct cr_jv *j = parse_dent(cr_dtree_find(&d->pkg, ".cargo_vcs_info.json"));
	const struct cr_jv *git = cr_json_get(j, "git"), *sha = cr_json_get(git, "sha1"), *dirty = cr_json_get(git, "dirty");
	bool ok = vcs_ref(d, ".cargo_vcs_info.json", sha && sha->k == J_STR ? sha->s : NULL, dirty && dirty->k == J_TRUE);
	cr_json_free(j);
	/* cargo package rewrites Cargo.toml and keeps the original as Cargo.toml.orig: that is the one to compare. */
	const struct cr_dent *orig = cr_dtree_find(&d->pkg, "Cargo.toml.orig"), *src = cr_dtree_find(&d->src, "Cargo.toml");
	if (!ok || !orig)
		return ok;
	if (!src)
		return cr_diff_add(d, DC_BUILD_FILE_DIFF, DS_HIGH, "Cargo.toml.orig", "Cargo.toml", NULL, "%s",
				   "the source has no Cargo.toml to compare with (another --subdir?)");
	if (orig->has_data && src->has_data && !memcmp(orig->sha, src->sha, 32))
		return true;
	char *ev = orig->body && src->body ? cr_line_diff(src->body, src->bodylen, orig->body, orig->bodylen, 40) : NULL;
	ok = cr_diff_add(d, DC_BUILD_FILE_DIFF, DS_HIGH, "Cargo.toml.orig", "Cargo.toml", ev, "%s",
			 "the manifest cargo packaged differs from the source's Cargo.toml");
	free(ev);
	return ok;
}

bool cr_eco_hooks(struct crible_diff *d)
{
	switch (d->eco) {
	case ECO_NPM:
		return npm(d);
	case ECO_DEB:
		return deb(d);
	case ECO_CRATE:
		return crate(d);
	default:
		return true;
	}
}
