/*
 * fuzz_wire - what a compromised worker could send: any sequence of
 * messages (u16 length, then the message) decoded by the client and fed
 * to the libarchive consumer, which reports entries into a real scan.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../src/lib/core/scan.h"
#include "../src/lib/formats/libarch.h"
#include "../src/lib/rules/entry.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static crible_ctx *ctx;
	if (!ctx) {
		ctx = crible_ctx_new();
		crible_ctx_set_limit(ctx, CRIBLE_LIMIT_EXPANDED, 16u << 20);
	}
	crible_result *r = calloc(1, sizeof *r);
	if (!r)
		return 0;
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	struct cr_budget bud = {.deadline_ns = (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec + 5000000000ull};
	const char *where[CR_MAX_DEPTH_HARD + 2] = {"fuzz.cpio"};
	struct cr_scan s = {.ctx = ctx, .res = r, .where = where, .nwhere = 1, .wcap = CR_MAX_DEPTH_HARD + 2,
			    .err = CRIBLE_OK, .bud = &bud, .mark_sev = -1};
	struct cr_names names;
	cr_names_init(&names);
	struct cr_walk w = {.s = &s, .type = T_CPIO, .ratio = {.compressed = size + 1}, .names = &names};
	void *c = cr_la_consumer_new(&w, size && (data[0] & 1));
	bool in_entry = false, proto = false;
	size_t i = 1;
	while (c && i + 2 <= size) {
		size_t n = (size_t)(data[i] | data[i + 1] << 8);
		i += 2;
		if (n > size - i)
			n = size - i;
		if (!cr_reader_dispatch(data + i, n, &cr_la_consumer_events, c, &in_entry, &proto))
			break;
		i += n;
	}
	if (c && in_entry && !proto)
		cr_la_consumer_events.end(c, false, "the reader stopped inside this entry");
	cr_la_consumer_free(c);
	for (int k = 0; k < CR_NFACTS; k++)
		free(w.fact_where[k]);
	cr_names_free(&names);
	crible_result_free(r);
	return 0;
}
