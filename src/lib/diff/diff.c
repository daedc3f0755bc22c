/*
 * diff.c - crible diff's public face (crible.h): the two sides, the run,
 * what it found.  The trees are tree.c's, the classes compare.c's and
 * eco.c's, the renderings report/diff.c's.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diff.h"
#include "../io/json.h"

static crible_err fail(crible_diff *d, crible_err e, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static crible_err fail(crible_diff *d, crible_err e, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(d->err, sizeof d->err, fmt, ap);
	va_end(ap);
	return e;
}

crible_diff *crible_diff_new(const crible_ctx *ctx)
{
	if (!ctx)
		return NULL;
	crible_diff *d = calloc(1, sizeof *d);
	if (d)
		d->ctx = ctx;
	return d;
}

void crible_diff_free(crible_diff *d)
{
	if (!d)
		return;
	cr_dtree_free(&d->pkg);
	cr_dtree_free(&d->src);
	for (size_t i = 0; i < d->nf; i++) {
		free(d->f[i].path);
		free(d->f[i].src_path);
		free(d->f[i].detail);
		free(d->f[i].evidence);
	}
	free(d->f);
	free(d->pub);
	cr_json_free(d->json[0]);
	cr_json_free(d->json[1]);
	free(d->subdir);
	free(d);
}

crible_err crible_diff_set_eco(crible_diff *d, const char *eco)
{
	if (!d)
		return CRIBLE_EINVAL;
	if (!eco) {
		d->eco_forced = false;
		return CRIBLE_OK;
	}
	if (!cr_eco_parse(eco, &d->eco))
		return fail(d, CRIBLE_EINVAL, "unknown ecosystem %.40s (npm, pypi, crate, autotools, deb, generic)", eco);
	d->eco_forced = true;
	return CRIBLE_OK;
}

crible_err crible_diff_set_subdir(crible_diff *d, const char *dir)
{
	if (!d)
		return CRIBLE_EINVAL;
	free(d->subdir);
	d->subdir = NULL;
	if (dir && !(d->subdir = strdup(dir)))
		return fail(d, CRIBLE_ENOMEM, "out of memory");
	return CRIBLE_OK;
}

static crible_err side(crible_diff *d, struct cr_dtree *t, bool *have, crible_err e, const char *what)
{
	*have = true;
	if (e != CRIBLE_OK)
		return fail(d, e, "%s: %s", what, t->why[0] ? t->why : crible_strerror(e));
	return CRIBLE_OK;
}

crible_err crible_diff_set_commit(crible_diff *d, const char *sha)
{
	if (!d)
		return CRIBLE_EINVAL;
	size_t l = sha ? strlen(sha) : 0;
	bool hex = l >= 7 && l <= 40;
	for (size_t i = 0; i < l && hex; i++)
		hex = (sha[i] >= '0' && sha[i] <= '9') || (sha[i] >= 'a' && sha[i] <= 'f');
	if (sha && !hex)
		return fail(d, CRIBLE_EINVAL, "a commit is 7 to 40 lowercase hex digits");
	snprintf(d->commit, sizeof d->commit, "%s", sha ? sha : "");
	return CRIBLE_OK;
}

crible_err crible_diff_package_fd(crible_diff *d, int fd, const char *name)
{
	if (!d || fd < 0 || !name || d->have_pkg)
		return d ? fail(d, CRIBLE_EINVAL, "the package is given once, as a file") : CRIBLE_EINVAL;
	return side(d, &d->pkg, &d->have_pkg, cr_dtree_from_fd(&d->pkg, d->ctx, fd, name), "package");
}

crible_err crible_diff_source_fd(crible_diff *d, int fd, const char *name)
{
	if (!d || fd < 0 || !name || d->have_src)
		return d ? fail(d, CRIBLE_EINVAL, "the source is given once") : CRIBLE_EINVAL;
	return side(d, &d->src, &d->have_src, cr_dtree_from_fd(&d->src, d->ctx, fd, name), "source");
}

crible_err crible_diff_source_dir(crible_diff *d, int dirfd, const char *name)
{
	if (!d || dirfd < 0 || !name || d->have_src)
		return d ? fail(d, CRIBLE_EINVAL, "the source is given once") : CRIBLE_EINVAL;
	return side(d, &d->src, &d->have_src, cr_dtree_from_dir(&d->src, dirfd, name), "source");
}

crible_err crible_diff_run(crible_diff *d)
{
	if (!d)
		return CRIBLE_EINVAL;
	if (!d->have_pkg || !d->have_src || d->ran)
		return fail(d, CRIBLE_EINVAL, "%s", d->ran ? "a comparison runs once" : "both the package and the source are needed");
	d->ran = true;
	d->err[0] = '\0';
	/* A .deb's data.tar holds paths from the root ("./usr/..."): no folder of its own to strip. */
	crible_err e = cr_dtree_finish(&d->pkg, d->pkg.kind == DTREE_ARCHIVE && !d->pkg.deb, NULL);
	if (e != CRIBLE_OK)
		return fail(d, e, "out of memory");
	if (!d->eco_forced)
		d->eco = cr_eco_detect(&d->pkg);
	/* A crate says where in its repository it lives: the source is re-rooted there unless told otherwise. */
	if (!d->subdir && d->eco == ECO_CRATE && (d->subdir = cr_eco_path_in_vcs(&d->pkg)))
		d->subdir_auto = true;
	if (d->commit[0])
		memcpy(d->src.commit, d->commit, sizeof d->commit);
	e = cr_dtree_finish(&d->src, d->src.kind == DTREE_ARCHIVE, d->subdir);
	if (e != CRIBLE_OK)
		return fail(d, e, "out of memory");
	if (d->subdir && d->src.n == 0 && !cr_diff_add(d, DC_INCOMPLETE, DS_HIGH, "", NULL, NULL,
						       "the source has nothing under %.200s%s", d->subdir,
						       d->subdir_auto ? " (the crate's path_in_vcs)" : ""))
		return fail(d, CRIBLE_ENOMEM, "out of memory");
	if ((e = cr_diff_compare(d)) != CRIBLE_OK)
		return fail(d, e, "out of memory");
	if (d->nf && !(d->pub = calloc(d->nf, sizeof *d->pub)))
		return fail(d, CRIBLE_ENOMEM, "out of memory");
	for (size_t i = 0; i < d->nf; i++)
		d->pub[i] = (crible_diff_finding){.cls = cr_dclasses[d->f[i].cls].name, .severity = (crible_dsev)d->f[i].sev,
						  .path = d->f[i].path, .src_path = d->f[i].src_path,
						  .detail = d->f[i].detail, .evidence = d->f[i].evidence};
	return CRIBLE_OK;
}

const char *crible_diff_errmsg(const crible_diff *d) { return d ? d->err : "no comparison"; }

crible_diff_verdict crible_diff_verdict_of(const crible_diff *d)
{
	if (!d || d->worst >= DS_CRITICAL)
		return CRIBLE_DIFF_SUSPICIOUS;
	return d->worst >= DS_MEDIUM ? CRIBLE_DIFF_DIVERGENT : CRIBLE_DIFF_MATCH;
}

crible_dsev crible_diff_worst(const crible_diff *d) { return d ? (crible_dsev)d->worst : CRIBLE_DSEV_CRITICAL; }

size_t crible_diff_nfindings(const crible_diff *d) { return d && d->pub ? d->nf : 0; }

const crible_diff_finding *crible_diff_finding_at(const crible_diff *d, size_t i)
{
	return d && d->pub && i < d->nf ? &d->pub[i] : NULL;
}

const crible_result *crible_diff_package_result(const crible_diff *d) { return d ? d->pkg.scan : NULL; }
