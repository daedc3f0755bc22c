/*
 * json.c - the JSON reader (json.h).  Recursive descent over a cursor
 * that knows its end; depth and the number of values are capped before
 * anything is allocated for them, so a hostile manifest costs at most
 * its own size in strings plus CR_JSON_MAX_VALUES nodes.
 */
#include "json.h"

#include <stdlib.h>
#include <string.h>

struct jp {
	const uint8_t *p;
	size_t n, i;
	size_t values;
	const char *why;
};

static void ws(struct jp *j)
{
	while (j->i < j->n && (j->p[j->i] == ' ' || j->p[j->i] == '\t' || j->p[j->i] == '\n' || j->p[j->i] == '\r'))
		j->i++;
}

static bool fail(struct jp *j, const char *why)
{
	if (!j->why)
		j->why = why;
	return false;
}

static void put_utf8(uint8_t *o, size_t *k, uint32_t c)
{
	if (c < 0x80) {
		o[(*k)++] = (uint8_t)c;
	} else if (c < 0x800) {
		o[(*k)++] = (uint8_t)(0xc0 | c >> 6);
		o[(*k)++] = (uint8_t)(0x80 | (c & 0x3f));
	} else if (c < 0x10000) {
		o[(*k)++] = (uint8_t)(0xe0 | c >> 12);
		o[(*k)++] = (uint8_t)(0x80 | (c >> 6 & 0x3f));
		o[(*k)++] = (uint8_t)(0x80 | (c & 0x3f));
	} else {
		o[(*k)++] = (uint8_t)(0xf0 | c >> 18);
		o[(*k)++] = (uint8_t)(0x80 | (c >> 12 & 0x3f));
		o[(*k)++] = (uint8_t)(0x80 | (c >> 6 & 0x3f));
		o[(*k)++] = (uint8_t)(0x80 | (c & 0x3f));
	}
}

static int hex4(const uint8_t *p, uint32_t *out)
{
	uint32_t v = 0;
	for (int i = 0; i < 4; i++) {
		uint8_t c = p[i];
		v <<= 4;
		if (c >= '0' && c <= '9')
			v |= c - '0';
		else if ((c | 0x20) >= 'a' && (c | 0x20) <= 'f')
			v |= (c | 0x20) - 'a' + 10;
		else
			return -1;
	}
	*out = v;
	return 0;
}

/*
 * A string at j->i (the opening quote): decoded into a fresh buffer.  An
 * escape never produces more bytes than it takes (\uXXXX: 6 in, at most
 * 3 out; a pair: 12 in, 4 out), so the raw length bounds the output.
 * A lone surrogate becomes U+FFFD, as a UTF-8 encoder must write it.
 */
static bool str(struct jp *j, char **out, size_t *outlen)
{
	size_t start = ++j->i, end = start;
	while (end < j->n && j->p[end] != '"') {
		if (j->p[end] == '\\')
			end++;
		end++;
	}
	if (end >= j->n)
		return fail(j, "a string does not end");
	uint8_t *o = malloc(end - start + 1);
	if (!o)
		return fail(j, "out of memory");
	size_t k = 0;
	for (size_t i = start; i < end;) {
		uint8_t c = j->p[i];
		if (c < 0x20) {
			free(o);
			return fail(j, "a control character in a string");
		}
		if (c != '\\') {
			o[k++] = c;
			i++;
			continue;
		}
		uint8_t e = j->p[i + 1];	/* i + 1 < end: a backslash before end was skipped over with its byte */
		i += 2;
		switch (e) {
		case '"': o[k++] = '"'; break;
		case '\\': o[k++] = '\\'; break;
		case '/': o[k++] = '/'; break;
		case 'b': o[k++] = '\b'; break;
		case 'f': o[k++] = '\f'; break;
		case 'n': o[k++] = '\n'; break;
		case 'r': o[k++] = '\r'; break;
		case 't': o[k++] = '\t'; break;
		case 'u': {
			uint32_t u;
			if (end - i < 4 || hex4(j->p + i, &u) != 0) {
				free(o);
				return fail(j, "a bad \\u escape");
			}
			i += 4;
			if (u >= 0xd800 && u < 0xdc00 && end - i >= 6 && j->p[i] == '\\' && j->p[i + 1] == 'u') {
				uint32_t lo;
				if (hex4(j->p + i + 2, &lo) == 0 && lo >= 0xdc00 && lo < 0xe000) {
					u = 0x10000 + ((u - 0xd800) << 10) + (lo - 0xdc00);
					i += 6;
				}
			}
			if (u >= 0xd800 && u < 0xe000)
				u = 0xfffd;
			put_utf8(o, &k, u);
			break;
		}
		default:
			free(o);
			return fail(j, "a bad escape in a string");
		}
	}
	o[k] = '\0';
	j->i = end + 1;
	*out = (char *)o;
	*outlen = k;
	return true;
}

static bool lit(struct jp *j, const char *w)
{
	size_t l = strlen(w);
	if (j->n - j->i < l || memcmp(j->p + j->i, w, l) != 0)
		return fail(j, "not JSON");
	j->i += l;
	return true;
}

static bool num(struct jp *j, struct cr_jv *v)
{
	size_t s = j->i;
	if (j->i < j->n && j->p[j->i] == '-')
		j->i++;
	size_t d = j->i;
	while (j->i < j->n && j->p[j->i] >= '0' && j->p[j->i] <= '9')
		j->i++;
	if (j->i == d || (j->p[d] == '0' && j->i - d > 1))
		return fail(j, "a bad number");
	if (j->i < j->n && j->p[j->i] == '.') {
		size_t f = ++j->i;
		while (j->i < j->n && j->p[j->i] >= '0' && j->p[j->i] <= '9')
			j->i++;
		if (j->i == f)
			return fail(j, "a bad number");
	}
	if (j->i < j->n && (j->p[j->i] | 0x20) == 'e') {
		j->i++;
		if (j->i < j->n && (j->p[j->i] == '+' || j->p[j->i] == '-'))
			j->i++;
		size_t x = j->i;
		while (j->i < j->n && j->p[j->i] >= '0' && j->p[j->i] <= '9')
			j->i++;
		if (j->i == x)
			return fail(j, "a bad number");
	}
	v->s = malloc(j->i - s + 1);
	if (!v->s)
		return fail(j, "out of memory");
	memcpy(v->s, j->p + s, j->i - s);
	v->s[j->i - s] = '\0';
	v->slen = j->i - s;
	v->k = J_NUM;
	return true;
}

static void clear(struct cr_jv *v)
{
	if (v->k == J_ARR || v->k == J_OBJ) {
		for (size_t i = 0; i < v->n; i++) {
			clear(&v->v[i]);
			if (v->k == J_OBJ)
				free(v->key[i]);
		}
		free(v->v);
		free(v->key);
		free(v->keylen);
	}
	free(v->s);
	memset(v, 0, sizeof *v);
}

static bool value(struct jp *j, struct cr_jv *v, int depth);

/* Appends one slot to an array or object being built; false on ENOMEM. */
static bool grow(struct jp *j, struct cr_jv *v, size_t *cap)
{
	if (v->n < *cap)
		return true;
	size_t c = *cap ? *cap * 2 : 4;
	struct cr_jv *nv = reallocarray(v->v, c, sizeof *nv);
	if (!nv)
		return fail(j, "out of memory");
	v->v = nv;
	if (v->k == J_OBJ) {
		char **nk = reallocarray(v->key, c, sizeof *nk);
		if (!nk)
			return fail(j, "out of memory");
		v->key = nk;
		size_t *nl = reallocarray(v->keylen, c, sizeof *nl);
		if (!nl)
			return fail(j, "out of memory");
		v->keylen = nl;
	}
	*cap = c;
	return true;
}

static bool container(struct jp *j, struct cr_jv *v, int depth, bool obj)
{
	v->k = obj ? J_OBJ : J_ARR;
	j->i++;
	ws(j);
	size_t cap = 0;
	if (j->i < j->n && j->p[j->i] == (obj ? '}' : ']')) {
		j->i++;
		return true;
	}
	for (;;) {
		if (!grow(j, v, &cap))
			return false;
		struct cr_jv *item = &v->v[v->n];
		memset(item, 0, sizeof *item);
		if (obj) {
			ws(j);
			char *k = NULL;
			size_t kl = 0;
			if (j->i >= j->n || j->p[j->i] != '"' || !str(j, &k, &kl))
				return fail(j, "an object key is not a string");
			v->key[v->n] = k;
			v->keylen[v->n] = kl;
			ws(j);
			if (j->i >= j->n || j->p[j->i] != ':') {
				v->n++;	/* the key is freed with the object */
				return fail(j, "no ':' after an object key");
			}
			j->i++;
		}
		v->n++;
		if (!value(j, item, depth + 1))
			return false;
		ws(j);
		if (j->i < j->n && j->p[j->i] == ',') {
			j->i++;
			continue;
		}
		if (j->i < j->n && j->p[j->i] == (obj ? '}' : ']')) {
			j->i++;
			return true;
		}
		return fail(j, obj ? "an object does not end" : "an array does not end");
	}
}

static bool value(struct jp *j, struct cr_jv *v, int depth)
{
	if (depth > CR_JSON_MAX_DEPTH)
		return fail(j, "nested too deep");
	if (++j->values > CR_JSON_MAX_VALUES)
		return fail(j, "too many values");
	ws(j);
	if (j->i >= j->n)
		return fail(j, "the text ends where a value should be");
	switch (j->p[j->i]) {
	case '{':
		return container(j, v, depth, true);
	case '[':
		return container(j, v, depth, false);
	case '"':
		v->k = J_STR;
		return str(j, &v->s, &v->slen);
	case 't':
		v->k = J_TRUE;
		return lit(j, "true");
	case 'f':
		v->k = J_FALSE;
		return lit(j, "false");
	case 'n':
		v->k = J_NULL;
		return lit(j, "null");
	default:
		return num(j, v);
	}
}

struct cr_jv *cr_json_parse(const uint8_t *p, size_t n, const char **why)
{
	struct jp j = {.p = p, .n = n};
	if (n >= 3 && p[0] == 0xef && p[1] == 0xbb && p[2] == 0xbf)
		j.i = 3;	/* JSON.parse of a file read by npm: the BOM is stripped first */
	struct cr_jv *v = calloc(1, sizeof *v);
	if (!v) {
		*why = "out of memory";
		return NULL;
	}
	bool ok = value(&j, v, 0);
	if (ok) {
		ws(&j);
		if (j.i != j.n)
			ok = fail(&j, "text after the value");
	}
	if (!ok) {
		*why = j.why ? j.why : "not JSON";
		cr_json_free(v);
		return NULL;
	}
	*why = "";
	return v;
}

void cr_json_free(struct cr_jv *v)
{
	if (!v)
		return;
	clear(v);
	free(v);
}

const struct cr_jv *cr_json_get(const struct cr_jv *obj, const char *key)
{
	if (!obj || obj->k != J_OBJ)
		return NULL;
	size_t kl = strlen(key);
	for (size_t i = obj->n; i-- > 0;)
		if (obj->keylen[i] == kl && memcmp(obj->key[i], key, kl) == 0)
			return &obj->v[i];
	return NULL;
}

/* The index of the value obj holds for key k (the last of repeats), or obj->n. */
static size_t index_of(const struct cr_jv *obj, const char *k, size_t kl)
{
	for (size_t i = obj->n; i-- > 0;)
		if (obj->keylen[i] == kl && memcmp(obj->key[i], k, kl) == 0)
			return i;
	return obj->n;
}

bool cr_json_equal(const struct cr_jv *a, const struct cr_jv *b)
{
	if (!a || !b || a->k != b->k)
		return a == b;
	switch (a->k) {
	case J_NUM:
	case J_STR:
		return a->slen == b->slen && memcmp(a->s, b->s, a->slen) == 0;
	case J_ARR:
		if (a->n != b->n)
			return false;
		for (size_t i = 0; i < a->n; i++)
			if (!cr_json_equal(&a->v[i], &b->v[i]))
				return false;
		return true;
	case J_OBJ:
		/* Every key's final value on each side must be the other side's. */
		for (int side = 0; side < 2; side++) {
			const struct cr_jv *x = side ? b : a, *y = side ? a : b;
			for (size_t i = 0; i < x->n; i++) {
				if (index_of(x, x->key[i], x->keylen[i]) != i)
					continue;	/* an earlier repeat: not what a reader sees */
				size_t k = index_of(y, x->key[i], x->keylen[i]);
				if (k == y->n || !cr_json_equal(&x->v[i], &y->v[k]))
					return false;
			}
		}
		return true;
	default:
		return true;
	}
}
