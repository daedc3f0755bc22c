/*
 * classify - the text classifier alone (ident/text.c), on the head
 * windows of a list of files: the cost of cr_text_classify without the
 * scan around it, and the types it gives, to compare two builds.
 *
 *   classify LISTFILE [PASSES] [TYPES-OUT]
 *
 * Reads each file's first 64 KiB once, then classifies every head in list
 * order PASSES times (default 20) and prints the milliseconds per pass.
 * Each head is classified once per pass, one after the other, as a scan
 * meets them: classifying one head over and over lets the CPU's branch
 * predictor learn that head, and reports a classifier about twice as fast
 * as any scan sees.  TYPES-OUT gets one line per head (type number and
 * flags): `cmp` two of them to check that a change keeps every type.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "../src/lib/ident/ident.h"
#include "paths.h"

#define HEAD (64u * 1024u)

int main(int argc, char **argv)
{
	if (argc < 2 || argc > 4) {
		fprintf(stderr, "usage: classify LISTFILE [PASSES] [TYPES-OUT]\n");
		return 2;
	}
	size_t np;
	char **paths = read_paths(argv[1], &np);
	if (!paths)
		return 2;
	struct head {
		uint8_t *p;
		size_t n;
		uint64_t size;
	} *h = calloc(np ? np : 1, sizeof *h);
	size_t nb = 0;
	for (size_t k = 0; h && k < np; k++) {
		int fd = open(paths[k], O_RDONLY | O_CLOEXEC | O_NONBLOCK);
		free(paths[k]);
		if (fd < 0)
			continue;
		struct stat st;
		uint8_t *b = malloc(HEAD);
		ssize_t r = b && fstat(fd, &st) == 0 && S_ISREG(st.st_mode) ? pread(fd, b, HEAD, 0) : -1;
		close(fd);
		if (r <= 0) {
			free(b);
			continue;
		}
		h[nb++] = (struct head){b, (size_t)r, (uint64_t)st.st_size};
	}
	free(paths);
	if (!h)
		return 2;
	int passes = argc > 2 ? atoi(argv[2]) : 20;
	if (passes < 1)
		passes = 1;
	FILE *out = argc > 3 ? fopen(argv[3], "w") : NULL;
	if (argc > 3 && !out) {
		perror(argv[3]);
		return 2;
	}
	unsigned long digest = 0;
	struct timespec a, b;
	clock_gettime(CLOCK_MONOTONIC, &a);
	for (int pass = 0; pass < passes; pass++)
		for (size_t i = 0; i < nb; i++) {
			struct cr_ident id;
			memset(&id, 0, sizeof id);
			enum cr_tid t = cr_text_classify(h[i].p, h[i].n, h[i].size, &id);
			if (pass == 0) {
				digest = digest * 1000003u + (unsigned long)t * 31u + id.flags;
				if (out)
					fprintf(out, "%d %x\n", (int)t, (unsigned)id.flags);
			}
		}
	clock_gettime(CLOCK_MONOTONIC, &b);
	if (out)
		fclose(out);
	double s = (double)(b.tv_sec - a.tv_sec) + (double)(b.tv_nsec - a.tv_nsec) / 1e9;
	printf("%zu heads, %.3f ms per pass, %.2f us per head, types digest %lx\n", nb, s * 1000 / passes,
	       s * 1e6 / passes / (double)(nb ? nb : 1), digest);
	for (size_t i = 0; i < nb; i++)
		free(h[i].p);
	free(h);
	return 0;
}
