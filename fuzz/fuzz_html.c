/* fuzz_html - the page reader (decoding, tokenizer, tree model, sinks), fed in chunks whose sizes come from the input. */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <stdlib.h>

#include "../src/lib/rules/html.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size == 0)
		return 0;
	size_t chunk = (size_t)(data[0] % 17) + 1;
	bool xml = data[0] & 0x80;
	struct cr_html *a = cr_html_new(data + 1, size - 1, xml), *b = cr_html_new(data + 1, size - 1, xml);
	if (!a || !b) {
		cr_html_free(a);
		cr_html_free(b);
		return 0;
	}
	for (size_t i = 1; i < size; i += chunk)
		cr_html_feed(a, data + i, size - i < chunk ? size - i : chunk);
	cr_html_feed(b, data + 1, size - 1);
	cr_html_finish(a);
	cr_html_finish(b);
	/* Chunking must never change the answer. */
	if ((cr_html_script(a) == NULL) != (cr_html_script(b) == NULL) ||
	    (cr_html_smuggling(a) == NULL) != (cr_html_smuggling(b) == NULL) ||
	    (cr_html_bomb(a) == NULL) != (cr_html_bomb(b) == NULL))
		__builtin_trap();
	/* Nor the payload handed on to be scanned. */
	size_t na = 0, nb = 0;
	const char *name;
	const uint8_t *pa = cr_html_payload(a, &na, &name), *pb = cr_html_payload(b, &nb, &name);
	if ((pa == NULL) != (pb == NULL) || na != nb || (pa && memcmp(pa, pb, na) != 0))
		__builtin_trap();
	cr_html_free(a);
	cr_html_free(b);
	return 0;
}
