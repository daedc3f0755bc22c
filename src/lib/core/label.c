/* label.c - entry names as `where` labels. */
#include <stdlib.h>

#include "../formats/format.h"

char *cr_entry_label(const uint8_t *name, size_t len)
{
	if (len > 4096)
		len = 4096;
	size_t n = 0;
	for (size_t i = 0; i < len; i++)
		n += name[i] ? 1 : 2;
	char *s = malloc(n + 1);
	if (!s)
		return NULL;
	size_t k = 0;
	for (size_t i = 0; i < len; i++) {
		if (name[i]) {
			s[k++] = (char)name[i];
		} else {
			s[k++] = '\\';
			s[k++] = '0';
		}
	}
	s[k] = '\0';
	return s;
}
