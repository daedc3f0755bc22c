/*
 * readings.c - archives that real extractors read differently from one
 * another, each with its benign twin (issue: read every archive the way
 * every real extractor reads it).  Each trick takes one header; crible
 * must judge every reading, and the twin must stay as quiet as it is.
 */
#include <string.h>
#include <zlib.h>

#include "samples.h"

#define T(s) s, sizeof(s) - 1

static const char note[] = "hello, this is a harmless note\n";
static const char eicar[] = "X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*";

/* An end record for an empty directory that sits where the record is: every reader that trusts the last one sees nothing. */
static void fake_eocd(struct sbuf *b)
{
	uint32_t at = (uint32_t)b->len;
	sb_str(b, "PK\5\6");
	sb_u16le(b, 0);
	sb_u16le(b, 0);
	sb_u16le(b, 0);
	sb_u16le(b, 0);
	sb_u32le(b, 0);
	sb_u32le(b, at);
	sb_u16le(b, 0);
}

/* EICAR and ../../evil.txt, then a 22-byte end record of an empty archive: Info-ZIP and Python list nothing. */
void r_zip_fake_eocd(struct sbuf *b)
{
	static const struct zspec z[] = {{"../../evil.txt", NULL, T(note)}, {"eicar.com", NULL, T(eicar), 1}};
	zip_write(b, z, 2);
	fake_eocd(b);
}

/* The twin: a note and the same fake record: confusing (warn), nothing to block. */
void r_zip_fake_eocd_twin(struct sbuf *b)
{
	static const struct zspec z[] = {{"readme.txt", NULL, T(note)}};
	zip_write(b, z, 1);
	fake_eocd(b);
}

/* A stored local entry no directory lists, in front of an ordinary ZIP: streaming readers extract it. */
void r_zip_hidden_local(struct sbuf *b)
{
	struct sbuf pe = {0};
	sample_pe(&pe);
	sb_str(b, "PK\3\4");
	sb_u16le(b, 20);
	sb_u16le(b, 0);
	sb_u16le(b, 0);
	sb_u32le(b, 0x00210000);
	sb_u32le(b, sb_crc32(pe.p, pe.len));
	sb_u32le(b, (uint32_t)pe.len);
	sb_u32le(b, (uint32_t)pe.len);
	sb_u16le(b, 8);
	sb_u16le(b, 0);
	sb_str(b, "evil.exe");
	sb_put(b, pe.p, pe.len);
	sb_free(&pe);
	static const struct zspec z[] = {{"readme.txt", NULL, T(note)}};
	zip_write(b, z, 1);
}

/* The twin: entries whose sizes follow the data (bit 3, a descriptor), as streaming writers make them. */
void r_zip_descriptor(struct sbuf *b)
{
	const char *names[] = {"a.txt", "b/c.txt"};
	uint32_t off[2], crc = sb_crc32((const uint8_t *)note, sizeof note - 1);
	for (int i = 0; i < 2; i++) {
		off[i] = (uint32_t)b->len;
		sb_str(b, "PK\3\4");
		sb_u16le(b, 20);
		sb_u16le(b, 8);
		sb_u16le(b, 0);
		sb_u32le(b, 0x00210000);
		sb_u32le(b, 0);
		sb_u32le(b, 0);
		sb_u32le(b, 0);
		sb_u16le(b, (uint16_t)strlen(names[i]));
		sb_u16le(b, 0);
		sb_str(b, names[i]);
		sb_put(b, note, sizeof note - 1);
		sb_str(b, "PK\7\10");
		sb_u32le(b, crc);
		sb_u32le(b, sizeof note - 1);
		sb_u32le(b, sizeof note - 1);
	}
	uint32_t cd = (uint32_t)b->len;
	for (int i = 0; i < 2; i++) {
		sb_str(b, "PK\1\2");
		sb_u16le(b, 20);
		sb_u16le(b, 20);
		sb_u16le(b, 8);
		sb_u16le(b, 0);
		sb_u32le(b, 0x00210000);
		sb_u32le(b, crc);
		sb_u32le(b, sizeof note - 1);
		sb_u32le(b, sizeof note - 1);
		sb_u16le(b, (uint16_t)strlen(names[i]));
		sb_u16le(b, 0);
		sb_u16le(b, 0);
		sb_u16le(b, 0);
		sb_u16le(b, 0);
		sb_u32le(b, 0);
		sb_u32le(b, off[i]);
		sb_str(b, names[i]);
	}
	uint32_t cdsize = (uint32_t)b->len - cd;
	sb_str(b, "PK\5\6");
	sb_u32le(b, 0);
	sb_u16le(b, 2);
	sb_u16le(b, 2);
	sb_u32le(b, cdsize);
	sb_u32le(b, cd);
	sb_u16le(b, 0);
}

/* Sets the central directory's method of the first entry of a one-entry ZIP (the record after the data). */
static void cd_method(struct sbuf *b, uint16_t method)
{
	for (size_t i = 0; i + 12 <= b->len; i++)
		if (!memcmp(b->p + i, "PK\1\2", 4)) {
			b->p[i + 10] = (uint8_t)method;
			b->p[i + 11] = (uint8_t)(method >> 8);
			return;
		}
}

/* The directory says stored, the local header says deflated: a streaming reader inflates EICAR. */
void r_zip_method(struct sbuf *b)
{
	static const struct zspec z[] = {{"data.bin", NULL, T(eicar), 1}};
	zip_write(b, z, 1);
	cd_method(b, 0);
}

/* The twin: the same disagreement over a note (confusing, nothing to block). */
void r_zip_method_twin(struct sbuf *b)
{
	static const struct zspec z[] = {{"data.txt", NULL, T(note), 1}};
	zip_write(b, z, 1);
	cd_method(b, 0);
}

/* A "symlink" named run.bat: Python and Windows write its data, a batch script, as a file. */
void r_zip_symlink_bat(struct sbuf *b)
{
	static const struct zspec z[] = {{"run.bat", NULL, T("@echo off\r\nstart calc.exe\r\n"), 0, 0, 0120777}};
	zip_write(b, z, 1);
}

/* A Unix "directory" without a trailing slash that carries a program: Python writes a file. */
void r_zip_dir_data(struct sbuf *b)
{
	struct sbuf pe = {0};
	sample_pe(&pe);
	const struct zspec z[] = {{"setup", NULL, pe.p, pe.len, 0, 0, 0040755}};
	zip_write(b, z, 1);
	sb_free(&pe);
}

/* Two archives end to end: the last end record shows the benign one, the first holds a traversal. */
void r_zip_concat(struct sbuf *b)
{
	static const struct zspec a[] = {{"../../evil.txt", NULL, T(note)}};
	static const struct zspec z[] = {{"readme.txt", NULL, T(note)}};
	struct sbuf x = {0};
	zip_write(&x, a, 1);
	sb_put(b, x.p, x.len);
	sb_free(&x);
	zip_write(&x, z, 1);
	sb_put(b, x.p, x.len);
	sb_free(&x);
}

/* The twin: one archive of two notes. */
void r_zip_concat_twin(struct sbuf *b)
{
	static const struct zspec z[] = {{"a.txt", NULL, T(note)}, {"readme.txt", NULL, T(note)}};
	zip_write(b, z, 2);
}

/* A name with no UTF-8 flag holding byte 0x9D: CP437 reads U+00A5, which Windows code page 932 turns into '\'. */
void r_zip_cp437_yen(struct sbuf *b)
{
	static const struct zspec z[] = {{"docs\x9d..\x9d..\x9dstartup.txt", NULL, T(note)}};
	zip_write(b, z, 1);
}

/* A .bat whose lines read as Python: cmd.exe runs it all the same. */
void r_bat_python(struct sbuf *b) { sb_str(b, "import os\nprint(os.getcwd())\n"); }

/* A name cut at its NUL by C extractors: "run.bat\0.txt" lands as run.bat. */
void r_zip_nul_name(struct sbuf *b)
{
	static const char name[] = "run.bat\0.txt";
	struct zspec z[] = {{"run.bat", NULL, T(note)}};
	/* zip_write takes C strings: write "run.batX.txt" and turn X into NUL in both headers. */
	z[0].name = "run.batX.txt";
	zip_write(b, z, 1);
	for (size_t i = 0; i + sizeof name - 1 <= b->len; i++)
		if (!memcmp(b->p + i, "run.batX.txt", sizeof name - 1))
			b->p[i + 7] = 0;
}

/* The twin: the same note as run.txt. */
void r_zip_nul_twin(struct sbuf *b)
{
	static const struct zspec z[] = {{"run.txt", NULL, T(note)}};
	zip_write(b, z, 1);
}

/* "run.bat." : Windows strips the dot and runs a batch file. */
void r_zip_trailing_bat(struct sbuf *b)
{
	static const struct zspec z[] = {{"run.bat.", NULL, T(note)}};
	zip_write(b, z, 1);
}

/* Plain prose: the twin of the extension rules ("setup.bat.txt" is a text file to Windows). */
void r_note(struct sbuf *b) { sb_str(b, note); }
