/*
 * job.c - one scan: its claims, accept list, policy overrides, limits
 * and input, on a resolved copy of its context's configuration; and the
 * one-call scans, which are a job each.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../rules/yara.h"
#include "../io/spool.h"
#include "scan.h"

struct crible_job {
	crible_ctx cfg;		/* the context's configuration, then this job's changes */
	char *name, *declared;
	crible_sink_fn fn;
	void *fnarg;
	struct cr_sink sink;
	bool sinked;		/* a sink is set: the public one (fn) or the engine's (cr_job_set_sink) */
	atomic_int cancel;
	struct cr_spool in;	/* crible_job_write's chunks */
	crible_progress_fn progress;
	void *parg;
	bool writing, over, used;
	char err[256];
};

static crible_err fail(crible_job *j, crible_err e, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static crible_err fail(crible_job *j, crible_err e, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(j->err, sizeof j->err, fmt, ap);
	va_end(ap);
	return e;
}

crible_job *crible_job_new(const crible_ctx *ctx)
{
	if (!ctx)
		return NULL;
	crible_job *j = calloc(1, sizeof *j);
	if (!j)
		return NULL;
	if (cr_cfg_copy(&j->cfg, ctx) != CRIBLE_OK) {
		free(j);
		return NULL;
	}
	cr_spool_init(&j->in);
	atomic_init(&j->cancel, 0);
	return j;
}

void crible_job_free(crible_job *j)
{
	if (!j)
		return;
	cr_cfg_clear(&j->cfg);
	cr_spool_free(&j->in);
	free(j->name);
	free(j->declared);
	free(j);
}

static crible_err set_str(char **dst, const char *v)
{
	char *c = v ? strdup(v) : NULL;
	if (v && !c)
		return CRIBLE_ENOMEM;
	free(*dst);
	*dst = c;
	return CRIBLE_OK;
}

crible_err crible_job_set_name(crible_job *j, const char *name)
{
	return j ? set_str(&j->name, name) : CRIBLE_EINVAL;
}

crible_err crible_job_set_declared_type(crible_job *j, const char *mime)
{
	return j ? set_str(&j->declared, mime) : CRIBLE_EINVAL;
}

crible_err crible_job_set_accept(crible_job *j, const char *list)
{
	return j ? crible_ctx_set_accept(&j->cfg, list) : CRIBLE_EINVAL;
}

crible_err crible_job_set_severity(crible_job *j, const char *id, crible_severity sev)
{
	return j ? crible_ctx_set_severity(&j->cfg, id, sev) : CRIBLE_EINVAL;
}

crible_err crible_job_load_policy(crible_job *j, const char *text, size_t len, int *line)
{
	return j ? crible_ctx_load_policy(&j->cfg, text, len, line) : CRIBLE_EINVAL;
}

crible_err crible_job_set_limit(crible_job *j, crible_limit which, uint64_t v)
{
	return j ? cr_cfg_set_limit(&j->cfg, which, v) : CRIBLE_EINVAL;
}

crible_err crible_job_set_option(crible_job *j, crible_option opt, int on)
{
	return j ? cr_cfg_set_option(&j->cfg, opt, on) : CRIBLE_EINVAL;
}

void crible_job_cancel(crible_job *j)
{
	if (j)
		atomic_store(&j->cancel, 1);
}

const char *crible_job_errmsg(const crible_job *j) { return j ? j->err : "no job"; }

/* --- the sink, in public terms ----------------------------------------- */

static int bridge(void *arg, const struct cr_sink_entry *se)
{
	crible_job *j = arg;
	const struct cr_entry *e = se->e;
	crible_entry pe = {.where = se->where, .nwhere = se->nwhere, .name = e->name, .namelen = e->namelen,
			   .kind = (crible_entry_kind)e->kind, .link = e->link, .linklen = e->link ? e->linklen : 0,
			   .has_mode = e->has_mode, .mode = e->mode, .has_data = se->data != NULL,
			   .size = se->data ? se->data->size : 0, .worst = se->entry_sev,
			   .verdict = (crible_verdict)se->verdict, .depth = se->depth, .internal = se->data};
	return j->fn(j->fnarg, &pe);
}

long long crible_entry_read(const crible_entry *e, uint64_t off, void *buf, size_t n)
{
	if (!e || !e->internal || (!buf && n))
		return -1;
	return (long long)cr_src_read(e->internal, off, buf, n);
}

crible_err crible_job_set_sink(crible_job *j, crible_sink_fn fn, void *arg)
{
	if (!j)
		return CRIBLE_EINVAL;
	j->fn = fn;
	j->fnarg = arg;
	j->sink = (struct cr_sink){bridge, j};
	j->sinked = fn != NULL;
	return CRIBLE_OK;
}

crible_err cr_job_set_sink(crible_job *j, const struct cr_sink *sink)
{
	if (!j || !sink || !sink->fn)
		return CRIBLE_EINVAL;
	j->fn = NULL;
	j->sink = *sink;
	j->sinked = true;
	return CRIBLE_OK;
}

/* --- input -------------------------------------------------------------- */

static crible_err run(crible_job *j, const struct cr_src *src, const char *name, crible_result **out)
{
	if (!out)
		return fail(j, CRIBLE_EINVAL, "no place for the result");
	*out = NULL;
	if (j->used)
		return fail(j, CRIBLE_EINVAL, "a job scans once");
	j->used = true;
	j->err[0] = '\0';
	char why[200] = "";
	crible_err e;
	/* Confined: the whole scan in a broker worker, unless something only this process has must run in it. */
	if (j->cfg.confined && !j->sinked && cr_yara_crosses(j->cfg.yara) && j->cfg.external_readers)
		e = cr_confined_scan(&j->cfg, src, name, j->declared, &j->cancel, out, why, sizeof why);
	else
		e = cr_scan_top_watched(&j->cfg, src, name, j->declared, j->sinked ? &j->sink : NULL, &j->cancel, j->progress,
					j->parg, out);
	switch (e) {
	case CRIBLE_OK:
		break;
	case CRIBLE_EIO:
		if (why[0]) {
			fail(j, e, "%s; nothing was judged clean", why);
			break;
		}
		fail(j, e, "the input could not be read: %s", strerror(errno));
		break;
	case CRIBLE_ECANCELED:
		fail(j, e, "the scan was cancelled; nothing was judged clean");
		break;
	default:
		fail(j, e, "%s", crible_strerror(e));
		break;
	}
	return e;
}

crible_err crible_job_scan_mem(crible_job *j, const void *buf, size_t len, crible_result **out)
{
	if (!j || (!buf && len))
		return CRIBLE_EINVAL;
	static const uint8_t empty[1];
	struct cr_src src = {.size = len, .mem = buf ? buf : empty, .fd = -1};
	return run(j, &src, j->name, out);
}

/*
 * A regular file whose size says 0 may still hold bytes: /proc and /sys
 * files, some FUSE file systems.  Judged as empty, a /proc file full of
 * data would be "allow empty".  It is read to its end instead, through the
 * streaming path (spooled, under CRIBLE_LIMIT_INPUT); a file that really
 * is empty reads nothing and is scanned as it is.
 */
static crible_err scan_sizeless(crible_job *j, int fd, const char *name, crible_result **out)
{
	enum { CHUNK = 65536 };
	uint8_t *buf = malloc(CHUNK);
	if (!buf)
		return fail(j, CRIBLE_ENOMEM, "out of memory");
	uint64_t off = 0;
	crible_err e = CRIBLE_OK;
	for (;;) {
		ssize_t n = pread(fd, buf, CHUNK, (off_t)off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			e = fail(j, CRIBLE_EIO, "cannot read the input: %s", strerror(errno));
			break;
		}
		if (n == 0)
			break;
		if ((e = crible_job_write(j, buf, (size_t)n)) != CRIBLE_OK)
			break;
		off += (uint64_t)n;
	}
	free(buf);
	if (e == CRIBLE_OK && !j->name && name && (e = crible_job_set_name(j, name)) != CRIBLE_OK)
		return e;
	if (e == CRIBLE_OK)
		return crible_job_finish(j, out);
	cr_spool_free(&j->in);
	return e;
}

static crible_err scan_fd_as(crible_job *j, int fd, const char *name, crible_result **out)
{
	struct stat st;
	if (fstat(fd, &st) != 0)
		return fail(j, CRIBLE_EIO, "cannot stat the input: %s", strerror(errno));
	if (S_ISDIR(st.st_mode))
		return fail(j, CRIBLE_EISDIR, "is a directory");
	if (!S_ISREG(st.st_mode))
		return fail(j, CRIBLE_EINVAL, "not a regular file");
	if (st.st_size == 0)
		return scan_sizeless(j, fd, name, out);
	struct cr_src src = {.size = (uint64_t)st.st_size, .mem = NULL, .fd = fd};
	crible_err e = run(j, &src, name, out);
	/*
	 * A file another process truncated, appended to or rewrote during the
	 * scan was judged from a mixture of two versions, or could not be read
	 * to the size it had: it is not judged at all (issue 15).
	 */
	struct stat after;
	if ((e == CRIBLE_OK || e == CRIBLE_EIO) && fstat(fd, &after) == 0 &&
	    (after.st_size != st.st_size || after.st_mtim.tv_sec != st.st_mtim.tv_sec ||
	     after.st_mtim.tv_nsec != st.st_mtim.tv_nsec)) {
		crible_result_free(*out);
		*out = NULL;
		if (after.st_size != st.st_size)
			return fail(j, CRIBLE_ECHANGED, "the file changed while it was read (%lld bytes, then %lld): not judged",
				    (long long)st.st_size, (long long)after.st_size);
		return fail(j, CRIBLE_ECHANGED, "the file changed while it was read (it was written to): not judged");
	}
	return e;
}

crible_err crible_job_scan_fd(crible_job *j, int fd, crible_result **out)
{
	if (!j || fd < 0)
		return CRIBLE_EINVAL;
	return scan_fd_as(j, fd, j->name, out);
}

crible_err crible_job_scan_path(crible_job *j, const char *path, crible_result **out)
{
	if (!j || !path)
		return CRIBLE_EINVAL;
	/* O_NONBLOCK: opening a FIFO must not hang the scan; fstat then refuses it. */
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0) {
		int e = errno;
		return fail(j, e == EISDIR ? CRIBLE_EISDIR : CRIBLE_EIO, "%s: %s", path, strerror(e));
	}
	crible_err e = scan_fd_as(j, fd, j->name ? j->name : path, out);
	int saved = errno;
	close(fd);
	errno = saved;
	return e;
}

crible_err crible_job_write(crible_job *j, const void *buf, size_t len)
{
	if (!j || (!buf && len) || j->used)
		return j ? fail(j, CRIBLE_EINVAL, "a job scans once, and this one has") : CRIBLE_EINVAL;
	if (j->over)
		return fail(j, CRIBLE_ELIMIT, "the input passed its limit of %llu bytes",
			    (unsigned long long)j->cfg.lim.max_input);
	j->writing = true;
	if (j->cfg.lim.max_input && (len > j->cfg.lim.max_input || j->in.size > j->cfg.lim.max_input - len)) {
		j->over = true;
		return fail(j, CRIBLE_ELIMIT, "the input passed its limit of %llu bytes",
			    (unsigned long long)j->cfg.lim.max_input);
	}
	if (cr_spool_write(&j->in, buf, len) != 0)
		return fail(j, errno == ENOMEM ? CRIBLE_ENOMEM : CRIBLE_EIO, "cannot keep the input: %s",
			    strerror(errno));
	return CRIBLE_OK;
}

crible_err crible_job_finish(crible_job *j, crible_result **out)
{
	if (!j)
		return CRIBLE_EINVAL;
	if (j->over)
		return fail(j, CRIBLE_ELIMIT, "the input passed its limit of %llu bytes",
			    (unsigned long long)j->cfg.lim.max_input);
	struct cr_src src;
	cr_spool_src(&j->in, &src);
	crible_err e = run(j, &src, j->name, out);
	cr_spool_free(&j->in);
	return e;
}

/* --- extraction ---------------------------------------------------------- */

crible_err crible_job_set_progress(crible_job *j, crible_progress_fn fn, void *arg)
{
	if (!j)
		return CRIBLE_EINVAL;
	j->progress = fn;
	j->parg = arg;
	return CRIBLE_OK;
}

crible_err crible_job_extract(crible_job *j, int fd, int dirfd, unsigned flags, crible_result **out)
{
	if (!j || fd < 0 || dirfd < 0 || !out || (flags & ~(unsigned)(CRIBLE_X_SANITIZE | CRIBLE_X_WINDOWS | CRIBLE_X_HASH)))
		return j ? fail(j, CRIBLE_EINVAL, "bad argument") : CRIBLE_EINVAL;
	*out = NULL;
	if (j->used)
		return fail(j, CRIBLE_EINVAL, "a job scans once");
	if (j->sinked)
		return fail(j, CRIBLE_EINVAL, "extraction is the job's sink: no other sink may be set");
	struct stat st, dst;
	if (fstat(fd, &st) != 0)
		return fail(j, CRIBLE_EIO, "cannot stat the archive: %s", strerror(errno));
	if (S_ISDIR(st.st_mode))
		return fail(j, CRIBLE_EISDIR, "is a directory");
	if (!S_ISREG(st.st_mode))
		return fail(j, CRIBLE_EINVAL, "not a regular file");
	if (fstat(dirfd, &dst) != 0 || !S_ISDIR(dst.st_mode))
		return fail(j, CRIBLE_EINVAL, "the destination is not a folder");
	j->used = true;
	j->err[0] = '\0';
	struct cr_src src = {.size = (uint64_t)st.st_size, .mem = NULL, .fd = fd};
	char why[200];
	crible_err e = cr_extract(&j->cfg, &src, j->name, j->declared, &j->cancel, dirfd, flags, j->progress, j->parg,
				  out, why, sizeof why);
	switch (e) {
	case CRIBLE_OK:
		break;
	case CRIBLE_EIO:
		if (why[0]) {
			fail(j, e, "%s; nothing was written", why);
			break;
		}
		fail(j, e, "the archive could not be read, or the staging folder made: %s", strerror(errno));
		break;
	case CRIBLE_ECANCELED:
		fail(j, e, "the extraction was cancelled; nothing was written");
		break;
	default:
		fail(j, e, "%s", crible_strerror(e));
		break;
	}
	return e;
}

/* --- one-call scans ----------------------------------------------------- */

static crible_job *oneshot(const crible_ctx *ctx, const char *name, const char *declared)
{
	crible_job *j = crible_job_new(ctx);
	if (j && (crible_job_set_name(j, name) != CRIBLE_OK || crible_job_set_declared_type(j, declared) != CRIBLE_OK)) {
		crible_job_free(j);
		return NULL;
	}
	return j;
}

crible_err crible_scan_mem(const crible_ctx *ctx, const void *buf, size_t len, const char *name,
			   const char *declared_type, crible_result **out)
{
	if (!ctx || !out || (!buf && len))
		return CRIBLE_EINVAL;
	*out = NULL;
	crible_job *j = oneshot(ctx, name, declared_type);
	if (!j)
		return CRIBLE_ENOMEM;
	crible_err e = crible_job_scan_mem(j, buf, len, out);
	crible_job_free(j);
	return e;
}

crible_err crible_scan_fd(const crible_ctx *ctx, int fd, const char *name, const char *declared_type,
			  crible_result **out)
{
	if (!ctx || !out || fd < 0)
		return CRIBLE_EINVAL;
	*out = NULL;
	crible_job *j = oneshot(ctx, name, declared_type);
	if (!j)
		return CRIBLE_ENOMEM;
	crible_err e = crible_job_scan_fd(j, fd, out);
	int saved = errno;
	crible_job_free(j);
	errno = saved;
	return e;
}

crible_err crible_scan_path(const crible_ctx *ctx, const char *path, const char *declared_type,
			    crible_result **out)
{
	if (!ctx || !path || !out)
		return CRIBLE_EINVAL;
	*out = NULL;
	crible_job *j = oneshot(ctx, NULL, declared_type);
	if (!j)
		return CRIBLE_ENOMEM;
	crible_err e = crible_job_scan_path(j, path, out);
	int saved = errno;
	crible_job_free(j);
	errno = saved;
	return e;
}
