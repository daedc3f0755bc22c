/* xname.c - an entry's stored name to the path written (xname.h). */
#include "xname.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../io/utf8.h"
#include "../rules/entry.h"

struct out {
	char *p;
	size_t n, cap;
	bool oom;
};

static void put(struct out *o, const void *b, size_t n)
{
	if (o->oom)
		return;
	if (o->n + n + 1 > o->cap) {
		size_t nc = o->cap ? o->cap : 64;
		while (nc < o->n + n + 1)
			nc *= 2;
		char *np = realloc(o->p, nc);
		if (!np) {
			o->oom = true;
			return;
		}
		o->p = np;
		o->cap = nc;
	}
	memcpy(o->p + o->n, b, n);
	o->n += n;
	o->p[o->n] = '\0';
}

static bool win_reserved(uint8_t c) { return c == '<' || c == '>' || c == '"' || c == '|' || c == '?' || c == '*'; }

/*
 * One component c[0..n) into o.  Returns 0, or -1 with *why.  *hazard
 * says something had to change.
 */
static int component(struct out *o, const uint8_t *c, size_t n, bool windows, bool sanitize, bool *hazard,
		     const char **why)
{
	if (cr_comp_is_dotdot(c, n)) {
		*why = "a \"..\" component climbs out of the folder";
		return -1;
	}
	if (n > 255) {
		*why = "a component longer than 255 bytes";
		return -1;
	}
	/* Windows and sanitized names: a device name gets a '_' in front. */
	bool strict = windows || sanitize;
	if (strict && cr_path_device(c, n)) {
		if (!sanitize) {
			*why = "a Windows device name";
			return -1;
		}
		*hazard = true;
		put(o, "_", 1);
	}
	/* Trailing dots and spaces, which Windows strips. */
	size_t keep = n;
	if (strict)
		while (keep > 0 && (c[keep - 1] == '.' || c[keep - 1] == ' '))
			keep--;
	if (keep < n && !sanitize) {
		*why = "a trailing dot or space, which Windows strips";
		return -1;
	}
	for (size_t i = 0; i < keep;) {
		uint32_t cp;
		size_t k = cr_utf8_decode(c + i, keep - i, &cp);
		bool bad;
		const char *what;
		if (k == 0) {
			/* Not UTF-8: POSIX stores the bytes; NTFS and FAT cannot. */
			k = 1;
			bad = windows;
			what = "bytes that are not UTF-8";
		} else if (cp == 0 || cp < 0x20 || cp == 0x7f || (cp >= 0x80 && cp < 0xa0)) {
			bad = cp == 0 || strict;
			what = "a control character";
		} else if (cr_path_bidi(cp)) {
			bad = strict;
			what = "a bidi control";
		} else if (cr_path_bestfit(cp)) {
			bad = strict;
			what = "a character Windows best-fit turns into a path character";
		} else if (cp == ':') {
			bad = strict;
			what = "a colon (an NTFS stream or a drive)";
		} else if (windows && cp < 0x80 && win_reserved((uint8_t)cp)) {
			bad = true;
			what = "a character Windows reserves";
		} else {
			bad = false;
			what = NULL;
		}
		if (bad && !sanitize) {
			*why = what;
			return -1;
		}
		if (bad) {
			*hazard = true;
			put(o, "_", 1);
		} else {
			put(o, c + i, k);
		}
		i += k;
	}
	for (size_t i = keep; i < n; i++)
		put(o, "_", 1);
	if (keep < n)
		*hazard = true;
	return 0;
}

int cr_xname_map(const uint8_t *name, size_t len, bool windows, bool sanitize, char **out, bool *renamed,
		 const char **why)
{
	*out = NULL;
	*renamed = false;
	*why = NULL;
	bool sep2 = windows || sanitize;	/* '\' separates on Windows, and sanitized names hold none */
	size_t i = 0;
	/* A root, UNC or device prefix, or a drive: faithful extraction refuses, sanitizing drops it. */
	bool absolute = false;
	while (i < len && (name[i] == '/' || (sep2 && name[i] == '\\'))) {
		absolute = true;
		i++;
	}
	if (sep2 && !absolute && cr_has_drive(name, len)) {
		absolute = true;
		i = 2;
	}
	if (absolute && !sanitize) {
		*why = "an absolute path";
		return -1;
	}
	if (absolute && sep2 && len - i >= 2 && (name[i] == '?' || name[i] == '.') && (name[i + 1] == '\\' || name[i + 1] == '/'))
		i += 2;	/* \\?\ and \\.\ */
	struct out o = {0};
	bool hazard = absolute;
	size_t depth = 0;
	while (i <= len) {
		size_t j = i;
		while (j < len && name[j] != '/' && !(sep2 && name[j] == '\\'))
			j++;
		const uint8_t *c = name + i;
		size_t n = j - i;
		i = j + 1;
		if (n == 0 || (n == 1 && c[0] == '.'))
			continue;
		if (++depth > 256) {
			*why = "more than 256 folders deep";
			free(o.p);
			return -1;
		}
		if (o.n)
			put(&o, "/", 1);
		if (component(&o, c, n, windows, sanitize, &hazard, why) != 0) {
			free(o.p);
			return -1;
		}
	}
	if (o.oom) {
		free(o.p);
		return -2;
	}
	if (!o.n) {
		free(o.p);
		*why = "the name is empty once \".\" and separators are dropped";
		return -1;
	}
	if (o.n > CR_XNAME_MAX) {
		free(o.p);
		*why = "a path longer than 4096 bytes";
		return -1;
	}
	*out = o.p;
	*renamed = hazard;
	return 0;
}

/* Simple case folding for the letters Windows' upcase table pairs most often. */
static uint32_t fold(uint32_t c)
{
	if (c >= 'A' && c <= 'Z')
		return c + 32;
	if ((c >= 0xc0 && c <= 0xde && c != 0xd7) || (c >= 0x391 && c <= 0x3ab && c != 0x3a2) ||
	    (c >= 0x410 && c <= 0x42f))
		return c + 32;
	if (c >= 0x400 && c <= 0x40f)
		return c + 80;
	if (c >= 0x100 && c <= 0x17f && c != 0x130 && c != 0x131 && c != 0x138 && c != 0x149 && c != 0x17f)
		return (c >= 0x139 && c <= 0x148) || (c >= 0x179 && c <= 0x17e) ? (c & 1 ? c + 1 : c) : (c | 1);
	return c;
}

char *cr_xname_key(const char *path, bool windows)
{
	size_t n = strlen(path);
	if (!windows)
		return strdup(path);
	char *k = malloc(n * 2 + 1);
	if (!k)
		return NULL;
	size_t o = 0;
	const uint8_t *p = (const uint8_t *)path;
	for (size_t i = 0; i < n;) {
		uint32_t cp;
		size_t l = cr_utf8_decode(p + i, n - i, &cp);
		if (l == 0) {
			k[o++] = (char)p[i++];
			continue;
		}
		uint8_t enc[4];
		size_t el = cr_utf8_encode(fold(cp), enc);
		memcpy(k + o, enc, el);
		o += el;
		i += l;
	}
	k[o] = '\0';
	return k;
}

char *cr_xname_numbered(const char *path, unsigned n)
{
	const char *base = strrchr(path, '/');
	base = base ? base + 1 : path;
	const char *dot = strrchr(base, '.');
	if (!dot || dot == base)
		dot = path + strlen(path);
	size_t pre = (size_t)(dot - path), post = strlen(dot);
	char num[16];
	int k = snprintf(num, sizeof num, "~%u", n);
	char *p = malloc(pre + (size_t)k + post + 1);
	if (!p)
		return NULL;
	memcpy(p, path, pre);
	memcpy(p + pre, num, (size_t)k);
	memcpy(p + pre + (size_t)k, dot, post + 1);
	return p;
}
