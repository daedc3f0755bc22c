/*
 * json.c - a result as one JSON object, the findings contract's shape:
 *
 *   {"path":…,"verdict":…,"size":…,"sha256":…,"type":{"mime":…,"name":…},
 *    "findings":[{"id":…,"severity":…,"where":[…],"detail":…}]}
 *
 * The first element of every `where` is the display path of the input.
 */
#include <stdlib.h>

#include "../core/scan.h"
#include "buf.h"

static const char *xstatus_name(crible_xstatus s)
{
	return s == CRIBLE_XS_WRITTEN ? "written" : s == CRIBLE_XS_REFUSED ? "refused" : s == CRIBLE_XS_FAILED ? "failed" : "none";
}

static const char *xaction_name(crible_xaction a)
{
	return a == CRIBLE_XA_WRITTEN ? "written" : a == CRIBLE_XA_RENAMED ? "renamed" : "skipped";
}

/*
 * What an extraction did:
 *   "extract":{"status":"written|refused|failed","reason":…,"files":N,"bytes":N,
 *              "entries":[{"name":…,"action":"written|renamed|skipped","path":…,
 *                          "kind":…,"size":N,"sha256":…,"why":…}]}
 */
static void cr_xrep_json(struct cr_buf *b, const struct cr_xrep *x)
{
	cr_buf_printf(b, ",\"extract\":{\"status\":\"%s\"", xstatus_name(x->status));
	if (x->reason && *x->reason) {
		cr_buf_str(b, ",\"reason\":");
		cr_buf_json_str(b, x->reason);
	}
	cr_buf_printf(b, ",\"files\":%llu,\"bytes\":%llu,\"entries\":[", (unsigned long long)x->files,
		      (unsigned long long)x->bytes);
	for (size_t i = 0; i < x->n; i++) {
		const crible_xentry *e = &x->v[i];
		cr_buf_str(b, i ? ",{\"name\":" : "{\"name\":");
		cr_buf_json_str(b, e->name ? e->name : "");
		cr_buf_printf(b, ",\"action\":\"%s\"", xaction_name(e->action));
		if (e->path) {
			cr_buf_str(b, ",\"path\":");
			cr_buf_json_str(b, e->path);
		}
		cr_buf_printf(b, ",\"kind\":\"%s\"", cr_kind_name((int)e->kind));
		if (e->has_data)
			cr_buf_printf(b, ",\"size\":%llu", (unsigned long long)e->size);
		if (e->sha256)
			cr_buf_printf(b, ",\"sha256\":\"%s\"", e->sha256);
		if (e->why) {
			cr_buf_str(b, ",\"why\":");
			cr_buf_json_str(b, e->why);
		}
		cr_buf_add(b, "}", 1);
	}
	cr_buf_str(b, "]}");
}

crible_err crible_result_json(const crible_result *r, const char *path, char **json, size_t *len)
{
	if (!r || !path || !json)
		return CRIBLE_EINVAL;
	struct cr_buf b;
	cr_buf_init(&b, 64u << 20);
	cr_buf_str(&b, "{\"path\":");
	cr_buf_json_str(&b, path);
	cr_buf_str(&b, ",\"verdict\":\"");
	cr_buf_str(&b, crible_verdict_name(r->verdict));
	cr_buf_str(&b, "\",\"size\":");
	cr_buf_u64(&b, r->size);
	if (r->has_sha) {
		cr_buf_str(&b, ",\"sha256\":\"");
		cr_buf_str(&b, r->sha256);
		cr_buf_add(&b, "\"", 1);
	}
	const struct cr_type *t = cr_type_get(r->type);
	cr_buf_str(&b, ",\"type\":{\"mime\":");
	cr_buf_json_str(&b, t->mime);
	cr_buf_str(&b, ",\"name\":");
	cr_buf_json_str(&b, t->name);
	cr_buf_str(&b, "},\"findings\":[");
	for (size_t i = 0; i < r->nf; i++) {
		const struct cr_find *f = &r->f[i];
		cr_buf_str(&b, i ? ",{\"id\":" : "{\"id\":");
		cr_buf_json_str(&b, cr_fdefs[f->fid].id);
		cr_buf_str(&b, ",\"severity\":\"");
		cr_buf_str(&b, crible_severity_name(f->sev));
		cr_buf_str(&b, "\",\"where\":[");
		for (size_t k = 0; k < f->nwhere; k++) {
			if (k)
				cr_buf_add(&b, ",", 1);
			cr_buf_json_str(&b, k == 0 ? path : f->where[k]);
		}
		cr_buf_str(&b, "],\"detail\":");
		cr_buf_json_str(&b, f->detail);
		if (r->pub && r->pub[i].count > 1) {
			cr_buf_str(&b, ",\"count\":");
			cr_buf_u64(&b, r->pub[i].count);
		}
		cr_buf_add(&b, "}", 1);
	}
	cr_buf_add(&b, "]", 1);
	if (r->listing) {
		cr_buf_str(&b, ",\"entries\":[");
		for (size_t i = 0; i < r->nlist; i++) {
			const crible_listed *l = &r->list[i];
			cr_buf_str(&b, i ? ",{\"where\":[" : "{\"where\":[");
			for (size_t k = 0; k < l->nwhere; k++) {
				if (k)
					cr_buf_add(&b, ",", 1);
				cr_buf_json_str(&b, k == 0 ? path : l->where[k]);
			}
			cr_buf_str(&b, "],\"kind\":\"");
			cr_buf_str(&b, cr_kind_name((int)l->kind));
			cr_buf_add(&b, "\"", 1);
			if (l->link) {
				cr_buf_str(&b, ",\"link\":");
				cr_buf_json_str(&b, l->link);
			}
			for (size_t k = 0; k < l->nalt; k++) {
				cr_buf_str(&b, k ? "," : ",\"alt\":[");
				cr_buf_json_str(&b, l->alt[k]);
				if (k + 1 == l->nalt)
					cr_buf_add(&b, "]", 1);
			}
			if (l->encrypted)
				cr_buf_str(&b, ",\"encrypted\":true");
			if (l->has_data) {
				cr_buf_str(&b, ",\"size\":");
				cr_buf_u64(&b, l->size);
				cr_buf_str(&b, ",\"sha256\":\"");
				cr_buf_str(&b, l->sha256);
				cr_buf_add(&b, "\"", 1);
			}
			cr_buf_add(&b, "}", 1);
		}
		cr_buf_add(&b, "]", 1);
	}
	if (r->x)
		cr_xrep_json(&b, r->x);
	cr_buf_add(&b, "}", 1);
	if (b.failed) {
		cr_buf_free(&b);
		return CRIBLE_ENOMEM;
	}
	*json = b.p;
	if (len)
		*len = b.len;
	return CRIBLE_OK;
}
