/* fuzz_zip - the ZIP walker: central directory, local headers, extras, overlaps, decoders. */
#include "scan_prefixed.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	scan_prefixed("PK\3\4", 4, data, size, "fuzz.zip");
	return 0;
}
