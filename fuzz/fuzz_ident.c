/* fuzz_ident - identification alone (every signature, validator and text classifier). */
#include <stdint.h>

#include "crible.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static crible_ctx *ctx;
	if (!ctx) {
		ctx = crible_ctx_new();
		crible_ctx_set_identify_only(ctx, 1);
	}
	crible_result *r = NULL;
	if (crible_scan_mem(ctx, data, size, NULL, NULL, &r) == CRIBLE_OK)
		crible_result_free(r);
	return 0;
}
