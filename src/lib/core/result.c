/*
 * result.c - findings as they are recorded, the verdict, the getters.
 *
 * The verdict is the worst severity over every finding emitted, updated
 * as each one is emitted, before any decision to list or drop it: what
 * the report can hold never decides what the verdict says.  A finding
 * with the same id at the same place as an earlier one is a duplicate
 * (a rule seeing one entry twice) and is dropped; the check is a hash
 * set, so 100 000 entries cost 100 000 lookups, not 10^10 comparisons.
 * Past CR_MAX_FINDINGS, findings are counted per id only, and one
 * limit.findings says so: a truncated report never reads as complete.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scan.h"

static crible_verdict verdict_of(crible_severity s)
{
	return s == CRIBLE_SEV_HIGH ? CRIBLE_BLOCK : s == CRIBLE_SEV_MEDIUM ? CRIBLE_WARN : CRIBLE_ALLOW;
}

/* FNV-1a over the id and every `where` element, each ended by a NUL. */
static uint64_t key_of(enum cr_fid fid, const char *const *where, size_t nwhere)
{
	uint64_t h = 1469598103934665603ull ^ (uint64_t)fid;
	h *= 1099511628211ull;
	for (size_t k = 0; k < nwhere; k++) {
		for (const char *p = where[k]; *p; p++)
			h = (h ^ (uint8_t)*p) * 1099511628211ull;
		h = (h ^ 0xff) * 1099511628211ull;
	}
	return h ? h : 1;	/* 0 marks an empty slot */
}

/* Adds key; 1 when it was new, 0 when already there, -1 on ENOMEM. */
static int seen_add(crible_result *r, uint64_t key)
{
	if ((r->seenused + 1) * 2 > r->seencap) {
		size_t cap = r->seencap ? r->seencap * 2 : 16;	/* most objects have a finding or two */
		uint64_t *t = calloc(cap, sizeof *t);
		if (!t)
			return -1;
		for (size_t i = 0; i < r->seencap; i++) {
			if (!r->seen[i])
				continue;
			size_t j = r->seen[i] & (cap - 1);
			while (t[j])
				j = (j + 1) & (cap - 1);
			t[j] = r->seen[i];
		}
		free(r->seen);
		r->seen = t;
		r->seencap = cap;
	}
	size_t j = key & (r->seencap - 1);
	while (r->seen[j]) {
		if (r->seen[j] == key)
			return 0;
		j = (j + 1) & (r->seencap - 1);
	}
	r->seen[j] = key;
	r->seenused++;
	return 1;
}

/* Appends a finding to the list; false on ENOMEM. */
static bool store(crible_result *r, enum cr_fid fid, crible_severity sev, const char *detail,
		  const char *const *where, size_t nwhere)
{
	if (r->nf == r->cap) {
		size_t cap = r->cap ? r->cap * 2 : 8;
		struct cr_find *nf = reallocarray(r->f, cap, sizeof *nf);
		if (!nf)
			return false;
		r->f = nf;
		r->cap = cap;
	}
	struct cr_find *f = &r->f[r->nf];
	memset(f, 0, sizeof *f);
	f->fid = fid;
	f->sev = sev;
	f->detail = strdup(detail);
	f->where = calloc(nwhere ? nwhere : 1, sizeof *f->where);
	if (!f->detail || !f->where)
		goto oom;
	for (size_t k = 0; k < nwhere; k++) {
		f->where[k] = strdup(where[k]);
		if (!f->where[k])
			goto oom;
		f->nwhere = k + 1;
	}
	r->nf++;
	r->listed[fid]++;
	return true;
oom:
	for (size_t k = 0; k < f->nwhere; k++)
		free(f->where[k]);
	free(f->where);
	free(f->detail);
	return false;
}

/*
 * Records one finding at where[0, nwhere) in s->res: the verdict first,
 * then the duplicate check, the count, and the list while it has room.
 * `move`, when given, is a finding of another result at that place: it
 * is moved into the list instead of copied (cr_result_merge).
 */
static void record(struct cr_scan *s, enum cr_fid fid, crible_severity sev, const char *detail,
		   const char *const *where, size_t nwhere, struct cr_find *move)
{
	crible_result *r = s->res;
	if ((unsigned)fid >= F_NIDS)
		return;
	/* First the verdict: nothing below may lose it. */
	if (verdict_of(sev) > r->verdict)
		r->verdict = verdict_of(sev);
	if ((int)sev > s->mark_sev)
		s->mark_sev = (int)sev;
	if (s->err != CRIBLE_OK)
		return;
	int fresh = seen_add(r, key_of(fid, where, nwhere));
	if (fresh <= 0) {
		if (fresh < 0)
			s->err = CRIBLE_ENOMEM;
		return;
	}
	r->total[fid]++;
	/* The first of each id is always listed, so every id reported has a line to carry its count. */
	if (r->nf < CR_MAX_FINDINGS || r->listed[fid] == 0) {
		if (move) {
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
			r->f[r->nf++] = *move;
			r->listed[fid]++;
			memset(move, 0, sizeof *move);
		} else if (!store(r, fid, sev, detail, where, nwhere)) {
			s->err = CRIBLE_ENOMEM;
		}
		return;
	}
	if (!r->truncated) {
		r->truncated = true;
		crible_severity ls = s->ctx->sev[F_LIMIT_FINDINGS] >= 0 ? (crible_severity)s->ctx->sev[F_LIMIT_FINDINGS]
									  : cr_fdefs[F_LIMIT_FINDINGS].severity;
		if (verdict_of(ls) > r->verdict)
			r->verdict = verdict_of(ls);
		char d[160];
		snprintf(d, sizeof d, "more than %d findings: the rest are counted per id, not listed",
			 CR_MAX_FINDINGS);
		r->total[F_LIMIT_FINDINGS]++;
		if (!store(r, F_LIMIT_FINDINGS, ls, d, where, 1))
			s->err = CRIBLE_ENOMEM;
	}
}

void cr_emit_final(struct cr_scan *s, enum cr_fid fid, crible_severity sev, const char *detail)
{
	record(s, fid, sev, detail, s->where, s->nwhere, NULL);
}

void cr_result_merge(struct cr_scan *s, crible_result *from)
{
	for (size_t i = 0; i < from->nf; i++) {
		struct cr_find *f = &from->f[i];
		record(s, f->fid, f->sev, f->detail, (const char *const *)f->where, f->nwhere, f);
	}
	if (from->verdict > s->res->verdict)
		s->res->verdict = from->verdict;
}

void cr_emit(struct cr_scan *s, enum cr_fid fid, int sev, const char *fmt, ...)
{
	int8_t over = s->ctx->sev[fid];
	crible_severity fs = over >= 0 ? (crible_severity)over : sev >= 0 ? (crible_severity)sev : cr_fdefs[fid].severity;
	char buf[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	cr_emit_final(s, fid, fs, buf);
}

crible_err cr_result_finish(crible_result *r)
{
	free(r->seen);
	r->seen = NULL;
	r->seencap = r->seenused = 0;
	if (r->nf) {
		r->pub = calloc(r->nf, sizeof *r->pub);
		if (!r->pub)
			return CRIBLE_ENOMEM;
	}
	bool first[F_NIDS] = {0};
	for (size_t i = 0; i < r->nf; i++) {
		const struct cr_find *f = &r->f[i];
		r->pub[i].id = cr_fdefs[f->fid].id;
		r->pub[i].severity = f->sev;
		r->pub[i].where = (const char *const *)f->where;
		r->pub[i].nwhere = f->nwhere;
		r->pub[i].detail = f->detail;
		r->pub[i].count = 1;
		if (!first[f->fid]) {
			first[f->fid] = true;
			if (r->total[f->fid] > r->listed[f->fid])
				r->pub[i].count = r->total[f->fid];
		}
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
	free(r->seen);
	cr_list_free(r);
	cr_xrep_free(r->x);
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
