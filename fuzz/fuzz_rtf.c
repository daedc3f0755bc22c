/* fuzz_rtf - the RTF walker: Word's tolerant tokenizer, \objdata (hex, \bin, OLE1 headers), fields. */
#include "scan_prefixed.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	scan_prefixed("{\\rt", 4, data, size, "fuzz.rtf");
	return 0;
}
