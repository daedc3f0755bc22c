/* test_pdf.c - the PDF stream filters against known encodings. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "../../src/lib/codec/pdf_filters.h"

static void check(enum cr_pdf_filter f, const struct cr_pdf_parms *pp, const char *in, size_t n, const char *want,
		  size_t wn, enum cr_pdf_dec wd)
{
	uint8_t *out;
	size_t ol;
	enum cr_pdf_dec d = cr_pdf_decode(f, pp, (const uint8_t *)in, n, 1u << 20, &out, &ol);
	assert_int_equal(d, wd);
	assert_int_equal(ol, wn);
	assert_memory_equal(out, want, wn);
	free(out);
}

/* ISO 32000-1 7.4.4.2's example: 80 0B 60 50 22 0C 0C 85 01 is "-----A---B". */
static void test_lzw(void **st)
{
	(void)st;
	struct cr_pdf_parms pp = {.predictor = 1, .early = 1};
	check(PF_LZW, &pp, "\x80\x0b\x60\x50\x22\x0c\x0c\x85\x01", 9, "-----A---B", 10, PDEC_OK);
}

static void test_ascii(void **st)
{
	(void)st;
	check(PF_AHX, NULL, "48 65\n6c6c6f>", 13, "Hello", 5, PDEC_OK);
	check(PF_AHX, NULL, "486>", 4, "H`", 2, PDEC_OK);	/* an odd digit is followed by 0 */
	check(PF_A85, NULL, "87cURD]i,\"Ebo80~>", 17, "Hello World!", 12, PDEC_OK);
	check(PF_A85, NULL, "z~>", 3, "\0\0\0\0", 4, PDEC_OK);
	check(PF_RL, NULL, "\x02" "abc" "\xfe" "x" "\x80", 7, "abcxxx", 6, PDEC_OK);
}

/* PNG predictors: rows of Up (2) and Sub (1) under Flate's output. */
static void test_png_predictor(void **st)
{
	(void)st;
	/* zlib of: 02 01 01 01 | 01 05 01 01  (columns 3) */
	static const uint8_t raw[] = {0x02, 0x01, 0x01, 0x01, 0x01, 0x05, 0x01, 0x01};
	uint8_t z[64];
	/* Stored deflate block, written out: zlib header 78 01, final stored block, Adler-32. */
	size_t k = 0;
	z[k++] = 0x78;
	z[k++] = 0x01;
	z[k++] = 0x01;
	z[k++] = sizeof raw;
	z[k++] = 0;
	z[k++] = (uint8_t)~sizeof raw;
	z[k++] = 0xff;
	memcpy(z + k, raw, sizeof raw);
	k += sizeof raw;
	uint32_t a = 1, b = 0;
	for (size_t i = 0; i < sizeof raw; i++) {
		a = (a + raw[i]) % 65521;
		b = (b + a) % 65521;
	}
	uint32_t ad = b << 16 | a;
	z[k++] = (uint8_t)(ad >> 24);
	z[k++] = (uint8_t)(ad >> 16);
	z[k++] = (uint8_t)(ad >> 8);
	z[k++] = (uint8_t)ad;
	struct cr_pdf_parms pp = {.predictor = 12, .colors = 1, .bpc = 8, .columns = 3, .early = 1};
	check(PF_FLATE, &pp, (const char *)z, k, "\x01\x01\x01\x05\x06\x07", 6, PDEC_OK);
}

static void test_broken_and_capped(void **st)
{
	(void)st;
	uint8_t *out;
	size_t ol;
	assert_int_equal(cr_pdf_decode(PF_AHX, NULL, (const uint8_t *)"48zz", 4, 100, &out, &ol), PDEC_BROKEN);
	free(out);
	assert_int_equal(cr_pdf_decode(PF_A85, NULL, (const uint8_t *)"zzzz", 4, 10, &out, &ol), PDEC_CAPPED);
	assert_int_equal(ol, 10);
	free(out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {cmocka_unit_test(test_lzw), cmocka_unit_test(test_ascii),
					   cmocka_unit_test(test_png_predictor), cmocka_unit_test(test_broken_and_capped)};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
