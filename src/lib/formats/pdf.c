/*
 * pdf.c - PDF as viewers read it: every object, whatever the
 * cross-reference tables say.
 *
 * Readers recover damaged files by scanning for "N G obj", and an
 * attacker's incremental update or an object the xref table does not
 * list is still read by some viewer.  So this walker ignores the xref
 * tables and reads every "N G obj ... endobj" in the file, every
 * revision included, then every object inside each object stream
 * (/Type /ObjStm, decoded through its filters).  Values are parsed into a
 * small tree (names with #xx escapes decoded, strings, arrays,
 * dictionaries, references), bounded in depth and size.
 *
 *  - doc.pdf-active: the names /JavaScript, /JS, /Launch, /RichMedia,
 *    /XFA, /SubmitForm, /ImportData, /GoToR, /GoToE anywhere in an
 *    object (not in strings or content streams).  An /OpenAction or /AA
 *    whose action is a /URI (inline, or the object it refers to) is low:
 *    the viewer opens a link by itself.  /GoTo and named destinations
 *    are not findings;
 *  - embedded files (/Type /EmbeddedFile streams) are decoded and scanned
 *    as children, named by the /UF or /F of the file specification that
 *    points at them; doc.embedded, low;
 *  - /Encrypt: strings and streams are encrypted; container.encrypted.
 *    (Decrypting with the empty user password is not done yet: the
 *    dictionaries, which are not encrypted, are still judged.)
 *
 * Decoded bytes are charged to the expansion budget; every stream has an
 * output cap.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../codec/pdf_crypt.h"
#include "../codec/pdf_filters.h"
#include "format.h"

#define MAX_PDF (256ull << 20)
#define STREAM_CAP (64u << 20)
#define MAX_DEPTH 64
#define MAX_ITEMS (1u << 20)	/* values per object */
#define ARENA_MAX (64u << 20)	/* memory for one object's values: a larger one is not read, and said so */

enum vk { V_NULL, V_NUM, V_NAME, V_STR, V_REF, V_ARRAY, V_DICT, V_KW };

struct val {
	enum vk k;
	long num;
	uint32_t gen;
	char *s;		/* name (decoded) or string bytes, NUL-terminated */
	size_t slen;
	struct val *items;	/* array items, or dict key/value pairs (2n) */
	size_t n;
};

/* A bump allocator per object: the tree is freed at once.  Not zeroed whole (an object costs no 8 KiB memset): arena_init sets what is read. */
struct arena {
	size_t nblocks, used, size;
	size_t total;
	char *blocks[1024];	/* 64 KiB blocks or larger: ARENA_MAX fits */
};

static void arena_init(struct arena *a) { a->nblocks = a->used = a->size = a->total = 0; }

static void *arena_alloc(struct arena *a, size_t n)
{
	n = (n + 15) & ~(size_t)15;
	if (a->nblocks == 0 || a->used + n > a->size) {
		size_t sz = n > 65536 ? n : 65536;
		if (a->nblocks == sizeof a->blocks / sizeof a->blocks[0] || a->total + sz > ARENA_MAX)
			return NULL;
		char *b = malloc(sz);
		if (!b)
			return NULL;
		a->blocks[a->nblocks++] = b;
		a->used = 0;
		a->size = sz;
		a->total += sz;
	}
	void *p = a->blocks[a->nblocks - 1] + a->used;
	a->used += n;
	return p;
}

static void arena_free(struct arena *a)
{
	for (size_t i = 0; i < a->nblocks; i++)
		free(a->blocks[i]);
	a->nblocks = a->used = a->size = a->total = 0;
}

/*
 * A short needle in p[0, n): memchr (vectorised) for its first byte, then a
 * compare.  glibc's memmem sets up a two-way search on every call, which
 * costs more than the search itself for "obj" and "endstream".
 */
static const uint8_t *find(const uint8_t *p, size_t n, const char *needle, size_t m)
{
	const uint8_t *end = p + n;
	while (n >= m) {
		const uint8_t *c = memchr(p, needle[0], n - m + 1);
		if (!c)
			return NULL;
		if (memcmp(c + 1, needle + 1, m - 1) == 0)
			return c;
		p = c + 1;
		n = (size_t)(end - p);
	}
	return NULL;
}

static bool is_ws(int c) { return c == 0 || c == 9 || c == 10 || c == 12 || c == 13 || c == 32; }
static bool is_delim(int c) { return c == '(' || c == ')' || c == '<' || c == '>' || c == '[' || c == ']' || c == '{' || c == '}' || c == '/' || c == '%'; }

struct lex {
	const uint8_t *p;
	size_t n, i;
	struct arena *a;
	size_t items;
	bool fail;
};

static void skip_ws(struct lex *l)
{
	while (l->i < l->n) {
		if (is_ws(l->p[l->i])) {
			l->i++;
		} else if (l->p[l->i] == '%') {
			while (l->i < l->n && l->p[l->i] != '\n' && l->p[l->i] != '\r')
				l->i++;
		} else {
			break;
		}
	}
}

static int hexv(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c |= 0x20;
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

static char *take(struct lex *l, const uint8_t *s, size_t n)
{
	char *d = arena_alloc(l->a, n + 1);
	if (!d) {
		l->fail = true;
		return NULL;
	}
	memcpy(d, s, n);
	d[n] = '\0';
	return d;
}

static bool parse_val(struct lex *l, struct val *v, int depth);

/* A name: '/' then regular characters, #xx decoded (the escape that hides /J#61vaScript). */
static void parse_name(struct lex *l, struct val *v)
{
	size_t s = ++l->i;
	while (l->i < l->n && !is_ws(l->p[l->i]) && !is_delim(l->p[l->i]))
		l->i++;
	size_t len = l->i - s;
	char *d = arena_alloc(l->a, len + 1);
	if (!d) {
		l->fail = true;
		return;
	}
	size_t k = 0;
	for (size_t j = s; j < l->i; j++) {
		if (l->p[j] == '#' && j + 2 < l->i && hexv(l->p[j + 1]) >= 0 && hexv(l->p[j + 2]) >= 0) {
			d[k++] = (char)(hexv(l->p[j + 1]) << 4 | hexv(l->p[j + 2]));
			j += 2;
		} else {
			d[k++] = (char)l->p[j];
		}
	}
	d[k] = '\0';
	*v = (struct val){.k = V_NAME, .s = d, .slen = k};
}

static void parse_string(struct lex *l, struct val *v)
{
	/* (literal) with nesting and escapes.  First its end, so the copy takes what it needs. */
	size_t s = ++l->i, e = s;
	for (int nest = 1; e < l->n; e++) {
		if (l->p[e] == '\\') {
			e++;
			continue;
		}
		if (l->p[e] == '(')
			nest++;
		else if (l->p[e] == ')' && --nest == 0)
			break;
	}
	size_t room = e - s + 1;
	char *d = arena_alloc(l->a, room);
	if (!d) {
		l->fail = true;
		return;
	}
	size_t k = 0;
	while (l->i < e && l->i < l->n) {
		uint8_t c = l->p[l->i++];
		if (c == '\\' && l->i < l->n) {
			uint8_t x = l->p[l->i++];
			c = x == 'n' ? '\n' : x == 'r' ? '\r' : x == 't' ? '\t' : x;
		}
		if (k + 1 < room)
			d[k++] = (char)c;
	}
	if (l->i < l->n)
		l->i++;	/* the closing parenthesis */
	d[k] = '\0';
	*v = (struct val){.k = V_STR, .s = d, .slen = k};
}

static void parse_hexstring(struct lex *l, struct val *v)
{
	size_t s = ++l->i, k = 0;
	const uint8_t *e = memchr(l->p + s, '>', l->n - s);
	size_t end = e ? (size_t)(e - l->p) : l->n;
	char *d = arena_alloc(l->a, (end - s) / 2 + 2);
	if (!d) {
		l->fail = true;
		return;
	}
	int hi = -1;
	for (size_t j = s; j < end; j++) {
		int h = hexv(l->p[j]);
		if (h < 0)
			continue;
		if (hi < 0) {
			hi = h;
		} else {
			d[k++] = (char)(hi << 4 | h);
			hi = -1;
		}
	}
	if (hi >= 0)
		d[k++] = (char)(hi << 4);
	d[k] = '\0';
	l->i = end < l->n ? end + 1 : end;
	*v = (struct val){.k = V_STR, .s = d, .slen = k};
}

/* Items of an array or a dictionary, up to the closing token; grown in the arena. */
static bool parse_items(struct lex *l, struct val *v, int depth, bool dict)
{
	size_t cap = 8, n = 0;
	struct val *it = arena_alloc(l->a, cap * sizeof *it);
	if (!it)
		return !(l->fail = true);
	for (;;) {
		skip_ws(l);
		if (l->i >= l->n)
			break;
		if (dict && l->i + 1 < l->n && l->p[l->i] == '>' && l->p[l->i + 1] == '>') {
			l->i += 2;
			break;
		}
		if (!dict && l->p[l->i] == ']') {
			l->i++;
			break;
		}
		if (n == cap) {
			struct val *ni = arena_alloc(l->a, 2 * cap * sizeof *ni);
			if (!ni)
				return !(l->fail = true);
			memcpy(ni, it, n * sizeof *it);
			it = ni;
			cap *= 2;
		}
		size_t before = l->i;
		if (!parse_val(l, &it[n], depth + 1) || l->i == before)
			break;
		/* "N G R" inside: three values become one reference. */
		if (n >= 2 && it[n].k == V_KW && !strcmp(it[n].s, "R") && it[n - 1].k == V_NUM && it[n - 2].k == V_NUM) {
			it[n - 2] = (struct val){.k = V_REF, .num = it[n - 2].num, .gen = (uint32_t)it[n - 1].num};
			n -= 1;
			continue;
		}
		n++;
		if (++l->items > MAX_ITEMS)
			return !(l->fail = true);
	}
	*v = (struct val){.k = dict ? V_DICT : V_ARRAY, .items = it, .n = dict ? n / 2 : n};
	return true;
}

static bool parse_val(struct lex *l, struct val *v, int depth)
{
	*v = (struct val){.k = V_NULL};
	skip_ws(l);
	if (l->i >= l->n || l->fail || depth > MAX_DEPTH)
		return false;
	uint8_t c = l->p[l->i];
	if (c == '/') {
		parse_name(l, v);
	} else if (c == '(') {
		parse_string(l, v);
	} else if (c == '<' && l->i + 1 < l->n && l->p[l->i + 1] == '<') {
		l->i += 2;
		return parse_items(l, v, depth, true);
	} else if (c == '<') {
		parse_hexstring(l, v);
	} else if (c == '[') {
		l->i++;
		return parse_items(l, v, depth, false);
	} else if ((c >= '0' && c <= '9') || c == '-' || c == '+' || c == '.') {
		size_t s = l->i;
		while (l->i < l->n && !is_ws(l->p[l->i]) && !is_delim(l->p[l->i]))
			l->i++;
		char tmp[32];
		size_t k = l->i - s < sizeof tmp - 1 ? l->i - s : sizeof tmp - 1;
		memcpy(tmp, l->p + s, k);
		tmp[k] = '\0';
		*v = (struct val){.k = V_NUM, .num = strtol(tmp, NULL, 10)};
	} else if (c == ')' || c == '>' || c == ']' || c == '}' || c == '{') {
		l->i++;	/* stray delimiter: skipped as readers do */
		*v = (struct val){.k = V_NULL};
	} else {
		size_t s = l->i;
		while (l->i < l->n && !is_ws(l->p[l->i]) && !is_delim(l->p[l->i]))
			l->i++;
		*v = (struct val){.k = V_KW, .s = take(l, l->p + s, l->i - s), .slen = l->i - s};
		if (!v->s)
			return false;
	}
	return !l->fail;
}

static const struct val *dget(const struct val *d, const char *key)
{
	if (!d || d->k != V_DICT)
		return NULL;
	for (size_t i = 0; i < d->n; i++)
		if (d->items[2 * i].k == V_NAME && !strcmp(d->items[2 * i].s, key))
			return &d->items[2 * i + 1];
	return NULL;
}

static bool is_name(const struct val *v, const char *s) { return v && v->k == V_NAME && !strcmp(v->s, s); }

/* --- the document's facts ----------------------------------------------- */

static const char *const active_names[] = {"JavaScript", "JS", "Launch", "RichMedia", "XFA", "SubmitForm",
					   "ImportData", "GoToR", "GoToE", NULL};

struct embedded {
	uint32_t num;
	uint8_t *data;
	size_t len;
};

struct pdf {
	struct cr_walk *w;
	uint32_t active;		/* bit per active_names[] */
	char active_where[64];
	bool encrypted;
	/* automatic actions: inline /URI, or references to check against the URI objects */
	bool auto_uri;
	uint32_t *auto_refs;
	size_t nauto, cauto;
	uint32_t *uri_objs;
	size_t nuri, curi;
	/* embedded files and the names their file specifications give them */
	struct embedded *emb;
	size_t nemb, cemb;
	struct {
		uint32_t num;
		char name[256];
	} *names;
	size_t nnames, cnames;
	unsigned nobjects, nobjstm;
	bool nomem, broken_stream;
	unsigned unread;		/* objects too large to parse */
	char undecoded[64];		/* a filter an object stream or an embedded file needed that is not decoded here */
	/* encryption: what /Encrypt and /ID say (collected first), and the key when the empty password opens it */
	bool collecting;
	struct cr_pdf_encrypt enc;
	bool have_id;
	bool enc_named, enc_conflict;	/* a trailer named an /Encrypt; two named different ones */
	uint32_t enc_ref;		/* the object it names (0: inline) */
	struct {
		uint32_t num;
		struct cr_pdf_encrypt e;
	} cand[16];			/* standard-handler dictionaries seen, by object */
	size_t ncand;
	struct cr_pdf_crypt crypt;
	bool decrypting;
};

#define PUSH(arr, n, c, v)                                                  \
	do {                                                                \
		if ((n) == (c)) {                                           \
			size_t nc_ = (c) ? (c) * 2 : 16;                    \
			void *np_ = realloc((arr), nc_ * sizeof *(arr));    \
			if (!np_) {                                         \
				x->nomem = true;                            \
				break;                                      \
			}                                                   \
			(arr) = np_;                                        \
			(c) = nc_;                                          \
		}                                                           \
		(arr)[(n)++] = (v);                                         \
	} while (0)

static void copy_bytes(uint8_t *dst, size_t room, size_t *len, const struct val *v)
{
	if (!v || v->k != V_STR)
		return;
	*len = v->slen < room ? v->slen : room;
	memcpy(dst, v->s, *len);
}

/* A standard security handler's dictionary: what the key derivation needs. */
static void enc_fields(const struct val *v, struct cr_pdf_encrypt *enc)
{
	const struct val *q;
	enc->v = (q = dget(v, "V")) && q->k == V_NUM ? (int)q->num : 0;
	enc->r = (q = dget(v, "R")) && q->k == V_NUM ? (int)q->num : 0;
	enc->length_bits = (q = dget(v, "Length")) && q->k == V_NUM ? (int)q->num : 40;
	enc->p = (q = dget(v, "P")) && q->k == V_NUM ? (int32_t)q->num : 0;
	q = dget(v, "EncryptMetadata");
	enc->encrypt_metadata = !(q && q->k == V_KW && !strcmp(q->s, "false"));
	copy_bytes(enc->o, sizeof enc->o, &enc->ol, dget(v, "O"));
	copy_bytes(enc->u, sizeof enc->u, &enc->ul, dget(v, "U"));
	copy_bytes(enc->ue, sizeof enc->ue, &enc->uel, dget(v, "UE"));
	/* R4's crypt filter: /CF << /StdCF << /CFM /AESV2 >> >> */
	const struct val *cf = dget(v, "CF");
	for (size_t i = 0; cf && cf->k == V_DICT && i < cf->n; i++)
		if (is_name(dget(&cf->items[2 * i + 1], "CFM"), "AESV2"))
			enc->aes = true;
}

/*
 * The /Encrypt dictionary the trailers name, and the first /ID.  Only the
 * dictionary a trailer (or an xref stream's dictionary) points at counts:
 * a decoy standard-handler dictionary that the empty password opens must
 * not stand in for the real one, which may need a password.  Trailers that
 * name different dictionaries leave the file undecrypted.
 */
static void collect(struct pdf *x, const struct val *v, uint32_t num, int depth)
{
	if (depth > MAX_DEPTH || (v->k != V_DICT && v->k != V_ARRAY))
		return;
	if (v->k == V_ARRAY) {
		for (size_t i = 0; i < v->n; i++)
			collect(x, &v->items[i], num, depth + 1);
		return;
	}
	const struct val *id = dget(v, "ID"), *e = dget(v, "Encrypt");
	if (e && id && id->k == V_ARRAY && id->n >= 1 && id->items[0].k == V_STR && !x->have_id) {
		copy_bytes(x->enc.id, sizeof x->enc.id, &x->enc.idl, &id->items[0]);
		x->have_id = true;
	}
	if (e && (e->k == V_REF || e->k == V_DICT)) {
		/* Inline: reference 0 stands for "this trailer's own dictionary". */
		uint32_t ref = e->k == V_REF ? (uint32_t)e->num : 0;
		if (x->enc_named && x->enc_ref != ref)
			x->enc_conflict = true;
		x->enc_named = true;
		x->enc_ref = ref;
		if (e->k == V_DICT && is_name(dget(e, "Filter"), "Standard") && x->ncand < 16) {
			x->cand[x->ncand].num = 0;
			enc_fields(e, &x->cand[x->ncand++].e);
		}
	}
	if (num && is_name(dget(v, "Filter"), "Standard") && dget(v, "O") && dget(v, "U") && x->ncand < 16) {
		x->cand[x->ncand].num = num;
		enc_fields(v, &x->cand[x->ncand++].e);
	}
}

/* The dictionary the trailers name, when they agree and it was found. */
static bool encrypt_dict(struct pdf *x)
{
	if (!x->enc_named || x->enc_conflict)
		return false;
	for (size_t i = 0; i < x->ncand; i++)
		if (x->cand[i].num == x->enc_ref) {
			uint8_t id[64];
			size_t idl = x->enc.idl;
			memcpy(id, x->enc.id, sizeof id);
			x->enc = x->cand[i].e;
			memcpy(x->enc.id, id, sizeof id);
			x->enc.idl = idl;
			return true;
		}
	return false;
}

/* Every name in the value, and what its dictionaries say. */
static void judge(struct pdf *x, const struct val *v, uint32_t num, const char *where, int depth)
{
	if (depth > MAX_DEPTH)
		return;
	if (v->k == V_NAME) {
		for (unsigned k = 0; active_names[k]; k++)
			if (!strcmp(v->s, active_names[k]) && !(x->active & (1u << k))) {
				if (!x->active)
					snprintf(x->active_where, sizeof x->active_where, "%s", where);
				x->active |= 1u << k;
			}
		return;
	}
	if (v->k == V_ARRAY) {
		for (size_t i = 0; i < v->n; i++)
			judge(x, &v->items[i], num, where, depth + 1);
		return;
	}
	if (v->k != V_DICT)
		return;
	for (size_t i = 0; i < v->n; i++) {
		judge(x, &v->items[2 * i], num, where, depth + 1);
		judge(x, &v->items[2 * i + 1], num, where, depth + 1);
	}
	if (dget(v, "Encrypt"))
		x->encrypted = true;
	if (is_name(dget(v, "S"), "URI") && num)
		PUSH(x->uri_objs, x->nuri, x->curi, num);
	/* Automatic actions: /OpenAction, and each trigger of /AA. */
	const struct val *oa = dget(v, "OpenAction"), *aa = dget(v, "AA");
	const struct val *acts[64];
	size_t na = 0;
	if (oa)
		acts[na++] = oa;
	if (aa && aa->k == V_DICT)
		for (size_t i = 0; i < aa->n && na < 64; i++)
			acts[na++] = &aa->items[2 * i + 1];
	for (size_t i = 0; i < na; i++) {
		if (acts[i]->k == V_DICT && is_name(dget(acts[i], "S"), "URI"))
			x->auto_uri = true;
		else if (acts[i]->k == V_REF)
			PUSH(x->auto_refs, x->nauto, x->cauto, (uint32_t)acts[i]->num);
	}
	/* A file specification: the name its embedded file goes by. */
	const struct val *ef = dget(v, "EF");
	if (ef && ef->k == V_DICT) {
		const struct val *fn = dget(v, "UF");
		if (!fn || fn->k != V_STR)
			fn = dget(v, "F");
		for (size_t i = 0; i < ef->n; i++) {
			const struct val *r = &ef->items[2 * i + 1];
			if (r->k != V_REF || x->nnames >= 100000)
				continue;
			if (x->nnames == x->cnames) {
				size_t nc = x->cnames ? x->cnames * 2 : 16;
				void *np = realloc(x->names, nc * sizeof *x->names);
				if (!np) {
					x->nomem = true;
					return;
				}
				x->names = np;
				x->cnames = nc;
			}
			x->names[x->nnames].num = (uint32_t)r->num;
			/* UTF-16BE names (a BOM) keep their ASCII letters. */
			size_t k = 0;
			const uint8_t *fs = fn && fn->k == V_STR ? (const uint8_t *)fn->s : NULL;
			size_t fl = fs ? fn->slen : 0;
			uint8_t *dec = NULL;
			if (fs && x->decrypting) {
				/* Strings are encrypted with their object's key (generation 0 assumed, as writers give). */
				dec = cr_pdf_crypt_decrypt(&x->crypt, num, 0, fs, fl, &fl);
				fs = dec;
			}
			for (size_t j = 0; fs && j < fl && k + 1 < sizeof x->names[0].name; j++) {
				unsigned char ch = fs[j];
				if (ch >= 0x20 && ch != 0x7f && ch != 0xfe && ch != 0xff)
					x->names[x->nnames].name[k++] = (char)ch;
			}
			free(dec);
			x->names[x->nnames].name[k] = '\0';
			x->nnames++;
		}
	}
}

/* A stream's data decoded through its /Filter chain. */
static uint8_t *decode_stream(struct pdf *x, const struct val *dict, const uint8_t *p, size_t n, size_t *outlen)
{
	const struct val *f = dget(dict, "Filter"), *dp = dget(dict, "DecodeParms");
	const struct val *fs[8];
	const struct val *ps[8];
	size_t nf = 0;
	if (f && f->k == V_NAME) {
		fs[nf] = f;
		ps[nf++] = dp;
	} else if (f && f->k == V_ARRAY) {
		for (size_t i = 0; i < f->n && nf < 8; i++) {
			fs[nf] = &f->items[i];
			ps[nf++] = dp && dp->k == V_ARRAY && i < dp->n ? &dp->items[i] : NULL;
		}
	}
	uint8_t *cur = malloc(n ? n : 1);
	if (!cur) {
		x->nomem = true;
		return NULL;
	}
	memcpy(cur, p, n);
	size_t len = n;
	for (size_t i = 0; i < nf; i++) {
		if (fs[i]->k != V_NAME)
			break;
		enum cr_pdf_filter pf = cr_pdf_filter_named(fs[i]->s);
		if (pf == PF_UNSUPPORTED) {
			/*
			 * Image codecs (DCT, JBIG2, JPX, CCITT) and unknown names: a viewer
			 * extracting the file would decode them; what they hide is not seen.
			 */
			if (!x->undecoded[0])
				snprintf(x->undecoded, sizeof x->undecoded, "%.60s", fs[i]->s);
			free(cur);
			return NULL;
		}
		struct cr_pdf_parms pp = {.predictor = 1, .colors = 1, .bpc = 8, .columns = 1, .early = 1};
		const struct val *q;
		if ((q = dget(ps[i], "Predictor")) && q->k == V_NUM)
			pp.predictor = (int)q->num;
		if ((q = dget(ps[i], "Colors")) && q->k == V_NUM)
			pp.colors = (int)q->num;
		if ((q = dget(ps[i], "BitsPerComponent")) && q->k == V_NUM)
			pp.bpc = (int)q->num;
		if ((q = dget(ps[i], "Columns")) && q->k == V_NUM)
			pp.columns = (int)q->num;
		if ((q = dget(ps[i], "EarlyChange")) && q->k == V_NUM)
			pp.early = (int)q->num;
		uint8_t *out;
		size_t ol;
		enum cr_pdf_dec d = cr_pdf_decode(pf, &pp, cur, len, STREAM_CAP, &out, &ol);
		free(cur);
		if (d == PDEC_NOMEM) {
			free(out);
			x->nomem = true;
			return NULL;
		}
		if (d == PDEC_BROKEN)
			x->broken_stream = true;
		if (!cr_count_expanded(x->w->s, ol, &x->w->ratio)) {
			free(out);
			return NULL;
		}
		cur = out;
		len = ol;
		if (!cur)
			return NULL;
	}
	*outlen = len;
	return cur;
}

static void object(struct pdf *x, const uint8_t *p, size_t n, uint32_t num, uint32_t gen, const char *where,
		   bool in_objstm);

/* The objects of an object stream: N pairs "number offset", then the objects from /First. */
static void objstm(struct pdf *x, const struct val *dict, const uint8_t *d, size_t len, uint32_t num)
{
	const struct val *nv = dget(dict, "N"), *fv = dget(dict, "First");
	if (!nv || !fv || nv->k != V_NUM || fv->k != V_NUM || fv->num < 0 || (size_t)fv->num > len || nv->num < 0)
		return;
	x->nobjstm++;
	struct arena a;
	arena_init(&a);
	struct lex l = {.p = d, .n = (size_t)fv->num, .a = &a};
	long count = nv->num < 1000000 ? nv->num : 1000000;
	uint32_t *nums = malloc((size_t)count * sizeof *nums + 1);
	size_t *offs = malloc((size_t)count * sizeof *offs + 1);
	long got = 0;
	if (!nums || !offs) {
		x->nomem = true;
		goto out;
	}
	for (; got < count; got++) {
		struct val a1, a2;
		if (!parse_val(&l, &a1, 0) || !parse_val(&l, &a2, 0) || a1.k != V_NUM || a2.k != V_NUM || a2.num < 0)
			break;
		nums[got] = (uint32_t)a1.num;
		offs[got] = (size_t)a2.num;
	}
	char w[64];
	snprintf(w, sizeof w, "object stream %u", num);
	for (long i = 0; i < got && !cr_walk_stopped(x->w); i++) {
		size_t s = (size_t)fv->num + offs[i];
		if (s >= len)
			continue;
		size_t e = i + 1 < got && (size_t)fv->num + offs[i + 1] > s && (size_t)fv->num + offs[i + 1] <= len
				   ? (size_t)fv->num + offs[i + 1]
				   : len;
		object(x, d + s, e - s, nums[i], 0, w, true);
	}
out:
	free(nums);
	free(offs);
	arena_free(&a);
}

/* One object's body (after "obj"): its value, and its stream if one follows. */
static void object(struct pdf *x, const uint8_t *p, size_t n, uint32_t num, uint32_t gen, const char *where,
		   bool in_objstm)
{
	struct arena a;
	arena_init(&a);
	struct lex l = {.p = p, .n = n, .a = &a};
	struct val v;
	x->nobjects++;
	bool ok = parse_val(&l, &v, 0);
	if (l.fail && !x->collecting)
		x->unread++;	/* past ARENA_MAX or MAX_ITEMS: not all of it judged, and the report says so */
	if (!ok) {
		arena_free(&a);
		return;
	}
	if (x->collecting) {
		collect(x, &v, num, 0);
		arena_free(&a);
		return;
	}
	judge(x, &v, num, where, 0);
	if (v.k == V_DICT && !in_objstm) {
		skip_ws(&l);
		if (l.i + 6 <= n && !memcmp(p + l.i, "stream", 6)) {
			size_t s = l.i + 6;
			if (s < n && p[s] == '\r')
				s++;
			if (s < n && p[s] == '\n')
				s++;
			/* /Length when it lands on "endstream"; else up to the keyword, as readers recover. */
			const struct val *lv = dget(&v, "Length");
			size_t e = n;
			const uint8_t *es = s < n ? find(p + s, n - s, "endstream", 9) : NULL;
			if (es)
				e = (size_t)(es - p);
			if (lv && lv->k == V_NUM && lv->num >= 0 && (size_t)lv->num <= n - s) {
				size_t k = s + (size_t)lv->num;
				while (k < n && is_ws(p[k]))
					k++;
				if (k + 9 <= n && !memcmp(p + k, "endstream", 9))
					e = s + (size_t)lv->num;
			}
			while (e > s && (p[e - 1] == '\n' || p[e - 1] == '\r') && !(lv && lv->k == V_NUM && (size_t)lv->num == e - s))
				e--;
			bool is_objstm = is_name(dget(&v, "Type"), "ObjStm");
			bool is_emb = is_name(dget(&v, "Type"), "EmbeddedFile");
			if ((is_objstm || is_emb) && (!x->encrypted || x->decrypting)) {
				size_t dl = 0, cl = e - s;
				const uint8_t *raw = p + s;
				uint8_t *clear = NULL;
				if (x->decrypting) {
					clear = cr_pdf_crypt_decrypt(&x->crypt, num, gen, raw, cl, &cl);
					if (!clear) {
						x->broken_stream = true;
						arena_free(&a);
						return;
					}
					raw = clear;
				}
				uint8_t *d = decode_stream(x, &v, raw, cl, &dl);
				free(clear);
				if (d && is_objstm) {
					objstm(x, &v, d, dl, num);
					free(d);
				} else if (d) {
					struct embedded em = {.num = num, .data = d, .len = dl};
					size_t before = x->nemb;
					PUSH(x->emb, x->nemb, x->cemb, em);
					if (x->nemb == before)
						free(d);
				}
			}
		}
	}
	arena_free(&a);
}

/* "N G obj": the number and generation before the keyword at p[k]. */
static bool obj_header(const uint8_t *p, size_t k, uint32_t *num, uint32_t *gen)
{
	size_t i = k;
	while (i > 0 && is_ws(p[i - 1]))
		i--;
	size_t ge = i;
	while (i > 0 && p[i - 1] >= '0' && p[i - 1] <= '9')
		i--;
	if (i == ge || i == 0 || !is_ws(p[i - 1]) || ge - i > 5)
		return false;
	unsigned long g = 0;
	for (size_t j = i; j < ge; j++)
		g = g * 10 + (p[j] - '0');
	*gen = (uint32_t)g;
	while (i > 0 && is_ws(p[i - 1]))
		i--;
	size_t ne = i;
	while (i > 0 && p[i - 1] >= '0' && p[i - 1] <= '9')
		i--;
	if (i == ne || ne - i > 10)
		return false;
	unsigned long v = 0;
	for (size_t j = i; j < ne; j++)
		v = v * 10 + (p[j] - '0');
	*num = (uint32_t)v;
	return true;
}

/* Every "N G obj ... endobj" of the file, in order. */
static void scan_objects(struct pdf *x, const uint8_t *p, size_t n)
{
	for (size_t i = 0; i + 3 <= n && !cr_walk_stopped(x->w) && !x->nomem;) {
		const uint8_t *k = find(p + i, n - i, "obj", 3);
		if (!k)
			break;
		size_t at = (size_t)(k - p);
		i = at + 3;
		uint32_t num, gen;
		if ((at + 3 < n && !is_ws(p[at + 3]) && !is_delim(p[at + 3])) || !obj_header(p, at, &num, &gen))
			continue;
		const uint8_t *end = find(p + i, n - i, "endobj", 6);
		size_t e = end ? (size_t)(end - p) : n;
		/* A stream may hold "endobj" in its data: the stream's own end keyword decides. */
		const uint8_t *st = find(p + i, e - i, "stream", 6);
		if (st) {
			const uint8_t *es = find(st, n - (size_t)(st - p), "endstream", 9);
			if (es && (size_t)(es - p) > e) {
				end = find(es, n - (size_t)(es - p), "endobj", 6);
				e = end ? (size_t)(end - p) : n;
			}
		}
		char where[48];
		snprintf(where, sizeof where, "object %u", num);
		object(x, p + i, e - i, num, gen, where, false);
		i = e;
	}
}

static void walk_pdf(struct cr_walk *w)
{
	const struct cr_obj *o = w->o;
	struct cr_scan *s = w->s;
	uint8_t *own;
	const uint8_t *p = cr_walk_whole(w, MAX_PDF, "PDF", &own);
	if (!p)
		return;
	size_t n = (size_t)o->view->size;
	struct pdf x = {.w = w};
	/* Trailers first: /Encrypt decides whether streams can be decoded. */
	for (const uint8_t *t = p; (t = find(t, n - (size_t)(t - p), "/Encrypt", 8)) != NULL; t += 8)
		if (t + 8 < p + n && (is_ws(t[8]) || is_delim(t[8]))) {
			x.encrypted = true;
			break;
		}
	if (x.encrypted) {
		/* First the /Encrypt dictionary and /ID (in an object, a trailer or an xref stream's dictionary). */
		x.collecting = true;
		scan_objects(&x, p, n);
		for (const uint8_t *t = p; (t = find(t, n - (size_t)(t - p), "trailer", 7)) != NULL; t += 7) {
			struct arena ta;
			arena_init(&ta);
			struct lex l = {.p = t + 7, .n = n - (size_t)(t + 7 - p), .a = &ta};
			struct val v;
			if (parse_val(&l, &v, 0))
				collect(&x, &v, 0, 0);
			arena_free(&ta);
		}
		x.collecting = false;
		/* The empty user password opens it in every viewer without a prompt: read it as they do. */
		if (encrypt_dict(&x) && cr_pdf_crypt_open(&x.crypt, &x.enc))
			x.decrypting = true;
	}
	scan_objects(&x, p, n);
	if (x.nomem) {
		s->err = CRIBLE_ENOMEM;
		goto out;
	}
	if (x.active) {
		char list[200] = "";
		for (unsigned k = 0; active_names[k]; k++)
			if (x.active & (1u << k)) {
				size_t l = strlen(list);
				snprintf(list + l, sizeof list - l, "%s/%s", l ? ", " : "", active_names[k]);
			}
		cr_emit(s, F_DOC_PDF_ACTIVE, -1, "%s (first in %s)", list, x.active_where);
	}
	bool auto_uri = x.auto_uri;
	for (size_t i = 0; i < x.nauto && !auto_uri; i++)
		for (size_t j = 0; j < x.nuri; j++)
			if (x.auto_refs[i] == x.uri_objs[j]) {
				auto_uri = true;
				break;
			}
	if (auto_uri)
		cr_emit(s, F_DOC_PDF_ACTIVE, CRIBLE_SEV_LOW, "an /OpenAction or /AA opens a /URI by itself");
	if (x.encrypted && !x.decrypting)
		cr_emit(s, F_CONTAINER_ENCRYPTED, -1,
			"PDF encrypted (/Encrypt) with a user password: its streams and strings were not read");
	if (x.broken_stream)
		cr_emit(s, F_CONTAINER_CORRUPT, -1, "a stream that does not decode (what decoded was read)");
	if (x.undecoded[0])
		cr_emit(s, F_CONTAINER_UNINSPECTED, -1, "an object stream or embedded file behind the /%s filter: not decoded",
			x.undecoded);
	if (x.unread)
		cr_emit(s, F_CONTAINER_UNINSPECTED, -1, "%u object%s too large to parse (over %u MiB of values): not judged",
			x.unread, x.unread == 1 ? "" : "s", ARENA_MAX >> 20);
	for (size_t i = 0; i < x.nemb && !cr_walk_stopped(w); i++) {
		const char *name = NULL;
		for (size_t j = 0; j < x.nnames; j++)
			if (x.names[j].num == x.emb[i].num && x.names[j].name[0]) {
				name = x.names[j].name;
				break;
			}
		char made[48];
		snprintf(made, sizeof made, "embedded file %u", x.emb[i].num);
		struct cr_entry e = {.name = (const uint8_t *)(name ? name : made), .namelen = strlen(name ? name : made),
				     .kind = E_FILE, .flags = CR_E_COUNTED | (name ? 0 : CR_E_NAME_OURS)};
		cr_entry_note(&e, F_DOC_EMBEDDED, -1, "PDF embedded file");
		struct cr_src child = {.size = x.emb[i].len, .mem = x.emb[i].data, .fd = -1};
		cr_entry(w, &e, &child);
	}
out:
	for (size_t i = 0; i < x.nemb; i++)
		free(x.emb[i].data);
	free(x.emb);
	free(x.names);
	free(x.auto_refs);
	free(x.uri_objs);
	free(own);
}

static const enum cr_tid pdf_types[] = {T_PDF, T_UNKNOWN};
const struct cr_format cr_format_pdf = {.name = "pdf", .types = pdf_types, .walk = walk_pdf};
