/* fuzz_tar - the TAR walker: headers, GNU long names, pax records, links. */
#include "scan_prefixed.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	scan_prefixed("", 0, data, size, "fuzz.tar");
	return 0;
}
