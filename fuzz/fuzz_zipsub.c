/*
 * fuzz_zipsub - the ZIP subtype walker (local headers, EOCD, central
 * directory) on input that always starts with a local header signature.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../src/lib/ident/ident.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t *b = malloc(size + 4);
	if (!b)
		return 0;
	memcpy(b, "PK\3\4", 4);
	memcpy(b + 4, data, size);
	struct cr_src src = {.size = size + 4, .mem = b, .fd = -1};
	size_t tl = src.size < CR_TAIL_WIN ? (size_t)src.size : CR_TAIL_WIN;
	struct cr_view v = {&src, src.size, b, src.size < CR_HEAD_WIN ? (size_t)src.size : CR_HEAD_WIN,
			    b + src.size - tl, tl};
	(void)cr_zip_subtype(&v, 0);
	uint64_t off;
	(void)cr_magic_tail(&v, &off);
	free(b);
	return 0;
}
