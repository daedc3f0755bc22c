/*
 * replay.c - runs a fuzz target's entry point over files, without
 * libFuzzer: the regression corpus (fuzz/regress/TARGET/) and the
 * generated samples replay in every normal test run.
 *
 * usage: replay FILE_OR_DIR...
 */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int one(const char *path, int *n)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		perror(path);
		return -1;
	}
	uint8_t *b = NULL;
	size_t len = 0, cap = 0;
	for (;;) {
		if (len == cap) {
			cap = cap ? cap * 2 : 65536;
			uint8_t *nb = realloc(b, cap);
			if (!nb) {
				free(b);
				fclose(f);
				return -1;
			}
			b = nb;
		}
		size_t r = fread(b + len, 1, cap - len, f);
		if (r == 0)
			break;
		len += r;
	}
	fclose(f);
	/* An exact-size copy, so a read one byte past the input trips ASan as under libFuzzer. */
	uint8_t *exact = malloc(len ? len : 1);
	if (exact) {
		memcpy(exact, b, len);
		LLVMFuzzerTestOneInput(exact, len);
		free(exact);
	}
	free(b);
	(*n)++;
	return 0;
}

static int walk(const char *path, int *n)
{
	struct stat st;
	if (stat(path, &st) != 0) {
		perror(path);
		return -1;
	}
	if (!S_ISDIR(st.st_mode))
		return one(path, n);
	DIR *d = opendir(path);
	if (!d)
		return -1;
	struct dirent *e;
	int rc = 0;
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		char p[4096];
		snprintf(p, sizeof p, "%s/%s", path, e->d_name);
		if (walk(p, n) != 0)
			rc = -1;
	}
	closedir(d);
	return rc;
}

int main(int argc, char **argv)
{
	int n = 0, rc = 0;
	for (int i = 1; i < argc; i++)
		if (walk(argv[i], &n) != 0)
			rc = 1;
	printf("replayed %d inputs\n", n);
	return rc;
}
