/*
 * test_job.c - the job API: claims and limits per job, never on the
 * shared context; streamed input; the input limit; one scan per job;
 * error messages; rendering in the library.
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

static char *ids(const crible_result *r)
{
	static char out[1024];
	out[0] = '\0';
	for (size_t i = 0; i < crible_result_count(r); i++) {
		if (i)
			strcat(out, " ");
		strncat(out, crible_result_finding(r, i)->id, sizeof out - strlen(out) - 2);
	}
	return out;
}

/* Chunks in, the same result as the whole buffer. */
static void test_streaming(void **st)
{
	(void)st;
	struct sbuf b = {0};
	a_zip_nested(&b);
	crible_ctx *ctx = crible_ctx_new();
	crible_result *whole, *streamed;
	assert_int_equal(crible_scan_mem(ctx, b.p, b.len, "n.zip", NULL, &whole), CRIBLE_OK);
	crible_job *job = crible_job_new(ctx);
	crible_job_set_name(job, "n.zip");
	for (size_t off = 0; off < b.len; off += 7)
		assert_int_equal(crible_job_write(job, b.p + off, b.len - off < 7 ? b.len - off : 7), CRIBLE_OK);
	assert_int_equal(crible_job_finish(job, &streamed), CRIBLE_OK);
	char a[1024];
	snprintf(a, sizeof a, "%s", ids(whole));
	assert_string_equal(a, ids(streamed));
	assert_string_equal(crible_result_sha256(whole), crible_result_sha256(streamed));
	assert_int_equal(crible_result_verdict(streamed), CRIBLE_BLOCK);
	/* A job scans once. */
	crible_result *again = NULL;
	assert_int_equal(crible_job_finish(job, &again), CRIBLE_EINVAL);
	assert_int_equal(crible_job_write(job, "x", 1), CRIBLE_EINVAL);
	assert_non_null(strstr(crible_job_errmsg(job), "once"));
	crible_job_free(job);
	crible_result_free(whole);
	crible_result_free(streamed);
	crible_ctx_free(ctx);
	sb_free(&b);
}

/* Past CRIBLE_LIMIT_INPUT the chunks are refused and there is no result to misread. */
static void test_input_limit(void **st)
{
	(void)st;
	crible_ctx *ctx = crible_ctx_new();
	crible_job *job = crible_job_new(ctx);
	assert_int_equal(crible_job_set_limit(job, CRIBLE_LIMIT_INPUT, 10), CRIBLE_OK);
	assert_int_equal(crible_job_write(job, "0123456789", 10), CRIBLE_OK);
	assert_int_equal(crible_job_write(job, "x", 1), CRIBLE_ELIMIT);
	crible_result *r = NULL;
	assert_int_equal(crible_job_finish(job, &r), CRIBLE_ELIMIT);
	assert_null(r);
	assert_non_null(strstr(crible_job_errmsg(job), "limit of 10 bytes"));
	crible_job_free(job);
	crible_ctx_free(ctx);
}

/* Per-job claims, accept list, policy and limits leave the context and other jobs alone. */
static void test_per_job_settings(void **st)
{
	(void)st;
	struct sbuf png = {0};
	sample_png(&png);
	crible_ctx *ctx = crible_ctx_new();
	crible_job *a = crible_job_new(ctx), *b = crible_job_new(ctx);
	crible_job_set_name(a, "x.exe");
	crible_job_set_accept(a, "application/pdf");
	crible_job_set_severity(a, "type.mismatch", CRIBLE_SEV_HIGH);
	crible_result *ra, *rb;
	assert_int_equal(crible_job_scan_mem(a, png.p, png.len, &ra), CRIBLE_OK);
	assert_int_equal(crible_job_scan_mem(b, png.p, png.len, &rb), CRIBLE_OK);
	assert_string_equal(ids(ra), "type.mismatch type.disallowed");
	assert_int_equal(crible_result_verdict(ra), CRIBLE_BLOCK);
	assert_int_equal(crible_result_count(rb), 0);
	assert_int_equal(crible_result_verdict(rb), CRIBLE_ALLOW);
	/* Limits by number: zero is refused, never "unlimited"; an unknown limit is an error. */
	assert_int_equal(crible_job_set_limit(b, CRIBLE_LIMIT_DEPTH, 0), CRIBLE_EINVAL);
	assert_int_equal(crible_job_set_limit(b, (crible_limit)99, 1), CRIBLE_EINVAL);
	assert_int_equal(crible_ctx_set_limit(ctx, CRIBLE_LIMIT_TIME_MS, 1234), CRIBLE_OK);
	assert_int_equal(crible_ctx_get_limit(ctx, CRIBLE_LIMIT_TIME_MS), 1234);
	assert_int_equal(crible_ctx_get_limit(ctx, CRIBLE_LIMIT_DEPTH), 8);
	crible_result_free(ra);
	crible_result_free(rb);
	crible_job_free(a);
	crible_job_free(b);
	crible_ctx_free(ctx);
	sb_free(&png);
}

static void test_errors_and_render(void **st)
{
	(void)st;
	crible_ctx *ctx = crible_ctx_new();
	crible_job *job = crible_job_new(ctx);
	crible_result *r = NULL;
	assert_int_equal(crible_job_scan_path(job, "/nonexistent/x.bin", &r), CRIBLE_EIO);
	assert_non_null(strstr(crible_job_errmsg(job), "No such file"));
	crible_job_free(job);

	struct sbuf b = {0};
	a_zip_slip(&b);
	assert_int_equal(crible_scan_mem(ctx, b.p, b.len, "s.zip", NULL, &r), CRIBLE_OK);
	char *out;
	size_t len;
	assert_int_equal(crible_result_render(r, "up/s.zip", CRIBLE_TEXT, &out, &len), CRIBLE_OK);
	assert_string_equal(out, "up/s.zip: block zip (application/zip) path.traversal\n");
	assert_int_equal(len, strlen(out));
	free(out);
	assert_int_equal(crible_result_render(r, "up/s.zip", CRIBLE_TEXT | CRIBLE_VERBOSE, &out, NULL), CRIBLE_OK);
	assert_non_null(strstr(out, "\n  high   path.traversal in ../../../../tmp/evil.txt: "));
	free(out);
	assert_int_equal(crible_result_render(r, "up/s.zip", CRIBLE_JSON, &out, &len), CRIBLE_OK);
	assert_true(!strncmp(out, "{\"path\":\"up/s.zip\",\"verdict\":\"block\"", 36) && out[len - 1] == '\n');
	free(out);
	assert_int_equal(crible_result_render(r, "x", 0, &out, NULL), CRIBLE_EINVAL);
	assert_int_equal(crible_error_render("a\"b", "gone", CRIBLE_JSON, &out, NULL), CRIBLE_OK);
	assert_string_equal(out, "{\"path\":\"a\\\"b\",\"error\":\"gone\"}\n");
	free(out);
	crible_result_free(r);
	sb_free(&b);
	crible_ctx_free(ctx);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_streaming),
		cmocka_unit_test(test_input_limit),
		cmocka_unit_test(test_per_job_settings),
		cmocka_unit_test(test_errors_and_render),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
