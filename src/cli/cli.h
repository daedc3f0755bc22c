/* cli.h - the crible command's pieces. */
#ifndef CRIBLE_CLI_H
#define CRIBLE_CLI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "crible.h"

/* Exit statuses of `crible scan` (shared/spec/findings.md). */
enum { EXIT_CLEAN = 0, EXIT_BLOCKED = 1, EXIT_ERROR = 2 };

struct input {
	char *path;		/* what to open; NULL for standard input */
	char *display;		/* the path as shown in the report */
	int err;		/* errno from the walk, 0 when fine */
	int lazy;		/* not stat'ed: may turn out to be a directory */
	int deep;		/* a directory past MAX_WALK_DEPTH: not followed (err is ELOOP) */
	char **vols;		/* RAR volumes given with this one, in order: scanned end to end after it */
	size_t nvols;
};

struct inputs {
	struct input *v;
	size_t n, cap;
};

/* Adds path: a file, a directory walked recursively in name order, or "-". Returns 0 or -1 (ENOMEM). */
int walk_add(struct inputs *in, const char *path);
/* Directories nested deeper than this below a path are not followed. */
#define MAX_WALK_DEPTH 256
#define CR_STR_(x) #x
#define CR_STR(x) CR_STR_(x)
/* Why an input could not be read: strerror, or the walk's own reasons. */
const char *input_strerror(const struct input *in);
/* Adds path as it is, without looking at it (--files-from). */
int walk_push(struct inputs *in, const char *path);
void inputs_free(struct inputs *in);
/* Finds the RAR volume sets among the inputs (volumes.c); 0, or -1 on ENOMEM. */
int volumes_find(struct inputs *in);

int cmd_scan(int argc, char **argv);
int cmd_extract(int argc, char **argv);
int cmd_diff(int argc, char **argv);
int cmd_explain(int argc, char **argv);
int cmd_serve(int argc, char **argv);

/* options.c: what scan and extract share.  Each prints its own error and returns -1. */
int parse_u64(const char *s, uint64_t *out);
int opt_policy(crible_ctx *ctx, const char *file);	/* --policy FILE */
int opt_severity(crible_ctx *ctx, char *arg);		/* --severity ID=SEV */
int opt_rules(crible_ctx *ctx, const char *path);	/* --rules PATH */

/* progress.c: the progress line on a terminal's stderr (NULL, and every call a no-op, elsewhere). */
struct progress;
struct progress *progress_new(void);
void progress_free(struct progress *p);
void progress_current(struct progress *p, const char *display);		/* any thread */
void progress_draw(struct progress *p, uint64_t files, uint64_t bytes);	/* under the print lock */
void progress_wipe(struct progress *p);					/* under the print lock */
/* --color WORD (options.c): checks the word (-1 after an error message); whether to colour fd (NULL: auto). */
int opt_color(const char *arg);
bool color_on(const char *arg, int fd);

#endif
