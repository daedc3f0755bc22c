/*
 * pipeline.c - a large compressed stream's TAR walked while the stream
 * is still being decoded, with exactly the findings, order and verdict
 * of the walk after the decoder.
 *
 * Without it a .tar.gz is decoded whole into its spool, on one core,
 * before anything reads it: identification needs the decoded object's
 * tail (an archive appended to the TAR is another reading of it), and
 * for a tarball of a hundred megabytes that is a fifth of a second with
 * the other cores idle.  Here the decoder runs on a helper core
 * (parallel.c's pool) and writes the spool's file from its first byte,
 * telling a cr_grow of every byte; this thread reads the first window,
 * and when it holds a TAR header, walks the TAR as the file grows: each
 * read waits for its bytes (io/source.c), and the TAR walker asks where
 * the end is only through cr_view_has() (formats/tar.c).  Its entries'
 * data go to the other cores as in any walk, queued behind the decoder.
 *
 * The walk ahead writes into a result and a budget of its own.  When the
 * decoder is done, the caller reports the decoded object as the entry it
 * always was; the object is identified from its real head and tail, its
 * own rules run, and when cr_walk_object comes to its primary reading,
 * the walk ahead stands in for it (walk.c, take_prepared): its findings
 * are merged at that place, its spending added.  That is the walk the
 * object would have had: the same bytes, the same `where`, the same
 * depth and limits, and the TAR walker reads nothing of the object but
 * its bytes.  It does not stand in, and the object is walked again as
 * always, when identification names something else, when the walk
 * ahead met a limit, the deadline, an error or the findings bound, when
 * the decoder stopped on a limit (the entry is not scanned at all then),
 * or when its spending added to the decoder's passes a limit: a limit's
 * finding is placed by the one-thread walk only.
 *
 * Limits hold while both run: each byte the decoder publishes counts in
 * the walk ahead's budget too (cr_grow.flight), so it stops where the
 * decoder's and its own expansion together pass the limit; the deadline
 * and a cancel are shared.  Memory: the first window, and the jobs the
 * walk queues (parallel.c's window); the decoded bytes are in the file.
 *
 * Not on: with -j 1 (the parallel option off), a sink, a listing, inside
 * a broker worker, a group, a job or another walk ahead, for streams
 * under PIPE_MIN (CRIBLE_PIPELINE_MIN sets another, for tests), or
 * without a helper.  CRIBLE_PIPELINE_STATS prints what it did at exit.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../layout/tar.h"
#include "broker.h"
#include "parallel.h"
#include "pipeline.h"

#define PIPE_MIN (4u << 20)	/* compressed streams from this size */

static uint64_t pipe_min = PIPE_MIN;
static pthread_once_t conf_once = PTHREAD_ONCE_INIT;
/* Walks ahead begun, taken in place of the walk, and not: printed at exit with CRIBLE_PIPELINE_STATS. */
static atomic_ulong n_ahead, n_taken, n_redone;

static void print_stats(void)
{
	fprintf(stderr, "crible pipeline: %lu walked ahead, %lu taken, %lu walked again\n", atomic_load(&n_ahead),
		atomic_load(&n_taken), atomic_load(&n_redone));
}

static void conf(void)
{
	const char *env = getenv("CRIBLE_PIPELINE_MIN");
	if (env && *env)
		pipe_min = strtoull(env, NULL, 10);
	env = getenv("CRIBLE_PIPELINE_STATS");
	if (env && *env)
		atexit(print_stats);
}

struct decoder {
	struct cr_scan *s;
	enum cr_codec c;
	const struct cr_src *src;
	uint64_t len;
	struct cr_spool *sp;
	struct cr_ratio *rt;
	struct cr_grow *g;
	const char *why;
	enum cr_dec rc;
};

static void decode_run(void *arg)
{
	struct decoder *d = arg;
	d->rc = cr_decode(d->s, d->c, d->src, 0, d->len, d->sp, 0, d->rt, &d->why);
	cr_grow_end(d->g);
}

/*
 * Whether the stream's first decoded block is a TAR header: a decoder of
 * its own reads that much, outside the budget (it is read again, and
 * charged, by the real one).  Any other stream is decoded on this thread
 * as always, the top-level hash on a helper beside it.
 */
static bool starts_as_tar(const struct cr_scan *s, enum cr_codec c, const struct cr_src *src)
{
	struct cr_scan peek = {.ctx = s->ctx, .err = CRIBLE_OK, .cancel = s->cancel, .mark_sev = -1};
	struct cr_spool sp;
	cr_spool_init(&sp);
	const char *why;
	enum cr_dec r = cr_decode(&peek, c, src, 0, src->size, &sp, 512, NULL, &why);
	bool tar = (r == DEC_OK || r == DEC_CORRUPT) && sp.size == 512 && sp.mem && sp.mem[0] &&
		   cr_tar_checksum_ok(sp.mem);
	cr_spool_free(&sp);
	return tar;
}

static bool wanted(const struct cr_scan *s, const struct cr_obj *o, enum cr_codec c)
{
	pthread_once(&conf_once, conf);
	unsigned maxd = s->ctx->lim.max_depth < CR_MAX_DEPTH_HARD ? (unsigned)s->ctx->lim.max_depth : CR_MAX_DEPTH_HARD;
	return !s->grouped && !s->abort && !s->ahead && !s->sink && s->bud && s->ctx->parallel && !s->ctx->list &&
	       !cr_in_worker && o->view->size >= pipe_min && s->nwhere + 1 < s->wcap && s->depth + 1 <= maxd &&
	       cr_format_for(T_TAR) && cr_pool_ready() && starts_as_tar(s, c, o->src);
}

/*
 * The walk ahead, on this thread, while d decodes on a helper: into
 * ahead, or nothing (ahead->res stays NULL) when the bytes do not start
 * as a TAR.  The scan s is the decoder's meanwhile: only its constant
 * parts are read here.
 */
static void walk_ahead(struct cr_scan *s, const struct cr_entry *e, struct cr_spool *sp, struct cr_grow *g,
		       atomic_uint_fast64_t *flight, const struct cr_budget *b0, struct cr_prepared *ahead)
{
	struct cr_src gs;
	cr_spool_src_growing(sp, &gs);
	uint8_t *head = malloc(CR_HEAD_WIN);
	char *label = cr_entry_label(e->name, e->namelen);
	crible_result *res = calloc(1, sizeof *res);
	/* A first window, whole (a smaller object is decoded by now), and a TAR header in it. */
	if (!head || !label || !res || cr_src_read(&gs, 0, head, CR_HEAD_WIN) != (ssize_t)CR_HEAD_WIN || !head[0] ||
	    !cr_tar_checksum_ok(head)) {
		free(head);
		free(label);
		free(res);
		return;
	}
	const char *where[CR_MAX_DEPTH_HARD + 2];
	memcpy(where, s->where, s->nwhere * sizeof *where);
	where[s->nwhere] = label;
	/* The budget as the walk after the decoder starts it: the entry counted, the decoder's bytes in flight. */
	struct cr_budget bud = {.expanded = b0->expanded, .entries = b0->entries + 1, .deadline_ns = b0->deadline_ns,
				.flight_exp = flight, .base_exp = b0->expanded};
	struct cr_scan as = {.ctx = s->ctx, .res = res, .where = where, .nwhere = s->nwhere + 1,
			     .wcap = CR_MAX_DEPTH_HARD + 2, .err = CRIBLE_OK, .bud = &bud, .depth = s->depth + 1,
			     .cancel = s->cancel, .mark_sev = -1, .ahead = true};
	struct cr_view v = {.src = &gs, .size = UINT64_MAX, .head = head, .headlen = CR_HEAD_WIN};
	struct cr_ident id;
	memset(&id, 0, sizeof id);
	id.type = T_TAR;
	size_t el = 0;
	const char *ext = cr_name_ext(label, &el);
	struct cr_obj o = {.src = &gs, .name = label, .view = &v, .id = &id, .depth = as.depth, .ext = ext, .extlen = el};
	const struct cr_format *f = cr_format_for(T_TAR);
	g->help = cr_pool_help;	/* its jobs, while it waits for bytes */
	atomic_fetch_add(&n_ahead, 1);
	ahead->begun = true;
	cr_walk_as(&as, &o, f, T_TAR, 0);
	g->help = NULL;
	if (as.err == CRIBLE_OK && !bud.stop && !res->truncated) {
		ahead->res = res;
		ahead->format = f;
		ahead->depth = as.depth;
		ahead->expanded = bud.expanded - b0->expanded;
		ahead->entries = bud.entries - (b0->entries + 1);
	} else {
		crible_result_free(res);
	}
	free(head);
	free(label);
}

enum cr_dec cr_pipeline_decode(struct cr_walk *w, const struct cr_entry *e, enum cr_codec c, struct cr_spool *sp,
			       const char **why, struct cr_prepared *ahead)
{
	struct cr_scan *s = w->s;
	const struct cr_obj *o = w->o;
	memset(ahead, 0, sizeof *ahead);
	ahead->fd = -1;
	struct cr_grow g;
	cr_grow_init(&g);
	atomic_uint_fast64_t flight;
	atomic_init(&flight, 0);
	g.flight = &flight;
	if (!wanted(s, o, c) || cr_spool_grow(sp, &g) != 0) {
		cr_grow_destroy(&g);
		cr_later_start(s);	/* the hash beside the decoder, as for any object */
		return cr_decode(s, c, o->src, 0, o->view->size, sp, 0, &w->ratio, why);
	}
	struct cr_budget b0 = *s->bud;
	struct decoder d = {.s = s, .c = c, .src = o->src, .len = o->view->size, .sp = sp, .rt = &w->ratio, .g = &g};
	struct cr_async a;
	bool async = cr_async_start(&a, decode_run, &d);
	/* The top-level object's hash goes to the helpers after the decoder, not before it (scan.c). */
	cr_later_start(s);
	if (async) {
		walk_ahead(s, e, sp, &g, &flight, &b0, ahead);
		cr_async_wait(&a);
	} else {
		decode_run(&d);
	}
	sp->grow = NULL;
	cr_grow_destroy(&g);
	*why = d.why;
	/* A stream stopped on a limit is not scanned; a walk ahead of a file that failed is not what it holds. */
	if (ahead->res && (d.rc == DEC_LIMIT || d.rc == DEC_ERROR || s->err != CRIBLE_OK)) {
		crible_result_free(ahead->res);
		ahead->res = NULL;
	}
	if (ahead->res) {
		ahead->fd = sp->fd;
		ahead->size = sp->size;
	}
	return d.rc;
}

void cr_pipeline_done(struct cr_prepared *ahead)
{
	if (ahead->begun)
		atomic_fetch_add(ahead->used ? &n_taken : &n_redone, 1);
	crible_result_free(ahead->res);
	ahead->res = NULL;
}
