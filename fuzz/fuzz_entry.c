/*
 * fuzz_entry - the entry rules on a sequence of fuzzed entries: names,
 * link targets, kinds, modes (path.*, link.*, collisions).  Records are
 * separated by NUL NUL; within one, the first byte is the kind and a
 * single NUL splits the name from the link target.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../src/lib/core/scan.h"
#include "../src/lib/rules/entry.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static crible_ctx *ctx;
	if (!ctx)
		ctx = crible_ctx_new();
	crible_result *r = calloc(1, sizeof *r);
	if (!r)
		return 0;
	const char *where[2] = {"fuzz", "entry"};
	struct cr_scan s = {.ctx = ctx, .res = r, .where = where, .nwhere = 2, .wcap = 2, .err = CRIBLE_OK};
	struct cr_names n;
	cr_names_init(&n);
	size_t i = 0;
	while (i < size && s.err == CRIBLE_OK) {
		size_t e = i;
		while (e + 1 < size && !(data[e] == 0 && data[e + 1] == 0))
			e++;
		if (e + 1 >= size)
			e = size;
		if (e > i) {
			const uint8_t *rec = data + i;
			size_t len = e - i;
			const uint8_t *z = memchr(rec + 1, 0, len - 1);
			struct cr_entry ent = {.name = rec + 1, .namelen = z ? (size_t)(z - rec - 1) : len - 1,
					       .utf8 = rec[0] & 0x80, .kind = (enum cr_ekind)(rec[0] % 7),
					       .link = z ? z + 1 : NULL, .linklen = z ? (size_t)(rec + len - z - 1) : 0,
					       .has_mode = rec[0] & 0x40, .mode = (uint32_t)rec[0] << 5};
			cr_rules_entry(&s, &n, &ent);
		}
		i = e + 2;
	}
	cr_names_free(&n);
	crible_result_free(r);
	return 0;
}
