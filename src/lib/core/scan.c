/*
 * scan.c - one object from bytes to verdict, and everything inside it.
 *
 *   1. load the head and tail windows (a small object is read whole, once);
 *   2. identify it from those windows (ident/);
 *   3. one sequential pass over the content, when something needs it: the
 *      SHA-256 of a top-level object, the script finder for markup;
 *   4. the rules (rules/);
 *   5. if it is a container, its walker (formats/) lists the entries,
 *      judges each, and scans each entry's data here again, one level
 *      deeper, under the limits of the top-level object.
 *
 * Memory per object is two fixed windows and one chunk buffer, whatever
 * its size; at the top they are kept per thread, so a directory of small
 * files costs no allocation per file.  Decompressed children live in
 * spools (io/spool.c) bounded by the expansion limit.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "../rules/html.h"
#include "broker.h"
#include "parallel.h"
#include "scan.h"
#include "../rules/yara.h"

#define CHUNK (256u * 1024u)
#define WINBUF (CR_HEAD_WIN + CR_TAIL_WIN)
#define MEM_CONTAINER (32u << 20)	/* containers up to this size are walked from memory */

/* --- per-thread buffers and hash context -------------------------------- */

/* Both buffers start on a page (the struct is page-aligned, and CHUNK is whole pages). */
struct tls {
	uint8_t chunk[CHUNK];
	uint8_t win[WINBUF];
	EVP_MD_CTX *md;
};
_Static_assert(CHUNK % 4096 == 0, "win follows chunk on a page boundary");

static pthread_key_t tls_key;
static pthread_once_t tls_once = PTHREAD_ONCE_INIT;
static EVP_MD *sha256_md;

static void tls_free(void *p)
{
	struct tls *t = p;
	if (t)
		EVP_MD_CTX_free(t->md);
	free(t);
}

static void tls_init(void)
{
	pthread_key_create(&tls_key, tls_free);
}

/* Fetched once, when a scan first hashes: an implicit fetch per EVP_DigestInit costs a lookup per file. */
static pthread_once_t md_once = PTHREAD_ONCE_INIT;
static void md_init(void) { sha256_md = EVP_MD_fetch(NULL, "SHA256", NULL); }

static struct tls *tls_get(void)
{
	pthread_once(&tls_once, tls_init);
	struct tls *t = pthread_getspecific(tls_key);
	if (t)
		return t;
	/*
	 * Page-aligned: the kernel copies file pages into win, and a copy to
	 * a destination 16 bytes into a page (malloc's header) ran several
	 * times slower than one to an aligned buffer.
	 */
	t = aligned_alloc(4096, (sizeof *t + 4095) & ~(size_t)4095);
	if (!t)
		return NULL;
	memset(t, 0, sizeof *t);
	t->md = EVP_MD_CTX_new();
	if (!t->md || pthread_setspecific(tls_key, t) != 0) {
		tls_free(t);
		return NULL;
	}
	return t;
}

/* --- the content pass --------------------------------------------------- */

struct pass {
	EVP_MD_CTX *md;		/* NULL: no hash */
	struct cr_html *html;	/* NULL: no script finder */
};

static void pass_feed(struct pass *p, const uint8_t *b, size_t n)
{
	if (p->md)
		EVP_DigestUpdate(p->md, b, n);
	if (p->html)
		cr_html_feed(p->html, b, n);
}

enum pass_end { PASS_DONE, PASS_EIO, PASS_LATE };

/*
 * Runs the pass over the whole object, in order: the head window already
 * in memory, the middle read in chunks, the tail window already in memory.
 * Every CR_PASS_STEP bytes it looks at the clock (issue 15: a sparse
 * 100 GB file must not hash past the deadline): PASS_LATE, with *done the
 * bytes fed, when the deadline passed or the scan was cancelled; PASS_EIO
 * when the middle cannot be read (an error, or the file shrank).
 */
static enum pass_end pass_run(struct pass *p, const struct cr_view *v, const uint8_t *whole, uint8_t *chunk,
			      const struct cr_scan *s, uint64_t *done, bool top)
{
	*done = 0;
	crible_progress_fn tell = top ? s->progress : NULL;
	if (whole) {
		for (uint64_t off = 0; off < v->size;) {
			size_t n = v->size - off < CR_PASS_STEP ? (size_t)(v->size - off) : CR_PASS_STEP;
			if (off && tell)
				tell(s->parg, 0, off);
			if (off && cr_pass_late(s))
				return PASS_LATE;
			pass_feed(p, whole + off, n);
			off += n;
			*done = off;
		}
		return PASS_DONE;
	}
	pass_feed(p, v->head, v->headlen);
	uint64_t off = v->headlen, end = v->size - v->taillen, next = off + CR_PASS_STEP;
	*done = off;
	while (off < end) {
		if (off >= next) {
			if (tell)
				tell(s->parg, 0, off);
			if (cr_pass_late(s))
				return PASS_LATE;
			next = off + CR_PASS_STEP;
		}
		size_t want = end - off < CHUNK ? (size_t)(end - off) : CHUNK;
		ssize_t r = cr_src_read(v->src, off, chunk, want);
		if (r <= 0)
			return PASS_EIO;	/* an error, or the file shrank: never a silent clean */
		pass_feed(p, chunk, (size_t)r);
		off += (uint64_t)r;
		*done = off;
	}
	pass_feed(p, v->tail, v->taillen);
	*done = v->size;
	return PASS_DONE;
}

/* What a pass is called in limit.time's detail. */
static const char *pass_name(const struct pass *p, bool hash)
{
	return hash && p->html ? "the SHA-256 and markup passes" : hash ? "the SHA-256 pass" : "the markup pass";
}

static void hex(const uint8_t *d, size_t n, char *out)
{
	static const char x[] = "0123456789abcdef";
	for (size_t i = 0; i < n; i++) {
		out[2 * i] = x[d[i] >> 4];
		out[2 * i + 1] = x[d[i] & 15];
	}
	out[2 * n] = '\0';
}

/*
 * Points v at the object's windows: into the object itself when it is in
 * memory, else into buf (WINBUF bytes).  *whole is set when every byte is
 * in memory.
 */
static crible_err load_view(const struct cr_src *src, struct cr_view *v, uint8_t *buf, const uint8_t **whole)
{
	*v = (struct cr_view){.src = src, .size = src->size};
	*whole = NULL;
	if (src->mem) {
		*whole = src->mem;
	} else if (src->size <= WINBUF) {
		if (cr_src_read(src, 0, buf, (size_t)src->size) != (ssize_t)src->size)
			return CRIBLE_EIO;
		*whole = buf;
	} else {
		if (cr_src_read(src, 0, buf, CR_HEAD_WIN) != (ssize_t)CR_HEAD_WIN ||
		    cr_src_read(src, src->size - CR_TAIL_WIN, buf + CR_HEAD_WIN, CR_TAIL_WIN) != (ssize_t)CR_TAIL_WIN)
			return CRIBLE_EIO;
		v->head = buf;
		v->headlen = CR_HEAD_WIN;
		v->tail = buf + CR_HEAD_WIN;
		v->taillen = CR_TAIL_WIN;
	}
	if (*whole) {
		v->head = *whole;
		v->headlen = src->size < CR_HEAD_WIN ? (size_t)src->size : CR_HEAD_WIN;
		v->taillen = src->size < CR_TAIL_WIN ? (size_t)src->size : CR_TAIL_WIN;
		v->tail = *whole + (src->size - v->taillen);
	}
	return CRIBLE_OK;
}

/* A name's extension, lower-cased into buf (at most 5 letters), or "". */
static const char *short_ext(const char *ext, size_t el, char buf[8])
{
	buf[0] = '\0';
	if (!ext || el > 5)
		return buf;
	for (size_t i = 0; i < el; i++)
		buf[i] = (char)(ext[i] >= 'A' && ext[i] <= 'Z' ? ext[i] + 32 : ext[i]);
	buf[el] = '\0';
	return buf;
}

/*
 * Whether a browser would read the object as a page: markup by its bytes
 * (below the top, generic XML is data: OOXML parts, manifests), any
 * object whose name says it is a page (ext: lower case), an image or PDF
 * with markup in it, and plain text or Markdown holding HTML tags after
 * a leading text (in the first window when the object is larger).
 */
static bool is_page(const struct cr_ident *id, const char *ext, const struct cr_view *v, const uint8_t *whole, bool top)
{
	uint32_t cls = cr_type_get(id->type)->cls;
	if ((cls & (C_MARKUP | C_SCRIPT)) == C_MARKUP && (top || id->type != T_XML))
		return true;
	/* An image or a PDF with markup in it: the browser's reading of a polyglot. */
	if (id->flags & (CR_ID_HAS_SCRIPT | CR_ID_HAS_MARKUP))
		return true;
	static const char *const page_exts[] = {"html", "htm", "xhtml", "xht", "shtml", "svg", "svgz", "mht", "mhtml"};
	if (ext[0] == 'h' || ext[0] == 'x' || ext[0] == 's' || ext[0] == 'm')
		for (size_t i = 0; i < sizeof page_exts / sizeof page_exts[0]; i++)
			if (strcmp(ext, page_exts[i]) == 0)
				return id->type != T_HTA && id->type != T_WSF;
	/*
	 * Text a browser could take for a page: plain text and Markdown (its
	 * viewers render the HTML in it).  Source code, CSV, JSON and the
	 * like that quote a tag are not pages.
	 */
	if (id->type != T_TEXT && id->type != T_MARKDOWN)
		return false;
	return whole ? cr_has_html_tag(whole, (size_t)v->size) : cr_has_html_tag(v->head, v->headlen);
}

/* Whether the page is also read as XML (expat): SVG and XML by bytes, SVG and XHTML by name. */
static bool is_xml_page(const struct cr_ident *id, const char *ext)
{
	if (id->type == T_SVG || id->type == T_XML)
		return true;
	return strcmp(ext, "svg") == 0 || strcmp(ext, "xhtml") == 0 || strcmp(ext, "xht") == 0;
}

/*
 * The hash of a large top-level object that needs no other pass: run on
 * a helper core while this one identifies, judges and walks it.  Both
 * only read the source and the windows.
 */
#define ASYNC_HASH (1u << 20)

struct hash_job {
	struct pass p;
	const struct cr_view *v;
	const uint8_t *whole;
	uint8_t *chunk;
	const struct cr_scan *s;	/* read only: its deadline, cancel flag and progress */
	enum pass_end end;
	uint64_t done;
};

static void hash_run(void *arg)
{
	struct hash_job *h = arg;
	h->end = pass_run(&h->p, h->v, h->whole, h->chunk, h->s, &h->done, true);	/* only the top object's hash goes to a helper */
}

/*
 * Scans one object at the current place (s->where names it).  At the top,
 * t holds the thread's buffers and hash; below it, buffers are allocated
 * for the object's lifetime.  Errors go to s->err.
 */
static void scan_object(struct cr_scan *s, const struct cr_src *src, const char *name, const char *declared,
			struct tls *t)
{
	bool top = t != NULL;
	uint8_t *winbuf = NULL, *chunk = NULL, *mem = NULL;
	struct pass p = {NULL, NULL};
	struct hash_job hj;
	struct cr_async hasher;
	bool hashing = false;	/* hj runs on a helper */
	/* Or hj waits in `later` for a stream's decoder to take a helper first (pipeline.c). */
	struct cr_later later = {.fn = hash_run, .arg = &hj};
	bool deferred = false;
	if (top) {
		winbuf = t->win;
		chunk = t->chunk;
	} else if (!src->mem && !(winbuf = malloc(src->size < WINBUF ? (size_t)src->size + 1 : WINBUF))) {
		s->err = CRIBLE_ENOMEM;
		return;
	}

	/* 1. windows */
	struct cr_view v;
	const uint8_t *whole;
	crible_err e = load_view(src, &v, winbuf, &whole);
	if (e != CRIBLE_OK) {
		s->err = e;
		goto out;
	}

	/* 2. identify */
	struct cr_ident id;
	cr_identify(&v, &id, cr_formats_bid);
	if (top)
		s->res->type = id.type;
	if (s->ctx->identify_only)
		goto out;
	/*
	 * A top-level input over the caller's size limit (CRIBLE_LIMIT_INPUT,
	 * crible scan --max-input) is judged from its head and tail windows
	 * only: no hash, no markup pass, no YARA, no walk, no signature
	 * search, nothing that would read the middle or claim it was read.
	 */
	if (top && s->ctx->lim.max_input && v.size > s->ctx->lim.max_input) {
		char a[32], b[32];
		crible_size_text(v.size, a, sizeof a);
		crible_size_text(s->ctx->lim.max_input, b, sizeof b);
		cr_emit(s, F_LIMIT_SIZE, -1, "the input is %s, over the limit of %s: judged from its first and last %u KiB only",
			a, b, (unsigned)(CR_HEAD_WIN >> 10));
		struct cr_obj wo = {.src = src, .name = name, .declared = declared, .view = &v, .id = &id, .depth = s->depth,
				    .ext = NULL, .extlen = 0};
		wo.ext = cr_name_ext(name, &wo.extlen);
		cr_rules_exec(s, &wo);
		cr_rules_type(s, &wo);
		cr_rules_eicar(s, &wo);
		goto out;
	}

	/*
	 * A container small enough is read once into memory, before the
	 * content pass so that the pass (the hash) reads that copy too: its
	 * walker then reads headers and entries without a system call each
	 * (a 100 000-entry ZIP would otherwise cost 300 000 preads).
	 */
	bool walk = !s->ctx->shallow && cr_walkable(&id);
	struct cr_src msrc;
	/* A walk done ahead stands in for the primary reading's: no copy for it. */
	if (walk && !src->mem && !cr_prepared_for(s, src)) {
		const uint8_t *body = whole;	/* a small object is already whole in winbuf */
		if (!body && src->size <= MEM_CONTAINER && (mem = malloc((size_t)src->size))) {
			if (cr_src_read(src, 0, mem, (size_t)src->size) == (ssize_t)src->size) {
				body = mem;
			} else {
				free(mem);
				mem = NULL;
			}
		}
		if (body) {
			/* The descriptor stays: a reader in another process reads it, not this copy. */
			msrc = (struct cr_src){.size = src->size, .mem = body, .fd = src->fd, .base = src->base};
			src = &msrc;
			v.src = &msrc;
			whole = body;
		}
	}

	/* 3. content pass: the hash at the top; script in pages (WSF and HTA are exec.script already). */
	if (top && s->ctx->hash) {
		pthread_once(&md_once, md_init);
		if (!sha256_md || !EVP_DigestInit_ex(t->md, sha256_md, NULL)) {
			s->err = CRIBLE_ENOMEM;
			goto out;
		}
		p.md = t->md;
	}
	size_t el = 0;
	const char *ext = cr_name_ext(name, &el);
	char extl[8];
	short_ext(ext, el, extl);
	if (is_page(&id, extl, &v, whole, top)) {
		/* The sniff reads the whole page when it is in memory, else the first window. */
		p.html = cr_html_new(whole ? whole : v.head, whole ? (size_t)v.size : v.headlen, is_xml_page(&id, extl));
		if (!p.html) {
			s->err = CRIBLE_ENOMEM;
			goto out;
		}
	}
	if (p.md && !p.html && v.size >= ASYNC_HASH && s->ctx->parallel && !cr_in_worker) {
		hj = (struct hash_job){.p = p, .v = &v, .whole = whole, .chunk = chunk, .s = s};
		const struct cr_format *wf = walk ? cr_format_for(id.type) : NULL;
		if (wf && wf->pipelines && !s->later) {
			/* A stream's decoder may want the helper while the walk reads what it decodes: it goes first. */
			s->later = &later;
			deferred = true;
		} else {
			hashing = cr_async_start(&hasher, hash_run, &hj);
		}
		if (hashing || deferred)
			p.md = NULL;	/* a helper has it, or will */
	}
	if (p.md || p.html) {
		if (!whole && !chunk && !(chunk = malloc(CHUNK))) {
			s->err = CRIBLE_ENOMEM;
			goto out;
		}
		uint64_t done;
		enum pass_end pe = pass_run(&p, &v, whole, chunk, s, &done, top);
		if (pe == PASS_EIO) {
			s->err = CRIBLE_EIO;
			goto out;
		}
		if (pe == PASS_LATE) {
			/* No hash of a prefix; the markup read so far still counts (its findings are real). */
			cr_pass_cut(s, pass_name(&p, p.md != NULL), done, v.size);
			p.md = NULL;
		}
	}
	if (p.md) {
		uint8_t d[32];
		unsigned dl = 0;
		EVP_DigestFinal_ex(t->md, d, &dl);
		hex(d, 32, s->res->sha256);
		s->res->has_sha = true;
	}

	/* 4. rules */
	struct cr_obj o = {.src = src, .name = name, .declared = declared, .view = &v, .id = &id, .depth = s->depth,
			   .ext = ext, .extlen = el};
	if (p.html) {
		cr_html_finish(p.html);
		const char *why = cr_html_script(p.html), *smug = cr_html_smuggling(p.html);
		if (why) {
			o.html_script = true;
			o.html_why = why;
			cr_emit(s, F_HTML_SCRIPT, -1, "%s carries script: %s", cr_type_get(id.type)->desc, why);
		}
		if (smug)
			cr_emit(s, F_HTML_SMUGGLING, -1, "the page %s", smug);
		const char *bomb = cr_html_bomb(p.html);
		if (bomb)
			cr_emit(s, F_BOMB_XML, -1, "%s", bomb);
		if (cr_html_incomplete(p.html))
			cr_emit(s, F_CONTAINER_UNINSPECTED, -1,
				"part of the page could not be kept (a literal past 16 MiB, or no memory): it was not judged");
	}
	cr_rules_exec(s, &o);
	cr_rules_type(s, &o);
	cr_rules_eicar(s, &o);
	cr_rules_yara(s, &o);

	/* A file the page builds from a literal is scanned as what it is. */
	size_t pl = 0;
	const char *pname = NULL;
	const uint8_t *payload = p.html && !s->ctx->shallow ? cr_html_payload(p.html, &pl, &pname) : NULL;
	if (payload) {
		struct cr_src ps = {.size = pl, .mem = payload, .fd = -1};
		cr_scan_child(s, pname, &ps, false);
	}

	/*
	 * 5. containers: every reading, each by its format's walker (walk.c);
	 * then what 7-Zip's signature search would open in it, unless another
	 * reading already walked it (a document format's own walker, a PDF's,
	 * does not stop 7-Zip from searching).
	 */
	if (walk)
		cr_walk_object(s, &o);
	bool other_reading = false;
	for (size_t i = 0; i < id.nalso; i++)
		other_reading |= cr_format_for(id.also[i]) != NULL;
	if (!s->ctx->shallow && !other_reading)
		cr_walk_embedded(s, &o);
out:
	if (deferred) {
		s->later = NULL;
		if (later.started)
			cr_async_wait(&later.a);
		else
			hash_run(&hj);	/* no decoder took a helper: here */
	}
	if (hashing)
		cr_async_wait(&hasher);
	if (hashing || deferred) {
		uint8_t d[32];
		unsigned dl = 0;
		EVP_DigestFinal_ex(t->md, d, &dl);
		if (hj.end == PASS_EIO && s->err == CRIBLE_OK)
			s->err = CRIBLE_EIO;
		else if (hj.end == PASS_LATE && s->err == CRIBLE_OK)
			cr_pass_cut(s, "the SHA-256 pass", hj.done, v.size);
		else if (hj.end == PASS_DONE) {
			hex(d, 32, s->res->sha256);
			s->res->has_sha = true;
		}
	}
	cr_html_free(p.html);
	free(mem);
	if (!top) {
		free(winbuf);
		free(chunk);
	}
}

void cr_scan_child(struct cr_scan *s, const char *name, const struct cr_src *src, bool counted)
{
	if (cr_stopped(s))
		return;
	if (s->nwhere >= s->wcap) {
		s->err = CRIBLE_EINVAL;	/* cannot happen: depth is checked below */
		return;
	}
	s->where[s->nwhere++] = name;
	unsigned maxd = s->ctx->lim.max_depth < CR_MAX_DEPTH_HARD ? (unsigned)s->ctx->lim.max_depth : CR_MAX_DEPTH_HARD;
	if (s->depth + 1 > maxd) {
		cr_emit(s, F_BOMB_DEPTH, -1, "nested deeper than %u containers; the scan stopped", maxd);
		s->bud->stop = true;
	} else if (counted || cr_count_expanded(s, src->size, NULL)) {
		s->depth++;
		scan_object(s, src, name, NULL, NULL);
		s->depth--;
	}
	s->nwhere--;
}

static uint64_t deadline(uint64_t ms)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	/* A limit of centuries is clamped where the sum cannot wrap. */
	if (ms > UINT64_MAX / 2000000ull)
		ms = UINT64_MAX / 2000000ull;
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec + ms * 1000000ull;
}

void cr_later_start(struct cr_scan *s)
{
	struct cr_later *l = s->later;
	if (l && !l->started)
		l->started = cr_async_start(&l->a, l->fn, l->arg);
}

/* --- one top-level object ----------------------------------------------- */

crible_err cr_scan_top(const crible_ctx *cfg, const struct cr_src *src, const char *name, const char *declared,
		       const struct cr_sink *sink, const atomic_int *cancel, crible_result **out)
{
	return cr_scan_top_watched(cfg, src, name, declared, sink, cancel, NULL, NULL, out);
}

crible_err cr_scan_top_watched(const crible_ctx *cfg, const struct cr_src *src, const char *name, const char *declared,
			       const struct cr_sink *sink, const atomic_int *cancel, crible_progress_fn fn, void *arg,
			       crible_result **out)
{
	*out = NULL;
	struct tls *t = tls_get();
	if (!t)
		return CRIBLE_ENOMEM;
	crible_result *r = calloc(1, sizeof *r);
	if (!r)
		return CRIBLE_ENOMEM;
	r->size = src->size;
	r->listing = cfg->list;
	const char *where[CR_MAX_DEPTH_HARD + 2];
	where[0] = name ? name : "-";
	struct cr_budget bud = {.deadline_ns = deadline(cfg->lim.time_ms)};
	struct cr_scan s = {.ctx = cfg, .res = r, .where = where, .nwhere = 1, .wcap = CR_MAX_DEPTH_HARD + 2,
			    .err = CRIBLE_OK, .bud = &bud, .mark_sev = -1, .sink = sink, .cancel = cancel,
			    .progress = fn, .parg = arg};
	scan_object(&s, src, name, declared, t);
	/* A cancel during the scan never yields a result, whatever was judged before it. */
	if (cancel && atomic_load(cancel))
		s.err = CRIBLE_ECANCELED;
	crible_err e = s.err != CRIBLE_OK ? s.err : cr_result_finish(r);
	if (e != CRIBLE_OK) {
		crible_result_free(r);
		return e;
	}
	*out = r;
	return CRIBLE_OK;
}
