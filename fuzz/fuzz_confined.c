/*
 * fuzz_confined - what a compromised extraction worker can send: the
 * host's reading of its messages (extract/confined.c) feeding the writer.
 *
 * Input: u16 archive length, the archive (what stored entries are read
 * from), then the worker's messages, each after a u32 length, as the
 * host would receive them.  Flags from the first archive byte.  After
 * each input the arena must be as extract_arena.h requires: whatever the
 * messages claim, nothing is written outside the folder.
 */
#include "extract_arena.h"

#include "../src/lib/extract/extract.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct feed {
	const uint8_t *msgs;
	size_t len;
};

static crible_err feed_reader(void *arg, const struct cr_src *src, struct cr_xw *w, crible_result **out)
{
	const struct feed *f = arg;
	return cr_confined_feed(src, w, f->msgs, f->len, out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 2)
		return 0;
	size_t alen = (size_t)data[0] | (size_t)data[1] << 8;
	if (alen > size - 2)
		alen = size - 2;
	struct feed f = {data + 2 + alen, size - 2 - alen};
	cr_extract_reader = feed_reader;
	cr_extract_reader_arg = &f;
	uint8_t sel = alen ? data[2] : 0;
	arena_extract(data + 2, alen, (sel & 1 ? CRIBLE_X_SANITIZE : 0) | (sel & 2 ? CRIBLE_X_WINDOWS : 0) |
					(sel & 4 ? CRIBLE_X_HASH : 0));
	cr_extract_reader = NULL;
	return 0;
}
