/*
 * html.h - html.script and html.smuggling: what a browser would run (see html.c).
 */
#ifndef CR_HTML_H
#define CR_HTML_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct cr_html;

/*
 * A page read from its first bytes (head, n of them: the encoding sniff
 * and the readings it calls for are decided there), and with xml, also
 * read as XML (SVG, XHTML) by expat.  NULL when out of memory.
 */
struct cr_html *cr_html_new(const uint8_t *head, size_t n, bool xml);
/* The page's bytes from the first, in chunks of any size. */
void cr_html_feed(struct cr_html *h, const uint8_t *p, size_t n);
/* End of the page: what is found is final. */
void cr_html_finish(struct cr_html *h);
void cr_html_free(struct cr_html *h);

/* What was found (after finish): NULL, or why, for each finding. */
const char *cr_html_script(const struct cr_html *h);
const char *cr_html_smuggling(const struct cr_html *h);
/* A file the page builds from a literal (base64 in script, a data: URL to download). */
const uint8_t *cr_html_payload(const struct cr_html *h, size_t *n, const char **name);
/* The XML reading's entities expanded past the cap: why, or NULL. */
const char *cr_html_bomb(const struct cr_html *h);
/* The memory could not be had for part of the page: the answer is not whole. */
bool cr_html_incomplete(const struct cr_html *h);

#endif
