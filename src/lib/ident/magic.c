/*
 * magic.c - binary signatures with structural validation.
 *
 * A magic number alone is a claim: "MZ" starts plenty of text files and
 * "PK\5\6" occurs in random data.  Each signature here is followed by a
 * check of the fields around it (PE header behind e_lfanew, TAR header
 * checksum, ZIP central directory behind the EOCD, ...), and only a
 * structure that holds together is reported.
 *
 * cr_magic_head dispatches on the first byte (a switch the compiler turns
 * into a jump table), so a file costs one or two comparisons, not a walk
 * over thousands of rules as in libmagic.
 */
#include <stdlib.h>
#include <string.h>

#include "../io/cur.h"
#include "../layout/tar.h"
#include "ident.h"

#define M(off, lit) cur_match(&h, (off), (lit), sizeof(lit) - 1)

/* --- executables -------------------------------------------------------- */

/*
 * MZ: a PE when e_lfanew (u32 at 0x3C) points at "PE\0\0".  COFF
 * Characteristics 0x2000 marks a DLL, 0x1000 a system file; optional
 * header magic 0x20B is PE32+, subsystem 1 (native) is a driver.
 */
static enum cr_tid id_mz(const struct cr_view *v, const struct cr_cur *hp)
{
	struct cr_cur h = *hp;
	uint32_t lfanew;
	uint16_t cblp, cp, cparhdr;
	if (!cur_peek_u16le(&h, 2, &cblp) || !cur_peek_u16le(&h, 4, &cp) || !cur_peek_u16le(&h, 8, &cparhdr) ||
	    !cur_peek_u32le(&h, 0x3C, &lfanew))
		return T_UNKNOWN;
	uint8_t nt[4 + 20 + 72] = {0};
	size_t ntl = v->size > lfanew ? (v->size - lfanew < sizeof nt ? (size_t)(v->size - lfanew) : sizeof nt) : 0;
	/*
	 * Windows's loader follows e_lfanew wherever it points past "MZ": tiny
	 * PEs put the PE header at 4, over the DOS header (e_lfanew itself is
	 * then a field of the optional header).
	 */
	if (lfanew >= 4 && ntl >= 24 && cr_view_read(v, lfanew, nt, ntl)) {
		struct cr_cur c;
		cur_init(&c, nt, ntl);
		if (cur_match(&c, 0, "PE\0\0", 4)) {
			uint16_t chars = 0, magic = 0, subsys = 0;
			cur_peek_u16le(&c, 22, &chars);
			cur_peek_u16le(&c, 24, &magic);
			cur_peek_u16le(&c, 24 + 68, &subsys);
			int pe64 = magic == 0x20B;
			if (subsys == 1 || (chars & 0x1000))
				return pe64 ? T_PE64_SYS : T_PE32_SYS;
			if (chars & 0x2000)
				return pe64 ? T_PE64_DLL : T_PE32_DLL;
			return pe64 ? T_PE64_EXE : T_PE32_EXE;
		}
		/* NE, LE, LX: 16-bit Windows and OS/2 executables. */
		if ((nt[0] == 'N' || nt[0] == 'L') && (nt[1] == 'E' || nt[1] == 'X'))
			return T_DOS_MZ;
	}
	/*
	 * A bare DOS header: bytes in last page below 512, at least one page,
	 * a header of at least 2 paragraphs.  Text starting "MZ" fails the
	 * first test (two printable bytes make at least 0x2020).
	 */
	if (cblp < 512 && cp >= 1 && cparhdr >= 2 && (uint64_t)cparhdr * 16 <= v->size)
		return T_DOS_MZ;
	return T_UNKNOWN;
}

uint64_t cr_pe_overlay(const struct cr_view *v)
{
	/* e_lfanew -> COFF: sections (u16 at +6), optional header size (u16 at +20); sections follow it. */
	uint8_t b[24];
	uint32_t lfanew;
	if (!cr_view_read(v, 0x3c, b, 4))
		return 0;
	lfanew = (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 | (uint32_t)b[3] << 24;
	if (!cr_view_read(v, lfanew, b, 24) || memcmp(b, "PE\0\0", 4))
		return 0;
	unsigned nsec = b[6] | b[7] << 8, optsz = b[20] | b[21] << 8;
	if (nsec > 96)	/* the loader's own cap */
		return 0;
	uint64_t end = 0, sec = (uint64_t)lfanew + 24 + optsz;
	for (unsigned i = 0; i < nsec; i++) {
		uint8_t h[40];
		if (!cr_view_read(v, sec + 40ull * i, h, 40))
			return 0;
		uint64_t rsize = (uint32_t)h[16] | (uint32_t)h[17] << 8 | (uint32_t)h[18] << 16 | (uint32_t)h[19] << 24;
		uint64_t rptr = (uint32_t)h[20] | (uint32_t)h[21] << 8 | (uint32_t)h[22] << 16 | (uint32_t)h[23] << 24;
		if (rptr + rsize > end)
			end = rptr + rsize;
	}
	return end < v->size ? end : 0;
}

/* DT_FLAGS_1 with DF_1_PIE: how file(1) tells a PIE from a shared object. */
static int elf_has_pie_flag(const struct cr_view *v, int is64, int be, uint64_t phoff, uint16_t phentsize,
			    uint16_t phnum)
{
	if (phnum > 64 || phentsize < (is64 ? 56 : 32) || phentsize > 128)
		return 0;
	for (uint16_t i = 0; i < phnum; i++) {
		uint8_t ph[56];
		if (!cr_view_read(v, phoff + (uint64_t)i * phentsize, ph, is64 ? 56 : 32))
			return 0;
		struct cr_cur c;
		cur_init(&c, ph, is64 ? 56 : 32);
		uint32_t type;
		be ? cur_peek_u32be(&c, 0, &type) : cur_peek_u32le(&c, 0, &type);
		if (type != 2 /* PT_DYNAMIC */)
			continue;
		uint64_t off = 0, sz = 0;
		if (is64) {
			for (int k = 7; k >= 0; k--) {
				off = off << 8 | ph[8 + (be ? 7 - k : k)];
				sz = sz << 8 | ph[32 + (be ? 7 - k : k)];
			}
		} else {
			uint32_t o32, s32;
			be ? cur_peek_u32be(&c, 4, &o32) : cur_peek_u32le(&c, 4, &o32);
			be ? cur_peek_u32be(&c, 16, &s32) : cur_peek_u32le(&c, 16, &s32);
			off = o32, sz = s32;
		}
		/* A dynamic section is a few hundred bytes; read at most 4 KiB of it. */
		uint8_t dyn[4096];
		size_t n = sz > sizeof dyn ? sizeof dyn : (size_t)sz;
		size_t ent = is64 ? 16 : 8;
		n -= n % ent;
		if (n == 0 || !cr_view_read(v, off, dyn, n))
			return 0;
		for (size_t k = 0; k + ent <= n; k += ent) {
			uint64_t tag = 0, val = 0;
			size_t w = ent / 2;
			for (size_t b = 0; b < w; b++) {
				tag = tag << 8 | dyn[k + (be ? b : w - 1 - b)];
				val = val << 8 | dyn[k + w + (be ? b : w - 1 - b)];
			}
			if (tag == 0)
				break;
			if (tag == 0x6ffffffb && (val & 0x08000000))
				return 1;
		}
		return 0;
	}
	return 0;
}

static enum cr_tid id_elf(const struct cr_view *v, const struct cr_cur *hp)
{
	struct cr_cur h = *hp;
	if (h.len < 52)
		return T_UNKNOWN;
	int is64 = h.p[4] == 2, be = h.p[5] == 2;
	/*
	 * Linux's binfmt_elf checks the magic, e_type, e_machine and
	 * e_phentsize, not EI_CLASS, EI_DATA or EI_VERSION: an x86-64 ELF with
	 * EI_VERSION 0 or a class byte of 3 runs.  When those bytes are not
	 * what the spec wants, read the header as the loader does (little
	 * endian, the layout whose e_phentsize is the size of a program header).
	 */
	if ((h.p[4] != 1 && h.p[4] != 2) || (h.p[5] != 1 && h.p[5] != 2) || h.p[6] != 1) {
		uint16_t pe64 = 0, pe32 = 0;
		if (h.p[5] != 1 && h.p[5] != 2)
			be = 0;
		be ? cur_peek_u16be(&h, 54, &pe64) : cur_peek_u16le(&h, 54, &pe64);
		be ? cur_peek_u16be(&h, 42, &pe32) : cur_peek_u16le(&h, 42, &pe32);
		if (h.p[4] != 1 && h.p[4] != 2) {
			if (h.len >= 64 && pe64 == 56)
				is64 = 1;
			else if (pe32 == 32)
				is64 = 0;
			else
				return T_UNKNOWN;
		} else if ((is64 ? pe64 : pe32) != (is64 ? 56 : 32)) {
			return T_UNKNOWN;
		}
	}
	uint16_t type;
	be ? cur_peek_u16be(&h, 16, &type) : cur_peek_u16le(&h, 16, &type);
	switch (type) {
	case 1:
		return T_ELF_REL;
	case 2:
		return T_ELF_EXEC;
	case 4:
		return T_ELF_CORE;
	case 3: {
		uint64_t phoff;
		uint16_t phentsize, phnum;
		if (is64) {
			if (h.len < 64)
				return T_ELF_SO;
			phoff = 0;
			for (int k = 7; k >= 0; k--)
				phoff = phoff << 8 | h.p[32 + (be ? 7 - k : k)];
			be ? cur_peek_u16be(&h, 54, &phentsize) : cur_peek_u16le(&h, 54, &phentsize);
			be ? cur_peek_u16be(&h, 56, &phnum) : cur_peek_u16le(&h, 56, &phnum);
		} else {
			uint32_t o;
			be ? cur_peek_u32be(&h, 28, &o) : cur_peek_u32le(&h, 28, &o);
			phoff = o;
			be ? cur_peek_u16be(&h, 42, &phentsize) : cur_peek_u16le(&h, 42, &phentsize);
			be ? cur_peek_u16be(&h, 44, &phnum) : cur_peek_u16le(&h, 44, &phnum);
		}
		return elf_has_pie_flag(v, is64, be, phoff, phentsize, phnum) ? T_ELF_PIE : T_ELF_SO;
	}
	default:
		return T_UNKNOWN;
	}
}

/* Thin Mach-O: either byte order, 32 or 64 bit; filetype 1..12. */
static enum cr_tid id_macho(const struct cr_cur *hp)
{
	struct cr_cur h = *hp;
	uint32_t m, ft;
	if (!cur_peek_u32le(&h, 0, &m))
		return T_UNKNOWN;
	int le = (m & 0xfffffffe) == 0xfeedface;
	int be = (m & 0xfeffffff) == 0xcefaedfe;
	if (!le && !be)
		return T_UNKNOWN;
	if (!(le ? cur_peek_u32le(&h, 12, &ft) : cur_peek_u32be(&h, 12, &ft)))
		return T_UNKNOWN;
	return ft >= 1 && ft <= 12 ? T_MACHO : T_UNKNOWN;
}

/*
 * 0xCAFEBABE is both a fat Mach-O and a Java class.  The next u32 BE is
 * nfat_arch (small) for Mach-O, minor<<16|major (major >= 45) for Java.
 */
static enum cr_tid id_cafebabe(const struct cr_cur *hp)
{
	struct cr_cur h = *hp;
	uint32_t n;
	if (!cur_peek_u32be(&h, 4, &n))
		return T_UNKNOWN;
	if (n >= 1 && n <= 30) {
		uint32_t cpu;
		if (cur_peek_u32be(&h, 8, &cpu) && (cpu & 0x00ffffff) <= 32)
			return T_MACHO_FAT;
		return T_UNKNOWN;
	}
	uint16_t major;
	cur_peek_u16be(&h, 6, &major);
	return major >= 45 && major < 100 ? T_JAVA_CLASS : T_UNKNOWN;
}

/* --- archives and compression ------------------------------------------ */

/*
 * Package tarballs: every name of an npm package sits under "package/",
 * with package/package.json; a crate's under "NAME-VERSION/", with
 * NAME-VERSION/Cargo.toml.  The headers of the head window are followed
 * by their sizes.
 */
static enum cr_tid id_tar_flavour(const struct cr_view *v);

static enum cr_tid tar_subtype(const struct cr_view *v, enum cr_tid t)
{
	char top[100];
	size_t tl = 0;
	bool npm_all = true, npm_json = false, cargo = false;
	uint64_t at = 0;
	for (int k = 0; k < 64 && at + 512 <= v->headlen; k++) {
		const uint8_t *b = v->head + at;
		uint64_t size;
		if (!b[0] || !cr_tar_checksum_ok(b) || cr_tar_num(b + 124, 12, &size) != 1)
			break;
		uint8_t type = b[156];
		if (type != 'x' && type != 'g' && type != 'L' && type != 'K' && !b[345]) {
			size_t nl = strnlen((const char *)b, 100);
			if (nl < 8 || memcmp(b, "package/", 8) != 0)
				npm_all = false;
			if (nl == 20 && memcmp(b, "package/package.json", 20) == 0)
				npm_json = true;
			const uint8_t *slash = memchr(b, '/', nl);
			if (slash) {
				size_t d = (size_t)(slash - b);
				if (!tl && d < sizeof top) {
					memcpy(top, b, d);
					tl = d;
				}
				if (d == tl && memcmp(b, top, d) == 0 && nl - d - 1 == 10 && memcmp(slash + 1, "Cargo.toml", 10) == 0)
					cargo = true;
			}
		}
		at += 512 + ((size + 511) & ~(uint64_t)511);
	}
	if (npm_all && npm_json)
		return T_NPM;
	if (cargo && memchr(top, '-', tl))
		return T_CRATE;
	return t;
}

static enum cr_tid id_tar(const struct cr_view *v)
{
	enum cr_tid t = id_tar_flavour(v);
	return t == T_UNKNOWN ? t : tar_subtype(v, t);
}

static enum cr_tid id_tar_flavour(const struct cr_view *v)
{
	if (v->headlen < 512)
		return T_UNKNOWN;
	const uint8_t *b = v->head;
	if (b[0] == '\0' || !cr_tar_checksum_ok(b))
		return T_UNKNOWN;
	if (memcmp(b + 257, "ustar  \0", 8) == 0)
		return T_TAR_GNU;
	if (memcmp(b + 257, "ustar\0", 6) == 0)
		return b[156] == 'x' || b[156] == 'g' ? T_TAR_PAX : T_TAR;
	/* v7: no magic; the checksum held, ask for a plausible mode and size too. */
	uint64_t mode, size;
	if (cr_tar_num(b + 100, 8, &mode) != 1 || cr_tar_num(b + 124, 12, &size) != 1)
		return T_UNKNOWN;
	return T_TAR_V7;
}

/*
 * A tar whose first header is damaged: GNU tar skips to the next block
 * that is a header and extracts from there.  A later 512-aligned block of
 * the head window with the ustar magic and a good checksum makes it a tar
 * (the walker's resync reading reads it as GNU tar does).  Only asked when
 * nothing else claimed the bytes.
 */
enum cr_tid cr_magic_tar_resync(const struct cr_view *v)
{
	for (size_t at = 512; at + 512 <= v->headlen; at += 512) {
		const uint8_t *b = v->head + at;
		if (b[0] && !memcmp(b + 257, "ustar", 5) && cr_tar_checksum_ok(b))
			return T_TAR;
	}
	return T_UNKNOWN;
}

#define EMBED_WINDOW (8u << 20)	/* 7-Zip's kMaxCheckStartPosition */

/* A ZIP local header at p (n bytes there): methods 7-Zip knows, a name of sane length without NUL. */
static bool plausible_local(const uint8_t *p, size_t n)
{
	if (n < 30)
		return false;
	uint16_t method = (uint16_t)(p[8] | p[9] << 8), nl = (uint16_t)(p[26] | p[27] << 8);
	static const uint16_t known[] = {0, 1, 6, 8, 9, 12, 14, 93, 95, 98, 99};
	bool ok = false;
	for (size_t i = 0; i < sizeof known / sizeof *known; i++)
		ok |= method == known[i];
	if (!ok || nl == 0 || nl > 1024 || p[4] > 63)
		return false;
	if (30u + nl <= n && memchr(p + 30, 0, nl))
		return false;
	return true;
}

/* The first plausible signature in p[0, n) (headers may run to p + take); its index, or SIZE_MAX. */
static size_t first_archive(const uint8_t *p, size_t n, size_t take, enum cr_tid *t)
{
	size_t best = SIZE_MAX;
	for (const uint8_t *q = p; (q = memmem(q, take - (size_t)(q - p), "PK\3\4", 4)) && (size_t)(q - p) < n; q++)
		if (plausible_local(q, take - (size_t)(q - p))) {
			best = (size_t)(q - p);
			*t = T_ZIP;
			break;
		}
	size_t lim = best < n ? best : n;
	for (const uint8_t *q = p; (q = memmem(q, take - (size_t)(q - p), "Rar!\x1a\x07", 6)) && (size_t)(q - p) < lim; q++) {
		size_t left = take - (size_t)(q - p);
		if (left >= 8 && (q[6] == 0 || (q[6] == 1 && q[7] == 0))) {
			best = (size_t)(q - p);
			*t = q[6] ? T_RAR5 : T_RAR4;
			break;
		}
	}
	return best;
}

enum cr_tid cr_magic_embedded(const struct cr_view *v, uint64_t *off)
{
	/* 64 KiB steps on the heap; without memory, 4 KiB steps on the stack: slower, never a miss. */
	uint8_t small[4096 + 64];
	uint8_t *heap = malloc(65536 + 64), *buf = heap ? heap : small;
	size_t step = heap ? 65536 : 4096;
	enum cr_tid found = T_UNKNOWN;
	uint64_t end = v->size < EMBED_WINDOW ? v->size : EMBED_WINDOW;
	for (uint64_t at = 0; at < end;) {
		size_t n = end - at < step ? (size_t)(end - at) : step;
		/* 64 bytes more than the step: a header straddling two chunks is seen whole. */
		size_t take = v->size - at < n + 64 ? (size_t)(v->size - at) : n + 64;
		const uint8_t *p;
		if (at + take <= v->headlen)
			p = v->head + at;
		else if (cr_view_read(v, at, buf, take))
			p = buf;
		else
			break;
		enum cr_tid t = T_UNKNOWN;
		size_t i = first_archive(p, n, take, &t);
		if (i != SIZE_MAX) {
			*off = at + i;
			found = t;
			break;
		}
		at += n;
	}
	free(heap);
	return found;
}

static enum cr_tid id_iso(const struct cr_view *v)
{
	struct cr_cur h;
	cur_init(&h, v->head, v->headlen);
	/* Volume descriptor at sector 16: type, "CD001", version 1. */
	if (!M(0x8001, "CD001") || v->headlen < 0x8007 || v->head[0x8006] != 1)
		return T_UNKNOWN;
	uint8_t t = v->head[0x8000];
	return (t <= 3 || t == 0xff) ? T_ISO9660 : T_UNKNOWN;
}

/* gzip: ID1 ID2, CM 8 (deflate), reserved flag bits clear. */
static int ok_gzip(const struct cr_cur *h) { return h->len >= 10 && h->p[2] == 8 && (h->p[3] & 0xe0) == 0; }

static int ok_bzip2(const struct cr_cur *hp)
{
	struct cr_cur h = *hp;
	if (h.len < 10 || h.p[3] < '1' || h.p[3] > '9')
		return 0;
	/* A block (pi) or the end of stream (sqrt pi). */
	return M(4, "\x31\x41\x59\x26\x53\x59") || M(4, "\x17\x72\x45\x38\x50\x90");
}

static int ok_xz(const struct cr_cur *h)
{
	/* Stream flags: first byte zero, check type in the low nibble only. */
	return h->len >= 12 && h->p[6] == 0 && (h->p[7] & 0xf0) == 0;
}

/* LZ4 frame: FLG version bits must be 01. */
static int ok_lz4(const struct cr_cur *h) { return h->len >= 7 && (h->p[4] & 0xc0) == 0x40; }

static int ok_7z(const struct cr_cur *h) { return h->len >= 32 && h->p[6] == 0; }

static enum cr_tid id_rar(const struct cr_cur *hp)
{
	struct cr_cur h = *hp;
	if (M(0, "Rar!\x1a\x07\x01\x00"))
		return T_RAR5;
	if (M(0, "Rar!\x1a\x07\x00"))
		return T_RAR4;
	return T_UNKNOWN;
}

/* CAB: reserved zero, cbCabinet at least a header, version 3.1. */
static int ok_cab(const struct cr_cur *hp)
{
	struct cr_cur h = *hp;
	uint32_t res1, cb;
	if (!cur_peek_u32le(&h, 4, &res1) || !cur_peek_u32le(&h, 8, &cb) || h.len < 36)
		return 0;
	return res1 == 0 && cb >= 36 && h.p[24] == 3 && h.p[25] == 1;
}

static int ok_cpio_ascii(const struct cr_cur *h)
{
	if (h->len < 76)
		return 0;
	int hex = h->p[5] == '1' || h->p[5] == '2';
	for (int i = 6; i < (hex ? 14 : 12); i++) {
		uint8_t c = h->p[i];
		int ok = (c >= '0' && c <= '9') || (hex && ((c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')));
		if (!ok)
			return 0;
	}
	return 1;
}

/* --- documents, images, media ------------------------------------------ */

static int ok_png(const struct cr_cur *hp)
{
	struct cr_cur h = *hp;
	/* Apple's CgBI PNG (iOS app bundles) puts its CgBI chunk before IHDR. */
	return M(0, "\x89PNG\r\n\x1a\n") && (M(12, "IHDR") || (M(12, "CgBI") && M(28, "IHDR")));
}

static int ok_jpeg(const struct cr_cur *h)
{
	/* SOI then any marker: APPn, DQT, SOFn, COM, DHT. */
	return h->len >= 4 && h->p[1] == 0xd8 && h->p[2] == 0xff && h->p[3] >= 0xc0 && h->p[3] != 0xff;
}

static int ok_bmp(const struct cr_cur *hp)
{
	struct cr_cur h = *hp;
	uint32_t dib, off;
	uint16_t r1, r2;
	if (!cur_peek_u32le(&h, 14, &dib) || !cur_peek_u16le(&h, 6, &r1) || !cur_peek_u16le(&h, 8, &r2) ||
	    !cur_peek_u32le(&h, 10, &off))
		return 0;
	return (dib == 12 || dib == 16 || dib == 40 || dib == 52 || dib == 56 || dib == 64 || dib == 108 ||
		dib == 124) &&
	       off >= 14 + dib;
}

static int ok_tiff(const struct cr_cur *hp)
{
	struct cr_cur h = *hp;
	uint32_t ifd;
	int le = h.p[0] == 'I';
	if (!(le ? cur_peek_u32le(&h, 4, &ifd) : cur_peek_u32be(&h, 4, &ifd)))
		return 0;
	return ifd >= 8;
}

/* ICO/CUR: count 1..255, first entry reserved 0, sane planes and offset. */
static int ok_ico(const struct cr_cur *hp)
{
	struct cr_cur h = *hp;
	uint16_t type, count, planes;
	uint32_t size, off;
	if (!cur_peek_u16le(&h, 2, &type) || !cur_peek_u16le(&h, 4, &count) || !cur_peek_u16le(&h, 10, &planes) ||
	    !cur_peek_u32le(&h, 14, &size) || !cur_peek_u32le(&h, 18, &off))
		return 0;
	return (type == 1 || type == 2) && count >= 1 && count <= 255 && h.p[9] == 0 &&
	       (type == 2 || planes <= 1) && size > 0 && off >= 6u + 16u * count;
}

/* ISO base media ("ftyp" box): HEIC, AVIF, MP4, QuickTime. */
static enum cr_tid id_ftyp(const struct cr_cur *hp)
{
	struct cr_cur h = *hp;
	uint32_t boxlen;
	if (!M(4, "ftyp") || !cur_peek_u32be(&h, 0, &boxlen) || boxlen < 16 || boxlen > 4096)
		return T_UNKNOWN;
	size_t end = boxlen < h.len ? boxlen : h.len;
	int heic = 0, avif = 0;
	/* Major brand at 8, compatible brands from 16, 4 bytes each. */
	for (size_t o = 8; o + 4 <= end; o += 4) {
		if (o == 12)
			continue;	/* minor version */
		const uint8_t *b = h.p + o;
		if (!memcmp(b, "avif", 4) || !memcmp(b, "avis", 4))
			avif = 1;
		else if (!memcmp(b, "heic", 4) || !memcmp(b, "heix", 4) || !memcmp(b, "heim", 4) ||
			 !memcmp(b, "heis", 4) || !memcmp(b, "hevc", 4))
			heic = 1;
		if (o == 8 && (avif || heic))
			break;	/* the major brand decides */
	}
	if (avif)
		return T_AVIF;
	if (heic)
		return T_HEIC;
	/* The major brand names the flavour, as file(1) reads it. */
	if (M(8, "qt  "))
		return T_MOV;
	if (M(8, "3gp") || M(8, "3gs") || M(8, "3ge") || M(8, "3gg") || M(8, "3gr") || M(8, "3gt"))
		return T_3GPP;
	if (M(8, "3g2"))
		return T_3GPP2;
	if (M(8, "M4A ") || M(8, "M4B ") || M(8, "M4P "))
		return T_M4A;
	if (M(8, "M4V ") || M(8, "M4VH") || M(8, "M4VP"))
		return T_M4V;
	return T_MP4;
}

/* MPEG audio frame header: sync, layer, bitrate and rate indexes valid. */
static int mp3_frame_ok(const uint8_t *p)
{
	if (p[0] != 0xff || (p[1] & 0xe0) != 0xe0)
		return 0;
	int ver = (p[1] >> 3) & 3, layer = (p[1] >> 1) & 3, br = p[2] >> 4, sr = (p[2] >> 2) & 3;
	return ver != 1 && layer != 0 && br != 0 && br != 15 && sr != 3;
}

static enum cr_tid id_ff(const struct cr_cur *h)
{
	if (ok_jpeg(h))
		return T_JPEG;
	/* Bare MPEG audio: one valid frame header is weak; ask for Layer III. */
	if (h->len >= 4 && mp3_frame_ok(h->p) && ((h->p[1] >> 1) & 3) == 1)
		return T_MP3;
	return T_UNKNOWN;
}

/* sfnt: version 1.0 or "true", a table count that fits a font. */
static int ok_sfnt(const struct cr_cur *hp)
{
	struct cr_cur h = *hp;
	uint16_t nt, sr;
	return cur_peek_u16be(&h, 4, &nt) && cur_peek_u16be(&h, 6, &sr) && nt >= 1 && nt <= 64 &&
	       (sr & (sr - 1)) == 0 && sr >= 16;
}

/*
 * Python bytecode (importlib's header): a little-endian magic number and
 * "\r\n", then the marshalled code object ('c', or 0xe3 with the
 * reference flag) where that version puts it.  Two printable bytes and a
 * CRLF, the start of many a text file, are not enough:
 *   2.x: one of the magic numbers CPython 1.5 to 2.7 used, mtime, code at 8;
 *   3.0 to 3.6 (magic < 3390): mtime, source size, code at 12;
 *   3.7 on (PEP 552): a flags word (0, 1 or 3), mtime and size or a hash, code at 16.
 */
static int ok_pyc(const struct cr_cur *hp)
{
	static const uint16_t py2[] = {20121, 50428, 50823, 60202, 60717, 62011, 62021, 62041, 62051,
				       62061, 62071, 62081, 62091, 62092, 62101, 62111, 62121, 62131,
				       62151, 62161, 62171, 62181, 62191, 62201, 62211};
	struct cr_cur h = *hp;
	uint16_t magic;
	uint32_t flags;
	if (!M(2, "\r\n") || !cur_peek_u16le(&h, 0, &magic) || h.len < 17)
		return 0;
	size_t code;
	if (magic >= 3390 && magic <= 3999) {
		if (!cur_peek_u32le(&h, 4, &flags) || (flags != 0 && flags != 1 && flags != 3))
			return 0;
		code = 16;
	} else if (magic >= 3000 && magic < 3390) {
		code = 12;
	} else {
		bool known = false;
		for (size_t i = 0; i < sizeof py2 / sizeof *py2; i++)
			known |= magic == py2[i];
		if (!known)
			return 0;
		code = 8;
	}
	return h.p[code] == 'c' || h.p[code] == 0xe3;
}

/* terminfo: legacy magic 0432 (octal), extended 01036; the section sizes must fit. */
static enum cr_tid id_terminfo(const struct cr_cur *hp)
{
	struct cr_cur h = *hp;
	uint16_t magic, names, bools, nums, strs, table;
	if (!cur_peek_u16le(&h, 0, &magic) || !cur_peek_u16le(&h, 2, &names) || !cur_peek_u16le(&h, 4, &bools) ||
	    !cur_peek_u16le(&h, 6, &nums) || !cur_peek_u16le(&h, 8, &strs) || !cur_peek_u16le(&h, 10, &table))
		return T_UNKNOWN;
	if (names == 0 || names > 4096 || bools > 512 || nums > 512 || strs > 1024 || table > 32768)
		return T_UNKNOWN;
	/* The names section is printable text ending in NUL. */
	if (h.len < 12u + names)
		return T_UNKNOWN;
	for (size_t i = 12; i < 12u + names - 1; i++)
		if (h.p[i] < 0x20 || h.p[i] > 0x7e)
			return T_UNKNOWN;
	if (h.p[12 + names - 1] != 0)
		return T_UNKNOWN;
	return magic == 0x011a ? T_TERMINFO : T_TERMINFO2;
}

/*
 * OpenPGP public key packet (RFC 4880 4.2, 5.5.2): tag 6 in the old
 * format with a 1- or 2-byte length (0x98, 0x99) or the new format
 * (0xC6); version 3, 4 or 5; a known public-key algorithm.
 */
static int ok_pgp_key(const struct cr_cur *h)
{
	size_t vo = h->p[0] == 0x99 ? 3 : 2;
	if (h->p[0] == 0xc6 && h->len > 1 && h->p[1] >= 192)
		vo = h->p[1] < 224 ? 3 : 6;
	/* v4/v5: version, 4-byte time, algorithm; v3 adds a 2-byte validity period. */
	uint8_t ver, alg;
	struct cr_cur w;
	if (!cur_window(h, &w, vo, 1) || !cur_u8(&w, &ver) || ver < 3 || ver > 5)
		return 0;
	if (!cur_window(h, &w, vo + (ver == 3 ? 7 : 5), 1) || !cur_u8(&w, &alg))
		return 0;
	return alg == 1 || alg == 2 || alg == 3 || alg == 16 || alg == 17 || alg == 18 || alg == 19 || alg == 22;
}

/*
 * EBML (Matroska, WebM): the header element holds a DocType string
 * (ID 0x4282).  Element sizes are EBML variable-length integers.
 */
static enum cr_tid id_ebml(const struct cr_cur *h)
{
	size_t n = h->len < 128 ? h->len : 128;
	for (size_t i = 4; i + 3 < n; i++) {
		if (h->p[i] != 0x42 || h->p[i + 1] != 0x82)
			continue;
		uint8_t sz = h->p[i + 2];
		if (!(sz & 0x80))
			continue;	/* a one-byte size is all a DocType needs */
		size_t l = sz & 0x7f;
		if (i + 3 + l > n)
			return T_UNKNOWN;
		const uint8_t *d = h->p + i + 3;
		if (l == 4 && memcmp(d, "webm", 4) == 0)
			return T_WEBM;
		if (l == 8 && memcmp(d, "matroska", 8) == 0)
			return T_MKV;
		return T_UNKNOWN;
	}
	return T_UNKNOWN;
}

/* RIFF, or RIFX (the same, big-endian): WebP, WAVE, AVI. */
static enum cr_tid id_riff(const struct cr_cur *hp)
{
	struct cr_cur h = *hp;
	if (h.len < 12)
		return T_UNKNOWN;
	if (M(8, "WEBPVP8") && M(0, "RIFF"))
		return T_WEBP;
	if (M(8, "WAVE"))
		return T_WAV;
	if (M(8, "AVI "))
		return T_AVI;
	return T_UNKNOWN;
}

/*
 * DER X.509: SEQUENCE (certificate) of SEQUENCE (tbsCertificate) whose
 * first element is the explicit version [0] holding INTEGER 0..2, both
 * with long-form lengths that fit the file.
 */
static int ok_x509_der(const struct cr_cur *h, uint64_t size)
{
	const uint8_t *p = h->p;
	if (h->len < 16 || p[0] != 0x30 || p[1] != 0x82 || p[4] != 0x30 || p[5] != 0x82)
		return 0;
	uint32_t outer = (uint32_t)p[2] << 8 | p[3], inner = (uint32_t)p[6] << 8 | p[7];
	return inner + 4 <= outer && outer + 4 <= size + 64 && p[8] == 0xa0 && p[9] == 0x03 && p[10] == 0x02 &&
	       p[11] == 0x01 && p[12] <= 2;
}

enum cr_tid cr_magic_head(const struct cr_view *v, uint64_t *start)
{
	struct cr_cur h;
	cur_init(&h, v->head, v->headlen);
	*start = 0;
	if (h.len < 2)
		return T_UNKNOWN;
	switch (h.p[0]) {
	case 0x00:
		if (M(0, "\0asm") && h.len >= 8 && h.p[4] == 1 && h.p[5] == 0 && h.p[6] == 0 && h.p[7] == 0)
			return T_WASM;
		if (M(0, "\0\0\1\0") || M(0, "\0\0\2\0"))
			return ok_ico(&h) ? T_ICO : T_UNKNOWN;
		if (M(4, "ftyp"))
			return id_ftyp(&h);
		if (M(0, "\x00\x01\x00\x00") && ok_sfnt(&h))
			return T_SFNT;
		return T_UNKNOWN;
	case 0x04:
		return M(0, "\x04\x22\x4d\x18") && ok_lz4(&h) ? T_LZ4 : T_UNKNOWN;
	case 0x02:
		return M(0, "\x02\x21\x4c\x18") ? T_LZ4 : T_UNKNOWN;	/* legacy frame */
	case 0x07:
		/* binary cpio, big-endian 070707 */
		return M(0, "\x71\xc7") ? T_CPIO : T_UNKNOWN;
	case 0x1a:
		if (M(0, "\x1a\x45\xdf\xa3"))
			return id_ebml(&h);
		return id_terminfo(&h);
	case 0x1e:
		return id_terminfo(&h);

	case 0x1f:
		if (M(0, "\x1f\x8b") && ok_gzip(&h))
			return T_GZIP;
		if (M(0, "\x1f\x9d"))
			return T_COMPRESS;
		return T_UNKNOWN;
	case '!':
		if (M(0, "!<arch>\n"))
			return M(8, "debian-binary") ? T_DEB : T_AR;
		return T_UNKNOWN;
	case '%':
		if (M(0, "%!PS"))
			return T_POSTSCRIPT;
		break;
	case '/':
		if (M(0, "/* XPM */"))
			return T_XPM;
		break;
	case '(':
		return M(0, "\x28\xb5\x2f\xfd") ? T_ZSTD : T_UNKNOWN;
	case '0':
		if (ok_x509_der(&h, v->size))
			return T_X509_DER;
		if ((M(0, "070707") || M(0, "070701") || M(0, "070702")) && ok_cpio_ascii(&h))
			return T_CPIO;
		break;
	case '7':
		return M(0, "7z\xbc\xaf\x27\x1c") && ok_7z(&h) ? T_7Z : T_UNKNOWN;
	case 'B':
		if (M(0, "BZh") && ok_bzip2(&h))
			return T_BZIP2;
		if (M(0, "BM") && ok_bmp(&h))
			return T_BMP;
		break;
	case 'G':
		if (M(0, "GIF87a") || M(0, "GIF89a"))
			return T_GIF;
		break;
	case 'J':
		if (M(0, "JM\1\0PK\3\4"))
			return T_JMOD;
		break;
	case 0x98:
	case 0x99:
	case 0xc6:
		return ok_pgp_key(&h) ? T_PGP_KEYS : T_UNKNOWN;
	case 'I':
		if (M(0, "II*\0") && ok_tiff(&h))
			return T_TIFF;
		if (M(0, "ID3") && h.len >= 10 && h.p[3] >= 2 && h.p[3] <= 4)
			return T_MP3;
		if (M(0, "ITSF\x03\0\0\0"))
			return T_CHM;
		break;
	case 'L':
		if (M(0, "L\0\0\0\x01\x14\x02\0\0\0\0\0\xc0\0\0\0\0\0\0\x46"))
			return T_LNK;
		if (M(0, "LZIP") && h.len >= 6 && h.p[4] <= 1)
			return T_LZIP;
		break;
	case 'M':
		if (M(0, "MZ"))
			return id_mz(v, &h);
		if (M(0, "MDMP\x93\xa7"))
			return T_MINIDUMP;
		if (M(0, "MM\0*") && ok_tiff(&h))
			return T_TIFF;
		if (M(0, "MSCF") && ok_cab(&h))
			return T_CAB;
		break;
	case 'O':
		if (M(0, "OggS\0"))
			return T_OGG;
		if (M(0, "OTTO") && ok_sfnt(&h))
			return T_OTF;
		break;
	case 'P':
		if (M(0, "PK\3\4") || M(0, "PK\5\6"))
			return T_ZIP;	/* the driver names the subtype, with the end record it found */
		break;
	case 'R':
		if (M(0, "Rar!"))
			return id_rar(&h);
		if (M(0, "RIFF") || M(0, "RIFX"))
			return id_riff(&h);
		break;
	case 'S':
		if (M(0, "SQLite format 3\0"))
			return T_SQLITE;
		break;
	case 'f':
		if (M(0, "fLaC"))
			return T_FLAC;
		break;
	case 'd':
		/* "dex\n" and a three-digit version ("035"-"041"), NUL. */
		if (M(0, "dex\n") && h.len >= 112 && h.p[4] >= '0' && h.p[4] <= '9' && h.p[5] >= '0' && h.p[5] <= '9' &&
		    h.p[6] >= '0' && h.p[6] <= '9' && h.p[7] == 0)
			return T_DEX;
		break;
	case 'r':
		/* A hive's base block: "regf", two sequence numbers, major version 1 at 20. */
		if (M(0, "regf") && h.len >= 32) {
			uint32_t maj;
			if (cur_peek_u32le(&h, 20, &maj) && maj == 1)
				return T_REGF;
		}
		break;
	case 'c':
		if (M(0, "conectix"))
			return T_VHD;
		break;
	case 'v':
		if (M(0, "vhdxfile"))
			return T_VHDX;
		break;
	case 't':
		if (M(0, "true") && ok_sfnt(&h))
			return T_SFNT;
		if (M(0, "ttcf"))
			return T_SFNT;
		break;
	case 'w':
		if (M(0, "wOFF"))
			return T_WOFF;
		if (M(0, "wOF2"))
			return T_WOFF2;
		break;
	case 'x':
		if (M(0, "xar!") && h.len >= 28 && h.p[4] == 0 && h.p[5] == 28)
			return T_XAR;
		break;
	case '{':
		/* Word opens "{\rt..." as RTF, so the short prefix is the signature. */
		if (M(0, "{\\rt"))
			return T_RTF;
		break;
	case 0x7f:
		return M(0, "\x7f" "ELF") ? id_elf(v, &h) : T_UNKNOWN;
	case 0x89:
		return ok_png(&h) ? T_PNG : T_UNKNOWN;
	case 0xa1:
		if (M(0, "\xa1\x2f\xff\x43\xd9\xef\x76\x4c\x9e\xe2\x10\xea\x57\x22\x76\x5f"))
			return T_ONENOTE;
		break;
	case 0xc7:
		return M(0, "\xc7\x71") ? T_CPIO : T_UNKNOWN;	/* binary cpio, little-endian */
	case 0xca:
		return M(0, "\xca\xfe\xba\xbe") ? id_cafebabe(&h) : T_UNKNOWN;
	case 0xce:
	case 0xcf:
	case 0xfe:
		return id_macho(&h);
	case 0xd0:
		if (M(0, "\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"))
			return cr_ole_subtype(v);
		break;
	case 0xde:
	case 0x95:
		if (M(0, "\xde\x12\x04\x95") || M(0, "\x95\x04\x12\xde"))
			return T_GETTEXT;
		break;
	case 0xe4:
		if (M(0, "\xe4\x52\x5c\x7b\x8c\xd8\xa7\x4d\xae\xb1\x53\x78\xd0\x29\x96\xd3"))
			return T_ONENOTE;
		break;
	case 0xed:
		if (M(0, "\xed\xab\xee\xdb") && h.len >= 6 && (h.p[4] == 3 || h.p[4] == 4))
			return T_RPM;
		break;
	case 0xfd:
		return M(0, "\xfd" "7zXZ\0") && ok_xz(&h) ? T_XZ : T_UNKNOWN;
	case 0xff:
		return id_ff(&h);
	default:
		break;
	}
	/* Python bytecode starts with any magic number; "\r\n" at 2 decides. */
	if (ok_pyc(&h))
		return T_PYC;
	/*
	 * PDF readers accept the header anywhere in the first KiB.  A "#!"
	 * line at byte 0 decides first: the kernel runs the file as a script,
	 * whatever a comment in it mentions.
	 */
	if (M(0, "#!"))
		return T_UNKNOWN;
	/* A tar whose first member is a PDF is a tar: its header's checksum holds. */
	if (h.len >= 512 && h.p[0] && cr_tar_checksum_ok(h.p))
		return T_UNKNOWN;
	size_t lim = h.len < 1024 ? h.len : 1024;
	for (const uint8_t *q = h.p; lim >= 5 && (size_t)(q - h.p) + 5 <= lim;) {
		q = memchr(q, '%', lim - 4 - (size_t)(q - h.p));
		if (!q)
			break;
		if (memcmp(q, "%PDF-", 5) == 0) {
			*start = (uint64_t)(q - h.p);
			return T_PDF;
		}
		q++;
	}
	return T_UNKNOWN;
}

enum cr_tid cr_magic_deep(const struct cr_view *v)
{
	enum cr_tid t = id_tar(v);
	if (t != T_UNKNOWN)
		return t;
	return id_iso(v);
}

enum cr_tid cr_magic_tail(const struct cr_view *v, const struct cr_zip_end *z, uint64_t *off)
{
	*off = 0;
	if (v->size >= 512 && v->taillen >= 512) {
		struct cr_cur t;
		cur_init(&t, v->tail + v->taillen - 512, 512);
		uint32_t ver, hsz;
		/* UDIF trailer: "koly", version 4, header size 512. */
		if (cur_match(&t, 0, "koly", 4) && cur_peek_u32be(&t, 4, &ver) && cur_peek_u32be(&t, 8, &hsz) &&
		    ver == 4 && hsz == 512)
			return T_DMG;
		/* VHD footer (a fixed VHD has only this one); features bit 1 is always set. */
		if (cur_match(&t, 0, "conectix", 8) && cur_peek_u32be(&t, 8, &ver) && (ver & 2))
			return T_VHD;
	}
	if (z->found) {
		*off = z->start;
		return T_ZIP;
	}
	return T_UNKNOWN;
}
