/*
 * parallel.h - the entries of one large container judged on every core,
 * in the order and with the findings of the one-thread walk (parallel.c).
 */
#ifndef CR_PARALLEL_H
#define CR_PARALLEL_H

#include <stdbool.h>

#include "../io/source.h"

struct cr_scan;
struct cr_obj;
struct cr_group;

/* Something the helpers run: a job of a group (parallel.c), or one call (cr_async). */
struct cr_task {
	struct cr_task *qnext;
	void (*fn)(struct cr_task *);
	const void *owner;	/* whose it is, to take it back */
};

/* One call run on another core while the caller goes on: the hash of a large top-level object. */
struct cr_async {
	struct cr_task t;
	void (*fn)(void *);
	void *arg;
	bool done;
};

/* Starts fn(arg) on a helper; false when there is none (the caller runs it). */
bool cr_async_start(struct cr_async *a, void (*fn)(void *), void *arg);
/* Waits for it to end; runs it here if no helper has taken it yet. */
void cr_async_wait(struct cr_async *a);

/* Whether the walk of o may hand out its entries: large enough, no sink or listing, not inside another group. */
bool cr_group_wanted(const struct cr_scan *s, const struct cr_obj *o);

/* Starts a group on s: its findings and spending go through the group until cr_group_end. NULL: walk on one thread. */
struct cr_group *cr_group_begin(struct cr_scan *s);

/*
 * Hands out the scan of one entry's data, `label` its place (taken on
 * success), data a range of the container's source.  False: scan it in
 * place (every helper busy, the group called off, no memory).
 */
bool cr_group_submit(struct cr_group *g, char *label, const struct cr_src *data, bool counted);

/*
 * Waits for every job and commits them in order; puts s back.  False
 * when the group was called off (a limit, the deadline, an error): the
 * budget is as before the walk, and the caller walks the container
 * again on one thread.
 */
bool cr_group_end(struct cr_group *g);

/*
 * Runs one queued job of the group this thread walks for, if there is
 * one: what a walker does while it waits for bytes still being decoded.
 * True when it ran one.
 */
bool cr_pool_help(void);

/* Whether there are helpers (started on first call). */
bool cr_pool_ready(void);

/* Whether data lies within the container's source c (and so lives as long as its walk). */
bool cr_src_within(const struct cr_src *data, const struct cr_src *c);

#endif
