/*
 * clamd.h - the clamd protocol, as clamd 1.4 speaks it
 * (shared/research/peers.md §1): command records and their framing,
 * and the names crible's findings take in FOUND replies.  Pure
 * functions: the supervisor (server.c) does the I/O.
 *
 * A record starts with its framing: 'z' (ends at NUL, replies end with
 * NUL), 'n' (ends at '\n', replies too), or none (legacy: ends at '\n',
 * only for the commands clamd accepts unprefixed).  Commands match by
 * name, table order, as clamd's parse_command does: VERSIONCOMMANDS
 * before VERSION; a command with an argument takes it after one space;
 * a command without one must end there.
 */
#ifndef CRIBLE_DAEMON_CLAMD_H
#define CRIBLE_DAEMON_CLAMD_H

#include <stdbool.h>
#include <stddef.h>

#include "crible.h"

enum clamd_cmd {
	CL_UNKNOWN = 0,
	CL_SCAN, CL_QUIT, CL_RELOAD, CL_PING, CL_CONTSCAN, CL_VERSIONCOMMANDS, CL_VERSION, CL_END, CL_SHUTDOWN,
	CL_MULTISCAN, CL_FILDES, CL_STATS, CL_IDSESSION, CL_INSTREAM, CL_DETSTATSCLEAR, CL_DETSTATS, CL_ALLMATCHSCAN,
	CL_NCMDS
};

enum clamd_frame { FR_LEGACY = 0, FR_Z, FR_N };

struct clamd_req {
	enum clamd_cmd cmd;
	enum clamd_frame frame;
	const char *arg;	/* the argument (SCAN's path), NUL-terminated inside the record; NULL when none */
};

/* The largest command record (clamd: PATH_MAX + 8). */
#define CLAMD_MAX_RECORD (4096 + 8)

/*
 * Where the record in buf[0..len) ends: the index of its terminator, or
 * -1 when more bytes are needed (a NUL for 'z', a newline otherwise).
 */
long clamd_record_end(const char *buf, size_t len);

/*
 * Parses one record buf[0..end) (end: the terminator's index; the record
 * is modified: the terminator becomes NUL).  Returns the command, with
 * CL_UNKNOWN for an unknown or malformed one, and legacy framing for the
 * commands that must be prefixed.
 */
struct clamd_req clamd_parse(char *buf, size_t end);

/* The command's name as VERSIONCOMMANDS lists it. */
const char *clamd_cmd_name(enum clamd_cmd c);

/* The terminator replies take: '\0' for 'z', '\n' otherwise. */
static inline char clamd_term(enum clamd_frame f) { return f == FR_Z ? '\0' : '\n'; }

/*
 * The name a finding id takes in a FOUND reply, stable and documented
 * (docs/serve.md): "Crible." then each part capitalised, a '-' dropped
 * and the next letter capitalised: path.ads -> Crible.Path.Ads,
 * zip.name-mismatch -> Crible.Zip.NameMismatch.  Writes into out.
 */
void clamd_finding_name(const char *id, char *out, size_t outlen);

/*
 * The finding a FOUND reply names for r: the first listed one of the
 * verdict's severity (high for block; medium too when warn_found).
 * NULL when the reply is OK.
 */
const crible_finding *clamd_found(const crible_result *r, bool warn_found);

#endif
