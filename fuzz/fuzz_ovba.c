/* fuzz_ovba - MS-OVBA decompression: chunk headers, copy tokens, cut chunks, the cap. */
#include <stdlib.h>

#include "../src/lib/codec/ovba.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* A small cap too, so that stopping mid-token is exercised. */
	static uint8_t out[1u << 16];
	enum cr_ovba res;
	size_t n = cr_ovba_decompress(data, size, out, size & 1 ? 100 : sizeof out, &res);
	if (n > sizeof out || (res == OVBA_CAPPED && n != (size & 1 ? 100u : sizeof out)))
		__builtin_trap();
	return 0;
}
