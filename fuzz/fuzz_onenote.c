/* fuzz_onenote - OneNote sections: FileDataStoreObjects found by GUID, lengths past the end. */
#include "scan_prefixed.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	scan_prefixed("\xe4\x52\x5c\x7b\x8c\xd8\xa7\x4d\xae\xb1\x53\x78\xd0\x29\x96\xd3", 16, data, size, "fuzz.one");
	return 0;
}
