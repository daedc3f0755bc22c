/*
 * parallel.c - the entries of one large container judged on every core,
 * with exactly the findings, order and verdict of the one-thread walk.
 *
 * The walker still runs on the scan's thread and still reports every
 * entry through cr_entry(), in order: names, links, collisions and notes
 * are judged there, because they depend on the entries before.  Only the
 * scan of an entry's data, which depends on nothing else, is handed out,
 * and only when that data is a range of the container's own source (a
 * TAR member, a stored ZIP entry), which lives as long as the walk.
 *
 * Ordering.  The walk becomes a queue of slots: a job (the data of up
 * to BATCH consecutive entries between which the walker said nothing, so
 * that a ZIP of 100 000 tiny files costs a job per 64) or a run of the
 * walker's own work between two jobs (names, notes, entries scanned in
 * place).  Each slot writes its findings into a
 * private result and counts what it spends (entries, expanded bytes)
 * against a private budget.  Slots are committed in queue order into the
 * scan's result (cr_result_merge) and budget, so the list reads as the
 * sequential walk's.
 *
 * Limits.  A slot that ran into a limit, the deadline, an error or the
 * findings bound, or whose spending would pass a limit once added to
 * what the slots before it spent, is where the sequential walk would have
 * stopped, at a place only that walk can tell.  So the group is called
 * off: the rest is discarded, the budget is put back as it was before the
 * walk, and cr_group_end() asks for the container to be walked again on
 * one thread.  The findings already committed come again at the same
 * places and are dropped as duplicates; everything after is the
 * sequential walk's own.  A walk that stops on a limit costs at most
 * twice, and a limit never moves.
 *
 * Threads.  One pool of helpers per process (online cores minus one;
 * CRIBLE_ENTRY_HELPERS sets another count, CRIBLE_PARALLEL_MIN the
 * smallest container handed out, both for tests), started on first use.
 * A walker that waits for the oldest job runs a queued job of its own
 * meanwhile.  At most WINDOW jobs are queued or running per group; a
 * queued job holds its slot only, and at most one job per core runs, so
 * memory is that of one scan per core.  The same pool runs one-off calls
 * (cr_async): the SHA-256 of a large top-level object, beside its walk.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "broker.h"
#include "parallel.h"
#include "scan.h"

#define PAR_MIN (1u << 20)	/* containers smaller than this are walked on one thread */
#define WINDOW 256		/* jobs queued or running per group */
#define BATCH 64		/* entries per job at most */
#define BATCH_BYTES (1u << 20)	/* a job closes once its entries hold this much */

/* One entry's data to scan. */
struct item {
	char *label;
	struct cr_src data;
	bool counted;
};

struct slot {
	struct cr_task t;	/* first: the pool runs it */
	struct slot *next;	/* the group's order */
	struct cr_group *g;
	crible_result *res;
	bool job;
	/* a job: a run of consecutive entries with nothing the walker said between them */
	struct item it[BATCH];
	size_t n;
	uint64_t bytes;
	const char *where[CR_MAX_DEPTH_HARD + 2];
	size_t nwhere;
	unsigned depth;
	struct cr_budget bud;
	bool done;		/* under the group's lock */
	/* what it spent, and whether it hit something only the sequential walk can place */
	uint64_t expanded, entries;
	bool bad;
};

struct cr_group {
	struct cr_scan *s;
	crible_result *res;		/* the scan's, while the walker writes into slots */
	struct cr_budget *bud;		/* the scan's */
	struct cr_budget wbud;		/* the walker's: committed, plus its own and finished slots' spending */
	uint64_t exp0, ent0;		/* the scan's budget before the walk */
	uint64_t open_exp, open_ent;	/* wbud when the open walker slot began */
	struct slot *head, *tail, *open;
	struct slot *batch;		/* the newest job, still taking entries: not yet queued */
	size_t jobs;			/* jobs queued or running */
	atomic_bool off;		/* called off: the walk is redone */
	atomic_uint_fast64_t flight_exp, flight_ent;	/* spent by jobs, not committed yet */
	pthread_mutex_t mu;
	pthread_cond_t cv;		/* a job is done */
	struct cr_group *outer;		/* this thread's group before this one (none: groups do not nest) */
};

/* --- the pool ------------------------------------------------------------ */

static pthread_mutex_t pool_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t pool_cv = PTHREAD_COND_INITIALIZER;
static pthread_cond_t async_cv = PTHREAD_COND_INITIALIZER;	/* a cr_async is done */
static struct cr_task *qhead, *qtail;
static unsigned nhelpers;
static atomic_uint idle;	/* helpers waiting for work */
static uint64_t par_min = PAR_MIN;
static pthread_once_t pool_once = PTHREAD_ONCE_INIT;

/* Groups begun, jobs and entries handed out, groups called off: printed at exit with CRIBLE_PARALLEL_STATS (tests). */
static atomic_ulong n_groups, n_jobs, n_items, n_off;

static void print_stats(void)
{
	fprintf(stderr, "crible parallel: %lu groups, %lu jobs, %lu entries, %lu called off\n", atomic_load(&n_groups),
		atomic_load(&n_jobs), atomic_load(&n_items), atomic_load(&n_off));
}

static void run_job(struct slot *sl);
static void pool_start(void);

static void *helper(void *arg)
{
	(void)arg;
	pthread_mutex_lock(&pool_mu);
	for (;;) {
		while (!qhead)
			pthread_cond_wait(&pool_cv, &pool_mu);
		struct cr_task *t = qhead;
		qhead = t->qnext;
		if (!qhead)
			qtail = NULL;
		atomic_fetch_sub(&idle, 1);
		pthread_mutex_unlock(&pool_mu);
		t->fn(t);
		atomic_fetch_add(&idle, 1);
		pthread_mutex_lock(&pool_mu);
	}
	return NULL;
}

static void pool_start(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN) - 1;
	const char *env = getenv("CRIBLE_ENTRY_HELPERS");
	if (env && *env)
		n = strtol(env, NULL, 10);
	if (n > 64)
		n = 64;
	/* Tests hand out the entries of the smallest containers too. */
	env = getenv("CRIBLE_PARALLEL_MIN");
	if (env && *env)
		par_min = strtoull(env, NULL, 10);
	env = getenv("CRIBLE_PARALLEL_STATS");
	if (env && *env)
		atexit(print_stats);
	pthread_attr_t a;
	pthread_attr_init(&a);
	pthread_attr_setdetachstate(&a, PTHREAD_CREATE_DETACHED);
	pthread_attr_setstacksize(&a, 8u << 20);
	for (long i = 0; i < n; i++) {
		pthread_t t;
		if (pthread_create(&t, &a, helper, NULL) != 0)
			break;
		nhelpers++;
		atomic_fetch_add(&idle, 1);
	}
	pthread_attr_destroy(&a);
}

/* Queues t for the helpers. */
static void enqueue(struct cr_task *t)
{
	t->qnext = NULL;
	pthread_mutex_lock(&pool_mu);
	if (qtail)
		qtail->qnext = t;
	else
		qhead = t;
	qtail = t;
	pthread_cond_signal(&pool_cv);
	pthread_mutex_unlock(&pool_mu);
}

/* Takes a queued task of owner off the pool's queue, or NULL. */
static struct cr_task *take_own(const void *owner)
{
	pthread_mutex_lock(&pool_mu);
	struct cr_task *prev = NULL, *t = qhead;
	while (t && t->owner != owner) {
		prev = t;
		t = t->qnext;
	}
	if (t) {
		if (prev)
			prev->qnext = t->qnext;
		else
			qhead = t->qnext;
		if (qtail == t)
			qtail = prev;
	}
	pthread_mutex_unlock(&pool_mu);
	return t;
}

/* --- one call on another core ---------------------------------------------- */

static void async_run(struct cr_task *t)
{
	struct cr_async *a = (struct cr_async *)t;
	a->fn(a->arg);
	pthread_mutex_lock(&pool_mu);
	a->done = true;
	pthread_cond_broadcast(&async_cv);
	pthread_mutex_unlock(&pool_mu);
}

bool cr_async_start(struct cr_async *a, void (*fn)(void *), void *arg)
{
	pthread_once(&pool_once, pool_start);
	if (!nhelpers)
		return false;
	*a = (struct cr_async){.t = {.fn = async_run, .owner = a}, .fn = fn, .arg = arg};
	enqueue(&a->t);
	return true;
}

void cr_async_wait(struct cr_async *a)
{
	if (take_own(a)) {
		async_run(&a->t);	/* no helper took it yet: run here */
		return;
	}
	pthread_mutex_lock(&pool_mu);
	while (!a->done)
		pthread_cond_wait(&async_cv, &pool_mu);
	pthread_mutex_unlock(&pool_mu);
}

/* --- slots ---------------------------------------------------------------- */

static void run_job(struct slot *sl)
{
	struct cr_group *g = sl->g;
	uint64_t e0 = sl->bud.expanded, n0 = sl->bud.entries;
	struct cr_scan js = {.ctx = g->s->ctx, .res = sl->res, .where = sl->where, .nwhere = sl->nwhere,
			     .wcap = CR_MAX_DEPTH_HARD + 2, .err = CRIBLE_OK, .bud = &sl->bud, .depth = sl->depth,
			     .cancel = g->s->cancel, .mark_sev = -1, .grouped = true, .abort = &g->off};
	for (size_t i = 0; i < sl->n && !cr_stopped(&js); i++)
		cr_scan_child(&js, sl->it[i].label, &sl->it[i].data, sl->it[i].counted);
	sl->expanded = sl->bud.expanded - e0;
	sl->entries = sl->bud.entries - n0;
	sl->bad = sl->bud.stop || js.err != CRIBLE_OK || sl->res->truncated || atomic_load(&g->off);
	if (sl->bad)
		atomic_store(&g->off, true);
	pthread_mutex_lock(&g->mu);
	sl->done = true;
	pthread_cond_broadcast(&g->cv);
	pthread_mutex_unlock(&g->mu);
}

static void slot_task(struct cr_task *t) { run_job((struct slot *)t); }

static struct slot *slot_new(struct cr_group *g, bool job)
{
	struct slot *sl = calloc(1, sizeof *sl);
	if (sl && !(sl->res = calloc(1, sizeof *sl->res))) {
		free(sl);
		return NULL;
	}
	if (sl) {
		sl->t = (struct cr_task){.fn = slot_task, .owner = g};
		sl->g = g;
		sl->job = job;
		sl->done = !job;
	}
	return sl;
}

static void slot_free(struct slot *sl)
{
	crible_result_free(sl->res);
	for (size_t i = 0; i < sl->n; i++)
		free(sl->it[i].label);
	free(sl);
}

static void append(struct cr_group *g, struct slot *sl)
{
	if (g->tail)
		g->tail->next = sl;
	else
		g->head = sl;
	g->tail = sl;
}

/* Closes the walker's open slot: what it spent is what wbud gained since it opened. */
static void close_open(struct cr_group *g)
{
	struct slot *sl = g->open;
	sl->expanded = g->wbud.expanded - g->open_exp;
	sl->entries = g->wbud.entries - g->open_ent;
	sl->bad = g->wbud.stop || g->s->err != CRIBLE_OK || sl->res->truncated;
	if (sl->bad)
		atomic_store(&g->off, true);
	g->open = NULL;
}

/* Opens a walker slot: the walker's findings go there from now on. */
static bool open_slot(struct cr_group *g)
{
	struct slot *sl = slot_new(g, false);
	if (!sl)
		return false;
	append(g, sl);
	g->open = sl;
	g->open_exp = g->wbud.expanded;
	g->open_ent = g->wbud.entries;
	g->s->res = sl->res;
	return true;
}

/* Queues the open batch for the helpers. */
static void flush(struct cr_group *g)
{
	struct slot *sl = g->batch;
	if (!sl)
		return;
	g->batch = NULL;
	enqueue(&sl->t);
}

/*
 * Commits the head slot into the scan's result and budget, or calls the
 * group off when the sequential walk would have stopped inside it.
 */
static void commit(struct cr_group *g, struct slot *sl)
{
	const struct cr_limits *lim = &g->s->ctx->lim;
	if (atomic_load(&g->off))
		return;
	if (sl->bad || g->bud->expanded + sl->expanded > lim->max_expanded ||
	    g->bud->entries + sl->entries > lim->max_entries) {
		atomic_store(&g->off, true);
		return;
	}
	g->bud->expanded += sl->expanded;
	g->bud->entries += sl->entries;
	if (sl->job) {
		g->wbud.expanded += sl->expanded;
		g->wbud.entries += sl->entries;
		atomic_fetch_sub(&g->flight_exp, sl->expanded);
		atomic_fetch_sub(&g->flight_ent, sl->entries);
	}
	struct cr_scan *s = g->s;
	crible_result *mine = s->res;
	s->res = g->res;
	cr_result_merge(s, sl->res);
	s->res = mine;
	if (s->err != CRIBLE_OK)
		atomic_store(&g->off, true);
}

/*
 * Commits finished slots from the head.  With `all`, waits for every
 * job; else only until fewer than WINDOW jobs are outstanding.  While the
 * oldest job runs elsewhere, runs a queued job of the group here.
 */
static void drain(struct cr_group *g, bool all)
{
	while (g->head && g->head != g->open) {
		struct slot *sl = g->head;
		pthread_mutex_lock(&g->mu);
		bool done = sl->done;
		pthread_mutex_unlock(&g->mu);
		if (!done) {
			if (!all && g->jobs < WINDOW)
				return;
			if (sl == g->batch)
				flush(g);
			struct cr_task *mine = take_own(g);
			if (mine) {
				run_job((struct slot *)mine);
				continue;
			}
			pthread_mutex_lock(&g->mu);
			while (!sl->done)
				pthread_cond_wait(&g->cv, &g->mu);
			pthread_mutex_unlock(&g->mu);
		}
		if (sl->job)
			g->jobs--;
		commit(g, sl);
		g->head = sl->next;
		if (!g->head)
			g->tail = NULL;
		slot_free(sl);
	}
}

/* --- the walker's side ---------------------------------------------------- */

bool cr_group_wanted(const struct cr_scan *s, const struct cr_obj *o)
{
	if (s->grouped || s->abort || s->sink || !s->bud || !s->ctx->parallel || s->ctx->list || cr_in_worker)
		return false;
	pthread_once(&pool_once, pool_start);
	/*
	 * With every helper busy (another large container, or many files
	 * scanned on every core already), handing out would only queue work
	 * behind theirs.
	 */
	/*
	 * An object still being decoded (core/pipeline.c) has a helper
	 * decoding it: its jobs queue until that one is free, and the walker
	 * runs them meanwhile, whenever it waits for bytes.
	 */
	return nhelpers > 0 && o->view->size >= par_min && (atomic_load(&idle) > 0 || o->src->grow);
}

bool cr_pool_ready(void)
{
	pthread_once(&pool_once, pool_start);
	return nhelpers > 0;
}

/* The group this thread walks for, for cr_pool_help. */
static _Thread_local struct cr_group *my_group;

bool cr_pool_help(void)
{
	struct cr_group *g = my_group;
	struct cr_task *t = g ? take_own(g) : NULL;
	if (t)
		run_job((struct slot *)t);
	return t != NULL;
}

struct cr_group *cr_group_begin(struct cr_scan *s)
{
	struct cr_group *g = calloc(1, sizeof *g);
	if (!g)
		return NULL;
	g->s = s;
	g->res = s->res;
	g->bud = s->bud;
	g->wbud = *s->bud;
	g->exp0 = s->bud->expanded;
	g->ent0 = s->bud->entries;
	atomic_init(&g->off, false);
	atomic_init(&g->flight_exp, 0);
	atomic_init(&g->flight_ent, 0);
	pthread_mutex_init(&g->mu, NULL);
	pthread_cond_init(&g->cv, NULL);
	if (!open_slot(g)) {
		s->res = g->res;
		pthread_mutex_destroy(&g->mu);
		pthread_cond_destroy(&g->cv);
		free(g);
		return NULL;
	}
	s->bud = &g->wbud;
	s->grp = g;
	s->grouped = true;
	s->abort = &g->off;	/* a job that stops the group stops the walker too */
	g->outer = my_group;
	my_group = g;
	atomic_fetch_add(&n_groups, 1);
	return g;
}

bool cr_group_submit(struct cr_group *g, char *label, const struct cr_src *data, bool counted)
{
	struct cr_scan *s = g->s;
	if (atomic_load(&g->off) || s->err != CRIBLE_OK)
		return false;
	struct item it = {label, *data, counted};
	atomic_fetch_add(&n_items, 1);
	/*
	 * The walker said nothing since the open job's last entry: this one
	 * joins it.  What the walker spent meanwhile (the entry counts) is
	 * committed after the job, which moves no finding, and the sums are
	 * checked at the end of each, which bounds every sum in between.
	 */
	struct slot *b = g->batch;
	if (b && g->open && g->open->res->nf == 0 && !g->open->res->truncated) {
		b->it[b->n++] = it;
		b->bytes += data->size;
		if (b->n == BATCH || b->bytes >= BATCH_BYTES)
			flush(g);
		return true;
	}
	flush(g);
	struct slot *sl = slot_new(g, true);
	if (!sl)
		return false;
	sl->it[sl->n++] = it;
	sl->bytes = data->size;
	sl->nwhere = s->nwhere;
	memcpy(sl->where, s->where, s->nwhere * sizeof *s->where);
	sl->depth = s->depth;
	/* From what the walk spent so far as far as the walker knows: a limit it passes, the sequential walk passes too. */
	sl->bud = (struct cr_budget){.expanded = g->wbud.expanded, .entries = g->wbud.entries,
				     .deadline_ns = g->wbud.deadline_ns, .flight_exp = &g->flight_exp,
				     .flight_ent = &g->flight_ent, .base_exp = g->wbud.expanded,
				     .base_ent = g->wbud.entries};
	close_open(g);
	append(g, sl);
	g->batch = sl;
	g->jobs++;
	atomic_fetch_add(&n_jobs, 1);
	if (sl->bytes >= BATCH_BYTES)
		flush(g);
	drain(g, false);
	if (!open_slot(g)) {
		s->err = CRIBLE_ENOMEM;
		s->res = g->res;
		atomic_store(&g->off, true);
	}
	return true;
}

bool cr_group_end(struct cr_group *g)
{
	struct cr_scan *s = g->s;
	if (g->open)
		close_open(g);
	flush(g);
	s->res = g->res;
	drain(g, true);
	/* Jobs called off still run to their end elsewhere: wait for each before freeing it. */
	while (g->head) {
		struct slot *sl = g->head;
		struct cr_task *mine = take_own(g);
		if (mine)
			run_job((struct slot *)mine);
		pthread_mutex_lock(&g->mu);
		while (!sl->done)
			pthread_cond_wait(&g->cv, &g->mu);
		pthread_mutex_unlock(&g->mu);
		g->head = sl->next;
		slot_free(sl);
	}
	bool off = atomic_load(&g->off);
	my_group = g->outer;
	s->bud = g->bud;
	s->grp = NULL;
	s->grouped = false;
	s->abort = NULL;
	if (off) {
		atomic_fetch_add(&n_off, 1);
		/* Put back as before the walk: the sequential walk spends it all again. */
		s->bud->expanded = g->exp0;
		s->bud->entries = g->ent0;
		/* An error of the walker's own (no memory for a slot) stays: the scan ends in it, as on one thread. */
	}
	pthread_mutex_destroy(&g->mu);
	pthread_cond_destroy(&g->cv);
	free(g);
	return !off;
}

bool cr_src_within(const struct cr_src *data, const struct cr_src *c)
{
	if (c->mem)
		return data->mem && data->mem >= c->mem && data->size <= c->size &&
		       (uint64_t)(data->mem - c->mem) <= c->size - data->size;
	return !data->mem && data->fd == c->fd && data->base >= c->base && data->size <= c->size &&
	       data->base - c->base <= c->size - data->size;
}
