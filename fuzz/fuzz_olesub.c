/* fuzz_olesub - the OLE compound file directory walk, behind a valid CFB signature. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../src/lib/ident/ident.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t *b = malloc(size + 8);
	if (!b)
		return 0;
	memcpy(b, "\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", 8);
	memcpy(b + 8, data, size);
	struct cr_src src = {.size = size + 8, .mem = b, .fd = -1};
	size_t tl = src.size < CR_TAIL_WIN ? (size_t)src.size : CR_TAIL_WIN;
	struct cr_view v = {&src, src.size, b, src.size < CR_HEAD_WIN ? (size_t)src.size : CR_HEAD_WIN,
			    b + src.size - tl, tl};
	(void)cr_ole_subtype(&v);
	free(b);
	return 0;
}
