/*
 * bench/paths.h - the list of files a benchmark program reads: one path
 * per line (bench/ident.py writes it).  Header-only: each program is one
 * file.
 */
#ifndef CRIBLE_BENCH_PATHS_H
#define CRIBLE_BENCH_PATHS_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

/* The paths in file, *n of them; NULL (with a message) when it cannot be read. */
static char **read_paths(const char *file, size_t *n)
{
	FILE *f = fopen(file, "r");
	if (!f) {
		perror(file);
		return NULL;
	}
	char **v = NULL, *line = NULL;
	size_t cap = 0, lc = 0;
	ssize_t len;
	*n = 0;
	while ((len = getline(&line, &lc, f)) > 0) {
		if (line[len - 1] == '\n')
			line[len - 1] = '\0';
		if (*n == cap) {
			cap = cap ? cap * 2 : 1024;
			char **g = realloc(v, cap * sizeof *v);
			if (!g)
				abort();
			v = g;
		}
		if (!(v[(*n)++] = strdup(line)))
			abort();
	}
	free(line);
	fclose(f);
	return v;
}

#endif
