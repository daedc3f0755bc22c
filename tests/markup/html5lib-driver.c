/*
 * html5lib-driver.c - runs the tokenizer for tests/markup/html5lib.py.
 *
 * Each input line is one run: the initial state (0-5, enum cr_tok_state),
 * a tab, the last start tag ("-" for none), a tab, and the input's code
 * points in hex, comma-separated.  Each output line is the tokens as a
 * JSON array in the html5lib format, adjacent characters joined.  The
 * input is fed as UTF-8 (lone surrogates, which only these tests hold, in
 * three bytes) in pieces of one to seven bytes, so that every state that
 * looks ahead, and every character, is also tested across feeds.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "markup/tokenizer.h"

struct out {
	char *chars;
	size_t nchars, cap;
	int ntok;
};

/* Writes s (UTF-8, lone surrogates in three bytes) as a JSON string. */
static void jstr(const char *s, size_t n)
{
	putchar('"');
	const unsigned char *p = (const unsigned char *)s;
	for (size_t i = 0; i < n;) {
		unsigned c = p[i], l = c < 0x80 ? 1 : c < 0xe0 ? 2 : c < 0xf0 ? 3 : 4;
		unsigned v = l == 1 ? c : l == 2 ? c & 0x1f : l == 3 ? c & 0x0f : c & 0x07;
		for (unsigned k = 1; k < l && i + k < n; k++)
			v = v << 6 | (p[i + k] & 0x3f);
		i += l;
		if (v == '"' || v == '\\')
			printf("\\%c", v);
		else if (v >= 0x20 && v < 0x7f)
			putchar((int)v);
		else if (v < 0x10000)
			printf("\\u%04x", v);
		else
			printf("\\u%04x\\u%04x", 0xd800 + ((v - 0x10000) >> 10), 0xdc00 + ((v - 0x10000) & 0x3ff));
	}
	putchar('"');
}

static void sep(struct out *o)
{
	if (o->ntok++)
		putchar(',');
}

static void flush(struct out *o)
{
	if (!o->nchars)
		return;
	sep(o);
	fputs("[\"Character\",", stdout);
	jstr(o->chars, o->nchars);
	putchar(']');
	o->nchars = 0;
}

static void on_chars(void *u, const char *s, size_t n)
{
	struct out *o = u;
	if (o->nchars + n > o->cap) {
		o->cap = (o->nchars + n) * 2;
		o->chars = realloc(o->chars, o->cap);
		if (!o->chars)
			abort();
	}
	memcpy(o->chars + o->nchars, s, n);
	o->nchars += n;
}

static void on_start(void *u, const struct cr_tok_tag *t)
{
	struct out *o = u;
	flush(o);
	sep(o);
	fputs("[\"StartTag\",", stdout);
	jstr(t->name, t->name_len);
	fputs(",{", stdout);
	for (size_t i = 0; i < t->nattrs; i++) {
		if (i)
			putchar(',');
		jstr(t->attrs[i].name, t->attrs[i].name_len);
		putchar(':');
		jstr(t->attrs[i].value, t->attrs[i].value_len);
	}
	putchar('}');
	if (t->self_closing)
		fputs(",true", stdout);
	putchar(']');
}

static void on_end(void *u, const struct cr_tok_tag *t)
{
	struct out *o = u;
	flush(o);
	sep(o);
	fputs("[\"EndTag\",", stdout);
	jstr(t->name, t->name_len);
	putchar(']');
}

static void on_comment(void *u, const char *s, size_t n, bool cut)
{
	struct out *o = u;
	flush(o);
	sep(o);
	fputs("[\"Comment\",", stdout);
	jstr(s, n);
	putchar(']');
}

static void opt(const char *s)
{
	if (s)
		jstr(s, strlen(s));
	else
		fputs("null", stdout);
}

static void on_doctype(void *u, const struct cr_tok_doctype *d)
{
	struct out *o = u;
	flush(o);
	sep(o);
	fputs("[\"DOCTYPE\",", stdout);
	opt(d->name);
	putchar(',');
	opt(d->public_id);
	putchar(',');
	opt(d->system_id);
	printf(",%s]", d->force_quirks ? "false" : "true");
}

int main(void)
{
	static char line[1 << 22];
	static uint8_t u8[1 << 22];
	struct out o = {0};
	struct cr_tok_sink sink = {on_start, on_end, on_chars, on_comment, on_doctype, &o};
	struct cr_tok *t = malloc(sizeof *t);
	if (!t)
		return 1;
	unsigned seed = 1;
	while (fgets(line, sizeof line, stdin)) {
		char *a = strtok(line, "\t\n"), *b = strtok(NULL, "\t\n"), *c = strtok(NULL, "\t\n");
		if (!a || !b)
			return 1;
		size_t n = 0;
		for (char *p = c; p && *p && n + 4 < sizeof u8;) {
			uint32_t v = (uint32_t)strtoul(p, &p, 16);
			if (v < 0x80) {
				u8[n++] = (uint8_t)v;
			} else if (v < 0x800) {
				u8[n++] = (uint8_t)(0xc0 | v >> 6);
				u8[n++] = (uint8_t)(0x80 | (v & 0x3f));
			} else if (v < 0x10000) {
				u8[n++] = (uint8_t)(0xe0 | v >> 12);
				u8[n++] = (uint8_t)(0x80 | (v >> 6 & 0x3f));
				u8[n++] = (uint8_t)(0x80 | (v & 0x3f));
			} else {
				u8[n++] = (uint8_t)(0xf0 | v >> 18);
				u8[n++] = (uint8_t)(0x80 | (v >> 12 & 0x3f));
				u8[n++] = (uint8_t)(0x80 | (v >> 6 & 0x3f));
				u8[n++] = (uint8_t)(0x80 | (v & 0x3f));
			}
			if (*p == ',')
				p++;
		}
		if (cr_tok_init(t, &sink, 1u << 20, 1u << 16) != 0)
			return 1;
		cr_tok_set_state(t, (enum cr_tok_state)atoi(a));
		if (strcmp(b, "-") != 0)
			cr_tok_set_last_start(t, b);
		o.ntok = 0;
		o.nchars = 0;
		putchar('[');
		for (size_t i = 0; i < n;) {
			seed = seed * 1103515245u + 12345u;
			size_t k = 1 + (seed >> 16) % 7;
			if (k > n - i)
				k = n - i;
			cr_tok_feed(t, u8 + i, k);
			i += k;
		}
		cr_tok_finish(t);
		flush(&o);
		puts("]");
		fflush(stdout);
		cr_tok_free(t);
	}
	free(o.chars);
	free(t);
	return 0;
}
