/*
 * fuzz_xml - the XML reading of a page (expat, internal entities under the
 * cap) beside its HTML readings, fed whole and in chunks whose sizes come
 * from the input: the answers must not depend on the chunking.
 */
#include <stdbool.h>
#include <stdint.h>

#include "../src/lib/rules/html.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 2)
		return 0;
	size_t chunk = (size_t)(data[0] % 31) + 1;
	const uint8_t *p = data + 1;
	size_t n = size - 1;
	struct cr_html *a = cr_html_new(p, n, true), *b = cr_html_new(p, n, true);
	if (!a || !b) {
		cr_html_free(a);
		cr_html_free(b);
		return 0;
	}
	for (size_t i = 0; i < n; i += chunk)
		cr_html_feed(a, p + i, n - i < chunk ? n - i : chunk);
	cr_html_feed(b, p, n);
	cr_html_finish(a);
	cr_html_finish(b);
	if ((cr_html_script(a) == NULL) != (cr_html_script(b) == NULL) ||
	    (cr_html_bomb(a) == NULL) != (cr_html_bomb(b) == NULL))
		__builtin_trap();
	cr_html_free(a);
	cr_html_free(b);
	return 0;
}
