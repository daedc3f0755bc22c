/*
 * fuzz_diff - crible diff end to end: the input is a package, and, after
 * a line "--crible-diff-source--", the source (both archives; without the
 * line the package is compared with itself).  Every rendering is made.
 * The JSON reader and the line diff also run on the raw input, since a
 * manifest and a changed file are what an attacker writes.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "../src/lib/diff/diff.h"
#include "../src/lib/io/json.h"
#include "crible.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int memfile(const uint8_t *p, size_t n)
{
	int fd = memfd_create("fuzz-diff", MFD_CLOEXEC);
	if (fd < 0)
		return -1;
	for (size_t off = 0; off < n;) {
		ssize_t w = write(fd, p + off, n - off);
		if (w <= 0) {
			close(fd);
			return -1;
		}
		off += (size_t)w;
	}
	return fd;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char sep[] = "\n--crible-diff-source--\n";
	const uint8_t *cut = memmem(data, size, sep, sizeof sep - 1);
	size_t pn = cut ? (size_t)(cut - data) : size;
	const uint8_t *src = cut ? cut + sizeof sep - 1 : data;
	size_t sn = cut ? size - pn - (sizeof sep - 1) : size;

	const char *why;
	struct cr_jv *j = cr_json_parse(data, size, &why), *k = cr_json_parse(src, sn, &why);
	(void)cr_json_equal(j, k);
	(void)cr_json_get(j, "scripts");
	cr_json_free(j);
	cr_json_free(k);
	free(cr_line_diff(data, pn, src, sn, 40));

	crible_ctx *ctx = crible_ctx_new();
	crible_diff *d = ctx ? crible_diff_new(ctx) : NULL;
	int pfd = memfile(data, pn), sfd = memfile(src, sn);
	if (d && pfd >= 0 && sfd >= 0 && crible_diff_package_fd(d, pfd, "pkg.tgz") == CRIBLE_OK &&
	    crible_diff_source_fd(d, sfd, "src.tar.gz") == CRIBLE_OK && crible_diff_run(d) == CRIBLE_OK) {
		for (int form = CRIBLE_DIFF_TEXT; form <= CRIBLE_DIFF_ATTEST; form++) {
			char *out = NULL;
			size_t len;
			if (crible_diff_render(d, form, "2026-01-01T00:00:00Z", &out, &len) == CRIBLE_OK)
				free(out);
		}
		for (size_t i = 0; i < crible_diff_nfindings(d); i++)
			(void)crible_diff_finding_at(d, i);
	}
	if (pfd >= 0)
		close(pfd);
	if (sfd >= 0)
		close(sfd);
	crible_diff_free(d);
	crible_ctx_free(ctx);
	return 0;
}
