/*
 * test_rules.c - every scenario in process (exact type, finding ids and
 * verdict), then the pieces: policy text, accept lists, extensions, the
 * streaming script finder, JSON escaping, argument errors.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "../../src/lib/ident/types.h"
#include "../../src/lib/rules/html.h"
#include "../gen/samples.h"
#include "crible.h"

static int cmp(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

/* Sorts v[0..k) and joins the distinct values with spaces into out. */
static void join_sorted(const char **v, size_t k, char *out, size_t n)
{
	qsort(v, k, sizeof v[0], cmp);
	out[0] = '\0';
	for (size_t i = 0; i < k; i++) {
		if (i && !strcmp(v[i], v[i - 1]))
			continue;
		if (out[0])
			strncat(out, " ", n - strlen(out) - 1);
		strncat(out, v[i], n - strlen(out) - 1);
	}
}

/* The distinct finding ids of r, sorted, space-separated. */
static void ids_of(const crible_result *r, char *out, size_t n)
{
	const char *v[256];
	size_t k = 0;
	for (size_t i = 0; i < crible_result_count(r) && k < 256; i++) {
		const char *id = crible_result_finding(r, i)->id;
		size_t j = 0;
		while (j < k && strcmp(v[j], id) != 0)
			j++;
		if (j == k)
			v[k++] = id;
	}
	join_sorted(v, k, out, n);
}

/* A space-separated list, sorted. */
static void sorted(const char *in, char *out, size_t n)
{
	char tmp[512], *save = NULL;
	const char *v[64];
	size_t k = 0;
	snprintf(tmp, sizeof tmp, "%s", in);
	for (char *t = strtok_r(tmp, " ", &save); t && k < 64; t = strtok_r(NULL, " ", &save))
		v[k++] = t;
	join_sorted(v, k, out, n);
}

/* Applies "--accept X", "--declared-type X", "--severity ID=SEV" options to ctx. */
static const char *apply_args(crible_ctx *ctx, const char *args)
{
	static char declared[128];
	const char *decl = NULL;
	char tmp[256], *save = NULL;
	snprintf(tmp, sizeof tmp, "%s", args);
	for (char *t = strtok_r(tmp, " ", &save); t; t = strtok_r(NULL, " ", &save)) {
		char *val = strtok_r(NULL, " ", &save);
		assert_non_null(val);
		if (!strcmp(t, "--accept")) {
			assert_int_equal(crible_ctx_set_accept(ctx, val), CRIBLE_OK);
		} else if (!strcmp(t, "--declared-type")) {
			snprintf(declared, sizeof declared, "%s", val);
			decl = declared;
		} else if (!strcmp(t, "--severity")) {
			char *eq = strchr(val, '=');
			assert_non_null(eq);
			*eq = '\0';
			crible_severity s = !strcmp(eq + 1, "high") ? CRIBLE_SEV_HIGH
					    : !strcmp(eq + 1, "medium") ? CRIBLE_SEV_MEDIUM : CRIBLE_SEV_LOW;
			assert_int_equal(crible_ctx_set_severity(ctx, val, s), CRIBLE_OK);
		} else if (!strcmp(t, "--max-entries")) {
			assert_int_equal(crible_ctx_set_limit(ctx, CRIBLE_LIMIT_ENTRIES, strtoull(val, NULL, 10)), CRIBLE_OK);
		} else {
			fail_msg("unknown scenario option %s", t);
		}
	}
	return decl;
}

static void test_scenarios(void **st)
{
	(void)st;
	int bad = 0;
	for (size_t i = 0; i < nscenarios; i++) {
		const struct scenario *s = &scenarios[i];
		crible_ctx *ctx = crible_ctx_new();
		const char *decl = apply_args(ctx, s->args);
		struct sbuf b = {0};
		s->build(&b);
		crible_result *r;
		assert_int_equal(crible_scan_mem(ctx, b.p, b.len, s->file, decl, &r), CRIBLE_OK);
		char got[512], want[512];
		ids_of(r, got, sizeof got);
		sorted(s->findings, want, sizeof want);
		const char *v = crible_verdict_name(crible_result_verdict(r));
		if (strcmp(got, want) || strcmp(v, s->verdict) || strcmp(crible_result_type_name(r), s->type)) {
			print_error("%s (%s): got %s %s [%s], want %s %s [%s]\n", s->file, s->why,
				    crible_result_type_name(r), v, got, s->type, s->verdict, want);
			for (size_t k = 0; k < crible_result_count(r) && k < 40; k++)
				print_error("    %s: %s\n", crible_result_finding(r, k)->id,
					    crible_result_finding(r, k)->detail);
			bad++;
		}
		crible_result_free(r);
		sb_free(&b);
		crible_ctx_free(ctx);
	}
	assert_int_equal(bad, 0);
}

static void test_policy_text(void **st)
{
	(void)st;
	crible_ctx *ctx = crible_ctx_new();
	int line = 0;
	const char ok[] = "# comment\n\ntype.mismatch = high\nexec.* low   # trailing comment\nsig.eicar block\n";
	assert_int_equal(crible_ctx_load_policy(ctx, ok, sizeof ok - 1, &line), CRIBLE_OK);
	const char badsev[] = "type.mismatch high\nexec.native severe\n";
	assert_int_equal(crible_ctx_load_policy(ctx, badsev, sizeof badsev - 1, &line), CRIBLE_EPOLICY);
	assert_int_equal(line, 2);
	const char badid[] = "no.such.id high\n";
	assert_int_equal(crible_ctx_load_policy(ctx, badid, sizeof badid - 1, &line), CRIBLE_EUNKNOWN_ID);
	assert_int_equal(line, 1);
	const char extra[] = "type.mismatch high extra\n";
	assert_int_equal(crible_ctx_load_policy(ctx, extra, sizeof extra - 1, &line), CRIBLE_EPOLICY);
	assert_int_equal(crible_ctx_set_severity(ctx, "nope.*", CRIBLE_SEV_LOW), CRIBLE_EUNKNOWN_ID);

	/* The loaded policy takes effect: a PE named .exe is now allowed, EICAR still blocks. */
	struct sbuf b = {0};
	for (size_t i = 0; i < nscenarios; i++)
		if (!strcmp(scenarios[i].file, "tool.exe"))
			scenarios[i].build(&b);
	crible_result *r;
	assert_int_equal(crible_scan_mem(ctx, b.p, b.len, "tool.exe", NULL, &r), CRIBLE_OK);
	assert_int_equal(crible_result_verdict(r), CRIBLE_ALLOW);
	assert_int_equal(crible_result_finding(r, 0)->severity, CRIBLE_SEV_LOW);
	crible_result_free(r);
	sb_free(&b);
	crible_ctx_free(ctx);
}

static void test_accept_lists(void **st)
{
	(void)st;
	crible_ctx *ctx = crible_ctx_new();
	assert_int_equal(crible_ctx_set_accept(ctx, ".csv, image/*,text/plain ,PDF"), CRIBLE_OK);
	assert_int_equal(crible_ctx_set_accept(ctx, "image/*x"), CRIBLE_EINVAL);
	assert_int_equal(crible_ctx_set_accept(ctx, "*/*"), CRIBLE_EINVAL);
	assert_int_equal(crible_ctx_set_accept(ctx, "."), CRIBLE_EINVAL);
	assert_int_equal(crible_ctx_set_accept(ctx, ""), CRIBLE_OK);
	assert_int_equal(crible_ctx_set_accept(ctx, NULL), CRIBLE_OK);
	/* Extensions are case-insensitive, with or without the dot. */
	assert_int_equal(crible_ctx_set_accept(ctx, "PNG"), CRIBLE_OK);
	crible_result *r;
	static const uint8_t png[] = "\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR\0\0\0\1\0\0\0\1\x08\x02\0\0\0";
	assert_int_equal(crible_scan_mem(ctx, png, sizeof png - 1, "a.png", NULL, &r), CRIBLE_OK);
	assert_int_equal(crible_result_count(r), 0);
	crible_result_free(r);
	assert_int_equal(crible_scan_mem(ctx, "hello\n", 6, "a.png", NULL, &r), CRIBLE_OK);
	assert_int_equal(crible_result_verdict(r), CRIBLE_BLOCK);
	crible_result_free(r);
	crible_ctx_free(ctx);
}

static void test_extensions(void **st)
{
	(void)st;
	size_t l = 0;
	const char *e = cr_name_ext("dir/a.TXT", &l);
	assert_non_null(e);
	assert_int_equal(l, 3);
	assert_memory_equal(e, "TXT", 3);
	/* Windows strips trailing dots and spaces (CVE-2023-38831 spoofing). */
	e = cr_name_ext("invoice.exe. . ", &l);
	assert_non_null(e);
	assert_int_equal(l, 3);
	assert_memory_equal(e, "exe", 3);
	assert_null(cr_name_ext(".profile", &l));
	assert_null(cr_name_ext("dir.d/file", &l));
	assert_null(cr_name_ext("noext", &l));
	e = cr_name_ext("a\\b.c", &l);
	assert_non_null(e);
	assert_int_equal(l, 1);
	assert_null(cr_name_ext(NULL, &l));
}

/* The script finder gives the same answer whatever the chunking. */
static int html_found(const char *doc, size_t chunk)
{
	size_t n = strlen(doc);
	struct cr_html *h = cr_html_new((const uint8_t *)doc, n, false);
	assert_non_null(h);
	for (size_t i = 0; i < n; i += chunk)
		cr_html_feed(h, (const uint8_t *)doc + i, n - i < chunk ? n - i : chunk);
	cr_html_finish(h);
	int found = cr_html_script(h) != NULL;
	cr_html_free(h);
	return found;
}

static void test_html_scanner(void **st)
{
	(void)st;
	static const char *const yes[] = {
		"<script>x</script>",
		"<SCRIPT SRC=x>",
		"<svg:script>x</svg:script>",
		"<img src=x onerror=alert(1)>",
		"<body ONLOAD = 'x'>",
		"<a href=\"javascript:alert(1)\">",
		"<a href='  JaVaScRiPt:alert(1)'>",
		"<a href=\"java&#x09;script:x\">",
		"<a href=\"&#106;avascript:x\">",
		"<a href=\"&#x6A;avascript&colon;x\">",
		"<a href=\"java\nscript:x\">",
		"<a href=\"vbscript:msgbox\">",
		"<!-- comment --><svg onload=x>",
		"<set attributeName=\"href\" to=\"javascript:alert(1)\"/>",
	};
	static const char *const no[] = {
		"<p>use javascript: carefully, and onload= in prose</p>",
		"<!-- <script>alert(1)</script> -->",
		"<a href=\"https://example.org/javascript:x\">",
		"<img alt=\"onerror=alert(1)\">",
		"<scripts>not a script element</scripts>",
		"<div data-onload=\"x\">",
		"a < b and c > d",
		"<a href=\"java script:x\">",
		"<a href=java\nscript:x>",	/* unquoted: the newline ends the value */
		"<![CDATA[ <script> ]]>",
	};
	size_t chunks[] = {1, 2, 3, 7, 4096};
	for (size_t c = 0; c < sizeof chunks / sizeof chunks[0]; c++) {
		for (size_t i = 0; i < sizeof yes / sizeof yes[0]; i++)
			if (!html_found(yes[i], chunks[c]))
				fail_msg("missed (chunk %zu): %s", chunks[c], yes[i]);
		for (size_t i = 0; i < sizeof no / sizeof no[0]; i++)
			if (html_found(no[i], chunks[c]))
				fail_msg("false alarm (chunk %zu): %s", chunks[c], no[i]);
	}
}

static void test_json_escaping(void **st)
{
	(void)st;
	crible_ctx *ctx = crible_ctx_new();
	crible_result *r;
	assert_int_equal(crible_scan_mem(ctx, "MZ", 2, NULL, NULL, &r), CRIBLE_OK);
	char *js = NULL;
	size_t len = 0;
	assert_int_equal(crible_result_json(r, "a\"b\\c\n\x01\xff.txt", &js, &len), CRIBLE_OK);
	assert_non_null(strstr(js, "\"path\":\"a\\\"b\\\\c\\n\\u0001\xef\xbf\xbd.txt\""));
	assert_non_null(strstr(js, "\"verdict\":\"allow\",\"size\":2,"));
	assert_non_null(strstr(js, "\"type\":{\"mime\":\"text/plain\",\"name\":\"text\"},\"findings\":[]}"));
	assert_int_equal(len, strlen(js));
	free(js);
	crible_result_free(r);
	crible_ctx_free(ctx);
}

static void test_sha256(void **st)
{
	(void)st;
	crible_ctx *ctx = crible_ctx_new();
	crible_result *r;
	assert_int_equal(crible_scan_mem(ctx, "abc", 3, NULL, NULL, &r), CRIBLE_OK);
	assert_string_equal(crible_result_sha256(r), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	crible_result_free(r);
	crible_ctx_set_hash(ctx, 0);
	assert_int_equal(crible_scan_mem(ctx, "abc", 3, NULL, NULL, &r), CRIBLE_OK);
	assert_null(crible_result_sha256(r));
	crible_result_free(r);
	crible_ctx_free(ctx);
}

static void test_bad_arguments(void **st)
{
	(void)st;
	crible_ctx *ctx = crible_ctx_new();
	crible_result *r = NULL;
	assert_int_equal(crible_scan_mem(NULL, "a", 1, NULL, NULL, &r), CRIBLE_EINVAL);
	assert_int_equal(crible_scan_mem(ctx, NULL, 1, NULL, NULL, &r), CRIBLE_EINVAL);
	assert_int_equal(crible_scan_fd(ctx, -1, NULL, NULL, &r), CRIBLE_EINVAL);
	assert_int_equal(crible_scan_path(ctx, "/nonexistent/crible", NULL, &r), CRIBLE_EIO);
	assert_int_equal(crible_scan_path(ctx, "/", NULL, &r), CRIBLE_EISDIR);
	assert_null(r);
	assert_int_equal(crible_ctx_set_severity(ctx, "type.mismatch", (crible_severity)7), CRIBLE_EINVAL);
	crible_ctx_free(NULL);
	crible_result_free(NULL);
	assert_string_equal(crible_strerror(CRIBLE_EIO), "input could not be read");
	crible_ctx_free(ctx);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_scenarios),     cmocka_unit_test(test_policy_text),
		cmocka_unit_test(test_accept_lists),  cmocka_unit_test(test_extensions),
		cmocka_unit_test(test_html_scanner),  cmocka_unit_test(test_json_escaping),
		cmocka_unit_test(test_sha256),	      cmocka_unit_test(test_bad_arguments),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
