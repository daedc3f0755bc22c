/*
 * volumes.c - RAR volume sets among the inputs, joined.
 *
 * A multi-volume RAR is one archive in several files: an entry begun in
 * one volume goes on in the next, and neither half alone is what WinRAR
 * writes.  When every volume of a set is given (named X.part1.rar,
 * X.part2.rar, ... or X.rar, X.r00, X.r01, ...), the first volume's input
 * is scanned as the volumes end to end, which is what libarchive reads
 * and what the RAR walker follows from one end header to the next
 * signature.  Every volume is also scanned alone, as given.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

/* A volume's place in its set: the set's key (the path without the number) and its number from 1. */
struct vol {
	size_t input;
	char *key;
	unsigned long num;
};

static bool ends_with_ci(const char *s, size_t n, const char *suffix)
{
	size_t k = strlen(suffix);
	if (n < k)
		return false;
	for (size_t i = 0; i < k; i++)
		if (tolower((unsigned char)s[n - k + i]) != suffix[i])
			return false;
	return true;
}

/* X.partN.rar -> ("X.part#.rar", N); X.rar -> ("X.r##", 1); X.rNN -> ("X.r##", NN + 2). */
static bool parse(const char *path, char **key, unsigned long *num)
{
	size_t n = strlen(path);
	if (ends_with_ci(path, n, ".rar")) {
		size_t d = n - 4;
		while (d > 0 && isdigit((unsigned char)path[d - 1]))
			d--;
		if (d < n - 4 && d >= 5 && ends_with_ci(path, d, ".part") && n - 4 - d <= 6) {
			*num = strtoul(path + d, NULL, 10);
			if (!(*key = malloc(d + 1 + 5)))
				return false;
			memcpy(*key, path, d);
			memcpy(*key + d, "#.rar", 6);
			return *num > 0;
		}
		*num = 1;
		if (!(*key = malloc(n - 4 + 6)))
			return false;
		memcpy(*key, path, n - 4);
		memcpy(*key + n - 4, ".r##", 5);
		return true;
	}
	if (n > 4 && path[n - 4] == '.' && tolower((unsigned char)path[n - 3]) == 'r' &&
	    isdigit((unsigned char)path[n - 2]) && isdigit((unsigned char)path[n - 1])) {
		*num = (unsigned long)((path[n - 2] - '0') * 10 + (path[n - 1] - '0')) + 2;
		if (!(*key = malloc(n + 1)))
			return false;
		memcpy(*key, path, n - 4);
		memcpy(*key + n - 4, ".r##", 5);
		return true;
	}
	return false;
}

static int by_key(const void *a, const void *b)
{
	const struct vol *x = a, *y = b;
	int c = strcmp(x->key, y->key);
	return c ? c : (x->num > y->num) - (x->num < y->num);
}

int volumes_find(struct inputs *in)
{
	struct vol *v = calloc(in->n ? in->n : 1, sizeof *v);
	if (!v)
		return -1;
	size_t nv = 0;
	int rc = 0;
	for (size_t i = 0; i < in->n; i++) {
		if (!in->v[i].path || in->v[i].err)
			continue;
		char *key;
		unsigned long num;
		if (parse(in->v[i].path, &key, &num))
			v[nv++] = (struct vol){i, key, num};
	}
	qsort(v, nv, sizeof *v, by_key);
	for (size_t a = 0; a < nv;) {
		size_t b = a + 1;
		while (b < nv && !strcmp(v[a].key, v[b].key))
			b++;
		/* A set: volume 1 and the ones after it, without a gap. */
		size_t k = a;
		while (k + 1 < b && v[k + 1].num == v[k].num + 1)
			k++;
		if (v[a].num == 1 && k > a) {
			struct input *first = &in->v[v[a].input];
			first->vols = calloc(k - a, sizeof *first->vols);
			if (!first->vols) {
				rc = -1;
				break;
			}
			for (size_t j = a + 1; j <= k; j++)
				if (!(first->vols[first->nvols++] = strdup(in->v[v[j].input].path))) {
					rc = -1;
					break;
				}
		}
		a = b;
	}
	for (size_t i = 0; i < nv; i++)
		free(v[i].key);
	free(v);
	return rc;
}
