/* html.h - the streaming script finder behind html.script (see html.c). */
#ifndef CR_HTML_H
#define CR_HTML_H

#include <stddef.h>
#include <stdint.h>

struct cr_html {
	uint8_t st, quote, nlen, alen, vlen, elen;
	uint8_t ovf, aovf, closing, vdone, in_ent, pending_on, dashes, decl_len;
	char name[24];
	char aname[40];
	char val[12];
	char ent[12];
	int found;
	char why[72];	/* what was found, once found */
};

void cr_html_init(struct cr_html *h);
/* Feeds the next n bytes; chunks may split anywhere. Stops work once found. */
void cr_html_feed(struct cr_html *h, const uint8_t *p, size_t n);

#endif
