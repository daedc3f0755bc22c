/*
 * test_names.c - entry names and links (path.*, link.*, entry.*), each
 * hostile case beside a benign near miss that must stay quiet.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "../../src/lib/core/scan.h"
#include "../../src/lib/layout/iso.h"
#include "../../src/lib/rules/entry.h"

struct harness {
	crible_ctx *ctx;
	crible_result *r;
	struct cr_names names;
};

static void h_init(struct harness *h)
{
	h->ctx = crible_ctx_new();
	h->r = calloc(1, sizeof *h->r);
	cr_names_init(&h->names);
}

static void h_free(struct harness *h)
{
	cr_names_free(&h->names);
	crible_result_free(h->r);
	crible_ctx_free(h->ctx);
}

/* Judges one entry; returns its finding ids, sorted, space-separated (static buffer). */
static const char *judge(struct harness *h, const char *name, size_t namelen, enum cr_ekind kind, const char *link,
			 uint32_t mode)
{
	static char out[512];
	const char *where[2] = {"top.zip", name};
	size_t before = h->r->nf;
	struct cr_scan s = {.ctx = h->ctx, .res = h->r, .where = where, .nwhere = 2, .err = CRIBLE_OK};
	struct cr_entry e = {.name = (const uint8_t *)name, .namelen = namelen, .utf8 = true, .kind = kind,
			     .link = (const uint8_t *)link, .linklen = link ? strlen(link) : 0,
			     .has_mode = mode != 0, .mode = mode};
	cr_rules_entry(&s, &h->names, &e);
	assert_int_equal(s.err, CRIBLE_OK);
	const char *ids[32];
	size_t k = 0;
	for (size_t i = before; i < h->r->nf && k < 32; i++)
		ids[k++] = cr_fdefs[h->r->f[i].fid].id;
	for (size_t a = 0; a < k; a++)
		for (size_t b = a + 1; b < k; b++)
			if (strcmp(ids[a], ids[b]) > 0) {
				const char *t = ids[a];
				ids[a] = ids[b];
				ids[b] = t;
			}
	out[0] = '\0';
	for (size_t i = 0; i < k; i++) {
		strncat(out, ids[i], sizeof out - strlen(out) - 1);
		if (i + 1 < k)
			strncat(out, " ", sizeof out - strlen(out) - 1);
	}
	return out;
}

static const char *name1(const char *name)
{
	struct harness h;
	h_init(&h);
	static char out[512];
	snprintf(out, sizeof out, "%s", judge(&h, name, strlen(name), E_FILE, NULL, 0));
	h_free(&h);
	return out;
}

static void test_path_names(void **st)
{
	(void)st;
	static const struct {
		const char *name, *ids;
	} cases[] = {
		/* traversal, and what is not */
		{"../evil.txt", "path.traversal"},
		{"a/../../evil.txt", "path.traversal"},
		{"..\\..\\Temp\\evil.txt", "path.traversal"},
		{"a/.../x", "path.trailing path.traversal"},	/* Windows reads ... as .. */
		{"a/.. /x", "path.trailing path.traversal"},	/* CVE-2025-6218: ".. " */
		{"a..b.txt", ""},
		{"./x/./y", ""},
		{".hidden", ""},
		{"r\xc3\xa9sum\xc3\xa9.txt", ""},
		/* absolute */
		{"/etc/passwd", "path.absolute"},
		{"\\Windows\\x.dll", "path.absolute"},
		{"C:\\Windows\\x.dll", "path.absolute"},
		{"c:x.txt", "path.absolute"},
		{"\\\\host\\share\\x", "path.absolute"},
		{"//host/share/x", "path.absolute"},
		{"\\\\?\\C:\\x", "path.absolute path.ads"},	/* the ? component holds no colon; C: does */
		{"dir/c.txt", ""},
		/* NTFS streams */
		{"cv.pdf:evil.dll", "path.ads"},
		{"file::$DATA", "path.ads"},
		{"x::$DATA", "path.absolute path.ads"},	/* x: is also a drive */
		{"dir/C:y", "path.ads"},
		/* devices */
		{"CON", "path.device"},
		{"aux.txt", "path.device"},
		{"dir/nul .tar.gz", "path.device"},
		{"com1", "path.device"},
		{"LPT9.log", "path.device"},
		{"com\xc2\xb9.txt", "path.device"},
		{"CONOUT$", "path.device"},
		{"console.txt", ""},
		{"com10", ""},
		{"auxiliary", ""},
		/* trailing dots and spaces (CVE-2023-38831) */
		{"CLASSIFIED.pdf ", "path.trailing"},
		{"CLASSIFIED.pdf /CLASSIFIED.pdf .cmd", "path.trailing"},
		{"dir./x", "path.trailing"},
		/* best fit, bidi, control */
		{"a\xef\xbc\x8f..\xef\xbc\x8fx", "path.bestfit"},
		{"\xc2\xa5..\xc2\xa5x", "path.bestfit"},
		{"invoice_\xe2\x80\xae" "fdp.exe", "path.bidi"},
		{"a\x01.txt", "path.control"},
		{"a\xc2\x85.txt", "path.control"},
		{"a\x7f", "path.control"},
		/* encoding */
		{"bad\xff.txt", "path.encoding"},
		{"over\xc0\xaf.txt", "path.encoding"},
	};
	int bad = 0;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		const char *got = name1(cases[i].name);
		if (strcmp(got, cases[i].ids)) {
			print_error("%s: got [%s], want [%s]\n", cases[i].name, got, cases[i].ids);
			bad++;
		}
	}
	/* NUL inside a name: the rest must still be seen. */
	struct harness h;
	h_init(&h);
	const char nul[] = "a.exe\0.txt";
	if (strcmp(judge(&h, nul, sizeof nul - 1, E_FILE, NULL, 0), "path.control")) {
		print_error("NUL in name not flagged\n");
		bad++;
	}
	h_free(&h);
	/* Length limits: 256-byte component, 4097-byte name. */
	char longc[300];
	memset(longc, 'a', 256);
	longc[256] = '\0';
	if (strcmp(name1(longc), "path.long"))
		bad++, print_error("long component\n");
	memset(longc, 'a', 255);
	longc[255] = '\0';
	if (strcmp(name1(longc), ""))
		bad++, print_error("255-byte component flagged\n");
	char longn[4200];
	for (int i = 0; i < 4097; i++)
		longn[i] = i % 100 == 99 ? '/' : 'b';
	longn[4097] = '\0';
	if (strcmp(name1(longn), "path.long"))
		bad++, print_error("long name\n");
	assert_int_equal(bad, 0);
}

#include "../../src/lib/rules/bestfit_table.h"
#include "../../src/lib/io/utf8.h"

/*
 * Every code point any Windows ANSI code page best-fits to a path
 * character is path.bestfit (CI checks the table against Microsoft's
 * files, scripts/gen-bestfit.py --check); the ones named in the issue
 * by value; letters that best-fit to letters are not.
 */
static void test_bestfit_table(void **st)
{
	(void)st;
	int bad = 0;
	size_t n = sizeof bestfit_table / sizeof *bestfit_table;
	assert_true(n >= 30);
	for (size_t i = 0; i < n; i++) {
		char name[16] = "a";
		size_t k = 1 + cr_utf8_encode(bestfit_table[i].cp, (uint8_t *)name + 1);
		memcpy(name + k, "b.txt", 6);
		if (strcmp(name1(name), "path.bestfit"))
			bad++, print_error("U+%04X (to '%c', cp%u): got [%s]\n", bestfit_table[i].cp, bestfit_table[i].to,
					   bestfit_table[i].page, name1(name));
	}
	/* U+0589 ARMENIAN FULL STOP and U+2236 RATIO become ':' (a stream or a drive). */
	if (strcmp(name1("cv.pdf\xd6\x89" "evil.dll"), "path.bestfit") || strcmp(name1("C\xe2\x88\xb6x"), "path.bestfit"))
		bad++, print_error("U+0589 / U+2236 not flagged\n");
	/* Fullwidth letters best-fit to letters: harmless. */
	if (strcmp(name1("\xef\xbc\xa1\xef\xbc\xa2.txt"), ""))
		bad++, print_error("fullwidth letters flagged\n");
	assert_int_equal(bad, 0);
}

static void test_links(void **st)
{
	(void)st;
	struct harness h;
	h_init(&h);
	/* in-tree links are fine */
	assert_string_equal(judge(&h, "file.txt", 8, E_FILE, NULL, 0), "");
	assert_string_equal(judge(&h, "symlink", 7, E_SYMLINK, "file.txt", 0), "");
	assert_string_equal(judge(&h, "dir/up", 6, E_SYMLINK, "../file.txt", 0), "");
	assert_string_equal(judge(&h, "hard", 4, E_HARDLINK, "file.txt", 0), "");
	/* escapes */
	assert_string_equal(judge(&h, "dotdot", 6, E_SYMLINK, "..", 0), "link.escape");
	assert_string_equal(judge(&h, "abs", 3, E_SYMLINK, "/etc/passwd", 0), "link.escape");
	assert_string_equal(judge(&h, "win", 3, E_SYMLINK, "..\\..\\Windows", 0), "link.escape");
	assert_string_equal(judge(&h, "drive", 5, E_SYMLINK, "C:\\Windows", 0), "link.escape");
	assert_string_equal(judge(&h, "hl", 2, E_HARDLINK, "../../etc/shadow", 0), "link.escape");
	assert_string_equal(judge(&h, "hl2", 3, E_HARDLINK, "/etc/shadow", 0), "link.escape");
	/* a chain: l1 -> .. is an escape; l2 -> l1/.. climbs through it */
	assert_string_equal(judge(&h, "d/l1", 4, E_SYMLINK, "..", 0), "");
	assert_string_equal(judge(&h, "d/l2", 4, E_SYMLINK, "l1/..", 0), "link.escape");
	/* writing through a planted link (CVE-2022-30333 class) */
	assert_string_equal(judge(&h, "dotdot/evil.sh", 14, E_FILE, NULL, 0), "link.through");
	assert_string_equal(judge(&h, "ABS/passwd", 10, E_FILE, NULL, 0), "link.through");	/* case-insensitive FS */
	assert_string_equal(judge(&h, "abs", 3, E_FILE, NULL, 0), "link.through path.collision");
	assert_string_equal(judge(&h, "symlinks/x", 10, E_FILE, NULL, 0), "");
	h_free(&h);

	/* Links whose targets are other links branch: bounded, and fails closed. */
	h_init(&h);
	char name[16], target[4096];
	assert_string_equal(judge(&h, "l0", 2, E_SYMLINK, "x", 0), "");
	const char *last = "";
	for (int i = 1; i < 30; i++) {
		snprintf(name, sizeof name, "l%d", i);
		target[0] = '\0';
		for (int k = 0; k < 20; k++) {
			char c[16];
			snprintf(c, sizeof c, "l%d/../", i - 1);
			strncat(target, c, sizeof target - strlen(target) - 1);
		}
		last = judge(&h, name, strlen(name), E_SYMLINK, target, 0);
	}
	/* 20^29 steps if followed naively; past the budget the link is reported, never assumed safe. */
	assert_string_equal(last, "link.escape");
	h_free(&h);
}

static void test_collisions_and_modes(void **st)
{
	(void)st;
	struct harness h;
	h_init(&h);
	assert_string_equal(judge(&h, "Readme.txt", 10, E_FILE, NULL, 0), "");
	assert_string_equal(judge(&h, "README.TXT", 10, E_FILE, NULL, 0), "path.collision");
	assert_string_equal(judge(&h, "notes.txt", 9, E_FILE, NULL, 0), "");
	assert_string_equal(judge(&h, "notes.txt.", 10, E_FILE, NULL, 0), "path.collision path.trailing");
	assert_string_equal(judge(&h, "dir/", 4, E_DIR, NULL, 040755), "");
	assert_string_equal(judge(&h, "DIR/", 4, E_DIR, NULL, 040755), "");	/* two directories merge */
	assert_string_equal(judge(&h, "dir/a", 5, E_FILE, NULL, 0), "");
	assert_string_equal(judge(&h, "dir\\a", 5, E_FILE, NULL, 0), "path.collision");
	/* Case-insensitive beyond ASCII (NTFS, APFS), accents kept apart. */
	assert_string_equal(judge(&h, "r\xc3\xa9sum\xc3\xa9.txt", 12, E_FILE, NULL, 0), "");
	assert_string_equal(judge(&h, "R\xc3\x89SUM\xc3\x89.TXT", 12, E_FILE, NULL, 0), "path.collision");
	assert_string_equal(judge(&h, "resume.txt", 10, E_FILE, NULL, 0), "");
	assert_string_equal(judge(&h, "\xd0\xa4\xd0\xb0\xd0\xb9\xd0\xbb", 8, E_FILE, NULL, 0), "");
	assert_string_equal(judge(&h, "\xd1\x84\xd0\xb0\xd0\xb9\xd0\xbb", 8, E_FILE, NULL, 0), "path.collision");
	/* NFC and NFD are one name on macOS: é precomposed, then e + U+0301. */
	assert_string_equal(judge(&h, "caf\xc3\xa9.txt", 9, E_FILE, NULL, 0), "");
	assert_string_equal(judge(&h, "cafe\xcc\x81.txt", 10, E_FILE, NULL, 0), "path.collision");
	/* Full case folding: STRASSE and straße; Greek final sigma; Armenian, beyond any hand table. */
	assert_string_equal(judge(&h, "stra\xc3\x9f" "e", 7, E_FILE, NULL, 0), "");
	assert_string_equal(judge(&h, "STRASSE", 7, E_FILE, NULL, 0), "path.collision");
	assert_string_equal(judge(&h, "\xd5\x80\xd5\xa1\xd5\xb5", 6, E_FILE, NULL, 0), "");	/* Հայ */
	assert_string_equal(judge(&h, "\xd5\xb0\xd5\xa1\xd5\xb5", 6, E_FILE, NULL, 0), "path.collision");	/* հայ */
	/* A zero-width joiner HFS+ ignores. */
	assert_string_equal(judge(&h, "report.pdf", 10, E_FILE, NULL, 0), "");
	assert_string_equal(judge(&h, "rep\xe2\x80\x8dort.pdf", 13, E_FILE, NULL, 0), "path.collision");
	/* Benign twins: letters that differ stay apart. */
	assert_string_equal(judge(&h, "cafe.txt", 8, E_FILE, NULL, 0), "");
	assert_string_equal(judge(&h, "stra\xc3\x9f" "en", 8, E_FILE, NULL, 0), "");
	assert_string_equal(judge(&h, "su", 2, E_FILE, NULL, 0104755), "entry.setid");
	assert_string_equal(judge(&h, "sg", 2, E_FILE, NULL, 0102755), "entry.setid");
	assert_string_equal(judge(&h, "shared/", 7, E_DIR, NULL, 042775), "");	/* setgid directory: group inheritance */
	assert_string_equal(judge(&h, "plain", 5, E_FILE, NULL, 0100644), "");
	assert_string_equal(judge(&h, "dev/sda", 7, E_DEVICE, NULL, 0), "entry.special");
	assert_string_equal(judge(&h, "fifo", 4, E_FIFO, NULL, 0), "entry.special");
	assert_string_equal(judge(&h, "sock", 4, E_SOCKET, NULL, 0), "entry.special");
	h_free(&h);
}

/* ISO 9660: which names of one file disagree on its extension (layout/iso.c). */
static bool differ(const char *a, const char *b, bool a_primary, bool b_primary)
{
	return cr_iso_ext_differ(a, strlen(a), b, strlen(b), a_primary, b_primary);
}

static void test_iso_extensions(void **state)
{
	(void)state;
	assert_true(differ("notes.txt", "notes.bat", false, false));
	assert_true(differ("README.TXT", "readme.exe", true, false));
	assert_true(differ("dir/a.txt", "dir/a", false, false));	/* one has none */
	assert_false(differ("NOTES.TXT", "notes.txt", true, false));	/* case */
	assert_false(differ("INDEX.HTM", "site/index.html", true, false));	/* level 1 keeps three characters */
	assert_true(differ("index.htm", "index.html", false, false));	/* only a primary name is truncated */
	assert_true(differ("INDEX.HTM", "index.hta", true, false));
	assert_false(differ("MAKEFILE", "Makefile", true, false));
	assert_false(differ("_BASHRC", ".bashrc", true, false));	/* a leading dot is no extension */
	assert_false(differ("A_TAR.GZ", "a.tar.gz", true, false));
	assert_false(differ("x.d/file", "x.d/file", false, false));	/* a dot in a folder is not the file's */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_path_names),
		cmocka_unit_test(test_bestfit_table),
		cmocka_unit_test(test_links),
		cmocka_unit_test(test_collisions_and_modes),
		cmocka_unit_test(test_iso_extensions),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
