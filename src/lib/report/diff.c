/*
 * report/diff.c - a comparison (crible diff) for a person, for a program,
 * and as an attestation.
 *
 * Text:
 *   crible diff: SUSPICIOUS  package pkg.tgz (npm, gzip > npm, sha256 ab12...)  source pkg/ (folder)
 *   counts: HOOK_ADDED 1, PKG_ONLY 1, SAME 12, SRC_ONLY 5
 *   CRITICAL HOOK_ADDED     package.json: scripts.postinstall runs at install and is not in the source
 *                           | node setup.js
 *   INFO     SRC_ONLY       5 entries: test/ (4), .travis.yml
 *
 * JSON (docs/diff.md):
 *   {"crible_diff":1,"verdict":…,"package":{…},"source":{…},"counts":{…},
 *    "findings":[{"class","severity","path","src_path","detail","evidence"}],
 *    "scan":<the package's crible scan result>}
 *
 * Attestation: an in-toto Statement v1 whose predicate is a SLSA
 * verification_summary/v1 (rebuild.md §5), keys sorted, nothing that
 * varies but timeVerified.  crible verifies no build platform, so the
 * level it claims is its own: CRIBLE_SOURCE_MATCH, or FAILED.
 */
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../diff/diff.h"
#include "../io/json.h"
#include "buf.h"

static const char *const verdict_names[] = {"MATCH", "DIVERGENT", "SUSPICIOUS"};

static void hexsha(struct cr_buf *b, const uint8_t sha[32])
{
	static const char x[] = "0123456789abcdef";
	char h[65];
	for (int i = 0; i < 32; i++) {
		h[2 * i] = x[sha[i] >> 4];
		h[2 * i + 1] = x[sha[i] & 15];
	}
	h[64] = '\0';
	cr_buf_str(b, h);
}

static void text_name(struct cr_buf *b, const char *s) { cr_buf_text_str(b, s, strlen(s)); }

/* SRC_ONLY in one line: each top folder with its count, then single files. */
static void src_only_line(struct cr_buf *b, const struct crible_diff *d)
{
	size_t n = d->count[DC_SRC_ONLY], shown = 0;
	cr_buf_str(b, "INFO     SRC_ONLY       ");
	cr_buf_u64(b, n);
	cr_buf_str(b, n == 1 ? " entry only the source has: " : " entries only the source has: ");
	for (size_t i = 0; i < d->nf && shown < 12; i++) {
		const struct cr_dfind *f = &d->f[i];
		if (f->cls != DC_SRC_ONLY)
			continue;
		size_t l = strcspn(f->path, "/");
		bool dir = f->path[l] == '/';
		/* Skip the rest of a folder already shown. */
		if (i && d->f[i - 1].cls == DC_SRC_ONLY && dir && !strncmp(d->f[i - 1].path, f->path, l + 1))
			continue;
		size_t k = 0;
		if (dir)
			for (size_t j = i; j < d->nf && d->f[j].cls == DC_SRC_ONLY && !strncmp(d->f[j].path, f->path, l + 1); j++)
				k++;
		if (shown)
			cr_buf_str(b, ", ");
		cr_buf_text_str(b, f->path, dir ? l + 1 : strlen(f->path));
		if (dir) {
			cr_buf_str(b, " (");
			cr_buf_u64(b, k);
			cr_buf_str(b, ")");
		}
		shown++;
	}
	if (shown == 12)
		cr_buf_str(b, ", ...");
	cr_buf_str(b, "\n");
}

static void text(struct cr_buf *b, const struct crible_diff *d)
{
	cr_buf_str(b, "crible diff: ");
	cr_buf_str(b, verdict_names[crible_diff_verdict_of(d)]);
	cr_buf_str(b, "  package ");
	text_name(b, d->pkg.name);
	cr_buf_str(b, " (");
	cr_buf_str(b, cr_eco_name(d->eco));
	cr_buf_str(b, ", ");
	text_name(b, d->pkg.layout);
	if (d->pkg.hashed) {
		cr_buf_str(b, ", sha256 ");
		hexsha(b, d->pkg.sha);
	}
	cr_buf_str(b, ")  source ");
	text_name(b, d->src.name);
	cr_buf_str(b, " (");
	text_name(b, d->src.layout);
	cr_buf_str(b, ")\ncounts:");
	bool first = true;
	/* Alphabetical, as in the JSON. */
	const char *names[DC_NCLASSES];
	size_t idx[DC_NCLASSES], nn = 0;
	for (size_t c = 0; c < DC_NCLASSES; c++)
		if (d->count[c]) {
			size_t k = nn++;
			while (k && strcmp(names[k - 1], cr_dclasses[c].name) > 0) {
				names[k] = names[k - 1];
				idx[k] = idx[k - 1];
				k--;
			}
			names[k] = cr_dclasses[c].name;
			idx[k] = c;
		}
	for (size_t k = 0; k < nn; k++) {
		cr_buf_str(b, first ? " " : ", ");
		cr_buf_str(b, names[k]);
		cr_buf_str(b, " ");
		cr_buf_u64(b, d->count[idx[k]]);
		first = false;
	}
	if (first)
		cr_buf_str(b, " nothing to compare");
	cr_buf_str(b, "\n");
	bool src_done = false;
	for (size_t i = 0; i < d->nf; i++) {
		const struct cr_dfind *f = &d->f[i];
		if (f->cls == DC_SRC_ONLY) {
			if (!src_done)
				src_only_line(b, d);
			src_done = true;
			continue;
		}
		char head[40];
		static const char *const up[] = {"OK", "INFO", "LOW", "MEDIUM", "HIGH", "CRITICAL"};
		snprintf(head, sizeof head, "%-8s %-14s ", up[f->sev], cr_dclasses[f->cls].name);
		cr_buf_str(b, head);
		if (f->path[0]) {
			text_name(b, f->path);
			cr_buf_str(b, ": ");
		}
		text_name(b, f->detail);
		cr_buf_str(b, "\n");
		if (f->evidence) {
			const char *p = f->evidence;
			while (*p) {
				size_t l = strcspn(p, "\n");
				cr_buf_str(b, "                         | ");
				cr_buf_text_str(b, p, l);
				cr_buf_str(b, "\n");
				p += l + (p[l] == '\n');
			}
		}
	}
}

static void json_side(struct cr_buf *b, const struct cr_dtree *t, const char *eco)
{
	cr_buf_str(b, "{\"name\":");
	cr_buf_json_str(b, t->name);
	cr_buf_str(b, ",\"kind\":");
	cr_buf_json_str(b, t->kind == DTREE_DIR ? "folder" : "archive");
	if (t->hashed) {
		cr_buf_str(b, ",\"sha256\":\"");
		hexsha(b, t->sha);
		cr_buf_str(b, "\"");
	}
	if (eco) {
		cr_buf_str(b, ",\"eco\":");
		cr_buf_json_str(b, eco);
	}
	cr_buf_str(b, ",\"layout\":");
	cr_buf_json_str(b, t->layout);
	if (t->top) {
		cr_buf_str(b, ",\"top\":");
		cr_buf_json_str(b, t->top);
	}
	cr_buf_str(b, ",\"entries\":");
	cr_buf_u64(b, t->n);
	cr_buf_str(b, "}");
}

/* "counts":{...} with the classes in alphabetical order. */
static void json_counts(struct cr_buf *b, const struct crible_diff *d)
{
	bool used[DC_NCLASSES] = {0};
	cr_buf_str(b, "{");
	for (size_t k = 0, first = 1;; k++) {
		size_t best = DC_NCLASSES;
		for (size_t c = 0; c < DC_NCLASSES; c++)
			if (d->count[c] && !used[c] && (best == DC_NCLASSES || strcmp(cr_dclasses[c].name, cr_dclasses[best].name) < 0))
				best = c;
		if (best == DC_NCLASSES)
			break;
		used[best] = true;
		if (!first)
			cr_buf_str(b, ",");
		first = 0;
		cr_buf_json_str(b, cr_dclasses[best].name);
		cr_buf_str(b, ":");
		cr_buf_u64(b, d->count[best]);
	}
	cr_buf_str(b, "}");
}

static void json(struct cr_buf *b, const struct crible_diff *d)
{
	cr_buf_str(b, "{\"crible_diff\":1,\"verdict\":\"");
	cr_buf_str(b, verdict_names[crible_diff_verdict_of(d)]);
	cr_buf_str(b, "\",\"package\":");
	json_side(b, &d->pkg, cr_eco_name(d->eco));
	cr_buf_str(b, ",\"source\":");
	json_side(b, &d->src, NULL);
	cr_buf_str(b, ",\"counts\":");
	json_counts(b, d);
	cr_buf_str(b, ",\"findings\":[");
	for (size_t i = 0; i < d->nf; i++) {
		const struct cr_dfind *f = &d->f[i];
		cr_buf_str(b, i ? ",{\"class\":" : "{\"class\":");
		cr_buf_json_str(b, cr_dclasses[f->cls].name);
		cr_buf_str(b, ",\"severity\":");
		cr_buf_json_str(b, cr_dsev_name(f->sev));
		cr_buf_str(b, ",\"path\":");
		cr_buf_json_str(b, f->path);
		if (f->src_path) {
			cr_buf_str(b, ",\"src_path\":");
			cr_buf_json_str(b, f->src_path);
		}
		cr_buf_str(b, ",\"detail\":");
		cr_buf_json_str(b, f->detail);
		if (f->evidence) {
			cr_buf_str(b, ",\"evidence\":");
			cr_buf_json_str(b, f->evidence);
		}
		cr_buf_str(b, "}");
	}
	cr_buf_str(b, "]");
	if (d->pkg.scan) {
		char *s = NULL;
		size_t l = 0;
		if (crible_result_json(d->pkg.scan, d->pkg.name, &s, &l) == CRIBLE_OK) {
			cr_buf_str(b, ",\"scan\":");
			cr_buf_add(b, s, l);
		} else {
			b->failed = true;
		}
		free(s);
	}
	cr_buf_str(b, "}\n");
}

/* The SHA-256 of the severity table in force: what "policy" names. */
static void policy_digest(struct cr_buf *b)
{
	struct cr_buf t;
	cr_buf_init(&t, 1u << 16);
	for (size_t c = 0; c < DC_NCLASSES; c++) {
		cr_buf_str(&t, cr_dclasses[c].name);
		cr_buf_str(&t, "=");
		cr_buf_str(&t, cr_dsev_name(cr_dclasses[c].sev));
		cr_buf_str(&t, "\n");
	}
	uint8_t md[32];
	unsigned ml = 0;
	if (t.failed || !EVP_Digest(t.p, t.len, md, &ml, EVP_sha256(), NULL) || ml != 32)
		b->failed = true;
	else
		hexsha(b, md);
	cr_buf_free(&t);
}

/* pkg:npm/name@version (a package URL) when the package.json says both; else the file's name. */
static void resource_uri(struct cr_buf *b, const struct crible_diff *d)
{
	const struct cr_dent *e = d->eco == ECO_NPM ? cr_dtree_find(&d->pkg, "package.json") : NULL;
	const char *why;
	struct cr_jv *j = e && e->body ? cr_json_parse(e->body, e->bodylen, &why) : NULL;
	const struct cr_jv *n = cr_json_get(j, "name"), *v = cr_json_get(j, "version");
	if (n && v && n->k == J_STR && v->k == J_STR && n->slen && v->slen) {
		struct cr_buf u;
		cr_buf_init(&u, 4096);
		cr_buf_str(&u, "pkg:npm/");
		/* purl: the scope's '@' is percent-encoded. */
		if (n->s[0] == '@') {
			cr_buf_str(&u, "%40");
			cr_buf_str(&u, n->s + 1);
		} else {
			cr_buf_str(&u, n->s);
		}
		cr_buf_str(&u, "@");
		cr_buf_str(&u, v->s);
		cr_buf_json_str(b, u.p ? u.p : "");
		cr_buf_free(&u);
	} else {
		cr_buf_json_str(b, d->pkg.name);
	}
	cr_json_free(j);
}

static void attest(struct cr_buf *b, const struct crible_diff *d, const char *when)
{
	bool pass = crible_diff_verdict_of(d) == CRIBLE_DIFF_MATCH;
	cr_buf_str(b, "{\"_type\":\"https://in-toto.io/Statement/v1\",\"predicate\":{\"policy\":{\"digest\":{\"sha256\":\"");
	policy_digest(b);
	cr_buf_str(b, "\"},\"uri\":\"urn:crible:policy:default:1\"},\"resourceUri\":");
	resource_uri(b, d);
	cr_buf_str(b, ",\"slsaVersion\":\"1.0\",\"timeVerified\":");
	cr_buf_json_str(b, when);
	cr_buf_str(b, ",\"urn:crible:diff\":{\"counts\":");
	json_counts(b, d);
	cr_buf_str(b, ",\"source\":{\"kind\":");
	cr_buf_json_str(b, d->src.kind == DTREE_DIR ? "folder" : "archive");
	cr_buf_str(b, ",\"name\":");
	cr_buf_json_str(b, d->src.name);
	if (d->src.hashed) {
		cr_buf_str(b, ",\"sha256\":\"");
		hexsha(b, d->src.sha);
		cr_buf_str(b, "\"");
	}
	cr_buf_str(b, "},\"verdict\":\"");
	cr_buf_str(b, verdict_names[crible_diff_verdict_of(d)]);
	cr_buf_str(b, "\"},\"verificationResult\":\"");
	cr_buf_str(b, pass ? "PASSED" : "FAILED");
	cr_buf_str(b, "\",\"verifiedLevels\":[\"");
	cr_buf_str(b, pass ? "CRIBLE_SOURCE_MATCH" : "FAILED");
	cr_buf_str(b, "\"],\"verifier\":{\"id\":\"urn:crible:diff:1\"}},"
		      "\"predicateType\":\"https://slsa.dev/verification_summary/v1\",\"subject\":[{\"digest\":{\"sha256\":\"");
	hexsha(b, d->pkg.sha);
	cr_buf_str(b, "\"},\"name\":");
	const char *base = strrchr(d->pkg.name, '/');
	cr_buf_json_str(b, base ? base + 1 : d->pkg.name);
	cr_buf_str(b, "}]}\n");
}

crible_err crible_diff_render(const crible_diff *d, int form, const char *when, char **out, size_t *len)
{
	if (!d || !out || !d->ran || (form != CRIBLE_DIFF_TEXT && form != CRIBLE_DIFF_JSON && form != CRIBLE_DIFF_ATTEST))
		return CRIBLE_EINVAL;
	*out = NULL;
	if (form == CRIBLE_DIFF_ATTEST && !d->pkg.hashed)
		return CRIBLE_EINVAL;	/* a subject is matched by its digest: hashing must be on */
	char now[32];
	if (!when) {
		time_t t = time(NULL);
		struct tm tm;
		gmtime_r(&t, &tm);
		strftime(now, sizeof now, "%Y-%m-%dT%H:%M:%SZ", &tm);
		when = now;
	}
	struct cr_buf b;
	cr_buf_init(&b, 256u << 20);
	if (form == CRIBLE_DIFF_TEXT)
		text(&b, d);
	else if (form == CRIBLE_DIFF_JSON)
		json(&b, d);
	else
		attest(&b, d, when);
	if (b.failed || !b.p) {
		cr_buf_free(&b);
		return CRIBLE_ENOMEM;
	}
	*out = b.p;
	if (len)
		*len = b.len;
	return CRIBLE_OK;
}
