/* dest.c - the extraction directory, resolved beneath one descriptor (dest.h). */
#include "dest.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#define RESOLVE_SAFE (RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS)

/* 1: openat2 works, 0: not yet known, -1: fall back to the component walk. */
static atomic_int have_openat2;

bool cr_dest_openat2(void)
{
	int h = atomic_load(&have_openat2);
	if (h)
		return h > 0;
	const char *off = getenv("CRIBLE_NO_OPENAT2");
	if (off && *off && strcmp(off, "0") != 0) {
		atomic_store(&have_openat2, -1);
		return false;
	}
#ifdef SYS_openat2
	struct open_how how = {.flags = O_RDONLY | O_DIRECTORY | O_CLOEXEC, .resolve = RESOLVE_SAFE};
	int fd = (int)syscall(SYS_openat2, AT_FDCWD, ".", &how, sizeof how);
	if (fd >= 0) {
		close(fd);
		atomic_store(&have_openat2, 1);
		return true;
	}
#endif
	atomic_store(&have_openat2, -1);
	return false;
}

static int sys_openat2(int dirfd, const char *path, int flags, mode_t mode)
{
#ifdef SYS_openat2
	struct open_how how = {.flags = (uint64_t)(flags | O_CLOEXEC | O_NOFOLLOW),
			       .mode = (flags & O_CREAT) ? (uint64_t)(mode & 07777) : 0,
			       .resolve = RESOLVE_SAFE};
	int fd;
	do
		fd = (int)syscall(SYS_openat2, dirfd, path, &how, sizeof how);
	while (fd < 0 && (errno == EINTR || errno == EAGAIN));
	return fd;
#else
	(void)dirfd, (void)path, (void)flags, (void)mode;
	errno = ENOSYS;
	return -1;
#endif
}

/* Whether path is relative, '/'-separated, with no empty, "." or ".." component and not too deep. */
static bool path_ok(const char *path)
{
	if (!*path || *path == '/')
		return false;
	size_t depth = 0;
	for (const char *c = path;;) {
		const char *e = strchr(c, '/');
		size_t n = e ? (size_t)(e - c) : strlen(c);
		if (n == 0 || (n == 1 && c[0] == '.') || (n == 2 && c[0] == '.' && c[1] == '.'))
			return false;
		if (++depth > CR_DEST_MAX_DEPTH)
			return false;
		if (!e)
			return true;
		c = e + 1;
	}
}

/* The component walk: every folder opened O_NOFOLLOW | O_DIRECTORY from the one before. */
static int walk_open(int root, const char *path, int flags, mode_t mode)
{
	int fd = root;
	const char *c = path;
	for (;;) {
		const char *e = strchr(c, '/');
		if (!e)
			break;
		char comp[256];
		size_t n = (size_t)(e - c);
		if (n >= sizeof comp) {
			if (fd != root)
				close(fd);
			errno = ENAMETOOLONG;
			return -1;
		}
		memcpy(comp, c, n);
		comp[n] = '\0';
		int next = openat(fd, comp, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		int saved = errno;
		if (fd != root)
			close(fd);
		if (next < 0) {
			errno = saved;
			return -1;
		}
		fd = next;
		c = e + 1;
	}
	int r = openat(fd, c, flags | O_CLOEXEC | O_NOFOLLOW, mode);
	int saved = errno;
	if (fd != root)
		close(fd);
	errno = saved;
	return r;
}

static int open_beneath(int root, const char *path, int flags, mode_t mode)
{
	if (!path_ok(path)) {
		errno = EINVAL;
		return -1;
	}
	if (cr_dest_openat2())
		return sys_openat2(root, path, flags, mode);
	return walk_open(root, path, flags, mode);
}

int cr_dest_resolve(int root, const char *path)
{
	if (!path_ok(path)) {
		errno = EINVAL;
		return -1;
	}
	if (!cr_dest_openat2()) {
		errno = ENOSYS;
		return -1;
	}
#ifdef SYS_openat2
	struct open_how how = {.flags = O_PATH | O_CLOEXEC, .resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS};
	int fd;
	do
		fd = (int)syscall(SYS_openat2, root, path, &how, sizeof how);
	while (fd < 0 && (errno == EINTR || errno == EAGAIN));
	return fd;
#else
	errno = ENOSYS;
	return -1;
#endif
}

void cr_dest_init(struct cr_dest *d, int root)
{
	memset(d, 0, sizeof *d);
	d->root = root;
	d->cfd = -1;
}

static void uncache(struct cr_dest *d)
{
	if (d->cfd >= 0)
		close(d->cfd);
	d->cfd = -1;
	free(d->cpath);
	d->cpath = NULL;
	d->clen = 0;
}

void cr_dest_close(struct cr_dest *d) { uncache(d); }

int cr_dest_open(struct cr_dest *d, const char *path, int flags, mode_t mode)
{
	return open_beneath(d->root, path, flags, mode);
}

/* Opens folder `dir` (a path, or "" for the root), creating what is missing when mkdirs. */
static int open_dir(struct cr_dest *d, const char *dir, bool mkdirs)
{
	if (!*dir)
		return fcntl(d->root, F_DUPFD_CLOEXEC, 0);
	int fd = open_beneath(d->root, dir, O_RDONLY | O_DIRECTORY, 0);
	if (fd >= 0 || errno != ENOENT || !mkdirs)
		return fd;
	/* Create the missing folders one at a time, each opened from its parent. */
	int cur = fcntl(d->root, F_DUPFD_CLOEXEC, 0);
	const char *c = dir;
	while (cur >= 0) {
		const char *e = strchr(c, '/');
		size_t n = e ? (size_t)(e - c) : strlen(c);
		char comp[256];
		if (n >= sizeof comp) {
			close(cur);
			errno = ENAMETOOLONG;
			return -1;
		}
		memcpy(comp, c, n);
		comp[n] = '\0';
		if (mkdirat(cur, comp, 0777) != 0 && errno != EEXIST) {
			int saved = errno;
			close(cur);
			errno = saved;
			return -1;
		}
		int next = open_beneath(cur, comp, O_RDONLY | O_DIRECTORY, 0);
		int saved = errno;
		close(cur);
		errno = saved;
		cur = next;
		if (!e)
			break;
		c = e + 1;
	}
	return cur;
}

int cr_dest_parent(struct cr_dest *d, const char *path, bool mkdirs, const char **base)
{
	if (!path_ok(path)) {
		errno = EINVAL;
		return -1;
	}
	const char *slash = strrchr(path, '/');
	size_t dl = slash ? (size_t)(slash - path) : 0;
	*base = slash ? slash + 1 : path;
	if (d->cfd >= 0 && d->clen == dl && (dl == 0 || !memcmp(d->cpath, path, dl)))
		return d->cfd;
	char *dir = strndup(path, dl);
	if (!dir)
		return -1;
	int fd = open_dir(d, dir, mkdirs);
	if (fd < 0) {
		int saved = errno;
		free(dir);
		errno = saved;
		return -1;
	}
	uncache(d);
	d->cpath = dir;
	d->clen = dl;
	d->cfd = fd;
	return fd;
}

int cr_dest_mkdirs(struct cr_dest *d, const char *path, mode_t mode)
{
	const char *base;
	int pfd = cr_dest_parent(d, path, true, &base);
	if (pfd < 0)
		return -1;
	if (mkdirat(pfd, base, mode) == 0)
		return 0;
	if (errno != EEXIST)
		return -1;
	struct stat st;
	if (fstatat(pfd, base, &st, AT_SYMLINK_NOFOLLOW) != 0)
		return -1;
	if (!S_ISDIR(st.st_mode)) {
		errno = EEXIST;
		return -1;
	}
	return 0;
}

/* --- removal -------------------------------------------------------------- */

static int rmtree_at(int parent, const char *name, int depth)
{
	if (unlinkat(parent, name, 0) == 0)
		return 0;
	if (errno != EISDIR && errno != EPERM)
		return errno == ENOENT ? 0 : -1;
	if (depth > CR_DEST_MAX_DEPTH + 8) {
		errno = ELOOP;
		return -1;
	}
	int fd = openat(parent, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return -1;
	fchmod(fd, 0700);	/* a folder extracted read-only still empties */
	DIR *dp = fdopendir(fd);
	if (!dp) {
		close(fd);
		return -1;
	}
	int rc = 0;
	struct dirent *de;
	while ((de = readdir(dp)) != NULL) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		if (rmtree_at(dirfd(dp), de->d_name, depth + 1) != 0)
			rc = -1;
	}
	closedir(dp);
	if (unlinkat(parent, name, AT_REMOVEDIR) != 0 && errno != ENOENT)
		rc = -1;
	return rc;
}

int cr_dest_rmtree(int dirfd, const char *name) { return rmtree_at(dirfd, name, 0); }

/* --- moving into place ------------------------------------------------------ */

/* The names in a folder, read before anything in it moves. */
static char **names_of(int fd, size_t *n)
{
	int dup = openat(fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	DIR *dp = dup >= 0 ? fdopendir(dup) : NULL;
	if (!dp) {
		if (dup >= 0)
			close(dup);
		return NULL;
	}
	char **v = NULL;
	size_t cap = 0;
	*n = 0;
	struct dirent *de;
	while ((de = readdir(dp)) != NULL) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		if (*n == cap) {
			size_t nc = cap ? cap * 2 : 16;
			char **nv = realloc(v, nc * sizeof *v);
			if (!nv)
				goto fail;
			v = nv;
			cap = nc;
		}
		if (!(v[*n] = strdup(de->d_name)))
			goto fail;
		(*n)++;
	}
	closedir(dp);
	if (!v)
		v = calloc(1, sizeof *v);
	return v;
fail:
	for (size_t i = 0; i < *n; i++)
		free(v[i]);
	free(v);
	closedir(dp);
	errno = ENOMEM;
	return NULL;
}

static void names_free(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

static char *join(const char *pre, const char *name)
{
	size_t a = strlen(pre), b = strlen(name);
	char *p = malloc(a + b + 2);
	if (!p)
		return NULL;
	memcpy(p, pre, a);
	if (a)
		p[a++] = '/';
	memcpy(p + a, name, b + 1);
	return p;
}

/* Opens folder `name` on both sides and runs fn on the pair, under pre/name; fn's result, or -1. */
static int on_both(int from, int to, const char *pre, const char *name,
		   int (*fn)(int from, int to, const char *pre, void *arg, int depth), void *arg, int depth)
{
	int f = openat(from, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	int t = f >= 0 ? openat(to, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC) : -1;
	char *sub = join(pre, name);
	int rc = f < 0 || t < 0 || !sub ? -1 : fn(f, t, sub, arg, depth + 1);
	int saved = errno;
	free(sub);
	if (f >= 0)
		close(f);
	if (t >= 0)
		close(t);
	errno = saved;
	return rc;
}

/* Nothing in `from` lands on something in `to`, except folders on folders (merged). */
static int preflight(int from, int to, const char *pre, void *arg, int depth)
{
	char **conflict = arg;
	size_t n;
	char **v = names_of(from, &n);
	if (!v)
		return -1;
	int rc = 0;
	for (size_t i = 0; i < n && rc == 0; i++) {
		struct stat a, b;
		if (fstatat(to, v[i], &b, AT_SYMLINK_NOFOLLOW) != 0) {
			if (errno != ENOENT)
				rc = -1;
			continue;
		}
		if (fstatat(from, v[i], &a, AT_SYMLINK_NOFOLLOW) != 0) {
			rc = -1;
			continue;
		}
		if (!S_ISDIR(a.st_mode) || !S_ISDIR(b.st_mode) || depth > CR_DEST_MAX_DEPTH) {
			if (conflict)
				*conflict = join(pre, v[i]);
			errno = EEXIST;
			rc = -1;
			continue;
		}
		rc = on_both(from, to, pre, v[i], preflight, conflict, depth);
	}
	names_free(v, n);
	return rc;
}

/* What was moved, to undo it: relative paths, and whether the folder on the `from` side was removed. */
struct movelog {
	char **path;
	bool *rmdir;
	size_t n, cap;
};

static int log_push(struct movelog *l, const char *pre, const char *name, bool rmdir)
{
	if (l->n == l->cap) {
		size_t nc = l->cap ? l->cap * 2 : 64;
		char **np = realloc(l->path, nc * sizeof *np);
		if (!np)
			return -1;
		l->path = np;
		bool *nr = realloc(l->rmdir, nc * sizeof *nr);
		if (!nr)
			return -1;
		l->rmdir = nr;
		l->cap = nc;
	}
	char *p = join(pre, name);
	if (!p)
		return -1;
	l->path[l->n] = p;
	l->rmdir[l->n++] = rmdir;
	return 0;
}

static int rename_noreplace(int from, const char *name, int to)
{
	if (renameat2(from, name, to, name, RENAME_NOREPLACE) == 0)
		return 0;
	if (errno != EINVAL && errno != ENOSYS)
		return -1;
	/* A file system without RENAME_NOREPLACE: check, then rename (the window is ours alone, 0700). */
	struct stat st;
	if (fstatat(to, name, &st, AT_SYMLINK_NOFOLLOW) == 0) {
		errno = EEXIST;
		return -1;
	}
	return renameat(from, name, to, name);
}

struct moving {
	struct movelog *log;
	char **conflict;
};

static int move_all(int from, int to, const char *pre, void *arg, int depth)
{
	struct moving *mv = arg;
	size_t n;
	char **v = names_of(from, &n);
	if (!v)
		return -1;
	int rc = 0;
	for (size_t i = 0; i < n && rc == 0; i++) {
		if (rename_noreplace(from, v[i], to) == 0) {
			rc = log_push(mv->log, pre, v[i], false);
			continue;
		}
		if (errno != EEXIST && errno != ENOTEMPTY) {
			rc = -1;
			continue;
		}
		struct stat a, b;
		if (fstatat(from, v[i], &a, AT_SYMLINK_NOFOLLOW) != 0 || fstatat(to, v[i], &b, AT_SYMLINK_NOFOLLOW) != 0 ||
		    !S_ISDIR(a.st_mode) || !S_ISDIR(b.st_mode) || depth > CR_DEST_MAX_DEPTH) {
			if (mv->conflict && !*mv->conflict)
				*mv->conflict = join(pre, v[i]);
			errno = EEXIST;
			rc = -1;
			continue;
		}
		/* A folder on both sides: its contents move, then it goes. */
		rc = on_both(from, to, pre, v[i], move_all, mv, depth);
		if (rc == 0)
			rc = unlinkat(from, v[i], AT_REMOVEDIR) != 0 ? -1 : log_push(mv->log, pre, v[i], true);
	}
	names_free(v, n);
	return rc;
}

/* Moves back what move_all moved, newest first. */
static void undo(int from, int to, struct movelog *l)
{
	struct cr_dest df, dt;
	cr_dest_init(&df, from);
	cr_dest_init(&dt, to);
	for (size_t i = l->n; i-- > 0;) {
		const char *bf, *bt;
		if (l->rmdir[i]) {
			cr_dest_mkdirs(&df, l->path[i], 0700);
			continue;
		}
		int pf = cr_dest_parent(&df, l->path[i], true, &bf);
		int pt = pf >= 0 ? cr_dest_parent(&dt, l->path[i], false, &bt) : -1;
		if (pf >= 0 && pt >= 0)
			renameat2(pt, bt, pf, bf, RENAME_NOREPLACE);
	}
	cr_dest_close(&df);
	cr_dest_close(&dt);
}

int cr_dest_commit(int from, int to, char **conflict)
{
	if (conflict)
		*conflict = NULL;
	if (preflight(from, to, "", conflict, 0) != 0)
		return -1;
	struct movelog log = {0};
	struct moving mv = {&log, conflict};
	int rc = move_all(from, to, "", &mv, 0);
	int saved = errno;
	if (rc != 0)
		undo(from, to, &log);
	for (size_t i = 0; i < log.n; i++)
		free(log.path[i]);
	free(log.path);
	free(log.rmdir);
	errno = saved;
	return rc;
}

mode_t cr_dest_umask(void)
{
	FILE *f = fopen("/proc/self/status", "re");
	if (f) {
		char line[256];
		unsigned m;
		while (fgets(line, sizeof line, f))
			if (sscanf(line, "Umask: %o", &m) == 1) {
				fclose(f);
				return (mode_t)(m & 0777);
			}
		fclose(f);
	}
	return 022;	/* /proc unavailable: the common default rather than umask()'s process-wide race */
}
