/*
 * test_contract.c - the walker contract, proved with a format the library
 * does not have: tests/unit/toy.c plus one line in the format table.  The
 * toy is identified by its own bid, walked by its own walker, its entries
 * judged by the engine, offered to the sink in order with their data, its
 * children scanned with the whole `where` chain, and its post-walk rule
 * sees the facts the walk gathered.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "../gen/samples.h"
#include "crible.h"

static void rec(struct sbuf *b, uint8_t kind, const char *name, const void *data, size_t len)
{
	sb_u8(b, kind);
	sb_u16le(b, (uint16_t)strlen(name));
	sb_str(b, name);
	sb_u32le(b, (uint32_t)len);
	sb_put(b, data, len);
}

static const char eicar[] = "X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*";

static void toy(struct sbuf *b)
{
	static const struct zspec inner[] = {{"a.js", NULL, "WScript.Echo(1);\n", 17, 0, 0, 0, 0, 0}};
	struct sbuf z = {0};
	zip_write(&z, inner, 1);
	sb_str(b, "CRTOY\n");
	rec(b, 0, "readme.txt", "hello, a note\n", 14);
	rec(b, 1, "docs", "", 0);
	rec(b, 0, "../evil.txt", "hello\n", 6);
	rec(b, 2, "link", "/etc/passwd", 11);
	rec(b, 0, "eicar.txt", eicar, sizeof eicar - 1);
	rec(b, 0, "inner.zip", z.p, z.len);
	/* Far enough from the end that the inner ZIP's end record is not the toy's tail (a polyglot). */
	static const uint8_t zeros[70000];
	rec(b, 0, "pad.bin", zeros, sizeof zeros);
	rec(b, 0, "xl/vbaProject.bin", "\xd0\xcf\x11\xe0", 4);
	sb_free(&z);
}

struct seen {
	char line[32][160];
	int n;
	int stop_at;	/* return nonzero at this entry (0: never) */
	int data_ok;
};

static int sink(void *arg, const crible_entry *e)
{
	struct seen *s = arg;
	if (s->n < 32)
		snprintf(s->line[s->n], sizeof s->line[0], "%u %.*s k%d d%d w%d %s", e->depth, (int)e->namelen, e->name,
			 (int)e->kind, e->has_data, e->worst, e->where[e->nwhere - 1]);
	s->n++;
	/* The data is readable during the call, whole. */
	if (e->has_data) {
		char buf[4096];
		long long n = crible_entry_read(e, 0, buf, sizeof buf);
		s->data_ok += n == (long long)(e->size < sizeof buf ? e->size : sizeof buf);
	}
	return s->stop_at && s->n == s->stop_at;
}

/* The finding with this id and last `where` element, or NULL. */
static const crible_finding *find(const crible_result *r, const char *id, const char *last)
{
	for (size_t i = 0; i < crible_result_count(r); i++) {
		const crible_finding *f = crible_result_finding(r, i);
		if (!strcmp(f->id, id) && (!last || !strcmp(f->where[f->nwhere - 1], last)))
			return f;
	}
	return NULL;
}

static void test_toy_walk(void **st)
{
	(void)st;
	struct sbuf b = {0};
	toy(&b);
	crible_ctx *ctx = crible_ctx_new();
	crible_job *job = crible_job_new(ctx);
	struct seen s = {0};
	assert_int_equal(crible_job_set_sink(job, sink, &s), CRIBLE_OK);
	assert_int_equal(crible_job_set_name(job, "t.toy"), CRIBLE_OK);
	crible_result *r;
	assert_int_equal(crible_job_scan_mem(job, b.p, b.len, &r), CRIBLE_OK);

	/* Identified by the toy's own bid, as its own type. */
	assert_string_equal(crible_result_type_name(r), "toy");
	assert_string_equal(crible_result_mime(r), "application/x-crible-toy");
	assert_int_equal(crible_result_verdict(r), CRIBLE_BLOCK);

	/* Every entry, in order, then the zip's entry one level down, each judged before the sink saw it. */
	static const char *const want[] = {
		"1 readme.txt k0 d1 w-1 readme.txt",
		"1 docs k1 d0 w-1 docs",
		"1 ../evil.txt k0 d1 w2 ../evil.txt",
		"1 link k2 d0 w2 link",
		"1 eicar.txt k0 d1 w-1 eicar.txt",
		"1 inner.zip k0 d1 w-1 inner.zip",
		"2 a.js k0 d1 w-1 a.js",
		"1 pad.bin k0 d1 w-1 pad.bin",
		"1 xl/vbaProject.bin k0 d1 w-1 xl/vbaProject.bin",
	};
	assert_int_equal(s.n, 9);
	for (int i = 0; i < 9; i++)
		assert_string_equal(s.line[i], want[i]);
	assert_int_equal(s.data_ok, 7);

	/* The engine's rules at the entries' places, the children's with the whole chain. */
	const crible_finding *f = find(r, "path.traversal", "../evil.txt");
	assert_non_null(f);
	assert_int_equal(f->nwhere, 2);
	assert_string_equal(f->where[0], "t.toy");
	assert_non_null(find(r, "link.escape", "link"));
	assert_non_null(find(r, "sig.eicar", "eicar.txt"));
	f = find(r, "exec.script", "a.js");
	assert_non_null(f);
	assert_int_equal(f->nwhere, 3);
	assert_string_equal(f->where[1], "inner.zip");
	/* The post-walk rule, from a fact the engine gathered. */
	f = find(r, "doc.macro", NULL);
	assert_non_null(f);
	assert_int_equal(f->nwhere, 1);
	assert_non_null(strstr(f->detail, "xl/vbaProject.bin"));
	crible_result_free(r);
	crible_job_free(job);

	/* A sink that stops the walk stops the scan: an error, never a result. */
	job = crible_job_new(ctx);
	struct seen s2 = {.stop_at = 3};
	crible_job_set_sink(job, sink, &s2);
	assert_int_equal(crible_job_scan_mem(job, b.p, b.len, &r), CRIBLE_ECANCELED);
	assert_null(r);
	assert_int_equal(s2.n, 3);
	assert_non_null(strstr(crible_job_errmsg(job), "cancelled"));
	crible_job_free(job);

	/* A record that does not fit: container.corrupt, and what came before is still judged. */
	b.len -= 2;
	assert_int_equal(crible_scan_mem(ctx, b.p, b.len, "t.toy", NULL, &r), CRIBLE_OK);
	assert_non_null(find(r, "container.corrupt", NULL));
	assert_non_null(find(r, "path.traversal", "../evil.txt"));
	crible_result_free(r);
	crible_ctx_free(ctx);
	sb_free(&b);
}

/* An empty toy: its type, its extension known to the type rules, nothing to report. */
static void test_toy_empty(void **st)
{
	(void)st;
	crible_ctx *ctx = crible_ctx_new();
	crible_result *r;
	assert_int_equal(crible_scan_mem(ctx, "CRTOY\n", 6, "t.toy", NULL, &r), CRIBLE_OK);
	assert_string_equal(crible_result_type_name(r), "toy");
	assert_int_equal(crible_result_count(r), 0);
	crible_result_free(r);
	/* Named .png, the toy's bytes are a mismatch: the type table knows it. */
	assert_int_equal(crible_scan_mem(ctx, "CRTOY\n", 6, "t.png", NULL, &r), CRIBLE_OK);
	assert_int_equal(crible_result_count(r), 1);
	assert_string_equal(crible_result_finding(r, 0)->id, "type.mismatch");
	crible_result_free(r);
	crible_ctx_free(ctx);
}

/* A path as the JSON contract writes it: the reference the renderer's fast path must match. */
static size_t json_escaped(const uint8_t *s, size_t n, char *out)
{
	size_t o = 0;
	for (size_t i = 0; i < n; i++) {
		uint8_t c = s[i];
		if (c == '"' || c == '\\')
			o += (size_t)sprintf(out + o, "\\%c", c);
		else if (c == '\n')
			o += (size_t)sprintf(out + o, "\\n");
		else if (c == '\r')
			o += (size_t)sprintf(out + o, "\\r");
		else if (c == '\t')
			o += (size_t)sprintf(out + o, "\\t");
		else if (c < 0x20 || c == 0x7f)
			o += (size_t)sprintf(out + o, "\\u%04x", c);
		else
			out[o++] = (char)c;
	}
	out[o] = '\0';
	return o;
}

/*
 * Every ASCII byte in a path, at each offset across the 16 bytes the
 * renderer skips at once, comes out escaped exactly as the contract says;
 * UTF-8 stays as it is and a byte that is not UTF-8 becomes U+FFFD.
 */
static void test_json_escaping(void **st)
{
	(void)st;
	int bad = 0;
	for (size_t pad = 0; pad < 18; pad++)
		for (unsigned c = 1; c < 0x80; c++) {
			uint8_t path[64];
			size_t n = 0;
			memset(path, 'x', pad);
			n = pad;
			path[n++] = (uint8_t)c;
			memset(path + n, 'y', 20);
			n += 20;
			path[n] = '\0';
			char want[512], *got = NULL;
			int w = snprintf(want, sizeof want, "{\"path\":\"");
			w += (int)json_escaped(path, n, want + w);
			assert_int_equal(crible_error_render((const char *)path, "m", CRIBLE_JSON, &got, NULL), CRIBLE_OK);
			if (strncmp(got, want, (size_t)w) != 0 || got[w] != '"') {
				print_error("byte 0x%02x after %zu: %s\n", c, pad, got);
				bad++;
			}
			free(got);
		}
	/* UTF-8 kept; 0xff and a cut sequence replaced, wherever they fall. */
	for (size_t pad = 0; pad < 18; pad++) {
		char path[64], want[128], *got = NULL;
		memset(path, 'x', pad);
		snprintf(path + pad, sizeof path - pad, "\xc3\xa9\xe4\xb8\xad-\xff-zzzzzzzzzzzz\xe4\xb8");
		int w = snprintf(want, sizeof want, "{\"path\":\"%.*s\xc3\xa9\xe4\xb8\xad-\xef\xbf\xbd-zzzzzzzzzzzz", (int)pad,
				 path);
		assert_int_equal(crible_error_render(path, "m", CRIBLE_JSON, &got, NULL), CRIBLE_OK);
		if (strncmp(got, want, (size_t)w) != 0 || strncmp(got + w, "\xef\xbf\xbd", 3) != 0) {
			print_error("UTF-8 after %zu: %s\n", pad, got);
			bad++;
		}
		free(got);
	}
	/* C1 controls, bidi marks and the line separators: the same characters as \\u escapes, never raw. */
	static const struct {
		const char *in, *want;
	} hid[] = {{"a\xc2\x9b" "b", "a\\u009bb"}, {"\xe2\x80\xae" "txt.exe", "\\u202etxt.exe"},
		   {"\xe2\x81\xa6x", "\\u2066x"}, {"\xe2\x80\xa8", "\\u2028"}, {"\xef\xbb\xbf" "a", "\\ufeffa"},
		   {"\xc2\xa0\xe2\x80\x99", "\xc2\xa0\xe2\x80\x99"}};
	for (size_t k = 0; k < sizeof hid / sizeof *hid; k++) {
		char want[128], *got = NULL;
		snprintf(want, sizeof want, "{\"path\":\"%s\",", hid[k].want);
		assert_int_equal(crible_error_render(hid[k].in, "m", CRIBLE_JSON, &got, NULL), CRIBLE_OK);
		if (strncmp(got, want, strlen(want)) != 0) {
			print_error("hidden %zu: %s\n", k, got);
			bad++;
		}
		free(got);
	}
	assert_int_equal(bad, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_toy_walk),
		cmocka_unit_test(test_toy_empty),
		cmocka_unit_test(test_json_escaping),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
