/*
 * fuzz_scan - the whole engine on one object: identification, content
 * pass, rules, and every rendering.  The first byte picks a claimed name
 * and an accept list, so the rules see hostile claims too.  The JSON
 * report and a SARIF log of the result must parse as JSON; the text
 * renderings must hold no control byte but the newline and our own colour
 * sequences.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../src/lib/io/json.h"
#include "crible.h"

static void must_parse(const char *s, size_t n)
{
	const char *why = NULL;
	struct cr_jv *v = cr_json_parse((const uint8_t *)s, n, &why);
	/* Only a report past the reader's own bounds may fail; anything else is a renderer bug. */
	if (!v && !(why && (strstr(why, "deep") || strstr(why, "values") || strstr(why, "memory"))))
		abort();
	cr_json_free(v);
}

static void sarif(const crible_result *r, const char *path)
{
	char *head = NULL, *mid = NULL, *tail = NULL, *note = NULL;
	if (crible_sarif_begin(&head, NULL) == CRIBLE_OK && crible_result_render(r, path, CRIBLE_SARIF, &mid, NULL) == CRIBLE_OK &&
	    crible_error_render(path, "unreadable", CRIBLE_SARIF, &note, NULL) == CRIBLE_OK &&
	    crible_sarif_end(0, note, &tail, NULL) == CRIBLE_OK) {
		size_t n = strlen(head) + strlen(mid) + strlen(tail);
		char *log = malloc(n + 1);
		if (log) {
			strcpy(log, head);
			strcat(log, mid);
			strcat(log, tail);
			must_parse(log, n);
			free(log);
		}
	}
	free(head);
	free(mid);
	free(tail);
	free(note);
}

/* No byte below 0x20 but the newline, no DEL; ESC only in the colour sequences the renderer writes. */
static void terminal_safe(const char *s)
{
	static const char *const sgr[] = {"\033[1;31m", "\033[33m", "\033[32m", "\033[0m"};
	for (const char *p = s; *p; p++) {
		unsigned char c = (unsigned char)*p;
		if (c == 0x1b) {
			size_t k = 0;
			while (k < 4 && strncmp(p, sgr[k], strlen(sgr[k])))
				k++;
			if (k == 4)
				abort();
			p += strlen(sgr[k]) - 1;
		} else if ((c < 0x20 && c != '\n') || c == 0x7f) {
			abort();
		}
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static crible_ctx *ctx[2];
	if (!ctx[0]) {
		ctx[0] = crible_ctx_new();
		ctx[1] = crible_ctx_new();
		/* crible's own parsers are the target: libarchive's containers are left uninspected. */
		crible_ctx_set_option(ctx[0], CRIBLE_OPT_EXTERNAL_READERS, 0);
		crible_ctx_set_option(ctx[1], CRIBLE_OPT_EXTERNAL_READERS, 0);
		crible_ctx_set_accept(ctx[1], "image/*,.csv,application/pdf");
	}
	static const char *const names[] = {NULL, "a.png", "cv.pdf", "x.exe", "notes.txt", "a.svg", "data.csv", "y"};
	const char *name = size ? names[data[0] & 7] : NULL;
	crible_result *r = NULL;
	if (crible_scan_mem(ctx[size && (data[0] & 8)], data, size, name, size && (data[0] & 16) ? "text/plain" : NULL,
			    &r) == CRIBLE_OK) {
		char *js = NULL;
		size_t len;
		if (crible_result_json(r, name ? name : "-", &js, &len) == CRIBLE_OK) {
			must_parse(js, len);
			free(js);
		}
		sarif(r, name ? name : "in put\x1b[2J.bin");
		char *t = NULL;
		if (crible_result_render(r, "a\x1b]0;x\x07.bin", CRIBLE_TEXT | CRIBLE_VERBOSE | CRIBLE_COLOR, &t, NULL) == CRIBLE_OK)
			terminal_safe(t);
		free(t);
		crible_result_free(r);
	}
	return 0;
}
