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
 *   8. CSV/TSV by a constant field count, Markdown by its syntax;
 *   9. HTML in the lines of a template (HTML that does not open the text).
 *
 * Every scan is linear in the window, bounded, and never backtracks.
 * The language indicators are two tables, prefixes (indexed by first
 * byte) and substrings (all found in one pass over the lines' bytes,
 * ident/literals.c), so a line costs a few comparisons, not one search
 * per needle.
 */

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif
#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
#endif

#include "ident.h"
#include "literals.h"
#include "../core/cpu.h"
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

/* A binary data byte (WHATWG): C0 controls except TAB LF FF CR ESC. */
static inline int bad_byte(uint8_t c)
{
	static const uint32_t bad = 0x0fffc1ffu & ~(1u << 0x1b) & ~(1u << 0x0c);
	return c < 0x20 && ((bad >> c) & 1);
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
	/* The first two bytes reject almost every line before any call. */
	return m <= n && p[0] == (uint8_t)s[0] && (m < 2 || p[1] == (uint8_t)s[1]) && memcmp(p, s, m) == 0;
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

/*
 * The markers that win anywhere in the window (step 2 above), found in
 * the pass that decides binary data: each '<' and '#' is a candidate, and
 * the bytes after it decide.  One scan instead of one per marker.
 */
enum { MK_PHP = 1, MK_HTA = 2, MK_WSH = 4, MK_WSH_SEEN = 8 };

static unsigned mark_at(const uint8_t *p, size_t n, size_t at, unsigned m)
{
	size_t left = n - at;
	const uint8_t *q = p + at;
	if (q[0] == '<') {
		if (left >= 3 && q[1] == '?' && (q[2] == '=' || (left >= 5 && (q[2] | 0x20) == 'p' &&
								  (q[3] | 0x20) == 'h' && (q[4] | 0x20) == 'p')))
			return m | MK_PHP;
		if (!(m & MK_HTA) && left >= 16 && ci_pre_n(q, left, "<hta:application", 16))
			m |= MK_HTA;
		return m;
	}
	/* Script Encoder: the first "#@~^" decides, by its "==" ten bytes on. */
	if (!(m & MK_WSH_SEEN) && left >= 4 && q[1] == '@' && q[2] == '~' && q[3] == '^') {
		m |= MK_WSH_SEEN;
		if (left >= 12 && q[10] == '=' && q[11] == '=')
			m |= MK_WSH;
	}
	return m;
}

/*
 * One 64-byte block at p + i of the window pass, once its vectors said
 * whether it may hold a control byte (`ctl`: FF and ESC are allowed, so
 * it is decided here byte by byte) and where its '<' and '#' are
 * (`cand`).  1 when it holds binary data.
 */
static inline int block(const uint8_t *p, size_t n, size_t i, bool ctl, uint64_t cand, unsigned *m)
{
	if (ctl)
		for (size_t k = i; k < i + 64; k++)
			if (bad_byte(p[k]))
				return 1;
	for (; cand && !(*m & MK_PHP); cand &= cand - 1)
		*m = mark_at(p, n, i + (size_t)__builtin_ctzll(cand), *m);
	return 0;
}

#if defined(__x86_64__) && defined(__GNUC__)
#define WIDE_SCAN 1
/*
 * The same blocks 32 bytes to a register, where the CPU has AVX2 (asked
 * once at run time; the build stays baseline x86-64): the window pass is
 * a sixth of the text classifier.  Sets *at to the first byte not done.
 */
__attribute__((target("avx2"))) static int blocks_avx2(const uint8_t *p, size_t n, size_t *at, unsigned *mp)
{
	/*
	 * Each byte to a set of classes by its two nibbles (two lookups):
	 * 1 a binary byte below 0x10 (all but TAB LF VT FF CR), 2 one from
	 * 0x10 to 0x1a (ESC and the separators are text), 4 '<', 8 '#',
	 * 16 '?', 32 'h' or 'H', 64 '@'.  The binary test is exact.  A marker
	 * starts only at "<?", "<h" or "#@": mark_at sees those positions,
	 * not every '<' of a page.
	 */
	const __m256i lo = _mm256_setr_epi8(3 | 64, 3, 3, 3 | 8, 3, 3, 3, 3, 3 | 32, 2, 2, 0, 4, 0, 1, 1 | 16, 3 | 64, 3,
					    3, 3 | 8, 3, 3, 3, 3, 3 | 32, 2, 2, 0, 4, 0, 1, 1 | 16);
	const __m256i hi = _mm256_setr_epi8(1, 2, 8, 4 | 16, 32 | 64, 0, 32, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 2, 8, 4 | 16,
					    32 | 64, 0, 32, 0, 0, 0, 0, 0, 0, 0, 0, 0);
	const __m256i nib = _mm256_set1_epi8(0x0f), bin = _mm256_set1_epi8(3), opener = _mm256_set1_epi8(12);
	unsigned m = *mp;
	size_t i = 0;
	for (; i + 64 <= n; i += 64) {
		__m256i r[2];
		for (int k = 0; k < 2; k++) {
			__m256i v = _mm256_loadu_si256((const __m256i *)(const void *)(p + i + 32 * k));
			r[k] = _mm256_and_si256(_mm256_shuffle_epi8(lo, _mm256_and_si256(v, nib)),
						_mm256_shuffle_epi8(hi, _mm256_and_si256(_mm256_srli_epi16(v, 4), nib)));
		}
		__m256i any = _mm256_or_si256(r[0], r[1]);
		if (!_mm256_testz_si256(any, bin))
			return 1;
		if (_mm256_testz_si256(any, opener))
			continue;
		/* Each class to a 64-bit mask: its bit moved to the top of each byte (16-bit shifts carry nothing in). */
		uint64_t lt = 0, hs = 0, qh = 0, ats = 0;
		for (int k = 0; k < 2; k++) {
			unsigned sh = 32u * (unsigned)k;
			lt |= (uint64_t)(uint32_t)_mm256_movemask_epi8(_mm256_slli_epi16(r[k], 5)) << sh;
			hs |= (uint64_t)(uint32_t)_mm256_movemask_epi8(_mm256_slli_epi16(r[k], 4)) << sh;
			qh |= (uint64_t)(uint32_t)_mm256_movemask_epi8(
				      _mm256_or_si256(_mm256_slli_epi16(r[k], 3), _mm256_slli_epi16(r[k], 2)))
			      << sh;
			ats |= (uint64_t)(uint32_t)_mm256_movemask_epi8(_mm256_slli_epi16(r[k], 1)) << sh;
		}
		/* The byte after the block's last is the next block's: its opener is a candidate as it is. */
		uint64_t cand = (lt & (qh >> 1)) | (hs & (ats >> 1)) | ((lt | hs) & (1ull << 63));
		block(p, n, i, false, cand, &m);
	}
	*at = i;
	*mp = m;
	return 0;
}

#endif

/* 1 when p[0..n) holds binary data; else 0, with the markers in *marks. */
static int window_scan(const uint8_t *p, size_t n, unsigned *marks)
{
	unsigned m = 0;
	size_t i = 0;
#ifdef WIDE_SCAN
	if (n >= 64 && cr_have_avx2() && blocks_avx2(p, n, &i, &m))
		return 1;
#endif
#ifdef __SSE2__
	const __m128i lim = _mm_set1_epi8(0x1f), lt = _mm_set1_epi8('<'), hash = _mm_set1_epi8('#');
	const __m128i tab = _mm_set1_epi8('\t'), lf = _mm_set1_epi8('\n'), cr = _mm_set1_epi8('\r');
	for (; i + 64 <= n; i += 64) {
		__m128i acc = _mm_setzero_si128();
		uint64_t cand = 0;
		for (int k = 0; k < 4; k++) {
			__m128i v = _mm_loadu_si128((const __m128i *)(const void *)(p + i + 16 * k));
			__m128i ctl = _mm_cmpeq_epi8(_mm_min_epu8(v, lim), v);
			__m128i ok = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, tab), _mm_cmpeq_epi8(v, lf)),
						  _mm_cmpeq_epi8(v, cr));
			acc = _mm_or_si128(acc, _mm_andnot_si128(ok, ctl));
			cand |= (uint64_t)(unsigned)_mm_movemask_epi8(
					_mm_or_si128(_mm_cmpeq_epi8(v, lt), _mm_cmpeq_epi8(v, hash)))
				<< (16 * k);
		}
		if (block(p, n, i, _mm_movemask_epi8(acc) != 0, cand, &m))
			return 1;
	}
#endif
	for (; i < n; i++) {
		if (bad_byte(p[i]))
			return 1;
		if ((p[i] == '<' || p[i] == '#') && !(m & MK_PHP))
			m = mark_at(p, n, i, m);
	}
	*marks = m;
	return 0;
}

int cr_text_is_binary(const uint8_t *p, size_t n)
{
	unsigned marks;
	return window_scan(p, n, &marks);
}

static int has_window(const uint8_t *p, size_t n, const char *s)
{
	return memmem(p, n, s, strlen(s)) != NULL;
}

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

/*
 * The word of a "#!" line at p[*i], up to a blank: its last path
 * component into w.  *i moves past the word and the blanks after it,
 * but not past the line's end (a form feed is a blank: it moves on).
 */
static size_t shebang_word(const uint8_t *p, size_t lim, size_t *i, char w[64])
{
	size_t s = *i, e = s;
	while (e < lim && !is_ws(p[e]))
		e++;
	size_t b = s;
	for (size_t k = s; k < e; k++)
		if (p[k] == '/')
			b = k + 1;
	size_t l = e - b < 63 ? e - b : 63;
	memcpy(w, p + b, l);
	w[l] = '\0';
	while (e < lim && is_ws(p[e]) && p[e] != '\n' && p[e] != '\r')
		e++;
	*i = e;
	return l;
}

/* Reads the interpreter of a "#!" line into id->interp; its type. */
static enum cr_tid shebang(const uint8_t *p, size_t n, struct cr_ident *id)
{
	size_t lim = n < 256 ? n : 256, i = 2;
	while (i < lim && (p[i] == ' ' || p[i] == '\t'))
		i++;
	char word[64];
	for (int pass = 0; pass < 4; pass++) {
		size_t l = shebang_word(p, lim, &i, word);
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
	enum cr_tid t = interp_type(word);
	/*
	 * An interpreter we do not know, and a later word on the line that
	 * names one we do ("#!/usr/bin env python", a wrapper given
	 * "python3"): the line's author meant that language.
	 */
	while (t == T_SCRIPT && i < lim && p[i] != '\n' && p[i] != '\r') {
		char w[64];
		shebang_word(p, lim, &i, w);
		t = interp_type(w);
	}
	return t;
}

/* --- markup ------------------------------------------------------------- */

static size_t skip_ws(const uint8_t *p, size_t n, size_t i)
{
#ifdef __SSE2__
	/* Indentation (pretty-printed JSON, nested markup): sixteen bytes a step once a run starts. */
	if (i + 1 < n && is_ws(p[i]) && is_ws(p[i + 1])) {
		const __m128i sp = _mm_set1_epi8(' '), nine = _mm_set1_epi8(9), four = _mm_set1_epi8(4);
		while (i + 16 <= n) {
			__m128i v = _mm_loadu_si128((const __m128i *)(const void *)(p + i));
			__m128i d = _mm_sub_epi8(v, nine);	/* TAB LF VT FF CR: 0..4 */
			__m128i ws = _mm_or_si128(_mm_cmpeq_epi8(v, sp), _mm_cmpeq_epi8(_mm_min_epu8(d, four), d));
			unsigned m = (unsigned)_mm_movemask_epi8(ws);
			if (m != 0xffff)
				return i + (size_t)__builtin_ctz(~m);
			i += 16;
		}
	}
#endif
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

/* Whether q (a '<' before e) opens a tag of an HTML element. */
static bool html_tag_at(const uint8_t *q, const uint8_t *e)
{
	char name[12];
	size_t l = 0;
	const uint8_t *c = q + 1;
	while (c < e && l < sizeof name - 1 && (is_alpha(*c) || (l == 1 && name[0] == 'h' && *c >= '1' && *c <= '6'))) {
		name[l++] = (char)(*c >= 'A' && *c <= 'Z' ? *c + 32 : *c);
		c++;
	}
	if (l == 0 || c >= e || !(*c == ' ' || *c == '\t' || *c == '\n' || *c == '\r' || *c == '\f' || *c == '>' || *c == '/'))
		return false;
	name[l] = '\0';
	return bsearch(name, html_elements, sizeof html_elements / sizeof html_elements[0], sizeof html_elements[0],
		       elem_cmp) != NULL;
}

bool cr_has_html_tag(const uint8_t *p, size_t n)
{
	for (const uint8_t *q = p, *e = p + n; (q = memchr(q, '<', (size_t)(e - q))); q++)
		if (html_tag_at(q, e))
			return true;
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
			/*
			 * After an XML declaration an html document is XHTML: an XML
			 * document to a browser sniffing it (the MIME Sniffing
			 * Standard's "<?xml" rule) and to file(1).  Read as a page
			 * either way, with the XML reading besides.
			 */
			if (name_eq(p + s, j - s, "html"))
				return xmldecl ? T_XML : T_HTML;
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
				return xmldecl ? T_XML : T_HTML;
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
/* From i, the first '"', '\\' or control byte of a JSON string (or n): sixteen bytes a step. */
static size_t string_run(const uint8_t *p, size_t n, size_t i)
{
#ifdef __SSE2__
	const __m128i q = _mm_set1_epi8('"'), bs = _mm_set1_epi8('\\'), lim = _mm_set1_epi8(0x1f);
	while (i + 16 <= n) {
		__m128i v = _mm_loadu_si128((const __m128i *)(const void *)(p + i));
		__m128i stop = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, q), _mm_cmpeq_epi8(v, bs)),
					    _mm_cmpeq_epi8(_mm_min_epu8(v, lim), v));
		unsigned m = (unsigned)_mm_movemask_epi8(stop);
		if (m)
			return i + (size_t)__builtin_ctz(m);
		i += 16;
	}
#endif
	return i;
}

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
				size_t j = string_run(p, n, i + 1);
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

enum lang { L_PY, L_PL, L_RB, L_PS, L_BAT, L_VB, L_JS, L_C, L_CPP, L_MK, L_TROFF, L_DIFF, L_M4, L_LISP, L_N };

struct score {
	uint32_t bits[L_N];	/* distinct indicators seen */
	int strong[L_N];	/* indicators that decide alone */
};

static void hit(struct score *s, enum lang l, int bit) { s->bits[l] |= 1u << bit; }
static void strong(struct score *s, enum lang l) { s->strong[l]++; }

/* Bits set, without a library call (the baseline x86-64 has no popcnt instruction). */
static int popcount(uint32_t x)
{
	x = x - ((x >> 1) & 0x55555555u);
	x = (x & 0x33333333u) + ((x >> 2) & 0x33333333u);
	return (int)((((x + (x >> 4)) & 0x0f0f0f0fu) * 0x01010101u) >> 24);
}

/*
 * Prefix indicators: a line (blanks trimmed) that starts with s, in any
 * case when ci, counts for lang, as a distinct indicator bit or as a
 * strong one.  Indexed by their first two bytes once, so each line is
 * compared only with the few that can match it.  A START prefix has a
 * further condition on the line: line_start() checks it once the prefix
 * matched (so most lines never get there).
 */
#define STRONG (-1)
#define START (-2)
/* The START prefixes: lang holds which. */
enum start {
	S_CLASS, S_CONST, S_DEF, S_ELIF, S_END, S_ECHO, S_FROM, S_FUNCTION, S_IMPORT, S_LET, S_MODULE, S_NEXT,
	S_PACKAGE, S_REM, S_SUB, S_SET, S_STRUCT, S_STATIC, S_TRY, S_USE, S_VAR, S_WITH,
};
struct prefix {
	const char *s;
	uint8_t len, lang;
	int8_t bit;
	uint8_t ci;
};
#define P(str, l, b) {str, sizeof(str) - 1, l, b, 0}
#define PI(str, l, b) {str, sizeof(str) - 1, l, b, 1}
static const struct prefix prefixes[] = {
	/* Python */
	P("if __name__ ==", L_PY, STRONG), P("#!/usr/bin/env python", L_PY, STRONG), P("print(", L_PY, 5),
	P("raise ", L_PY, 5), P("\"\"\"", L_PY, 5), P("@property", L_PY, 5),
	/* Perl */
	P("use strict;", L_PL, STRONG), P("use warnings;", L_PL, STRONG), P("my $", L_PL, 0), P("my @", L_PL, 0),
	P("my %", L_PL, 0), P("my (", L_PL, 0),
	/* Ruby */
	P("require '", L_RB, 0), P("require \"", L_RB, 0), P("require_relative ", L_RB, 0), P("puts ", L_RB, 3),
	P("attr_accessor ", L_RB, 3), P("attr_reader ", L_RB, 3),
	/* PowerShell */
	PI("param(", L_PS, 0), PI("param (", L_PS, 0), PI("[cmdletbinding", L_PS, STRONG), PI("#requires -", L_PS, STRONG),
	/* batch */
	PI("@echo off", L_BAT, STRONG), PI("rem ", L_BAT, 0), P("::", L_BAT, 0), PI("goto ", L_BAT, 2),
	PI("call :", L_BAT, 2), PI("if exist ", L_BAT, 4), PI("if errorlevel ", L_BAT, 4), PI("if not exist ", L_BAT, 4),
	PI("if /i ", L_BAT, 4), PI("setlocal", L_BAT, 5), PI("endlocal", L_BAT, 5), PI("for /", L_BAT, 6),
	PI("for %%", L_BAT, 6),
	/* VBScript */
	PI("dim ", L_VB, 1), PI("end sub", L_VB, 2), PI("sub ", L_VB, 2), PI("private sub ", L_VB, 2),
	PI("public sub ", L_VB, 2), PI("end function", L_VB, 3), PI("end if", L_VB, 3), PI("end with", L_VB, 3),
	PI("msgbox ", L_VB, 5), PI("option explicit", L_VB, STRONG),
	/* JavaScript; a source map comment "//#" is JavaScript's form (CSS has its own) */
	P("'use strict'", L_JS, STRONG), P("\"use strict\"", L_JS, STRONG), P("//# sourceMappingURL=", L_JS, STRONG),
	P("function ", L_JS, 0), P("export {", L_JS, 6), P("import {", L_JS, 6),
	/* ES module exports: a shell's export takes a NAME=value, never these */
	P("export default ", L_JS, STRONG), P("export function ", L_JS, STRONG), P("export async function ", L_JS, STRONG),
	P("export const ", L_JS, STRONG), P("export class ", L_JS, STRONG),
	P("constructor(", L_JS, 9), P("super(", L_JS, 10), P("async function", L_JS, 10), P("await ", L_JS, 10),
	P("});", L_JS, 7), P("})();", L_JS, 7),
	/* C and C++; an include guard (#ifndef, #define, #endif) is three indicators */
	P("#include <", L_C, STRONG), P("#include \"", L_C, STRONG), P("#define ", L_C, 0), P("#ifdef ", L_C, 3),
	P("#ifndef ", L_C, 3), P("#if ", L_C, 3), P("#endif", L_C, 4), P("int main(", L_C, STRONG), P("typedef ", L_C, 1),
	P("namespace ", L_CPP, 0), P("template <", L_CPP, 0), P("template<", L_CPP, 0), P("public:", L_CPP, 0),
	P("private:", L_CPP, 0), P("#include <iostream>", L_CPP, 0),
	/* make */
	P(".PHONY:", L_MK, STRONG),
	/* troff and man */
	P(".TH ", L_TROFF, STRONG), P(".Dd ", L_TROFF, STRONG), P(".\\\"", L_TROFF, STRONG), P("'\\\"", L_TROFF, STRONG),
	P(".SH ", L_TROFF, 0), P(".Sh ", L_TROFF, 0), P(".PP", L_TROFF, 0), P(".B ", L_TROFF, 0), P(".I ", L_TROFF, 0),
	P(".TP", L_TROFF, 0), P(".Nm", L_TROFF, 0),
	/* M4, as autoconf writes it */
	P("dnl ", L_M4, 0), P("AC_DEFUN(", L_M4, STRONG), P("AU_DEFUN(", L_M4, STRONG), P("m4_define(", L_M4, STRONG),
	P("AC_PREREQ(", L_M4, 1), P("AC_REQUIRE(", L_M4, 2), P("AC_SUBST(", L_M4, 3), P("AC_MSG_CHECKING(", L_M4, 4),
	P("m4_include(", L_M4, 5), P("AC_INIT(", L_M4, 6),
	/* Lisp and Scheme: top-level forms */
	P("(defun ", L_LISP, 0), P("(defmacro ", L_LISP, 0), P("(defvar ", L_LISP, 1), P("(defcustom ", L_LISP, 1),
	P("(defconst ", L_LISP, 1), P("(setq ", L_LISP, 2), P("(require '", L_LISP, 3), P("(provide '", L_LISP, 3),
	P("(let ", L_LISP, 4), P("(let* ", L_LISP, 4), P("(autoload ", L_LISP, 5), P("(add-hook ", L_LISP, 5),
	P("(define ", L_LISP, 6), P("(lambda ", L_LISP, 7),
	/* unified diff */
	P("diff --git ", L_DIFF, 0), P("+++ ", L_DIFF, 0), P("--- ", L_DIFF, 1), P("@@ -", L_DIFF, 2),
	/* with a condition on the line (line_start) */
	P("class ", S_CLASS, START), P("const ", S_CONST, START), P("def ", S_DEF, START), P("elif ", S_ELIF, START),
	P("except", S_ELIF, START), P("end", S_END, START), PI("echo off", S_ECHO, START), P("from ", S_FROM, START),
	PI("function ", S_FUNCTION, START), P("import ", S_IMPORT, START), P("let ", S_LET, START),
	P("module ", S_MODULE, START), PI("next", S_NEXT, START), P("package ", S_PACKAGE, START),
	PI("rem", S_REM, START), P("sub ", S_SUB, START), PI("set ", S_SET, START), P("struct ", S_STRUCT, START),
	P("static ", S_STATIC, START), P("try:", S_TRY, START), P("use ", S_USE, START), P("var ", S_VAR, START),
	P("with ", S_WITH, START),
};
#undef P
#undef PI

#define NPREFIX (sizeof prefixes / sizeof prefixes[0])

/*
 * Substring indicators: a line that holds s (in any case when ci).  They
 * are compiled once, with the prefix index, into one literal set; one
 * pass over the head marks where they may occur, and a line checks only
 * its marks.
 */
static const struct prefix needles[] = {
#define P(str, l, b) {str, sizeof(str) - 1, l, b, 0}
#define PI(str, l, b) {str, sizeof(str) - 1, l, b, 1}
	P("self.", L_PY, 4),
	P("=~", L_PL, 3), P("$_", L_PL, 5), P("@ARGV", L_PL, 5),
	P(" do |", L_RB, 5),
	PI("$psscriptroot", L_PS, STRONG), PI("$psversiontable", L_PS, STRONG), PI("invoke-expression", L_PS, STRONG),
	PI("-encodedcommand", L_PS, STRONG), PI("$env:", L_PS, 1), PI("-erroraction", L_PS, 2), PI("$null", L_PS, 2),
	PI("$true", L_PS, 2), PI("$false", L_PS, 2),
	P("%~dp0", L_BAT, STRONG), PI("%errorlevel%", L_BAT, STRONG),
	PI("on error resume next", L_VB, STRONG), PI("wscript.createobject", L_VB, STRONG), PI("createobject(", L_VB, 0),
	PI("wscript.echo", L_VB, 5),
	P("new ActiveXObject(", L_JS, STRONG), P("module.exports", L_JS, STRONG), P("function(", L_JS, 0),
	P("require('", L_JS, 2), P("require(\"", L_JS, 2), P("=>", L_JS, 3), P("console.log(", L_JS, 4),
	P("document.", L_JS, 4), P("window.", L_JS, 4), P("this.", L_JS, 9), P("WScript.", L_JS, 8),
	P("std::", L_CPP, 0),
	/* polkit's rules are JavaScript that polkitd runs as root */
	P("polkit.addRule(", L_JS, STRONG), P("polkit.addAdminRule(", L_JS, STRONG),
	P(" := ", L_MK, 2), P(" ?= ", L_MK, 2), P(" += ", L_MK, 2),
#undef P
#undef PI
};

#define NNEEDLE (sizeof needles / sizeof needles[0])
/* The needles, then "$(" (a make reference, with a ')' on its line): one literal set. */
#define MAKE_REF NNEEDLE
_Static_assert(NNEEDLE + 1 <= CR_LIT_MAX, "the needles and $( are one literal set");

/*
 * The prefixes by their first two bytes, case-folded and hashed:
 * by_head[head_start[h] .. head_start[h + 1]).  Each compares its first
 * eight bytes as one word: the line's word, with head_fold (0x20 on the
 * prefix's letters when it is ci) OR-ed in, under head_mask, is head_word.
 */
_Static_assert(NPREFIX < 256, "by_head holds prefix indexes in a byte");
static uint8_t by_head[NPREFIX];
static uint16_t head_start[257];
static uint64_t head_word[NPREFIX], head_mask[NPREFIX], head_fold[NPREFIX];

static unsigned head_key(uint8_t c0, uint8_t c1)
{
	return ((unsigned)lower(c0) * 31u + (unsigned)lower(c1)) & 255u;
}

static struct cr_lit lit_of[NNEEDLE + 1];
static struct cr_lits lits;
static pthread_once_t prefix_once = PTHREAD_ONCE_INIT;

static void prefix_index(void)
{
	uint16_t count[256] = {0};
	for (size_t k = 0; k < NPREFIX; k++) {
		const struct prefix *x = &prefixes[k];
		if (x->len < 2)
			abort();	/* a line's first two bytes find its prefixes */
		count[head_key((uint8_t)x->s[0], (uint8_t)x->s[1])]++;
		uint8_t w[8] = {0}, m[8] = {0}, f[8] = {0};
		for (size_t i = 0; i < x->len && i < 8; i++) {
			uint8_t b = (uint8_t)x->s[i];
			if (x->ci && is_alpha(b)) {
				b = (uint8_t)lower(b);
				f[i] = 0x20;
			}
			w[i] = b;
			m[i] = 0xff;
		}
		memcpy(&head_word[k], w, 8);
		memcpy(&head_mask[k], m, 8);
		memcpy(&head_fold[k], f, 8);
	}
	for (int c = 0; c < 256; c++)
		head_start[c + 1] = (uint16_t)(head_start[c] + count[c]);
	uint16_t at[256];
	memcpy(at, head_start, sizeof at);
	for (size_t k = 0; k < NPREFIX; k++)
		by_head[at[head_key((uint8_t)prefixes[k].s[0], (uint8_t)prefixes[k].s[1])]++] = (uint8_t)k;
	for (size_t k = 0; k < NNEEDLE; k++)
		lit_of[k] = (struct cr_lit){needles[k].s, needles[k].len, needles[k].ci};
	lit_of[MAKE_REF] = (struct cr_lit){"$(", 2, 0};
	/* Line ends and '-' (PowerShell's Verb-Noun) are marked in the same pass. */
	cr_lits_build(&lits, lit_of, NNEEDLE + 1, '\n', '-');
}

/* The blanks (spaces, tabs) that open the line l[0..n); room bytes are readable from l. */
static size_t indent(const uint8_t *l, size_t n, size_t room)
{
	size_t b = 0;
#ifdef __SSE2__
	/* Code is indented: sixteen bytes a step. */
	const __m128i sp = _mm_set1_epi8(' '), tab = _mm_set1_epi8('\t');
	while (b + 16 <= room && b < n) {
		__m128i v = _mm_loadu_si128((const __m128i *)(const void *)(l + b));
		unsigned blank = (unsigned)_mm_movemask_epi8(_mm_or_si128(_mm_cmpeq_epi8(v, sp), _mm_cmpeq_epi8(v, tab)));
		if (blank != 0xffff) {
			b += (size_t)__builtin_ctz(~blank);
			return b < n ? b : n;
		}
		b += 16;
	}
#endif
	while (b < n && (l[b] == ' ' || l[b] == '\t'))
		b++;
	return b < n ? b : n;
}

/* The first set bit of bm in [a, b), or b. */
static size_t next_bit(const uint64_t *bm, size_t a, size_t b)
{
	while (a < b) {
		uint64_t w = bm[a / 64] >> (a & 63);
		if (w) {
			size_t r = a + (size_t)__builtin_ctzll(w);
			return r < b ? r : b;
		}
		a = (a | 63) + 1;
	}
	return b;
}

/*
 * The head's marks (line ends, '-', where a needle may be) over its first
 * 8 KiB, made 1 KiB at a time as the line readers reach them: the
 * languages, Markdown and late HTML split the same lines from one pass,
 * and a head decided in its first lines is not marked whole.
 */
struct marks {
	const uint8_t *p;
	size_t lim, marked;
	uint64_t cand[8192 / 64], nl[8192 / 64], dash[8192 / 64];
};

static void marks_init(struct marks *m, const uint8_t *p, size_t n)
{
	pthread_once(&prefix_once, prefix_index);
	m->p = p;
	m->lim = n < 8192 ? n : 8192;
	m->marked = 0;
}

/* The first line end in [i, end) (end <= the marks' limit), or end. */
static size_t line_end(struct marks *m, size_t i, size_t end)
{
	for (;;) {
		size_t top = m->marked < end ? m->marked : end;
		size_t e = next_bit(m->nl, i, top);
		if (e < top || top == end)
			return e;
		size_t b = m->marked + 1024 < m->lim ? m->marked + 1024 : m->lim;
		cr_lits_scan(&lits, m->p, m->lim, m->marked, b, m->cand, m->nl, m->dash);
		m->marked = b;
	}
}

/* The needles found on a line (bit k for needles[k]). */
static void line_needles(struct score *sc, uint64_t found)
{
	for (; found; found &= found - 1) {
		const struct prefix *x = &needles[__builtin_ctzll(found)];
		if (x->bit == STRONG)
			strong(sc, x->lang);
		else
			hit(sc, x->lang, x->bit);
	}
}

/*
 * The START prefixes' conditions: the line l[0..n) starts with the
 * prefix `which` (its case checked as the prefix asks).
 */
static void line_start(struct score *s, unsigned which, const uint8_t *l, size_t n, int first)
{
	int colon = l[n - 1] == ':';
	switch (which) {
	case S_CLASS:
		if (colon)
			hit(s, L_PY, 2);
		break;
	case S_CONST:
	case S_LET:
	case S_VAR:
		if (has(l, n, " = "))
			hit(s, L_JS, 1);
		break;
	case S_DEF:
		if (colon && has(l, n, "("))
			hit(s, L_PY, 1);
		if (!colon && !has(l, n, "{"))
			hit(s, L_RB, 1);
		break;
	case S_ELIF:	/* and "except" */
	case S_TRY:
	case S_WITH:
		if (colon)
			hit(s, L_PY, 3);
		break;
	case S_END:
		if (n == 3)
			hit(s, L_RB, 2);
		break;
	case S_ECHO:
		if (first)
			strong(s, L_BAT);
		break;
	case S_FROM:
		if (has(l, n, " import ") && !has(l, n, "'") && !has(l, n, "\""))
			strong(s, L_PY);
		break;
	case S_FUNCTION:
		if (n > 9) {
			/* function Verb-Noun */
			size_t i = 9;
			while (i < n && is_ident(l[i]))
				i++;
			if (i < n && l[i] == '-' && i + 1 < n && is_alpha(l[i + 1]))
				strong(s, L_PS);
		}
		break;
	case S_IMPORT:
		if (n > 7 && is_alpha(l[7]) && !memchr(l, ';', n) && !memchr(l, '\'', n) && !memchr(l, '"', n) &&
		    !memchr(l, '{', n))
			hit(s, L_PY, 0);
		if (has(l, n, " from '") || has(l, n, " from \""))
			hit(s, L_JS, 5);
		break;
	case S_MODULE:
		if (n > 7 && l[7] >= 'A' && l[7] <= 'Z')
			hit(s, L_RB, 4);
		break;
	case S_NEXT:
		if (n == 4 || l[4] == ' ' || l[4] == '\r')
			hit(s, L_VB, 6);
		break;
	case S_PACKAGE:
		if (l[n - 1] == ';')
			hit(s, L_PL, 2);
		break;
	case S_REM:
		if (n == 3)
			hit(s, L_BAT, 0);
		break;
	case S_SUB:
		if (has(l, n, "{"))
			hit(s, L_PL, 1);
		break;
	case S_SET:
		if (has(l, n, " = "))
			hit(s, L_VB, 4);
		else
			hit(s, L_BAT, 1);
		break;
	case S_STRUCT:
		if (has(l, n, "{"))
			hit(s, L_C, 1);
		break;
	case S_STATIC:
		if (has(l, n, "("))
			hit(s, L_C, 2);
		break;
	case S_USE:
		if (l[n - 1] == ';')
			hit(s, L_PL, 4);
		break;
	default:
		break;
	}
}

/* The line l[0..n); word is its first eight bytes (zeros past the head's end). */
static void line_prefixes(struct score *sc, const uint8_t *l, size_t n, uint64_t word, int first)
{
	if (n < 2)
		return;
	unsigned h = head_key(l[0], l[1]);
	for (unsigned k = head_start[h]; k < head_start[h + 1]; k++) {
		unsigned i = by_head[k];
		const struct prefix *x = &prefixes[i];
		if (x->len > n || ((word | head_fold[i]) & head_mask[i]) != head_word[i])
			continue;
		if (x->len > 8 && !(x->ci ? ci_pre_n(l + 8, n - 8, x->s + 8, x->len - 8u)
					  : memcmp(l + 8, x->s + 8, x->len - 8u) == 0))
			continue;
		if (x->bit == START)
			line_start(sc, x->lang, l, n, first);
		else if (x->bit == STRONG)
			strong(sc, x->lang);
		else
			hit(sc, x->lang, x->bit);
	}
}

static const char *const ps_verbs[] = {"Get-", "Set-", "New-", "Remove-", "Write-", "Invoke-", "Start-",
				       "Stop-", "Import-", "Export-", "Add-", "Out-", "Test-", "ConvertTo-",
				       "ConvertFrom-", "Select-", "Where-", "ForEach-", "Copy-", "Move-",
				       "Register-", "Expand-", "Join-", "Split-", "Read-", "Wait-"};

/* The line l[0..n) starts at `off` in the head whose '-' bytes are the bits of dash. */
static void line_ps(struct score *s, const uint8_t *l, size_t n, const uint64_t *dash, size_t off)
{
	/* Verb-Noun cmdlets: each "-X" (X upper case), and the word before it. */
	if (n < 2)
		return;
	for (size_t d = next_bit(dash, off, off + n - 1); d < off + n - 1; d = next_bit(dash, d + 1, off + n - 1)) {
		size_t k = d - off;
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


static void line_misc(struct score *s, const uint8_t *l, size_t n, const uint8_t *raw, size_t rn, bool make_ref)
{
	/* make: rules with tab-indented recipes, variables, $(refs) */
	if (rn > 1 && raw[0] == '\t')
		hit(s, L_MK, 0);
	if (make_ref && memchr(l, ')', n))
		hit(s, L_MK, 1);
	if (n > 1 && is_alpha(l[0]) && l[n - 1] == ':' && !memchr(l, ' ', n))
		hit(s, L_MK, 3);
}

static enum cr_tid lang_of(const struct score *s)
{
	static const enum cr_tid tid[L_N] = {T_PYTHON, T_PERL, T_RUBY, T_POWERSHELL, T_BATCH, T_VBSCRIPT,
					     T_JAVASCRIPT, T_C, T_CPP, T_MAKEFILE, T_TROFF, T_DIFF, T_M4, T_LISP};
	/* How many distinct indicators decide without a strong one. */
	static const int need[L_N] = {2, 3, 3, 2, 2, 3, 3, 3, 9, 3, 2, 3, 2, 2};
	int best = -1, bscore = 0, bk = 0;
	for (int l = 0; l < L_N; l++) {
		if (l == L_CPP)
			continue;
		int k = popcount(s->bits[l]);
		int ok = s->strong[l] > 0 || k >= need[l];
		int score = k + 3 * (s->strong[l] > 0) + (s->strong[l] > 1);
		/* A tie goes to the broader evidence: distinct indicators over one strong phrase (quoted, often). */
		if (ok && (score > bscore || (score == bscore && k > bk))) {
			best = l;
			bscore = score;
			bk = k;
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

static enum cr_tid markdown(const uint8_t *p, size_t n, struct marks *mk)
{
	int heading = 0, other = 0, fence = 0, link = 0;
	size_t i = 0;
	size_t lim = n < 4096 ? n : 4096;
	for (int lines = 0; i < lim && lines < 120; lines++) {
		size_t e = line_end(mk, i, lim);
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
		if (pre(l, ln, "- ") || pre(l, ln, "* ") || pre(l, ln, "> "))
			other = 1;
		if (ln >= 3 && (pre(l, ln, "===") || pre(l, ln, "---")) && i > 0)
			heading |= 2;
		i = e + 1;
	}
	/* Neither needle holds a newline: one search over the lines read is the same as one per line. */
	size_t end = i < lim ? i : lim;
	link = has(p, end, "](");
	other |= has(p, end, "**");
	if ((heading && (link || fence || other)) || (fence && link))
		return T_MARKDOWN;
	return T_UNKNOWN;
}

/* Four bits or more set: three cleared and some left (no popcount call per check). */
static int at_least4(uint32_t x)
{
	x &= x - 1;
	x &= x - 1;
	x &= x - 1;
	return x != 0;
}

/* Whether some language has decided: a strong indicator or a clear count. */
static int decided(const struct score *s)
{
	for (int l = 0; l < L_N; l++)
		if (s->strong[l] || at_least4(s->bits[l]))
			return 1;
	return 0;
}

static enum cr_tid languages(const uint8_t *p, size_t n, struct marks *mk)
{
	struct score s;
	memset(&s, 0, sizeof s);
	size_t i = 0, guardn = 0;
	const uint8_t *guard = NULL;
	/*
	 * The first 8 KiB or 240 lines decide: code announces itself early
	 * (imports, interpreter directives), after a licence or a docstring.
	 */
	size_t lim = mk->lim;
	for (int lines = 0; i < lim && lines < 240; lines++) {
		size_t e = line_end(mk, i, lim);
		const uint8_t *raw = p + i;
		size_t rn = e - i;
		size_t b = indent(raw, rn, n - i);
		const uint8_t *l = raw + b;
		size_t en = rn - b;
		while (en > 0 && (l[en - 1] == '\r' || l[en - 1] == ' ' || l[en - 1] == '\t'))
			en--;
		if (en > 0) {
			size_t off = (size_t)(l - p), end = off + en;
			uint64_t word = 0;
			memcpy(&word, l, n - off < 8 ? n - off : 8);
			line_prefixes(&s, l, en, word, lines == 0);
			/* A batch label ":name" (a prefix of one byte and a condition). */
			if (l[0] == ':' && en > 1 && is_alpha(l[1]))
				hit(&s, L_BAT, 3);
			/* An include guard: "#ifndef NAME" then "#define NAME". */
			if (guard && pre(l, en, "#define ") && en - 8 >= guardn && memcmp(l + 8, guard, guardn) == 0 &&
			    (en - 8 == guardn || is_ws(l[8 + guardn])))
				strong(&s, L_C);
			guard = pre(l, en, "#ifndef ") ? l + 8 : NULL;
			guardn = guard ? en - 8 : 0;
			uint64_t found = 0;
			for (size_t k = next_bit(mk->cand, off, end); k < end; k = next_bit(mk->cand, k + 1, end))
				found |= cr_lits_at(&lits, p, off, end, k);
			line_needles(&s, found & ~(1ull << MAKE_REF));
			line_ps(&s, l, en, mk->dash, off);
			line_misc(&s, l, en, raw, rn, (found >> MAKE_REF) & 1);
		}
		i = e + 1;
		if (lines >= 24 && (lines & 7) == 0 && decided(&s))
			break;
	}
	return lang_of(&s);
}

/*
 * A template or a fragment: text that does not start with markup (a
 * Jinja "{% extends %}", a string constant) but whose lines do.  Two
 * lines in the first 4 KiB that open with an HTML element's tag, or a
 * doctype html line.  Markup quoted inside code ('<html>' in a Pascal
 * string) does not open a line.
 */
static bool html_lines(const uint8_t *p, size_t n, struct marks *mk)
{
	size_t lim = n < 4096 ? n : 4096, i = 0;
	int tags = 0;
	for (int lines = 0; i < lim && lines < 120; lines++) {
		size_t e = line_end(mk, i, lim);
		size_t b = skip_ws(p, e, i);
		if (b < e && p[b] == '<') {
			if (ci_pre(p + b, e - b, "<!doctype html"))
				return true;
			if (html_tag_at(p + b, p + e) && ++tags >= 2)
				return true;
		}
		i = e + 1;
	}
	return false;
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
	unsigned anywhere;
	if (window_scan(p, n, &anywhere))
		return T_UNKNOWN;
	struct marks mk;
	marks_init(&mk, p, n);
	/* A server runs PHP wherever it sits in the page: "<?php" in any case, or the echo tag "<?=". */
	if (anywhere & MK_PHP)
		return T_PHP;
	if (anywhere & MK_HTA)
		return T_HTA;
	if (anywhere & MK_WSH)
		return T_WSH_ENCODED;
	size_t i = skip_ws(p, n, 0);
	if (i < n && p[i] == '<') {
		enum cr_tid t = markup(p, n, i);
		/* GitHub READMEs open with <p align="center"> or <img>: Markdown that holds HTML. */
		if (t == T_HTML && !html_document(p, n < 4096 ? n : 4096) && markdown(p, n, &mk) == T_MARKDOWN)
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
	if ((pre(p + i, n - i, "```") || pre(p + i, n - i, "~~~")) && markdown(p, n, &mk) == T_MARKDOWN)
		return T_MARKDOWN;
	/* The first 16 KiB decide JSON: a document valid that far is JSON to any reader that stops there. */
	if (i < n && (p[i] == '{' || p[i] == '[') && json_ok(p, n < 16384 ? n : 16384, truncated || n > 16384))
		return T_JSON;
	t = languages(p, n, &mk);
	if (t != T_UNKNOWN)
		return t;
	t = delimited(p, n, truncated);
	if (t != T_UNKNOWN)
		return t;
	t = markdown(p, n, &mk);
	if (t != T_UNKNOWN)
		return t;
	if (html_lines(p, n, &mk)) {
		id->flags |= CR_ID_LATE_MARKUP;
		return T_HTML;
	}
	return T_TEXT;
}

enum cr_tid cr_text_classify(const uint8_t *p, size_t n, size_t total, struct cr_ident *id)
{
	if (n == 0)
		return T_EMPTY;
	return classify(p, n, total, id);
}
