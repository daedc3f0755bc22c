/*
 * fuzz_zipsub - the ZIP subtype walker (local headers, EOCD, central
 * directory) and the tail search, on input that always starts with a
 * local header signature.
 */
#include "view.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_view fv;
	if (fuzz_view(&fv, "PK\3\4", 4, data, size) != 0)
		return 0;
	struct cr_zip_end z;
	cr_zip_end_find(&fv.v, &z);
	(void)cr_zip_subtype(&fv.v, &z, 0);
	uint64_t off;
	(void)cr_magic_tail(&fv.v, &z, &off);
	free(fv.buf);
	return 0;
}
