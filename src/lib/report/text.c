/*
 * text.c - a result for a person, and the one entry point that renders a
 * result in any form (crible_result_render): every face (the command,
 * the daemon) prints what this file and json.c make, nothing else.
 *
 *   path: verdict type (mime) id, id        the ids that decide the verdict, each once
 *     severity id in where > where: detail  with CRIBLE_VERBOSE, every finding
 *     entry kind where > where [-> link] [size sha256]  the listing (CRIBLE_OPT_LIST)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/scan.h"
#include "buf.h"
#include "sarif.h"

/*
 * Every string that came from the input (a path, a name in an archive, a
 * link target, a detail quoting either) goes through here: a name holding
 * ESC[1A ESC[2K would otherwise erase the block line above it and print a
 * fake allow (issue 14).  Controls, DEL, C1, bidi marks and invalid UTF-8
 * become visible escapes (report/buf.c, cr_buf_text_str).
 */
static void put(struct cr_buf *b, const char *s)
{
	if (s)
		cr_buf_text_str(b, s, strlen(s));
}

/*
 * What an extraction did: one summary line, then each entry renamed or
 * skipped (verbose: every entry written too, and other readers' versions
 * of entries written):
 *   extract: written 12 files (3400 bytes), 1 renamed, 2 skipped
 *   renamed  con.txt -> _con.txt: path.device
 *   skipped  ../evil.sh: path.traversal
 */
static void xtext(struct cr_buf *b, const struct cr_xrep *x, bool verbose)
{
	size_t ren = 0, sk = 0;
	for (size_t i = 0; i < x->n; i++) {
		ren += x->v[i].action == CRIBLE_XA_RENAMED;
		sk += x->v[i].action == CRIBLE_XA_SKIPPED;
	}
	if (x->status == CRIBLE_XS_WRITTEN)
		cr_buf_printf(b, "  extract: written %llu entries (%llu bytes), %zu renamed, %zu skipped\n",
			      (unsigned long long)x->files, (unsigned long long)x->bytes, ren, sk);
	else {
		cr_buf_printf(b, "  extract: %s, nothing written: ", x->status == CRIBLE_XS_FAILED ? "failed" : "refused");
		put(b, x->reason);
		cr_buf_add(b, "\n", 1);
	}
	for (size_t i = 0; i < x->n; i++) {
		const crible_xentry *e = &x->v[i];
		if ((e->action == CRIBLE_XA_WRITTEN || e->other_reading) && !verbose)
			continue;
		cr_buf_printf(b, "  %-8s ", e->action == CRIBLE_XA_WRITTEN ? "written" : e->action == CRIBLE_XA_RENAMED
										    ? "renamed"
										    : "skipped");
		put(b, e->name);
		if (e->action == CRIBLE_XA_RENAMED && e->path) {
			cr_buf_str(b, " -> ");
			put(b, e->path);
		}
		if (e->why) {
			cr_buf_str(b, ": ");
			put(b, e->why);
		}
		if (e->sha256 && verbose)
			cr_buf_printf(b, " %llu %s", (unsigned long long)e->size, e->sha256);
		cr_buf_add(b, "\n", 1);
	}
}

/*
 * CRIBLE_COLOR: SGR sequences of our own around words of our own (a
 * verdict, a severity), never around a string from the input, which
 * put() has escaped anyway.  block and high bold red, warn and medium
 * yellow, allow green, low plain.
 */
static const char *sgr(int level) { return level == 2 ? "\033[1;31m" : level == 1 ? "\033[33m" : "\033[32m"; }

static void word(struct cr_buf *b, const char *w, int level, bool color, bool plain_low)
{
	if (!color || (plain_low && level == 0)) {
		cr_buf_str(b, w);
		return;
	}
	cr_buf_str(b, sgr(level));
	cr_buf_str(b, w);
	cr_buf_str(b, "\033[0m");
}

static void text(struct cr_buf *b, const crible_result *r, const char *path, bool verbose, bool color)
{
	crible_verdict v = crible_result_verdict(r);
	put(b, path);
	cr_buf_str(b, ": ");
	word(b, crible_verdict_name(v), (int)v, color, false);
	cr_buf_printf(b, " %s (%s)", crible_result_type_name(r), crible_result_mime(r));
	size_t nf = crible_result_count(r);
	bool first = true, seen[F_NIDS] = {0};
	/* The findings that decide the verdict, each id once (an archive may hold one at many places). */
	for (size_t i = 0; i < nf && !verbose; i++) {
		const struct cr_find *f = &r->f[i];
		if ((crible_verdict)f->sev < v && v != CRIBLE_ALLOW)
			continue;
		if (seen[f->fid])
			continue;
		seen[f->fid] = true;
		cr_buf_str(b, first ? " " : ", ");
		cr_buf_str(b, cr_fdefs[f->fid].id);
		first = false;
	}
	cr_buf_add(b, "\n", 1);
	for (size_t i = 0; i < nf && verbose; i++) {
		const crible_finding *f = crible_result_finding(r, i);
		const char *sn = crible_severity_name(f->severity);
		cr_buf_str(b, "  ");
		word(b, sn, (int)f->severity, color, true);
		cr_buf_printf(b, "%*s %s", (int)(6 - strlen(sn)), "", f->id);
		for (size_t w = 1; w < f->nwhere; w++) {
			cr_buf_str(b, w == 1 ? " in " : " > ");
			put(b, f->where[w]);
		}
		cr_buf_str(b, ": ");
		put(b, f->detail);
		if (f->count > 1)
			cr_buf_printf(b, " (%llu in all)", (unsigned long long)f->count);
		cr_buf_add(b, "\n", 1);
	}
	if (r->x)
		xtext(b, r->x, verbose);
	for (size_t i = 0; i < r->nlist; i++) {
		const crible_listed *l = &r->list[i];
		cr_buf_printf(b, "  entry  %-8s", cr_kind_name((int)l->kind));
		for (size_t w = 1; w < l->nwhere; w++) {
			cr_buf_str(b, w == 1 ? " " : " > ");
			put(b, l->where[w]);
		}
		if (l->link) {
			cr_buf_str(b, " -> ");
			put(b, l->link);
		}
		if (l->has_data)
			cr_buf_printf(b, " %llu %s", (unsigned long long)l->size, l->sha256);
		cr_buf_add(b, "\n", 1);
	}
}

crible_err crible_result_render(const crible_result *r, const char *path, unsigned flags, char **out, size_t *len)
{
	if (!r || !path || !out || !(flags & (CRIBLE_TEXT | CRIBLE_JSON | CRIBLE_SARIF)))
		return CRIBLE_EINVAL;
	*out = NULL;
	if (flags & CRIBLE_SARIF) {
		struct cr_buf s;
		cr_buf_init(&s, 64u << 20);
		cr_sarif_results(&s, r, path);
		if (!s.failed && !s.p)
			cr_buf_add(&s, "", 0);	/* no findings: an empty string, not NULL */
		if (s.failed || !s.p) {
			cr_buf_free(&s);
			return CRIBLE_ENOMEM;
		}
		*out = s.p;
		if (len)
			*len = s.len;
		return CRIBLE_OK;
	}
	if (flags & CRIBLE_JSON) {
		char *js;
		size_t n;
		crible_err e = crible_result_json(r, path, &js, &n);
		if (e != CRIBLE_OK)
			return e;
		char *line = realloc(js, n + 2);
		if (!line) {
			free(js);
			return CRIBLE_ENOMEM;
		}
		line[n] = '\n';
		line[n + 1] = '\0';
		*out = line;
		if (len)
			*len = n + 1;
		return CRIBLE_OK;
	}
	struct cr_buf b;
	cr_buf_init(&b, 64u << 20);
	if (flags & CRIBLE_MIME_ONLY) {
		put(&b, path);
		cr_buf_str(&b, ": ");
		cr_buf_str(&b, crible_result_mime(r));
		cr_buf_add(&b, "\n", 1);
	} else {
		text(&b, r, path, (flags & CRIBLE_VERBOSE) != 0, (flags & CRIBLE_COLOR) != 0);
	}
	if (b.failed) {
		cr_buf_free(&b);
		return CRIBLE_ENOMEM;
	}
	*out = b.p;
	if (len)
		*len = b.len;
	return CRIBLE_OK;
}

crible_err crible_error_render(const char *path, const char *msg, unsigned flags, char **out, size_t *len)
{
	if (!path || !msg || !out)
		return CRIBLE_EINVAL;
	struct cr_buf b;
	cr_buf_init(&b, 1u << 20);
	if (flags & CRIBLE_SARIF) {
		cr_sarif_error(&b, path, msg);
	} else if (flags & CRIBLE_JSON) {
		/* An input that could not be judged is an error object, never a verdict. */
		cr_buf_str(&b, "{\"path\":");
		cr_buf_json_str(&b, path);
		cr_buf_str(&b, ",\"error\":");
		cr_buf_json_str(&b, msg);
		cr_buf_str(&b, "}\n");
	} else {
		cr_buf_str(&b, "crible: ");
		put(&b, path);
		cr_buf_str(&b, ": ");
		put(&b, msg);
		cr_buf_add(&b, "\n", 1);
	}
	if (b.failed) {
		cr_buf_free(&b);
		return CRIBLE_ENOMEM;
	}
	*out = b.p;
	if (len)
		*len = b.len;
	return CRIBLE_OK;
}

crible_err crible_text_escape(const char *s, size_t n, char **out)
{
	if (!s || !out)
		return CRIBLE_EINVAL;
	struct cr_buf b;
	cr_buf_init(&b, 64u << 20);
	cr_buf_text_str(&b, s, n);
	cr_buf_add(&b, "", 0);
	if (b.failed) {
		cr_buf_free(&b);
		return CRIBLE_ENOMEM;
	}
	*out = b.p;
	return CRIBLE_OK;
}

void crible_size_text(uint64_t bytes, char *buf, size_t n)
{
	static const char *const unit[] = {"KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
	if (!buf || !n)
		return;
	if (bytes < 1024) {
		snprintf(buf, n, "%llu B", (unsigned long long)bytes);
		return;
	}
	double d = (double)bytes / 1024.0;
	size_t u = 0;
	while (d >= 1024.0 && u + 1 < sizeof unit / sizeof unit[0]) {
		d /= 1024.0;
		u++;
	}
	snprintf(buf, n, "%.1f %s", d, unit[u]);
}
