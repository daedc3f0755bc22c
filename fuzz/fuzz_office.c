/* fuzz_office - OOXML parts: relationships, Word field codes (expat, prefixes stripped, fields joined across runs). */
#include <string.h>

#include "../src/lib/core/scan.h"
#include "../src/lib/rules/office.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const parts[] = {"word/_rels/settings.xml.rels", "word/document.xml"};
	for (size_t i = 0; i < 2; i++) {
		struct cr_scan s;
		memset(&s, 0, sizeof s);
		struct cr_entry e = {.name = (const uint8_t *)parts[i], .namelen = strlen(parts[i]), .kind = E_FILE};
		struct cr_src src = {.size = size, .mem = data, .fd = -1};
		cr_office_part(&s, T_DOCX, &e, &src);
		if (e.nnotes > CR_MAX_NOTES)
			__builtin_trap();
	}
	return 0;
}
