/* fuzz_ole - the OLE walker: FAT and mini FAT chains, the directory tree, VBA projects. */
#include "scan_prefixed.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	scan_prefixed("\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", 8, data, size, "fuzz.doc");
	return 0;
}
