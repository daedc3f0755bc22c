/* fuzz_html - the streaming script finder, fed in chunks whose sizes come from the input. */
#include <stdint.h>

#include "../src/lib/rules/html.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size == 0)
		return 0;
	size_t chunk = (size_t)(data[0] % 17) + 1;
	struct cr_html a, b;
	cr_html_init(&a);
	cr_html_init(&b);
	for (size_t i = 1; i < size; i += chunk)
		cr_html_feed(&a, data + i, size - i < chunk ? size - i : chunk);
	cr_html_feed(&b, data + 1, size - 1);
	/* Chunking must never change the answer. */
	if (a.found != b.found)
		__builtin_trap();
	return 0;
}
