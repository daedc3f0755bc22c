/*
 * limits.c - what one top-level object may cost: entries, expanded bytes,
 * expansion ratio per container, time.  Every limit hit is a finding and
 * stops the scan there (fail closed: a scan that could not finish is
 * never reported clean), so a 2 MB file that would expand to 40 GB costs
 * what the limits allow and no more.
 */
#include <time.h>

#include "scan.h"

/*
 * The coarse clock: cr_stopped() runs several times per entry, and the
 * precise one cost 7% of judging a 100 000-entry ZIP.  Its tick (a few
 * milliseconds) is far below any deadline a caller sets.
 */
uint64_t cr_now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC_COARSE, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

bool cr_pass_late(const struct cr_scan *s)
{
	if (s->cancel && atomic_load(s->cancel))
		return true;
	/* A helper core asks while the walk may move the deadline (a sink's time is given back): one atomic load. */
	return s->bud && cr_now_ns() > __atomic_load_n(&s->bud->deadline_ns, __ATOMIC_RELAXED);
}

void cr_pass_cut(struct cr_scan *s, const char *pass, uint64_t done, uint64_t total)
{
	if (s->cancel && atomic_load(s->cancel)) {
		s->err = CRIBLE_ECANCELED;
		return;
	}
	char a[32], b[32];
	crible_size_text(done, a, sizeof a);
	crible_size_text(total, b, sizeof b);
	cr_emit(s, F_LIMIT_TIME, -1, "the scan took longer than %llu ms: %s stopped after %s of %s, the rest was not read",
		(unsigned long long)s->ctx->lim.time_ms, pass, a, b);
	if (s->bud)
		s->bud->stop = true;
}

bool cr_stopped(struct cr_scan *s)
{
	if (s->err != CRIBLE_OK)
		return true;
	if (s->cancel && atomic_load(s->cancel)) {
		s->err = CRIBLE_ECANCELED;
		return true;
	}
	if (s->abort && atomic_load_explicit(s->abort, memory_order_relaxed))
		return true;
	if (!s->bud)
		return false;
	if (s->bud->stop)
		return true;
	if (cr_now_ns() > s->bud->deadline_ns) {
		cr_emit(s, F_LIMIT_TIME, -1, "the scan took longer than %llu ms and stopped",
			(unsigned long long)s->ctx->lim.time_ms);
		s->bud->stop = true;
	}
	return s->bud->stop;
}

bool cr_count_entry(struct cr_scan *s)
{
	if (!s->bud)
		return true;
	if (s->bud->flight_ent &&
	    s->bud->base_ent + atomic_fetch_add(s->bud->flight_ent, 1) + 1 > s->ctx->lim.max_entries) {
		s->bud->entries++;
		s->bud->stop = true;	/* the group is called off: the one-thread walk says where */
		return false;
	}
	if (++s->bud->entries > s->ctx->lim.max_entries) {
		cr_emit(s, F_BOMB_COUNT, -1, "more than %llu entries; the scan stopped",
			(unsigned long long)s->ctx->lim.max_entries);
		s->bud->stop = true;
		return false;
	}
	return !cr_stopped(s);
}

bool cr_count_expanded(struct cr_scan *s, uint64_t n, struct cr_ratio *rt)
{
	if (!s->bud)
		return true;
	const struct cr_limits *lim = &s->ctx->lim;
	s->bud->expanded += n;
	if (s->bud->flight_exp && s->bud->base_exp + atomic_fetch_add(s->bud->flight_exp, n) + n > lim->max_expanded) {
		s->bud->stop = true;	/* the group is called off: the one-thread walk says where */
		return false;
	}
	if (s->bud->expanded > lim->max_expanded) {
		cr_emit(s, F_BOMB_SIZE, -1, "more than %llu bytes expanded; the scan stopped",
			(unsigned long long)lim->max_expanded);
		s->bud->stop = true;
		return false;
	}
	if (rt) {
		rt->expanded += n;
		if (rt->expanded > lim->ratio_floor && rt->compressed &&
		    rt->expanded / rt->compressed > lim->max_ratio) {
			cr_emit(s, F_BOMB_RATIO, -1, "expands more than %llu times (%llu bytes from %llu); the scan stopped",
				(unsigned long long)lim->max_ratio, (unsigned long long)rt->expanded,
				(unsigned long long)rt->compressed);
			s->bud->stop = true;
			return false;
		}
	}
	return !cr_stopped(s);
}
