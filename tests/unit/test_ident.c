/*
 * test_ident.c - every signature: its builder must be named exactly, and
 * its near miss (one key field broken) must not be.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "../../src/lib/layout/zip.h"
#include "../gen/samples.h"
#include "crible.h"

static const char *identify(crible_ctx *ctx, void (*build)(struct sbuf *))
{
	static char name[64];
	struct sbuf b = {0};
	build(&b);
	crible_result *r = NULL;
	if (crible_scan_mem(ctx, b.p, b.len, NULL, NULL, &r) != CRIBLE_OK) {
		sb_free(&b);
		return "(error)";
	}
	snprintf(name, sizeof name, "%s", crible_result_type_name(r));
	crible_result_free(r);
	sb_free(&b);
	return name;
}

static void test_signatures(void **st)
{
	(void)st;
	crible_ctx *ctx = crible_ctx_new();
	assert_non_null(ctx);
	crible_ctx_set_identify_only(ctx, 1);
	int bad = 0;
	for (size_t i = 0; i < nsigs; i++) {
		const char *got = identify(ctx, sigs[i].good);
		if (strcmp(got, sigs[i].type) != 0) {
			print_error("signature %s: identified as %s\n", sigs[i].type, got);
			bad++;
		}
		got = identify(ctx, sigs[i].near);
		if (strcmp(got, sigs[i].type) == 0) {
			print_error("near miss of %s: still identified as %s\n", sigs[i].type, got);
			bad++;
		}
	}
	crible_ctx_free(ctx);
	assert_int_equal(bad, 0);
}

/* The name never decides: the same bytes under any name get the same type. */
static void test_name_does_not_decide(void **st)
{
	(void)st;
	crible_ctx *ctx = crible_ctx_new();
	crible_ctx_set_identify_only(ctx, 1);
	const char *names[] = {"x.pdf", "x.exe", "x.png", "x", NULL};
	for (size_t i = 0; i < nsigs; i++) {
		struct sbuf b = {0};
		sigs[i].good(&b);
		for (size_t k = 0; k < sizeof names / sizeof names[0]; k++) {
			crible_result *r;
			assert_int_equal(crible_scan_mem(ctx, b.p, b.len, names[k], NULL, &r), CRIBLE_OK);
			assert_string_equal(crible_result_type_name(r), sigs[i].type);
			crible_result_free(r);
		}
		sb_free(&b);
	}
	crible_ctx_free(ctx);
}

static void test_empty_and_tiny(void **st)
{
	(void)st;
	crible_ctx *ctx = crible_ctx_new();
	crible_result *r;
	assert_int_equal(crible_scan_mem(ctx, "", 0, "e.txt", NULL, &r), CRIBLE_OK);
	assert_string_equal(crible_result_type_name(r), "empty");
	assert_string_equal(crible_result_mime(r), "inode/x-empty");
	assert_int_equal(crible_result_count(r), 0);
	assert_int_equal(crible_result_verdict(r), CRIBLE_ALLOW);
	crible_result_free(r);
	/* One byte of every value: never a crash, always some type. */
	for (int c = 0; c < 256; c++) {
		uint8_t b = (uint8_t)c;
		assert_int_equal(crible_scan_mem(ctx, &b, 1, NULL, NULL, &r), CRIBLE_OK);
		assert_non_null(crible_result_mime(r));
		crible_result_free(r);
	}
	crible_ctx_free(ctx);
}

/* More than 4 KiB of leading blanks must not turn a script into plain text (Magika PR #1335). */
static void test_whitespace_prefix(void **st)
{
	(void)st;
	crible_ctx *ctx = crible_ctx_new();
	struct sbuf b = {0};
	for (int i = 0; i < 5000; i++)
		sb_u8(&b, ' ');
	sb_str(&b, "<html><body><script>alert(1)</script></body></html>\n");
	crible_result *r;
	assert_int_equal(crible_scan_mem(ctx, b.p, b.len, "x.txt", NULL, &r), CRIBLE_OK);
	assert_string_equal(crible_result_type_name(r), "html");
	assert_int_equal(crible_result_verdict(r), CRIBLE_BLOCK);
	crible_result_free(r);
	sb_free(&b);
	crible_ctx_free(ctx);
}

/* Prose of n bytes (lines of words, no marker, no control byte) with `mark` written at `at`. */
static const char *type_with(crible_ctx *ctx, size_t n, size_t at, const char *mark, uint8_t ctl_at_end)
{
	static char name[64];
	static const char words[] = "the quick brown fox jumps over a lazy dog ";
	uint8_t buf[512];
	for (size_t i = 0; i < n; i++)
		buf[i] = (i % 61 == 60) ? '\n' : (uint8_t)words[i % (sizeof words - 1)];
	size_t ml = strlen(mark);
	if (at + ml <= n)
		memcpy(buf + at, mark, ml);
	if (ctl_at_end)
		buf[n - 1] = ctl_at_end;
	crible_result *r = NULL;
	if (crible_scan_mem(ctx, buf, n, NULL, NULL, &r) != CRIBLE_OK)
		return "(error)";
	snprintf(name, sizeof name, "%s", crible_result_type_name(r));
	crible_result_free(r);
	return name;
}

/*
 * The markers that decide anywhere in the window ("<?php", "<?=",
 * "<hta:application", Script Encoder's "#@~^...==") at every offset,
 * across the 64-byte blocks the scan reads and its byte-by-byte end;
 * one byte short of each is not it; a binary byte anywhere outvotes all.
 */
static void test_markers_anywhere(void **st)
{
	(void)st;
	crible_ctx *ctx = crible_ctx_new();
	crible_ctx_set_identify_only(ctx, 1);
	static const struct {
		const char *mark, *type;
	} cases[] = {
		{"<?php", "php"}, {"<?PhP", "php"}, {"<?=", "php"}, {"<?phX", "text"}, {"<?", "text"},
		{"<HTA:Application", "hta"}, {"<hta:applicatioX", "text"},
		{"#@~^AAAAAA==", "wsh-encoded"}, {"#@~^AAAAAA=", "text"}, {"#@~^AAAAAAx=", "text"},
	};
	int bad = 0;
	for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++)
		for (size_t n = 180; n <= 200; n += 20)
			for (size_t at = 1; at + strlen(cases[c].mark) <= n; at++) {
				const char *got = type_with(ctx, n, at, cases[c].mark, 0);
				if (strcmp(got, cases[c].type) != 0) {
					print_error("\"%s\" at %zu of %zu: %s, not %s\n", cases[c].mark, at, n, got,
						    cases[c].type);
					bad++;
				}
				got = type_with(ctx, n, at, cases[c].mark, 0x01);
				if (at + strlen(cases[c].mark) < n && strcmp(got, "unknown") != 0) {
					print_error("\"%s\" at %zu of %zu with a binary byte: %s\n", cases[c].mark, at, n,
						    got);
					bad++;
				}
			}
	/* The first "#@~^" decides: a later well-formed one does not count. */
	assert_string_equal(type_with(ctx, 190, 3, "#@~^x #@~^AAAAAA==", 0), "text");
	/* PHP wins over HTA wherever each is. */
	assert_string_equal(type_with(ctx, 190, 3, "<hta:application <?php", 0), "php");
	crible_ctx_free(ctx);
	assert_int_equal(bad, 0);
}

/*
 * Every byte below 0x20 at every offset of a 200-byte text, in the
 * 64-byte blocks and in the byte-by-byte end: binary (C0 controls) but
 * for TAB LF VT FF CR ESC and the four separators 0x1c-0x1f, which text
 * holds.  The window pass looks bytes up by their nibbles (AVX2) or
 * compares ranges (SSE2, ident-baseline): both must draw the same line.
 */
static void test_binary_bytes(void **st)
{
	(void)st;
	crible_ctx *ctx = crible_ctx_new();
	crible_ctx_set_identify_only(ctx, 1);
	static const char words[] = "the quick brown fox jumps over a lazy dog ";
	int bad = 0;
	for (unsigned c = 0; c < 0x20; c++) {
		int text = c == '\t' || c == '\n' || c == 0x0b || c == 0x0c || c == '\r' || c >= 0x1b;
		for (size_t at = 0; at < 200; at += (at < 140 ? 7 : 1)) {
			uint8_t buf[200];
			for (size_t i = 0; i < sizeof buf; i++)
				buf[i] = (i % 61 == 60) ? '\n' : (uint8_t)words[i % (sizeof words - 1)];
			buf[at] = (uint8_t)c;
			crible_result *r = NULL;
			assert_int_equal(crible_scan_mem(ctx, buf, sizeof buf, NULL, NULL, &r), CRIBLE_OK);
			const char *got = crible_result_type_name(r);
			if ((strcmp(got, "text") == 0) != text) {
				print_error("byte 0x%02x at %zu: %s\n", c, at, got);
				bad++;
			}
			crible_result_free(r);
		}
	}
	crible_ctx_free(ctx);
	assert_int_equal(bad, 0);
}

/*
 * The line-start indicators that carry a condition (ident/text.c, START
 * prefixes and line_start): each pair is one file that a language's
 * indicators decide with that line, and its twin, the same but for the
 * one condition the line then fails (no colon, no " = ", "ends" for
 * "end", a quote in the import...).  The twin is plain text: the case
 * fails if the condition is lost or no longer checked.
 */
static void test_line_start_conditions(void **st)
{
	(void)st;
	crible_ctx *ctx = crible_ctx_new();
	crible_ctx_set_identify_only(ctx, 1);
	static const struct {
		const char *with, *without, *type;
	} cases[] = {
		{"class A:\ntry:\n", "class A\ntry:\n", "python"},
		{"const a = 1\nx => y\nconsole.log(a)\n", "const a\nx => y\nconsole.log(a)\n", "javascript"},
		{"let a = 1\nx => y\nconsole.log(a)\n", "let a\nx => y\nconsole.log(a)\n", "javascript"},
		{"var a = 1\nx => y\nconsole.log(a)\n", "var a\nx => y\nconsole.log(a)\n", "javascript"},
		{"def f(a):\ntry:\n", "def f:\ntry:\n", "python"},
		{"def f\nend\nmodule Foo\n", "def f {\nend\nmodule Foo\n", "ruby"},
		{"def f\nend\nmodule Foo\n", "def f\nends\nmodule Foo\n", "ruby"},
		{"def f\nend\nmodule Foo\n", "def f\nend\nmodule foo\n", "ruby"},
		{"elif x:\nclass A:\n", "elif x\nclass A:\n", "python"},
		{"except E:\nclass A:\n", "except E\nclass A:\n", "python"},
		{"with f:\nclass A:\n", "with f\nclass A:\n", "python"},
		{"try:\nclass A:\n", "try\nclass A:\n", "python"},
		{"echo off\nhello\n", "hello\necho off\n", "batch"},
		{"from os import path\n", "from os import \'path\'\n", "python"},
		{"function Get-Thing {\n", "function Get_Thing {\n", "powershell"},
		{"import os\ntry:\n", "import os;\ntry:\n", "python"},
		{"import x from \'y\'\nx => y\nconsole.log(x)\n", "import x from y\nx => y\nconsole.log(x)\n", "javascript"},
		{"next\nDim x\nEnd If\n", "nexts\nDim x\nEnd If\n", "vbscript"},
		{"package Foo;\nmy $x = 1;\nuse Foo;\n", "package Foo\nmy $x = 1;\nuse Foo;\n", "perl"},
		{"use Foo;\nmy $x = 1;\npackage Foo;\n", "use Foo\nmy $x = 1;\npackage Foo;\n", "perl"},
		{"rem\ngoto x\n", "remx\ngoto x\n", "batch"},
		{"sub f {\nuse Foo;\nmy $x = 1;\n", "sub f\nuse Foo;\nmy $x = 1;\n", "perl"},
		{"set x = 1\nDim y\nEnd If\n", "sets x = 1\nDim y\nEnd If\n", "vbscript"},
		{"set x\ngoto y\n", "setx\ngoto y\n", "batch"},
		{"struct a {\nstatic int f(void)\n#ifdef X\n", "struct a\nstatic int f(void)\n#ifdef X\n", "c"},
		{"struct a {\nstatic int f(void)\n#ifdef X\n", "struct a {\nstatic int x;\n#ifdef X\n", "c"},
		{":label\ngoto x\n", ": label\ngoto x\n", "batch"},
	};
	int bad = 0;
	for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++)
		for (int twin = 0; twin < 2; twin++) {
			const char *text = twin ? cases[c].without : cases[c].with;
			const char *want = twin ? "text" : cases[c].type;
			crible_result *r = NULL;
			assert_int_equal(crible_scan_mem(ctx, text, strlen(text), NULL, NULL, &r), CRIBLE_OK);
			if (strcmp(crible_result_type_name(r), want) != 0) {
				print_error("case %zu%s: %s, not %s\n", c, twin ? " (twin)" : "", crible_result_type_name(r), want);
				bad++;
			}
			crible_result_free(r);
		}
	crible_ctx_free(ctx);
	assert_int_equal(bad, 0);
}

/*
 * The end record search against the obvious one: every start from the
 * last possible down, each "PK\5\6" judged by cr_zip_end_at.  Buffers
 * dense in 'P', 'K', 5 and 6, signatures at every offset modulo the
 * search's sixteen-byte step, real empty-archive end records among them
 * (their comment running to the end), and tails past the 64 KiB comment.
 */
static uint32_t zrand(uint32_t *x)
{
	*x ^= *x << 13;
	*x ^= *x >> 17;
	*x ^= *x << 5;
	return *x;
}

static void test_zip_end_search(void **st)
{
	(void)st;
	static uint8_t b[CR_TAIL_WIN];
	static const uint8_t alpha[] = {'P', 'K', 5, 6, 0, 'x'};
	uint32_t x = 2463534242u;
	int found = 0;
	for (int round = 0; round < 4000; round++) {
		size_t len = round < 3000 ? 22 + zrand(&x) % 300 : sizeof b - zrand(&x) % 4096;
		for (size_t i = 0; i < len; i++)
			b[i] = alpha[zrand(&x) % sizeof alpha];
		for (int k = (int)(zrand(&x) % 4); k > 0; k--) {
			size_t at = zrand(&x) % (len - 21);
			memcpy(b + at, "PK\5\6", 4);
			if (zrand(&x) % 2) {
				/* a real end record of an empty archive; its comment is the rest */
				memset(b + at + 4, 0, 16);
				size_t room = len - at - 22;
				b[at + 20] = (uint8_t)room;
				b[at + 21] = (uint8_t)(room >> 8);
			}
		}
		struct cr_view v = {.size = len, .head = b, .headlen = len < CR_HEAD_WIN ? len : CR_HEAD_WIN,
				    .tail = b, .taillen = len};
		struct cr_zip_end got, want = {0};
		cr_zip_end_find(&v, &got);
		size_t lowest = len > 22 + 65535 ? len - 22 - 65535 : 0;
		for (size_t i = len - 22 + 1; i-- > lowest;)
			if (memcmp(b + i, "PK\5\6", 4) == 0 && cr_zip_end_at(&v, i, &want))
				break;
		assert_int_equal(got.found, want.found);
		if (want.found) {
			assert_int_equal(got.eocd, want.eocd);
			found++;
		}
	}
	assert_true(found > 500);
}

/*
 * PDF readers take the header anywhere in the first KiB: "%PDF-" ending
 * at byte 1024 is a PDF, one byte later it is not.  Before it, '%' signs
 * and "%PDF" cut short, so the search must step past each near miss.
 */
static void test_pdf_header_window(void **st)
{
	(void)st;
	crible_ctx *ctx = crible_ctx_new();
	assert_non_null(ctx);
	static const char *fill[] = {"%%%%", "%PDF%PD", "x%PD-", "%PDF"};
	for (size_t f = 0; f < sizeof fill / sizeof *fill; f++)
		for (size_t at = 1010; at <= 1022; at++) {
			char b[2048];
			size_t fl = strlen(fill[f]);
			for (size_t i = 0; i < at; i++)
				b[i] = fill[f][i % fl];
			b[0] = '\x01';	/* not text: only the header may name it */
			memcpy(b + at, "%PDF-1.7\n", 9);
			memset(b + at + 9, 0, sizeof b - at - 9);
			crible_result *r = NULL;
			assert_int_equal(crible_scan_mem(ctx, b, sizeof b, NULL, NULL, &r), CRIBLE_OK);
			const char *want = at + 5 <= 1024 ? "pdf" : NULL;
			if (want)
				assert_string_equal(crible_result_type_name(r), want);
			else
				assert_string_not_equal(crible_result_type_name(r), "pdf");
			crible_result_free(r);
		}
	crible_ctx_free(ctx);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_signatures),
		cmocka_unit_test(test_name_does_not_decide),
		cmocka_unit_test(test_empty_and_tiny),
		cmocka_unit_test(test_whitespace_prefix),
		cmocka_unit_test(test_markers_anywhere),
		cmocka_unit_test(test_binary_bytes),
		cmocka_unit_test(test_line_start_conditions),
		cmocka_unit_test(test_zip_end_search),
		cmocka_unit_test(test_pdf_header_window),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
