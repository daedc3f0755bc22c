/* fuzz_policy - policy text and accept lists, the two inputs an operator writes. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "crible.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	crible_ctx *ctx = crible_ctx_new();
	if (!ctx)
		return 0;
	int line;
	(void)crible_ctx_load_policy(ctx, (const char *)data, size, &line);
	char *s = malloc(size + 1);
	if (s) {
		memcpy(s, data, size);
		s[size] = '\0';
		(void)crible_ctx_set_accept(ctx, s);
		crible_result *r;
		if (crible_scan_mem(ctx, "hello", 5, "a.txt", s, &r) == CRIBLE_OK)
			crible_result_free(r);
		free(s);
	}
	crible_ctx_free(ctx);
	return 0;
}
