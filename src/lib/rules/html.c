/*
 * html.c - html.script: does HTML or SVG carry script?
 *
 * A browser runs script from three places, and so do SVG viewers that
 * render in a browser (an SVG "image" uploaded to a site and opened
 * directly is a same-origin XSS):
 *   - a <script> element (any namespace prefix: <svg:script>);
 *   - an event handler attribute, on<letters>= (onload, onerror, ...);
 *   - a javascript: or vbscript: URL in an attribute value, which the URL
 *     parser reads after decoding character references and dropping tabs,
 *     newlines and leading blanks ("&#106;ava&#x09;script:" is live).
 *
 * This is a streaming tokenizer: it keeps a few dozen bytes of state, so
 * any size of document is scanned in one pass, fed in chunks of any size.
 * It is not an HTML parser and errs on the side of reporting: text that
 * merely looks like a tag counts.
 */
#include "html.h"

#include <stdio.h>
#include <string.h>

enum { S_TEXT, S_LT, S_NAME, S_ATTRS, S_ANAME, S_AFTER_ANAME, S_VSTART, S_VALUE, S_COMMENT, S_DECL };

static int lower(int c) { return c >= 'A' && c <= 'Z' ? c + 32 : c; }
static int is_alpha(int c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
static int is_space(int c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f'; }

void cr_html_init(struct cr_html *h) { memset(h, 0, sizeof *h); }

static void found(struct cr_html *h, const char *what, const char *name)
{
	if (h->found)
		return;
	h->found = 1;
	snprintf(h->why, sizeof h->why, "%s%s", what, name);
}

/* The element name just ended. */
static void end_name(struct cr_html *h)
{
	h->name[h->nlen] = '\0';
	const char *local = strrchr(h->name, ':');
	local = local ? local + 1 : h->name;
	if (!h->ovf && !h->closing && strcmp(local, "script") == 0)
		found(h, "<script> element", "");
}

/* The attribute name just ended: an on* handler needs a following '='. */
static void end_aname(struct cr_html *h)
{
	h->aname[h->alen] = '\0';
	const char *local = strrchr(h->aname, ':');
	local = local ? local + 1 : h->aname;
	h->pending_on = 0;
	if (!h->aovf && local[0] == 'o' && local[1] == 'n' && local[2]) {
		int letters = 1;
		for (const char *p = local + 2; *p; p++)
			if (!is_alpha(*p))
				letters = 0;
		h->pending_on = letters;
	}
}

/* One decoded character of an attribute value, as the URL parser sees it. */
static void value_char(struct cr_html *h, int c)
{
	if (h->vdone)
		return;
	/* The URL parser strips leading C0 controls and spaces, and tabs/newlines anywhere. */
	if (c == '\t' || c == '\n' || c == '\r' || (h->vlen == 0 && c <= 0x20))
		return;
	if (c == ':') {
		h->val[h->vlen] = '\0';
		if (strcmp(h->val, "javascript") == 0 || strcmp(h->val, "vbscript") == 0) {
			h->aname[h->alen] = '\0';
			found(h, h->val[0] == 'j' ? "javascript: URL in " : "vbscript: URL in ", h->aname);
		}
		h->vdone = 1;
		return;
	}
	if (!is_alpha(c) || h->vlen >= sizeof h->val - 1) {
		h->vdone = 1;
		return;
	}
	h->val[h->vlen++] = (char)lower(c);
}

/* A character reference inside a value ended; feed what it stands for. */
static void end_entity(struct cr_html *h)
{
	h->ent[h->elen] = '\0';
	h->in_ent = 0;
	int c = -1;
	if (h->ent[0] == '#') {
		unsigned long v = 0;
		int hex = h->ent[1] == 'x' || h->ent[1] == 'X';
		for (const char *p = h->ent + 1 + hex; *p; p++) {
			int d = *p >= '0' && *p <= '9' ? *p - '0'
				: hex && lower(*p) >= 'a' && lower(*p) <= 'f' ? lower(*p) - 'a' + 10 : -1;
			if (d < 0 || v > 0x10FFFF)
				break;
			v = v * (hex ? 16 : 10) + (unsigned long)d;
		}
		c = v < 0x80 ? (int)v : 0x80;
	} else if (strcmp(h->ent, "tab") == 0) {
		c = '\t';
	} else if (strcmp(h->ent, "newline") == 0) {
		c = '\n';
	} else if (strcmp(h->ent, "colon") == 0) {
		c = ':';
	} else {
		c = 0x80;	/* some other named reference: not part of a scheme */
	}
	value_char(h, c);
}

static void value_byte(struct cr_html *h, int c)
{
	if (h->in_ent) {
		if (c == ';' || h->elen >= sizeof h->ent - 1 || !(is_alpha(c) || (c >= '0' && c <= '9') || c == '#')) {
			end_entity(h);
			if (c == ';')
				return;
		} else {
			h->ent[h->elen++] = (char)c;
			return;
		}
	}
	if (c == '&') {
		h->in_ent = 1;
		h->elen = 0;
		return;
	}
	value_char(h, c);
}

static void start_value(struct cr_html *h, int quote)
{
	h->st = S_VALUE;
	h->quote = (uint8_t)quote;
	h->vlen = 0;
	h->vdone = 0;
	h->in_ent = 0;
	if (h->pending_on) {
		h->aname[h->alen] = '\0';
		found(h, "event handler ", h->aname);
	}
}

void cr_html_feed(struct cr_html *h, const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n && !h->found; i++) {
		int c = p[i];
		switch (h->st) {
		case S_TEXT:
			if (c == '<') {
				h->st = S_LT;
			} else {
				/* Jump to the next '<': text is most of a document. */
				const uint8_t *lt = memchr(p + i, '<', n - i);
				if (!lt)
					return;
				i = (size_t)(lt - p) - 1;
			}
			break;
		case S_LT:
			h->nlen = 0;
			h->ovf = 0;
			h->closing = 0;
			h->dashes = 0;
			if (c == '/') {
				h->closing = 1;
				h->st = S_NAME;
			} else if (c == '!' || c == '?') {
				h->st = S_DECL;
				h->dashes = 0;
				h->decl_len = 0;
			} else if (is_alpha(c)) {
				h->st = S_NAME;
				h->name[h->nlen++] = (char)lower(c);
			} else {
				h->st = c == '<' ? S_LT : S_TEXT;
			}
			break;
		case S_NAME:
			if (is_alpha(c) || (c >= '0' && c <= '9') || c == ':' || c == '-' || c == '_' || c == '.') {
				if (h->nlen < sizeof h->name - 1)
					h->name[h->nlen++] = (char)lower(c);
				else
					h->ovf = 1;
			} else {
				end_name(h);
				h->st = c == '>' ? S_TEXT : S_ATTRS;
			}
			break;
		case S_ATTRS:
			if (c == '>') {
				h->st = S_TEXT;
			} else if (!is_space(c) && c != '/' && c != '"' && c != '\'' && c != '=') {
				h->alen = 0;
				h->aovf = 0;
				h->aname[h->alen++] = (char)lower(c);
				h->st = S_ANAME;
			}
			break;
		case S_ANAME:
			if (c == '=') {
				end_aname(h);
				h->st = S_VSTART;
			} else if (is_space(c)) {
				end_aname(h);
				h->st = S_AFTER_ANAME;
			} else if (c == '>') {
				h->st = S_TEXT;
			} else if (c == '/') {
				end_aname(h);
				h->st = S_ATTRS;
			} else if (h->alen < sizeof h->aname - 1) {
				h->aname[h->alen++] = (char)lower(c);
			} else {
				h->aovf = 1;
			}
			break;
		case S_AFTER_ANAME:
			if (c == '=') {
				h->st = S_VSTART;
			} else if (c == '>') {
				h->st = S_TEXT;
			} else if (!is_space(c)) {
				h->alen = 0;
				h->aovf = 0;
				h->aname[h->alen++] = (char)lower(c);
				h->st = S_ANAME;
			}
			break;
		case S_VSTART:
			if (is_space(c))
				break;
			if (c == '>') {
				h->st = S_TEXT;
			} else if (c == '"' || c == '\'') {
				start_value(h, c);
			} else {
				start_value(h, 0);
				value_byte(h, c);
			}
			break;
		case S_VALUE:
			if ((h->quote && c == h->quote) || (!h->quote && (is_space(c) || c == '>'))) {
				if (h->in_ent)
					end_entity(h);
				h->st = c == '>' ? S_TEXT : S_ATTRS;
			} else {
				value_byte(h, c);
			}
			break;
		case S_DECL:
			/* "<!--" opens a comment; anything else (<!DOCTYPE, <?xml, <![CDATA[) ends at '>'. */
			if (h->decl_len < 2 && c == '-') {
				h->decl_len++;
				if (h->decl_len == 2) {
					h->st = S_COMMENT;
					h->dashes = 0;
				}
			} else if (c == '>') {
				h->st = S_TEXT;
			} else {
				h->decl_len = 3;
			}
			break;
		case S_COMMENT:
			if (c == '-') {
				h->dashes++;
			} else if (c == '>' && h->dashes >= 2) {
				h->st = S_TEXT;
			} else {
				h->dashes = 0;
			}
			break;
		}
	}
}
