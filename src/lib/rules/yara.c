/*
 * yara.c - rule.yara: the user's YARA rules (libyara), on every object a
 * scan judges, children included.
 *
 * Rules are compiled once per context (a .yar or .yara file, or every
 * such file of a directory, each in its own namespace named after it) and
 * shared by the scans that run on it.  A compile error is the caller's to
 * report, with file and line; the rules already loaded stay.
 *
 * Each object is matched where its bytes are: in memory, or through its
 * descriptor when it is a whole file; a slice of a file is read into
 * memory first (up to 256 MiB: past that, container.uninspected says the
 * rules did not see it).  The match has the scan's remaining time, at
 * most a minute; past it, limit.time.  A rule's meta "severity" (low,
 * medium, high, or 1-3) sets the finding's severity; high otherwise.
 */
#include "yara.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <openssl/evp.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <yara.h>

#include "../core/scan.h"

#define MAX_SLICE (256ull << 20)
#define MAX_TIMEOUT_S 60

struct cr_yara {
	YR_RULES *rules;
	int fd;			/* the saved rules (sealed memfd), or -1 */
	uint8_t digest[32];	/* SHA-256 of its bytes */
};

static pthread_once_t once = PTHREAD_ONCE_INIT;
static int init_rc;
static void init(void) { init_rc = yr_initialize(); }

struct compile_err {
	char *msg;
	const char *file;
};

static void on_error(int level, const char *file, int line, const YR_RULE *rule, const char *message, void *user)
{
	(void)rule;
	struct compile_err *ce = user;
	if (level != YARA_ERROR_LEVEL_ERROR || ce->msg)
		return;
	size_t n = strlen(message) + strlen(ce->file) + 64;
	ce->msg = malloc(n);
	if (ce->msg)
		snprintf(ce->msg, n, "%s:%d: %s", file ? file : ce->file, line, message);
}

static bool add_file(YR_COMPILER *c, const char *path, const char *ns, struct compile_err *ce)
{
	FILE *f = fopen(path, "r");
	if (!f) {
		size_t n = strlen(path) + 64;
		if ((ce->msg = malloc(n)))
			snprintf(ce->msg, n, "%s: cannot be read", path);
		return false;
	}
	ce->file = path;
	int errors = yr_compiler_add_file(c, f, ns, path);
	fclose(f);
	return errors == 0;
}

static bool rule_ext(const char *n)
{
	size_t l = strlen(n);
	return (l > 4 && !strcmp(n + l - 4, ".yar")) || (l > 5 && !strcmp(n + l - 5, ".yara"));
}

static int cmp_str(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

static void save(struct cr_yara *y);

crible_err cr_yara_compile(const char *path, struct cr_yara **out, char **err)
{
	*out = NULL;
	if (err)
		*err = NULL;
	pthread_once(&once, init);
	if (init_rc != ERROR_SUCCESS)
		return CRIBLE_ENOMEM;
	YR_COMPILER *c;
	if (yr_compiler_create(&c) != ERROR_SUCCESS)
		return CRIBLE_ENOMEM;
	struct compile_err ce = {.file = path};
	yr_compiler_set_callback(c, on_error, &ce);
	struct stat st;
	bool ok = true;
	if (stat(path, &st) != 0) {
		size_t n = strlen(path) + 64;
		if ((ce.msg = malloc(n)))
			snprintf(ce.msg, n, "%s: no such file or directory", path);
		ok = false;
	} else if (S_ISDIR(st.st_mode)) {
		/* Every .yar and .yara of the directory, in name order, each its own namespace. */
		DIR *d = opendir(path);
		char **names = NULL;
		size_t nn = 0, cap = 0;
		struct dirent *de;
		while (d && (de = readdir(d)) != NULL) {
			if (!rule_ext(de->d_name))
				continue;
			if (nn == cap) {
				cap = cap ? cap * 2 : 16;
				char **nw = realloc(names, cap * sizeof *names);
				if (!nw)
					break;
				names = nw;
			}
			names[nn] = strdup(de->d_name);
			if (names[nn])
				nn++;
		}
		if (d)
			closedir(d);
		qsort(names, nn, sizeof *names, cmp_str);
		if (nn == 0) {
			size_t n = strlen(path) + 64;
			if ((ce.msg = malloc(n)))
				snprintf(ce.msg, n, "%s: no .yar or .yara file in it", path);
			ok = false;
		}
		for (size_t i = 0; i < nn && ok; i++) {
			size_t n = strlen(path) + strlen(names[i]) + 2;
			char *full = malloc(n);
			if (!full) {
				ok = false;
				break;
			}
			snprintf(full, n, "%s/%s", path, names[i]);
			ok = add_file(c, full, names[i], &ce);
			free(full);
		}
		for (size_t i = 0; i < nn; i++)
			free(names[i]);
		free(names);
	} else {
		const char *base = strrchr(path, '/');
		ok = add_file(c, path, base ? base + 1 : path, &ce);
	}
	YR_RULES *rules = NULL;
	if (ok && yr_compiler_get_rules(c, &rules) != ERROR_SUCCESS)
		ok = false;
	yr_compiler_destroy(c);
	if (!ok) {
		if (err)
			*err = ce.msg ? ce.msg : strdup("the rules could not be compiled");
		else
			free(ce.msg);
		return CRIBLE_ERULES;
	}
	free(ce.msg);
	struct cr_yara *y = malloc(sizeof *y);
	if (!y) {
		yr_rules_destroy(rules);
		return CRIBLE_ENOMEM;
	}
	y->rules = rules;
	y->fd = -1;
	save(y);
	*out = y;
	return CRIBLE_OK;
}

void cr_yara_free(struct cr_yara *y)
{
	if (!y)
		return;
	yr_rules_destroy(y->rules);
	if (y->fd >= 0)
		close(y->fd);
	free(y);
}

/* --- the rules across the broker ------------------------------------------- */

#define MAX_SAVED (512ull << 20)

struct wstream {
	int fd;
	EVP_MD_CTX *md;
	bool bad;
};

static size_t w_write(const void *p, size_t size, size_t count, void *user)
{
	struct wstream *w = user;
	size_t n = size * count;
	for (size_t off = 0; off < n && !w->bad;) {
		ssize_t k = write(w->fd, (const char *)p + off, n - off);
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			w->bad = true;
		else
			off += (size_t)k;
	}
	if (!w->bad && !EVP_DigestUpdate(w->md, p, n))
		w->bad = true;
	return w->bad ? 0 : count;
}

/* Saves the rules into a sealed memfd; on any failure y->fd stays -1 (scans then stay in process). */
static void save(struct cr_yara *y)
{
	struct wstream w = {.fd = memfd_create("crible-yara", MFD_CLOEXEC | MFD_ALLOW_SEALING), .md = EVP_MD_CTX_new()};
	unsigned dl = 0;
	bool ok = w.fd >= 0 && w.md && EVP_DigestInit_ex(w.md, EVP_sha256(), NULL);
	if (ok) {
		YR_STREAM st = {.user_data = &w, .write = w_write};
		ok = yr_rules_save_stream(y->rules, &st) == ERROR_SUCCESS && !w.bad &&
		     EVP_DigestFinal_ex(w.md, y->digest, &dl) && dl == 32 &&
		     fcntl(w.fd, F_ADD_SEALS, F_SEAL_WRITE | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_SEAL) == 0;
	}
	EVP_MD_CTX_free(w.md);
	if (!ok && w.fd >= 0) {
		close(w.fd);
		w.fd = -1;
	}
	y->fd = w.fd;
}

int cr_yara_fd(const struct cr_yara *y, uint8_t digest[32])
{
	if (!y || y->fd < 0)
		return -1;
	memcpy(digest, y->digest, 32);
	return y->fd;
}

bool cr_yara_crosses(const struct cr_yara *y) { return !y || y->fd >= 0; }

struct rstream {
	const uint8_t *p;
	size_t len, off;
};

static size_t r_read(void *p, size_t size, size_t count, void *user)
{
	struct rstream *r = user;
	if (size == 0 || count > (r->len - r->off) / size)
		return 0;
	memcpy(p, r->p + r->off, size * count);
	r->off += size * count;
	return count;
}

crible_err cr_yara_load(int fd, const uint8_t digest[32], struct cr_yara **out)
{
	*out = NULL;
	pthread_once(&once, init);
	if (init_rc != ERROR_SUCCESS)
		return CRIBLE_ENOMEM;
	struct stat st;
	if (fstat(fd, &st) != 0 || st.st_size <= 0 || (uint64_t)st.st_size > MAX_SAVED)
		return CRIBLE_EIO;
	size_t len = (size_t)st.st_size;
	uint8_t *buf = malloc(len);
	if (!buf)
		return CRIBLE_ENOMEM;
	crible_err e = CRIBLE_EIO;
	uint8_t d[32];
	unsigned dl = 0;
	if (pread(fd, buf, len, 0) == (ssize_t)len && EVP_Digest(buf, len, d, &dl, EVP_sha256(), NULL) && dl == 32 &&
	    !memcmp(d, digest, 32)) {
		struct rstream r = {buf, len, 0};
		YR_STREAM s = {.user_data = &r, .read = r_read};
		YR_RULES *rules = NULL;
		struct cr_yara *y = malloc(sizeof *y);
		if (y && yr_rules_load_stream(&s, &rules) == ERROR_SUCCESS) {
			y->rules = rules;
			y->fd = -1;
			memcpy(y->digest, digest, 32);
			*out = y;
			e = CRIBLE_OK;
		} else {
			e = y ? CRIBLE_EIO : CRIBLE_ENOMEM;
			free(y);
		}
	}
	free(buf);
	return e;
}

static int severity_of(const YR_RULE *r)
{
	const YR_META *m;
	yr_rule_metas_foreach(r, m)
	{
		if (strcmp(m->identifier, "severity") != 0)
			continue;
		if (m->type == META_TYPE_INTEGER)
			return m->integer <= 1 ? CRIBLE_SEV_LOW : m->integer == 2 ? CRIBLE_SEV_MEDIUM : CRIBLE_SEV_HIGH;
		if (m->type == META_TYPE_STRING && m->string) {
			if (!strcasecmp(m->string, "low") || !strcasecmp(m->string, "info"))
				return CRIBLE_SEV_LOW;
			if (!strcasecmp(m->string, "medium"))
				return CRIBLE_SEV_MEDIUM;
		}
		return CRIBLE_SEV_HIGH;
	}
	return -1;
}

static int on_match(YR_SCAN_CONTEXT *ctx, int msg, void *data, void *user)
{
	(void)ctx;
	if (msg == CALLBACK_MSG_RULE_MATCHING) {
		const YR_RULE *r = data;
		cr_emit(user, F_RULE_YARA, severity_of(r), "%s:%s", r->ns && r->ns->name ? r->ns->name : "default",
			r->identifier);
	}
	return CALLBACK_CONTINUE;
}

void cr_rules_yara(struct cr_scan *s, const struct cr_obj *o)
{
	const struct cr_yara *y = s->ctx->yara;
	/* Past the deadline (a pass before it was cut) the rules are not started. */
	if (!y || cr_stopped(s))
		return;
	/* The scan's remaining time, at least a second, at most a minute. */
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	uint64_t ns = (uint64_t)now.tv_sec * 1000000000ull + (uint64_t)now.tv_nsec;
	uint64_t dl = s->bud ? s->bud->deadline_ns : 0;
	uint64_t left = dl > ns ? (dl - ns) / 1000000000ull : dl ? 0 : MAX_TIMEOUT_S;
	int timeout = left < 1 ? 1 : left > MAX_TIMEOUT_S ? MAX_TIMEOUT_S : (int)left;
	const struct cr_src *src = o->src;
	int rc;
	if (src->mem) {
		rc = yr_rules_scan_mem(y->rules, src->mem, (size_t)src->size, 0, on_match, s, timeout);
	} else if (src->base == 0) {
		struct stat st;
		if (fstat(src->fd, &st) == 0 && (uint64_t)st.st_size == src->size)
			rc = yr_rules_scan_fd(y->rules, src->fd, 0, on_match, s, timeout);
		else
			goto slice;
	} else {
	slice:
		if (src->size > MAX_SLICE) {
			cr_emit(s, F_CONTAINER_UNINSPECTED, -1, "larger than %llu MiB: the YARA rules did not see it",
				(unsigned long long)(MAX_SLICE >> 20));
			return;
		}
		uint8_t *b = malloc(src->size ? (size_t)src->size : 1);
		if (!b) {
			s->err = CRIBLE_ENOMEM;
			return;
		}
		if (cr_src_read(src, 0, b, (size_t)src->size) != (ssize_t)src->size) {
			free(b);
			s->err = CRIBLE_EIO;
			return;
		}
		rc = yr_rules_scan_mem(y->rules, b, (size_t)src->size, 0, on_match, s, timeout);
		free(b);
	}
	if (rc == ERROR_SCAN_TIMEOUT)
		cr_emit(s, F_LIMIT_TIME, -1, "the YARA rules ran past %d s on this object: it was not fully matched",
			timeout);
	else if (rc == ERROR_INSUFFICIENT_MEMORY)
		s->err = CRIBLE_ENOMEM;
	else if (rc != ERROR_SUCCESS)
		cr_emit(s, F_CONTAINER_UNINSPECTED, -1, "the YARA rules could not be run on it (error %d)", rc);
}
