/*
 * test_inflate - ISA-L's inflate against zlib's, stream by stream: the
 * same bytes out, or both refuse.
 *
 *   test_inflate SAMPLES_DIR
 *
 * The streams: every gzip file and every deflated ZIP entry among
 * crible's generated samples; streams made here with zlib at every level
 * and strategy from payloads that reach each block type, the longest
 * match and the farthest distance; each of those mutated (bits flipped,
 * bytes replaced, cut, grown) by a seeded generator; and hand-made
 * streams for every refusal zlib has (block type 3, a stored length and
 * its complement that disagree, too many codes, codes 286-287 and 30-31,
 * incomplete and over-full code sets, a distance past the start, gzip
 * header flags and check values).  Each is decoded whole and again with
 * input and output fed a few bytes at a time, as the decode driver may.
 * The one difference allowed is described at code_set_refusal()
 * (fuzz/inflate_diff.h).
 */
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <isa-l/crc.h>
#include <zlib.h>
#include <cmocka.h>

#include "../../fuzz/inflate_diff.h"

static const char *samples_dir;

static unsigned long cases, mismatches, lenient;

static void report(const char *what, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void report(const char *what, const char *fmt, ...)
{
	if (++mismatches > 40)
		return;
	va_list ap;
	va_start(ap, fmt);
	fprintf(stderr, "MISMATCH %s: ", what);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
}

/* Whether the two runs give one answer; any difference is counted and shown. */
static size_t judge(const char *what, enum wrapper gzip, const uint8_t *in, size_t n, const size_t step[2])
{
	char msg[256];
	size_t out;
	cases++;
	enum verdict v = inflate_diff(gzip, in, n, step, &out, msg, sizeof msg);
	if (v == LENIENT)
		lenient++;
	else if (v == DIFFERENT)
		report(what, "%s", msg);
	return out;
}

/*
 * One stream, decoded whole, then in small steps: 7 bytes of input at a
 * time, 1 byte at a time, and 1 byte of output room at a time.  ISA-L
 * moves up to 64 KiB of history at every step, so the small steps are
 * taken on the streams where they stay cheap.
 */
static void compare(const char *what, enum wrapper gzip, const uint8_t *in, size_t n)
{
	static const size_t whole[2] = {1u << 30, 256u << 10};
	size_t out = judge(what, gzip, in, n, whole);
	static const size_t steps[][2] = {{7, 4096}, {1, 65536}, {4096, 1}};
	for (size_t k = 0; k < 3; k++)
		if (!((k == 0 && (n > (16u << 10) || out > (1u << 20))) || (k == 1 && n > 2048) || (k == 2 && out > 4096)))
			judge(what, gzip, in, n, steps[k]);
}

/* --- streams made here ----------------------------------------------------- */

static uint64_t rng = 0x9e3779b97f4a7c15u;
static uint32_t rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint32_t)(rng >> 16);
}

static size_t deflate_with(const uint8_t *p, size_t n, int level, int strategy, enum wrapper w, uint8_t *out,
			   size_t cap)
{
	z_stream z;
	memset(&z, 0, sizeof z);
	static const int wbits[] = {-15, 16 + 15, 15};
	assert_int_equal(deflateInit2(&z, level, Z_DEFLATED, wbits[w], 9, strategy), Z_OK);
	z.next_in = (Bytef *)p;
	z.avail_in = (uInt)n;
	z.next_out = out;
	z.avail_out = (uInt)cap;
	assert_int_equal(deflate(&z, Z_FINISH), Z_STREAM_END);
	size_t len = z.total_out;
	deflateEnd(&z);
	return len;
}

/* Payloads that reach stored, fixed and dynamic blocks, length 258, distance 32768 and none. */
static size_t payload(int k, uint8_t *p)
{
	static const char text[] = "The quick brown fox jumps over the lazy dog; crible judges what extractors write. ";
	size_t n = 0;
	switch (k) {
	case 0:
		return 0;
	case 1:
		p[0] = 'x';
		return 1;
	case 2:
		for (; n < 20000; n++)
			p[n] = (uint8_t)text[n % (sizeof text - 1)];
		return n;
	case 3:
		for (; n < 70000; n++)
			p[n] = (uint8_t)rnd();
		return n;
	case 4:
		memset(p, 'a', 100000);
		return 100000;
	case 5:
		/* A random block repeated at distance 32768: the farthest lookback. */
		for (; n < 32768; n++)
			p[n] = (uint8_t)rnd();
		memcpy(p + 32768, p, 32768);
		return 65536;
	default:
		for (; n < 300000; n++)
			p[n] = n % 1000 < 700 ? (uint8_t)text[(n / 7) % (sizeof text - 1)] : (uint8_t)(rnd() & 0x0f);
		return n;
	}
}

/* Mutations of a valid stream: one bit, one byte, a cut, a byte inserted, a run zeroed. */
static void mutate_and_compare(const char *what, enum wrapper gzip, const uint8_t *s, size_t n, int rounds)
{
	uint8_t *m = malloc(n + 16);
	assert_non_null(m);
	for (int i = 0; i < rounds && n; i++) {
		size_t len = n;
		memcpy(m, s, n);
		size_t at = rnd() % n;
		switch (rnd() % 6) {
		case 0:
		case 1:
			m[at] ^= (uint8_t)(1u << (rnd() % 8));
			break;
		case 2:
			m[at] = (uint8_t)rnd();
			break;
		case 3:
			len = at;
			break;
		case 4:
			memmove(m + at + 1, m + at, n - at);
			m[at] = (uint8_t)rnd();
			len = n + 1;
			break;
		default:
			memset(m + at, 0, n - at < 8 ? n - at : 8);
			break;
		}
		compare(what, gzip, m, len);
	}
	free(m);
}

static void made_streams(void **state)
{
	(void)state;
	uint8_t *p = malloc(400000), *z = malloc(500000);
	assert_non_null(p);
	assert_non_null(z);
	static const int strategies[] = {Z_DEFAULT_STRATEGY, Z_FILTERED, Z_HUFFMAN_ONLY, Z_RLE, Z_FIXED};
	unsigned long before = mismatches;
	for (int k = 0; k < 7; k++) {
		size_t n = payload(k, p);
		for (int level = 0; level <= 9; level += 3)
			for (size_t s = 0; s < sizeof strategies / sizeof strategies[0]; s++)
				for (int gz = 0; gz < 3; gz++) {
					size_t zn = deflate_with(p, n, level, strategies[s], (enum wrapper)gz, z, 500000);
					char what[96];
					snprintf(what, sizeof what, "payload %d level %d strategy %d %s", k, level, strategies[s],
						 gz == WRAP_GZIP ? "gzip" : gz == WRAP_ZLIB ? "zlib" : "raw");
					compare(what, (enum wrapper)gz, z, zn);
					mutate_and_compare(what, (enum wrapper)gz, z, zn, n > 100000 ? 10 : 60);
				}
	}
	/* Concatenated gzip members, and a member followed by junk. */
	size_t a = deflate_with((const uint8_t *)"first\n", 6, 6, Z_DEFAULT_STRATEGY, WRAP_GZIP, z, 500000);
	size_t b = deflate_with((const uint8_t *)"second\n", 7, 6, Z_DEFAULT_STRATEGY, WRAP_GZIP, z + a, 500000 - a);
	compare("two gzip members", WRAP_GZIP, z, a + b);
	memcpy(z + a, "\0\0\0\0junk", 8);
	compare("gzip member then junk", WRAP_GZIP, z, a + 8);
	free(p);
	free(z);
	fprintf(stderr, "made and mutated streams: %lu comparisons, %lu mismatches, %lu with a code set zlib refuses\n",
		cases, mismatches - before, lenient);
	assert_int_equal(mismatches, before);
}

/* --- hand-made refusals -------------------------------------------------- */

/* Bits, least significant first, as deflate packs them. */
struct bits {
	uint8_t b[256];
	size_t n;	/* bits written */
};

static void put(struct bits *w, uint32_t v, int count)
{
	for (int i = 0; i < count; i++, w->n++)
		if (v >> i & 1)
			w->b[w->n / 8] |= (uint8_t)(1u << (w->n % 8));
}

/* A Huffman code (msb first on the wire): reversed into deflate's order. */
static void put_code(struct bits *w, uint32_t code, int len)
{
	for (int i = len - 1; i >= 0; i--, w->n++)
		if (code >> i & 1)
			w->b[w->n / 8] |= (uint8_t)(1u << (w->n % 8));
}

static void hand_made(void **state)
{
	(void)state;
	unsigned long before = mismatches;
	struct bits w;
	/* Block type 3. */
	memset(&w, 0, sizeof w);
	put(&w, 1, 1);
	put(&w, 3, 2);
	compare("block type 3", WRAP_RAW, w.b, 4);
	/* A stored block whose length and complement disagree, and one that agrees. */
	static const uint8_t stored_bad[] = {0x01, 0x05, 0x00, 0xfa, 0xfe, 'h', 'e', 'l', 'l', 'o'};
	static const uint8_t stored_ok[] = {0x01, 0x05, 0x00, 0xfa, 0xff, 'h', 'e', 'l', 'l', 'o'};
	compare("stored length mismatch", WRAP_RAW, stored_bad, sizeof stored_bad);
	compare("stored block", WRAP_RAW, stored_ok, sizeof stored_ok);
	/* Fixed block with literal/length codes 286 and 287, and distance codes 30 and 31. */
	for (int sym = 286; sym <= 287; sym++) {
		memset(&w, 0, sizeof w);
		put(&w, 1, 1);
		put(&w, 1, 2);
		put_code(&w, 0x30 + 'a', 8);	/* 'a' */
		put_code(&w, 0xc0 + (uint32_t)(sym - 280), 8);
		put(&w, 0, 8);
		compare(sym == 286 ? "fixed code 286" : "fixed code 287", WRAP_RAW, w.b, (w.n + 7) / 8 + 2);
	}
	for (int d = 29; d <= 31; d++) {
		memset(&w, 0, sizeof w);
		put(&w, 1, 1);
		put(&w, 1, 2);
		for (int i = 0; i < 40; i++)
			put_code(&w, 0x30 + 'a', 8);
		put_code(&w, 1, 7);	/* length 3 (code 257) */
		put_code(&w, (uint32_t)d, 5);
		put(&w, 0, 13);		/* the distance's extra bits */
		put_code(&w, 0, 7);	/* end of block */
		char what[32];
		snprintf(what, sizeof what, "fixed distance code %d", d);
		compare(what, WRAP_RAW, w.b, (w.n + 7) / 8);
	}
	/* A distance past the start of the output. */
	memset(&w, 0, sizeof w);
	put(&w, 1, 1);
	put(&w, 1, 2);
	put_code(&w, 0x30 + 'a', 8);
	put_code(&w, 1, 7);
	put_code(&w, 1, 5);	/* distance 2: one byte of output exists */
	put_code(&w, 0, 7);
	compare("distance too far back", WRAP_RAW, w.b, (w.n + 7) / 8);
	/* Dynamic headers: HLIT 287-288 and HDIST 31-32 (too many codes), code length codes over-full and incomplete. */
	for (int hlit = 29; hlit <= 31; hlit++)
		for (int hdist = 29; hdist <= 31; hdist++) {
			memset(&w, 0, sizeof w);
			put(&w, 1, 1);
			put(&w, 2, 2);
			put(&w, (uint32_t)hlit, 5);
			put(&w, (uint32_t)hdist, 5);
			put(&w, 15, 4);		/* 19 code length codes */
			for (int i = 0; i < 19; i++)
				put(&w, i < 18 ? 5 : 0, 3);
			for (int i = 0; i < 60; i++)
				put(&w, rnd(), 8);
			char what[48];
			snprintf(what, sizeof what, "dynamic HLIT %d HDIST %d", hlit + 257, hdist + 1);
			compare(what, WRAP_RAW, w.b, (w.n + 7) / 8);
		}
	for (int shape = 0; shape < 3; shape++) {
		memset(&w, 0, sizeof w);
		put(&w, 1, 1);
		put(&w, 2, 2);
		put(&w, 0, 5);
		put(&w, 0, 5);
		put(&w, 15, 4);
		/* Code length code lengths: all 1 (over-full), one 1 (incomplete), all 0 (empty). */
		for (int i = 0; i < 19; i++)
			put(&w, shape == 0 ? 1 : shape == 1 ? (i == 0) : 0, 3);
		for (int i = 0; i < 40; i++)
			put(&w, rnd(), 8);
		static const char *names[] = {"over-full code length code", "incomplete code length code", "empty code length code"};
		compare(names[shape], WRAP_RAW, w.b, (w.n + 7) / 8);
	}
	/* Random dynamic headers: every refusal of the header reader. */
	for (int i = 0; i < 10000; i++) {
		memset(&w, 0, sizeof w);
		put(&w, rnd() & 1, 1);
		put(&w, 2, 2);
		for (int k = 0; k < 200; k++)
			put(&w, rnd(), 8);
		compare("random dynamic block", WRAP_RAW, w.b, 200);
	}
	/* gzip headers: reserved flags, the optional fields, a header CRC, check values. */
	uint8_t g[256];
	size_t gn = deflate_with((const uint8_t *)"gzip body\n", 10, 6, Z_DEFAULT_STRATEGY, WRAP_GZIP, g, sizeof g);
	assert_true(gn >= 18 && gn <= sizeof g);
	gn = gn < sizeof g ? gn : sizeof g;	/* (for the compiler: assert_true returns) */
	for (int flag = 0; flag < 8; flag++) {
		uint8_t h[sizeof g];
		memcpy(h, g, gn);
		h[3] = (uint8_t)(1u << flag);
		compare("gzip flag bit", WRAP_GZIP, h, gn);
	}
	uint8_t h[sizeof g];
	memcpy(h, g, gn);
	h[2] = 7;
	compare("gzip method 7", WRAP_GZIP, h, gn);
	memcpy(h, g, gn);
	h[gn - 8] ^= 1;
	compare("gzip CRC wrong", WRAP_GZIP, h, gn);
	memcpy(h, g, gn);
	h[gn - 4] ^= 1;
	compare("gzip length wrong", WRAP_GZIP, h, gn);
	compare("gzip trailer cut", WRAP_GZIP, g, gn - 3);
	/* FEXTRA, FNAME, FCOMMENT and FHCRC, right and wrong. */
	for (int bad = 0; bad < 2; bad++) {
		size_t k = 0;
		uint8_t x[400];
		x[k++] = 0x1f, x[k++] = 0x8b, x[k++] = 8, x[k++] = 0x1e, memset(x + k, 0, 6), k += 6;
		x[k++] = 3, x[k++] = 0, x[k++] = 'a', x[k++] = 'b', x[k++] = 'c';
		memcpy(x + k, "name\0comment\0", 13), k += 13;
		uint32_t c = (uint32_t)crc32(0, x, (uInt)k);
		x[k++] = (uint8_t)(c ^ (uint32_t)bad), x[k++] = (uint8_t)(c >> 8);
		memcpy(x + k, g + 10, gn - 10), k += gn - 10;
		compare(bad ? "gzip header CRC wrong" : "gzip header CRC", WRAP_GZIP, x, k);
	}
	/* zlib headers (RFC 1950): every CMF and FLG pair, on a body that decodes, then a wrong Adler-32. */
	uint8_t zs[64];
	size_t zn = deflate_with((const uint8_t *)"zlib body\n", 10, 6, Z_DEFAULT_STRATEGY, WRAP_ZLIB, zs, sizeof zs);
	assert_true(zn >= 6 && zn <= sizeof zs);
	zn = zn < sizeof zs ? zn : sizeof zs;
	for (unsigned hdr = 0; hdr < 65536; hdr += 7) {
		uint8_t x[sizeof zs];
		memcpy(x, zs, zn);
		x[0] = (uint8_t)(hdr >> 8);
		x[1] = (uint8_t)hdr;
		compare("zlib header", WRAP_ZLIB, x, zn);
	}
	uint8_t x[sizeof zs];
	memcpy(x, zs, zn);
	x[zn - 1] ^= 1;
	compare("zlib Adler-32 wrong", WRAP_ZLIB, x, zn);
	compare("zlib Adler-32 cut", WRAP_ZLIB, zs, zn - 2);
	fprintf(stderr, "hand-made streams: %lu comparisons so far, %lu mismatches here\n", cases, mismatches - before);
	assert_int_equal(mismatches, before);
}

/* --- the generated samples --------------------------------------------------- */

static uint8_t *slurp(const char *path, size_t *n)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	size_t cap = 1 << 16, len = 0;
	uint8_t *p = malloc(cap);
	size_t r;
	while (p && (r = fread(p + len, 1, cap - len, f)) > 0)
		if ((len += r) == cap)
			p = realloc(p, cap *= 2);
	fclose(f);
	*n = len;
	return p;
}

static unsigned rd16(const uint8_t *p) { return p[0] | (unsigned)p[1] << 8; }
static uint32_t rd32(const uint8_t *p) { return rd16(p) | (uint32_t)rd16(p + 2) << 16; }

static void samples(void **state)
{
	(void)state;
	DIR *d = opendir(samples_dir);
	assert_non_null(d);
	unsigned long before = mismatches, streams = 0;
	struct dirent *e;
	while ((e = readdir(d))) {
		char path[4096];
		snprintf(path, sizeof path, "%s/%s", samples_dir, e->d_name);
		size_t n;
		uint8_t *p = e->d_name[0] == '.' ? NULL : slurp(path, &n);
		if (!p)
			continue;
		if (n > 10 && p[0] == 0x1f && p[1] == 0x8b) {
			compare(e->d_name, WRAP_GZIP, p, n);
			streams++;
		}
		/* Every local header with method 8: its data to the stated size, or to the end of the file. */
		for (size_t i = 0; i + 30 <= n; i++) {
			if (memcmp(p + i, "PK\3\4", 4) || rd16(p + i + 8) != 8)
				continue;
			size_t data = i + 30 + rd16(p + i + 26) + rd16(p + i + 28);
			if (data > n)
				continue;
			size_t cs = rd32(p + i + 18);
			compare(e->d_name, WRAP_RAW, p + data, cs && cs <= n - data ? cs : n - data);
			streams++;
		}
		free(p);
	}
	closedir(d);
	fprintf(stderr, "samples: %lu streams, %lu mismatches\n", streams, mismatches - before);
	assert_true(streams > 20);
	assert_int_equal(mismatches, before);
}

/* ISA-L's CRC-32 is zlib's, chained the same way. */
static void crc(void **state)
{
	(void)state;
	uint8_t buf[5000];
	for (size_t i = 0; i < sizeof buf; i++)
		buf[i] = (uint8_t)rnd();
	for (size_t n = 0; n < sizeof buf; n += 37) {
		assert_int_equal(crc32_gzip_refl(0, buf, n), (uint32_t)crc32(0, buf, (uInt)n));
		uint32_t a = crc32_gzip_refl(0, buf, n / 3);
		assert_int_equal(crc32_gzip_refl(a, buf + n / 3, n - n / 3), (uint32_t)crc32(0, buf, (uInt)n));
	}
}

/*
 * The codecs crible reads with are ISA-L's, not zlib's twins under their
 * names: were they zlib's, every comparison above would pass trivially.
 * A dynamic block whose literal code is incomplete (only 'A' and the end
 * of block, two bits each) tells them apart: ISA-L writes "A", zlib
 * refuses the code set.
 */
static void codecs_are_isal(void **state)
{
	(void)state;
	const struct cr_codec_ops *main_ops[] = {&cr_codec_deflate, &cr_codec_gzip, &cr_codec_zlib};
	const struct cr_codec_ops *twins[] = {&cr_codec_deflate_zlib, &cr_codec_gzip_zlib, &cr_codec_zlib_zlib};
	for (int i = 0; i < 3; i++)
		assert_ptr_not_equal(main_ops[i]->step, twins[i]->step);
	struct bits w;
	memset(&w, 0, sizeof w);
	put(&w, 1, 1);	/* final */
	put(&w, 2, 2);	/* dynamic */
	put(&w, 0, 5);	/* 257 literal/length codes */
	put(&w, 0, 5);	/* 1 distance code */
	put(&w, 12, 4);	/* 16 code length code lengths, in RFC 1951's order 16 17 18 0 8 7 9 6 10 5 11 4 12 3 13 2 */
	static const int order[16] = {16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2};
	for (int i = 0; i < 16; i++)
		put(&w, order[i] == 0 || order[i] == 2 || order[i] == 17 || order[i] == 18 ? 2 : 0, 3);
	/* Code length codes, two bits each in symbol order: 0 -> 00, 2 -> 01, 17 -> 10, 18 -> 11. */
	put_code(&w, 3, 2), put(&w, 65 - 11, 7);	/* literals 0-64: no code */
	put_code(&w, 1, 2);			/* 'A': two bits */
	put_code(&w, 3, 2), put(&w, 138 - 11, 7);	/* 66-203 */
	put_code(&w, 3, 2), put(&w, 52 - 11, 7);	/* 204-255 */
	put_code(&w, 1, 2);			/* end of block: two bits */
	put_code(&w, 0, 2);			/* the one distance code: none */
	put_code(&w, 0, 2);			/* 'A' -> 00 */
	put_code(&w, 1, 2);			/* end of block -> 01 */
	static const size_t whole[2] = {1u << 20, 4096};
	char msg[256] = "";
	size_t out = 0;
	assert_int_equal(inflate_diff(WRAP_RAW, w.b, (w.n + 7) / 8, whole, &out, msg, sizeof msg), LENIENT);
	assert_int_equal(out, 1);
}

/* Our codec's output for a raw deflate stream, up to cap bytes, whatever it says at the end. */
static size_t isal_out(const uint8_t *in, size_t n, uint8_t *out, size_t cap)
{
	void *st = cr_codec_deflate.init();
	assert_non_null(st);
	const uint8_t *p = in;
	size_t left = n, total = 0;
	for (;;) {
		size_t made = cap - total;
		const char *why = "";
		enum cr_step r = cr_codec_deflate.step(st, &p, &left, out + total, &made, true, &why);
		total += made;
		if (r != STEP_OK || made == 0)
			break;
	}
	cr_codec_deflate.end(st);
	return total;
}

/*
 * A match reaching before the first byte: zlib refuses it and writes
 * nothing for it; ISA-L copies it from its history buffer before it
 * refuses.  That buffer must hold nothing but this stream's bytes (zeros
 * before them), never what the heap held: another file's bytes would be
 * scanned, extracted and named as this one's, and the scan would change
 * from run to run.  Decoded once, then again with the heap dirtied.
 */
static void stale_history(void **state)
{
	(void)state;
	/*
	 * A fixed block cut from a fuzzed ZIP entry (fuzz_pipeline found it):
	 * zlib writes 16 bytes and refuses; ISA-L wrote 54, 38 of them from
	 * its history buffer as the heap left it.
	 */
	static const uint8_t in[] = {
		0x0b, 0xf0, 0x66, 0x66, 0x11, 0x61, 0x80, 0x00, 0x45, 0xe3, 0x86, 0x32,
		0xe2, 0x36, 0x1c, 0x40, 0x16, 0x08, 0x0b, 0x03, 0x71, 0xb4, 0x73, 0x7e,
		0x5e, 0x49, 0x6a, 0x5e, 0x49, 0x7c, 0x48, 0x65, 0x41, 0x6a, 0x71, 0xac,
		0x5e, 0x45, 0x6e, 0x8e, 0x0d, 0x98, 0xa9, 0x6f, 0x17, 0x80, 0xa2, 0x00,
		0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x27, 0x01, 0x00,
		0x00, 0x77, 0x6f, 0x72, 0x64, 0x2f, 0x64, 0x6f, 0x63, 0x75, 0x6d, 0x65,
		0x6e, 0x74, 0x2e, 0x78, 0x6d, 0x6c, 0x50, 0x4b, 0x01, 0x02, 0x14, 0x00,
		0x14, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x21, 0x00, 0x54, 0xa9,
		0x02, 0x7e, 0x54, 0x00, 0x00, 0x00, 0x54, 0x00, 0x00, 0x00, 0x11, 0x00,
		0x00, 0x00, 0x00,
	};
	static uint8_t a[4096], b[4096];
	size_t la = isal_out(in, sizeof in, a, sizeof a);
	for (int round = 0; round < 4; round++) {
		void *dirty[8];
		for (int k = 0; k < 8; k++) {
			dirty[k] = malloc(128u << 10);
			assert_non_null(dirty[k]);
			memset(dirty[k], 0xa5 + round, 128u << 10);
		}
		for (int k = 0; k < 8; k++)
			free(dirty[k]);
		memset(b, 0xee, sizeof b);
		size_t lb = isal_out(in, sizeof in, b, sizeof b);
		assert_int_equal(la, lb);
		assert_memory_equal(a, b, la);
		for (size_t i = 0; i < la; i++)
			if (b[i] >= 0xa5 && b[i] <= 0xa8)
				fail_msg("byte %zu of the output is 0x%02x: the heap's, not the stream's", i, b[i]);
	}
	assert_true(la >= 16 && !memcmp(a, "PK\3\4", 4));
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: test_inflate SAMPLES_DIR\n");
		return 2;
	}
	samples_dir = argv[1];
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(crc),
		cmocka_unit_test(codecs_are_isal),
		cmocka_unit_test(stale_history),
		cmocka_unit_test(hand_made),
		cmocka_unit_test(made_streams),
		cmocka_unit_test(samples),
	};
	int rc = cmocka_run_group_tests(tests, NULL, NULL);
	fprintf(stderr, "%lu comparisons in all\n", cases);
	return rc;
}
