/*
 * archives.c - hostile archives built in code, each beside a benign near
 * miss: zip-slip in ZIP and TAR, CVE-2025-8088-shaped RAR5 and RAR4
 * stream headers, symlink planting, overlapping and nested bombs.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "samples.h"

/* --- ZIP writer with every field under the test's control -------------- */

/* The WinZip AES extra field (0x9901): AE-2, "AE", AES-256, real method deflate. */
static void aes_extra(struct sbuf *b)
{
	sb_u16le(b, 0x9901);
	sb_u16le(b, 7);
	sb_u16le(b, 2);
	sb_str(b, "AE");
	sb_u8(b, 3);
	sb_u16le(b, 8);
}

/*
 * The fields local and central headers share, from "version needed" to
 * the extra length: version, flags, method, time, date, CRC, sizes,
 * name length, extra length.
 */
static void common(struct sbuf *b, const struct zspec *z, uint32_t crc, uint32_t csize, const char *name)
{
	sb_u16le(b, 20);
	sb_u16le(b, z->flags);
	sb_u16le(b, z->aes ? 99 : z->deflate ? 8 : 0);
	sb_u16le(b, 0);
	sb_u16le(b, 0x21);
	sb_u32le(b, crc);
	sb_u32le(b, csize);
	sb_u32le(b, (uint32_t)z->len);
	sb_u16le(b, (uint16_t)strlen(name));
	sb_u16le(b, z->aes ? 11 : 0);
}

size_t deflate_raw(const void *data, size_t len, uint8_t **out)
{
	uLongf cap = compressBound((uLong)len) + 16;
	*out = malloc(cap);
	z_stream zs;
	memset(&zs, 0, sizeof zs);
	deflateInit2(&zs, 9, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY);
	zs.next_in = (Bytef *)data;
	zs.avail_in = (uInt)len;
	zs.next_out = *out;
	zs.avail_out = (uInt)cap;
	deflate(&zs, Z_FINISH);
	size_t n = zs.total_out;
	deflateEnd(&zs);
	return n;
}

void zip_write(struct sbuf *b, const struct zspec *z, size_t n)
{
	size_t base = b->len;
	uint32_t *off = calloc(n, sizeof *off), *csz = calloc(n, sizeof *csz), *crc = calloc(n, sizeof *crc);
	uint8_t *cdata = NULL;
	for (size_t i = 0; i < n; i++) {
		const uint8_t *d = z[i].data;
		size_t dl = z[i].len;
		crc[i] = sb_crc32(d, dl);
		if (z[i].share_prev && i > 0) {
			off[i] = off[i - 1];
			csz[i] = csz[i - 1];
			continue;
		}
		const uint8_t *out = d;
		size_t ol = dl;
		if (z[i].deflate) {
			free(cdata);
			ol = deflate_raw(d, dl, &cdata);
			out = cdata;
		}
		const char *ln = z[i].lname ? z[i].lname : z[i].name;
		off[i] = (uint32_t)(b->len - base);
		csz[i] = (uint32_t)ol;
		sb_str(b, "PK\3\4");
		common(b, &z[i], crc[i], (uint32_t)ol, ln);
		sb_str(b, ln);
		if (z[i].aes)
			aes_extra(b);
		sb_put(b, out, ol);
	}
	size_t cd = b->len - base;
	for (size_t i = 0; i < n; i++) {
		sb_str(b, "PK\1\2");
		sb_u16le(b, z[i].mode ? 0x031e : 0x0014);
		common(b, &z[i], crc[i], csz[i], z[i].name);
		sb_u16le(b, 0);
		sb_u16le(b, 0);
		sb_u16le(b, 0);
		sb_u32le(b, z[i].mode << 16);
		sb_u32le(b, off[i]);
		sb_str(b, z[i].name);
		if (z[i].aes)
			aes_extra(b);
	}
	size_t cdsize = b->len - base - cd;
	sb_str(b, "PK\5\6");
	sb_u16le(b, 0);
	sb_u16le(b, 0);
	sb_u16le(b, (uint16_t)n);
	sb_u16le(b, (uint16_t)n);
	sb_u32le(b, (uint32_t)cdsize);
	sb_u32le(b, (uint32_t)cd);
	sb_u16le(b, 0);
	free(off);
	free(csz);
	free(crc);
	free(cdata);
}

#define T(s) s, sizeof(s) - 1
#define ZIPF(fn, ...)                                                 \
	void fn(struct sbuf *b)                                       \
	{                                                             \
		static const struct zspec z[] = {__VA_ARGS__};       \
		zip_write(b, z, sizeof z / sizeof z[0]);              \
	}

static const char pdf[] = "%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n";
static const char note[] = "hello, this is a harmless note\n";

ZIPF(a_zip_slip, {"../../../../tmp/evil.txt", NULL, T(note)})
ZIPF(a_zip_slip_win, {"..\\..\\..\\Temp\\evil.txt", NULL, T(note)})
ZIPF(a_zip_benign, {"a..b.txt", NULL, T(note)}, {"./x/./y/z.txt", NULL, T(note)},
     {"r\xc3\xa9sum\xc3\xa9.txt", NULL, T(note), 0, 0x800}, {".hidden", NULL, T(note)})
ZIPF(a_zip_mismatch, {"safe.txt", "../a.txt", T(note)})
ZIPF(a_zip_zipcrypto, {"secret.txt", NULL, T(note), 0, 1})
ZIPF(a_zip_aes, {"secret.txt", NULL, T(note), 0, 1, 0, 1})
ZIPF(a_zip_symlink_escape, {"docs/readme.txt", NULL, T(note)}, {"passwd", NULL, T("../../../etc/passwd"), 0, 0, 0120777})
ZIPF(a_zip_symlink_ok, {"docs/readme.txt", NULL, T(note)}, {"readme", NULL, T("docs/readme.txt"), 0, 0, 0120777})
ZIPF(a_zip_link_through, {"d", NULL, T("/etc"), 0, 0, 0120777}, {"d/cron.d/evil", NULL, T(note)})
ZIPF(a_zip_js, {"invoice.pdf.js", NULL, T("var x = 1;\n")})
ZIPF(a_zip_eicar_deflate,
     {"eicar.com", NULL, T("X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"), 1})
ZIPF(a_zip_collision, {"Readme.txt", NULL, T(note)}, {"README.TXT", NULL, T(note)})
ZIPF(a_zip_ads, {"cv.pdf:evil.dll", NULL, T(note)})
ZIPF(a_zip_device, {"aux.txt", NULL, T(note)})
ZIPF(a_zip_bidi, {"invoice_\xe2\x80\xae" "fdp.exe", NULL, T(note), 0, 0x800})
ZIPF(a_zip_setuid, {"bin/tool", NULL, T(note), 0, 0, 0104755})
ZIPF(a_zip_fifo, {"pipe", NULL, T(""), 0, 0, 0010644})
ZIPF(a_zip_overlap, {"a.bin", NULL, T(note), 1}, {"b.bin", NULL, T(note), 1, 0, 0, 0, 1},
     {"c.bin", NULL, T(note), 1, 0, 0, 0, 1})

void a_zip_prepended(struct sbuf *b)
{
	sb_str(b, "#!/bin/sh\nexec unzip \"$0\"\n");
	static const struct zspec z[] = {{"payload.txt", NULL, T(note)}};
	/* Offsets inside a ZIP count from its own start, so the prefix shifts everything. */
	struct sbuf zb = {0};
	zip_write(&zb, z, 1);
	sb_put(b, zb.p, zb.len);
	sb_free(&zb);
}

/* One byte of the stored data changed after the CRC was taken. */
void a_zip_badcrc(struct sbuf *b)
{
	static const struct zspec z[] = {{"a.txt", NULL, T(note)}};
	zip_write(b, z, 1);
	b->p[30 + 5] ^= 0x20;
}

void a_zip_trailing(struct sbuf *b)
{
	static const struct zspec z[] = {{"a.txt", NULL, T(note)}};
	zip_write(b, z, 1);
	sb_str(b, "appended bytes after the end record");
}

/* A 4 MB log, highly compressible: no bomb (expansion stays under the 16 MiB floor). */
void a_zip_log(struct sbuf *b)
{
	size_t n = 4u << 20;
	char *log = malloc(n);
	static const char line[] = "2026-11-29T04:00:00Z INFO request served in 3 ms\n";
	for (size_t i = 0; i < n; i++)
		log[i] = line[i % (sizeof line - 1)];
	struct zspec z[] = {{"server.log", NULL, log, n, 1}};
	zip_write(b, z, 1);
	free(log);
}

/* A ZIP holding a ZIP holding a .js: the where chain has three names. */
void a_zip_nested(struct sbuf *b)
{
	static const struct zspec inner[] = {{"scripts/run.js", NULL, T("WScript.Echo(1);\n")}};
	struct sbuf ib = {0};
	zip_write(&ib, inner, 1);
	struct zspec outer[] = {{"docs/readme.txt", NULL, T(note)}, {"inner.zip", NULL, ib.p, ib.len, 1}};
	zip_write(b, outer, 2);
	sb_free(&ib);
}

/* Ten ZIPs inside each other: deeper than the default limit of 8. */
void a_zip_deep(struct sbuf *b)
{
	struct sbuf cur = {0};
	static const struct zspec leaf[] = {{"leaf.txt", NULL, T(note)}};
	zip_write(&cur, leaf, 1);
	for (int i = 0; i < 10; i++) {
		struct zspec z[] = {{"level.zip", NULL, cur.p, cur.len}};
		struct sbuf next = {0};
		zip_write(&next, z, 1);
		sb_free(&cur);
		cur = next;
	}
	sb_put(b, cur.p, cur.len);
	sb_free(&cur);
}

/* 150 entries, for a --max-entries 100 run. */
void a_zip_many(struct sbuf *b)
{
	struct zspec z[150];
	char names[150][16];
	for (int i = 0; i < 150; i++) {
		snprintf(names[i], sizeof names[i], "f%03d.txt", i);
		z[i] = (struct zspec){names[i], NULL, note, sizeof note - 1, 0, 0, 0, 0, 0};
	}
	zip_write(b, z, 150);
}

/*
 * A zstd frame of `blocks` RLE blocks of 128 KiB zeros: 4 bytes a block,
 * so 4 GiB of output costs 128 KiB.  Frame header: magic, descriptor 0
 * (no content size, no checksum, not single segment), window descriptor
 * 0x58 (2^21 window).
 */
static void zstd_zeros(struct sbuf *b, size_t blocks)
{
	sb_put(b, "\x28\xb5\x2f\xfd\x00\x58", 6);
	for (size_t i = 0; i < blocks; i++) {
		uint32_t last = i + 1 == blocks, size = 128 * 1024;
		uint32_t h = last | 1u << 1 /* RLE */ | size << 3;
		sb_u8(b, (uint8_t)h);
		sb_u8(b, (uint8_t)(h >> 8));
		sb_u8(b, (uint8_t)(h >> 16));
		sb_u8(b, 0);
	}
}

/* A ZIP of ten stored .zst files, each 4 GiB of zeros: 40 GB from 1.3 MB. */
void a_bomb_nested(struct sbuf *b)
{
	struct sbuf zs = {0};
	zstd_zeros(&zs, 32768);
	struct zspec z[10];
	char names[10][16];
	for (int i = 0; i < 10; i++) {
		snprintf(names[i], sizeof names[i], "part%d.zst", i);
		z[i] = (struct zspec){names[i], NULL, zs.p, zs.len, 0, 0, 0, 0, 0};
	}
	zip_write(b, z, 10);
	sb_free(&zs);
}

/* Fifield's overlap bomb, small: one deflated kernel of 1 MiB zeros shared by 250 entries. */
void a_bomb_overlap(struct sbuf *b)
{
	size_t n = 1u << 20;
	char *zeros = calloc(1, n);
	struct zspec z[250];
	char names[250][16];
	for (int i = 0; i < 250; i++) {
		snprintf(names[i], sizeof names[i], "%03d", i);
		z[i] = (struct zspec){names[i], NULL, zeros, n, 1, 0, 0, 0, i > 0};
	}
	zip_write(b, z, 250);
	free(zeros);
}

/*
 * Findings floods: n PNGs named .jpg, each a low type.mismatch, before
 * the entries that matter.  The report lists 4 096 findings; the verdict
 * must still see what comes after (a limit.findings, never an allow).
 */
static void flood(struct sbuf *b, size_t n, const struct zspec *tail, size_t ntail)
{
	struct sbuf png = {0};
	sample_png(&png);
	struct zspec *z = calloc(n + ntail, sizeof *z);
	char (*names)[24] = calloc(n, sizeof *names);
	for (size_t i = 0; i < n; i++) {
		snprintf(names[i], sizeof names[i], "img/%05zu.jpg", i);
		z[i] = (struct zspec){names[i], NULL, png.p, png.len, 0, 0, 0, 0, 0};
	}
	for (size_t i = 0; i < ntail; i++)
		z[n + i] = tail[i];
	zip_write(b, z, n + ntail);
	free(names);
	free(z);
	sb_free(&png);
}

static const char eicar[] = "X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*";

void a_zip_flood(struct sbuf *b)
{
	static const struct zspec tail[] = {{"zz/../../evil.txt", NULL, T(eicar)}};
	flood(b, 4100, tail, 1);
}

void a_zip_flood_twin(struct sbuf *b) { flood(b, 4000, NULL, 0); }

/* After the flood, EICAR at depth 1, then inside a ZIP (depth 2), a ZIP in a ZIP (3), and so on to 4. */
void a_zip_flood_deep(struct sbuf *b)
{
	struct zspec tail[4];
	struct sbuf lv[4] = {{0}};
	static const struct zspec leaf[] = {{"eicar.txt", NULL, T(eicar)}};
	zip_write(&lv[0], leaf, 1);
	for (int i = 1; i < 4; i++) {
		struct zspec z[] = {{"deeper.zip", NULL, lv[i - 1].p, lv[i - 1].len, 1}};
		zip_write(&lv[i], z, 1);
	}
	tail[0] = (struct zspec){"eicar.txt", NULL, T(eicar)};
	tail[1] = (struct zspec){"d2.zip", NULL, lv[0].p, lv[0].len};
	tail[2] = (struct zspec){"d3.zip", NULL, lv[1].p, lv[1].len};
	tail[3] = (struct zspec){"d4.zip", NULL, lv[2].p, lv[2].len};
	flood(b, 10000, tail, 4);
	for (int i = 0; i < 4; i++)
		sb_free(&lv[i]);
}

/* --- TAR ---------------------------------------------------------------- */

void tar_checksum(uint8_t *h)
{
	memset(h + 148, ' ', 8);
	unsigned sum = 0;
	for (int i = 0; i < 512; i++)
		sum += h[i];
	snprintf((char *)h + 148, 8, "%06o", sum);
	h[155] = ' ';
}

void tar_block(struct sbuf *b, const char *name, char type, const char *link, const char *mode, const char *prefix,
	       const char *magic, unsigned size, const void *data, size_t len)
{
	uint8_t h[512];
	memset(h, 0, sizeof h);
	memcpy(h, name, strlen(name) < 100 ? strlen(name) : 100);
	memcpy(h + 100, mode ? mode : "0000644", 7);
	memcpy(h + 108, "0001750", 7);
	memcpy(h + 116, "0001750", 7);
	char sz[12];
	snprintf(sz, sizeof sz, "%011o", size);
	memcpy(h + 124, sz, 11);
	memcpy(h + 136, "14500000000", 11);
	h[156] = (uint8_t)type;
	if (link)
		memcpy(h + 157, link, strlen(link));
	memcpy(h + 257, magic ? magic : "ustar\00000", 8);
	if (prefix)
		memcpy(h + 345, prefix, strlen(prefix));
	tar_checksum(h);
	sb_put(b, h, 512);
	if (len) {
		sb_put(b, data, len);
		sb_zero(b, (512 - len % 512) % 512);
	}
}

static void tar_hdr(struct sbuf *b, const char *name, char type, const char *link, const char *mode,
		    const void *data, size_t len)
{
	tar_block(b, name, type, link, mode, NULL, NULL, (unsigned)len, data, len);
}

static void tar_end(struct sbuf *b) { sb_zero(b, 1024); }

#define TARF(fn, body)                  \
	void fn(struct sbuf *b)         \
	{                               \
		body;                   \
		tar_end(b);             \
	}

TARF(a_tar_slip, tar_hdr(b, "../../../../tmp/evil.sh", '0', NULL, NULL, T(note)))
TARF(a_tar_abs, tar_hdr(b, "/etc/cron.d/evil", '0', NULL, NULL, T(note)))
TARF(a_tar_ok, tar_hdr(b, "dir/", '5', NULL, "0000755", NULL, 0); tar_hdr(b, "dir/file.txt", '0', NULL, NULL, T(note));
     tar_hdr(b, "dir/link", '2', "file.txt", NULL, NULL, 0); tar_hdr(b, "hard", '1', "dir/file.txt", NULL, NULL, 0);
     tar_hdr(b, "dir/up", '2', "../hard", NULL, NULL, 0))
TARF(a_tar_symlink, tar_hdr(b, "evil", '2', "/etc/shadow", NULL, NULL, 0))
TARF(a_tar_hardlink, tar_hdr(b, "evil", '1', "../../etc/shadow", NULL, NULL, 0))
TARF(a_tar_device, tar_hdr(b, "dev/sda", '4', NULL, NULL, NULL, 0))
TARF(a_tar_fifo, tar_hdr(b, "pipe", '6', NULL, NULL, NULL, 0))
TARF(a_tar_setuid, tar_hdr(b, "bin/su", '0', NULL, "0004755", T(note)))
TARF(a_tar_through, tar_hdr(b, "lib", '2', "/usr/lib", NULL, NULL, 0);
     tar_hdr(b, "lib/libc.so.6", '0', NULL, NULL, T(note)))
/* The traversal hides in a GNU long name; the header's own name is harmless. */
TARF(a_tar_gnu_long, tar_hdr(b, "././@LongLink", 'L', NULL, NULL, T("../../../../home/user/.bashrc"));
     tar_hdr(b, "harmless.txt", '0', NULL, NULL, T(note)))
/* The same through a pax path record: "LEN path=...\n" with LEN counting itself. */
TARF(a_tar_pax, tar_hdr(b, "PaxHeaders/x", 'x', NULL, NULL, T("30 path=../../etc/profile.d/x\n"));
     tar_hdr(b, "harmless.txt", '0', NULL, NULL, T(note)))
void a_tar_corrupt(struct sbuf *b)
{
	tar_hdr(b, "a.txt", '0', NULL, NULL, T(note));
	size_t at = b->len;
	tar_hdr(b, "b.txt", '0', NULL, NULL, T(note));
	b->p[at + 148] ^= 1;	/* checksum */
	tar_end(b);
}

/* A gzip (stored deflate blocks) of a tar holding a .lnk: gz > tar > entry. */
void a_tgz_lnk(struct sbuf *b)
{
	struct sbuf t = {0};
	uint8_t lnk[128] = {'L', 0, 0, 0, 0x01, 0x14, 0x02, 0, 0, 0, 0, 0, 0xc0, 0, 0, 0, 0, 0, 0, 0x46};
	tar_hdr(&t, "Invoice.pdf.lnk", '0', NULL, NULL, lnk, sizeof lnk);
	tar_end(&t);
	uLongf cap = compressBound((uLong)t.len) + 32;
	uint8_t *c = malloc(cap);
	z_stream zs;
	memset(&zs, 0, sizeof zs);
	deflateInit2(&zs, 9, Z_DEFLATED, 16 + 15, 8, Z_DEFAULT_STRATEGY);
	zs.next_in = t.p;
	zs.avail_in = (uInt)t.len;
	zs.next_out = c;
	zs.avail_out = (uInt)cap;
	deflate(&zs, Z_FINISH);
	sb_put(b, c, zs.total_out);
	deflateEnd(&zs);
	free(c);
	sb_free(&t);
}

/* --- cpio (newc), read through libarchive in a broker worker ------------ */

static void cpio_entry(struct sbuf *b, const char *name, unsigned mode, const void *data, size_t len)
{
	char h[111];
	snprintf(h, sizeof h, "070701%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X", 1u, mode, 0u, 0u, 1u,
		 0x5f000000u, (unsigned)len, 0u, 0u, 0u, 0u, (unsigned)strlen(name) + 1, 0u);
	sb_put(b, h, 110);
	sb_put(b, name, strlen(name) + 1);
	while (b->len % 4)
		sb_u8(b, 0);
	sb_put(b, data, len);
	while (b->len % 4)
		sb_u8(b, 0);
}

static void cpio_end(struct sbuf *b) { cpio_entry(b, "TRAILER!!!", 0, NULL, 0); }

void a_cpio_ok(struct sbuf *b)
{
	cpio_entry(b, "docs", 040755, NULL, 0);
	cpio_entry(b, "docs/notes.txt", 0100644, note, sizeof note - 1);
	cpio_entry(b, "docs/link", 0120777, "notes.txt", 9);
	cpio_end(b);
}

void a_cpio_slip(struct sbuf *b)
{
	cpio_entry(b, "../../etc/cron.d/evil", 0100644, note, sizeof note - 1);
	cpio_end(b);
}

/* EICAR and a symlink out of the folder, read by libarchive in a sandboxed worker. */
void a_cpio_hostile(struct sbuf *b)
{
	cpio_entry(b, "eicar.txt", 0100644, eicar, sizeof eicar - 1);
	cpio_entry(b, "passwd", 0120777, "/etc/passwd", 11);
	cpio_end(b);
}

/* A cpio inside a cpio: the inner one needs a worker of its own while the outer worker waits. */
void a_cpio_nested(struct sbuf *b)
{
	struct sbuf in = {0};
	a_cpio_slip(&in);
	cpio_entry(b, "readme.txt", 0100644, note, sizeof note - 1);
	cpio_entry(b, "inner.cpio", 0100644, in.p, in.len);
	cpio_entry(b, "after.txt", 0100644, note, sizeof note - 1);
	cpio_end(b);
	sb_free(&in);
}

/* --- RAR5 --------------------------------------------------------------- */

static void vint(struct sbuf *b, uint64_t v)
{
	do {
		uint8_t c = v & 0x7f;
		v >>= 7;
		sb_u8(b, (uint8_t)(c | (v ? 0x80 : 0)));
	} while (v);
}

/* One block: CRC32 over header size .. end of extra area, then the data; `more` adds header flags (volumes). */
static void rar5_block_f(struct sbuf *b, uint64_t type, uint64_t more, const struct sbuf *fields,
			 const struct sbuf *extra, const void *data, size_t dlen)
{
	struct sbuf body = {0}, hdr = {0};
	vint(&body, type);
	vint(&body, (extra && extra->len ? 1 : 0) | (data ? 2 : 0) | more);
	if (extra && extra->len)
		vint(&body, extra->len);
	if (data)
		vint(&body, dlen);
	if (fields)
		sb_put(&body, fields->p, fields->len);
	if (extra && extra->len)
		sb_put(&body, extra->p, extra->len);
	vint(&hdr, body.len);
	sb_put(&hdr, body.p, body.len);
	sb_u32le(b, sb_crc32(hdr.p, hdr.len));
	sb_put(b, hdr.p, hdr.len);
	if (data)
		sb_put(b, data, dlen);
	sb_free(&body);
	sb_free(&hdr);
}

static void rar5_block(struct sbuf *b, uint64_t type, const struct sbuf *fields, const struct sbuf *extra,
		       const void *data, size_t dlen)
{
	rar5_block_f(b, type, 0, fields, extra, data, dlen);
}

/* A file header; method 0 stores, 1-5 compress (the data is then whatever the caller gives). */
static void rar5_file_m(struct sbuf *b, int service, const char *name, const char *stream, const void *data,
			size_t dlen, unsigned method, uint64_t usize)
{
	struct sbuf f = {0}, x = {0};
	vint(&f, 0);		/* file flags */
	vint(&f, usize);	/* unpacked size */
	vint(&f, 0x20);		/* attributes: archive */
	vint(&f, (uint64_t)method << 7);	/* compression: version 0, method */
	vint(&f, 0);		/* host: Windows */
	vint(&f, strlen(name));
	sb_str(&f, name);
	if (stream) {
		struct sbuf r = {0};
		vint(&r, 0x07);
		sb_str(&r, stream);
		vint(&x, r.len);
		sb_put(&x, r.p, r.len);
		sb_free(&r);
	}
	rar5_block(b, service ? 3 : 2, &f, &x, data, dlen);
	sb_free(&f);
	sb_free(&x);
}

static void rar5_file(struct sbuf *b, int service, const char *name, const char *stream, const void *data,
		      size_t dlen)
{
	rar5_file_m(b, service, name, stream, data, dlen, 0, dlen);
}

static void rar5_begin(struct sbuf *b)
{
	sb_put(b, "Rar!\x1a\x07\x01\x00", 8);
	struct sbuf f = {0};
	vint(&f, 0);	/* archive flags */
	rar5_block(b, 1, &f, NULL, NULL, 0);
	sb_free(&f);
}

static void rar5_end(struct sbuf *b)
{
	struct sbuf f = {0};
	vint(&f, 0);
	rar5_block(b, 5, &f, NULL, NULL, 0);
	sb_free(&f);
}

static const uint8_t lnk_payload[76] = {'L', 0, 0, 0, 0x01, 0x14, 0x02, 0, 0, 0, 0, 0, 0xc0, 0, 0, 0, 0, 0, 0, 0x46};

/*
 * Shaped like the RomCom samples (July 2025): a decoy PDF, then stream
 * headers whose names climb out of the extraction folder at several
 * depths, because the attacker does not know how deep it is.
 */
void a_rar5_romcom(struct sbuf *b)
{
	rar5_begin(b);
	rar5_file(b, 0, "eli_rosenfeld_cv2.pdf", NULL, pdf, sizeof pdf - 1);
	static const char *const depths[] = {
		":..\\..\\AppData\\Roaming\\Microsoft\\Windows\\Start Menu\\Programs\\Startup\\x.lnk",
		":..\\..\\..\\AppData\\Roaming\\Microsoft\\Windows\\Start Menu\\Programs\\Startup\\x.lnk",
		":..\\..\\..\\..\\AppData\\Roaming\\Microsoft\\Windows\\Start Menu\\Programs\\Startup\\x.lnk",
	};
	for (size_t i = 0; i < 3; i++)
		rar5_file(b, 1, "STM", depths[i], lnk_payload, sizeof lnk_payload);
	rar5_end(b);
}

/* The benign twin: a PDF with its Mark of the Web stream. */
void a_rar5_zone(struct sbuf *b)
{
	rar5_begin(b);
	rar5_file(b, 0, "report.pdf", NULL, pdf, sizeof pdf - 1);
	rar5_file(b, 1, "STM", ":Zone.Identifier", T("[ZoneTransfer]\r\nZoneId=3\r\n"));
	rar5_end(b);
}

void a_rar5_slip(struct sbuf *b)
{
	rar5_begin(b);
	rar5_file(b, 0, "../../startup.bat", NULL, T("@echo off\r\n"));
	rar5_end(b);
}

void a_rar5_encrypted(struct sbuf *b)
{
	sb_put(b, "Rar!\x1a\x07\x01\x00", 8);
	struct sbuf f = {0};
	vint(&f, 0);	/* version: AES-256 */
	vint(&f, 0);	/* flags */
	sb_u8(&f, 15);	/* KDF count */
	sb_zero(&f, 16);	/* salt */
	rar5_block(b, 4, &f, NULL, NULL, 0);
	sb_free(&f);
	sb_zero(b, 64);
}

/* --- RAR4 --------------------------------------------------------------- */

static void rar4_block(struct sbuf *b, uint8_t type, uint16_t flags, const struct sbuf *rest, const void *data,
		       size_t dlen)
{
	struct sbuf h = {0};
	sb_u8(&h, type);
	sb_u16le(&h, flags);
	sb_u16le(&h, (uint16_t)(7 + rest->len));
	sb_put(&h, rest->p, rest->len);
	sb_u16le(b, (uint16_t)(sb_crc32(h.p, h.len) & 0xffff));
	sb_put(b, h.p, h.len);
	if (data)
		sb_put(b, data, dlen);
	sb_free(&h);
}

static void rar4_file(struct sbuf *b, uint8_t type, const char *name, const uint8_t *sub, size_t sublen,
		      const void *data, size_t dlen)
{
	struct sbuf r = {0};
	sb_u32le(&r, (uint32_t)dlen);	/* PACK_SIZE */
	sb_u32le(&r, (uint32_t)dlen);	/* UNP_SIZE */
	sb_u8(&r, 2);			/* Win32 */
	sb_u32le(&r, sb_crc32(data, dlen));
	sb_u32le(&r, 0x5b7a0000);
	sb_u8(&r, 29);
	sb_u8(&r, 0x30);		/* stored */
	sb_u16le(&r, (uint16_t)strlen(name));
	sb_u32le(&r, 0x20);
	sb_str(&r, name);
	if (sub)
		sb_put(&r, sub, sublen);
	rar4_block(b, type, 0x8000, &r, data, dlen);
	sb_free(&r);
}

static void rar4_begin(struct sbuf *b)
{
	sb_put(b, "Rar!\x1a\x07\x00", 7);
	struct sbuf r = {0};
	sb_zero(&r, 6);
	rar4_block(b, 0x73, 0, &r, NULL, 0);
	sb_free(&r);
}

static void rar4_end(struct sbuf *b)
{
	struct sbuf r = {0};
	rar4_block(b, 0x7b, 0x4000, &r, NULL, 0);
	sb_free(&r);
}

/* RAR 3.x NEWSUB "STM" with a UTF-16LE stream name that climbs out. */
void a_rar4_stm(struct sbuf *b)
{
	rar4_begin(b);
	rar4_file(b, 0x74, "cv.pdf", NULL, 0, pdf, sizeof pdf - 1);
	static const char s[] = ":..\\..\\Start Menu\\Programs\\Startup\\x.lnk";
	uint8_t u16[2 * sizeof s];
	for (size_t i = 0; i + 1 < sizeof s; i++) {
		u16[2 * i] = (uint8_t)s[i];
		u16[2 * i + 1] = 0;
	}
	rar4_file(b, 0x7a, "STM", u16, 2 * (sizeof s - 1), lnk_payload, sizeof lnk_payload);
	rar4_end(b);
}

/* Windows-host names use '\\' as the separator. */
void a_rar4_slip(struct sbuf *b)
{
	rar4_begin(b);
	rar4_file(b, 0x74, "..\\..\\evil.cmd", NULL, 0, T("@echo off\r\n"));
	rar4_end(b);
}

void a_rar4_ok(struct sbuf *b)
{
	rar4_begin(b);
	rar4_file(b, 0x74, "docs\\notes.txt", NULL, 0, T(note));
	rar4_end(b);
}

/* A self-extractor: a PE whose one section ends at 0x400, then the RomCom-shaped RAR5. */
void a_sfx_rar(struct sbuf *b)
{
	sb_str(b, "MZ");
	sb_put(b, "\x90\x00\x03\x00\x00\x00\x04\x00", 8);
	sb_pad(b, 0x3c);
	sb_u32le(b, 0x80);
	sb_pad(b, 0x80);
	sb_put(b, "PE\0\0", 4);
	sb_u16le(b, 0x14c);
	sb_u16le(b, 1);		/* one section */
	sb_zero(b, 12);
	sb_u16le(b, 224);
	sb_u16le(b, 0x0102);
	size_t opt = b->len;
	sb_u16le(b, 0x10b);
	sb_pad(b, opt + 68);
	sb_u16le(b, 2);
	sb_pad(b, opt + 224);
	sb_put(b, ".text\0\0\0", 8);
	sb_u32le(b, 0x200);	/* virtual size */
	sb_u32le(b, 0x1000);	/* virtual address */
	sb_u32le(b, 0x200);	/* raw size */
	sb_u32le(b, 0x200);	/* raw pointer: the image ends at 0x400 */
	sb_pad(b, 0x400);
	a_rar5_romcom(b);
}

/*
 * A compressed entry whose data no decoder accepts, then a compressed
 * empty entry: the empty one must not switch decoding off for the first
 * (the first is judged unreadable, not silently skipped).
 */
void a_rar5_trailing_empty(struct sbuf *b)
{
	static const uint8_t junk[64] = {0xde, 0xad, 0xbe, 0xef, 1, 2, 3, 4, 5, 6, 7, 8};
	rar5_begin(b);
	rar5_file_m(b, 0, "data.bin", NULL, junk, sizeof junk, 3, 4096);
	rar5_file_m(b, 0, "empty.txt", NULL, "", 0, 3, 0);
	rar5_end(b);
}

/*
 * A RAR5 archive with a quick-open cache (a "QO" service header the main
 * header's locator points at) holding a copy of the one file header,
 * named `cached`: WinRAR lists the copy, extracts notes.txt.
 */
static void rar5_quick_open(struct sbuf *b, const char *cached)
{
	struct sbuf file = {0}, copy = {0}, qo = {0}, content = {0}, sized = {0};
	rar5_file(&file, 0, "notes.txt", NULL, T(note));
	rar5_file(&copy, 0, cached, NULL, T(note));
	size_t hlen = copy.len - (sizeof note - 1);	/* the header without its data */
	/* The main header's length depends on the offset it holds: settle it. */
	size_t mlen = 0;
	struct sbuf main = {0};
	for (int i = 0; i < 4; i++) {
		uint64_t q = mlen + file.len;	/* the QO header, from the main header's start */
		struct sbuf f = {0}, x = {0}, r = {0};
		vint(&f, 0);	/* archive flags */
		vint(&r, 0x01);	/* locator */
		vint(&r, 0x01);	/* quick-open offset present */
		vint(&r, q);
		vint(&x, r.len);
		sb_put(&x, r.p, r.len);
		sb_free(&main);
		rar5_block(&main, 1, &f, &x, NULL, 0);
		sb_free(&f);
		sb_free(&x);
		sb_free(&r);
		if (main.len == mlen)
			break;
		mlen = main.len;
	}
	/* One cache record: CRC32 of what follows, its size, flags, offset back to the header, the copy. */
	vint(&content, 0);
	vint(&content, file.len);	/* from the QO header back to the file header */
	vint(&content, hlen);
	sb_put(&content, copy.p, hlen);
	vint(&sized, content.len);
	sb_put(&sized, content.p, content.len);
	sb_u32le(&qo, sb_crc32(sized.p, sized.len));
	sb_put(&qo, sized.p, sized.len);
	sb_put(b, "Rar!\x1a\x07\x01\x00", 8);
	sb_put(b, main.p, main.len);
	sb_put(b, file.p, file.len);
	rar5_file(b, 1, "QO", NULL, qo.p, qo.len);
	rar5_end(b);
	sb_free(&file);
	sb_free(&copy);
	sb_free(&qo);
	sb_free(&content);
	sb_free(&sized);
	sb_free(&main);
}

void a_rar5_quick_open(struct sbuf *b) { rar5_quick_open(b, "run.bat"); }

/* The twin: the cache holds the header as it is. */
void a_rar5_quick_open_twin(struct sbuf *b) { rar5_quick_open(b, "notes.txt"); }

/*
 * A stored file split over two volumes (header flags 0x0010 "continues in
 * the next volume", 0x0008 "continues from the previous"), each volume
 * with its main header (archive flags 0x0001 volume, 0x0002 volume
 * number) and end header (0x0001: not the last volume).  Each half alone
 * is harmless; joined, the file is `whole`.
 */
static void rar5_volume(struct sbuf *b, unsigned vol, const char *name, const void *whole, size_t len)
{
	size_t half = len / 2;
	struct sbuf f = {0}, x = {0};
	sb_put(b, "Rar!\x1a\x07\x01\x00", 8);
	vint(&f, vol ? 0x0003 : 0x0001);
	if (vol)
		vint(&f, vol);
	rar5_block(b, 1, &f, NULL, NULL, 0);
	sb_free(&f);
	vint(&f, 0);		/* file flags */
	vint(&f, len);		/* unpacked size: the whole file */
	vint(&f, 0x20);
	vint(&f, 0);		/* stored */
	vint(&f, 0);
	vint(&f, strlen(name));
	sb_str(&f, name);
	const uint8_t *p = whole;
	if (vol == 0)
		rar5_block_f(b, 2, 0x0010, &f, &x, p, half);
	else
		rar5_block_f(b, 2, 0x0008, &f, &x, p + half, len - half);
	sb_free(&f);
	/*
	 * The second volume carries a second file too: libarchive reads ahead
	 * 512 bytes to find the next volume's signature, which real volumes
	 * always have.
	 */
	if (vol) {
		char text[640];
		memset(text, '.', sizeof text);
		memcpy(text, "release notes\n", 14);
		text[sizeof text - 1] = '\n';
		rar5_file(b, 0, "readme.txt", NULL, text, sizeof text);
	}
	vint(&f, vol == 0 ? 1 : 0);
	rar5_block(b, 5, &f, NULL, NULL, 0);
	sb_free(&f);
}

void a_rar5_vol1(struct sbuf *b) { rar5_volume(b, 0, "sample.txt", T(eicar)); }
void a_rar5_vol2(struct sbuf *b) { rar5_volume(b, 1, "sample.txt", T(eicar)); }
/* The twin set: a note split the same way. */
void a_rar5_vol1_twin(struct sbuf *b) { rar5_volume(b, 0, "sample.txt", T(note)); }
void a_rar5_vol2_twin(struct sbuf *b) { rar5_volume(b, 1, "sample.txt", T(note)); }
