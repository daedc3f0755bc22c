/* fuzz_text - the text classifiers (scripts, markup, JSON, CSV, UTF-16). */
#include <stdint.h>

#include "../src/lib/ident/ident.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cr_ident id;
	(void)cr_text_classify(data, size, size, &id);
	/* Also as the head of a larger object: truncated lines and values. */
	(void)cr_text_classify(data, size, size + 1000, &id);
	return 0;
}
