/*
 * links.c - the rules that need the entries before this one:
 * path.collision, link.escape, link.through; and entry.special,
 * entry.setid from the entry's own kind and mode.
 *
 * Resolution is lexical, over the archive's own entries in order, as an
 * extractor would meet them: a symlink's target is read from the link's
 * directory, through earlier symlinks (chains: l1 -> .., l2 -> l1/..),
 * and must stay below the extraction root.  A later entry whose path
 * goes through a planted symlink would be written wherever it points
 * (CVE-2022-30333; 7-Zip CVE-2025-11001).  Names are compared folded the
 * way the most permissive file system reads them: both separators,
 * Unicode case and normalisation (utf8proc), Windows' trailing dots and
 * spaces.
 */
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#include "../core/scan.h"
#include "entry.h"

#define MAX_LINK_HOPS 40
#define MAX_DEPTH 1024	/* components kept while resolving */
#define MAX_STEPS 4096	/* components visited to resolve one link; past it, fail closed */


void cr_names_init(struct cr_names *n) { memset(n, 0, sizeof *n); }

void cr_names_free(struct cr_names *n)
{
	free(n->slot);
	for (size_t i = 0; i < n->nlinks; i++) {
		free(n->links[i].path);
		free(n->links[i].target);
		free(n->links[i].label);
	}
	free(n->links);
	free(n->lslot);
	memset(n, 0, sizeof *n);
}

/* --- lexical paths ------------------------------------------------------ */

struct lpath {
	char *buf;	/* folded components joined by '/' */
	size_t len, cap;
	size_t comp[MAX_DEPTH];	/* start of each component in buf */
	size_t n;
	int escaped;	/* a ".." climbed above the root */
	int overflow;
};

/* Only the counters: comp[] (8 KiB) is written before it is read, and an entry must not cost a memset of it. */
static void lp_init(struct lpath *p)
{
	p->buf = NULL;
	p->len = p->cap = p->n = 0;
	p->escaped = p->overflow = 0;
}

static void lp_free(struct lpath *p) { free(p->buf); }

static int lp_reserve(struct lpath *p, size_t more)
{
	if (p->len + more + 2 <= p->cap)
		return 0;
	size_t cap = p->cap ? p->cap : 256;
	while (cap < p->len + more + 2)
		cap *= 2;
	char *b = realloc(p->buf, cap);
	if (!b)
		return -1;
	p->buf = b;
	p->cap = cap;
	return 0;
}

/*
 * A component as case-insensitive, normalisation-insensitive file systems
 * read it: NTFS folds case beyond ASCII, APFS and HFS+ fold case and
 * compare canonical equivalents (macOS stores NFD), HFS+ ignores default
 * ignorable code points (U+200D and the like).  utf8proc gives NFC with
 * full Unicode case folding, ignorables dropped.  ASCII takes the short
 * path; bytes that are not UTF-8 are compared as they are, ASCII folded.
 */
static int lp_fold_into(struct lpath *p, const uint8_t *c, size_t n)
{
	bool ascii = true;
	for (size_t i = 0; i < n && ascii; i++)
		ascii = c[i] < 0x80;
	utf8proc_uint8_t *f = NULL;
	utf8proc_ssize_t fl = -1;
	if (!ascii && n <= 4096)
		fl = utf8proc_map((const utf8proc_uint8_t *)c, (utf8proc_ssize_t)n, &f,
				  UTF8PROC_STABLE | UTF8PROC_COMPOSE | UTF8PROC_CASEFOLD | UTF8PROC_IGNORE);
	if (fl >= 0) {
		if (lp_reserve(p, (size_t)fl + 1) != 0) {
			free(f);
			return -1;
		}
		memcpy(p->buf + p->len, f, (size_t)fl);
		p->len += (size_t)fl;
		free(f);
		return 0;
	}
	free(f);
	if (lp_reserve(p, n + 1) != 0)
		return -1;
	for (size_t i = 0; i < n; i++)
		p->buf[p->len++] = (char)(c[i] >= 'A' && c[i] <= 'Z' ? c[i] + 32 : c[i]);
	return 0;
}

/* Appends one component, folded (above), Windows' trailing dots and spaces dropped. */
static int lp_push(struct lpath *p, const uint8_t *c, size_t n)
{
	while (n > 0 && (c[n - 1] == '.' || c[n - 1] == ' '))
		n--;
	if (p->n == MAX_DEPTH) {
		p->overflow = 1;
		return 0;
	}
	if (lp_reserve(p, n + 1) != 0)
		return -1;
	p->comp[p->n++] = p->len;
	if (p->len)
		p->buf[p->len++] = '/';
	if (lp_fold_into(p, c, n) != 0)
		return -1;
	p->buf[p->len] = '\0';
	return 0;
}

static void lp_pop(struct lpath *p)
{
	if (p->n == 0) {
		p->escaped = 1;
		return;
	}
	p->n--;
	p->len = p->comp[p->n];
	if (p->buf)
		p->buf[p->len] = '\0';
}

static int lp_copy(struct lpath *dst, const struct lpath *src)
{
	if (lp_reserve(dst, src->len + 1) != 0)
		return -1;
	memcpy(dst->buf, src->buf ? src->buf : "", src->len + 1);
	dst->len = src->len;
	memcpy(dst->comp, src->comp, src->n * sizeof src->comp[0]);
	dst->n = src->n;
	dst->escaped = src->escaped;
	return 0;
}

static uint64_t hash(const char *s)
{
	uint64_t h = 1469598103934665603ull;
	for (; *s; s++)
		h = (h ^ (uint8_t)*s) * 1099511628211ull;
	return h;
}

/* The latest symlink planted at path, or NULL.  A hash map: archives may hold 100 000 links. */
static const struct cr_link *find_link(const struct cr_names *n, const char *path)
{
	if (!n->lcap)
		return NULL;
	size_t j = hash(path) & (n->lcap - 1);
	while (n->lslot[j]) {
		const struct cr_link *l = &n->links[n->lslot[j] - 1];
		if (strcmp(l->path, path) == 0)
			return l;
		j = (j + 1) & (n->lcap - 1);
	}
	return NULL;
}

/* Indexes links[idx]; a later link at the same path replaces the earlier one. */
static int map_link(struct cr_names *n, size_t idx)
{
	if ((n->nlinks + 1) * 2 > n->lcap) {
		size_t cap = n->lcap ? n->lcap * 2 : 64;
		size_t *sl = calloc(cap, sizeof *sl);
		if (!sl)
			return -1;
		for (size_t i = 0; i < n->lcap; i++) {
			if (!n->lslot[i])
				continue;
			size_t j = hash(n->links[n->lslot[i] - 1].path) & (cap - 1);
			while (sl[j])
				j = (j + 1) & (cap - 1);
			sl[j] = n->lslot[i];
		}
		free(n->lslot);
		n->lslot = sl;
		n->lcap = cap;
	}
	size_t j = hash(n->links[idx].path) & (n->lcap - 1);
	while (n->lslot[j] && strcmp(n->links[n->lslot[j] - 1].path, n->links[idx].path) != 0)
		j = (j + 1) & (n->lcap - 1);
	n->lslot[j] = idx + 1;
	return 0;
}

static int absolute(const uint8_t *t, size_t n)
{
	return (n > 0 && cr_is_sep(t[0])) || cr_has_drive(t, n);
}

/*
 * Walks target's components onto p.  Each time p names an earlier
 * symlink, that link's target replaces it (read from the link's own
 * directory).  Returns -1 on ENOMEM; sets p->escaped when the walk leaves
 * the root or meets an absolute target.
 */
static int walk(const struct cr_names *n, struct lpath *p, const uint8_t *t, size_t len, int hops, size_t *budget)
{
	if (absolute(t, len)) {
		p->escaped = 1;
		return 0;
	}
	size_t i = 0, cn;
	const uint8_t *c;
	while (!p->escaped && cr_next_comp(t, len, &i, &c, &cn)) {
		if (cn == 0 || (cn == 1 && c[0] == '.'))
			continue;
		/* Links whose targets name other links branch: bound the total work. */
		if ((*budget)-- == 0) {
			p->escaped = 1;
			return 0;
		}
		if (cr_comp_is_dotdot(c, cn)) {
			lp_pop(p);
			continue;
		}
		if (lp_push(p, c, cn) != 0)
			return -1;
		const struct cr_link *l = find_link(n, p->buf);
		if (l && hops < MAX_LINK_HOPS) {
			lp_pop(p);	/* the link's directory */
			if (walk(n, p, (const uint8_t *)l->target, l->targetlen, hops + 1, budget) != 0)
				return -1;
		} else if (l) {
			p->escaped = 1;	/* a loop or an absurd chain: treat as leaving */
		}
	}
	return 0;
}

/* --- collision set ------------------------------------------------------ */

/*
 * Adds key; returns the kind already there (0 none), or -1 on ENOMEM.
 * The set keeps 62 bits of each name's hash and its kind, not the name:
 * 16 bytes an entry at most, and no string to visit when it grows.  Two
 * names that share those bits but differ would be reported as a
 * collision, a false warning and never a missed one.
 */
static int set_add(struct cr_names *n, const char *key, uint8_t kind)
{
	if ((n->used + 1) * 2 > n->cap) {
		size_t cap = n->cap ? n->cap * 2 : 64;
		uint64_t *slot = calloc(cap, sizeof *slot);
		if (!slot)
			return -1;
		for (size_t i = 0; i < n->cap; i++) {
			if (!n->slot[i])
				continue;
			size_t j = (n->slot[i] >> 2) & (cap - 1);
			while (slot[j])
				j = (j + 1) & (cap - 1);
			slot[j] = n->slot[i];
		}
		free(n->slot);
		n->slot = slot;
		n->cap = cap;
	}
	uint64_t h = hash(key);
	h ^= h >> 33, h *= 0xff51afd7ed558ccdull, h ^= h >> 33;	/* spread FNV's bits over the index */
	h &= ~(uint64_t)3;
	size_t j = (h >> 2) & (n->cap - 1);
	while (n->slot[j]) {
		if ((n->slot[j] & ~(uint64_t)3) == h)
			return (int)(n->slot[j] & 3);
		j = (j + 1) & (n->cap - 1);
	}
	n->slot[j] = h | kind;	/* kind is 1 or 2: never an empty slot */
	n->used++;
	return 0;
}

/* --- the rules ---------------------------------------------------------- */

static void show_target(char *out, size_t outlen, const uint8_t *t, size_t n)
{
	size_t k = 0;
	for (size_t i = 0; i < n && k + 2 < outlen; i++)
		out[k++] = t[i] < 0x20 || t[i] == 0x7f ? '?' : (char)t[i];
	out[k] = '\0';
}

void cr_rules_entry(struct cr_scan *s, struct cr_names *n, const struct cr_entry *e)
{
	cr_rules_path(s, e->name, e->namelen, e->utf8);
	if (e->kind == E_DEVICE || e->kind == E_FIFO || e->kind == E_SOCKET)
		cr_emit(s, F_ENTRY_SPECIAL, -1, "%s entry",
			e->kind == E_DEVICE ? "device" : e->kind == E_FIFO ? "FIFO" : "socket");
	if (e->has_mode && (e->mode & 06000) && e->kind != E_DIR)
		cr_emit(s, F_ENTRY_SETID, -1, "mode %04o sets %s", e->mode & 07777,
			(e->mode & 04000) ? "setuid" : "setgid");

	/* The entry's own path, lexically; its parents, to see planted links. */
	struct lpath p;
	lp_init(&p);
	if (lp_reserve(&p, 1) != 0)
		goto oom;
	p.buf[0] = '\0';
	size_t i = 0, cn;
	const uint8_t *c;
	const char *through = NULL;
	while (cr_next_comp(e->name, e->namelen, &i, &c, &cn)) {
		if (cn == 0 || (cn == 1 && c[0] == '.'))
			continue;
		if (cr_comp_is_dotdot(c, cn)) {
			lp_pop(&p);
			if (p.escaped)
				break;	/* path.traversal said it already */
			continue;
		}
		if (lp_push(&p, c, cn) != 0)
			goto oom;
		/* Writing at or below a planted symlink follows it. */
		const struct cr_link *l = find_link(n, p.buf);
		if (l && !through)
			through = l->path;
	}
	if (through && !p.escaped)
		cr_emit(s, F_LINK_THROUGH, -1, "the path goes through the symlink \"%s\" planted by an earlier entry",
			through);

	/* Collision: the same folded name twice, unless both are directories. */
	if (!p.escaped && p.n > 0) {
		uint8_t kind = e->kind == E_DIR ? 1 : 2;
		int had = set_add(n, p.buf, kind);
		if (had < 0)
			goto oom;
		if (had && !(had == 1 && kind == 1))
			cr_emit(s, F_PATH_COLLISION, -1, "\"%s\" lands on the same file as an earlier entry "
							 "(case, trailing dots or an exact duplicate)", p.buf);
	}

	/*
	 * A hard link to a symlink is a second symlink with the same target,
	 * read from the hard link's own directory.
	 */
	const struct cr_link *hl = NULL;
	if (e->kind == E_HARDLINK && e->linklen && !absolute(e->link, e->linklen) && !p.escaped) {
		struct lpath t;
		lp_init(&t);
		if (lp_reserve(&t, 1) != 0)
			goto oom;
		t.buf[0] = '\0';
		size_t k = 0;
		while (!t.escaped && cr_next_comp(e->link, e->linklen, &k, &c, &cn)) {
			if (cn == 0 || (cn == 1 && c[0] == '.'))
				continue;
			if (cr_comp_is_dotdot(c, cn))
				lp_pop(&t);
			else if (lp_push(&t, c, cn) != 0) {
				lp_free(&t);
				goto oom;
			}
		}
		if (!t.escaped && t.n)
			hl = find_link(n, t.buf);
		lp_free(&t);
	}
	struct cr_entry as_link;
	if (hl) {
		as_link = *e;
		as_link.kind = E_SYMLINK;
		as_link.link = (const uint8_t *)hl->target;
		as_link.linklen = hl->targetlen;
		e = &as_link;
	}

	if (e->kind == E_SYMLINK || e->kind == E_HARDLINK) {
		char tgt[160];
		show_target(tgt, sizeof tgt, e->link, e->linklen);
		bool flagged = true;
		struct lpath r;
		size_t budget = MAX_STEPS;
		lp_init(&r);
		/* A symlink resolves from its directory, a hard link from the root. */
		if (e->kind == E_SYMLINK && !p.escaped) {
			if (lp_copy(&r, &p) != 0)
				goto oom2;
			if (r.n)
				lp_pop(&r);
		} else if (lp_reserve(&r, 1) == 0) {
			r.buf[0] = '\0';
		} else {
			goto oom2;
		}
		if (e->linklen == 0)
			cr_emit(s, F_LINK_ESCAPE, -1, "%s with an empty or unreadable target: where it leads is unknown",
				e->kind == E_SYMLINK ? "symlink" : "hard link");
		else if (absolute(e->link, e->linklen))
			cr_emit(s, F_LINK_ESCAPE, -1, "%s to the absolute path \"%s\"",
				e->kind == E_SYMLINK ? "symlink" : "hard link", tgt);
		else if (walk(n, &r, e->link, e->linklen, 0, &budget) != 0)
			goto oom2;
		else if (r.escaped || p.escaped)
			cr_emit(s, F_LINK_ESCAPE, -1, "%s to \"%s\" leaves the extraction folder",
				hl ? "hard link to a symlink" : e->kind == E_SYMLINK ? "symlink" : "hard link", tgt);
		else
			flagged = false;
		lp_free(&r);
		/* Remember the symlink for later entries and chains. */
		if (e->kind == E_SYMLINK && !p.escaped && p.n > 0) {
			if (n->nlinks == n->caplinks) {
				size_t cap = n->caplinks ? n->caplinks * 2 : 16;
				struct cr_link *nl = reallocarray(n->links, cap, sizeof *nl);
				if (!nl)
					goto oom;
				n->links = nl;
				n->caplinks = cap;
			}
			struct cr_link *l = &n->links[n->nlinks];
			l->path = strdup(p.buf);
			l->target = malloc(e->linklen + 1);
			if (!l->path || !l->target) {
				free(l->path);
				free(l->target);
				goto oom;
			}
			if (e->linklen)
				memcpy(l->target, e->link, e->linklen);
			l->target[e->linklen] = '\0';
			l->targetlen = e->linklen;
			l->escaped = flagged;
			l->label = s->nwhere ? strdup(s->where[s->nwhere - 1]) : NULL;
			n->nlinks++;
			if (map_link(n, n->nlinks - 1) != 0)
				goto oom;
		}
		lp_free(&p);
		return;
oom2:
		lp_free(&r);
		goto oom;
	}
	lp_free(&p);
	return;
oom:
	lp_free(&p);
	s->err = CRIBLE_ENOMEM;
}

void cr_names_final(struct cr_scan *s, struct cr_names *n)
{
	for (size_t i = 0; i < n->nlinks && s->err == CRIBLE_OK; i++) {
		struct cr_link *l = &n->links[i];
		if (l->escaped || !l->label || s->nwhere >= s->wcap)
			continue;
		/* From the link's directory: its folded path less the last component. */
		struct lpath r;
		lp_init(&r);
		size_t budget = MAX_STEPS;
		const char *slash = strrchr(l->path, '/');
		size_t dl = slash ? (size_t)(slash - l->path) : 0;
		if (lp_reserve(&r, 1) != 0) {
			s->err = CRIBLE_ENOMEM;
			return;
		}
		r.buf[0] = '\0';
		if (dl && walk(n, &r, (const uint8_t *)l->path, dl, 0, &budget) != 0) {
			lp_free(&r);
			s->err = CRIBLE_ENOMEM;
			return;
		}
		int rc = r.escaped ? 0 : walk(n, &r, (const uint8_t *)l->target, l->targetlen, 0, &budget);
		bool out = r.escaped;
		lp_free(&r);
		if (rc != 0) {
			s->err = CRIBLE_ENOMEM;
			return;
		}
		if (!out)
			continue;
		char tgt[160];
		show_target(tgt, sizeof tgt, (const uint8_t *)l->target, l->targetlen);
		s->where[s->nwhere++] = l->label;
		cr_emit(s, F_LINK_ESCAPE, -1,
			"symlink to \"%s\" leaves the extraction folder once the links after it exist", tgt);
		s->nwhere--;
		l->escaped = true;
	}
}
