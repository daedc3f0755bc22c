/*
 * wire.h - what crosses the broker's sockets.
 *
 * All sockets are AF_UNIX SOCK_SEQPACKET: every message arrives whole or
 * not at all, so a worker killed in the middle of a send cannot leave a
 * half message for the client to misread.  A message is one type byte
 * and a payload of at most CR_WIRE_MAX bytes; integers are little-endian.
 *
 * Control socket, client -> broker:
 *   'J' job request (struct cr_job_req), with two descriptors attached
 *       (SCM_RIGHTS): the job socket's worker end, and the data; a scan
 *       job's configuration follows the request (at most CR_WIRE_CFG
 *       bytes, ctx.c packs it).  A scan job with YARA rules (req.rules
 *       not zero) attaches a third: the rules as libyara saved them,
 *       which the broker loads once per digest (rules/yara.c).
 *
 * Job socket, broker and worker -> client, in this order:
 *   'S' started: u32 worker pid (from the broker, right after the fork)
 *   worker messages, by job kind:
 *     archive: 'E' entry header, 'D' data, 'Z' end of entry, 'F' fault,
 *     probe:   'P' the worker's open descriptors (u32 fd, u64 dev, u64 ino, u32 mode)*
 *     scan:    the whole engine on the data; entries an extraction writes
 *              ('N' entry, 'D' data, 'Z' end), then the result ('R', a
 *              'G' per finding) or 'Q' an error (extract/confined.c)
 *     and last 'X' done
 *   'W' wait status: i32, from the broker once the worker is reaped.
 * The client never writes to the job socket; closing it tells the broker
 * to kill the worker.
 */
#ifndef CR_WIRE_H
#define CR_WIRE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define CR_WIRE_VERSION 4
#define CR_WIRE_CFG 8192
#define CR_WIRE_MAX (64u * 1024u)

enum cr_job_kind {
	CR_JOB_ARCHIVE = 1,	/* read a container with libarchive, stream its entries back */
	CR_JOB_PROBE = 2,	/* report the worker's descriptors (tests) */
	CR_JOB_SCAN = 3,	/* the whole engine on the data, entries streamed to an extraction */
};

/* Faults a test can ask a worker to commit after its sandbox is up. */
enum cr_fault {
	CR_FAULT_NONE = 0,
	CR_FAULT_SYSCALL = 1,	/* a forbidden system call: seccomp kills the worker */
	CR_FAULT_CRASH = 2,	/* SIGSEGV */
	CR_FAULT_HANG = 3,	/* loops until the deadline */
	CR_FAULT_MEMORY = 4,	/* allocates past the memory cap */
	CR_FAULT_ABORT = 5,	/* abort(): SIGABRT, which its filter allows on itself only */
};

struct cr_job_req {
	uint32_t version;	/* CR_WIRE_VERSION */
	uint32_t kind;		/* enum cr_job_kind */
	uint32_t type;		/* enum cr_tid of the container */
	uint32_t fault;		/* enum cr_fault */
	uint32_t reading;	/* CR_LA_* flags: which reading of the container (libarch.h) */
	uint32_t spare;		/* zero */
	uint64_t spool_cap;	/* a scan job: bytes its spools may hold in all (RLIMIT_FSIZE) */
	uint64_t base, size;	/* the object within the data descriptor */
	uint64_t time_ms;	/* what is left of the scan's time */
	uint64_t mem_cap;	/* bytes the worker may add to its address space */
	uint8_t rules[32];	/* a scan job's YARA rules: the SHA-256 of their saved form, zero for none */
};

/* A growing message being built; `bad` once anything failed to fit. */
struct cr_msg {
	uint8_t buf[1 + CR_WIRE_MAX];
	size_t len;
	bool bad;
};

void cr_msg_begin(struct cr_msg *m, uint8_t type);
void cr_msg_put(struct cr_msg *m, const void *p, size_t n);
void cr_msg_u8(struct cr_msg *m, uint8_t v);
void cr_msg_u32(struct cr_msg *m, uint32_t v);
void cr_msg_u64(struct cr_msg *m, uint64_t v);
/* u32 length, then the bytes. */
void cr_msg_bytes(struct cr_msg *m, const void *p, size_t n);

/* A message being read. */
struct cr_rmsg {
	const uint8_t *p;
	size_t len;
};

bool cr_rmsg_u8(struct cr_rmsg *r, uint8_t *v);
bool cr_rmsg_u32(struct cr_rmsg *r, uint32_t *v);
bool cr_rmsg_u64(struct cr_rmsg *r, uint64_t *v);
/* Points *p at the next length-prefixed bytes. */
bool cr_rmsg_bytes(struct cr_rmsg *r, const uint8_t **p, size_t *n);

/* Sends a message (MSG_NOSIGNAL); 0, or -1 with errno. */
int cr_msg_send(int fd, const struct cr_msg *m);

#endif
