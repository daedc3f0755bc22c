/* buf.h - a bounded growing buffer for rendering reports (curl's dynbuf habit). */
#ifndef CR_BUF_H
#define CR_BUF_H

#include <stdbool.h>
#include <stddef.h>

struct cr_buf {
	char *p;
	size_t len, cap, max;
	bool failed;	/* an append hit ENOMEM or max; later appends do nothing */
};

void cr_buf_init(struct cr_buf *b, size_t max);
void cr_buf_free(struct cr_buf *b);
void cr_buf_add(struct cr_buf *b, const char *s, size_t n);
void cr_buf_str(struct cr_buf *b, const char *s);
/* Appends v in decimal (the JSON report's counts and sizes, without printf's cost per call). */
void cr_buf_u64(struct cr_buf *b, unsigned long long v);
void cr_buf_printf(struct cr_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Appends s as a JSON string literal; invalid UTF-8 becomes U+FFFD. */
void cr_buf_json_str(struct cr_buf *b, const char *s);
/* Appends s[0, n) for a terminal: controls, bidi marks and invalid UTF-8 as visible escapes. */
void cr_buf_text_str(struct cr_buf *b, const char *s, size_t n);

#endif
