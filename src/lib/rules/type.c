/*
 * type.c - type.mismatch, type.disallowed, type.polyglot: what the bytes
 * are against what the name, the Content-Type and the caller claim.
 *
 * The check lives on the server because the browser's does not count:
 * Streamlit's st.file_uploader(type=[...]) filtered only in the browser,
 * so a script renamed .txt reached the server.  The bytes decide, never
 * the name (WHATWG: "file extensions are not used ... because they are
 * unreliable and easily spoofed").
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "../core/scan.h"

bool cr_type_dangerous(enum cr_tid t, bool script_in_markup)
{
	uint32_t c = cr_type_get(t)->cls;
	if (c & (C_EXEC | C_SCRIPT | C_SHORTCUT))
		return true;
	if (cr_type_is_a(t, T_HTML))
		return true;
	/* SVG and XHTML-as-XML are dangerous when they carry script. */
	return (c & C_MARKUP) && script_in_markup;
}

bool cr_type_satisfies(enum cr_tid det, enum cr_tid want, bool sim)
{
	if (det == want)
		return true;
	/* A subtype satisfies its parent (a DOCX is a ZIP) unless it brings danger the parent lacks. */
	if (cr_type_is_a(det, want))
		return !cr_type_dangerous(det, sim) || cr_type_dangerous(want, false);
	/* Plain text with nothing specific satisfies any harmless text claim (.csv, .json, .md). */
	if (det == T_TEXT && (cr_type_get(want)->cls & C_TEXT) && !cr_type_dangerous(want, false))
		return true;
	return false;
}

/*
 * Lenient agreement for mismatch: also a generic parent of the claim (our
 * subtype detection is not evidence against the claim), and any two
 * harmless text types (classifying text is a heuristic).
 */
static bool compatible(enum cr_tid det, enum cr_tid claim, bool sim)
{
	if (cr_type_satisfies(det, claim, sim))
		return true;
	if (det != T_UNKNOWN && cr_type_is_a(claim, det))
		return true;
	uint32_t dc = cr_type_get(det)->cls, cc = cr_type_get(claim)->cls;
	if ((dc & C_TEXT) && (cc & C_TEXT) && !cr_type_dangerous(det, sim))
		return true;
	/* XHTML: an XML document named as a page is one (the page rules read it as HTML and as XML). */
	if (claim == T_HTML && det == T_XML)
		return true;
	/* Markdown allows raw HTML: a README that opens with a <p> is still Markdown. */
	if (claim == T_MARKDOWN && cr_type_is_a(det, T_HTML) && det != T_HTA)
		return true;
	/* Script claimed, text seen: the classifier did not recognise the language. */
	if (det == T_TEXT && (cc & C_TEXT))
		return true;
	return false;
}

/* MIME types that claim nothing. */
static bool generic_mime(const char *m)
{
	static const char *const g[] = {"application/octet-stream", "binary/octet-stream", "application/unknown",
					"application/x-download", "application/force-download",
					"application/binary"};
	size_t l = strcspn(m, ";");
	while (l > 0 && (m[l - 1] == ' ' || m[l - 1] == '\t'))
		l--;
	for (size_t i = 0; i < sizeof g / sizeof g[0]; i++)
		if (strlen(g[i]) == l && strncasecmp(m, g[i], l) == 0)
			return true;
	return l == 0;
}

struct claim {
	enum cr_tid t[16];
	size_t n;
};

/* Whether det agrees with one of the claimed types; *dangerous_claim set if any claim is dangerous. */
static bool agrees(const struct claim *c, enum cr_tid det, bool sim, bool *dangerous_claim)
{
	bool ok = false;
	for (size_t i = 0; i < c->n; i++) {
		if (cr_type_dangerous(c->t[i], false))
			*dangerous_claim = true;
		if (compatible(det, c->t[i], sim))
			ok = true;
	}
	return ok;
}

/*
 * The type claims are held to.  HTML only in later lines (a template, a
 * string of markup in a note) is not what a browser sniffs: it reads the
 * start.  Without script, such text is judged as the text it is.
 */
static enum cr_tid judged_type(const struct cr_obj *o)
{
	if (o->id->type == T_HTML && (o->id->flags & CR_ID_LATE_MARKUP) && !o->html_script)
		return T_TEXT;
	return o->id->type;
}

static void mismatch(struct cr_scan *s, const struct cr_obj *o)
{
	if (o->id->type == T_EMPTY)
		return;
	bool sim = o->html_script;
	enum cr_tid det = judged_type(o);
	const struct cr_type *dt = cr_type_get(det);
	bool dangerous = cr_type_dangerous(det, sim);

	struct claim ext = {.n = 0}, decl = {.n = 0};
	size_t el = 0;
	const char *e = o->ext;
	el = o->extlen;
	if (e)
		ext.n = cr_types_by_ext(e, el, ext.t, 16);
	if (o->declared && !generic_mime(o->declared))
		decl.n = cr_types_by_mime(o->declared, strlen(o->declared), decl.t, 16);

	bool dclaim = false;
	const char *what = NULL;
	char claimbuf[96];
	if (ext.n && !agrees(&ext, det, sim, &dclaim)) {
		snprintf(claimbuf, sizeof claimbuf, "named .%.*s", (int)(el > 32 ? 32 : el), e);
		what = claimbuf;
	} else if (decl.n && !agrees(&decl, det, sim, &dclaim)) {
		snprintf(claimbuf, sizeof claimbuf, "declared %.64s", o->declared);
		what = claimbuf;
	}
	if (!what)
		return;
	/* High when the bytes are something that runs; a script sent as another script is low. */
	int sev = dangerous && !dclaim ? CRIBLE_SEV_HIGH : CRIBLE_SEV_LOW;
	cr_emit(s, F_TYPE_MISMATCH, sev, "%s but the bytes are %s (%s)", what, dt->desc, dt->mime);
}

static bool accepted(const crible_ctx *ctx, enum cr_tid det, bool sim)
{
	const struct cr_type *dt = cr_type_get(det);
	for (size_t i = 0; i < ctx->naccept; i++) {
		const struct cr_accept *a = &ctx->accept[i];
		enum cr_tid w[16];
		size_t n = 0;
		switch (a->kind) {
		case ACC_WILD:
			if (strncasecmp(dt->mime, a->s, strlen(a->s)) == 0)
				return true;
			continue;
		case ACC_MIME:
			if (strcasecmp(dt->mime, a->s) == 0)
				return true;
			n = cr_types_by_mime(a->s, strlen(a->s), w, 16);
			break;
		case ACC_EXT:
			n = cr_types_by_ext(a->s, strlen(a->s), w, 16);
			break;
		}
		for (size_t k = 0; k < n; k++)
			if (cr_type_satisfies(det, w[k], sim))
				return true;
	}
	return false;
}

static void disallowed(struct cr_scan *s, const struct cr_obj *o)
{
	const crible_ctx *ctx = s->ctx;
	/* Only the object the caller handed over is held to the accept list. */
	if (ctx->naccept == 0 || o->depth > 0 || o->id->type == T_EMPTY)
		return;
	if (accepted(ctx, judged_type(o), o->html_script))
		return;
	char list[160];
	size_t k = 0;
	list[0] = '\0';
	for (size_t i = 0; i < ctx->naccept && k < sizeof list - 8; i++) {
		const struct cr_accept *a = &ctx->accept[i];
		int w = snprintf(list + k, sizeof list - k, "%s%s%s%s", i ? "," : "", a->kind == ACC_EXT ? "." : "",
				 a->s, a->kind == ACC_WILD ? "*" : "");
		if (w < 0 || (size_t)w >= sizeof list - k)
			break;
		k += (size_t)w;
	}
	const struct cr_type *dt = cr_type_get(o->id->type);
	cr_emit(s, F_TYPE_DISALLOWED, -1, "detected %s (%s), accepted: %s", dt->mime, dt->desc, list);
}

static void polyglot(struct cr_scan *s, const struct cr_obj *o)
{
	const struct cr_ident *id = o->id;
	char buf[256];
	size_t k = 0;
	buf[0] = '\0';
	for (size_t i = 0; i < id->nalso && k < sizeof buf; i++) {
		int w = snprintf(buf + k, sizeof buf - k, "%s%s at offset %llu", k ? "; " : "",
				 cr_type_get(id->also[i])->desc, (unsigned long long)id->also_off[i]);
		if (w < 0)
			break;
		k += (size_t)w < sizeof buf - k ? (size_t)w : sizeof buf - k - 1;
	}
	if (id->flags & CR_ID_HAS_PHP)
		k += (size_t)snprintf(buf + k, k < sizeof buf ? sizeof buf - k : 0, "%sPHP code", k ? "; " : "");
	if (k < sizeof buf && (id->flags & CR_ID_HAS_SCRIPT))
		k += (size_t)snprintf(buf + k, sizeof buf - k, "%s<script> markup", k ? "; " : "");
	if (k < sizeof buf && (id->flags & CR_ID_HAS_MARKUP))
		k += (size_t)snprintf(buf + k, sizeof buf - k, "%sHTML before or after the document", k ? "; " : "");
	if (k < sizeof buf && (id->flags & CR_ID_HAS_JS))
		k += (size_t)snprintf(buf + k, sizeof buf - k, "%sJavaScript (its %s signature opens a program)",
				      k ? "; " : "", o->view->head[0] == 'G' ? "GIF" : "BMP");
	if (k == 0)
		return;
	cr_emit(s, F_TYPE_POLYGLOT, -1, "%s is also: %s", cr_type_get(id->type)->desc, buf);
}

void cr_rules_type(struct cr_scan *s, const struct cr_obj *o)
{
	mismatch(s, o);
	disallowed(s, o);
	polyglot(s, o);
}
