/*
 * libarch.h - libarchive as an entry producer.
 *
 * libarchive is not ours to harden: it runs in a worker process of the
 * broker (core/broker.c), and what it reads comes back to the scan as a
 * stream of events.  The producer side (cr_la_produce) runs libarchive
 * and emits the events; the consumer side (the libarchive format's
 * walker, and rar.c for compressed RAR data) turns them into cr_entry()
 * calls in the scanning process, where the limits, the rules and the
 * sink live.  The same events cross the worker's socket (core/wire.h)
 * or, inside a worker that is already isolated, a direct call.
 */
#ifndef CR_LIBARCH_H
#define CR_LIBARCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../core/walk.h"
#include "../io/source.h"

/* One entry as libarchive lists it. */
struct cr_la_hdr {
	enum cr_ekind kind;
	bool utf8;		/* name came out as UTF-8 */
	bool encrypted;
	bool has_mode;
	uint32_t mode;
	uint64_t size;		/* declared size; the data may differ */
	const uint8_t *name;
	size_t namelen;
	const uint8_t *link;
	size_t linklen;
};

/* Which reading of a container the producer takes: ISO 9660 name spaces turned off. */
enum {
	CR_LA_DEFAULT = 0,
	CR_LA_NO_ROCKRIDGE = 1u << 0,	/* the primary or Joliet names, not Rock Ridge */
	CR_LA_NO_JOLIET = 1u << 1,	/* the primary tree (with Rock Ridge names if any), never Joliet */
};

/* Events, in order: (entry, data*, end)*, with faults anywhere.  Each returns false to stop the producer. */
struct cr_la_events {
	bool (*entry)(void *arg, const struct cr_la_hdr *h);
	bool (*data)(void *arg, const uint8_t *p, size_t n);
	/* The entry's data is over: ok, or cut short with `why`. */
	bool (*end)(void *arg, bool ok, const char *why);
	/* A finding about the container (container.corrupt, container.encrypted). */
	bool (*fault)(void *arg, enum cr_fid fid, const char *detail);
};

/*
 * Reads src as type t with libarchive (only that format's reader is
 * enabled: less code facing the input) and emits the events.  `stop`
 * is polled between reads (NULL: never).  Returns when the archive
 * ends, fails, or an event returns false.
 */
void cr_la_produce(const struct cr_src *src, enum cr_tid t, unsigned reading, const struct cr_la_events *ev,
		   void *arg, bool (*stop)(void *), void *stoparg);

/* Loads what the producer needs from the file system (its locale); before a sandbox forbids it. */
void cr_la_prepare(void);

/*
 * The consumer the libarchive formats use: turns events into cr_entry()
 * calls on w (raw: one unnamed stream, lzip and compress).  NULL on ENOMEM.
 */
extern const struct cr_la_events cr_la_consumer_events;
void *cr_la_consumer_new(struct cr_walk *w, bool raw);
void cr_la_consumer_free(void *consumer);
/*
 * Lets fn add names and notes to each entry before it is judged (iso.c:
 * the other name spaces); fn returns false when the entry's data was
 * judged already under another name, and only its names are judged.
 */
void cr_la_consumer_decorate(void *consumer, bool (*fn)(void *arg, struct cr_entry *e), void *arg);

/*
 * Decodes one worker message (core/wire.h) into an event; false when the
 * consumer says stop or the message is malformed (*proto set).  in_entry
 * tracks whether an entry is open.  core/reader.c; fuzzed by fuzz_wire.
 */
bool cr_reader_dispatch(const uint8_t *msg, size_t len, const struct cr_la_events *ev, void *arg, bool *in_entry,
			bool *proto);

/*
 * Runs the producer for src isolated from this process, in a worker of
 * the broker, with the scan's remaining time and a memory cap, and
 * delivers its events here.  A worker that dies, is killed by its
 * sandbox or overruns the deadline costs this container, which gets
 * container.uninspected or limit.time, never a clean result.  When the
 * scan runs inside a worker already, or the context allows readers in
 * process, the producer runs here.  core/reader.c.
 */
void cr_reader_run(struct cr_walk *w, const struct cr_src *src, enum cr_tid t, unsigned reading,
		   const struct cr_la_events *ev, void *arg, const char *what);

#endif
