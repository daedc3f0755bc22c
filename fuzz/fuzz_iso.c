/*
 * fuzz_iso - the ISO 9660 name reader (layout/iso.c): volume descriptors,
 * primary, Rock Ridge and Joliet directory trees, CE continuations and
 * the pairing of the trees.  The input is the image from block 16 on,
 * or a whole image (the generated samples) when it has its own.
 */
#include "../src/lib/layout/iso.h"
#include "view.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint8_t system_area[16 * 2048];
	struct fuzz_view fv;
	bool whole = size > sizeof system_area + 6 && memcmp(data + sizeof system_area + 1, "CD001", 5) == 0;
	if (fuzz_view(&fv, system_area, whole ? 0 : sizeof system_area, data, size) != 0)
		return 0;
	struct cr_iso_names m;
	if (cr_iso_names_read(&fv.v, &m) == 0) {
		for (size_t i = 0; i + 1 < m.n; i++) {
			const struct cr_iso_file *a = &m.f[i], *b = &m.f[i + 1];
			for (int ns = 0; ns < CR_ISO_NS; ns++)
				if (a->path[ns] && b->path[ns])
					(void)cr_iso_ext_differ(a->path[ns], a->len[ns], b->path[ns], b->len[ns],
								ns == CR_ISO_PRIMARY, ns == CR_ISO_PRIMARY);
		}
		cr_iso_names_free(&m);
	}
	free(fv.buf);
	return 0;
}
