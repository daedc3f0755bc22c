/* buf.c - bounded buffer and JSON string escaping. */
#include "buf.h"

#include "../io/utf8.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

void cr_buf_init(struct cr_buf *b, size_t max)
{
	memset(b, 0, sizeof *b);
	b->max = max;
}

void cr_buf_free(struct cr_buf *b)
{
	free(b->p);
	memset(b, 0, sizeof *b);
}

void cr_buf_add(struct cr_buf *b, const char *s, size_t n)
{
	if (b->failed)
		return;
	if (n > b->max - b->len) {
		b->failed = true;
		return;
	}
	if (b->len + n + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 256;
		while (cap < b->len + n + 1)
			cap *= 2;
		if (cap > b->max + 1)
			cap = b->max + 1;
		char *p = realloc(b->p, cap);
		if (!p) {
			b->failed = true;
			return;
		}
		b->p = p;
		b->cap = cap;
	}
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = '\0';
}

void cr_buf_str(struct cr_buf *b, const char *s) { cr_buf_add(b, s, strlen(s)); }

void cr_buf_u64(struct cr_buf *b, unsigned long long v)
{
	char d[20];
	size_t i = sizeof d;
	do {
		d[--i] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	cr_buf_add(b, d + i, sizeof d - i);
}

void cr_buf_printf(struct cr_buf *b, const char *fmt, ...)
{
	char tmp[512];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(tmp, sizeof tmp, fmt, ap);
	va_end(ap);
	if (n < 0) {
		b->failed = true;
		return;
	}
	cr_buf_add(b, tmp, (size_t)n < sizeof tmp ? (size_t)n : sizeof tmp - 1);
}

/* From i, the first byte of p[0..n) that JSON output must look at: '"', '\\', a control, DEL, or not ASCII. */
static size_t plain_run(const uint8_t *p, size_t n, size_t i)
{
#ifdef __SSE2__
	/* Sixteen at a time: as signed bytes, 0x80-0xff are negative and 0x00-0x1f below 0x20. */
	const __m128i sp = _mm_set1_epi8(0x20), q = _mm_set1_epi8('"'), bs = _mm_set1_epi8('\\'),
		      del = _mm_set1_epi8(0x7f);
	for (; i + 16 <= n; i += 16) {
		__m128i v = _mm_loadu_si128((const __m128i *)(const void *)(p + i));
		__m128i stop = _mm_or_si128(_mm_or_si128(_mm_cmplt_epi8(v, sp), _mm_cmpeq_epi8(v, del)),
					    _mm_or_si128(_mm_cmpeq_epi8(v, q), _mm_cmpeq_epi8(v, bs)));
		unsigned m = (unsigned)_mm_movemask_epi8(stop);
		if (m)
			return i + (size_t)__builtin_ctz(m);
	}
#endif
	while (i < n && p[i] >= 0x20 && p[i] < 0x7f && p[i] != '"' && p[i] != '\\')
		i++;
	return i;
}

/*
 * Characters a terminal acts on or that reorder or hide text around them:
 * C1 controls (U+0080-U+009F, CSI among them), the bidi embeddings,
 * overrides, isolates and marks (CVE-2021-42574), zero-width characters,
 * the BOM, and the line and paragraph separators.
 */
static bool hidden(uint32_t cp)
{
	return (cp >= 0x80 && cp < 0xa0) || (cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069) ||
	       cp == 0x200e || cp == 0x200f || cp == 0x061c || (cp >= 0x200b && cp <= 0x200d) || cp == 0xfeff ||
	       cp == 0x2028 || cp == 0x2029;
}

void cr_buf_json_str(struct cr_buf *b, const char *s)
{
	const uint8_t *p = (const uint8_t *)s;
	size_t n = strlen(s);
	cr_buf_add(b, "\"", 1);
	size_t run = 0;	/* start of a run of bytes copied as they are */
	size_t i = 0;
	while ((i = plain_run(p, n, i)) < n) {
		uint8_t c = p[i];
		const char *esc = NULL;
		char u[16];
		size_t l = 1;
		if (c == '"')
			esc = "\\\"";
		else if (c == '\\')
			esc = "\\\\";
		else if (c == '\n')
			esc = "\\n";
		else if (c == '\r')
			esc = "\\r";
		else if (c == '\t')
			esc = "\\t";
		else if (c < 0x20 || c == 0x7f) {
			snprintf(u, sizeof u, "\\u%04x", c);
			esc = u;
		} else if (c >= 0x80) {
			uint32_t cp;
			l = cr_utf8_decode(p + i, n - i, &cp);
			if (l == 0) {
				esc = "\xef\xbf\xbd";	/* U+FFFD */
				l = 1;
			} else if (hidden(cp)) {
				/* The same character to a JSON reader; not a control to a terminal showing the line. */
				snprintf(u, sizeof u, "\\u%04x", (unsigned)cp);
				esc = u;
			}
		}
		if (esc) {
			cr_buf_add(b, s + run, i - run);
			cr_buf_str(b, esc);
			run = i + l;
		}
		i += l;
	}
	cr_buf_add(b, s + run, n - run);
	cr_buf_add(b, "\"", 1);
}

/*
 * For a terminal: a name from an archive must not move the cursor, change
 * colours or reorder what follows (bidi overrides, CVE-2021-42574), so
 * C0, DEL, C1, the bidi and zero-width marks and invalid UTF-8 become
 * visible escapes; a backslash is doubled so an escape cannot be faked.
 */
void cr_buf_text_str(struct cr_buf *b, const char *s, size_t n)
{
	const uint8_t *p = (const uint8_t *)s;
	char e[16];
	for (size_t i = 0; i < n;) {
		uint32_t cp = 0;
		size_t l = cr_utf8_decode(p + i, n - i, &cp);
		if (l == 0) {
			snprintf(e, sizeof e, "\\x%02x", p[i]);
			cr_buf_str(b, e);
			i++;
			continue;
		}
		if (cp == '\\') {
			cr_buf_add(b, "\\\\", 2);
		} else if (cp < 0x20 || cp == 0x7f) {
			snprintf(e, sizeof e, "\\x%02x", (unsigned)cp);
			cr_buf_str(b, e);
		} else if (hidden(cp)) {
			snprintf(e, sizeof e, "\\u{%04x}", (unsigned)cp);
			cr_buf_str(b, e);
		} else {
			cr_buf_add(b, s + i, l);
		}
		i += l;
	}
}
