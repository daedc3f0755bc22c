/*
 * readfloor - the I/O floor of identification: open each listed file,
 * read its first 64 KiB and its last 65 KiB (crible's head and tail
 * windows; a small file whole, in one read), close it.  Nothing else.
 * Uses as many threads as crible scan does by default (online cores).
 *
 * With --hash: read every byte of every file and SHA-256 it (OpenSSL,
 * the same code crible uses): the floor of a scan that hashes.
 *
 * usage: readfloor [--hash] LISTFILE
 */
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "paths.h"

#define HEAD (64u * 1024u)
#define TAIL (64u * 1024u + 1024u)

static char **paths;
static size_t npaths;
static atomic_size_t next;
static atomic_ullong bytes;
static int hash;
static EVP_MD *md;

static void *worker(void *arg)
{
	(void)arg;
	static __thread unsigned char buf[HEAD + TAIL];
	for (;;) {
		size_t i = atomic_fetch_add(&next, 1);
		if (i >= npaths)
			return NULL;
		int fd = open(paths[i], O_RDONLY | O_CLOEXEC | O_NONBLOCK);
		if (fd < 0)
			continue;
		struct stat st;
		if (hash && fstat(fd, &st) == 0 && S_ISREG(st.st_mode)) {
			static __thread EVP_MD_CTX *c;
			if (!c)
				c = EVP_MD_CTX_new();
			EVP_DigestInit_ex(c, md, NULL);
			ssize_t r;
			off_t off = 0;
			while ((r = pread(fd, buf, sizeof buf, off)) > 0) {
				EVP_DigestUpdate(c, buf, (size_t)r);
				off += r;
			}
			unsigned char d[32];
			unsigned dl;
			EVP_DigestFinal_ex(c, d, &dl);
			atomic_fetch_add(&bytes, (unsigned long long)off);
		} else if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode)) {
			off_t sz = st.st_size;
			ssize_t r;
			if ((size_t)sz <= HEAD + TAIL) {
				r = pread(fd, buf, (size_t)sz, 0);
			} else {
				r = pread(fd, buf, HEAD, 0);
				r += pread(fd, buf + HEAD, TAIL, sz - TAIL);
			}
			if (r > 0)
				atomic_fetch_add(&bytes, (unsigned long long)r);
		}
		close(fd);
	}
}

int main(int argc, char **argv)
{
	if (argc == 3 && strcmp(argv[1], "--hash") == 0) {
		hash = 1;
		md = EVP_MD_fetch(NULL, "SHA256", NULL);
		argv++;
		argc--;
	}
	if (argc != 2) {
		fprintf(stderr, "usage: readfloor [--hash] LISTFILE\n");
		return 2;
	}
	paths = read_paths(argv[1], &npaths);
	if (!paths)
		return 2;
	long nt = sysconf(_SC_NPROCESSORS_ONLN);
	if (nt < 1)
		nt = 1;
	pthread_t t[256];
	if (nt > 256)
		nt = 256;
	for (long k = 0; k < nt; k++)
		pthread_create(&t[k], NULL, worker, NULL);
	for (long k = 0; k < nt; k++)
		pthread_join(t[k], NULL);
	printf("%zu files, %llu bytes\n", npaths, (unsigned long long)bytes);
	return 0;
}
