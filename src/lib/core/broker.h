/*
 * broker.h - the worker broker: where code we do not own runs.
 *
 * Who owns what:
 *   - The broker is a small single-threaded executable (crible-broker,
 *     src/broker/main.c), started with posix_spawn the first time a scan
 *     needs it (or by crible_broker_start).  Nothing of the host's
 *     address space, locks or descriptors crosses into it: it gets
 *     /dev/null, the host's stderr and its control socket, nothing else.
 *   - The host (the library, in any thread) owns a control socket to the
 *     broker, shared under a mutex, and one job socket per job.
 *   - A worker is a fork of the broker for one job.  It holds its job
 *     socket and the job's data descriptor, read-only, and nothing else;
 *     before reading a byte it sets rlimits, drops to an unprivileged
 *     user when started as root, sets no_new_privs and enters a
 *     default-deny seccomp filter (core/worker.c).
 * What crosses (core/wire.h): a job request and two descriptors (the
 * worker's end of the job socket, the data) to the broker; the worker's
 * messages and then its wait status back on the job socket.
 */
#ifndef CR_BROKER_H
#define CR_BROKER_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "wire.h"

struct cr_job_conn {
	int fd;		/* the client's end of the job socket, -1 once closed */
	pid_t pid;	/* the worker, once 'S' arrived */
	bool done;	/* 'X': the worker finished its job */
	bool exited;	/* 'W': the broker reaped it */
	int status;	/* its wait status when exited */
	bool eof;	/* the broker closed the socket */
};

/*
 * Starts the broker when it is not running, and hands it a job on data
 * (a descriptor this process keeps).  0 on success; -1 with *why (a
 * static string) when no broker can be had.
 */
int cr_broker_submit(const struct cr_job_req *req, int data, struct cr_job_conn *jc, const char **why);
/* The same with a scan job's configuration (at most CR_WIRE_CFG bytes) after the request. */
/* rules: the saved YARA rules named by req->rules, or -1. */
int cr_broker_submit_cfg(const struct cr_job_req *req, const void *cfg, size_t cfglen, int data, int rules,
			 struct cr_job_conn *jc, const char **why);

enum cr_recv {
	RECV_MSG = 1,		/* a worker message is in buf */
	RECV_END = 0,		/* the job is over: 'W' arrived or the broker closed the socket */
	RECV_TIMEOUT = -1,	/* the deadline passed */
	RECV_CANCEL = -2,	/* *cancel became nonzero */
	RECV_ERROR = -3,	/* the socket failed */
};

/*
 * Waits for the next worker message until deadline_ns (CLOCK_MONOTONIC),
 * checking *cancel (may be NULL) every few milliseconds.  'S' and 'W'
 * are absorbed into jc.
 */
enum cr_recv cr_job_recv(struct cr_job_conn *jc, uint8_t *buf, size_t cap, size_t *len, uint64_t deadline_ns,
			 const atomic_int *cancel);

/*
 * A descriptor holding src for a job: its own (*own -1), or a sealed
 * memfd copy of a memory source (*own: the descriptor to close).  -1 on
 * failure.  core/reader.c.
 */
struct cr_src;
int cr_job_data_fd(const struct cr_src *src, uint64_t *base, int *own);

/* Closes the job: a worker still running is killed by the broker. */
void cr_job_close(struct cr_job_conn *jc);

/* Describes how a worker ended, for a finding: "killed by its sandbox (SIGSYS)" and the like. */
const char *cr_job_death(int status, char *buf, size_t len);

/* --- the broker executable and its workers ------------------------------ */

struct cr_worker_cfg {
	bool drop;		/* started as root: workers run as uid/gid */
	uid_t uid;
	gid_t gid;
	bool keep_stderr;	/* CRIBLE_BROKER_STDERR=1: workers keep the broker's stderr (debugging) */
	int devnull;
};

/* The broker's main loop on its control socket; returns the exit status. */
int cr_broker_main(int ctl);

/* Compiles the workers' seccomp filters once, in the broker (worker.c). */
void cr_worker_prepare(void);
/* Before a fork: notes the broker's address-space size for the worker's cap (force: read it now). */
void cr_worker_note_vm(bool force);

/* Runs one job in a freshly forked worker and exits; never returns. */
void cr_worker_main(int sock, int data, const struct cr_job_req *req, const uint8_t *jobcfg, size_t jobcfglen,
		    const struct cr_worker_cfg *cfg) __attribute__((noreturn));

/* extract/confined.c: a scan job in its worker, the sandbox up; the worker exits after it. */
void cr_confined_worker(int sock, int data, const struct cr_job_req *req, const uint8_t *jobcfg, size_t jobcfglen);

/* Set in a worker: readers run in process there, the worker is the sandbox. */
extern bool cr_in_worker;
/* In a scan worker: the YARA rules its job named, loaded by the broker before the fork (or NULL). */
extern struct cr_yara *cr_worker_yara;

#endif
