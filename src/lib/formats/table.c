/*
 * table.c - every format crible walks, one line each.  A new format is a
 * new file that exports `const struct cr_format cr_format_NAME` and one
 * X(NAME) line here; its types, identification and walker come with it.
 */
#include <pthread.h>
#include <stddef.h>

#include "format.h"

/* Builds may add formats (the contract test adds a toy one): -D'CR_FORMATS_EXTRA(X)=X(toy)'. */
#ifndef CR_FORMATS_EXTRA
#define CR_FORMATS_EXTRA(X)
#endif

#define FORMATS(X)      \
	X(zip)          \
	X(tar)          \
	X(rar)          \
	X(stream)       \
	X(iso)          \
	X(ole)          \
	X(rtf)          \
	X(pdf)          \
	X(onenote)      \
	X(libarchive)   \
	CR_FORMATS_EXTRA(X)

#define DECLARE(n) extern const struct cr_format cr_format_##n;
FORMATS(DECLARE)
#define REFERENCE(n) &cr_format_##n,
const struct cr_format *const cr_formats[] = {FORMATS(REFERENCE) NULL};

#define NFORMATS (sizeof cr_formats / sizeof cr_formats[0] - 1)

static enum cr_tid own_base[NFORMATS + 1];
static pthread_once_t once = PTHREAD_ONCE_INIT;

/* Which format walks each type, resolved once: the engine asks for every object. */
#define MAX_TYPES (T_NTYPES + 64)
static const struct cr_format *walker[MAX_TYPES];

static const struct cr_format *resolve(enum cr_tid t)
{
	for (size_t i = 0; i < NFORMATS; i++) {
		const struct cr_format *f = cr_formats[i];
		for (const enum cr_tid *p = f->types; p && *p != T_UNKNOWN; p++)
			if (cr_type_is_a(t, *p))
				return f;
		if (f->nown && own_base[i] != T_UNKNOWN && t >= own_base[i] && t < own_base[i] + (int)f->nown)
			return f;
	}
	return NULL;
}

static void init(void)
{
	for (size_t i = 0; i < NFORMATS; i++) {
		const struct cr_format *f = cr_formats[i];
		own_base[i] = T_UNKNOWN;
		for (size_t k = 0; k < f->nown; k++) {
			enum cr_tid t = cr_types_add(&f->own_types[k]);
			if (k == 0)
				own_base[i] = t;
		}
	}
	cr_types_init();
	for (int t = 1; t < MAX_TYPES; t++)
		walker[t] = resolve((enum cr_tid)t);
}

void cr_formats_init(void) { pthread_once(&once, init); }

enum cr_tid cr_format_type(const struct cr_format *f, size_t k)
{
	cr_formats_init();
	for (size_t i = 0; i < NFORMATS; i++)
		if (cr_formats[i] == f && k < f->nown && own_base[i] != T_UNKNOWN)
			return (enum cr_tid)(own_base[i] + (int)k);
	return T_UNKNOWN;
}

const struct cr_format *cr_format_for(enum cr_tid t)
{
	cr_formats_init();
	return t > T_UNKNOWN && (int)t < MAX_TYPES ? walker[t] : NULL;
}

enum cr_tid cr_formats_bid(const struct cr_view *v, uint64_t *start)
{
	for (size_t i = 0; i < NFORMATS; i++) {
		if (!cr_formats[i]->bid)
			continue;
		uint64_t st = 0;
		enum cr_tid t = cr_formats[i]->bid(v, &st);
		if (t != T_UNKNOWN) {
			*start = st;
			return t;
		}
	}
	return T_UNKNOWN;
}
