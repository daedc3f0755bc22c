/*
 * fuzz_extract - the extractor: any input, extracted with the flags a
 * hash of it picks, into a folder inside a private arena that nothing
 * else may touch (extract_arena.h).  The input is the archive as it is
 * (so the generated samples replay as themselves).  The walkers crible
 * owns are the target (libarchive's containers are left uninspected),
 * and the path, link and entry rules are lowered to low, so the writer's
 * own containment is what is tested.
 */
#include "extract_arena.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	unsigned h = (unsigned)size;
	for (size_t i = 0; i < size; i += 1 + size / 64)
		h = h * 31u + data[i];
	uint8_t sel = (uint8_t)(h ^ (h >> 8));
	arena_extract(data, size, (sel & 1 ? CRIBLE_X_SANITIZE : 0) | (sel & 2 ? CRIBLE_X_WINDOWS : 0) |
					  (sel & 4 ? CRIBLE_X_HASH : 0));
	return 0;
}
