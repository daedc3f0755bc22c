/*
 * fuzz_tokenizer - the WHATWG tokenizer on the input's bytes,
 * fed in pieces whose sizes come from the input, from a state the input
 * picks, with small caps so that the cut paths run too.  The tokens must
 * not depend on how the input was split.
 */
#include <stdint.h>
#include <string.h>

#include "../src/lib/markup/tokenizer.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct sum {
	uint64_t h;
};

static void mix(struct sum *s, const char *p, size_t n, uint64_t tag)
{
	s->h = (s->h ^ tag) * 1099511628211u;
	for (size_t i = 0; i < n; i++)
		s->h = (s->h ^ (uint8_t)p[i]) * 1099511628211u;
}

static void on_start(void *u, const struct cr_tok_tag *t)
{
	mix(u, t->name, t->name_len, 1);
	for (size_t i = 0; i < t->nattrs; i++) {
		mix(u, t->attrs[i].name, t->attrs[i].name_len, 2);
		mix(u, t->attrs[i].value, t->attrs[i].value_len, 3);
	}
}

static void on_end(void *u, const struct cr_tok_tag *t) { mix(u, t->name, t->name_len, 4); }
/* Text arrives in pieces that depend on the feed: hash it byte by byte, untagged. */
static void on_chars(void *u, const char *s, size_t n)
{
	struct sum *m = u;
	for (size_t i = 0; i < n; i++)
		m->h = (m->h ^ (uint8_t)s[i]) * 1099511628211u;
}
static void on_comment(void *u, const char *s, size_t n, bool cut) { mix(u, s, n, 6); }

static void on_doctype(void *u, const struct cr_tok_doctype *d)
{
	mix(u, d->name ? d->name : "", d->name ? strlen(d->name) : 0, 7);
}

static uint64_t run(const uint8_t *data, size_t size, size_t chunk)
{
	struct sum s = {14695981039346656037u};
	struct cr_tok_sink sink = {on_start, on_end, on_chars, on_comment, on_doctype, &s};
	static struct cr_tok t;
	if (cr_tok_init(&t, &sink, 64, 4) != 0)
		return 0;
	cr_tok_set_state(&t, (enum cr_tok_state)(data[0] % 6));
	cr_tok_set_foreign(&t, data[0] & 0x80);
	if (data[0] & 0x40)
		cr_tok_set_last_start(&t, "script");
	/* The bytes as they are: the tokenizer must hold up on any input, valid UTF-8 or not. */
	for (size_t i = 1; i < size; i += chunk)
		cr_tok_feed(&t, data + i, size - i < chunk ? size - i : chunk);
	cr_tok_finish(&t);
	cr_tok_free(&t);
	return s.h;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size == 0)
		return 0;
	size_t chunk = (size_t)(data[0] % 13) + 1;
	if (run(data, size, chunk) != run(data, size, 64))
		__builtin_trap();
	return 0;
}
