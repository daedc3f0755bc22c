/*
 * tree.c - one side of a diff as a tree of entries.
 *
 * An archive is scanned by the engine with a sink (one walk: its entries
 * are judged by every scan rule while the tree is filled).  The tree's
 * entries are those of the first container that is not a compression
 * stream: a .tgz's TAR, a .whl's ZIP; for a .deb, data.tar's entries,
 * and control.tar's in a tree of their own.  Deeper entries (a JAR in
 * the package) are left to the scan.
 *
 * A folder (a checkout) is walked beneath its descriptor without
 * following links; ".git" is skipped wherever it is.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../core/findings.h"
#include "../core/scan.h"
#include "../io/source.h"
#include "diff.h"

#define DIR_DEPTH 256

/* Copies name[0, n) as a tree path: cut at a NUL, "./" and leading '/' dropped, "//" and "/./" folded. */
static char *norm_path(const uint8_t *name, size_t n, bool *nul)
{
	const uint8_t *z = memchr(name, 0, n);
	*nul = z != NULL;
	if (z)
		n = (size_t)(z - name);
	char *o = malloc(n + 1);
	if (!o)
		return NULL;
	size_t k = 0;
	for (size_t i = 0; i < n;) {
		size_t j = i;
		while (j < n && name[j] != '/')
			j++;
		size_t l = j - i;
		if (l && !(l == 1 && name[i] == '.')) {
			if (k)
				o[k++] = '/';
			memcpy(o + k, name + i, l);
			k += l;
		}
		i = j + 1;
	}
	o[k] = '\0';
	return o;
}

static struct cr_dent *add(struct cr_dtree *t)
{
	if (t->n == t->cap) {
		if (t->n >= CR_DIFF_MAX_ENTRIES)
			return NULL;
		size_t c = t->cap ? t->cap * 2 : 64;
		struct cr_dent *ne = reallocarray(t->e, c, sizeof *ne);
		if (!ne)
			return NULL;
		t->e = ne;
		t->cap = c;
	}
	struct cr_dent *e = &t->e[t->n++];
	memset(e, 0, sizeof *e);
	e->order = t->n - 1;
	return e;
}

static void incomplete(struct cr_dtree *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void incomplete(struct cr_dtree *t, const char *fmt, ...)
{
	if (!t->incomplete) {
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(t->why, sizeof t->why, fmt, ap);
		va_end(ap);
	}
	t->incomplete = true;
}

/*
 * Hashes the data through read (a source or a descriptor), keeping the
 * first bytes and, within the tree's budget, the whole of it.
 */
typedef ssize_t (*read_fn)(void *arg, uint64_t off, void *buf, size_t n);

static bool take_data(struct cr_dtree *t, struct cr_dent *e, uint64_t size, read_fn rd, void *arg)
{
	e->has_data = true;
	e->size = size;
	/* The path may still carry the top folder: its build file names are judged by their last part. */
	uint64_t cap = cr_eco_is_build_script(e->path) || cr_eco_is_build_script(cr_dbase(e->path)) ? CR_DIFF_KEEP_BUILD
												 : CR_DIFF_KEEP;
	bool keep = size <= cap && t->kept + size <= CR_DIFF_KEEP_TOTAL;
	if (keep && size && !(e->body = malloc((size_t)size)))
		keep = false;
	EVP_MD_CTX *md = EVP_MD_CTX_new(), *m5 = t->deb ? EVP_MD_CTX_new() : NULL;
	bool ok = md && EVP_DigestInit_ex(md, EVP_sha256(), NULL) && (!t->deb || (m5 && EVP_DigestInit_ex(m5, EVP_md5(), NULL)));
	enum { STEP = 65536 };
	uint8_t *buf = malloc(STEP);
	ok = ok && buf;
	uint64_t off = 0;
	while (ok && off < size) {
		size_t want = size - off < STEP ? (size_t)(size - off) : STEP;
		ssize_t got = rd(arg, off, buf, want);
		if (got <= 0) {
			ok = false;
			break;
		}
		if (off < sizeof e->head) {
			size_t h = (size_t)got < sizeof e->head - off ? (size_t)got : sizeof e->head - (size_t)off;
			memcpy(e->head + off, buf, h);
			e->headlen = (size_t)off + h;
		}
		if (e->body)
			memcpy(e->body + off, buf, (size_t)got);
		ok = EVP_DigestUpdate(md, buf, (size_t)got) && (!m5 || EVP_DigestUpdate(m5, buf, (size_t)got));
		off += (uint64_t)got;
	}
	unsigned dl = 0, ml = 0;
	ok = ok && EVP_DigestFinal_ex(md, e->sha, &dl) && dl == 32;
	if (ok && m5) {
		ok = EVP_DigestFinal_ex(m5, e->md5, &ml) && ml == 16;
		e->has_md5 = ok;
	}
	EVP_MD_CTX_free(md);
	EVP_MD_CTX_free(m5);
	free(buf);
	if (!ok) {
		free(e->body);
		e->body = NULL;
		e->has_data = false;
		return false;
	}
	if (e->body) {
		e->bodylen = (size_t)size;
		t->kept += (size_t)size;
	}
	return true;
}

/* --- an archive, through the engine's walk -------------------------------- */

struct fill {
	struct cr_dtree *t;
	crible_err err;
};

static ssize_t src_read(void *arg, uint64_t off, void *buf, size_t n)
{
	const struct cr_src *s = arg;
	if (s->mem) {
		if (off > s->size || n > s->size - off)
			return -1;
		memcpy(buf, s->mem + off, n);
		return (ssize_t)n;
	}
	return cr_src_read(s, off, buf, n);
}

static bool is_tar(enum cr_tid t)
{
	return t == T_TAR || t == T_TAR_GNU || t == T_TAR_PAX || t == T_TAR_V7 || t == T_NPM || t == T_CRATE;
}

static void layout_add(struct cr_dtree *t, enum cr_tid type)
{
	const struct cr_type *ty = cr_type_get(type);
	size_t l = strlen(t->layout);
	snprintf(t->layout + l, sizeof t->layout - l, "%s%s", l ? " > " : "", ty->name);
}

static bool same_chain(const struct cr_dtree *t, const struct cr_sink_entry *se, size_t upto)
{
	if (se->nwhere < upto || t->nchain < upto)
		return false;
	for (size_t i = 0; i < upto; i++)
		if (strcmp(t->chain[i], se->where[i]) != 0)
			return false;
	return true;
}

static int record(struct cr_dtree *t, const struct cr_sink_entry *se)
{
	const struct cr_entry *ce = se->e;
	struct cr_dent *e = add(t);
	if (!e) {
		incomplete(t, "%s", t->n >= CR_DIFF_MAX_ENTRIES ? "more entries than crible diff compares" : "out of memory");
		return 0;
	}
	if (!(e->path = norm_path(ce->name, ce->namelen, &e->nul_name))) {
		t->n--;
		return -1;
	}
	e->kind = (crible_entry_kind)ce->kind;
	e->has_mode = ce->has_mode;
	e->mode = ce->mode;
	e->has_time = ce->has_time;
	e->mtime = ce->mtime;
	e->has_owner = ce->has_owner;
	e->uid = ce->uid;
	e->gid = ce->gid;
	if (ce->link) {
		if (!(e->link = malloc(ce->linklen + 1)))
			return -1;
		memcpy(e->link, ce->link, ce->linklen);
		e->link[ce->linklen] = '\0';
	}
	/*
	 * The walker's notes on the entry (one only some readers see, an empty
	 * name): about the tree, where a container.* finding of the scan at
	 * this depth may as well be about the entry's own content (a damaged
	 * test .xz).  Kept here, reported by the comparison.
	 */
	for (size_t i = 0; i < ce->nnotes; i++) {
		const crible_finding_info *fd = &cr_fdefs[ce->notes[i].fid];
		if (strncmp(fd->id, "container.", 10) || e->note)
			continue;
		size_t l = strlen(fd->id) + 2 + strlen(ce->notes[i].detail) + 1;
		if (!(e->note = malloc(l)))
			return -1;
		snprintf(e->note, l, "%s: %s", fd->id, ce->notes[i].detail);
		e->note_sev = ce->notes[i].sev >= 0 ? ce->notes[i].sev : (int)fd->severity;
	}
	if (se->data) {
		if (!take_data(t, e, se->data->size, src_read, (void *)se->data))
			incomplete(t, "%s: its data could not be read", e->path);
	} else if (ce->kind == E_FILE) {
		incomplete(t, "%s: its data is not readable (encrypted or damaged)", e->path);
	}
	return 0;
}

static int sink(void *arg, const struct cr_sink_entry *se)
{
	struct fill *f = arg;
	struct cr_dtree *t = f->t;
	if (!t->chain) {
		/* A compression stream's one member is the object inside: the tree is further down. */
		if (cr_type_get(se->ctype)->cls & C_COMPRESSED) {
			layout_add(t, se->ctype);
			return 0;
		}
		layout_add(t, se->ctype);
		t->nchain = se->nwhere - 1;
		if (!(t->chain = calloc(t->nchain ? t->nchain : 1, sizeof *t->chain))) {
			f->err = CRIBLE_ENOMEM;
			return 1;
		}
		for (size_t i = 0; i < t->nchain; i++)
			if (!(t->chain[i] = strdup(se->where[i]))) {
				f->err = CRIBLE_ENOMEM;
				return 1;
			}
		t->deb = se->ctype == T_DEB;
	}
	int r = 0;
	if (t->deb) {
		/* ar > data.tar.* [> data.tar] > entry; the same for control.tar. */
		if (!is_tar(se->ctype) || !same_chain(t, se, t->nchain) || se->nwhere < t->nchain + 2 ||
		    se->nwhere > t->nchain + 3)
			return 0;
		const char *member = se->where[t->nchain];
		if (!strncmp(member, "data.tar", 8))
			r = record(t, se);
		else if (!strncmp(member, "control.tar", 11) && t->control)
			r = record(t->control, se);
	} else if (se->nwhere == t->nchain + 1 && same_chain(t, se, t->nchain)) {
		r = record(t, se);
	}
	if (r != 0) {
		f->err = CRIBLE_ENOMEM;
		return 1;
	}
	return 0;
}

static void hex_to_sha(const char *hex, uint8_t sha[32])
{
	for (int i = 0; i < 32; i++) {
		int v = 0;
		for (int k = 0; k < 2; k++) {
			char c = hex[2 * i + k];
			v = v * 16 + (c >= 'a' ? c - 'a' + 10 : c - '0');
		}
		sha[i] = (uint8_t)v;
	}
}

crible_err cr_dtree_from_fd(struct cr_dtree *t, const crible_ctx *ctx, int fd, const char *name)
{
	t->kind = DTREE_ARCHIVE;
	if (!(t->name = strdup(name)) || !(t->control = calloc(1, sizeof *t->control)))
		return CRIBLE_ENOMEM;
	t->control->kind = DTREE_ARCHIVE;
	crible_job *j = crible_job_new(ctx);
	if (!j)
		return CRIBLE_ENOMEM;
	struct fill f = {.t = t};
	struct cr_sink s = {sink, &f};
	crible_err e = crible_job_set_name(j, name);
	if (e == CRIBLE_OK)
		e = cr_job_set_sink(j, &s);
	if (e == CRIBLE_OK)
		e = crible_job_scan_fd(j, fd, &t->scan);
	if (e != CRIBLE_OK && f.err != CRIBLE_OK)
		e = f.err;
	if (e != CRIBLE_OK)
		snprintf(t->why, sizeof t->why, "%s", crible_job_errmsg(j)[0] ? crible_job_errmsg(j) : crible_strerror(e));
	crible_job_free(j);
	if (e != CRIBLE_OK)
		return e;
	const char *hex = crible_result_sha256(t->scan);
	if (hex && strlen(hex) == 64) {
		hex_to_sha(hex, t->sha);
		t->hashed = true;
	}
	if (!t->chain) {
		/* Not an archive at all: the object itself is the only file. */
		snprintf(t->layout, sizeof t->layout, "%s", crible_result_type_name(t->scan));
		incomplete(t, "%s", "not an archive crible walks: no entries to compare");
	}
	return CRIBLE_OK;
}

/* --- a folder --------------------------------------------------------------- */

static ssize_t fd_read(void *arg, uint64_t off, void *buf, size_t n)
{
	int fd = *(int *)arg;
	for (;;) {
		ssize_t r = pread(fd, buf, n, (off_t)off);
		if (r < 0 && errno == EINTR)
			continue;
		return r;
	}
}

static int by_name(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

static crible_err walk_dir(struct cr_dtree *t, int dfd, const char *prefix, unsigned depth)
{
	if (depth > DIR_DEPTH) {
		incomplete(t, "%s: folders nested too deep", prefix);
		close(dfd);
		return CRIBLE_OK;
	}
	DIR *d = fdopendir(dfd);
	if (!d) {
		close(dfd);
		incomplete(t, "%s: not readable", prefix);
		return CRIBLE_OK;
	}
	char **names = NULL;
	size_t nn = 0, cap = 0;
	crible_err err = CRIBLE_OK;
	struct dirent *de;
	while ((de = readdir(d))) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, "..") || !strcmp(de->d_name, ".git"))
			continue;
		if (nn == cap) {
			size_t c = cap ? cap * 2 : 32;
			char **nv = reallocarray(names, c, sizeof *nv);
			if (!nv) {
				err = CRIBLE_ENOMEM;
				break;
			}
			names = nv;
			cap = c;
		}
		if (!(names[nn] = strdup(de->d_name))) {
			err = CRIBLE_ENOMEM;
			break;
		}
		nn++;
	}
	if (nn)
		qsort(names, nn, sizeof *names, by_name);
	for (size_t i = 0; i < nn && err == CRIBLE_OK; i++) {
		size_t pl = strlen(prefix), nl = strlen(names[i]);
		char *path = malloc(pl + 1 + nl + 1);
		if (!path) {
			err = CRIBLE_ENOMEM;
			break;
		}
		snprintf(path, pl + 1 + nl + 1, "%s%s%s", prefix, pl ? "/" : "", names[i]);
		struct stat st;
		if (fstatat(dirfd(d), names[i], &st, AT_SYMLINK_NOFOLLOW) != 0) {
			incomplete(t, "%s: not readable", path);
			free(path);
			continue;
		}
		struct cr_dent *e = add(t);
		if (!e) {
			incomplete(t, "%s", "more entries than crible diff compares");
			free(path);
			break;
		}
		e->path = path;
		e->has_mode = true;
		e->mode = st.st_mode & 07777;
		e->has_time = true;
		e->mtime = st.st_mtime;
		e->has_owner = true;
		e->uid = st.st_uid;
		e->gid = st.st_gid;
		if (S_ISDIR(st.st_mode)) {
			e->kind = CRIBLE_ENTRY_DIR;
			int sub = openat(dirfd(d), names[i], O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
			if (sub < 0) {
				incomplete(t, "%s: not readable", path);
				continue;
			}
			char *p = strdup(path);	/* e->path may move when the array grows */
			if (!p) {
				close(sub);
				err = CRIBLE_ENOMEM;
				break;
			}
			err = walk_dir(t, sub, p, depth + 1);
			free(p);
		} else if (S_ISLNK(st.st_mode)) {
			e->kind = CRIBLE_ENTRY_SYMLINK;
			char buf[4096];
			ssize_t l = readlinkat(dirfd(d), names[i], buf, sizeof buf - 1);
			if (l < 0) {
				incomplete(t, "%s: link not readable", path);
				continue;
			}
			buf[l] = '\0';
			if (!(e->link = strdup(buf)))
				err = CRIBLE_ENOMEM;
		} else if (S_ISREG(st.st_mode)) {
			e->kind = CRIBLE_ENTRY_FILE;
			int fd = openat(dirfd(d), names[i], O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
			struct stat fst;
			if (fd < 0 || fstat(fd, &fst) != 0 || !S_ISREG(fst.st_mode) ||
			    !take_data(t, e, (uint64_t)fst.st_size, fd_read, &fd))
				incomplete(t, "%s: not readable", path);
			if (fd >= 0)
				close(fd);
		} else {
			e->kind = S_ISFIFO(st.st_mode) ? CRIBLE_ENTRY_FIFO
				  : S_ISSOCK(st.st_mode) ? CRIBLE_ENTRY_SOCKET
							 : CRIBLE_ENTRY_DEVICE;
		}
	}
	for (size_t i = 0; i < nn; i++)
		free(names[i]);
	free(names);
	closedir(d);
	return err;
}

/* Reads rel beneath dfd (no links followed) into buf, NUL-terminated; its length or -1. */
static ssize_t read_small(int dfd, const char *rel, char *buf, size_t cap)
{
	int fd = openat(dfd, rel, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0)
		return -1;
	ssize_t n = read(fd, buf, cap - 1);
	close(fd);
	if (n < 0)
		return -1;
	buf[n] = '\0';
	return n;
}

static bool is_sha1(const char *s)
{
	for (int i = 0; i < 40; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return false;
	return true;
}

/* The commit a checkout's .git/HEAD names: detached, a loose ref, or one in packed-refs. */
static void git_head(struct cr_dtree *t, int dfd)
{
	char head[256], ref[4096];
	ssize_t hn = read_small(dfd, ".git/HEAD", head, sizeof head);
	if (hn < 5)
		return;
	if (hn >= 40 && is_sha1(head)) {
		memcpy(t->commit, head, 40);
		return;
	}
	if (strncmp(head, "ref: refs/", 10))
		return;
	char *nl = strchr(head, '\n');
	if (nl)
		*nl = '\0';
	char path[300];
	snprintf(path, sizeof path, ".git/%s", head + 5);
	if (!strstr(head, "..") && read_small(dfd, path, ref, sizeof ref) >= 40 && is_sha1(ref)) {
		memcpy(t->commit, ref, 40);
		return;
	}
	enum { PACKED = 1u << 20 };
	char *packed = malloc(PACKED);
	ssize_t n = packed ? read_small(dfd, ".git/packed-refs", packed, PACKED) : -1;
	for (char *l = packed; n > 0 && l && *l;) {
		char *e = strchr(l, '\n');
		if (e)
			*e = '\0';
		if (strlen(l) > 41 && is_sha1(l) && l[40] == ' ' && !strcmp(l + 41, head + 5)) {
			memcpy(t->commit, l, 40);
			break;
		}
		l = e ? e + 1 : NULL;
	}
	free(packed);
}

crible_err cr_dtree_from_dir(struct cr_dtree *t, int dirfd, const char *name)
{
	t->kind = DTREE_DIR;
	snprintf(t->layout, sizeof t->layout, "folder");
	if (!(t->name = strdup(name)))
		return CRIBLE_ENOMEM;
	int fd = openat(dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0) {
		snprintf(t->why, sizeof t->why, "%s: %s", name, strerror(errno));
		return CRIBLE_EIO;
	}
	git_head(t, fd);
	return walk_dir(t, fd, "", 0);
}

/* --- finishing ---------------------------------------------------------------- */

static int by_path(const void *a, const void *b)
{
	const struct cr_dent *x = a, *y = b;
	int c = strcmp(x->path, y->path);
	return c ? c : (x->order > y->order) - (x->order < y->order);
}

static void dent_free(struct cr_dent *e)
{
	free(e->note);
	free(e->path);
	free(e->link);
	free(e->body);
}

/* Drops the entries for which keep() is false, in place. */
static void filter(struct cr_dtree *t, bool (*keep)(const struct cr_dent *, const void *), const void *arg)
{
	size_t k = 0;
	for (size_t i = 0; i < t->n; i++) {
		if (keep(&t->e[i], arg))
			t->e[k++] = t->e[i];
		else
			dent_free(&t->e[i]);
	}
	t->n = k;
}

static bool not_empty(const struct cr_dent *e, const void *arg)
{
	(void)arg;
	return e->path[0] != '\0';
}

static bool under(const struct cr_dent *e, const void *arg)
{
	const char *p = arg;
	size_t l = strlen(p);
	return !strncmp(e->path, p, l) && e->path[l] == '/';
}

/* Drops the first l + 1 bytes (a folder and its '/') of every path. */
static crible_err strip(struct cr_dtree *t, size_t l)
{
	for (size_t i = 0; i < t->n; i++) {
		char *p = strdup(t->e[i].path + l + 1);
		if (!p)
			return CRIBLE_ENOMEM;
		free(t->e[i].path);
		t->e[i].path = p;
	}
	return CRIBLE_OK;
}

static bool not_self(const struct cr_dent *e, const void *arg)
{
	return strcmp(e->path, (const char *)arg) != 0;
}

crible_err cr_dtree_finish(struct cr_dtree *t, bool strip_top, const char *subdir)
{
	filter(t, not_empty, NULL);
	if (strip_top && t->n) {
		/* One folder holding everything, "package/" or "NAME-VER/": its name is not content. */
		const char *first = t->e[0].path;
		size_t l = strcspn(first, "/");
		bool one = true, deeper = false;
		for (size_t i = 0; i < t->n && one; i++) {
			const char *p = t->e[i].path;
			if (strncmp(p, first, l) || (p[l] != '/' && p[l] != '\0'))
				one = false;
			else if (p[l] == '/')
				deeper = true;
			else if (t->e[i].kind != CRIBLE_ENTRY_DIR)
				one = false;	/* a file named like the folder: not a folder of everything */
		}
		if (one && deeper) {
			if (!(t->top = strndup(first, l)))
				return CRIBLE_ENOMEM;
			filter(t, not_self, t->top);
			crible_err e = strip(t, l);
			if (e != CRIBLE_OK)
				return e;
		}
	}
	if (subdir && *subdir) {
		char *s = NULL;
		bool nul;
		if (!(s = norm_path((const uint8_t *)subdir, strlen(subdir), &nul)))
			return CRIBLE_ENOMEM;
		filter(t, under, s);
		crible_err e = strip(t, strlen(s));
		free(s);
		if (e != CRIBLE_OK)
			return e;
	}
	if (t->n)
		qsort(t->e, t->n, sizeof *t->e, by_path);
	if (t->control)
		return cr_dtree_finish(t->control, false, NULL);
	return CRIBLE_OK;
}

const struct cr_dent *cr_dtree_find(const struct cr_dtree *t, const char *path)
{
	size_t lo = 0, hi = t->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(t->e[mid].path, path);
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < t->n && !strcmp(t->e[lo].path, path) ? &t->e[lo] : NULL;
}

void cr_dtree_free(struct cr_dtree *t)
{
	if (!t)
		return;
	for (size_t i = 0; i < t->n; i++)
		dent_free(&t->e[i]);
	free(t->e);
	free(t->name);
	free(t->top);
	for (size_t i = 0; i < t->nchain; i++)
		free(t->chain[i]);
	free(t->chain);
	crible_result_free(t->scan);
	if (t->control) {
		cr_dtree_free(t->control);
		free(t->control);
	}
	memset(t, 0, sizeof *t);
}
