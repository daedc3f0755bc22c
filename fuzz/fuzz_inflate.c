/*
 * fuzz_inflate - the inflate wrapper (codec/deflate.c): ISA-L against zlib
 * on every input, raw deflate, gzip or zlib as the first byte says, decoded
 * whole and in the steps the second byte picks.  Any answer the two do
 * not share, beyond the one allowed difference (inflate_diff.h), aborts.
 */
#define INFLATE_DIFF_CAP (4u << 20)
#include "inflate_diff.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 2)
		return 0;
	enum wrapper w = (enum wrapper)(data[0] % 3);
	static const size_t steps[][2] = {{1u << 30, 256u << 10}, {7, 4096}, {1, 65536}, {4096, 1}, {3, 17}};
	const size_t *step = steps[data[1] % 5];
	data += 2;
	size -= 2;
	char msg[256];
	size_t out;
	/* The small output steps move ISA-L's history at every call: kept to small streams, as in the test. */
	if (inflate_diff(w, data, size, steps[0], &out, msg, sizeof msg) == DIFFERENT ||
	    ((step != steps[0] && out <= 65536 && size <= 4096) &&
	     inflate_diff(w, data, size, step, &out, msg, sizeof msg) == DIFFERENT)) {
		static const char *const names[] = {"raw deflate", "gzip", "zlib"};
		fprintf(stderr, "fuzz_inflate: ISA-L and zlib disagree (%s): %s\n", names[w], msg);
		abort();
	}
	return 0;
}
