/* buf.c - bounded buffer and JSON string escaping. */
#include "buf.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

/* Length of the valid UTF-8 sequence at p (strict: no overlongs, surrogates or > U+10FFFF), or 0. */
static size_t utf8_len(const uint8_t *p, size_t n)
{
	uint8_t c = p[0];
	if (c < 0x80)
		return 1;
	size_t l;
	uint32_t min, cp;
	if ((c & 0xe0) == 0xc0)
		l = 2, min = 0x80, cp = c & 0x1f;
	else if ((c & 0xf0) == 0xe0)
		l = 3, min = 0x800, cp = c & 0x0f;
	else if ((c & 0xf8) == 0xf0)
		l = 4, min = 0x10000, cp = c & 0x07;
	else
		return 0;
	if (l > n)
		return 0;
	for (size_t i = 1; i < l; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (p[i] & 0x3f);
	}
	if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return l;
}

void cr_buf_json_str(struct cr_buf *b, const char *s)
{
	const uint8_t *p = (const uint8_t *)s;
	size_t n = strlen(s);
	cr_buf_add(b, "\"", 1);
	size_t run = 0;	/* start of a run of bytes copied as they are */
	size_t i = 0;
	while (i < n) {
		uint8_t c = p[i];
		const char *esc = NULL;
		char u[8];
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
			l = utf8_len(p + i, n - i);
			if (l == 0) {
				esc = "\xef\xbf\xbd";	/* U+FFFD */
				l = 1;
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
