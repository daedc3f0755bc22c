/*
 * crible-gen - writes every scenario of samples.c as a file into DIR, and
 * DIR/scenarios.tsv describing what crible must say about each:
 *   file <TAB> extra options <TAB> type <TAB> finding ids <TAB> verdict <TAB> why
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "samples.h"

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: crible-gen DIR\n");
		return 2;
	}
	const char *dir = argv[1];
	if (mkdir(dir, 0755) != 0 && errno != EEXIST) {
		fprintf(stderr, "crible-gen: %s: %s\n", dir, strerror(errno));
		return 2;
	}
	char path[4096];
	snprintf(path, sizeof path, "%s/scenarios.tsv", dir);
	FILE *tsv = fopen(path, "w");
	if (!tsv) {
		fprintf(stderr, "crible-gen: %s: %s\n", path, strerror(errno));
		return 2;
	}
	for (size_t i = 0; i < nscenarios; i++) {
		const struct scenario *s = &scenarios[i];
		struct sbuf b = {0};
		s->build(&b);
		snprintf(path, sizeof path, "%s/%s", dir, s->file);
		FILE *f = fopen(path, "wb");
		if (!f || fwrite(b.p, 1, b.len, f) != b.len || fclose(f) != 0) {
			fprintf(stderr, "crible-gen: %s: %s\n", path, strerror(errno));
			return 2;
		}
		fprintf(tsv, "%s\t%s\t%s\t%s\t%s\t%s\n", s->file, s->args, s->type, s->findings, s->verdict, s->why);
		sb_free(&b);
	}
	if (fclose(tsv) != 0)
		return 2;
	printf("crible-gen: %zu files in %s\n", nscenarios, dir);
	return 0;
}
