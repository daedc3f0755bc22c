/*
 * eicar.c - sig.eicar: the EICAR anti-malware test file.
 *
 * Gateways are tested end to end with it, so crible must answer it like
 * any scanner.  The definition (eicar.org): the 68-byte string at the
 * start of the file, optionally followed by white space, 128 bytes at
 * most in all.
 */
#include <string.h>

#include "../core/scan.h"

static const char eicar[] = "X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*";

void cr_rules_eicar(struct cr_scan *s, const struct cr_obj *o)
{
	const struct cr_view *v = o->view;
	size_t n = sizeof eicar - 1;
	if (v->size < n || v->size > 128 || v->headlen < v->size)
		return;
	if (memcmp(v->head, eicar, n) != 0)
		return;
	for (size_t i = n; i < v->headlen; i++) {
		uint8_t c = v->head[i];
		if (c != ' ' && c != '\t' && c != '\r' && c != '\n' && c != 0x1a)
			return;
	}
	cr_emit(s, F_SIG_EICAR, -1, "EICAR anti-malware test file");
}
