/*
 * extract_arena.h - for the extraction fuzz targets: a private arena
 * holding the destination folder and a marker file beside it; after each
 * input nothing but the folder may exist in the arena, the marker must be
 * untouched and no staging folder may be left (a violation aborts), and
 * the folder is emptied for the next input.
 */
#ifndef CRIBLE_FUZZ_EXTRACT_ARENA_H
#define CRIBLE_FUZZ_EXTRACT_ARENA_H

#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <dirent.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "crible.h"

static char arena[256], dest[300], marker[300];
static crible_ctx *ctx;
static struct stat marker_st;

static int rm_one(const char *p, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st, (void)flag, (void)ftw;
	if (strcmp(p, dest) != 0) {
		chmod(p, 0700);
		remove(p);
	}
	return 0;
}

static void arena_setup(void)
{
	snprintf(arena, sizeof arena, "%s/crible-fuzz-extract-%ld", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp",
		 (long)getpid());
	mkdir(arena, 0700);
	snprintf(dest, sizeof dest, "%s/dest", arena);
	snprintf(marker, sizeof marker, "%s/marker", arena);
	mkdir(dest, 0700);
	FILE *f = fopen(marker, "w");
	if (f) {
		fputs("outside\n", f);
		fclose(f);
	}
	stat(marker, &marker_st);
	ctx = crible_ctx_new();
	crible_ctx_set_limit(ctx, CRIBLE_LIMIT_EXPANDED, 64u << 20);
	crible_ctx_set_limit(ctx, CRIBLE_LIMIT_WRITE_BYTES, 64u << 20);
	crible_ctx_set_limit(ctx, CRIBLE_LIMIT_TIME_MS, 5000);
	crible_ctx_set_option(ctx, CRIBLE_OPT_HASH, 0);
	crible_ctx_set_option(ctx, CRIBLE_OPT_EXTERNAL_READERS, 0);
	/* Let names and links through the rules: the writer's own containment is what is fuzzed. */
	crible_ctx_set_severity(ctx, "path.*", CRIBLE_SEV_LOW);
	crible_ctx_set_severity(ctx, "link.*", CRIBLE_SEV_LOW);
	crible_ctx_set_severity(ctx, "entry.*", CRIBLE_SEV_LOW);
}

/* The arena holds the folder and the marker, nothing else, and the marker is as it was. */
static void arena_check(void)
{
	DIR *d = opendir(arena);
	if (!d)
		abort();
	struct dirent *de;
	while ((de = readdir(d)) != NULL)
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, "..") && strcmp(de->d_name, "dest") &&
		    strcmp(de->d_name, "marker")) {
			fprintf(stderr, "fuzz_extract: %s written outside the folder\n", de->d_name);
			abort();
		}
	closedir(d);
	struct stat st;
	if (stat(marker, &st) != 0 || st.st_ino != marker_st.st_ino || st.st_mtim.tv_sec != marker_st.st_mtim.tv_sec ||
	    st.st_mtim.tv_nsec != marker_st.st_mtim.tv_nsec || st.st_size != marker_st.st_size) {
		fputs("fuzz_extract: the marker outside the folder changed\n", stderr);
		abort();
	}
	d = opendir(dest);
	if (!d)
		abort();
	while ((de = readdir(d)) != NULL)
		if (!strncmp(de->d_name, ".crible-extract-", 16)) {
			fprintf(stderr, "fuzz_extract: staging folder %s left behind\n", de->d_name);
			abort();
		}
	closedir(d);
}

/* Extracts the archive in buf with flags into the arena's folder, then checks the arena. */
static void arena_extract(const uint8_t *buf, size_t len, unsigned flags)
{
	if (!ctx)
		arena_setup();
	int fd = memfd_create("fuzz-extract", MFD_CLOEXEC);
	if (fd < 0)
		return;
	if (len && write(fd, buf, len) != (ssize_t)len) {
		close(fd);
		return;
	}
	int dfd = open(dest, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	crible_job *job = crible_job_new(ctx);
	crible_result *r = NULL;
	if (job && dfd >= 0 && crible_job_set_name(job, "fuzz.bin") == CRIBLE_OK &&
	    crible_job_extract(job, fd, dfd, flags, &r) == CRIBLE_OK) {
		char *out = NULL;
		crible_result_render(r, "fuzz", CRIBLE_JSON, &out, NULL);
		free(out);
		crible_result_free(r);
	}
	crible_job_free(job);
	if (dfd >= 0)
		close(dfd);
	close(fd);
	arena_check();
	nftw(dest, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

#endif
