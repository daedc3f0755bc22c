/*
 * html.c - html.script and html.smuggling: what a browser would run.
 *
 * A page is read as a browser reads it: bytes decoded (markup/charset.c),
 * tokenized by the WHATWG state machine (markup/tokenizer.c), and the
 * tokens put in a small model of the tree builder's open elements: enough
 * to know the tokenizer state a browser switches to (script data after
 * <script>, RAWTEXT after <style>, <noscript> or <iframe>, RCDATA after
 * <title>), whether the current node is SVG or MathML (where <![CDATA[
 * opens a section and <style> holds markup), and which HTML tags break
 * out of foreign content.  A browser does more, but nothing it does with
 * the open elements changes where a tag starts.
 *
 * When the bytes could be read in more than one encoding a browser might
 * pick (a BOM-less UTF-16 guess, ISO-2022-JP escapes, a <meta> label),
 * each reading is tokenized in the same pass, and a finding from any of
 * them counts: the page is judged as every browser could read it.
 *
 * Script, as the browser runs it:
 *   - <script> of a JavaScript type, in any namespace (a data block such
 *     as application/ld+json does not run);
 *   - on* event handler attributes with a body;
 *   - javascript:, vbscript: and data:text/html URLs in URL attributes,
 *     after the URL parser's clean-up (leading controls and spaces, and
 *     tabs and newlines anywhere, are dropped; character references are
 *     already decoded by the tokenizer);
 *   - <meta http-equiv=refresh> to such a URL;
 *   - <iframe srcdoc>: the value is a page, read the same way;
 *   - <object>, <embed> and <applet> of active types (Flash, Java,
 *     ActiveX, HTML, SVG, scriptlets);
 *   - SVG <animate>/<set> that write such a URL into href.
 *
 * Smuggling: script that builds a file (Blob, atob) and hands it to the
 * user (a.download, createObjectURL, msSaveOrOpenBlob, saveAs), or an
 * <a download> whose href is a data: URL.  The largest base64 literal in
 * script, or the data: URL's body, is decoded: the caller scans it as a
 * child.
 */
#include "html.h"

#include <ctype.h>
#include <pthread.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Debian builds expat with DTD support: its entity caps are declared under XML_DTD. */
#define XML_DTD 1
#include <expat.h>

#include "../io/utf8.h"
#include "../markup/charset.h"
#include "../markup/tokenizer.h"

#define MAX_READINGS 3
#define STACK 256
#define MAX_STR (1u << 20)		/* a tag's names and values together */
#define MAX_ATTRS 512
#define LIT_MIN 1024			/* a base64 literal this long is a payload */
#define LIT_MAX (16u << 20)		/* the longest kept */
#define SRCDOC_LEVELS 3
#define FEED 4096			/* bytes decoded at once */

enum { NS_HTML, NS_SVG, NS_MATH };

enum {
	SIG_BLOB = 1, SIG_ATOB = 2, SIG_MSSAVE = 4, SIG_OBJURL = 8, SIG_DOWNLOAD = 16, SIG_SAVEAS = 32,
	SIG_DATA_DOWNLOAD = 64,
};

struct node {
	uint32_t hash;
	uint8_t ns;
	bool html_inside;	/* an integration point: its children are HTML */
};

struct buf {
	uint8_t *p;
	size_t len, cap;
};

struct reading {
	struct cr_html *h;
	enum cr_enc enc;
	bool xml;		/* the XML reading (expat), not a tokenizer's */
	struct cr_dec dec;
	struct cr_tok tok;
	struct node stack[STACK];
	size_t depth;		/* may pass STACK: the nodes above it are counted, not kept */
	size_t script_at;	/* depth of the script element whose text this is, or 0 */
	/* script text: a carry for patterns across pieces, and the string literal being read */
	char carry[24];
	size_t ncarry;
	uint8_t quote, after;	/* after: 1 a literal just closed, 2 and a '+' or ',' followed */
	bool lit_ok;
	struct buf lit;
};

struct cr_html {
	struct reading *r[MAX_READINGS];
	size_t nr;
	unsigned level;		/* srcdoc nesting */
	char script_why[160];
	char smug_why[160];
	bool script, incomplete;
	unsigned sig;
	/* The XML reading: expat, with the DTD's internal entities expanded under a cap. */
	XML_Parser xp;
	struct reading *xr;
	bool xml_done;
	uint64_t xml_in, xml_out;	/* bytes parsed, characters delivered */
	char bomb_why[160];
	struct buf best;	/* the largest base64 literal so far */
	struct buf payload;	/* decoded */
	char pname[64];
	/* Decoding buffers, left unzeroed (they must stay last). */
	uint32_t cps[3 * FEED + 8];
	uint8_t u8[4 * (3 * FEED + 8)];
};

static struct cr_html *html_alloc(void)
{
	struct cr_html *h = malloc(sizeof *h);
	if (h)
		memset(h, 0, offsetof(struct cr_html, cps));
	return h;
}

/* --- small helpers -------------------------------------------------------- */

static uint32_t hash(const char *s, size_t n)
{
	uint32_t h = 2166136261u;
	for (size_t i = 0; i < n; i++)
		h = (h ^ (uint8_t)s[i]) * 16777619u;
	return h;
}

static int lower(int c) { return c >= 'A' && c <= 'Z' ? c + 32 : c; }
static int hexval(int c) { return c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10; }
static bool is_space(int c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f'; }

static bool eq_ci(const char *a, size_t n, const char *b)
{
	if (n == 0 || lower((uint8_t)a[0]) != (uint8_t)b[0])
		return n == 0 && b[0] == '\0';
	size_t l = strlen(b);
	if (n != l)
		return false;
	for (size_t i = 0; i < n; i++)
		if (lower((uint8_t)a[i]) != (uint8_t)b[i])
			return false;
	return true;
}

static bool in_list(const char *s, size_t n, const char *const *list)
{
	for (; *list; list++)
		if (eq_ci(s, n, *list))
			return true;
	return false;
}

/* The name after a namespace prefix ("svg:script" -> "script"). */
static const char *local(const char *s, size_t n, size_t *ln)
{
	/* Names are short: a loop beats a call. */
	for (size_t i = n; i > 0; i--)
		if (s[i - 1] == ':') {
			*ln = n - i;
			return s + i;
		}
	*ln = n;
	return s;
}

static bool buf_add(struct buf *b, const void *p, size_t n, size_t max)
{
	if (b->len + n > max)
		return false;
	if (b->len + n > b->cap) {
		size_t cap = b->cap ? b->cap : 4096;
		while (cap < b->len + n)
			cap *= 2;
		uint8_t *q = realloc(b->p, cap);
		if (!q)
			return false;
		b->p = q;
		b->cap = cap;
	}
	memcpy(b->p + b->len, p, n);
	b->len += n;
	return true;
}

static const struct cr_tok_attr *attr(const struct cr_tok_tag *t, const char *name)
{
	for (size_t i = 0; i < t->nattrs; i++)
		if (eq_ci(t->attrs[i].name, t->attrs[i].name_len, name))
			return &t->attrs[i];
	return NULL;
}

__attribute__((format(printf, 3, 4)))
static void found(struct cr_html *h, struct reading *r, const char *fmt, ...)
{
	if (h->script)
		return;
	h->script = true;
	char what[128];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(what, sizeof what, fmt, ap);
	va_end(ap);
	if (r && r->xml)
		snprintf(h->script_why, sizeof h->script_why, "%s (read as XML)", what);
	else if (r && r->enc != CR_ENC_UTF8)
		snprintf(h->script_why, sizeof h->script_why, "%s (read as %s)", what, cr_enc_name(r->enc));
	else
		snprintf(h->script_why, sizeof h->script_why, "%s", what);
}

/* --- URLs ----------------------------------------------------------------- */

/*
 * What a URL attribute's value runs: "javascript" or "vbscript" for those
 * schemes, "data:<type>" for a data: URL of a page type, NULL otherwise.
 * The URL parser drops leading and trailing C0 controls and spaces, and
 * every tab and newline.
 */
static const char *url_runs(const char *v, size_t n, bool frame)
{
	char scheme[16], mime[32];
	size_t sl = 0, i = 0;
	while (i < n && (uint8_t)v[i] <= 0x20)
		i++;
	for (; i < n; i++) {
		int c = (uint8_t)v[i];
		if (c == '\t' || c == '\n' || c == '\r')
			continue;
		if (c == ':')
			break;
		bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (sl && ((c >= '0' && c <= '9') || c == '+' || c == '-' || c == '.'));
		if (!ok || sl >= sizeof scheme - 1)
			return NULL;
		scheme[sl++] = (char)lower(c);
	}
	if (i >= n || sl == 0)
		return NULL;
	scheme[sl] = '\0';
	if (strcmp(scheme, "javascript") == 0 || strcmp(scheme, "livescript") == 0)
		return "javascript";
	if (strcmp(scheme, "vbscript") == 0)
		return "vbscript";
	if (strcmp(scheme, "data") != 0)
		return NULL;
	size_t ml = 0;
	for (i++; i < n && v[i] != ',' && v[i] != ';'; i++) {
		int c = (uint8_t)v[i];
		if (c == '\t' || c == '\n' || c == '\r' || c == ' ')
			continue;
		if (ml < sizeof mime - 1)
			mime[ml++] = (char)lower(c);
	}
	mime[ml] = '\0';
	if (strcmp(mime, "text/html") == 0 || strcmp(mime, "application/xhtml+xml") == 0)
		return "data:text/html";
	if (frame && (strcmp(mime, "image/svg+xml") == 0 || strcmp(mime, "text/xml") == 0 || strcmp(mime, "application/xml") == 0))
		return "data:image/svg+xml";
	return NULL;
}


/* --- script text ---------------------------------------------------------- */

static const struct {
	const char *pat;
	unsigned sig;
} js_pats[] = {
	{"Blob(", SIG_BLOB}, {"atob(", SIG_ATOB}, {"msSaveOrOpenBlob", SIG_MSSAVE}, {"msSaveBlob", SIG_MSSAVE},
	{"createObjectURL", SIG_OBJURL}, {".download", SIG_DOWNLOAD}, {"'download'", SIG_DOWNLOAD},
	{"\"download\"", SIG_DOWNLOAD}, {"saveAs(", SIG_SAVEAS},
};

static bool is_b64(int c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' || c == '/' ||
	       c == '=' || c == '-' || c == '_';
}

static void lit_close(struct reading *r)
{
	struct cr_html *h = r->h;
	r->after = 0;
	if (r->lit_ok && r->lit.len >= LIT_MIN && r->lit.len > h->best.len) {
		struct buf t = h->best;
		h->best = r->lit;
		r->lit = t;
	}
	r->lit.len = 0;
	r->quote = 0;
}

/* Script text: the signals of a file being built, and its string literals. */
static void js_text(struct reading *r, const char *s, size_t n)
{
	struct cr_html *h = r->h;
	/* Patterns, including those that straddle the previous piece. */
	char edge[48];
	size_t take = n < sizeof edge - r->ncarry ? n : sizeof edge - r->ncarry;
	memcpy(edge, r->carry, r->ncarry);
	memcpy(edge + r->ncarry, s, take);
	for (size_t k = 0; k < sizeof js_pats / sizeof js_pats[0]; k++) {
		size_t pl = strlen(js_pats[k].pat);
		if (memmem(edge, r->ncarry + take, js_pats[k].pat, pl) || memmem(s, n, js_pats[k].pat, pl))
			h->sig |= js_pats[k].sig;
	}
	size_t keep = n < sizeof r->carry ? n : sizeof r->carry;
	if (keep < sizeof r->carry && r->ncarry + keep > sizeof r->carry) {
		size_t drop = r->ncarry + keep - sizeof r->carry;
		memmove(r->carry, r->carry + drop, r->ncarry - drop);
		r->ncarry -= drop;
	} else if (keep == sizeof r->carry) {
		r->ncarry = 0;
	}
	memcpy(r->carry + r->ncarry, s + n - keep, keep);
	r->ncarry += keep;

	/*
	 * String literals: ' and " end at a newline, ` may span lines.  A
	 * literal joined to the next by '+' or ',' ('TVqQ' + 'AAMA',
	 * ['TVqQ', 'AAMA'].join('')) is read as one: split payloads are the
	 * usual way to hide them.
	 */
	for (size_t i = 0; i < n; i++) {
		int c = (uint8_t)s[i];
		if (!r->quote) {
			if (r->after) {
				if (is_space(c))
					continue;
				if (r->after == 1 && (c == '+' || c == ',')) {
					r->after = 2;
					continue;
				}
				if (r->after == 2 && (c == '\'' || c == '"' || c == '`')) {
					r->quote = (uint8_t)c;	/* the same literal goes on */
					r->after = 0;
					continue;
				}
				lit_close(r);
			}
			if (c == '\'' || c == '"' || c == '`') {
				r->quote = (uint8_t)c;
				r->lit_ok = true;
				r->lit.len = 0;
			}
			continue;
		}
		if (c == r->quote) {
			r->quote = 0;
			r->after = 1;	/* closed, unless a join follows */
			continue;
		}
		if (c == '\n' && r->quote != '`') {
			r->quote = 0;
			r->lit.len = 0;
			continue;
		}
		if (!r->lit_ok)
			continue;
		/* A data: URL literal: its base64 body is the payload. */
		if (c == ',' && r->lit.len >= 12 && memcmp(r->lit.p, "data:", 5) == 0 &&
		    memmem(r->lit.p, r->lit.len, ";base64", 7)) {
			r->lit.len = 0;
			continue;
		}
		if (is_b64(c) || (r->lit.len < 64 && (c == ':' || c == ';' || c == '.'))) {
			/* Run the literal in blocks: the byte loop only finds its end. */
			size_t j = i;
			while (j < n && is_b64((uint8_t)s[j]))
				j++;
			size_t len = j > i ? j - i : 1;
			if (r->lit_ok && !buf_add(&r->lit, s + i, len, LIT_MAX)) {
				r->lit_ok = false;
				h->incomplete = true;	/* past the cap, or no memory: a payload may go unread */
			}
			i += len - 1;
			continue;
		}
		if (c == '\\' || c == ' ' || c == '\r') {
			continue;	/* line continuations and wrapped literals */
		}
		r->lit_ok = false;
	}
}

/* --- the tree, as far as tokenizing needs it ------------------------------ */

static const char *const js_types[] = {
	"", "module", "application/ecmascript", "application/javascript", "application/x-ecmascript",
	"application/x-javascript", "text/ecmascript", "text/javascript", "text/javascript1.0", "text/javascript1.1",
	"text/javascript1.2", "text/javascript1.3", "text/javascript1.4", "text/javascript1.5", "text/jscript",
	"text/livescript", "text/x-ecmascript", "text/x-javascript", "text/vbscript", "text/vbs", NULL};
static const char *const active_types[] = {
	"application/x-shockwave-flash", "application/futuresplash", "application/x-java-applet", "application/java",
	"application/java-archive", "application/x-java-bean", "application/x-silverlight",
	"application/x-silverlight-2", "text/html", "application/xhtml+xml", "image/svg+xml", "text/x-scriptlet",
	"application/hta", NULL};
static const char *const active_exts[] = {"swf", "jar", "class", "xap", "html", "htm", "xhtml", "svg", "sct", "hta",
					  "wsc", NULL};

static uint8_t cur_ns(const struct reading *r)
{
	if (r->depth == 0)
		return NS_HTML;
	if (r->depth > STACK)
		return r->stack[STACK - 1].html_inside ? NS_HTML : r->stack[STACK - 1].ns;
	const struct node *n = &r->stack[r->depth - 1];
	return n->html_inside ? NS_HTML : n->ns;
}

/* The node's own namespace: CDATA sections open where it is foreign. */
static void set_foreign(struct reading *r)
{
	bool f = r->depth > 0 && r->stack[(r->depth > STACK ? STACK : r->depth) - 1].ns != NS_HTML;
	cr_tok_set_foreign(&r->tok, f);
}

static void push(struct reading *r, uint32_t hsh, uint8_t ns, bool html_inside)
{
	if (r->depth < STACK)
		r->stack[r->depth] = (struct node){hsh, ns, html_inside};
	r->depth++;
}

static void pop_to(struct reading *r, size_t d)
{
	r->depth = d;
	if (r->script_at > d) {
		r->script_at = 0;
		cr_tok_set_text(&r->tok, false);
	}
}

/* The element just pushed is a script: its text is wanted. */
static void script_here(struct reading *r)
{
	r->script_at = r->depth;
	cr_tok_set_text(&r->tok, true);
}

/* The type a <script> declares: does a browser run it? */
static bool script_runs(const struct cr_tok_tag *t)
{
	const struct cr_tok_attr *ty = attr(t, "type");
	if (!ty)
		return true;	/* with or without language=: IE ran any language */
	size_t a = 0, e = ty->value_len;
	while (a < e && is_space((uint8_t)ty->value[a]))
		a++;
	const char *semi = memchr(ty->value + a, ';', e - a);
	if (semi)
		e = (size_t)(semi - ty->value);
	while (e > a && is_space((uint8_t)ty->value[e - 1]))
		e--;
	return in_list(ty->value + a, e - a, js_types);
}

static bool ext_active(const char *v, size_t n)
{
	size_t e = n;
	for (size_t i = 0; i < n; i++)
		if (v[i] == '?' || v[i] == '#') {
			e = i;
			break;
		}
	const char *dot = memrchr(v, '.', e);
	if (!dot)
		return false;
	return in_list(dot + 1, e - (size_t)(dot + 1 - v), active_exts);
}

static void page(struct cr_html *h, const uint8_t *p, size_t n, unsigned level);

/* The content attribute of <meta http-equiv=refresh>: "5; url=...". */
static void refresh(struct cr_html *h, struct reading *r, const struct cr_tok_attr *c)
{
	const char *v = c->value, *e = v + c->value_len;
	while (v < e && (is_space((uint8_t)*v) || (*v >= '0' && *v <= '9') || *v == '.'))
		v++;
	while (v < e && (is_space((uint8_t)*v) || *v == ';' || *v == ','))
		v++;
	if (e - v >= 3 && eq_ci(v, 3, "url")) {
		const char *q = v + 3;
		while (q < e && is_space((uint8_t)*q))
			q++;
		if (q < e && *q == '=') {
			v = q + 1;
			while (v < e && is_space((uint8_t)*v))
				v++;
		}
	}
	if (v < e && (*v == '"' || *v == '\'')) {
		const char *end = memchr(v + 1, *v, (size_t)(e - v - 1));
		if (end)
			e = end;
		v++;
	}
	const char *what = url_runs(v, (size_t)(e - v), false);
	if (what)
		found(h, r, "<meta http-equiv=refresh> to a %s: URL", what);
}

static int b64v(int c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+' || c == '-')
		return 62;
	if (c == '/' || c == '_')
		return 63;
	return -1;
}

/* Forgiving base64 (atob's): whitespace and padding skipped. */
static void b64_decode(const struct buf *in, struct buf *out)
{
	out->len = 0;
	uint8_t *o = malloc(in->len / 4 * 3 + 3);
	if (!o)
		return;
	uint32_t acc = 0;
	int bits = 0;
	size_t k = 0;
	for (size_t i = 0; i < in->len; i++) {
		int v = b64v(in->p[i]);
		if (v < 0)
			continue;
		acc = acc << 6 | (uint32_t)v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			o[k++] = (uint8_t)(acc >> bits);
		}
	}
	free(out->p);
	out->p = o;
	out->len = k;
	out->cap = in->len / 4 * 3 + 3;
}

/* An <a download href="data:..."> hands the user a file the page carries. */
static void data_download(struct cr_html *h, const struct cr_tok_tag *t)
{
	const struct cr_tok_attr *dl = attr(t, "download"), *href = attr(t, "href");
	if (!dl || !href)
		return;
	const char *v = href->value, *e = v + href->value_len;
	while (v < e && (uint8_t)*v <= 0x20)
		v++;
	if (e - v >= 5 && eq_ci(v, 5, "blob:")) {
		h->sig |= SIG_DATA_DOWNLOAD;
		return;
	}
	if (e - v < 5 || !eq_ci(v, 5, "data:"))
		return;
	h->sig |= SIG_DATA_DOWNLOAD;
	const char *comma = memchr(v, ',', (size_t)(e - v));
	if (!comma)
		return;
	bool b64 = memmem(v, (size_t)(comma - v), ";base64", 7) != NULL;
	/* The body is the payload: percent-decoded, then base64-decoded when it says so. */
	struct buf raw = {0}, dec = {0};
	for (const char *q = comma + 1; q < e; q++) {
		uint8_t c = (uint8_t)*q;
		if (*q == '%' && e - q >= 3 && isxdigit((uint8_t)q[1]) && isxdigit((uint8_t)q[2])) {
			c = (uint8_t)(hexval((uint8_t)q[1]) << 4 | hexval((uint8_t)q[2]));
			q += 2;
		}
		if (!buf_add(&raw, &c, 1, LIT_MAX)) {
			h->incomplete = true;
			break;
		}
	}
	if (b64) {
		b64_decode(&raw, &dec);
		free(raw.p);
	} else {
		dec = raw;
	}
	if (dec.len > h->payload.len) {
		free(h->payload.p);
		h->payload = dec;
		size_t l = dl->value_len < sizeof h->pname - 1 ? dl->value_len : sizeof h->pname - 1;
		memcpy(h->pname, dl->value, l);
		h->pname[l] = '\0';
	} else {
		free(dec.p);
	}
}

/* --- what names mean: one lookup per tag and per attribute ---------------- */

enum {
	E_VOID = 1u << 0, E_RAWTEXT = 1u << 1, E_RCDATA = 1u << 2, E_SCRIPT = 1u << 3, E_PLAINTEXT = 1u << 4,
	E_BREAKOUT = 1u << 5, E_SVG = 1u << 6, E_MATH = 1u << 7, E_FRAME = 1u << 8, E_OBJECT = 1u << 9,
	E_APPLET = 1u << 10, E_ANIMATE = 1u << 11, E_META = 1u << 12, E_ANCHOR = 1u << 13, E_FONT = 1u << 14,
	E_SVG_HTML = 1u << 15,	/* SVG integration points: foreignObject, desc, title */
	E_MATH_TEXT = 1u << 16,	/* MathML text integration points */
	E_ANNOTATION = 1u << 17, E_SET = 1u << 18, E_EMBED = 1u << 19, E_IFRAME = 1u << 20,
};

struct name_flags {
	const char *name;
	uint32_t flags;
};

/* The lower-case local names the tokenizer hands over (sorted, for the reader). */
static const struct name_flags elems[] = {
	{"a", E_ANCHOR}, {"animate", E_ANIMATE}, {"animatemotion", E_ANIMATE}, {"animatetransform", E_ANIMATE},
	{"annotation-xml", E_ANNOTATION}, {"applet", E_APPLET}, {"area", E_VOID | E_ANCHOR}, {"b", E_BREAKOUT},
	{"base", E_VOID}, {"basefont", E_VOID}, {"bgsound", E_VOID}, {"big", E_BREAKOUT},
	{"blockquote", E_BREAKOUT}, {"body", E_BREAKOUT}, {"br", E_VOID | E_BREAKOUT}, {"center", E_BREAKOUT},
	{"code", E_BREAKOUT}, {"col", E_VOID}, {"dd", E_BREAKOUT}, {"desc", E_SVG_HTML}, {"div", E_BREAKOUT},
	{"dl", E_BREAKOUT}, {"dt", E_BREAKOUT}, {"em", E_BREAKOUT}, {"embed", E_VOID | E_BREAKOUT | E_OBJECT | E_EMBED},
	{"font", E_FONT}, {"foreignobject", E_SVG_HTML}, {"frame", E_VOID | E_FRAME}, {"h1", E_BREAKOUT},
	{"h2", E_BREAKOUT}, {"h3", E_BREAKOUT}, {"h4", E_BREAKOUT}, {"h5", E_BREAKOUT}, {"h6", E_BREAKOUT},
	{"head", E_BREAKOUT}, {"hr", E_VOID | E_BREAKOUT}, {"i", E_BREAKOUT}, {"iframe", E_RAWTEXT | E_FRAME | E_IFRAME},
	{"img", E_VOID | E_BREAKOUT}, {"input", E_VOID}, {"keygen", E_VOID}, {"li", E_BREAKOUT}, {"link", E_VOID},
	{"listing", E_BREAKOUT}, {"math", E_MATH}, {"menu", E_BREAKOUT}, {"meta", E_VOID | E_BREAKOUT | E_META},
	{"mi", E_MATH_TEXT}, {"mn", E_MATH_TEXT}, {"mo", E_MATH_TEXT}, {"ms", E_MATH_TEXT}, {"mtext", E_MATH_TEXT},
	{"nobr", E_BREAKOUT}, {"noembed", E_RAWTEXT}, {"noframes", E_RAWTEXT}, {"noscript", E_RAWTEXT},
	{"object", E_OBJECT}, {"ol", E_BREAKOUT}, {"p", E_BREAKOUT}, {"param", E_VOID}, {"plaintext", E_PLAINTEXT},
	{"pre", E_BREAKOUT}, {"ruby", E_BREAKOUT}, {"s", E_BREAKOUT}, {"script", E_SCRIPT}, {"set", E_ANIMATE | E_SET},
	{"small", E_BREAKOUT}, {"source", E_VOID}, {"span", E_BREAKOUT}, {"strike", E_BREAKOUT},
	{"strong", E_BREAKOUT}, {"style", E_RAWTEXT}, {"sub", E_BREAKOUT}, {"sup", E_BREAKOUT}, {"svg", E_SVG},
	{"table", E_BREAKOUT}, {"textarea", E_RCDATA}, {"title", E_RCDATA | E_SVG_HTML}, {"track", E_VOID},
	{"tt", E_BREAKOUT}, {"u", E_BREAKOUT}, {"ul", E_BREAKOUT}, {"var", E_BREAKOUT}, {"wbr", E_VOID},
	{"xmp", E_RAWTEXT},
};

enum { A_URL = 1, A_SRCSET = 2 };

static const struct name_flags url_attr_table[] = {
	{"action", A_URL}, {"archive", A_URL}, {"background", A_URL}, {"base", A_URL} /* xml:base */, {"cite", A_URL}, {"classid", A_URL},
	{"code", A_URL}, {"codebase", A_URL}, {"data", A_URL}, {"dynsrc", A_URL}, {"formaction", A_URL},
	{"href", A_URL}, {"icon", A_URL}, {"imagesrcset", A_URL | A_SRCSET}, {"longdesc", A_URL}, {"lowsrc", A_URL},
	{"manifest", A_URL}, {"ping", A_URL}, {"poster", A_URL}, {"profile", A_URL}, {"src", A_URL},
	{"srcset", A_URL | A_SRCSET}, {"usemap", A_URL},
};

/* Both tables hashed once, open addressing: one probe or two per name. */
#define NF_SLOTS 256
static uint16_t elem_slots[NF_SLOTS], attr_slots[NF_SLOTS];
static pthread_once_t nf_once = PTHREAD_ONCE_INIT;

static void nf_fill(const struct name_flags *tab, size_t n, uint16_t *slots)
{
	for (size_t i = 0; i < n; i++) {
		uint32_t k = hash(tab[i].name, strlen(tab[i].name)) & (NF_SLOTS - 1);
		while (slots[k])
			k = (k + 1) & (NF_SLOTS - 1);
		slots[k] = (uint16_t)(i + 1);
	}
}

static void nf_build(void)
{
	nf_fill(elems, sizeof elems / sizeof elems[0], elem_slots);
	nf_fill(url_attr_table, sizeof url_attr_table / sizeof url_attr_table[0], attr_slots);
}

/* The flags of a lower-case name of hash h in a table, 0 when it is not there. */
static uint32_t probe(const struct name_flags *tab, const uint16_t *slots, const char *name, size_t len, uint32_t h)
{
	pthread_once(&nf_once, nf_build);
	for (uint32_t k = h & (NF_SLOTS - 1); slots[k]; k = (k + 1) & (NF_SLOTS - 1)) {
		const struct name_flags *e = &tab[slots[k] - 1];
		if (strncmp(e->name, name, len) == 0 && e->name[len] == '\0')
			return e->flags;
	}
	return 0;
}

/* The flags of a name (any case, at most 31 bytes), 0 when unknown. */
static uint32_t lookup(const struct name_flags *tab, const uint16_t *slots, const char *name, size_t len)
{
	char buf[32];
	if (len == 0 || len >= sizeof buf)
		return 0;
	const char *low = name;
	for (size_t i = 0; i < len; i++)
		if (name[i] >= 'A' && name[i] <= 'Z') {
			/* The HTML tokenizer lowers names already; XML's keep their case. */
			for (size_t k = 0; k < len; k++)
				buf[k] = (char)lower((uint8_t)name[k]);
			low = buf;
			break;
		}
	return probe(tab, slots, low, len, hash(low, len));
}

static uint32_t elem_flags(const char *name, size_t len)
{
	return lookup(elems, elem_slots, name, len);
}

/* The same for a lower-case name whose hash is known (the tokenizer's names). */
static uint32_t elem_flags_h(const char *name, size_t len, uint32_t h)
{
	return probe(elems, elem_slots, name, len, h);
}

static uint32_t attr_flags(const char *name, size_t len)
{
	return lookup(url_attr_table, attr_slots, name, len);
}

/* Every sink a start tag can hold. */
static void judge_tag(struct reading *r, const struct cr_tok_tag *t, uint32_t ef)
{
	struct cr_html *h = r->h;
	bool frame = (ef & (E_FRAME | E_OBJECT)) != 0;
	if ((ef & E_SCRIPT) && script_runs(t))
		found(h, r, "<script> element");
	/* What the reader could not keep is not judged clean. */
	if (t->attrs_dropped)
		found(h, r, "a tag with more attributes than the reader keeps (%d)", MAX_ATTRS);
	if (t->truncated && (ef & E_FRAME) && attr(t, "srcdoc"))
		found(h, r, "an <iframe srcdoc> larger than the reader keeps (%u MiB)", MAX_STR >> 20);
	if (t->truncated && (ef & E_ANCHOR) && attr(t, "download"))
		h->incomplete = true;
	for (size_t i = 0; i < t->nattrs && !h->script; i++) {
		const struct cr_tok_attr *a = &t->attrs[i];
		size_t al;
		const char *an = local(a->name, a->name_len, &al);
		if (al > 2 && an[0] == 'o' && an[1] == 'n') {
			bool letters = true, body = false;
			for (size_t k = 2; k < al; k++)
				if (!((an[k] >= 'a' && an[k] <= 'z')))
					letters = false;
			for (size_t k = 0; k < a->value_len; k++)
				if (!is_space((uint8_t)a->value[k]))
					body = true;
			if (letters && body) {
				char nm[48];
				snprintf(nm, sizeof nm, "%.*s", (int)(a->name_len < 40 ? a->name_len : 40), a->name);
				found(h, r, "event handler %s", nm);
				js_text(r, a->value, a->value_len);
				continue;
			}
		}
		uint32_t af = attr_flags(an, al);
		if (af & A_URL) {
			const char *what = NULL;
			if (af & A_SRCSET) {
				for (const char *c = a->value, *e = a->value + a->value_len; c < e && !what;) {
					const char *comma = memchr(c, ',', (size_t)(e - c));
					what = url_runs(c, (size_t)((comma ? comma : e) - c), frame);
					c = comma ? comma + 1 : e;
				}
			} else {
				what = url_runs(a->value, a->value_len, frame);
			}
			if (what) {
				char nm[48];
				snprintf(nm, sizeof nm, "%.*s", (int)(a->name_len < 40 ? a->name_len : 40), a->name);
				found(h, r, "%s: URL in %s", what, nm);
			}
		}
	}
	if (ef & E_META) {
		const struct cr_tok_attr *he = attr(t, "http-equiv"), *c = attr(t, "content");
		if (he && c && eq_ci(he->value, he->value_len, "refresh"))
			refresh(h, r, c);
	} else if ((ef & E_FRAME) && attr(t, "srcdoc")) {
		const struct cr_tok_attr *sd = attr(t, "srcdoc");
		if (!h->script && h->level < SRCDOC_LEVELS)
			page(h, (const uint8_t *)sd->value, sd->value_len, h->level + 1);
		else if (!h->script)
			found(h, r, "<iframe srcdoc> nested deeper than %d levels", SRCDOC_LEVELS);
	} else if (ef & E_APPLET) {
		found(h, r, "<applet> element");
	} else if (ef & E_OBJECT) {
		bool embed = (ef & E_EMBED) != 0;
		const struct cr_tok_attr *ty = attr(t, "type"), *d = attr(t, embed ? "src" : "data");
		if ((ty && in_list(ty->value, ty->value_len, active_types)) || (d && ext_active(d->value, d->value_len)) ||
		    attr(t, "classid"))
			found(h, r, "<%s> of active content", embed ? "embed" : "object");
	} else if (ef & E_ANIMATE) {
		const struct cr_tok_attr *an = attr(t, "attributename");
		size_t al;
		const char *aln = an ? local(an->value, an->value_len, &al) : NULL;
		if (aln && eq_ci(aln, al, "href")) {
			static const char *const vals[] = {"to", "from", "by", "values"};
			for (size_t k = 0; k < 4; k++) {
				const struct cr_tok_attr *v = attr(t, vals[k]);
				for (const char *c = v ? v->value : NULL, *e = v ? v->value + v->value_len : NULL; c && c < e;) {
					const char *semi = memchr(c, ';', (size_t)(e - c));
					const char *what = url_runs(c, (size_t)((semi ? semi : e) - c), false);
					if (what) {
						found(h, r, "SVG <%s> writing a %s: URL into href", ef & E_SET ? "set" : "animate", what);
						break;
					}
					c = semi ? semi + 1 : e;
				}
			}
		}
	} else if (ef & E_ANCHOR) {
		data_download(h, t);
	}
}

static void on_start(void *u, const struct cr_tok_tag *t)
{
	struct reading *r = u;
	size_t lnl;
	const char *ln = local(t->name, t->name_len, &lnl);
	uint32_t hsh = hash(t->name, t->name_len);
	bool own = ln == t->name;	/* a prefixed name ("svg:script") is an unknown element to the HTML parser */
	uint32_t ef = own ? (lnl < 32 ? elem_flags_h(ln, lnl, hsh) : 0) : elem_flags(ln, lnl);
	uint8_t ns = cur_ns(r);
	if (ns != NS_HTML && own) {
		bool out = (ef & E_BREAKOUT) || ((ef & E_FONT) && (attr(t, "color") || attr(t, "face") || attr(t, "size")));
		if (out) {
			/* Pop to the HTML element or integration point below. */
			size_t d = r->depth > STACK ? STACK : r->depth;
			while (d > 0 && r->stack[d - 1].ns != NS_HTML && !r->stack[d - 1].html_inside)
				d--;
			pop_to(r, d);
			ns = NS_HTML;
		}
	}
	judge_tag(r, t, ef);
	if (ns == NS_HTML) {
		if (own && (ef & (E_SVG | E_MATH))) {
			if (!t->self_closing)
				push(r, hsh, ef & E_SVG ? NS_SVG : NS_MATH, false);
		} else if (!own || !(ef & E_VOID)) {
			push(r, hsh, NS_HTML, false);
			if (own && (ef & E_SCRIPT)) {
				cr_tok_set_state(&r->tok, CR_TOK_SCRIPT);
				script_here(r);
			} else if (own && (ef & E_RAWTEXT)) {
				cr_tok_set_state(&r->tok, CR_TOK_RAWTEXT);
			} else if (own && (ef & E_RCDATA)) {
				cr_tok_set_state(&r->tok, CR_TOK_RCDATA);
			} else if (own && (ef & E_PLAINTEXT)) {
				cr_tok_set_state(&r->tok, CR_TOK_PLAINTEXT);
			}
		}
	} else if (!t->self_closing) {
		bool integ = false;
		if (ns == NS_SVG) {
			integ = (ef & E_SVG_HTML) != 0;
		} else if (ef & E_ANNOTATION) {
			const struct cr_tok_attr *enc = attr(t, "encoding");
			integ = enc && (eq_ci(enc->value, enc->value_len, "text/html") ||
					eq_ci(enc->value, enc->value_len, "application/xhtml+xml"));
		} else {
			integ = (ef & E_MATH_TEXT) != 0;
		}
		push(r, hsh, own && (ef & E_SVG) ? NS_SVG : ns, integ);
		if (ef & E_SCRIPT)
			script_here(r);	/* SVG script: its text is script, tokenized as markup */
	}
	set_foreign(r);
}

static void on_end(void *u, const struct cr_tok_tag *t)
{
	struct reading *r = u;
	uint32_t hsh = hash(t->name, t->name_len);
	size_t top = r->depth > STACK ? STACK : r->depth;
	for (size_t d = top; d > 0 && top - d < 64; d--)
		if (r->stack[d - 1].hash == hsh) {
			pop_to(r, d - 1);
			break;
		}
	set_foreign(r);
}

static void on_chars(void *u, const char *s, size_t n)
{
	struct reading *r = u;
	if (r->script_at && r->depth >= r->script_at)
		js_text(r, s, n);
}

/* --- readings ------------------------------------------------------------- */

static struct reading *reading_new(struct cr_html *h, enum cr_enc enc)
{
	/* Not calloc: the tokenizer's input buffer and the element stack need no zeroing. */
	struct reading *r = malloc(sizeof *r);
	if (!r)
		return NULL;
	r->depth = r->script_at = r->ncarry = 0;
	r->quote = r->after = 0;
	r->lit_ok = r->xml = false;
	r->lit = (struct buf){0};
	r->h = h;
	r->enc = enc;
	cr_dec_init(&r->dec, enc);
	struct cr_tok_sink sink = {on_start, on_end, on_chars, NULL, NULL, r};
	if (cr_tok_init(&r->tok, &sink, MAX_STR, MAX_ATTRS) != 0) {
		free(r);
		return NULL;
	}
	cr_tok_set_text(&r->tok, false);
	return r;
}

static void reading_free(struct reading *r)
{
	if (!r)
		return;
	cr_tok_free(&r->tok);
	free(r->lit.p);
	free(r);
}

/* Code points to UTF-8, for the tokenizer. */
static void feed_cps(struct cr_html *h, struct reading *r, size_t m)
{
	size_t k = 0;
	for (size_t i = 0; i < m; i++)
		k += cr_utf8_encode(h->cps[i], h->u8 + k);
	cr_tok_feed(&r->tok, h->u8, k);
}

static void reading_feed(struct cr_html *h, struct reading *r, const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i += FEED) {
		size_t k = n - i < FEED ? n - i : FEED;
		if (r->enc == CR_ENC_UTF8) {
			/* Valid UTF-8 goes to the tokenizer as it is; only a chunk with other bytes is decoded. */
			if (cr_dec_ascii(&r->dec, p + i, k)) {
				cr_tok_feed(&r->tok, p + i, k);
				continue;
			}
			size_t m = cr_dec_utf8(&r->dec, p + i, k, h->u8);
			cr_tok_feed(&r->tok, h->u8, m);
		} else {
			feed_cps(h, r, cr_dec_run(&r->dec, p + i, k, h->cps));
		}
	}
}

static void reading_finish(struct cr_html *h, struct reading *r)
{
	feed_cps(h, r, cr_dec_end(&r->dec, h->cps));
	cr_tok_finish(&r->tok);
	if (r->quote || r->after)
		lit_close(r);	/* a literal the page never closed still decodes */
}

static void add_reading(struct cr_html *h, enum cr_enc enc)
{
	for (size_t i = 0; i < h->nr; i++)
		if (h->r[i]->enc == enc)
			return;
	if (h->nr < MAX_READINGS) {
		struct reading *r = reading_new(h, enc);
		if (r)
			h->r[h->nr++] = r;
		else
			h->incomplete = true;
	}
}

static void choose(struct cr_html *h, const uint8_t *head, size_t n)
{
	struct cr_sniff s;
	cr_charset_sniff(head, n, &s);
	if (s.bom) {
		add_reading(h, s.bom_enc);
		return;
	}
	add_reading(h, CR_ENC_UTF8);
	if (s.utf16_guess)
		add_reading(h, s.guess_enc);
	if (s.jp_escapes || s.meta_jp)
		add_reading(h, CR_ENC_ISO2022JP);
}

/* A page inside a page (srcdoc): read now, whole; its findings are the outer page's. */
static void page(struct cr_html *h, const uint8_t *p, size_t n, unsigned level)
{
	struct cr_html *in = html_alloc();
	if (!in) {
		h->incomplete = true;
		return;
	}
	in->level = level;
	add_reading(in, CR_ENC_UTF8);	/* a srcdoc value is already characters */
	for (size_t i = 0; i < in->nr; i++)
		reading_feed(in, in->r[i], p, n);
	for (size_t i = 0; i < in->nr; i++)
		reading_finish(in, in->r[i]);
	if (in->script && !h->script) {
		h->script = true;
		snprintf(h->script_why, sizeof h->script_why, "<iframe srcdoc> holding %.120s", in->script_why);
	}
	h->sig |= in->sig;
	h->incomplete |= in->incomplete;
	cr_html_free(in);
}

/* --- the XML reading ----------------------------------------------------- */

#define NS_SEP '\x01'
#define XML_CAP_THRESHOLD (1u << 20)	/* expansion is judged once this much is produced */
#define XML_CAP_FACTOR 100.0f		/* ... and may not exceed this many times the input */
#define XML_CAP_TOTAL (64u << 20)	/* characters from entities, whatever the ratio */

static const char ns_svg[] = "http://www.w3.org/2000/svg", ns_xhtml[] = "http://www.w3.org/1999/xhtml",
		  ns_xlink[] = "http://www.w3.org/1999/xlink";

/* "uri\x01local" -> whether the uri is one whose script a browser runs, and local. */
static bool xml_name(const char *full, const char **loc, const char **uri, size_t *urilen)
{
	const char *sep = strchr(full, NS_SEP);
	if (!sep) {
		*loc = full;
		*uri = "";
		*urilen = 0;
		return false;
	}
	*loc = sep + 1;
	*uri = full;
	*urilen = (size_t)(sep - full);
	return (*urilen == sizeof ns_svg - 1 && memcmp(full, ns_svg, *urilen) == 0) ||
	       (*urilen == sizeof ns_xhtml - 1 && memcmp(full, ns_xhtml, *urilen) == 0);
}

static void xml_count(struct cr_html *h, size_t n)
{
	h->xml_out += n;
	if (h->xml_out > XML_CAP_TOTAL && !h->bomb_why[0]) {
		snprintf(h->bomb_why, sizeof h->bomb_why,
			 "entity expansion produced more than %u MiB of text from %llu bytes", XML_CAP_TOTAL >> 20,
			 (unsigned long long)h->xml_in);
		XML_StopParser(h->xp, XML_FALSE);
	}
}

static void XMLCALL xml_start(void *u, const XML_Char *name, const XML_Char **atts)
{
	struct cr_html *h = u;
	struct reading *r = h->xr;
	const char *loc, *uri;
	size_t ul;
	bool live = xml_name(name, &loc, &uri, &ul);
	r->depth++;
	if (!live)
		return;
	/* The tag as the tokenizer would hand it: xlink attributes keep their prefix. */
	struct cr_tok_attr at[64];
	char names[64][48];
	size_t na = 0;
	for (size_t i = 0; atts[i] && atts[i + 1] && na < 64; i += 2) {
		const char *al, *au;
		size_t aul;
		xml_name(atts[i], &al, &au, &aul);
		bool xlink = aul == sizeof ns_xlink - 1 && memcmp(au, ns_xlink, aul) == 0;
		snprintf(names[na], sizeof names[na], "%s%.40s", xlink ? "xlink:" : aul ? "x:" : "", al);
		at[na] = (struct cr_tok_attr){names[na], atts[i + 1], strlen(names[na]), strlen(atts[i + 1])};
		xml_count(h, at[na].value_len);
		na++;
	}
	bool more = false;
	for (size_t i = 2 * na; atts[i]; i++)
		more = true;	/* attributes past the 64 kept */
	struct cr_tok_tag t = {loc, strlen(loc), at, na, false, more, more};
	judge_tag(r, &t, elem_flags(loc, t.name_len));
	if (strcmp(loc, "script") == 0 && script_runs(&t) && !r->script_at)
		r->script_at = r->depth;
}

static void XMLCALL xml_end(void *u, const XML_Char *name)
{
	struct cr_html *h = u;
	struct reading *r = h->xr;
	if (r->script_at == r->depth)
		r->script_at = 0;
	if (r->depth)
		r->depth--;
}

static void XMLCALL xml_chars(void *u, const XML_Char *s, int len)
{
	struct cr_html *h = u;
	struct reading *r = h->xr;
	xml_count(h, (size_t)len);
	if (r->script_at)
		js_text(r, s, (size_t)len);
}

static void xml_new(struct cr_html *h)
{
	h->xr = calloc(1, sizeof *h->xr);
	h->xp = XML_ParserCreateNS(NULL, NS_SEP);
	if (!h->xr || !h->xp) {
		h->incomplete = true;
		return;
	}
	h->xr->h = h;
	h->xr->xml = true;
	XML_SetUserData(h->xp, h);
	XML_SetElementHandler(h->xp, xml_start, xml_end);
	XML_SetCharacterDataHandler(h->xp, xml_chars);
	/* No external entity is ever read; internal ones expand as a browser expands them. */
	XML_SetParamEntityParsing(h->xp, XML_PARAM_ENTITY_PARSING_NEVER);
	XML_SetBillionLaughsAttackProtectionActivationThreshold(h->xp, XML_CAP_THRESHOLD);
	XML_SetBillionLaughsAttackProtectionMaximumAmplification(h->xp, XML_CAP_FACTOR);
}

static void xml_feed(struct cr_html *h, const uint8_t *p, size_t n, bool final)
{
	if (!h->xp || h->xml_done)
		return;
	h->xml_in += n;
	for (size_t i = 0; i < n || (final && i == n); i += 1u << 20) {
		size_t k = n - i < (1u << 20) ? n - i : 1u << 20;
		bool last = final && i + k >= n;
		if (XML_Parse(h->xp, (const char *)p + i, (int)k, last) == XML_STATUS_ERROR) {
			enum XML_Error e = XML_GetErrorCode(h->xp);
			if (e == XML_ERROR_AMPLIFICATION_LIMIT_BREACH && !h->bomb_why[0])
				snprintf(h->bomb_why, sizeof h->bomb_why,
					 "entity expansion beyond %.0f times the document (billion laughs)", (double)XML_CAP_FACTOR);
			h->xml_done = true;	/* not well-formed: a browser shows an error, the HTML reading stands */
			return;
		}
		if (last)
			break;
	}
}

/* --- the interface -------------------------------------------------------- */

struct cr_html *cr_html_new(const uint8_t *head, size_t n, bool xml)
{
	struct cr_html *h = html_alloc();
	if (!h)
		return NULL;
	choose(h, head, n);
	if (xml)
		xml_new(h);
	if (h->nr == 0) {
		free(h);
		return NULL;
	}
	return h;
}

void cr_html_feed(struct cr_html *h, const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < h->nr; i++)
		reading_feed(h, h->r[i], p, n);
	xml_feed(h, p, n, false);
}

void cr_html_finish(struct cr_html *h)
{
	for (size_t i = 0; i < h->nr; i++)
		reading_finish(h, h->r[i]);
	xml_feed(h, (const uint8_t *)"", 0, true);	/* not NULL: NULL + 0 is undefined */
	if (h->xr && (h->xr->quote || h->xr->after))
		lit_close(h->xr);
	unsigned g = h->sig;
	const char *how = NULL;
	if (g & SIG_MSSAVE)
		how = "msSaveOrOpenBlob";
	else if ((g & (SIG_BLOB | SIG_ATOB)) && (g & (SIG_OBJURL | SIG_DOWNLOAD | SIG_SAVEAS)))
		how = g & SIG_DOWNLOAD ? "a download link" : g & SIG_OBJURL ? "URL.createObjectURL" : "saveAs";
	else if ((g & SIG_ATOB) && h->best.len >= LIT_MIN)
		how = "atob";
	else if (g & SIG_DATA_DOWNLOAD)
		how = "<a download> of a data: or blob: URL";
	if (how) {
		snprintf(h->smug_why, sizeof h->smug_why, "builds a file and hands it over (%s%s%s)", how,
			 g & SIG_BLOB ? ", new Blob" : "", g & SIG_ATOB ? ", atob" : "");
		if (h->payload.len == 0 && h->best.len)
			b64_decode(&h->best, &h->payload);
	}
}

void cr_html_free(struct cr_html *h)
{
	if (!h)
		return;
	for (size_t i = 0; i < h->nr; i++)
		reading_free(h->r[i]);
	if (h->xp)
		XML_ParserFree(h->xp);
	if (h->xr) {
		free(h->xr->lit.p);
		free(h->xr);
	}
	free(h->best.p);
	free(h->payload.p);
	free(h);
}

const char *cr_html_script(const struct cr_html *h)
{
	return h->script ? h->script_why : NULL;
}

const char *cr_html_smuggling(const struct cr_html *h)
{
	return h->smug_why[0] ? h->smug_why : NULL;
}

const uint8_t *cr_html_payload(const struct cr_html *h, size_t *n, const char **name)
{
	if (!h->smug_why[0] || h->payload.len == 0)
		return NULL;
	*n = h->payload.len;
	*name = h->pname[0] ? h->pname : "base64-payload";
	return h->payload.p;
}

const char *cr_html_bomb(const struct cr_html *h)
{
	return h->bomb_why[0] ? h->bomb_why : NULL;
}

bool cr_html_incomplete(const struct cr_html *h)
{
	return h->incomplete;
}
