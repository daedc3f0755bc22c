/* fuzz_pdffilter - the PDF stream filters and predictors, each on the input, with a small cap too. */
#include <stdlib.h>

#include "../src/lib/codec/pdf_filters.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 2)
		return 0;
	/* The first byte picks the filter and the predictor; the rest is the stream. */
	static const enum cr_pdf_filter f[] = {PF_FLATE, PF_LZW, PF_AHX, PF_A85, PF_RL, PF_NONE};
	struct cr_pdf_parms pp = {.predictor = data[1] & 1 ? 10 + (data[1] >> 1) % 6 : (data[1] >> 1) % 3,
				  .colors = 1 + (data[1] >> 4) % 4, .bpc = 8, .columns = 1 + data[1] % 7,
				  .early = data[0] >> 7};
	uint8_t *out;
	size_t n;
	size_t cap = data[0] & 0x40 ? 64 : 1u << 20;
	enum cr_pdf_dec d = cr_pdf_decode(f[(data[0] & 0x3f) % 6], &pp, data + 2, size - 2, cap, &out, &n);
	if (n > cap || (d == PDEC_CAPPED && n != cap && f[(data[0] & 0x3f) % 6] != PF_FLATE && pp.predictor < 10))
		__builtin_trap();
	free(out);
	return 0;
}
