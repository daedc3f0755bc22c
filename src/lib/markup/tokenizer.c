/*
 * tokenizer.c - the WHATWG HTML tokenizer (HTML standard §13.2.5).
 *
 * One function, run(), walks the state machine over the code points fed
 * so far.  Each state is written as the standard writes it, in its order:
 * a reader can hold this file against the standard and check it state by
 * state.  Parse errors are not reported: only what a browser builds from
 * them matters here.
 *
 * Three places look ahead: the markup declaration open state ("--",
 * "DOCTYPE", "[CDATA["), the after DOCTYPE name state ("PUBLIC",
 * "SYSTEM") and the named character reference state (up to 33 code
 * points).  When the code points they need have not arrived, run()
 * returns and the next feed resumes in the same state.
 */
#include "tokenizer.h"

#include <pthread.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct cr_entity {
	const char *name;
	uint32_t cp1, cp2;
};
#include "entities.h"

#define EOFC 0xFFFFFFFFu

enum {
	/* The first six are enum cr_tok_state. */
	DATA, RCDATA, RAWTEXT, SCRIPT, PLAINTEXT, CDATA_SECTION,
	TAG_OPEN, END_TAG_OPEN, TAG_NAME,
	RCDATA_LT, RCDATA_END_TAG_OPEN, RCDATA_END_TAG_NAME,
	RAWTEXT_LT, RAWTEXT_END_TAG_OPEN, RAWTEXT_END_TAG_NAME,
	SCRIPT_LT, SCRIPT_END_TAG_OPEN, SCRIPT_END_TAG_NAME,
	SCRIPT_ESCAPE_START, SCRIPT_ESCAPE_START_DASH, SCRIPT_ESCAPED, SCRIPT_ESCAPED_DASH,
	SCRIPT_ESCAPED_DASH_DASH, SCRIPT_ESCAPED_LT, SCRIPT_ESCAPED_END_TAG_OPEN, SCRIPT_ESCAPED_END_TAG_NAME,
	SCRIPT_DOUBLE_ESCAPE_START, SCRIPT_DOUBLE_ESCAPED, SCRIPT_DOUBLE_ESCAPED_DASH,
	SCRIPT_DOUBLE_ESCAPED_DASH_DASH, SCRIPT_DOUBLE_ESCAPED_LT, SCRIPT_DOUBLE_ESCAPE_END,
	BEFORE_ATTR_NAME, ATTR_NAME, AFTER_ATTR_NAME, BEFORE_ATTR_VALUE,
	ATTR_VALUE_DQ, ATTR_VALUE_SQ, ATTR_VALUE_UQ, AFTER_ATTR_VALUE_Q, SELF_CLOSING_START_TAG,
	BOGUS_COMMENT, MARKUP_DECL_OPEN,
	COMMENT_START, COMMENT_START_DASH, COMMENT, COMMENT_LT, COMMENT_LT_BANG, COMMENT_LT_BANG_DASH,
	COMMENT_LT_BANG_DASH_DASH, COMMENT_END_DASH, COMMENT_END, COMMENT_END_BANG,
	DOCTYPE, BEFORE_DOCTYPE_NAME, DOCTYPE_NAME, AFTER_DOCTYPE_NAME,
	AFTER_DOCTYPE_PUBLIC_KW, BEFORE_DOCTYPE_PUBLIC_ID, DOCTYPE_PUBLIC_ID_DQ, DOCTYPE_PUBLIC_ID_SQ,
	AFTER_DOCTYPE_PUBLIC_ID, BETWEEN_DOCTYPE_PUBLIC_SYSTEM,
	AFTER_DOCTYPE_SYSTEM_KW, BEFORE_DOCTYPE_SYSTEM_ID, DOCTYPE_SYSTEM_ID_DQ, DOCTYPE_SYSTEM_ID_SQ,
	AFTER_DOCTYPE_SYSTEM_ID, BOGUS_DOCTYPE,
	CDATA_SECTION_BRACKET, CDATA_SECTION_END,
	CHAR_REF, NAMED_CHAR_REF, AMBIGUOUS_AMP, NUMERIC_CHAR_REF,
	HEX_CHAR_REF_START, DEC_CHAR_REF_START, HEX_CHAR_REF, DEC_CHAR_REF, NUMERIC_CHAR_REF_END,
};

static bool is_ws(uint32_t c) { return c == '\t' || c == '\n' || c == '\f' || c == ' '; }
static bool is_upper(uint32_t c) { return c >= 'A' && c <= 'Z'; }
static bool is_lower(uint32_t c) { return c >= 'a' && c <= 'z'; }
static bool is_alpha(uint32_t c) { return is_upper(c) || is_lower(c); }
static bool is_digit(uint32_t c) { return c >= '0' && c <= '9'; }
static bool is_alnum(uint32_t c) { return is_alpha(c) || is_digit(c); }
static bool is_hex(uint32_t c) { return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }
static uint32_t to_lower(uint32_t c) { return is_upper(c) ? c + 32 : c; }

/* --- strings -------------------------------------------------------------- */

/* Room for the terminating NULs past max (see attr_new). */
#define SLACK 8

static bool str_room(struct cr_tok_str *s, size_t want)
{
	if (want <= s->cap)
		return true;
	size_t cap = s->cap ? s->cap : 64;
	while (cap < want)
		cap *= 2;
	if (cap > s->max + SLACK)
		cap = s->max + SLACK;
	if (cap < want)
		return false;
	char *p = realloc(s->p, cap);
	if (!p)
		return false;
	s->p = p;
	s->cap = cap;
	return true;
}

static void str_put_slow(struct cr_tok_str *s, uint32_t c);

/* Appends one code point as UTF-8 (a lone surrogate, from tests only, in three bytes). */
static inline void str_put(struct cr_tok_str *s, uint32_t c)
{
	if (c < 0x80 && s->len < s->cap && s->len < s->max) {
		s->p[s->len++] = (char)c;
		return;
	}
	str_put_slow(s, c);
}

static void str_put_slow(struct cr_tok_str *s, uint32_t c)
{
	char b[4];
	size_t n;
	if (c < 0x80) {
		b[0] = (char)c;
		n = 1;
	} else if (c < 0x800) {
		b[0] = (char)(0xc0 | c >> 6);
		b[1] = (char)(0x80 | (c & 0x3f));
		n = 2;
	} else if (c < 0x10000) {
		b[0] = (char)(0xe0 | c >> 12);
		b[1] = (char)(0x80 | (c >> 6 & 0x3f));
		b[2] = (char)(0x80 | (c & 0x3f));
		n = 3;
	} else {
		b[0] = (char)(0xf0 | c >> 18);
		b[1] = (char)(0x80 | (c >> 12 & 0x3f));
		b[2] = (char)(0x80 | (c >> 6 & 0x3f));
		b[3] = (char)(0x80 | (c & 0x3f));
		n = 4;
	}
	if (s->len + n > s->max || !str_room(s, s->len + n)) {
		s->cut = true;
		return;
	}
	memcpy(s->p + s->len, b, n);
	s->len += n;
}

/* Appends bytes already UTF-8; past the cap, as many as fit (a cut string is flagged). */
static void str_putb(struct cr_tok_str *s, const char *b, size_t n)
{
	if (s->len + n > s->max) {
		s->cut = true;
		n = s->max > s->len ? s->max - s->len : 0;
	}
	if (n == 0)
		return;
	if (!str_room(s, s->len + n)) {
		s->cut = true;
		return;
	}
	memcpy(s->p + s->len, b, n);
	s->len += n;
}

/*
 * Appends an input character: the input is UTF-8, so a byte (0..0xFF)
 * goes in as it is, and only what the tokenizer makes up (U+FFFD) is
 * encoded.
 */
static inline void str_in(struct cr_tok_str *s, uint32_t c)
{
	if (c > 0xFF) {
		str_put(s, c);
		return;
	}
	if (s->len < s->cap && s->len < s->max) {
		s->p[s->len++] = (char)c;
		return;
	}
	char b = (char)c;
	str_putb(s, &b, 1);
}

static void str_puts(struct cr_tok_str *s, const char *a)
{
	while (*a)
		str_put(s, (uint8_t)*a++);
}

/* Terminates the string (within the slack), without counting the NUL. */
static void str_nul(struct cr_tok_str *s)
{
	if (str_room(s, s->len + 1))
		s->p[s->len] = '\0';
}

static void str_clear(struct cr_tok_str *s)
{
	s->len = 0;
	s->cut = false;
}

static bool str_is(struct cr_tok_str *s, const char *a)
{
	return s->len == strlen(a) && memcmp(s->p, a, s->len) == 0;
}

/* --- tokens --------------------------------------------------------------- */

static void flush_text(struct cr_tok *t)
{
	if (t->text.len && t->sink.chars)
		t->sink.chars(t->sink.u, t->text.p, t->text.len);
	t->text.len = 0;
}

static void emit_char(struct cr_tok *t, uint32_t c)
{
	if (!t->sink.chars || t->text_off)
		return;
	if (t->text.len + 4 > t->text.max)
		flush_text(t);	/* room for any character, whatever emit_utf8 left */
	str_in(&t->text, c);
}

/* Emits text already UTF-8 (the temporary buffer). */
static void emit_utf8(struct cr_tok *t, const char *b, size_t n)
{
	if (!t->sink.chars || t->text_off)
		return;
	if (t->text.len + n > t->text.max)
		flush_text(t);
	if (n > t->text.max) {
		t->sink.chars(t->sink.u, b, n);
		return;
	}
	str_putb(&t->text, b, n);
}

static void emit_str(struct cr_tok *t, const char *a)
{
	while (*a)
		emit_char(t, (uint8_t)*a++);
}

static void tag_new(struct cr_tok *t, bool end)
{
	str_clear(&t->tag);
	t->nattrs = 0;
	t->is_end = end;
	t->self_closing = false;
	t->attr_open = false;
	t->tag_cut = false;
	t->attrs_dropped = false;
}

/* The attribute being built ends: it stays, unless it repeats a name or is past the cap. */
static void attr_close(struct cr_tok *t)
{
	if (!t->attr_open)
		return;
	t->attr_open = false;
	size_t i = t->nattrs;
	if (t->attr_dup) {
		t->tag.len = t->attrs_dropped_at;	/* a repeated name: the first one wins */
		return;
	}
	t->attrs[i].value_len = t->tag.len - t->attrs[i].value;
	str_nul(&t->tag);
	t->tag.len++;
	t->nattrs++;
}

static void attr_new(struct cr_tok *t)
{
	attr_close(t);
	t->attr_dup = false;
	if (t->nattrs >= t->nattr_max || t->tag.len + 2 > t->tag.max) {
		t->tag_cut = true;
		t->attrs_dropped = true;
		t->attr_dup = true;	/* built, then dropped */
	} else if (t->nattrs >= t->attrs_cap) {
		size_t cap = t->attrs_cap ? t->attrs_cap * 2 : 16;
		void *p = realloc(t->attrs, cap * sizeof *t->attrs);
		if (!p) {
			t->tag_cut = true;
			t->attr_dup = true;
		} else {
			t->attrs = p;
			t->attrs_cap = cap;
		}
	}
	t->attr_open = true;
	t->attrs_dropped_at = t->tag.len;
	if (!t->attr_dup)
		t->attrs[t->nattrs].name = t->tag.len;
}

/* Leaving the attribute name state: terminate the name, check it is new. */
static void attr_name_done(struct cr_tok *t)
{
	if (t->attr_dup) {
		t->tag.len = t->attrs_dropped_at;
		return;
	}
	size_t i = t->nattrs;
	size_t off = t->attrs[i].name, len = t->tag.len - off;
	t->attrs[i].name_len = len;
	for (size_t j = 0; j < i; j++)
		if (t->attrs[j].name_len == len && memcmp(t->tag.p + t->attrs[j].name, t->tag.p + off, len) == 0) {
			t->attr_dup = true;
			t->attrs_dropped_at = off;
			t->tag.len = off;
			return;
		}
	str_nul(&t->tag);
	t->tag.len++;
	t->attrs[i].value = t->tag.len;
}

static void attr_name_put(struct cr_tok *t, uint32_t c)
{
	if (t->attr_dup && t->tag_cut) {
		/* past the cap: count nothing, keep nothing */
		return;
	}
	str_in(&t->tag, c);
	if (t->tag.cut)
		t->tag_cut = true;
}

static void attr_value_put(struct cr_tok *t, uint32_t c)
{
	if (t->attr_dup)
		return;
	str_in(&t->tag, c);
	if (t->tag.cut)
		t->tag_cut = true;
}

static void tag_name_put(struct cr_tok *t, uint32_t c)
{
	str_in(&t->tname, c);
	if (t->tname.cut)
		t->tag_cut = true;
}

static void emit_tag(struct cr_tok *t)
{
	attr_close(t);
	flush_text(t);
	str_nul(&t->tname);
	if (t->view_cap < t->nattrs) {
		void *p = realloc(t->view, t->nattrs * sizeof *t->view);
		if (!p) {
			t->nattrs = t->view_cap;
			t->tag_cut = true;
		} else {
			t->view = p;
			t->view_cap = t->nattrs;
		}
	}
	for (size_t i = 0; i < t->nattrs; i++)
		t->view[i] = (struct cr_tok_attr){t->tag.p + t->attrs[i].name, t->tag.p + t->attrs[i].value,
						  t->attrs[i].name_len, t->attrs[i].value_len};
	struct cr_tok_tag tag = {t->tname.p ? t->tname.p : "", t->tname.len, t->view, t->nattrs,
				 t->self_closing, t->tag_cut, t->attrs_dropped};
	if (!t->is_end) {
		size_t n = t->tname.len < sizeof t->last_start - 1 ? t->tname.len : sizeof t->last_start - 1;
		memcpy(t->last_start, tag.name, n);
		t->last_start[n] = '\0';
		if (t->sink.start_tag)
			t->sink.start_tag(t->sink.u, &tag);
	} else if (t->sink.end_tag) {
		t->sink.end_tag(t->sink.u, &tag);
	}
}

static void emit_comment(struct cr_tok *t)
{
	flush_text(t);
	str_nul(&t->comment);
	if (t->sink.comment)
		t->sink.comment(t->sink.u, t->comment.p ? t->comment.p : "", t->comment.len, t->comment.cut);
}

static void doctype_new(struct cr_tok *t)
{
	str_clear(&t->dt_name);
	str_clear(&t->dt_pub);
	str_clear(&t->dt_sys);
	t->dt_has_name = t->dt_has_pub = t->dt_has_sys = t->dt_quirks = false;
}

static void emit_doctype(struct cr_tok *t)
{
	flush_text(t);
	str_nul(&t->dt_name);
	str_nul(&t->dt_pub);
	str_nul(&t->dt_sys);
	struct cr_tok_doctype d = {t->dt_has_name ? t->dt_name.p : NULL, t->dt_has_pub ? t->dt_pub.p : NULL,
				   t->dt_has_sys ? t->dt_sys.p : NULL, t->dt_quirks};
	if (d.name == NULL && t->dt_has_name)
		d.name = "";
	if (t->sink.doctype)
		t->sink.doctype(t->sink.u, &d);
}

static void emit_eof(struct cr_tok *t)
{
	flush_text(t);
	t->done = true;
}

/* An end tag whose name is that of the last start tag emitted. */
static bool appropriate(struct cr_tok *t)
{
	return t->last_start[0] && t->tname.len == strlen(t->last_start) &&
	       memcmp(t->tname.p, t->last_start, t->tname.len) == 0;
}

static bool in_attr(const struct cr_tok *t)
{
	return t->ret == ATTR_VALUE_DQ || t->ret == ATTR_VALUE_SQ || t->ret == ATTR_VALUE_UQ;
}

/* "Flush code points consumed as a character reference." */
static void flush_temp(struct cr_tok *t)
{
	if (in_attr(t)) {
		if (!t->attr_dup) {
			str_putb(&t->tag, t->temp.p, t->temp.len);
			if (t->tag.cut)
				t->tag_cut = true;
		}
	} else {
		emit_utf8(t, t->temp.p, t->temp.len);
	}
}

static void ref_put(struct cr_tok *t, uint32_t c)
{
	if (in_attr(t))
		attr_value_put(t, c);
	else
		emit_char(t, c);
}

/* Windows-1252 for numeric references 0x80-0x9F (the standard's table). */
static const uint16_t c1_table[32] = {
	0x20AC, 0, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0, 0x017D, 0,
	0, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0, 0x017E, 0x0178,
};

static int entity_cmp(const void *k, const void *e)
{
	return strcmp(k, ((const struct cr_entity *)e)->name);
}

static const struct cr_entity *entity_find(const char *name)
{
	return bsearch(name, cr_entities, CR_ENTITY_COUNT, sizeof cr_entities[0], entity_cmp);
}

/* Case-insensitive (ci) match of the ASCII word w at the input position. */
static bool ahead_is(const struct cr_tok *t, const char *w, bool ci)
{
	for (size_t i = 0; w[i]; i++) {
		uint32_t c = t->in[t->pos + i];
		if ((ci ? to_lower(c) : c) != (uint32_t)w[i])
			return false;
	}
	return true;
}

/* --- runs ------------------------------------------------------------------- */

/* Byte classes: which bytes end a run in each kind of state. */
enum { SP_RAW = 1, SP_NAME = 2, SP_ANAME = 4, SP_DQ = 8, SP_SQ = 16, SP_UQ = 32 };

static uint8_t stop[256];
static pthread_once_t stop_once = PTHREAD_ONCE_INIT;

static void stop_init(void)
{
	for (int c = 0; c < 256; c++) {
		uint8_t m = 0;
		bool ws = c == '\t' || c == '\n' || c == '\f' || c == ' ';
		if (c == '<' || c == 0)
			m |= SP_RAW;
		if (c == '>' || c == '/' || c == 0 || ws || (c >= 'A' && c <= 'Z'))
			m |= SP_NAME;
		if (c == '>' || c == '/' || c == '=' || c == 0 || ws || (c >= 'A' && c <= 'Z') || c == '"' || c == '\'' || c == '<')
			m |= SP_ANAME;
		if (c == '"' || c == '&' || c == 0)
			m |= SP_DQ;
		if (c == '\'' || c == '&' || c == 0)
			m |= SP_SQ;
		if (ws || c == '&' || c == '>' || c == 0 || c == '"' || c == '\'' || c == '<' || c == '=' || c == '`')
			m |= SP_UQ;
		stop[c] = m;
	}
}

/* The end of the run from the input position: the first byte of class k, or the end of the input. */
static size_t span(const struct cr_tok *t, uint8_t k)
{
	size_t i = t->pos;
	while (i < t->len && !(stop[t->in[i]] & k))
		i++;
	return i;
}

/* --- the machine ---------------------------------------------------------- */

/* "Switch to" and "reconsume in": both go round the loop ("continue" must not sit in a do-while). */
#define SWITCH(s) { t->st = (s); continue; }
#define RECONSUME(s) { if (c != EOFC) t->pos--; t->st = (s); continue; }

/*
 * The named character reference state: returns false when more input
 * is needed to decide.
 */
static bool named_ref(struct cr_tok *t)
{
	size_t avail = t->len - t->pos, run = 0;
	while (run < avail && run <= CR_ENTITY_MAXLEN && is_alnum(t->in[t->pos + run]))
		run++;
	if (run == avail && !t->eof)
		return false;	/* the run, and what ends it, must be seen */
	char name[CR_ENTITY_MAXLEN + 2];
	size_t n = run < CR_ENTITY_MAXLEN ? run : CR_ENTITY_MAXLEN;
	for (size_t i = 0; i < n; i++)
		name[i] = (char)t->in[t->pos + i];
	const struct cr_entity *e = NULL;
	size_t used = 0;
	if (run < avail && run < CR_ENTITY_MAXLEN && t->in[t->pos + run] == ';') {
		name[run] = ';';
		name[run + 1] = '\0';
		if ((e = entity_find(name)))
			used = run + 1;
	}
	for (size_t k = n; !e && k > 0; k--) {
		name[k] = '\0';
		if ((e = entity_find(name)))
			used = k;
	}
	if (!e) {
		flush_temp(t);
		t->st = AMBIGUOUS_AMP;
		return true;
	}
	bool semi = name[used - 1] == ';';
	for (size_t i = 0; i < used; i++)
		str_put(&t->temp, t->in[t->pos + i]);
	t->pos += used;
	uint32_t next = t->pos < t->len ? t->in[t->pos] : EOFC;
	if (in_attr(t) && !semi && (next == '=' || is_alnum(next))) {
		flush_temp(t);	/* historical: "&copy=" in a URL stays as written */
	} else {
		str_clear(&t->temp);
		str_put(&t->temp, e->cp1);
		if (e->cp2)
			str_put(&t->temp, e->cp2);
		flush_temp(t);
	}
	t->st = t->ret;
	return true;
}

static void numeric_end(struct cr_tok *t)
{
	uint32_t c = t->code;
	if (c == 0 || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF))
		c = 0xFFFD;
	else if (c >= 0x80 && c <= 0x9F && c1_table[c - 0x80])
		c = c1_table[c - 0x80];
	str_clear(&t->temp);
	str_put(&t->temp, c);
	flush_temp(t);
	t->st = t->ret;
}

/*
 * The states that look ahead decide before consuming: 0, more input is
 * needed; 1, the state moved; 2, the state consumes as usual.
 */
static int lookahead(struct cr_tok *t)
{
	size_t avail = t->len - t->pos;
	if (t->st == NAMED_CHAR_REF)
		return named_ref(t) ? 1 : 0;
	if (t->st == MARKUP_DECL_OPEN) {
		if (avail < 7 && !t->eof) {
			/* Decide early when what is there already rules every word out. */
			bool maybe = false;
			const char *w[3] = {"--", "doctype", "[CDATA["};
			for (int k = 0; k < 3; k++) {
				size_t m = strlen(w[k]) < avail ? strlen(w[k]) : avail;
				bool ok = true;
				for (size_t i = 0; i < m; i++) {
					uint32_t c = t->in[t->pos + i];
					if ((k == 1 ? to_lower(c) : c) != (uint32_t)w[k][i])
						ok = false;
				}
				if (ok)
					maybe = true;
			}
			if (maybe && !(avail >= 2 && ahead_is(t, "--", false)))
				return 0;
		}
		if (avail >= 2 && ahead_is(t, "--", false)) {
			t->pos += 2;
			str_clear(&t->comment);
			t->st = COMMENT_START;
		} else if (avail >= 7 && ahead_is(t, "doctype", true)) {
			t->pos += 7;
			t->st = DOCTYPE;
		} else if (avail >= 7 && ahead_is(t, "[CDATA[", false)) {
			t->pos += 7;
			if (t->foreign) {
				t->st = CDATA_SECTION;
			} else {
				str_clear(&t->comment);
				str_puts(&t->comment, "[CDATA[");
				t->st = BOGUS_COMMENT;
			}
		} else {
			str_clear(&t->comment);
			t->st = BOGUS_COMMENT;
		}
		return 1;
	}
	/* AFTER_DOCTYPE_NAME: whitespace, '>' and the end are its own; anything else looks ahead. */
	if (t->pos >= t->len || is_ws(t->in[t->pos]) || t->in[t->pos] == '>')
		return 2;
	if (avail < 6 && !t->eof)
		return 0;
	if (avail >= 6 && ahead_is(t, "public", true)) {
		t->pos += 6;
		t->st = AFTER_DOCTYPE_PUBLIC_KW;
	} else if (avail >= 6 && ahead_is(t, "system", true)) {
		t->pos += 6;
		t->st = AFTER_DOCTYPE_SYSTEM_KW;
	} else {
		t->dt_quirks = true;
		t->st = BOGUS_DOCTYPE;
	}
	return 1;
}

static void run(struct cr_tok *t)
{
	while (!t->done) {
		/*
		 * Runs that the state consumes without changing: skipped or
		 * copied whole, so that the state machine proper sees only the
		 * bytes that matter (what each loop stops at is what its state
		 * treats specially).
		 */
		switch (t->st) {
		case MARKUP_DECL_OPEN:
		case NAMED_CHAR_REF:
		case AFTER_DOCTYPE_NAME: {
			int k = lookahead(t);
			if (k == 0)
				return;
			if (k == 1)
				continue;
			break;
		}
		case DATA:
			if (t->text_off) {
				/* Nobody wants the text: a reference in it only makes characters, so '<' is all that matters. */
				const uint8_t *lt = memchr(t->in + t->pos, '<', t->len - t->pos);
				t->pos = lt ? (size_t)(lt - t->in) : t->len;
			}
			break;
		case RAWTEXT:
		case SCRIPT:
		case RCDATA:
			if (t->text_off) {
				/* Raw text ends at '<' (RCDATA's references only make characters). */
				const uint8_t *lt = memchr(t->in + t->pos, '<', t->len - t->pos);
				t->pos = lt ? (size_t)(lt - t->in) : t->len;
			} else if (t->st != RCDATA) {
				size_t e = span(t, SP_RAW);
				emit_utf8(t, (const char *)t->in + t->pos, e - t->pos);
				t->pos = e;
			}
			break;
		case TAG_NAME: {
			size_t e = span(t, SP_NAME);
			str_putb(&t->tname, (const char *)t->in + t->pos, e - t->pos);
			if (t->tname.cut)
				t->tag_cut = true;
			t->pos = e;
			break;
		}
		case ATTR_NAME:
			if (!t->attr_dup) {
				size_t e = span(t, SP_ANAME);
				str_putb(&t->tag, (const char *)t->in + t->pos, e - t->pos);
				if (t->tag.cut)
					t->tag_cut = true;
				t->pos = e;
			}
			break;
		case BEFORE_ATTR_NAME:
		case AFTER_ATTR_NAME:
			while (t->pos < t->len && is_ws(t->in[t->pos]))
				t->pos++;
			break;
		case ATTR_VALUE_DQ:
		case ATTR_VALUE_SQ:
		case ATTR_VALUE_UQ:
			if (!t->attr_dup) {
				size_t e = span(t, t->st == ATTR_VALUE_DQ ? SP_DQ : t->st == ATTR_VALUE_SQ ? SP_SQ : SP_UQ);
				str_putb(&t->tag, (const char *)t->in + t->pos, e - t->pos);
				if (t->tag.cut)
					t->tag_cut = true;
				t->pos = e;
			}
			break;
		default:
			break;
		}

		uint32_t c;
		if (t->pos < t->len)
			c = t->in[t->pos++];
		else if (t->eof)
			c = EOFC;
		else
			return;

		switch (t->st) {
		case DATA:
			if (c == '&') {
				t->ret = DATA;
				SWITCH(CHAR_REF);
			} else if (c == '<') {
				SWITCH(TAG_OPEN);
			} else if (c == EOFC) {
				emit_eof(t);
			} else {
				emit_char(t, c);	/* NUL too, in this state */
			}
			break;
		case RCDATA:
			if (c == '&') {
				t->ret = RCDATA;
				SWITCH(CHAR_REF);
			} else if (c == '<') {
				SWITCH(RCDATA_LT);
			} else if (c == EOFC) {
				emit_eof(t);
			} else {
				emit_char(t, c ? c : 0xFFFD);
			}
			break;
		case RAWTEXT:
		case SCRIPT:
			if (c == '<') {
				SWITCH(t->st == RAWTEXT ? RAWTEXT_LT : SCRIPT_LT);
			} else if (c == EOFC) {
				emit_eof(t);
			} else {
				emit_char(t, c ? c : 0xFFFD);
			}
			break;
		case PLAINTEXT:
			if (c == EOFC)
				emit_eof(t);
			else
				emit_char(t, c ? c : 0xFFFD);
			break;
		case TAG_OPEN:
			if (c == '!') {
				SWITCH(MARKUP_DECL_OPEN);
			} else if (c == '/') {
				SWITCH(END_TAG_OPEN);
			} else if (is_alpha(c)) {
				tag_new(t, false);
				str_clear(&t->tname);
				RECONSUME(TAG_NAME);
			} else if (c == '?') {
				str_clear(&t->comment);
				RECONSUME(BOGUS_COMMENT);
			} else if (c == EOFC) {
				emit_char(t, '<');
				emit_eof(t);
			} else {
				emit_char(t, '<');
				RECONSUME(DATA);
			}
			break;
		case END_TAG_OPEN:
			if (is_alpha(c)) {
				tag_new(t, true);
				str_clear(&t->tname);
				RECONSUME(TAG_NAME);
			} else if (c == '>') {
				SWITCH(DATA);
			} else if (c == EOFC) {
				emit_str(t, "</");
				emit_eof(t);
			} else {
				str_clear(&t->comment);
				RECONSUME(BOGUS_COMMENT);
			}
			break;
		case TAG_NAME:
			if (is_ws(c)) {
				SWITCH(BEFORE_ATTR_NAME);
			} else if (c == '/') {
				SWITCH(SELF_CLOSING_START_TAG);
			} else if (c == '>') {
				t->st = DATA;
				emit_tag(t);
			} else if (c == EOFC) {
				emit_eof(t);
			} else {
				tag_name_put(t, c ? to_lower(c) : 0xFFFD);
			}
			break;

		/* RCDATA, RAWTEXT and script data end tags: the same three states each. */
		case RCDATA_LT:
		case RAWTEXT_LT:
			if (c == '/') {
				str_clear(&t->temp);
				SWITCH(t->st == RCDATA_LT ? RCDATA_END_TAG_OPEN : RAWTEXT_END_TAG_OPEN);
			}
			emit_char(t, '<');
			RECONSUME(t->st == RCDATA_LT ? RCDATA : RAWTEXT);
		case RCDATA_END_TAG_OPEN:
		case RAWTEXT_END_TAG_OPEN:
		case SCRIPT_END_TAG_OPEN:
		case SCRIPT_ESCAPED_END_TAG_OPEN: {
			static const uint8_t next[][2] = {
				{RCDATA_END_TAG_OPEN, RCDATA_END_TAG_NAME}, {RAWTEXT_END_TAG_OPEN, RAWTEXT_END_TAG_NAME},
				{SCRIPT_END_TAG_OPEN, SCRIPT_END_TAG_NAME}, {SCRIPT_ESCAPED_END_TAG_OPEN, SCRIPT_ESCAPED_END_TAG_NAME}};
			static const uint8_t back[] = {RCDATA, RAWTEXT, SCRIPT, SCRIPT_ESCAPED};
			int k = t->st == RCDATA_END_TAG_OPEN ? 0 : t->st == RAWTEXT_END_TAG_OPEN ? 1 : t->st == SCRIPT_END_TAG_OPEN ? 2 : 3;
			if (is_alpha(c)) {
				tag_new(t, true);
				str_clear(&t->tname);
				RECONSUME(next[k][1]);
			}
			emit_str(t, "</");
			RECONSUME(back[k]);
		}
		case RCDATA_END_TAG_NAME:
		case RAWTEXT_END_TAG_NAME:
		case SCRIPT_END_TAG_NAME:
		case SCRIPT_ESCAPED_END_TAG_NAME: {
			int back = t->st == RCDATA_END_TAG_NAME ? RCDATA : t->st == RAWTEXT_END_TAG_NAME ? RAWTEXT
				 : t->st == SCRIPT_END_TAG_NAME ? SCRIPT : SCRIPT_ESCAPED;
			if (is_ws(c) && appropriate(t)) {
				SWITCH(BEFORE_ATTR_NAME);
			} else if (c == '/' && appropriate(t)) {
				SWITCH(SELF_CLOSING_START_TAG);
			} else if (c == '>' && appropriate(t)) {
				t->st = DATA;
				emit_tag(t);
			} else if (is_alpha(c)) {
				tag_name_put(t, to_lower(c));
				str_put(&t->temp, c);
			} else {
				emit_str(t, "</");
				emit_utf8(t, t->temp.p, t->temp.len);
				RECONSUME(back);
			}
			break;
		}
		case SCRIPT_LT:
			if (c == '/') {
				str_clear(&t->temp);
				SWITCH(SCRIPT_END_TAG_OPEN);
			} else if (c == '!') {
				emit_str(t, "<!");
				SWITCH(SCRIPT_ESCAPE_START);
			}
			emit_char(t, '<');
			RECONSUME(SCRIPT);
		case SCRIPT_ESCAPE_START:
		case SCRIPT_ESCAPE_START_DASH:
			if (c == '-') {
				emit_char(t, '-');
				SWITCH(t->st == SCRIPT_ESCAPE_START ? SCRIPT_ESCAPE_START_DASH : SCRIPT_ESCAPED_DASH_DASH);
			}
			RECONSUME(SCRIPT);
		case SCRIPT_ESCAPED:
		case SCRIPT_ESCAPED_DASH:
		case SCRIPT_ESCAPED_DASH_DASH:
			if (c == '-') {
				emit_char(t, '-');
				SWITCH(t->st == SCRIPT_ESCAPED ? SCRIPT_ESCAPED_DASH : SCRIPT_ESCAPED_DASH_DASH);
			} else if (c == '<') {
				SWITCH(SCRIPT_ESCAPED_LT);
			} else if (c == '>' && t->st == SCRIPT_ESCAPED_DASH_DASH) {
				emit_char(t, '>');
				SWITCH(SCRIPT);
			} else if (c == EOFC) {
				emit_eof(t);
			} else {
				emit_char(t, c ? c : 0xFFFD);
				SWITCH(SCRIPT_ESCAPED);
			}
			break;
		case SCRIPT_ESCAPED_LT:
			if (c == '/') {
				str_clear(&t->temp);
				SWITCH(SCRIPT_ESCAPED_END_TAG_OPEN);
			} else if (is_alpha(c)) {
				str_clear(&t->temp);
				emit_char(t, '<');
				RECONSUME(SCRIPT_DOUBLE_ESCAPE_START);
			}
			emit_char(t, '<');
			RECONSUME(SCRIPT_ESCAPED);
		case SCRIPT_DOUBLE_ESCAPE_START:
		case SCRIPT_DOUBLE_ESCAPE_END:
			if (is_ws(c) || c == '/' || c == '>') {
				bool script = str_is(&t->temp, "script");
				bool start = t->st == SCRIPT_DOUBLE_ESCAPE_START;
				emit_char(t, c);
				SWITCH(script == start ? SCRIPT_DOUBLE_ESCAPED : SCRIPT_ESCAPED);
			} else if (is_alpha(c)) {
				str_put(&t->temp, to_lower(c));
				emit_char(t, c);
				break;
			}
			RECONSUME(t->st == SCRIPT_DOUBLE_ESCAPE_START ? SCRIPT_ESCAPED : SCRIPT_DOUBLE_ESCAPED);
		case SCRIPT_DOUBLE_ESCAPED:
		case SCRIPT_DOUBLE_ESCAPED_DASH:
		case SCRIPT_DOUBLE_ESCAPED_DASH_DASH:
			if (c == '-') {
				emit_char(t, '-');
				SWITCH(t->st == SCRIPT_DOUBLE_ESCAPED ? SCRIPT_DOUBLE_ESCAPED_DASH : SCRIPT_DOUBLE_ESCAPED_DASH_DASH);
			} else if (c == '<') {
				emit_char(t, '<');
				SWITCH(SCRIPT_DOUBLE_ESCAPED_LT);
			} else if (c == '>' && t->st == SCRIPT_DOUBLE_ESCAPED_DASH_DASH) {
				emit_char(t, '>');
				SWITCH(SCRIPT);
			} else if (c == EOFC) {
				emit_eof(t);
			} else {
				emit_char(t, c ? c : 0xFFFD);
				SWITCH(SCRIPT_DOUBLE_ESCAPED);
			}
			break;
		case SCRIPT_DOUBLE_ESCAPED_LT:
			if (c == '/') {
				str_clear(&t->temp);
				emit_char(t, '/');
				SWITCH(SCRIPT_DOUBLE_ESCAPE_END);
			}
			RECONSUME(SCRIPT_DOUBLE_ESCAPED);

		case BEFORE_ATTR_NAME:
			if (is_ws(c))
				break;
			if (c == '/' || c == '>' || c == EOFC)
				RECONSUME(AFTER_ATTR_NAME);
			attr_new(t);
			if (c == '=') {
				attr_name_put(t, c);
				SWITCH(ATTR_NAME);
			}
			RECONSUME(ATTR_NAME);
		case ATTR_NAME:
			if (is_ws(c) || c == '/' || c == '>' || c == EOFC) {
				attr_name_done(t);
				RECONSUME(AFTER_ATTR_NAME);
			} else if (c == '=') {
				attr_name_done(t);
				SWITCH(BEFORE_ATTR_VALUE);
			} else {
				attr_name_put(t, c ? to_lower(c) : 0xFFFD);
			}
			break;
		case AFTER_ATTR_NAME:
			if (is_ws(c))
				break;
			if (c == '/') {
				SWITCH(SELF_CLOSING_START_TAG);
			} else if (c == '=') {
				SWITCH(BEFORE_ATTR_VALUE);
			} else if (c == '>') {
				t->st = DATA;
				emit_tag(t);
			} else if (c == EOFC) {
				emit_eof(t);
			} else {
				attr_new(t);
				RECONSUME(ATTR_NAME);
			}
			break;
		case BEFORE_ATTR_VALUE:
			if (is_ws(c))
				break;
			if (c == '"') {
				SWITCH(ATTR_VALUE_DQ);
			} else if (c == '\'') {
				SWITCH(ATTR_VALUE_SQ);
			} else if (c == '>') {
				t->st = DATA;
				emit_tag(t);
				break;
			}
			RECONSUME(ATTR_VALUE_UQ);
		case ATTR_VALUE_DQ:
		case ATTR_VALUE_SQ:
			if (c == (t->st == ATTR_VALUE_DQ ? '"' : '\'')) {
				SWITCH(AFTER_ATTR_VALUE_Q);
			} else if (c == '&') {
				t->ret = t->st;
				SWITCH(CHAR_REF);
			} else if (c == EOFC) {
				emit_eof(t);
			} else {
				attr_value_put(t, c ? c : 0xFFFD);
			}
			break;
		case ATTR_VALUE_UQ:
			if (is_ws(c)) {
				SWITCH(BEFORE_ATTR_NAME);
			} else if (c == '&') {
				t->ret = ATTR_VALUE_UQ;
				SWITCH(CHAR_REF);
			} else if (c == '>') {
				t->st = DATA;
				emit_tag(t);
			} else if (c == EOFC) {
				emit_eof(t);
			} else {
				attr_value_put(t, c ? c : 0xFFFD);
			}
			break;
		case AFTER_ATTR_VALUE_Q:
			if (is_ws(c)) {
				SWITCH(BEFORE_ATTR_NAME);
			} else if (c == '/') {
				SWITCH(SELF_CLOSING_START_TAG);
			} else if (c == '>') {
				t->st = DATA;
				emit_tag(t);
				break;
			} else if (c == EOFC) {
				emit_eof(t);
				break;
			}
			RECONSUME(BEFORE_ATTR_NAME);
		case SELF_CLOSING_START_TAG:
			if (c == '>') {
				t->self_closing = true;
				t->st = DATA;
				emit_tag(t);
				break;
			} else if (c == EOFC) {
				emit_eof(t);
				break;
			}
			RECONSUME(BEFORE_ATTR_NAME);

		case BOGUS_COMMENT:
			if (c == '>') {
				t->st = DATA;
				emit_comment(t);
			} else if (c == EOFC) {
				emit_comment(t);
				emit_eof(t);
			} else {
				str_in(&t->comment, c ? c : 0xFFFD);
			}
			break;
		case COMMENT_START:
			if (c == '-') {
				SWITCH(COMMENT_START_DASH);
			} else if (c == '>') {
				t->st = DATA;
				emit_comment(t);
				break;
			}
			RECONSUME(COMMENT);
		case COMMENT_START_DASH:
			if (c == '-') {
				SWITCH(COMMENT_END);
			} else if (c == '>') {
				t->st = DATA;
				emit_comment(t);
				break;
			} else if (c == EOFC) {
				emit_comment(t);
				emit_eof(t);
				break;
			}
			str_put(&t->comment, '-');
			RECONSUME(COMMENT);
		case COMMENT:
			if (c == '<') {
				str_put(&t->comment, '<');
				SWITCH(COMMENT_LT);
			} else if (c == '-') {
				SWITCH(COMMENT_END_DASH);
			} else if (c == EOFC) {
				emit_comment(t);
				emit_eof(t);
			} else {
				str_in(&t->comment, c ? c : 0xFFFD);
			}
			break;
		case COMMENT_LT:
			if (c == '!') {
				str_put(&t->comment, '!');
				SWITCH(COMMENT_LT_BANG);
			} else if (c == '<') {
				str_put(&t->comment, '<');
				break;
			}
			RECONSUME(COMMENT);
		case COMMENT_LT_BANG:
			if (c == '-')
				SWITCH(COMMENT_LT_BANG_DASH);
			RECONSUME(COMMENT);
		case COMMENT_LT_BANG_DASH:
			if (c == '-')
				SWITCH(COMMENT_LT_BANG_DASH_DASH);
			RECONSUME(COMMENT_END_DASH);
		case COMMENT_LT_BANG_DASH_DASH:
			RECONSUME(COMMENT_END);
		case COMMENT_END_DASH:
			if (c == '-') {
				SWITCH(COMMENT_END);
			} else if (c == EOFC) {
				emit_comment(t);
				emit_eof(t);
				break;
			}
			str_put(&t->comment, '-');
			RECONSUME(COMMENT);
		case COMMENT_END:
			if (c == '>') {
				t->st = DATA;
				emit_comment(t);
				break;
			} else if (c == '!') {
				SWITCH(COMMENT_END_BANG);
			} else if (c == '-') {
				str_put(&t->comment, '-');
				break;
			} else if (c == EOFC) {
				emit_comment(t);
				emit_eof(t);
				break;
			}
			str_puts(&t->comment, "--");
			RECONSUME(COMMENT);
		case COMMENT_END_BANG:
			if (c == '-') {
				str_puts(&t->comment, "--!");
				SWITCH(COMMENT_END_DASH);
			} else if (c == '>') {
				t->st = DATA;
				emit_comment(t);
				break;
			} else if (c == EOFC) {
				emit_comment(t);
				emit_eof(t);
				break;
			}
			str_puts(&t->comment, "--!");
			RECONSUME(COMMENT);

		case DOCTYPE:
			if (is_ws(c)) {
				SWITCH(BEFORE_DOCTYPE_NAME);
			} else if (c == EOFC) {
				doctype_new(t);
				t->dt_quirks = true;
				emit_doctype(t);
				emit_eof(t);
				break;
			}
			RECONSUME(BEFORE_DOCTYPE_NAME);
		case BEFORE_DOCTYPE_NAME:
			if (is_ws(c))
				break;
			doctype_new(t);
			if (c == '>') {
				t->dt_quirks = true;
				t->st = DATA;
				emit_doctype(t);
			} else if (c == EOFC) {
				t->dt_quirks = true;
				emit_doctype(t);
				emit_eof(t);
			} else {
				t->dt_has_name = true;
				str_in(&t->dt_name, c ? to_lower(c) : 0xFFFD);
				SWITCH(DOCTYPE_NAME);
			}
			break;
		case DOCTYPE_NAME:
			if (is_ws(c)) {
				SWITCH(AFTER_DOCTYPE_NAME);
			} else if (c == '>') {
				t->st = DATA;
				emit_doctype(t);
			} else if (c == EOFC) {
				t->dt_quirks = true;
				emit_doctype(t);
				emit_eof(t);
			} else {
				str_in(&t->dt_name, c ? to_lower(c) : 0xFFFD);
			}
			break;
		case AFTER_DOCTYPE_NAME:
			/* Only whitespace, '>' and EOF reach here; the rest looked ahead above. */
			if (is_ws(c))
				break;
			if (c == '>') {
				t->st = DATA;
				emit_doctype(t);
			} else {
				t->dt_quirks = true;
				emit_doctype(t);
				emit_eof(t);
			}
			break;
		case AFTER_DOCTYPE_PUBLIC_KW:
		case BEFORE_DOCTYPE_PUBLIC_ID:
		case AFTER_DOCTYPE_SYSTEM_KW:
		case BEFORE_DOCTYPE_SYSTEM_ID: {
			bool pub = t->st == AFTER_DOCTYPE_PUBLIC_KW || t->st == BEFORE_DOCTYPE_PUBLIC_ID;
			bool kw = t->st == AFTER_DOCTYPE_PUBLIC_KW || t->st == AFTER_DOCTYPE_SYSTEM_KW;
			if (is_ws(c)) {
				if (kw)
					SWITCH(pub ? BEFORE_DOCTYPE_PUBLIC_ID : BEFORE_DOCTYPE_SYSTEM_ID);
				break;
			} else if (c == '"' || c == '\'') {
				if (pub) {
					t->dt_has_pub = true;
					str_clear(&t->dt_pub);
					SWITCH(c == '"' ? DOCTYPE_PUBLIC_ID_DQ : DOCTYPE_PUBLIC_ID_SQ);
				}
				t->dt_has_sys = true;
				str_clear(&t->dt_sys);
				SWITCH(c == '"' ? DOCTYPE_SYSTEM_ID_DQ : DOCTYPE_SYSTEM_ID_SQ);
			} else if (c == '>') {
				t->dt_quirks = true;
				t->st = DATA;
				emit_doctype(t);
				break;
			} else if (c == EOFC) {
				t->dt_quirks = true;
				emit_doctype(t);
				emit_eof(t);
				break;
			}
			t->dt_quirks = true;
			RECONSUME(BOGUS_DOCTYPE);
		}
		case DOCTYPE_PUBLIC_ID_DQ:
		case DOCTYPE_PUBLIC_ID_SQ:
		case DOCTYPE_SYSTEM_ID_DQ:
		case DOCTYPE_SYSTEM_ID_SQ: {
			bool pub = t->st == DOCTYPE_PUBLIC_ID_DQ || t->st == DOCTYPE_PUBLIC_ID_SQ;
			uint32_t q = t->st == DOCTYPE_PUBLIC_ID_DQ || t->st == DOCTYPE_SYSTEM_ID_DQ ? '"' : '\'';
			if (c == q) {
				SWITCH(pub ? AFTER_DOCTYPE_PUBLIC_ID : AFTER_DOCTYPE_SYSTEM_ID);
			} else if (c == '>') {
				t->dt_quirks = true;
				t->st = DATA;
				emit_doctype(t);
			} else if (c == EOFC) {
				t->dt_quirks = true;
				emit_doctype(t);
				emit_eof(t);
			} else {
				str_in(pub ? &t->dt_pub : &t->dt_sys, c ? c : 0xFFFD);
			}
			break;
		}
		case AFTER_DOCTYPE_PUBLIC_ID:
		case BETWEEN_DOCTYPE_PUBLIC_SYSTEM:
			if (is_ws(c)) {
				if (t->st == AFTER_DOCTYPE_PUBLIC_ID)
					SWITCH(BETWEEN_DOCTYPE_PUBLIC_SYSTEM);
				break;
			} else if (c == '>') {
				t->st = DATA;
				emit_doctype(t);
				break;
			} else if (c == '"' || c == '\'') {
				t->dt_has_sys = true;
				str_clear(&t->dt_sys);
				SWITCH(c == '"' ? DOCTYPE_SYSTEM_ID_DQ : DOCTYPE_SYSTEM_ID_SQ);
			} else if (c == EOFC) {
				t->dt_quirks = true;
				emit_doctype(t);
				emit_eof(t);
				break;
			}
			t->dt_quirks = true;
			RECONSUME(BOGUS_DOCTYPE);
		case AFTER_DOCTYPE_SYSTEM_ID:
			if (is_ws(c))
				break;
			if (c == '>') {
				t->st = DATA;
				emit_doctype(t);
				break;
			} else if (c == EOFC) {
				t->dt_quirks = true;
				emit_doctype(t);
				emit_eof(t);
				break;
			}
			RECONSUME(BOGUS_DOCTYPE);	/* not quirks */
		case BOGUS_DOCTYPE:
			if (c == '>') {
				t->st = DATA;
				emit_doctype(t);
			} else if (c == EOFC) {
				emit_doctype(t);
				emit_eof(t);
			}
			break;

		case CDATA_SECTION:
			if (c == ']')
				SWITCH(CDATA_SECTION_BRACKET);
			if (c == EOFC)
				emit_eof(t);
			else
				emit_char(t, c);
			break;
		case CDATA_SECTION_BRACKET:
			if (c == ']')
				SWITCH(CDATA_SECTION_END);
			emit_char(t, ']');
			RECONSUME(CDATA_SECTION);
		case CDATA_SECTION_END:
			if (c == ']') {
				emit_char(t, ']');
				break;
			} else if (c == '>') {
				SWITCH(DATA);
			}
			emit_str(t, "]]");
			RECONSUME(CDATA_SECTION);

		case CHAR_REF:
			str_clear(&t->temp);
			str_put(&t->temp, '&');
			if (is_alnum(c)) {
				RECONSUME(NAMED_CHAR_REF);
			} else if (c == '#') {
				str_put(&t->temp, '#');
				SWITCH(NUMERIC_CHAR_REF);
			}
			flush_temp(t);
			RECONSUME(t->ret);
		case AMBIGUOUS_AMP:
			if (is_alnum(c)) {
				ref_put(t, c);
				break;
			}
			RECONSUME(t->ret);
		case NUMERIC_CHAR_REF:
			t->code = 0;
			if (c == 'x' || c == 'X') {
				str_put(&t->temp, c);
				SWITCH(HEX_CHAR_REF_START);
			}
			RECONSUME(DEC_CHAR_REF_START);
		case HEX_CHAR_REF_START:
		case DEC_CHAR_REF_START:
			if (t->st == HEX_CHAR_REF_START ? is_hex(c) : is_digit(c))
				RECONSUME(t->st == HEX_CHAR_REF_START ? HEX_CHAR_REF : DEC_CHAR_REF);
			flush_temp(t);
			RECONSUME(t->ret);
		case HEX_CHAR_REF:
		case DEC_CHAR_REF:
			if (t->st == HEX_CHAR_REF ? is_hex(c) : is_digit(c)) {
				uint32_t d = is_digit(c) ? c - '0' : to_lower(c) - 'a' + 10;
				uint32_t base = t->st == HEX_CHAR_REF ? 16 : 10;
				t->code = t->code > 0x10FFFF ? 0x110000 : t->code * base + d;
				break;
			}
			if (c != ';' && c != EOFC)
				t->pos--;
			numeric_end(t);
			continue;
		}
	}
}

/* --- the interface -------------------------------------------------------- */

int cr_tok_init(struct cr_tok *t, const struct cr_tok_sink *sink, size_t max_str, size_t max_attrs)
{
	pthread_once(&stop_once, stop_init);
	memset(t, 0, offsetof(struct cr_tok, in));	/* the input buffer needs no zeroing */
	t->pos = t->len = 0;
	t->sink = *sink;
	t->st = DATA;
	t->nattr_max = max_attrs;
	t->tname.max = max_str < 4096 ? max_str : 4096;
	t->tag.max = max_str;
	t->temp.max = 4096;
	t->text.max = 8192;
	t->comment.max = max_str;
	t->dt_name.max = t->dt_pub.max = t->dt_sys.max = 1024;
	if (!str_room(&t->text, t->text.max))
		return -1;
	return 0;
}

void cr_tok_free(struct cr_tok *t)
{
	struct cr_tok_str *s[] = {&t->tname, &t->tag, &t->temp, &t->text, &t->comment, &t->dt_name, &t->dt_pub, &t->dt_sys};
	for (size_t i = 0; i < sizeof s / sizeof s[0]; i++)
		free(s[i]->p);
	free(t->attrs);
	free(t->view);
	memset(t, 0, sizeof *t);
}

void cr_tok_set_state(struct cr_tok *t, enum cr_tok_state st)
{
	t->st = (int)st;
}

void cr_tok_set_text(struct cr_tok *t, bool on)
{
	if (!on)
		flush_text(t);
	t->text_off = !on;
}

void cr_tok_set_foreign(struct cr_tok *t, bool foreign)
{
	t->foreign = foreign;
}

void cr_tok_set_last_start(struct cr_tok *t, const char *name)
{
	snprintf(t->last_start, sizeof t->last_start, "%s", name);
}

void cr_tok_feed(struct cr_tok *t, const uint8_t *p, size_t n)
{
	size_t i = 0;
	while (i < n && !t->done) {
		/* Keep what a state is still looking at, then fill the rest. */
		if (t->pos > 0) {
			memmove(t->in, t->in + t->pos, t->len - t->pos);
			t->len -= t->pos;
			t->pos = 0;
		}
		while (i < n && t->len < CR_TOK_INBUF) {
			size_t room = CR_TOK_INBUF - t->len, k = n - i < room ? n - i : room;
			if (t->pending_cr && p[i] == '\n') {
				t->pending_cr = false;
				i++;
				continue;
			}
			t->pending_cr = false;
			/* Runs without CR are copied whole. */
			const uint8_t *cr = memchr(p + i, '\r', k);
			size_t run = cr ? (size_t)(cr - (p + i)) : k;
			memcpy(t->in + t->len, p + i, run);
			t->len += run;
			i += run;
			if (cr && t->len < CR_TOK_INBUF) {
				t->in[t->len++] = '\n';
				i++;
				t->pending_cr = true;
			}
		}
		run(t);
	}
}

void cr_tok_finish(struct cr_tok *t)
{
	t->eof = true;
	run(t);
	flush_text(t);
}
