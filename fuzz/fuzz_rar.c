/* fuzz_rar - the RAR5 and RAR4 header walkers (first byte picks the version); stream names. */
#include "scan_prefixed.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size == 0)
		return 0;
	if (data[0] & 1)
		scan_prefixed("Rar!\x1a\x07\x01\x00", 8, data + 1, size - 1, "fuzz.rar");
	else
		scan_prefixed("Rar!\x1a\x07\x00", 7, data + 1, size - 1, "fuzz.rar");
	return 0;
}
