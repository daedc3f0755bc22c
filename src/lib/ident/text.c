/*
 * text.c - classifiers for text: scripts, markup, data formats.
 *
 * Text has no magic numbers, and it is where identifiers fail (file(1)
 * scores 1% on PowerShell in the Magika paper).  Windows script hosts do
 * not care about a header either: mshta runs any HTML, wscript any .js.
 * So these classifiers look at the whole head window, and decide on
 * structure, in this order:
 *
 *   1. UTF-16 with a BOM is narrowed to ASCII and classified the same way;
 *   2. markers that win anywhere: "<?php" (a server runs it whatever
 *      surrounds it), "<hta:application", Script Encoder "#@~^";
 *   3. an interpreter line "#!";
 *   4. markup by its root element (HTML, SVG, XML, WSF, Windows library
 *      and settings shortcuts);
 *   5. INI-style shortcuts ([InternetShortcut], [Shell], [Desktop Entry]);
 *   6. JSON, validated by a bounded parser;
 *   7. languages by distinct indicators counted over the lines;
 *   8. CSV/TSV by a constant field count, Markdown by its syntax.
 *
 * Every scan is linear in the window, bounded, and never backtracks.
 */

#include <stdlib.h>
#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "ident.h"
#include "../markup/charset.h"

static int lower(int c) { return c >= 'A' && c <= 'Z' ? c + 32 : c; }
static int is_ws(int c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v'; }
static int is_alpha(int c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
static int is_ident(int c) { return is_alpha(c) || (c >= '0' && c <= '9') || c == '_'; }

long cr_memcasemem(const uint8_t *hay, size_t n, const char *needle)
{
	size_t m = strlen(needle);
	if (m == 0 || m > n)
		return -1;
	int f = lower((uint8_t)needle[0]);
	/* A needle starting with a non-letter: let memchr (vectorised) find candidates. */
	if (!is_alpha(f)) {
		const uint8_t *p = hay, *end = hay + (n - m) + 1;
		while (p < end && (p = memchr(p, f, (size_t)(end - p))) != NULL) {
			size_t k = 1;
			while (k < m && lower(p[k]) == lower((uint8_t)needle[k]))
				k++;
			if (k == m)
				return (long)(p - hay);
			p++;
		}
		return -1;
	}
	/* A letter: c | 0x20 is f exactly for f and its upper case. */
	size_t last = n - m, i = 0;
#ifdef __SSE2__
	/* Sixteen candidates at a time: the bytes whose OR with 0x20 is f. */
	const __m128i F = _mm_set1_epi8((char)f), B = _mm_set1_epi8(0x20);
	for (; i + 16 <= last + 1; i += 16) {
		__m128i v = _mm_loadu_si128((const __m128i *)(const void *)(hay + i));
		unsigned mask = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(_mm_or_si128(v, B), F));
		while (mask) {
			size_t at = i + (size_t)__builtin_ctz(mask), k = 1;
			mask &= mask - 1;
			while (k < m && lower(hay[at + k]) == lower((uint8_t)needle[k]))
				k++;
			if (k == m)
				return (long)at;
		}
	}
#endif
	for (; i <= last; i++) {
		if ((hay[i] | 0x20) != f)
			continue;
		size_t k = 1;
		while (k < m && lower(hay[i + k]) == lower((uint8_t)needle[k]))
			k++;
		if (k == m)
			return (long)i;
	}
	return -1;
}

int cr_text_is_binary(const uint8_t *p, size_t n)
{
	/* WHATWG "binary data bytes": C0 controls except TAB LF FF CR ESC. */
	static const uint32_t bad = 0x0fffc1ffu & ~(1u << 0x1b) & ~(1u << 0x0c);
	size_t i = 0;
#ifdef __SSE2__
	/* Sixteen bytes at a time: bytes <= 0x1f, minus the five allowed ones. */
	const __m128i lim = _mm_set1_epi8(0x1f);
	const __m128i tab = _mm_set1_epi8('\t'), lf = _mm_set1_epi8('\n'), ff = _mm_set1_epi8('\f'),
		      cr = _mm_set1_epi8('\r'), esc = _mm_set1_epi8(0x1b);
	for (; i + 16 <= n; i += 16) {
		__m128i v = _mm_loadu_si128((const __m128i *)(const void *)(p + i));
		__m128i ctl = _mm_cmpeq_epi8(_mm_min_epu8(v, lim), v);
		__m128i ok = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, tab), _mm_cmpeq_epi8(v, lf)),
					  _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, ff), _mm_cmpeq_epi8(v, cr)),
						       _mm_cmpeq_epi8(v, esc)));
		if (_mm_movemask_epi8(_mm_andnot_si128(ok, ctl)))
			return 1;
	}
#endif
	for (; i < n; i++)
		if (p[i] < 0x20 && ((bad >> p[i]) & 1))
			return 1;
	return 0;
}

/* Case-insensitive prefix test at p[0..n). */
static inline int ci_pre_n(const uint8_t *p, size_t n, const char *s, size_t m)
{
	if (m > n || m == 0 || lower(p[0]) != lower((uint8_t)s[0]))
		return 0;
	for (size_t i = 0; i < m; i++)
		if (lower(p[i]) != lower((uint8_t)s[i]))
			return 0;
	return 1;
}

static inline int pre_n(const uint8_t *p, size_t n, const char *s, size_t m)
{
	/* The first byte rejects almost every line before any call. */
	return m <= n && p[0] == (uint8_t)s[0] && memcmp(p, s, m) == 0;
}

/* Literal needles: their length is known at compile time. */
#define pre(p, n, s) pre_n(p, n, "" s, sizeof(s) - 1)
#define ci_pre(p, n, s) ci_pre_n(p, n, "" s, sizeof(s) - 1)
#define has(p, n, s) has_n(p, n, "" s, sizeof(s) - 1)

/*
 * Substring test for short haystacks (a line, a few dozen bytes): a plain
 * scan beats memmem's set-up cost there.  Whole-window searches use
 * memmem directly.
 */
static int has_n(const uint8_t *p, size_t n, const char *s, size_t m)
{
	if (m > n)
		return 0;
	uint8_t f = (uint8_t)s[0];
	size_t last = n - m, i = 0;
#ifdef __SSE2__
	/* Sixteen candidates for the first byte at a time. */
	const __m128i F = _mm_set1_epi8((char)f);
	for (; i + 16 <= last + 1; i += 16) {
		unsigned mask = (unsigned)_mm_movemask_epi8(
			_mm_cmpeq_epi8(_mm_loadu_si128((const __m128i *)(const void *)(p + i)), F));
		while (mask) {
			size_t at = i + (size_t)__builtin_ctz(mask);
			mask &= mask - 1;
			if (memcmp(p + at + 1, s + 1, m - 1) == 0)
				return 1;
		}
	}
#endif
	for (; i <= last; i++)
		if (p[i] == f && memcmp(p + i + 1, s + 1, m - 1) == 0)
			return 1;
	return 0;
}

bool cr_has_php_open(const uint8_t *p, size_t n)
{
	/* Each '<' (memchr is the fastest scan there is), then what follows it. */
	for (const uint8_t *q = p; (q = memchr(q, '<', n - (size_t)(q - p))) != NULL; q++) {
		size_t left = n - (size_t)(q - p);
		if (left < 3 || q[1] != '?')
			continue;
		if (q[2] == '=')
			return true;
		if (left >= 5 && (q[2] | 0x20) == 'p' && (q[3] | 0x20) == 'h' && (q[4] | 0x20) == 'p')
			return true;
	}
	return false;
}

static int has_window(const uint8_t *p, size_t n, const char *s)
{
	return memmem(p, n, s, strlen(s)) != NULL;
}

/*
 * Line gating: a mask of which punctuation a line holds, computed once per
 * line, lets most substring tests be skipped without looking (a needle
 * with a '(' cannot occur in a line without one).
 */
static uint32_t gate_bit(uint8_t c)
{
	switch (c) {
	case '$': return 1u << 0;
	case '-': return 1u << 1;
	case '(': return 1u << 2;
	case '.': return 1u << 3;
	case '=': return 1u << 4;
	case '>': return 1u << 5;
	case '{': return 1u << 6;
	case '\'': return 1u << 7;
	case '"': return 1u << 8;
	case ':': return 1u << 9;
	case '_': return 1u << 10;
	case '@': return 1u << 11;
	case '%': return 1u << 12;
	case '[': return 1u << 13;
	case ';': return 1u << 14;
	case '|': return 1u << 15;
	case '~': return 1u << 16;
	case '/': return 1u << 17;
	case '<': return 1u << 18;
	case '+': return 1u << 19;
	case '*': return 1u << 20;
	default: return 0;
	}
}

static uint32_t line_mask(const uint8_t *l, size_t n)
{
	uint32_t m = 0;
	for (size_t i = 0; i < n; i++)
		m |= gate_bit(l[i]);
	return m;
}

static uint32_t needle_mask(const char *s)
{
	uint32_t m = 0;
	for (; *s; s++)
		m |= gate_bit((uint8_t)*s);
	return m;
}

/*
 * The needle's mask is computed once per call site and cached: the
 * needles are literals.  Relaxed atomics make the benign race between
 * threads (both store the same value) well defined.
 */
#define GATED(s)                                                                   \
	({                                                                         \
		static uint32_t gm_;                                               \
		uint32_t g_ = __atomic_load_n(&gm_, __ATOMIC_RELAXED);             \
		if (!g_) {                                                         \
			g_ = needle_mask(s) | 0x80000000u;                         \
			__atomic_store_n(&gm_, g_, __ATOMIC_RELAXED);              \
		}                                                                  \
		((g_ & 0x7fffffffu) & ~lm) == 0;                                   \
	})

#define LHAS(s) (GATED(s) && has(l, n, s))
#define LCASE(s) (GATED(s) && cr_memcasemem(l, n, s) >= 0)

/* --- interpreter lines -------------------------------------------------- */

static enum cr_tid interp_type(const char *b)
{
	static const struct {
		const char *name;
		int prefix;
		enum cr_tid t;
	} map[] = {
		{"sh", 0, T_SHELL},	{"bash", 0, T_SHELL},	 {"dash", 0, T_SHELL},	 {"zsh", 0, T_SHELL},
		{"ksh", 1, T_SHELL},	{"mksh", 0, T_SHELL},	 {"csh", 0, T_SHELL},	 {"tcsh", 0, T_SHELL},
		{"ash", 0, T_SHELL},	{"fish", 0, T_SHELL},	 {"busybox", 0, T_SHELL}, {"python", 1, T_PYTHON},
		{"pypy", 1, T_PYTHON},	{"perl", 1, T_PERL},	 {"ruby", 1, T_RUBY},	 {"node", 0, T_JAVASCRIPT},
		{"nodejs", 0, T_JAVASCRIPT}, {"deno", 0, T_JAVASCRIPT}, {"bun", 0, T_JAVASCRIPT}, {"php", 1, T_PHP},
		{"pwsh", 0, T_POWERSHELL}, {"powershell", 0, T_POWERSHELL},
	};
	for (size_t i = 0; i < sizeof map / sizeof map[0]; i++) {
		size_t l = strlen(map[i].name);
		if (strncmp(b, map[i].name, l) == 0 && (b[l] == '\0' || map[i].prefix))
			return map[i].t;
	}
	return T_SCRIPT;
}

/* Reads the interpreter of a "#!" line into id->interp; its type. */
static enum cr_tid shebang(const uint8_t *p, size_t n, struct cr_ident *id)
{
	size_t lim = n < 256 ? n : 256, i = 2;
	while (i < lim && (p[i] == ' ' || p[i] == '\t'))
		i++;
	char word[64];
	for (int pass = 0; pass < 4; pass++) {
		size_t s = i;
		while (i < lim && !is_ws(p[i]))
			i++;
		size_t b = s;
		for (size_t k = s; k < i; k++)
			if (p[k] == '/')
				b = k + 1;
		size_t l = i - b < sizeof word - 1 ? i - b : sizeof word - 1;
		memcpy(word, p + b, l);
		word[l] = '\0';
		while (i < lim && (p[i] == ' ' || p[i] == '\t'))
			i++;
		/* env [-S] [-i] [VAR=value] interpreter */
		if (strcmp(word, "env") == 0 || word[0] == '-' || (l && memchr(word, '=', l))) {
			if (i >= lim || p[i] == '\n' || p[i] == '\r')
				break;
			continue;
		}
		break;
	}
	size_t wl = strlen(word);
	if (wl >= sizeof id->interp)
		wl = sizeof id->interp - 1;
	memcpy(id->interp, word, wl);
	id->interp[wl] = '\0';
	id->flags |= CR_ID_SHEBANG;
	return interp_type(word);
}

/* --- markup ------------------------------------------------------------- */

static size_t skip_ws(const uint8_t *p, size_t n, size_t i)
{
	while (i < n && is_ws(p[i]))
		i++;
	return i;
}

/* Index just past the first occurrence of s at or after i, or n. */
static size_t skip_past(const uint8_t *p, size_t n, size_t i, const char *s)
{
	size_t m = strlen(s);
	for (; i + m <= n; i++)
		if (p[i] == (uint8_t)s[0] && memcmp(p + i, s, m) == 0)
			return i + m;
	return n;
}

static int name_eq(const uint8_t *p, size_t l, const char *s)
{
	return strlen(s) == l && ci_pre_n(p, l, s, l);
}

static const char *const html_tags[] = {"html", "head", "body", "script", "iframe", "h1", "h2", "div",
					"font", "table", "a", "style", "title", "b", "br", "p", "meta",
					"link", "span", "form", "img", "center", "frameset", "ul", "noscript"};

static int is_html_tag(const uint8_t *p, size_t l)
{
	for (size_t i = 0; i < sizeof html_tags / sizeof html_tags[0]; i++)
		if (name_eq(p, l, html_tags[i]))
			return 1;
	return 0;
}

/* Every HTML element a browser knows, for finding markup in text (sorted). */
static const char *const html_elements[] = {
	"a", "abbr", "address", "applet", "area", "article", "aside", "audio", "b", "base", "bdi", "bdo",
	"blockquote", "body", "br", "button", "canvas", "caption", "center", "cite", "code", "col", "colgroup",
	"data", "datalist", "dd", "del", "details", "dfn", "dialog", "div", "dl", "dt", "em", "embed", "fieldset",
	"figcaption", "figure", "font", "footer", "form", "frame", "frameset", "h1", "h2", "h3", "h4", "h5", "h6",
	"head", "header", "hr", "html", "i", "iframe", "img", "input", "ins", "kbd", "label", "legend", "li", "link",
	"main", "map", "mark", "marquee", "math", "meta", "meter", "nav", "noscript", "object", "ol", "optgroup",
	"option", "output", "p", "param", "picture", "plaintext", "pre", "progress", "q", "s", "samp", "script",
	"section", "select", "small", "source", "span", "strong", "style", "sub", "summary", "sup", "svg", "table",
	"tbody", "td", "template", "textarea", "tfoot", "th", "thead", "time", "title", "tr", "track", "u", "ul",
	"var", "video", "wbr", "xmp",
};

static int elem_cmp(const void *k, const void *e)
{
	return strcmp(k, *(const char *const *)e);
}

bool cr_has_html_tag(const uint8_t *p, size_t n)
{
	for (const uint8_t *q = p, *e = p + n; (q = memchr(q, '<', (size_t)(e - q))); q++) {
		char name[12];
		size_t l = 0;
		const uint8_t *c = q + 1;
		while (c < e && l < sizeof name - 1 && (is_alpha(*c) || (l == 1 && name[0] == 'h' && *c >= '1' && *c <= '6'))) {
			name[l++] = (char)(*c >= 'A' && *c <= 'Z' ? *c + 32 : *c);
			c++;
		}
		if (l == 0 || c >= e || !(*c == ' ' || *c == '\t' || *c == '\n' || *c == '\r' || *c == '\f' || *c == '>' || *c == '/'))
			continue;
		name[l] = '\0';
		if (bsearch(name, html_elements, sizeof html_elements / sizeof html_elements[0], sizeof html_elements[0], elem_cmp))
			return true;
	}
	return false;
}

/* Classifies text starting with '<' by its prolog and root element. */
static enum cr_tid markup(const uint8_t *p, size_t n, size_t i)
{
	int xmldecl = 0;
	/* A prolog of comments, PIs and a DOCTYPE; each step consumes input. */
	for (int guard = 0; guard < 64 && i < n; guard++) {
		i = skip_ws(p, n, i);
		if (i >= n || p[i] != '<')
			return xmldecl ? T_XML : T_UNKNOWN;
		if (pre(p + i, n - i, "<?xml")) {
			xmldecl = 1;
			i = skip_past(p, n, i + 5, "?>");
		} else if (pre(p + i, n - i, "<?")) {
			i = skip_past(p, n, i + 2, "?>");
		} else if (pre(p + i, n - i, "<!--")) {
			i = skip_past(p, n, i + 4, "-->");
		} else if (ci_pre(p + i, n - i, "<!doctype")) {
			size_t j = skip_ws(p, n, i + 9), s = j;
			while (j < n && (is_ident(p[j]) || p[j] == ':' || p[j] == '-'))
				j++;
			if (name_eq(p + s, j - s, "html"))
				return T_HTML;
			if (name_eq(p + s, j - s, "svg"))
				return T_SVG;
			i = skip_past(p, n, j, ">");
		} else {
			size_t s = i + 1, j = s;
			while (j < n && (is_ident(p[j]) || p[j] == ':' || p[j] == '-' || p[j] == '.'))
				j++;
			size_t l = j - s;
			if (l == 0)
				return xmldecl ? T_XML : T_UNKNOWN;
			const uint8_t *r = p + s;
			if (name_eq(r, l, "svg") || name_eq(r, l, "svg:svg"))
				return T_SVG;
			if (name_eq(r, l, "html"))
				return T_HTML;
			if (name_eq(r, l, "job") || name_eq(r, l, "package"))
				return cr_memcasemem(p, n, "<script") >= 0 ? T_WSF : T_XML;
			if (name_eq(r, l, "libraryDescription") || name_eq(r, l, "searchConnectorDescription"))
				return T_LIBRARY_MS;
			if (name_eq(r, l, "PCSettings"))
				return T_SETTINGCONTENT_MS;
			if (!xmldecl && is_html_tag(r, l))
				return T_HTML;
			if (xmldecl || memchr(r, ':', l) || has_window(p + j, n - j, "xmlns"))
				return T_XML;
			/* An unknown root without a declaration: HTML if HTML tags follow. */
			if (cr_memcasemem(p, n, "<body") >= 0 || cr_memcasemem(p, n, "<script") >= 0 ||
			    cr_memcasemem(p, n, "<div") >= 0)
				return T_HTML;
			return has_window(p, n, "</") ? T_XML : T_UNKNOWN;
		}
	}
	return xmldecl ? T_XML : T_UNKNOWN;
}

/* --- JSON --------------------------------------------------------------- */

/*
 * A JSON validator with an explicit stack (no recursion) bounded at 512
 * levels.  Input cut by the window end counts as JSON when the object is
 * larger than the window and nothing before the cut was wrong.
 */
static int json_ok(const uint8_t *p, size_t n, int truncated)
{
	char stack[512];
	size_t sp = 0, i = skip_ws(p, n, 0);
	enum { VALUE, AFTER } st = VALUE;
	if (i >= n || (p[i] != '{' && p[i] != '['))
		return 0;
	int closed = 0;
	while (i < n) {
		i = skip_ws(p, n, i);
		if (i >= n)
			break;
		uint8_t c = p[i];
		if (closed)
			return 0;	/* content after the top-level value */
		if (st == VALUE) {
			if (c == '{' || c == '[') {
				if (sp == sizeof stack)
					return 0;
				stack[sp++] = (char)c;
				i++;
				size_t j = skip_ws(p, n, i);
				if (j < n && ((c == '{' && p[j] == '}') || (c == '[' && p[j] == ']'))) {
					sp--;
					i = j + 1;
					st = AFTER;
					closed = sp == 0;
					continue;
				}
				if (c == '{') {
					/* key string then ':' */
					if (j >= n)
						break;
					if (p[j] != '"')
						return 0;
					i = j;
				}
				continue;
			}
			if (c == '"') {
				size_t j = i + 1;
				while (j < n && p[j] != '"') {
					if (p[j] == '\\')
						j++;
					else if (p[j] < 0x20)
						return 0;
					j++;
				}
				if (j >= n)
					break;
				i = j + 1;
				/* an object key is followed by ':' */
				size_t k = skip_ws(p, n, i);
				if (sp && stack[sp - 1] == '{' && k < n && p[k] == ':') {
					i = k + 1;
					continue;
				}
				st = AFTER;
				continue;
			}
			if (c == '-' || (c >= '0' && c <= '9')) {
				size_t j = i + 1;
				while (j < n && ((p[j] >= '0' && p[j] <= '9') || p[j] == '.' || p[j] == 'e' ||
						 p[j] == 'E' || p[j] == '+' || p[j] == '-'))
					j++;
				i = j;
				st = AFTER;
				continue;
			}
			if (pre(p + i, n - i, "true") || pre(p + i, n - i, "null")) {
				i += 4;
				st = AFTER;
				continue;
			}
			if (pre(p + i, n - i, "false")) {
				i += 5;
				st = AFTER;
				continue;
			}
			if (n - i < 5)
				break;	/* a literal cut by the window */
			return 0;
		}
		/* AFTER a value: ',' or a closer */
		if (sp == 0)
			return 0;
		if (c == ',') {
			i++;
			st = VALUE;
			if (stack[sp - 1] == '{') {
				size_t j = skip_ws(p, n, i);
				if (j < n && p[j] != '"')
					return 0;
			}
			continue;
		}
		if ((c == '}' && stack[sp - 1] == '{') || (c == ']' && stack[sp - 1] == '[')) {
			sp--;
			i++;
			closed = sp == 0;
			continue;
		}
		return 0;
	}
	/* Every break above is input running out: fine when the window cut the object. */
	return closed || truncated;
}

/* --- line-based language indicators ------------------------------------- */

enum lang { L_PY, L_PL, L_RB, L_PS, L_BAT, L_VB, L_JS, L_C, L_CPP, L_MK, L_TROFF, L_DIFF, L_N };

struct score {
	uint32_t bits[L_N];	/* distinct indicators seen */
	int strong[L_N];	/* indicators that decide alone */
};

static void hit(struct score *s, enum lang l, int bit) { s->bits[l] |= 1u << bit; }
static void strong(struct score *s, enum lang l) { s->strong[l]++; }

static int popcount(uint32_t x) { return __builtin_popcount(x); }

static const char *const ps_verbs[] = {"Get-", "Set-", "New-", "Remove-", "Write-", "Invoke-", "Start-",
				       "Stop-", "Import-", "Export-", "Add-", "Out-", "Test-", "ConvertTo-",
				       "ConvertFrom-", "Select-", "Where-", "ForEach-", "Copy-", "Move-",
				       "Register-", "Expand-", "Join-", "Split-", "Read-", "Wait-"};

static void line_ps(struct score *s, uint32_t lm, const uint8_t *l, size_t n)
{
	if (ci_pre(l, n, "param(") || ci_pre(l, n, "param ("))
		hit(s, L_PS, 0);
	if (ci_pre(l, n, "[cmdletbinding") || ci_pre(l, n, "#requires -") || LCASE("$psscriptroot") ||
	    LCASE("$psversiontable") || LCASE("invoke-expression") ||
	    LCASE("-encodedcommand"))
		strong(s, L_PS);
	if (LCASE("$env:"))
		hit(s, L_PS, 1);
	if (LCASE("-erroraction") || LCASE("$null") ||
	    LCASE("$true") || LCASE("$false"))
		hit(s, L_PS, 2);
	if (ci_pre(l, n, "function ") && n > 9) {
		/* function Verb-Noun */
		size_t i = 9;
		while (i < n && is_ident(l[i]))
			i++;
		if (i < n && l[i] == '-' && i + 1 < n && is_alpha(l[i + 1]))
			strong(s, L_PS);
	}
	/* Verb-Noun cmdlets: find each "-X" and compare the word before it. */
	const uint8_t *d = l;
	while (n > 1 && (d = memchr(d, '-', n - (size_t)(d - l) - 1)) != NULL) {
		size_t k = (size_t)(d - l);
		d++;
		if (l[k + 1] < 'A' || l[k + 1] > 'Z' || k == 0)
			continue;
		size_t st = k;
		while (st > 0 && is_alpha(l[st - 1]))
			st--;
		if (st > 0 && is_ident(l[st - 1]))
			continue;
		for (size_t v = 0; v < sizeof ps_verbs / sizeof ps_verbs[0]; v++) {
			size_t vl = strlen(ps_verbs[v]);
			if (vl == k + 1 - st && ci_pre_n(l + st, vl, ps_verbs[v], vl)) {
				hit(s, L_PS, 3 + (int)(v % 8));
				return;
			}
		}
	}
}

static void line_bat(struct score *s, uint32_t lm, const uint8_t *l, size_t n, int first)
{
	if (ci_pre(l, n, "@echo off") || (first && ci_pre(l, n, "echo off")))
		strong(s, L_BAT);
	if (ci_pre(l, n, "rem ") || (n == 3 && ci_pre(l, n, "rem")) || pre(l, n, "::"))
		hit(s, L_BAT, 0);
	if (ci_pre(l, n, "set ") && !LHAS(" = "))
		hit(s, L_BAT, 1);
	if (ci_pre(l, n, "goto ") || ci_pre(l, n, "call :"))
		hit(s, L_BAT, 2);
	if (n > 1 && l[0] == ':' && is_alpha(l[1]))
		hit(s, L_BAT, 3);
	if (ci_pre(l, n, "if exist ") || ci_pre(l, n, "if errorlevel ") || ci_pre(l, n, "if not exist ") ||
	    ci_pre(l, n, "if /i "))
		hit(s, L_BAT, 4);
	if (ci_pre(l, n, "setlocal") || ci_pre(l, n, "endlocal"))
		hit(s, L_BAT, 5);
	if (LHAS("%~dp0") || LCASE("%errorlevel%"))
		strong(s, L_BAT);
	if (ci_pre(l, n, "for /") || ci_pre(l, n, "for %%"))
		hit(s, L_BAT, 6);
}

static void line_vb(struct score *s, uint32_t lm, const uint8_t *l, size_t n)
{
	if (LCASE("on error resume next") || LCASE("wscript.createobject"))
		strong(s, L_VB);
	if (LCASE("createobject("))
		hit(s, L_VB, 0);
	if (ci_pre(l, n, "dim "))
		hit(s, L_VB, 1);
	if (ci_pre(l, n, "end sub") || ci_pre(l, n, "sub ") || ci_pre(l, n, "private sub ") ||
	    ci_pre(l, n, "public sub "))
		hit(s, L_VB, 2);
	if (ci_pre(l, n, "end function") || ci_pre(l, n, "end if") || ci_pre(l, n, "end with"))
		hit(s, L_VB, 3);
	if (ci_pre(l, n, "set ") && LHAS(" = "))
		hit(s, L_VB, 4);
	if (ci_pre(l, n, "msgbox ") || LCASE("wscript.echo"))
		hit(s, L_VB, 5);
	if (ci_pre(l, n, "next") && (n == 4 || l[4] == ' ' || l[4] == '\r'))
		hit(s, L_VB, 6);
	if (ci_pre(l, n, "option explicit"))
		strong(s, L_VB);
}

static void line_js(struct score *s, uint32_t lm, const uint8_t *l, size_t n)
{
	/* A source map comment: "//#" is JavaScript's form (CSS has its own). */
	if (LHAS("new ActiveXObject(") || LHAS("module.exports") || pre(l, n, "'use strict'") ||
	    pre(l, n, "\"use strict\"") || pre(l, n, "//# sourceMappingURL="))
		strong(s, L_JS);
	if (pre(l, n, "function ") || LHAS("function("))
		hit(s, L_JS, 0);
	if ((pre(l, n, "var ") || pre(l, n, "let ") || pre(l, n, "const ")) && LHAS(" = "))
		hit(s, L_JS, 1);
	if (LHAS("require('") || LHAS("require(\""))
		hit(s, L_JS, 2);
	if (LHAS("=>"))
		hit(s, L_JS, 3);
	if (LHAS("console.log(") || LHAS("document.") || LHAS("window."))
		hit(s, L_JS, 4);
	if (pre(l, n, "import ") && (LHAS(" from '") || LHAS(" from \"")))
		hit(s, L_JS, 5);
	if (pre(l, n, "export default") || pre(l, n, "export function") || pre(l, n, "export const") ||
	    pre(l, n, "export class ") || pre(l, n, "export {") || pre(l, n, "import {"))
		hit(s, L_JS, 6);
	if (pre(l, n, "constructor(") || LHAS("this."))
		hit(s, L_JS, 9);
	if (pre(l, n, "super(") || pre(l, n, "async function") || pre(l, n, "await "))
		hit(s, L_JS, 10);
	if (pre(l, n, "});") || pre(l, n, "})();"))
		hit(s, L_JS, 7);
	if (LHAS("WScript."))
		hit(s, L_JS, 8);
}

static void line_py(struct score *s, uint32_t lm, const uint8_t *l, size_t n, const uint8_t *e, size_t en)
{
	if (pre(l, n, "from ") && LHAS(" import ") && !LHAS("'") && !LHAS("\""))
		strong(s, L_PY);
	if (pre(l, n, "import ") && n > 7 && is_alpha(l[7]) && !memchr(l, ';', n) && !memchr(l, '\'', n) &&
	    !memchr(l, '"', n) && !memchr(l, '{', n))
		hit(s, L_PY, 0);
	if (pre(l, n, "if __name__ ==") || pre(l, n, "#!/usr/bin/env python"))
		strong(s, L_PY);
	int colon = en > 0 && e[en - 1] == ':';
	if (pre(l, n, "def ") && colon && LHAS("("))
		hit(s, L_PY, 1);
	if (pre(l, n, "class ") && colon)
		hit(s, L_PY, 2);
	if ((pre(l, n, "elif ") || pre(l, n, "try:") || pre(l, n, "except") || pre(l, n, "with ")) && colon)
		hit(s, L_PY, 3);
	if (LHAS("self."))
		hit(s, L_PY, 4);
	if (pre(l, n, "print(") || pre(l, n, "raise ") || pre(l, n, "\"\"\"") || pre(l, n, "@property"))
		hit(s, L_PY, 5);
}

static void line_pl(struct score *s, uint32_t lm, const uint8_t *l, size_t n)
{
	if (pre(l, n, "use strict;") || pre(l, n, "use warnings;"))
		strong(s, L_PL);
	if (pre(l, n, "my $") || pre(l, n, "my @") || pre(l, n, "my %") || pre(l, n, "my ("))
		hit(s, L_PL, 0);
	if (pre(l, n, "sub ") && LHAS("{"))
		hit(s, L_PL, 1);
	if (pre(l, n, "package ") && n > 0 && l[n - 1] == ';')
		hit(s, L_PL, 2);
	if (LHAS("=~"))
		hit(s, L_PL, 3);
	if (pre(l, n, "use ") && n > 0 && l[n - 1] == ';')
		hit(s, L_PL, 4);
	if (LHAS("$_") || LHAS("@ARGV"))
		hit(s, L_PL, 5);
}

static void line_rb(struct score *s, uint32_t lm, const uint8_t *l, size_t n, const uint8_t *e, size_t en)
{
	if (pre(l, n, "require '") || pre(l, n, "require \"") || pre(l, n, "require_relative "))
		hit(s, L_RB, 0);
	if (pre(l, n, "def ") && !(en > 0 && e[en - 1] == ':') && !LHAS("{"))
		hit(s, L_RB, 1);
	if (n == 3 && pre(l, n, "end"))
		hit(s, L_RB, 2);
	if (pre(l, n, "puts ") || pre(l, n, "attr_accessor ") || pre(l, n, "attr_reader "))
		hit(s, L_RB, 3);
	if (pre(l, n, "module ") && n > 7 && l[7] >= 'A' && l[7] <= 'Z')
		hit(s, L_RB, 4);
	if (LHAS(" do |"))
		hit(s, L_RB, 5);
}

static void line_c(struct score *s, uint32_t lm, const uint8_t *l, size_t n)
{
	if (pre(l, n, "#include <") || pre(l, n, "#include \""))
		strong(s, L_C);
	/* An include guard (#ifndef, #define, #endif) is three indicators. */
	if (pre(l, n, "#define "))
		hit(s, L_C, 0);
	if (pre(l, n, "#ifdef ") || pre(l, n, "#ifndef ") || pre(l, n, "#if "))
		hit(s, L_C, 3);
	if (pre(l, n, "#endif"))
		hit(s, L_C, 4);
	if (pre(l, n, "int main(") || pre(l, n, "typedef ") || (pre(l, n, "struct ") && LHAS("{")))
		hit(s, L_C, 1);
	if (pre(l, n, "static ") && LHAS("("))
		hit(s, L_C, 2);
	if (LHAS("std::") || pre(l, n, "namespace ") || pre(l, n, "template <") || pre(l, n, "template<") ||
	    pre(l, n, "public:") || pre(l, n, "private:") || pre(l, n, "#include <iostream>"))
		hit(s, L_CPP, 0);
}

static void line_misc(struct score *s, uint32_t lm, const uint8_t *l, size_t n, const uint8_t *raw, size_t rn)
{
	/* make: rules with tab-indented recipes, variables, $(refs) */
	if (pre(l, n, ".PHONY:"))
		strong(s, L_MK);
	if (rn > 1 && raw[0] == '\t')
		hit(s, L_MK, 0);
	if (LHAS("$(") && LHAS(")"))
		hit(s, L_MK, 1);
	if (n > 2 && (LHAS(" := ") || LHAS(" ?= ") || LHAS(" += ")))
		hit(s, L_MK, 2);
	if (n > 1 && is_alpha(l[0]) && l[n - 1] == ':' && !LHAS(" "))
		hit(s, L_MK, 3);
	/* troff/man */
	if (pre(l, n, ".TH ") || pre(l, n, ".Dd ") || pre(l, n, ".\\\"") || pre(l, n, "'\\\""))
		strong(s, L_TROFF);
	if (pre(l, n, ".SH ") || pre(l, n, ".Sh ") || pre(l, n, ".PP") || pre(l, n, ".B ") || pre(l, n, ".I ") ||
	    pre(l, n, ".TP") || pre(l, n, ".Nm"))
		hit(s, L_TROFF, 0);
	/* unified diff */
	if (pre(l, n, "diff --git ") || pre(l, n, "+++ "))
		hit(s, L_DIFF, 0);
	if (pre(l, n, "--- "))
		hit(s, L_DIFF, 1);
	if (pre(l, n, "@@ -"))
		hit(s, L_DIFF, 2);
}

static enum cr_tid lang_of(const struct score *s)
{
	static const enum cr_tid tid[L_N] = {T_PYTHON, T_PERL, T_RUBY, T_POWERSHELL, T_BATCH, T_VBSCRIPT,
					     T_JAVASCRIPT, T_C, T_CPP, T_MAKEFILE, T_TROFF, T_DIFF};
	/* How many distinct indicators decide without a strong one. */
	static const int need[L_N] = {2, 3, 3, 2, 2, 3, 3, 3, 9, 3, 2, 3};
	int best = -1, bscore = 0;
	for (int l = 0; l < L_N; l++) {
		if (l == L_CPP)
			continue;
		int k = popcount(s->bits[l]);
		int ok = s->strong[l] > 0 || k >= need[l];
		int score = k + 3 * (s->strong[l] > 0) + (s->strong[l] > 1);
		if (ok && score > bscore) {
			best = l;
			bscore = score;
		}
	}
	if (best < 0)
		return T_UNKNOWN;
	if (best == L_C && s->bits[L_CPP])
		return T_CPP;
	return tid[best];
}

/* --- CSV and Markdown --------------------------------------------------- */

/* Fields on one line split by d, quote-aware; -1 when a quote is unbalanced. */
static int fields(const uint8_t *l, size_t n, uint8_t d)
{
	int f = 1, q = 0;
	for (size_t i = 0; i < n; i++) {
		if (l[i] == '"')
			q = !q;
		else if (!q && l[i] == d)
			f++;
	}
	return q ? -1 : f;
}

static enum cr_tid delimited(const uint8_t *p, size_t n, int truncated)
{
	static const uint8_t delims[] = {',', ';', '\t'};
	for (size_t d = 0; d < sizeof delims; d++) {
		int want = 0, lines = 0, ok = 1;
		size_t i = 0;
		while (i < n && lines < 32) {
			size_t e = i;
			while (e < n && p[e] != '\n')
				e++;
			if (e >= n && truncated)
				break;	/* a line cut by the window */
			size_t le = e;
			if (le > i && p[le - 1] == '\r')
				le--;
			if (le > i) {
				int f = fields(p + i, le - i, delims[d]);
				if (f < 2 || (want && f != want)) {
					ok = 0;
					break;
				}
				want = f;
				lines++;
			}
			i = e + 1;
		}
		if (ok && lines >= 2)
			return delims[d] == '\t' ? T_TSV : T_CSV;
	}
	return T_UNKNOWN;
}

/* --- the classifier ----------------------------------------------------- */

static enum cr_tid classify(const uint8_t *p, size_t n, size_t total, struct cr_ident *id);

/* UTF-16 (after a BOM of `at` bytes): keep the ASCII range, mark the rest, classify that. */
static enum cr_tid utf16(const uint8_t *p, size_t n, size_t at, size_t total, int be, struct cr_ident *id)
{
	size_t m = (n - at) / 2;
	uint8_t *a = malloc(m ? m : 1);
	if (!a)
		return T_TEXT;
	size_t k = 0;
	for (size_t i = at; i + 1 < n; i += 2) {
		unsigned c = be ? (unsigned)p[i] << 8 | p[i + 1] : (unsigned)p[i + 1] << 8 | p[i];
		if (c == 0) {
			free(a);
			return T_UNKNOWN;	/* NUL characters: not text */
		}
		a[k++] = c < 0x80 ? (uint8_t)c : '?';
	}
	id->flags |= CR_ID_BOM16;
	enum cr_tid t = classify(a, k, total / 2, id);
	free(a);
	return t == T_UNKNOWN ? T_TEXT : t;
}

static enum cr_tid ini_shortcut(const uint8_t *p, size_t n, size_t i)
{
	/* The first section header decides; comments (';', '#') may precede it. */
	for (int guard = 0; guard < 32 && i < n; guard++) {
		i = skip_ws(p, n, i);
		if (i < n && (p[i] == ';' || p[i] == '#')) {
			while (i < n && p[i] != '\n')
				i++;
			continue;
		}
		break;
	}
	if (i >= n || p[i] != '[')
		return T_UNKNOWN;
	if (ci_pre(p + i, n - i, "[InternetShortcut]"))
		return T_URL;
	if (ci_pre(p + i, n - i, "[Shell]") && cr_memcasemem(p, n, "command=") >= 0)
		return T_SCF;
	if (pre(p + i, n - i, "[Desktop Entry]"))
		return T_DESKTOP;
	return T_UNKNOWN;
}

static enum cr_tid markdown(const uint8_t *p, size_t n)
{
	int heading = 0, other = 0, fence = 0, link = 0;
	size_t i = 0;
	size_t lim = n < 4096 ? n : 4096;
	for (int lines = 0; i < lim && lines < 120; lines++) {
		const uint8_t *nl = memchr(p + i, '\n', lim - i);
		size_t e = nl ? (size_t)(nl - p) : lim;
		const uint8_t *l = p + i;
		size_t ln = e - i;
		if (ln >= 2 && l[0] == '#') {
			size_t h = 0;
			while (h < ln && l[h] == '#')
				h++;
			if (h <= 6 && h < ln && l[h] == ' ')
				heading = 1;
		}
		if (pre(l, ln, "```"))
			fence = 1;
		if (has(l, ln, "]("))
			link = 1;
		if (pre(l, ln, "- ") || pre(l, ln, "* ") || has(l, ln, "**") || pre(l, ln, "> "))
			other = 1;
		if (ln >= 3 && (pre(l, ln, "===") || pre(l, ln, "---")) && i > 0)
			heading |= 2;
		i = e + 1;
	}
	if ((heading && (link || fence || other)) || (fence && link))
		return T_MARKDOWN;
	return T_UNKNOWN;
}

/* Whether some language has decided: a strong indicator or a clear count. */
static int decided(const struct score *s)
{
	for (int l = 0; l < L_N; l++)
		if (s->strong[l] || popcount(s->bits[l]) >= 4)
			return 1;
	return 0;
}

static enum cr_tid languages(const uint8_t *p, size_t n)
{
	struct score s;
	memset(&s, 0, sizeof s);
	size_t i = 0;
	/*
	 * The first 8 KiB or 240 lines decide: code announces itself early
	 * (imports, interpreter directives), after a licence or a docstring.
	 */
	size_t lim = n < 8192 ? n : 8192;
	for (int lines = 0; i < lim && lines < 240; lines++) {
		const uint8_t *nl = memchr(p + i, '\n', lim - i);
		size_t e = nl ? (size_t)(nl - p) : lim;
		const uint8_t *raw = p + i;
		size_t rn = e - i;
		size_t b = 0;
		while (b < rn && (raw[b] == ' ' || raw[b] == '\t'))
			b++;
		const uint8_t *l = raw + b;
		size_t en = rn - b;
		while (en > 0 && (l[en - 1] == '\r' || l[en - 1] == ' ' || l[en - 1] == '\t'))
			en--;
		if (en > 0) {
			uint32_t lm = line_mask(l, en);
			line_py(&s, lm, l, en, l, en);
			line_pl(&s, lm, l, en);
			line_rb(&s, lm, l, en, l, en);
			line_ps(&s, lm, l, en);
			line_bat(&s, lm, l, en, lines == 0);
			line_vb(&s, lm, l, en);
			line_js(&s, lm, l, en);
			line_c(&s, lm, l, en);
			line_misc(&s, lm, l, en, raw, rn);
		}
		i = e + 1;
		if (lines >= 24 && (lines & 7) == 0 && decided(&s))
			break;
	}
	return lang_of(&s);
}

/* --- text formats a first line names ----------------------------------- */

/* Mail header names (RFC 5322, MIME, and what mail servers add). */
static const char *const mail_headers[] = {
	"received", "return-path", "delivered-to", "from", "to", "cc", "bcc", "subject", "date", "message-id",
	"mime-version", "reply-to", "x-mailer", "dkim-signature", "authentication-results", "content-type",
	"content-transfer-encoding", "in-reply-to", "references", "x-original-to", "arc-seal", "x-received",
	"user-agent", "sender", "list-id", "thread-topic", "x-ms-exchange-organization-authas", "envelope-to",
};

/*
 * A header block: every line up to the first empty one is "Name: value"
 * or a continuation, and at least two names are mail headers.
 */
static bool mail_headers_at(const uint8_t *p, size_t n, size_t i)
{
	int known = 0, lines = 0;
	size_t lim = n < 16384 ? n : 16384;
	while (i < lim && lines < 64) {
		const uint8_t *nl = memchr(p + i, '\n', lim - i);
		size_t e = nl ? (size_t)(nl - p) : lim;
		size_t ln = e - i;
		if (ln > 0 && p[e - 1] == '\r')
			ln--;
		if (ln == 0)
			return known >= 2;
		const uint8_t *l = p + i;
		if (l[0] == ' ' || l[0] == '\t') {
			if (lines == 0)
				return false;
		} else {
			size_t k = 0;
			while (k < ln && l[k] > 0x20 && l[k] < 0x7f && l[k] != ':')
				k++;
			if (k == 0 || k >= ln || l[k] != ':')
				return false;
			for (size_t m = 0; m < sizeof mail_headers / sizeof mail_headers[0]; m++)
				if (name_eq(l, k, mail_headers[m])) {
					known++;
					break;
				}
		}
		lines++;
		if (!nl)
			break;
		i = e + 1;
	}
	return known >= 2 && (i >= lim || lines >= 64);
}

/* "From sender date" (RFC 4155): a year or a time on the line. */
static bool mbox_from(const uint8_t *l, size_t ln)
{
	if (!pre(l, ln, "From ") || ln < 20)
		return false;
	int colons = 0;
	for (size_t k = 5; k < ln; k++)
		colons += l[k] == ':';
	return colons >= 2;
}

static enum cr_tid structured(const uint8_t *p, size_t n, size_t i)
{
	const uint8_t *l = p + i;
	size_t ln = n - i;
	if (ci_pre(l, ln, "begin:vcalendar"))
		return T_ICAL;
	if (ci_pre(l, ln, "begin:vcard"))
		return T_VCARD;
	if (pre(l, ln, "-----BEGIN ")) {
		const uint8_t *k = l + 11;
		size_t kl = ln - 11;
		if (pre(k, kl, "CERTIFICATE-----") || pre(k, kl, "X509 CERTIFICATE-----") ||
		    pre(k, kl, "TRUSTED CERTIFICATE-----"))
			return T_PEM_CERT;
		if (pre(k, kl, "OPENSSH PRIVATE KEY-----"))
			return T_SSH_KEY;
		if (pre(k, kl, "PGP PUBLIC KEY BLOCK-----") || pre(k, kl, "PGP PRIVATE KEY BLOCK-----"))
			return T_PGP_KEYS;
		if (pre(k, kl, "PRIVATE KEY-----") || pre(k, kl, "RSA PRIVATE KEY-----") ||
		    pre(k, kl, "EC PRIVATE KEY-----") || pre(k, kl, "DSA PRIVATE KEY-----") ||
		    pre(k, kl, "ENCRYPTED PRIVATE KEY-----"))
			return T_PEM_KEY;
	}
	static const char *const ssh[] = {"ssh-rsa AAAA", "ssh-ed25519 AAAA", "ssh-dss AAAA", "ecdsa-sha2-nistp",
					  "sk-ssh-ed25519@openssh.com AAAA", "sk-ecdsa-sha2-nistp256@openssh.com AAAA"};
	for (size_t k = 0; k < sizeof ssh / sizeof ssh[0]; k++)
		if (pre_n(l, ln, ssh[k], strlen(ssh[k])))
			return T_SSH_PUBKEY;
	if (pre(l, ln, "REGEDIT4") || pre(l, ln, "Windows Registry Editor Version 5.00"))
		return T_REG;
	/* Mail starts with a header name and a colon, or mbox's "From ". */
	size_t k = 0;
	while (k < ln && k < 40 && (is_alpha(l[k]) || l[k] == '-' || (l[k] >= '0' && l[k] <= '9')))
		k++;
	if (k == 0 || k >= ln || (l[k] != ':' && !(k == 4 && l[k] == ' ' && pre(l, ln, "From "))))
		return T_UNKNOWN;
	const uint8_t *nl = memchr(l, '\n', ln < 1024 ? ln : 1024);
	if (nl && mbox_from(l, (size_t)(nl - l)) && mail_headers_at(p, n, (size_t)(nl - p) + 1))
		return T_MBOX;
	if (mail_headers_at(p, n, i))
		return T_EML;
	return T_UNKNOWN;
}

/* A page, not a README: a doctype, <html>, <head> or <body>. */
static bool html_document(const uint8_t *p, size_t n)
{
	return cr_memcasemem(p, n, "<!doctype") >= 0 || cr_memcasemem(p, n, "<html") >= 0 ||
	       cr_memcasemem(p, n, "<body") >= 0 || cr_memcasemem(p, n, "<head") >= 0;
}

static enum cr_tid classify(const uint8_t *p, size_t n, size_t total, struct cr_ident *id)
{
	int truncated = total > n;
	if (n >= 2 && ((p[0] == 0xff && p[1] == 0xfe) || (p[0] == 0xfe && p[1] == 0xff)))
		return utf16(p, n, 2, total, p[0] == 0xfe, id);
	/* Without a BOM, when every other byte is zero beside ASCII (browsers and file(1) read it so). */
	int g16 = n >= 8 && (p[0] == 0 || p[1] == 0) ? cr_utf16_guess(p, n) : 0;
	if (g16)
		return utf16(p, n, 0, total, g16 == 2, id);
	if (n >= 3 && p[0] == 0xef && p[1] == 0xbb && p[2] == 0xbf)
		p += 3, n -= 3;
	/*
	 * An interpreter line decides before the binary test: the kernel runs
	 * the file whatever follows the line (self-extracting shell archives
	 * carry their payload right after it).
	 */
	if (n >= 2 && p[0] == '#' && p[1] == '!') {
		const uint8_t *nl = memchr(p, '\n', n < 256 ? n : 256);
		if (nl && !cr_text_is_binary(p, (size_t)(nl - p)))
			return shebang(p, n, id);
	}
	if (cr_text_is_binary(p, n))
		return T_UNKNOWN;
	/* A server runs PHP wherever it sits in the page: "<?php" in any case, or the echo tag "<?=". */
	if (cr_has_php_open(p, n))
		return T_PHP;
	if (cr_memcasemem(p, n, "<hta:application") >= 0)
		return T_HTA;
	{
		long k = cr_memcasemem(p, n, "#@~^");
		if (k >= 0 && n - (size_t)k >= 12 && p[k + 10] == '=' && p[k + 11] == '=')
			return T_WSH_ENCODED;
	}
	size_t i = skip_ws(p, n, 0);
	if (i < n && p[i] == '<') {
		enum cr_tid t = markup(p, n, i);
		/* GitHub READMEs open with <p align="center"> or <img>: Markdown that holds HTML. */
		if (t == T_HTML && !html_document(p, n < 4096 ? n : 4096) && markdown(p, n) == T_MARKDOWN)
			return T_MARKDOWN;
		if (t != T_UNKNOWN)
			return t;
	}
	enum cr_tid t = ini_shortcut(p, n, i);
	if (t != T_UNKNOWN)
		return t;
	t = structured(p, n, i);
	if (t != T_UNKNOWN)
		return t;
	/* A README that opens with a code block is Markdown before the language in the block. */
	if ((pre(p + i, n - i, "```") || pre(p + i, n - i, "~~~")) && markdown(p, n) == T_MARKDOWN)
		return T_MARKDOWN;
	if (i < n && (p[i] == '{' || p[i] == '[') && json_ok(p, n, truncated))
		return T_JSON;
	t = languages(p, n);
	if (t != T_UNKNOWN)
		return t;
	t = delimited(p, n, truncated);
	if (t != T_UNKNOWN)
		return t;
	t = markdown(p, n);
	if (t != T_UNKNOWN)
		return t;
	return T_TEXT;
}

enum cr_tid cr_text_classify(const uint8_t *p, size_t n, size_t total, struct cr_ident *id)
{
	if (n == 0)
		return T_EMPTY;
	return classify(p, n, total, id);
}
