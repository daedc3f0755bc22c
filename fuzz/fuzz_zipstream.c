/*
 * fuzz_zipstream - the ZIP walker with every central directory streamed
 * from the object record by record (formats/zip.c, stream_dir), held only
 * where it cannot be: the reader, the second pass and the streaming
 * reading's cursor over it.  test_zipstream compares both readings' JSON.
 */
#include "scan_prefixed.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int once;
	if (!once) {
		setenv("CRIBLE_ZIP_STREAM_MIN", "0", 1);	/* read at the first directory */
		once = 1;
	}
	scan_prefixed("PK\3\4", 4, data, size, "fuzz.zip");
	return 0;
}
