/*
 * cur.h - the bounds-checked byte cursor every parser reads through.
 *
 * A cursor is a pointer and the number of bytes left.  Every read checks
 * the count, never a computed end pointer (a `p + n <= end` check
 * overflows when n comes from the file).  A read that does not fit returns
 * false and leaves the cursor untouched, so a parser can try an
 * alternative or report the structure as truncated.
 *
 * Modelled on OpenBSD's CBS (bs_cbs.c).
 */
#ifndef CR_CUR_H
#define CR_CUR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

struct cr_cur {
	const uint8_t *p;
	size_t len;
};

static inline void cur_init(struct cr_cur *c, const void *p, size_t len)
{
	c->p = p;
	c->len = p ? len : 0;
}

static inline size_t cur_left(const struct cr_cur *c) { return c->len; }

static inline bool cur_skip(struct cr_cur *c, size_t n)
{
	if (n > c->len)
		return false;
	c->p += n;
	c->len -= n;
	return true;
}

/* Points *out at the next n bytes and consumes them. */
static inline bool cur_bytes(struct cr_cur *c, const uint8_t **out, size_t n)
{
	if (n > c->len)
		return false;
	*out = c->p;
	c->p += n;
	c->len -= n;
	return true;
}

static inline bool cur_copy(struct cr_cur *c, void *out, size_t n)
{
	if (n > c->len)
		return false;
	if (n)
		memcpy(out, c->p, n);
	c->p += n;
	c->len -= n;
	return true;
}

/* Splits the next n bytes off into sub, consuming them from c. */
static inline bool cur_sub(struct cr_cur *c, struct cr_cur *sub, size_t n)
{
	if (n > c->len)
		return false;
	sub->p = c->p;
	sub->len = n;
	c->p += n;
	c->len -= n;
	return true;
}

/* A sub-cursor over [off, off+n) of c without consuming anything. */
static inline bool cur_window(const struct cr_cur *c, struct cr_cur *sub, size_t off, size_t n)
{
	if (off > c->len || n > c->len - off)
		return false;
	sub->p = c->p + off;
	sub->len = n;
	return true;
}

static inline bool cur_u8(struct cr_cur *c, uint8_t *v)
{
	if (c->len < 1)
		return false;
	*v = c->p[0];
	c->p++;
	c->len--;
	return true;
}

static inline bool cur_u16le(struct cr_cur *c, uint16_t *v)
{
	if (c->len < 2)
		return false;
	*v = (uint16_t)(c->p[0] | (unsigned)c->p[1] << 8);
	c->p += 2;
	c->len -= 2;
	return true;
}

static inline bool cur_u16be(struct cr_cur *c, uint16_t *v)
{
	if (c->len < 2)
		return false;
	*v = (uint16_t)((unsigned)c->p[0] << 8 | c->p[1]);
	c->p += 2;
	c->len -= 2;
	return true;
}

static inline bool cur_u32le(struct cr_cur *c, uint32_t *v)
{
	if (c->len < 4)
		return false;
	*v = (uint32_t)c->p[0] | (uint32_t)c->p[1] << 8 | (uint32_t)c->p[2] << 16 |
	     (uint32_t)c->p[3] << 24;
	c->p += 4;
	c->len -= 4;
	return true;
}

static inline bool cur_u32be(struct cr_cur *c, uint32_t *v)
{
	if (c->len < 4)
		return false;
	*v = (uint32_t)c->p[0] << 24 | (uint32_t)c->p[1] << 16 | (uint32_t)c->p[2] << 8 |
	     (uint32_t)c->p[3];
	c->p += 4;
	c->len -= 4;
	return true;
}

static inline bool cur_u64le(struct cr_cur *c, uint64_t *v)
{
	if (c->len < 8)
		return false;
	uint64_t x = 0;
	for (int i = 7; i >= 0; i--)
		x = x << 8 | c->p[i];
	*v = x;
	c->p += 8;
	c->len -= 8;
	return true;
}

/*
 * RAR5 variable-length integer: little-endian base 128, bit 7 set means
 * another byte follows, at most 10 bytes.  Leading 0x80 padding is legal.
 * Fails on truncation, on more than 10 bytes and on bits past 64.
 */
static inline bool cur_vint(struct cr_cur *c, uint64_t *v)
{
	uint64_t x = 0;
	for (size_t i = 0; i < 10; i++) {
		if (i >= c->len)
			return false;
		uint8_t b = c->p[i];
		uint64_t bits = b & 0x7f;
		/* The tenth byte may carry only the 64th bit. */
		if (i == 9 && bits > 1)
			return false;
		x |= bits << (7 * i);
		if (!(b & 0x80)) {
			*v = x;
			c->p += i + 1;
			c->len -= i + 1;
			return true;
		}
	}
	return false;
}

/* Fixed-offset peeks that do not move the cursor. */
static inline bool cur_peek_u16le(const struct cr_cur *c, size_t off, uint16_t *v)
{
	struct cr_cur w;
	return cur_window(c, &w, off, 2) && cur_u16le(&w, v);
}

static inline bool cur_peek_u32le(const struct cr_cur *c, size_t off, uint32_t *v)
{
	struct cr_cur w;
	return cur_window(c, &w, off, 4) && cur_u32le(&w, v);
}

static inline bool cur_peek_u64le(const struct cr_cur *c, size_t off, uint64_t *v)
{
	struct cr_cur w;
	return cur_window(c, &w, off, 8) && cur_u64le(&w, v);
}

static inline bool cur_peek_u32be(const struct cr_cur *c, size_t off, uint32_t *v)
{
	struct cr_cur w;
	return cur_window(c, &w, off, 4) && cur_u32be(&w, v);
}

static inline bool cur_peek_u16be(const struct cr_cur *c, size_t off, uint16_t *v)
{
	struct cr_cur w;
	return cur_window(c, &w, off, 2) && cur_u16be(&w, v);
}

/* Whether the n bytes at off equal s. */
static inline bool cur_match(const struct cr_cur *c, size_t off, const void *s, size_t n)
{
	return off <= c->len && n <= c->len - off && memcmp(c->p + off, s, n) == 0;
}

#endif
