/*
 * walk.c - turns the command line's paths into a list of files.
 *
 * Directories are walked recursively, each directory's entries in byte
 * order of their names, so the output order never depends on the file
 * system.  Symbolic links met inside a walk are not followed: a link on a
 * USB key may point anywhere on the scanning host.  A path named on the
 * command line is opened as given.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"

static int push(struct inputs *in, const char *path, const char *display, int err)
{
	if (in->n == in->cap) {
		size_t cap = in->cap ? in->cap * 2 : 64;
		struct input *v = reallocarray(in->v, cap, sizeof *v);
		if (!v)
			return -1;
		in->v = v;
		in->cap = cap;
	}
	struct input *x = &in->v[in->n];
	memset(x, 0, sizeof *x);
	x->path = path ? strdup(path) : NULL;
	x->display = strdup(display);
	x->err = err;
	if ((path && !x->path) || !x->display) {
		free(x->path);
		free(x->display);
		return -1;
	}
	in->n++;
	return 0;
}

static int cmp(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

/*
 * Bounded recursion: a directory deeper than this is an input that could
 * not be read (exit status 2), with a message of its own, and nothing
 * below it is reported at all, so nothing below it is reported clean.
 */
static int walk_dir(struct inputs *in, const char *dir, int depth)
{
	if (depth > MAX_WALK_DEPTH) {
		if (push(in, dir, dir, ELOOP) != 0)
			return -1;
		in->v[in->n - 1].deep = 1;
		return 0;
	}
	DIR *d = opendir(dir);
	if (!d)
		return push(in, dir, dir, errno);
	char **names = NULL;
	size_t n = 0, cap = 0;
	struct dirent *e;
	int rc = 0;
	while ((e = readdir(d)) != NULL) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 32;
			char **nn = reallocarray(names, cap, sizeof *nn);
			if (!nn) {
				rc = -1;
				break;
			}
			names = nn;
		}
		if (!(names[n] = strdup(e->d_name))) {
			rc = -1;
			break;
		}
		n++;
	}
	closedir(d);
	if (n)
		qsort(names, n, sizeof *names, cmp);
	size_t dl = strlen(dir);
	int slash = dl > 0 && dir[dl - 1] == '/';
	for (size_t i = 0; i < n && rc == 0; i++) {
		size_t l = dl + 1 + strlen(names[i]) + 1;
		char *p = malloc(l);
		if (!p) {
			rc = -1;
			break;
		}
		memcpy(p, dir, dl);
		size_t k = dl;
		if (!slash)
			p[k++] = '/';
		memcpy(p + k, names[i], strlen(names[i]) + 1);
		struct stat st;
		if (lstat(p, &st) != 0)
			rc = push(in, p, p, errno);
		else if (S_ISDIR(st.st_mode))
			rc = walk_dir(in, p, depth + 1);
		else if (S_ISREG(st.st_mode))
			rc = push(in, p, p, 0);
		/* symlinks, sockets, devices, FIFOs inside a walk: not content to scan */
		free(p);
	}
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
	return rc;
}

int walk_add(struct inputs *in, const char *path)
{
	if (strcmp(path, "-") == 0)
		return push(in, NULL, "-", 0);
	struct stat st;
	if (stat(path, &st) != 0)
		return push(in, path, path, errno);
	if (S_ISDIR(st.st_mode))
		return walk_dir(in, path, 0);
	return push(in, path, path, 0);
}

int walk_push(struct inputs *in, const char *path)
{
	if (strcmp(path, "-") == 0)
		return push(in, NULL, "-", 0);
	if (push(in, path, path, 0) != 0)
		return -1;
	in->v[in->n - 1].lazy = 1;
	return 0;
}

void inputs_free(struct inputs *in)
{
	for (size_t i = 0; i < in->n; i++) {
		free(in->v[i].path);
		free(in->v[i].display);
		for (size_t k = 0; k < in->v[i].nvols; k++)
			free(in->v[i].vols[k]);
		free(in->v[i].vols);
	}
	free(in->v);
	memset(in, 0, sizeof *in);
}

const char *input_strerror(const struct input *in)
{
	if (in->deep)
		return "directory nesting deeper than " CR_STR(MAX_WALK_DEPTH) " levels: not followed";
	return strerror(in->err);
}
