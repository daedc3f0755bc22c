/* test_vba.c - MS-OVBA decompression, the VBA source scan, and what doc.macro says. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "../../src/lib/codec/ovba.h"
#include "../../src/lib/vba/project.h"
#include "../gen/samples.h"
#include "crible.h"

/* The copy token of MS-OVBA 2.4.1.3.19: "abc" then (offset 3, length 9) at position 3. */
static void test_copy_token(void **st)
{
	(void)st;
	const uint8_t in[] = {0x01, 0x05, 0xB0, 0x08, 'a', 'b', 'c', 0x06, 0x20};
	uint8_t out[64];
	enum cr_ovba res;
	size_t n = cr_ovba_decompress(in, sizeof in, out, sizeof out, &res);
	assert_int_equal(res, OVBA_OK);
	assert_int_equal(n, 12);
	assert_memory_equal(out, "abcabcabcabc", 12);
}

/* Round trips through the generator's compressor: copy tokens of every bit count, several chunks. */
static void test_round_trip(void **st)
{
	(void)st;
	struct sbuf src = {0};
	for (int i = 0; i < 700; i++) {
		char line[64];
		snprintf(line, sizeof line, "    x%d = x%d + %d ' note\r\n", i % 37, i % 11, i);
		sb_str(&src, line);
	}
	struct sbuf c = {0};
	ovba_compress(&c, src.p, src.len);
	assert_true(c.len < src.len);	/* it did compress: copy tokens were used */
	uint8_t *out = malloc(src.len + 16);
	enum cr_ovba res;
	size_t n = cr_ovba_decompress(c.p, c.len, out, src.len + 16, &res);
	assert_int_equal(res, OVBA_OK);
	assert_int_equal(n, src.len);
	assert_memory_equal(out, src.p, src.len);
	/* A cap stops it exactly there. */
	n = cr_ovba_decompress(c.p, c.len, out, 5000, &res);
	assert_int_equal(res, OVBA_CAPPED);
	assert_int_equal(n, 5000);
	assert_memory_equal(out, src.p, 5000);
	/* A cut container gives what came before the cut. */
	n = cr_ovba_decompress(c.p, c.len / 2, out, src.len + 16, &res);
	assert_true(n > 0 && n < src.len);
	assert_memory_equal(out, src.p, n);
	free(out);
	sb_free(&c);
	sb_free(&src);
}

static void test_broken(void **st)
{
	(void)st;
	uint8_t out[64];
	enum cr_ovba res;
	const uint8_t bad_sig[] = {0x02, 0x08, 0xB0, 0x00, 'a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'};
	assert_int_equal(cr_ovba_decompress(bad_sig, sizeof bad_sig, out, sizeof out, &res), 0);
	assert_int_equal(res, OVBA_BROKEN);
	/* A copy from before the chunk's start: offset 4 at position 3. */
	const uint8_t before[] = {0x01, 0x05, 0xB0, 0x08, 'a', 'b', 'c', 0x06, 0x30};
	assert_int_equal(cr_ovba_decompress(before, sizeof before, out, sizeof out, &res), 3);
	assert_int_equal(res, OVBA_BROKEN);
}

static void test_source_scan(void **st)
{
	(void)st;
	const char *src = "Attribute VB_Name = \"Module1\"\r\n"
			  "Private Sub Document_Open()\r\n"
			  "    Set sh = CreateObject(\"WScript.Shell\")\r\n"
			  "    sh.Shell \"x\"\r\n"
			  "End Sub\r\n"
			  "Public Function AutoOpenX()\r\n"
			  "End Function\r\n";
	struct cr_vba_facts f = {0};
	cr_vba_scan_source((const uint8_t *)src, strlen(src), &f);
	assert_int_equal(f.procs, 2);
	unsigned open = 0, shell = 0, wshell = 0, create = 0, autoopen = 0;
	for (unsigned k = 0; cr_vba_triggers[k]; k++) {
		if (!strcmp(cr_vba_triggers[k], "Document_Open"))
			open = k;
		if (!strcmp(cr_vba_triggers[k], "AutoOpen"))
			autoopen = k;
	}
	for (unsigned k = 0; cr_vba_calls[k]; k++) {
		if (!strcmp(cr_vba_calls[k], "Shell"))
			shell = k;
		if (!strcmp(cr_vba_calls[k], "WScript.Shell"))
			wshell = k;
		if (!strcmp(cr_vba_calls[k], "CreateObject"))
			create = k;
	}
	assert_true(f.triggers & (1u << open));
	assert_false(f.triggers & (1u << autoopen));	/* AutoOpenX is another name */
	assert_true(f.calls & (1u << create));
	assert_true(f.calls & (1u << wshell));
	assert_false(f.calls & (1u << shell));	/* sh.Shell is a method, "WScript.Shell" a string */
}

/* The finding's detail, as a user reads it. */
static char *macro_detail(void (*build)(struct sbuf *))
{
	crible_ctx *ctx = crible_ctx_new();
	struct sbuf b = {0};
	build(&b);
	crible_result *r;
	assert_int_equal(crible_scan_mem(ctx, b.p, b.len, "x.doc", NULL, &r), CRIBLE_OK);
	char *d = NULL;
	for (size_t i = 0; i < crible_result_count(r); i++) {
		const crible_finding *f = crible_result_finding(r, i);
		if (!strcmp(f->id, "doc.macro"))
			d = strdup(f->detail);
	}
	crible_result_free(r);
	sb_free(&b);
	crible_ctx_free(ctx);
	return d;
}

static void test_details(void **st)
{
	(void)st;
	char *d = macro_detail(d_doc_macro);
	assert_non_null(d);
	assert_non_null(strstr(d, "1 module (ThisDocument)"));
	assert_non_null(strstr(d, "runs by itself on AutoOpen"));
	assert_non_null(strstr(d, "calls Shell"));
	assert_null(strstr(d, "stomping"));
	free(d);
	d = macro_detail(d_doc_stomped);
	assert_non_null(d);
	assert_non_null(strstr(d, "compiled code names AutoOpen, Shell that no module's source holds (VBA stomping)"));
	free(d);
	d = macro_detail(d_doc_baddir);
	assert_non_null(d);
	assert_non_null(strstr(d, "dir stream cannot be read"));
	free(d);
	assert_null(macro_detail(d_doc_nodir));
	assert_null(macro_detail(d_doc_plain));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_copy_token), cmocka_unit_test(test_round_trip), cmocka_unit_test(test_broken),
		cmocka_unit_test(test_source_scan), cmocka_unit_test(test_details),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
