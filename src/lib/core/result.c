/* result.c - findings as they are recorded, the verdict, the getters. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scan.h"

/* At most this many findings per top-level object: a hostile archive must not grow memory without bound. */
#define MAX_FINDINGS 4096

void cr_emit_final(struct cr_scan *s, enum cr_fid fid, crible_severity sev, const char *detail)
{
	crible_result *r = s->res;
	if (s->err != CRIBLE_OK || (unsigned)fid >= F_NIDS)
		return;
	for (size_t i = 0; i < r->nf; i++) {
		const struct cr_find *f = &r->f[i];
		if (f->fid != fid || f->nwhere != s->nwhere)
			continue;
		size_t k = 0;
		while (k < s->nwhere && strcmp(f->where[k], s->where[k]) == 0)
			k++;
		if (k == s->nwhere)
			return;
	}
	if (r->nf >= MAX_FINDINGS)
		return;
	if (r->nf == r->cap) {
		size_t cap = r->cap ? r->cap * 2 : 8;
		struct cr_find *nf = reallocarray(r->f, cap, sizeof *nf);
		if (!nf) {
			s->err = CRIBLE_ENOMEM;
			return;
		}
		r->f = nf;
		r->cap = cap;
	}
	struct cr_find *f = &r->f[r->nf];
	memset(f, 0, sizeof *f);
	f->fid = fid;
	f->sev = sev;
	f->detail = strdup(detail);
	f->where = calloc(s->nwhere ? s->nwhere : 1, sizeof *f->where);
	if (!f->detail || !f->where)
		goto oom;
	for (size_t k = 0; k < s->nwhere; k++) {
		f->where[k] = strdup(s->where[k]);
		if (!f->where[k])
			goto oom;
		f->nwhere = k + 1;
	}
	r->nf++;
	return;
oom:
	for (size_t k = 0; k < f->nwhere; k++)
		free(f->where[k]);
	free(f->where);
	free(f->detail);
	s->err = CRIBLE_ENOMEM;
}

void cr_emit(struct cr_scan *s, enum cr_fid fid, int sev, const char *fmt, ...)
{
	if (s->err != CRIBLE_OK)
		return;
	int8_t over = s->ctx->sev[fid];
	crible_severity fs = over >= 0 ? (crible_severity)over : sev >= 0 ? (crible_severity)sev : cr_fdefs[fid].sev;
	va_list ap;
	va_start(ap, fmt);
	char buf[512];
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	cr_emit_final(s, fid, fs, buf);
}

/* Builds the public views and the verdict: the worst severity wins. */
crible_err cr_result_finish(crible_result *r)
{
	r->verdict = CRIBLE_ALLOW;
	if (r->nf) {
		r->pub = calloc(r->nf, sizeof *r->pub);
		if (!r->pub)
			return CRIBLE_ENOMEM;
	}
	for (size_t i = 0; i < r->nf; i++) {
		const struct cr_find *f = &r->f[i];
		r->pub[i].id = cr_fdefs[f->fid].id;
		r->pub[i].severity = f->sev;
		r->pub[i].where = (const char *const *)f->where;
		r->pub[i].nwhere = f->nwhere;
		r->pub[i].detail = f->detail;
		crible_verdict v = f->sev == CRIBLE_SEV_HIGH ? CRIBLE_BLOCK
				   : f->sev == CRIBLE_SEV_MEDIUM ? CRIBLE_WARN : CRIBLE_ALLOW;
		if (v > r->verdict)
			r->verdict = v;
	}
	return CRIBLE_OK;
}

void crible_result_free(crible_result *r)
{
	if (!r)
		return;
	for (size_t i = 0; i < r->nf; i++) {
		for (size_t k = 0; k < r->f[i].nwhere; k++)
			free(r->f[i].where[k]);
		free(r->f[i].where);
		free(r->f[i].detail);
	}
	free(r->f);
	free(r->pub);
	free(r);
}

crible_verdict crible_result_verdict(const crible_result *r) { return r->verdict; }
uint64_t crible_result_size(const crible_result *r) { return r->size; }
const char *crible_result_sha256(const crible_result *r) { return r->has_sha ? r->sha256 : NULL; }
const char *crible_result_mime(const crible_result *r) { return cr_type_get(r->type)->mime; }
const char *crible_result_type_name(const crible_result *r) { return cr_type_get(r->type)->name; }
size_t crible_result_count(const crible_result *r) { return r->nf; }

const crible_finding *crible_result_finding(const crible_result *r, size_t i)
{
	return i < r->nf && r->pub ? &r->pub[i] : NULL;
}
