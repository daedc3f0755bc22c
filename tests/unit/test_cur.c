/* test_cur.c - the byte cursor: short reads, overflowing lengths, sub-cursors. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "../../src/lib/io/cur.h"

static void test_short_reads_leave_cursor(void **st)
{
	(void)st;
	const uint8_t b[3] = {1, 2, 3};
	struct cr_cur c;
	cur_init(&c, b, 3);
	uint32_t v32 = 7;
	assert_false(cur_u32le(&c, &v32));
	assert_int_equal(v32, 7);
	assert_int_equal(cur_left(&c), 3);
	uint16_t v16;
	assert_true(cur_u16le(&c, &v16));
	assert_int_equal(v16, 0x0201);
	assert_false(cur_u16be(&c, &v16));
	assert_int_equal(cur_left(&c), 1);
	uint8_t v8;
	assert_true(cur_u8(&c, &v8));
	assert_int_equal(v8, 3);
	assert_false(cur_u8(&c, &v8));
	uint64_t v64;
	assert_false(cur_u64le(&c, &v64));
}

static void test_endianness(void **st)
{
	(void)st;
	const uint8_t b[8] = {0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08};
	struct cr_cur c;
	cur_init(&c, b, 8);
	uint32_t le, be;
	assert_true(cur_peek_u32le(&c, 0, &le));
	assert_true(cur_peek_u32be(&c, 0, &be));
	assert_int_equal(le, 0x04030201);
	assert_int_equal(be, 0x01020304);
	uint64_t v;
	assert_true(cur_u64le(&c, &v));
	assert_true(v == 0x0807060504030201ull);
	assert_int_equal(cur_left(&c), 0);
}

/* A length near SIZE_MAX must fail, not wrap around to a small pointer offset. */
static void test_overflowing_lengths(void **st)
{
	(void)st;
	const uint8_t b[16] = {0};
	struct cr_cur c, sub;
	cur_init(&c, b, 16);
	assert_false(cur_skip(&c, SIZE_MAX));
	assert_false(cur_sub(&c, &sub, SIZE_MAX - 3));
	assert_false(cur_window(&c, &sub, 8, SIZE_MAX - 4));
	assert_false(cur_window(&c, &sub, SIZE_MAX, 1));
	assert_false(cur_match(&c, SIZE_MAX - 1, "ab", 2));
	uint32_t v;
	assert_false(cur_peek_u32le(&c, SIZE_MAX - 2, &v));
	assert_false(cur_peek_u32le(&c, 13, &v));
	assert_true(cur_peek_u32le(&c, 12, &v));
	assert_int_equal(cur_left(&c), 16);
}

static void test_sub_cursors(void **st)
{
	(void)st;
	const uint8_t b[6] = {'a', 'b', 'c', 'd', 'e', 'f'};
	struct cr_cur c, sub;
	cur_init(&c, b, 6);
	assert_true(cur_sub(&c, &sub, 2));
	assert_int_equal(cur_left(&sub), 2);
	assert_int_equal(cur_left(&c), 4);
	assert_true(cur_match(&sub, 0, "ab", 2));
	assert_false(cur_match(&sub, 1, "bc", 2));	/* the sub-cursor ends at 2 */
	assert_true(cur_window(&c, &sub, 1, 3));
	assert_true(cur_match(&sub, 0, "def", 3));
	assert_int_equal(cur_left(&c), 4);	/* a window consumes nothing */
	assert_true(cur_window(&c, &sub, 4, 0));	/* empty window at the end is fine */
	assert_false(cur_window(&c, &sub, 5, 0));
	const uint8_t *p;
	assert_true(cur_bytes(&c, &p, 4));
	assert_int_equal(p[0], 'c');
	assert_false(cur_bytes(&c, &p, 1));
}

static void test_vint(void **st)
{
	(void)st;
	uint64_t v;
	struct cr_cur c;
	const uint8_t one[] = {0x7f};
	cur_init(&c, one, 1);
	assert_true(cur_vint(&c, &v));
	assert_int_equal(v, 127);
	const uint8_t two[] = {0x80, 0x01};
	cur_init(&c, two, 2);
	assert_true(cur_vint(&c, &v));
	assert_int_equal(v, 128);
	/* Leading 0x80 padding is legal in RAR5. */
	const uint8_t pad[] = {0x85, 0x80, 0x80, 0x00};
	cur_init(&c, pad, 4);
	assert_true(cur_vint(&c, &v));
	assert_int_equal(v, 5);
	assert_int_equal(cur_left(&c), 0);
	/* Truncated: continuation bit on the last byte. */
	const uint8_t cut[] = {0x80, 0x80};
	cur_init(&c, cut, 2);
	assert_false(cur_vint(&c, &v));
	assert_int_equal(cur_left(&c), 2);
	/* 2^64 - 1 fits in ten bytes; one bit more does not. */
	const uint8_t max[] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01};
	cur_init(&c, max, 10);
	assert_true(cur_vint(&c, &v));
	assert_true(v == UINT64_MAX);
	const uint8_t over[] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02};
	cur_init(&c, over, 10);
	assert_false(cur_vint(&c, &v));
	const uint8_t eleven[] = {0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00};
	cur_init(&c, eleven, 11);
	assert_false(cur_vint(&c, &v));
}

static void test_null_input(void **st)
{
	(void)st;
	struct cr_cur c;
	cur_init(&c, NULL, 100);	/* a NULL buffer has no bytes, whatever the length */
	uint8_t v;
	assert_int_equal(cur_left(&c), 0);
	assert_false(cur_u8(&c, &v));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_short_reads_leave_cursor),
		cmocka_unit_test(test_endianness),
		cmocka_unit_test(test_overflowing_lengths),
		cmocka_unit_test(test_sub_cursors),
		cmocka_unit_test(test_vint),
		cmocka_unit_test(test_null_input),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
