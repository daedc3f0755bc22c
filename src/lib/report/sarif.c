/*
 * sarif.c - results as SARIF 2.1.0 (OASIS), the log format code-scanning
 * dashboards read (GitHub, GitLab, Azure DevOps, DefectDojo).
 *
 * A scan is one SARIF log with one run.  A face streams it in three
 * parts, so that a scan of a million files never holds its whole log:
 *
 *   crible_sarif_begin        {"version":"2.1.0",…,"runs":[{"tool":{…rules…},"results":[
 *   crible_result_render      each input's results, CRIBLE_SARIF, joined with ","
 *   crible_error_render       each unreadable input, a notification (CRIBLE_SARIF)
 *   crible_sarif_end          ],"invocations":[{…notifications…}]}]}
 *
 * One rule per finding id, in the contract's order, so a result's
 * ruleIndex is its id's number; the rule texts are findings.c's, the same
 * that `crible explain` prints.  One result per finding:
 *
 *   level       high "error", medium "warning", low "note" (after policy)
 *   location    the input as an artifact URI (a relative path stays
 *               relative, an absolute one becomes file://, bytes outside
 *               RFC 3986's unreserved set are percent-encoded), and the
 *               `where` chain below it as a logical location
 *   properties  severity, verdict and the `where` chain as in the JSON
 *               Lines report; partialFingerprints a SHA-256 of the id
 *               and the chain below the input, stable across runs
 *
 * Every string goes through the JSON escaper (cr_buf_json_str), which
 * also writes bidi and other invisible characters as \u escapes.
 */
#include <openssl/evp.h>
#include <stdlib.h>
#include <string.h>

#include "../core/scan.h"
#include "buf.h"
#include "sarif.h"

#define SARIF_SCHEMA "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"

static const char *level_of(crible_severity s)
{
	return s == CRIBLE_SEV_HIGH ? "error" : s == CRIBLE_SEV_MEDIUM ? "warning" : "note";
}

/* GitHub's security-severity scale: 7.0-8.9 high, 4.0-6.9 medium, 0.1-3.9 low. */
static const char *score_of(crible_severity s)
{
	return s == CRIBLE_SEV_HIGH ? "8.0" : s == CRIBLE_SEV_MEDIUM ? "5.0" : "2.0";
}

/* "path.traversal" -> "PathTraversal": SARIF's human-readable rule name. */
static void rule_name(struct cr_buf *b, const char *id)
{
	char n[64];
	size_t k = 0;
	bool up = true;
	for (const char *p = id; *p && k + 1 < sizeof n; p++) {
		if (*p == '.' || *p == '-') {
			up = true;
			continue;
		}
		n[k++] = up && *p >= 'a' && *p <= 'z' ? (char)(*p - 32) : *p;
		up = false;
	}
	n[k] = '\0';
	cr_buf_json_str(b, n);
}

/* A display path as a URI reference (RFC 3986): unreserved bytes and '/' as they are, the rest %XX. */
static void uri_of(struct cr_buf *b, const char *path)
{
	static const char hex[] = "0123456789ABCDEF";
	struct cr_buf u;
	cr_buf_init(&u, 1u << 20);
	if (path[0] == '/')
		cr_buf_str(&u, "file://");
	for (const unsigned char *p = (const unsigned char *)path; *p; p++) {
		unsigned c = *p;
		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '.' ||
		    c == '_' || c == '~' || c == '/') {
			char ch = (char)c;
			cr_buf_add(&u, &ch, 1);
		} else {
			char e[3] = {'%', hex[c >> 4], hex[c & 15]};
			cr_buf_add(&u, e, 3);
		}
	}
	if (u.failed || !u.p)
		cr_buf_json_str(b, "");
	else
		cr_buf_json_str(b, u.p);
	cr_buf_free(&u);
}

/* A location naming the input, left open for the caller's other members and its closing brace. */
static void location_open(struct cr_buf *b, const char *path)
{
	cr_buf_str(b, "{\"physicalLocation\":{\"artifactLocation\":{\"uri\":");
	uri_of(b, path);
	cr_buf_str(b, "}}");
}

/* SHA-256 of the id and the chain below the input, NUL-separated, in hex. */
static void fingerprint(struct cr_buf *b, const struct cr_find *f)
{
	static const char hex[] = "0123456789abcdef";
	unsigned char h[EVP_MAX_MD_SIZE];
	unsigned hl = 0;
	const char *id = cr_fdefs[f->fid].id;
	EVP_MD_CTX *x = EVP_MD_CTX_new();
	bool ok = x && EVP_DigestInit_ex(x, EVP_sha256(), NULL) && EVP_DigestUpdate(x, id, strlen(id) + 1);
	for (size_t k = 1; ok && k < f->nwhere; k++)
		ok = EVP_DigestUpdate(x, f->where[k], strlen(f->where[k]) + 1);
	ok = ok && EVP_DigestFinal_ex(x, h, &hl);
	EVP_MD_CTX_free(x);
	if (!ok) {
		b->failed = true;
		return;
	}
	char s[2 * EVP_MAX_MD_SIZE + 1];
	for (unsigned i = 0; i < hl; i++) {
		s[2 * i] = hex[h[i] >> 4];
		s[2 * i + 1] = hex[h[i] & 15];
	}
	s[2 * hl] = '\0';
	cr_buf_str(b, ",\"partialFingerprints\":{\"crible/v1\":\"");
	cr_buf_str(b, s);
	cr_buf_str(b, "\"}");
}

/*
 * A JSON string of pre, the chain below the input ("a.zip > b/c.exe") and
 * post, joined first so that it goes through the escaper in one piece.
 */
static void chain_str(struct cr_buf *b, const char *pre, const struct cr_find *f, const char *post)
{
	struct cr_buf c;
	cr_buf_init(&c, 2u << 20);
	cr_buf_str(&c, pre);
	for (size_t k = 1; k < f->nwhere; k++) {
		if (k > 1)
			cr_buf_str(&c, " > ");
		cr_buf_str(&c, f->where[k]);
	}
	cr_buf_str(&c, post);
	cr_buf_json_str(b, c.failed || !c.p ? pre : c.p);
	cr_buf_free(&c);
}

void cr_sarif_results(struct cr_buf *b, const crible_result *r, const char *path)
{
	for (size_t i = 0; i < r->nf; i++) {
		const struct cr_find *f = &r->f[i];
		if (i)
			cr_buf_str(b, ",\n");
		cr_buf_str(b, "{\"ruleId\":");
		cr_buf_json_str(b, cr_fdefs[f->fid].id);
		cr_buf_str(b, ",\"ruleIndex\":");
		cr_buf_u64(b, (unsigned long long)f->fid);
		cr_buf_printf(b, ",\"level\":\"%s\",\"message\":{\"text\":", level_of(f->sev));
		if (f->nwhere > 1) {
			/* The message carries the place too: dashboards show the message, rarely logical locations. */
			struct cr_buf d;
			cr_buf_init(&d, 2u << 20);
			cr_buf_str(&d, f->detail);
			cr_buf_str(&d, " (in ");
			chain_str(b, d.failed || !d.p ? "" : d.p, f, ")");
			cr_buf_free(&d);
		} else {
			cr_buf_json_str(b, f->detail);
		}
		cr_buf_str(b, "},\"locations\":[");
		location_open(b, path);
		if (f->nwhere > 1) {
			cr_buf_str(b, ",\"logicalLocations\":[{\"name\":");
			cr_buf_json_str(b, f->where[f->nwhere - 1]);
			cr_buf_str(b, ",\"fullyQualifiedName\":");
			chain_str(b, "", f, "");
			cr_buf_str(b, "}]");
		}
		cr_buf_str(b, "}]");
		fingerprint(b, f);
		cr_buf_printf(b, ",\"properties\":{\"severity\":\"%s\",\"verdict\":\"%s\",\"where\":[",
			      crible_severity_name(f->sev), crible_verdict_name(r->verdict));
		for (size_t k = 0; k < f->nwhere; k++) {
			if (k)
				cr_buf_add(b, ",", 1);
			cr_buf_json_str(b, k == 0 ? path : f->where[k]);
		}
		cr_buf_add(b, "]", 1);
		if (r->pub && r->pub[i].count > 1) {
			cr_buf_str(b, ",\"count\":");
			cr_buf_u64(b, r->pub[i].count);
		}
		cr_buf_str(b, "}}");
	}
}

void cr_sarif_error(struct cr_buf *b, const char *path, const char *msg)
{
	cr_buf_str(b, "{\"level\":\"error\",\"message\":{\"text\":");
	cr_buf_json_str(b, msg);
	cr_buf_str(b, "},\"locations\":[");
	location_open(b, path);
	cr_buf_str(b, "}]}");
}

static crible_err done(struct cr_buf *b, char **out, size_t *len)
{
	if (b->failed) {
		cr_buf_free(b);
		return CRIBLE_ENOMEM;
	}
	*out = b->p;
	if (len)
		*len = b->len;
	return CRIBLE_OK;
}

crible_err crible_sarif_begin(char **out, size_t *len)
{
	if (!out)
		return CRIBLE_EINVAL;
	struct cr_buf b;
	cr_buf_init(&b, 1u << 20);
	cr_buf_str(&b, "{\"$schema\":\"" SARIF_SCHEMA "\",\"version\":\"2.1.0\",\"runs\":[{\"tool\":{\"driver\":{"
		       "\"name\":\"crible\",\"version\":");
	cr_buf_json_str(&b, crible_version());
	cr_buf_str(&b, ",\"semanticVersion\":");
	cr_buf_json_str(&b, crible_version());
	cr_buf_str(&b, ",\"rules\":[");
	for (size_t i = 0; i < F_NIDS; i++) {
		const crible_finding_info *d = &cr_fdefs[i];
		cr_buf_str(&b, i ? ",\n{\"id\":" : "\n{\"id\":");
		cr_buf_json_str(&b, d->id);
		cr_buf_str(&b, ",\"name\":");
		rule_name(&b, d->id);
		cr_buf_str(&b, ",\"shortDescription\":{\"text\":");
		cr_buf_json_str(&b, d->summary);
		cr_buf_str(&b, "},\"fullDescription\":{\"text\":");
		cr_buf_json_str(&b, d->help);
		/* help: what `crible explain ID` prints, in one text. */
		struct cr_buf h;
		cr_buf_init(&h, 1u << 16);
		cr_buf_printf(&h, "%s\n\n%s\n\nDefault severity: %s. Example: %s.", d->summary, d->help,
			      crible_severity_name(d->severity), d->example);
		cr_buf_str(&b, "},\"help\":{\"text\":");
		cr_buf_json_str(&b, h.failed || !h.p ? d->summary : h.p);
		cr_buf_free(&h);
		cr_buf_printf(&b, "},\"defaultConfiguration\":{\"level\":\"%s\"},\"properties\":{\"tags\":[\"security\",",
			      level_of(d->severity));
		/* The id's family as a tag (our own ids: lower-case ASCII, nothing to escape). */
		cr_buf_printf(&b, "\"%.*s\"", (int)strcspn(d->id, "."), d->id);
		cr_buf_printf(&b, "],\"security-severity\":\"%s\",\"severity\":\"%s\"}}", score_of(d->severity),
			      crible_severity_name(d->severity));
	}
	cr_buf_str(&b, "]}},\"columnKind\":\"unicodeCodePoints\",\"results\":[\n");
	return done(&b, out, len);
}

crible_err crible_sarif_end(int ok, const char *notifications, char **out, size_t *len)
{
	if (!out)
		return CRIBLE_EINVAL;
	struct cr_buf b;
	cr_buf_init(&b, SIZE_MAX / 2);
	cr_buf_printf(&b, "\n],\"invocations\":[{\"executionSuccessful\":%s,\"toolExecutionNotifications\":[",
		      ok ? "true" : "false");
	if (notifications)
		cr_buf_str(&b, notifications);
	cr_buf_str(&b, "]}]}]}\n");
	return done(&b, out, len);
}
