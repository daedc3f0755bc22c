/*
 * integrity.c - a package against its own manifest (SELF_INTEGRITY).
 *
 * Wheel (PEP 427, binary-distribution-format): NAME-VER.dist-info/RECORD
 * is CSV "path,hash,size" with hash "sha256=" and the digest in URL-safe
 * base64 without padding.  Every file but RECORD (and RECORD.jws,
 * RECORD.p7s) must be listed with its hash; an installer is to refuse a
 * wheel that is not (pip long did not: pypa/pip#4705).  md5 and sha1 are
 * not allowed.
 *
 * .deb: control.tar's md5sums lists "MD5  path" for data.tar's files
 * (dpkg leaves out conffiles, which control.tar's conffiles names).
 */
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diff.h"

/* URL-safe base64 without padding into out (at most cap bytes); its length, or -1. */
static int b64url(const char *s, size_t n, uint8_t *out, size_t cap)
{
	uint32_t acc = 0;
	int bits = 0;
	size_t k = 0;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		int v = c >= 'A' && c <= 'Z' ? c - 'A' : c >= 'a' && c <= 'z' ? c - 'a' + 26 : c >= '0' && c <= '9' ? c - '0' + 52
			: c == '-' ? 62 : c == '_' ? 63 : c == '=' ? -2 : -1;
		if (v == -2)
			break;	/* padding: tolerated at the end */
		if (v < 0)
			return -1;
		acc = acc << 6 | (uint32_t)v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			if (k == cap)
				return -1;
			out[k++] = (uint8_t)(acc >> bits);
		}
	}
	return (int)k;
}

/* One CSV field from p (at most n bytes), quotes as RFC 4180 writes them; the index past its comma or end. */
static size_t field(const char *p, size_t n, size_t i, char *out, size_t cap)
{
	size_t k = 0;
	if (i < n && p[i] == '"') {
		for (i++; i < n; i++) {
			if (p[i] == '"') {
				if (i + 1 < n && p[i + 1] == '"') {
					i++;
				} else {
					i++;
					break;
				}
			}
			if (k + 1 < cap)
				out[k++] = p[i];
		}
	} else {
		for (; i < n && p[i] != ','; i++)
			if (k + 1 < cap)
				out[k++] = p[i];
	}
	out[k] = '\0';
	return i < n && p[i] == ',' ? i + 1 : i;
}

static bool wheel(struct crible_diff *d, const struct cr_dent *rec)
{
	const struct cr_dtree *P = &d->pkg;
	/* The dist-info folder's files are RECORD's own business: RECORD, RECORD.jws, RECORD.p7s. */
	size_t dl = strlen(rec->path) - strlen("RECORD");
	bool *listed = calloc(P->n + 1, sizeof *listed);
	if (!listed)
		return cr_diff_add(d, DC_INCOMPLETE, DS_HIGH, rec->path, NULL, NULL, "%s", "out of memory reading RECORD");
	bool ok = true;
	size_t rows = 0, bad = 0;
	const char *p = rec->body ? (const char *)rec->body : "";
	size_t n = rec->bodylen;
	for (size_t i = 0; i < n && ok;) {
		size_t e = i;
		while (e < n && p[e] != '\n')
			e++;
		size_t l = e - i;
		if (l && p[i + l - 1] == '\r')
			l--;
		char path[1024], hash[200], size[40];
		size_t j = field(p + i, l, 0, path, sizeof path);
		j = field(p + i, l, j, hash, sizeof hash);
		field(p + i, l, j, size, sizeof size);
		i = e + 1;
		if (!path[0])
			continue;
		rows++;
		const struct cr_dent *f = cr_dtree_find(P, path);
		const char *why = NULL;
		char det[300];
		if (path[0] == '/' || strstr(path, "../") || !strcmp(path, "..") || (strlen(path) >= 3 && !strcmp(path + strlen(path) - 3, "/..")))
			why = "RECORD names a path outside the wheel";
		else if (f && listed[f - P->e])
			why = "RECORD lists the file twice";
		if (f)
			listed[f - P->e] = true;
		bool self = f && !strncmp(path, rec->path, dl) && (!strcmp(path + dl, "RECORD") || !strcmp(path + dl, "RECORD.jws") ||
								     !strcmp(path + dl, "RECORD.p7s"));
		if (!why && !f)
			why = "RECORD lists a file the wheel does not have";
		else if (!why && !self) {
			uint8_t dg[64];
			int got = strncmp(hash, "sha256=", 7) ? -1 : b64url(hash + 7, strlen(hash + 7), dg, sizeof dg);
			char *end = NULL;
			unsigned long long sz = size[0] ? strtoull(size, &end, 10) : 0;
			if (!hash[0])
				why = "RECORD gives no hash for the file";
			else if (!strncmp(hash, "md5=", 4) || !strncmp(hash, "sha1=", 5))
				why = "RECORD hashes the file with md5 or sha1, which the format forbids";
			else if (got != 32)
				why = "RECORD's hash is not a SHA-256 crible can read";
			else if (!f->has_data || memcmp(dg, f->sha, 32))
				why = "the file's SHA-256 is not RECORD's";
			else if (size[0] && (!end || *end || sz != f->size)) {
				snprintf(det, sizeof det, "the file has %llu bytes, RECORD says %s", (unsigned long long)f->size, size);
				why = det;
			}
		}
		if (why) {
			bad++;
			ok = cr_diff_add(d, DC_SELF_INTEGRITY, DS_HIGH, path, NULL, NULL, "%s", why);
		}
	}
	for (size_t i = 0; i < P->n && ok; i++) {
		const struct cr_dent *f = &P->e[i];
		if (listed[i] || f->kind == CRIBLE_ENTRY_DIR || (i && !strcmp(P->e[i - 1].path, f->path)))
			continue;
		if (!strncmp(f->path, rec->path, dl) && (!strcmp(f->path + dl, "RECORD.jws") || !strcmp(f->path + dl, "RECORD.p7s")))
			continue;
		bad++;
		ok = cr_diff_add(d, DC_SELF_INTEGRITY, DS_HIGH, f->path, NULL, NULL, "%s",
				 "the wheel holds a file RECORD does not list (an installer that checks refuses it)");
	}
	free(listed);
	if (ok && !bad)
		ok = cr_diff_add(d, DC_SELF_INTEGRITY, DS_OK, rec->path, NULL, NULL, "%zu files, every hash and size as listed",
				 rows);
	return ok;
}

static int hexv(char c) { return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1; }

static bool deb(struct crible_diff *d)
{
	const struct cr_dtree *P = &d->pkg, *C = P->control;
	const struct cr_dent *sums = C ? cr_dtree_find(C, "md5sums") : NULL;
	if (!sums || !sums->body)
		return true;
	const struct cr_dent *cf = cr_dtree_find(C, "conffiles");
	bool *listed = calloc(P->n + 1, sizeof *listed);
	if (!listed)
		return cr_diff_add(d, DC_INCOMPLETE, DS_HIGH, "md5sums", NULL, NULL, "%s", "out of memory reading md5sums");
	bool ok = true;
	size_t rows = 0, bad = 0;
	const char *p = (const char *)sums->body;
	size_t n = sums->bodylen;
	for (size_t i = 0; i < n && ok;) {
		size_t e = i;
		while (e < n && p[e] != '\n')
			e++;
		size_t l = e - i;
		const char *line = p + i;
		i = e + 1;
		if (l < 35)
			continue;
		uint8_t want[16];
		bool hex = true;
		for (int k = 0; k < 16 && hex; k++) {
			int a = hexv(line[2 * k]), b = hexv(line[2 * k + 1]);
			hex = a >= 0 && b >= 0;
			want[k] = (uint8_t)(a << 4 | b);
		}
		size_t s = 32;
		while (s < l && line[s] == ' ')
			s++;
		char path[1024];
		snprintf(path, sizeof path, "%.*s", (int)(l - s), line + s);
		rows++;
		const struct cr_dent *f = cr_dtree_find(P, path);
		const char *why = !hex ? "an md5sums line crible cannot read"
				  : !f ? "md5sums lists a file the package does not have"
				  : !f->has_md5 || memcmp(want, f->md5, 16) ? "the file's MD5 is not md5sums'"
									   : NULL;
		if (f)
			listed[f - P->e] = true;
		if (why) {
			bad++;
			ok = cr_diff_add(d, DC_SELF_INTEGRITY, DS_HIGH, path, NULL, NULL, "%s", why);
		}
	}
	for (size_t i = 0; i < P->n && ok; i++) {
		const struct cr_dent *f = &P->e[i];
		if (listed[i] || f->kind != CRIBLE_ENTRY_FILE)
			continue;
		/* A conffile ("/etc/x" in conffiles) is left out of md5sums by dpkg. */
		bool conf = false;
		if (cf && cf->body) {
			char abs[1100];
			snprintf(abs, sizeof abs, "/%s\n", f->path);
			conf = memmem(cf->body, cf->bodylen, abs, strlen(abs)) != NULL ||
			       (cf->bodylen >= strlen(abs) - 1 &&
				!memcmp(cf->body + cf->bodylen - (strlen(abs) - 1), abs, strlen(abs) - 1));
		}
		if (conf)
			continue;
		bad++;
		ok = cr_diff_add(d, DC_SELF_INTEGRITY, DS_MEDIUM, f->path, NULL, NULL, "%s",
				 "a file md5sums does not list (nor conffiles)");
	}
	free(listed);
	if (ok && !bad)
		ok = cr_diff_add(d, DC_SELF_INTEGRITY, DS_OK, "md5sums", NULL, NULL, "%zu files, every MD5 as listed", rows);
	return ok;
}

bool cr_integrity(struct crible_diff *d)
{
	const struct cr_dtree *P = &d->pkg;
	if (P->deb)
		return deb(d);
	for (size_t i = 0; i < P->n; i++) {
		const char *p = P->e[i].path, *s = strchr(p, '/');
		if (s && !strcmp(s, "/RECORD") && s - p > 10 && !strncmp(s - 10, ".dist-info", 10)) {
			if (!P->e[i].body && P->e[i].size)
				return cr_diff_add(d, DC_INCOMPLETE, DS_HIGH, p, NULL, NULL, "%s", "RECORD is too large to read");
			return wheel(d, &P->e[i]);
		}
	}
	return true;
}
