/* fuzz_compress - the stream decoders (gzip, bzip2, xz, zstd, lz4): the first byte picks one. */
#include "scan_prefixed.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct {
		const char *magic;
		size_t len;
	} m[] = {{"\x1f\x8b\x08", 3}, {"BZh9", 4}, {"\xfd" "7zXZ\0", 6}, {"\x28\xb5\x2f\xfd", 4}, {"\x04\x22\x4d\x18", 4}};
	if (size == 0)
		return 0;
	unsigned k = data[0] % 5;
	scan_prefixed(m[k].magic, m[k].len, data + 1, size - 1, "fuzz.bin");
	return 0;
}
