/*
 * listing.c - the entry listing (CRIBLE_OPT_LIST): every entry the engine
 * judged, at every depth, with the SHA-256 of its data.  The differential
 * tests hold it against what real extractors write; a user reads it to see
 * what crible looked at.
 */
#include <openssl/evp.h>
#include <stdlib.h>
#include <string.h>

#include "../formats/format.h"
#include "scan.h"

/*
 * Hex SHA-256 of all of src's bytes; false on a read or digest failure, or
 * with *late set when the scan's deadline passed first (checked each
 * CR_PASS_STEP bytes; *done says how far it got).
 */
static bool sha256_src(const struct cr_scan *s, const struct cr_src *src, char hex[65], bool *late, uint64_t *done)
{
	EVP_MD_CTX *md = EVP_MD_CTX_new();
	bool ok = md && EVP_DigestInit_ex(md, EVP_sha256(), NULL);
	enum { STEP = 65536 };
	uint8_t *buf = malloc(STEP);
	ok = ok && buf;
	*late = false;
	for (uint64_t off = 0, next = CR_PASS_STEP; ok && off < src->size;) {
		if (off >= next) {
			if (cr_pass_late(s)) {
				*late = true;
				*done = off;
				ok = false;
				break;
			}
			next = off + CR_PASS_STEP;
		}
		size_t n = src->size - off < STEP ? (size_t)(src->size - off) : STEP;
		ssize_t got = src->mem ? (memcpy(buf, src->mem + off, n), (ssize_t)n) : cr_src_read(src, off, buf, n);
		if (got <= 0) {
			ok = false;
			break;
		}
		ok = EVP_DigestUpdate(md, buf, (size_t)got);
		off += (uint64_t)got;
	}
	uint8_t d[32];
	unsigned dl = 0;
	ok = ok && EVP_DigestFinal_ex(md, d, &dl) && dl == 32;
	EVP_MD_CTX_free(md);
	free(buf);
	for (int i = 0; ok && i < 32; i++) {
		static const char x[] = "0123456789abcdef";
		hex[2 * i] = x[d[i] >> 4];
		hex[2 * i + 1] = x[d[i] & 15];
	}
	hex[64] = '\0';
	return ok;
}

static void listed_free(crible_listed *l)
{
	for (size_t k = 0; k < l->nwhere; k++)
		free((char *)l->where[k]);
	free((void *)l->where);
	free((char *)l->link);
	free((char *)l->sha256);
	for (size_t k = 0; k < l->nalt; k++)
		free((char *)l->alt[k]);
	free((void *)l->alt);
}

void cr_list_entry(struct cr_scan *s, const struct cr_entry *e, const struct cr_src *data)
{
	crible_result *r = s->res;
	if (r->nlist == r->listcap) {
		size_t cap = r->listcap ? r->listcap * 2 : 64;
		crible_listed *n = realloc(r->list, cap * sizeof *n);
		if (!n) {
			s->err = CRIBLE_ENOMEM;
			return;
		}
		r->list = n;
		r->listcap = cap;
	}
	crible_listed l = {.nwhere = s->nwhere, .kind = (crible_entry_kind)e->kind,
			   .encrypted = (e->flags & CR_E_ENCRYPTED) != 0};
	char **where = calloc(s->nwhere, sizeof *where);
	bool ok = where != NULL;
	for (size_t k = 0; ok && k < s->nwhere; k++)
		ok = (where[k] = strdup(s->where[k])) != NULL;
	l.where = (const char *const *)where;
	if (ok && e->link)
		ok = (l.link = cr_entry_label(e->link, e->linklen)) != NULL;
	/* The other names: the walker's, and the name cut at its first NUL (what a C extractor writes). */
	const uint8_t *nul = e->namelen ? memchr(e->name, 0, e->namelen) : NULL;
	size_t nalt = e->nalt + (nul != NULL);
	char **alt = nalt ? calloc(nalt, sizeof *alt) : NULL;
	ok = ok && (alt || !nalt);
	l.alt = (const char *const *)alt;
	for (size_t k = 0; ok && k < e->nalt; k++, l.nalt++)
		ok = (alt[k] = cr_entry_label(e->alt[k].name, e->alt[k].len)) != NULL;
	if (ok && nul) {
		ok = (alt[e->nalt] = cr_entry_label(e->name, (size_t)(nul - e->name))) != NULL;
		l.nalt++;
	}
	bool late = false;
	uint64_t done = 0;
	if (ok && data) {
		char *hex = malloc(65);
		ok = hex && sha256_src(s, data, hex, &late, &done);
		l.sha256 = hex;
		l.has_data = 1;
		l.size = data->size;
		if (late) {
			/* Listed without a hash: the deadline came first. */
			free(hex);
			l.sha256 = NULL;
			l.has_data = 0;
			ok = true;
		}
	}
	if (!ok) {
		if (!where)
			l.nwhere = 0;
		listed_free(&l);
		s->err = CRIBLE_ENOMEM;
		return;
	}
	r->list[r->nlist++] = l;
	if (late)
		cr_pass_cut(s, "the listing's SHA-256 of this entry", done, data->size);
}

void cr_list_free(crible_result *r)
{
	for (size_t i = 0; i < r->nlist; i++)
		listed_free(&r->list[i]);
	free(r->list);
}

size_t crible_result_nlisted(const crible_result *r) { return r ? r->nlist : 0; }

const crible_listed *crible_result_listed(const crible_result *r, size_t i)
{
	return r && i < r->nlist ? &r->list[i] : NULL;
}

const char *cr_kind_name(int kind)
{
	static const char *const names[] = {"file", "dir", "symlink", "hardlink", "device", "fifo", "socket", "stream"};
	return kind >= 0 && kind < (int)(sizeof names / sizeof *names) ? names[kind] : "?";
}
