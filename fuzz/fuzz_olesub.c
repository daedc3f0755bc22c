/* fuzz_olesub - the OLE compound file directory walk, behind a valid CFB signature. */
#include "view.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_view fv;
	if (fuzz_view(&fv, "\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", 8, data, size) != 0)
		return 0;
	(void)cr_ole_subtype(&fv.v);
	free(fv.buf);
	return 0;
}
