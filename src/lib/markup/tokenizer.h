/*
 * tokenizer.h - the WHATWG HTML tokenizer, streaming, with no tree.
 *
 * It follows the state machine of the HTML standard (§13.2.5) state for
 * state: comments that end at "<!-->" or "--!>", raw text and RCDATA
 * elements, script data with its escaped and double-escaped states,
 * character references (named, numeric, legacy names without ';'), the
 * attribute value states, and what NUL and end of input do in each.  The
 * html5lib tokenizer tests check it (tests/markup/).
 *
 * Input is UTF-8 (markup/charset.c decodes bytes as a browser would and
 * hands over valid UTF-8); the caller feeds it in pieces of any size,
 * cut anywhere, then calls cr_tok_finish().  Every state decides on ASCII
 * alone, so the machine runs over bytes: a byte of a multi-byte character
 * is "anything else" in every state and lands, as it is, in whatever
 * string is being built.  Tokens go to a sink.  Strings handed to the sink are
 * UTF-8 and NUL-terminated; a string longer than its cap is cut at the
 * cap and flagged, the tokenizer itself always runs to the end.  Memory
 * is bounded by the caps, whatever the input.
 *
 * What the tree builder would do (switch to script data after <script>,
 * to RAWTEXT after <style>, allow CDATA in SVG) is the caller's: the
 * start-tag callback may call cr_tok_set_state() and cr_tok_set_foreign().
 */
#ifndef CR_TOKENIZER_H
#define CR_TOKENIZER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The states a caller may set (the html5lib tests' "initial states"). */
enum cr_tok_state {
	CR_TOK_DATA,
	CR_TOK_RCDATA,
	CR_TOK_RAWTEXT,
	CR_TOK_SCRIPT,
	CR_TOK_PLAINTEXT,
	CR_TOK_CDATA,
};

struct cr_tok_attr {
	const char *name;	/* lower case */
	const char *value;
	size_t name_len, value_len;
};

struct cr_tok_tag {
	const char *name;	/* lower case */
	size_t name_len;
	const struct cr_tok_attr *attrs;
	size_t nattrs;
	bool self_closing;
	bool truncated;		/* a name or value hit its cap, or attributes were dropped for the cap */
	bool attrs_dropped;	/* attributes past the cap were dropped: what they said is unknown */
};

struct cr_tok_doctype {
	const char *name, *public_id, *system_id;	/* NULL: missing */
	bool force_quirks;
};

struct cr_tok_sink {
	void (*start_tag)(void *u, const struct cr_tok_tag *t);
	void (*end_tag)(void *u, const struct cr_tok_tag *t);
	/* Text, in pieces: adjacent calls belong to one run of characters. */
	void (*chars)(void *u, const char *s, size_t n);
	void (*comment)(void *u, const char *s, size_t n, bool truncated);
	void (*doctype)(void *u, const struct cr_tok_doctype *d);
	void *u;
};

/* A growable string with a cap. */
struct cr_tok_str {
	char *p;
	size_t len, cap, max;
	bool cut;
};

#define CR_TOK_INBUF 8192

struct cr_tok {
	struct cr_tok_sink sink;
	int st, ret;		/* state, and the return state of a character reference */
	bool eof, done, foreign, is_end, self_closing, attr_dup, attr_open;
	bool tag_cut, attrs_dropped;
	bool text_off;		/* characters are not wanted now: skip them */
	bool pending_cr;	/* the last code point fed was CR: a following LF is dropped */
	uint32_t code;		/* numeric character reference value */
	size_t nattr_max;
	/* The current tag: its name, and its attributes in one buffer, indexed. */
	struct cr_tok_str tname, tag;
	size_t attrs_dropped_at;	/* where a dropped attribute began in tag */
	struct { size_t name, name_len, value, value_len; } *attrs;
	size_t nattrs, attrs_cap;
	struct cr_tok_attr *view;	/* handed to the sink */
	size_t view_cap;
	char last_start[64];	/* for the appropriate end tag; "" when none */
	struct cr_tok_str temp;	/* the temporary buffer, UTF-8 */
	struct cr_tok_str text;	/* pending character token */
	struct cr_tok_str comment;
	struct cr_tok_str dt_name, dt_pub, dt_sys;
	bool dt_has_name, dt_has_pub, dt_has_sys, dt_quirks;
	/* Input not yet consumed: a state waiting for lookahead keeps it here. */
	uint8_t in[CR_TOK_INBUF];
	size_t pos, len;
};

/* Caps: each string is cut at max_str bytes, a tag keeps max_attrs attributes. */
int cr_tok_init(struct cr_tok *t, const struct cr_tok_sink *sink, size_t max_str, size_t max_attrs);
void cr_tok_free(struct cr_tok *t);
void cr_tok_set_state(struct cr_tok *t, enum cr_tok_state st);
/* Whether the sink wants characters from here on (on by default). */
void cr_tok_set_text(struct cr_tok *t, bool on);
/* The adjusted current node is foreign (SVG, MathML): <![CDATA[ opens a section. */
void cr_tok_set_foreign(struct cr_tok *t, bool foreign);
/* For tests: the name of the last start tag emitted, as if one had been. */
void cr_tok_set_last_start(struct cr_tok *t, const char *name);
/* Feeds UTF-8; CR and CRLF become LF here, as input preprocessing says. */
void cr_tok_feed(struct cr_tok *t, const uint8_t *p, size_t n);
void cr_tok_finish(struct cr_tok *t);

#endif
