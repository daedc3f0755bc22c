/* fuzz_pdf - the PDF walker: object scan, the value parser, object streams, embedded files. */
#include "scan_prefixed.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	scan_prefixed("%PDF-1.7\n", 9, data, size, "fuzz.pdf");
	return 0;
}
