/*
 * server.h - crible serve: the supervisor.
 *
 * The supervisor owns the listening sockets and the connections; it
 * reads requests and bodies, never file content: every scan runs in a
 * sandboxed broker worker (CRIBLE_OPT_CONFINED), so a reader that
 * crashes or loops costs one request, answered as an error.  One thread
 * per connection reads with deadlines, so a slow client holds a thread,
 * never a worker; scans wait for one of max_scans slots, at most
 * queue_ms, then are answered as overloaded.
 */
#ifndef CRIBLE_DAEMON_SERVER_H
#define CRIBLE_DAEMON_SERVER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "crible.h"

#define SERVE_MAX_LISTEN 8

struct serve_cfg {
	const char *config;		/* the file it was read from, for RELOAD and SIGHUP; NULL: none */
	char *clamd[SERVE_MAX_LISTEN];	/* HOST:PORT to listen on with the clamd protocol */
	size_t nclamd;
	char *clamd_socket;		/* a unix socket path, or NULL */
	char *icap[SERVE_MAX_LISTEN];	/* HOST:PORT to listen on with ICAP */
	size_t nicap;
	char *http[SERVE_MAX_LISTEN];	/* HOST:PORT to listen on with HTTP */
	size_t nhttp;
	char *http_token;		/* bearer token the HTTP API requires, or NULL */
	uint64_t stream_max;		/* INSTREAM bytes (StreamMaxLength) */
	unsigned max_scans;		/* scans at once */
	unsigned max_conns;		/* connections at once */
	unsigned queue_ms;		/* how long a scan waits for a slot */
	unsigned command_ms;		/* idle time allowed between commands */
	unsigned read_ms;		/* time allowed for each read of a body */
	bool warn_found;		/* a warn verdict answers FOUND, not OK */
	char *policy;			/* a policy file, or NULL */
	char *accept;			/* an accept list, or NULL */
	char *rules;			/* YARA rules: a .yar file or a directory of them, or NULL */
	uint64_t scan_ms;		/* the time limit of one scan */
};

/* Defaults: 127.0.0.1:3310, 100 MiB streams, 2 scans per core, 256 connections. */
void serve_cfg_defaults(struct serve_cfg *c);
/* Reads a config file into c ("key value" or "key = value" lines, '#' comments); -1 with a message on stderr. */
int serve_cfg_load(struct serve_cfg *c, const char *path);
void serve_cfg_free(struct serve_cfg *c);

/* One scan request, from any protocol. */
struct serve_req {
	const char *proto;		/* "clamd", "icap" */
	const char *peer;		/* ip@port or "unix" */
	const char *cmd;		/* INSTREAM, RESPMOD, ... */
	const char *name;		/* what the reply and the log call it */
	const char *name_claim;		/* the name the object claims (its extension is judged), or NULL */
	const char *declared;		/* the Content-Type it claims, or NULL */
	const char *accept;		/* this request's accept list (HTTP accept=), or NULL: the configuration's */
	int fd;				/* the bytes: a descriptor, */
	const char *path;		/* or a path on this host, */
	const void *mem;		/* or memory */
	size_t len;
};

/*
 * Scans in a sandboxed worker, under a scan slot (waiting at most
 * queue_ms), and logs the request.  0 with *out, or -1 with err (the
 * worker failed, overloaded): never a result then.
 */
int serve_scan(const struct serve_req *q, crible_result **out, char *err, size_t errlen);
/* Whether a warn verdict answers FOUND (the current configuration). */
bool serve_warn_found(void);
/* The ICAP service tag: the version and a digest of what decides verdicts (changes on a reload that changes them). */
const char *serve_istag(void);
/* The largest body judged (stream_max), and the connection cap. */
uint64_t serve_stream_max(void);
unsigned serve_max_conns(void);
/* The HTTP bearer token, or NULL. */
const char *serve_http_token(void);
/* Whether a scan can start now: the broker answers and a slot is free. */
bool serve_ready(void);
/* The metrics in Prometheus text format (malloc'd). */
char *serve_metrics(void);
/* "ip@port" of a socket address (NULL: "?"). */
struct sockaddr;
void serve_peer_name(const struct sockaddr *sa, char *out, size_t len);

/* Sends all of p[0..n) on a socket (MSG_NOSIGNAL, EINTR retried); 0, or -1. */
int serve_send_all(int fd, const void *p, size_t n);

/*
 * A request body, held once: in memory (a memfd) while it is small, in
 * an unlinked file under $TMPDIR once past SERVE_BODY_MEM (a file on
 * disk cost every small request an inode, and 256 connections at once
 * hold at most 256 MiB of small bodies).  The worker reads fd.
 */
#define SERVE_BODY_MEM (1u << 20)
struct serve_body {
	int fd;
	uint64_t len;
	bool on_disk;
};
/* 0, or -1 with errno. */
int serve_body_open(struct serve_body *b);
/* Appends n bytes; 0, or -1 with errno (the body is then unusable). */
int serve_body_append(struct serve_body *b, const void *p, size_t n);
void serve_body_close(struct serve_body *b);

/* Runs until SIGTERM, SIGINT or SHUTDOWN; the exit status. */
int serve_run(struct serve_cfg *c);

#endif
