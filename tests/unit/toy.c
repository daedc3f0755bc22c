/*
 * toy.c - a format that exists only to prove the walker contract: this
 * file and one line in the format table (the contract test builds the
 * table with -D'CR_FORMATS_EXTRA(X)=X(toy)') are all it takes.  Its type,
 * its identification, its walker and its post-walk rule come from here.
 *
 * Layout: "CRTOY\n", then records until the end:
 *   kind u8 (0 file, 1 directory, 2 symlink), name length u16le, name,
 *   data length u32le, data (a symlink's data is its target).
 * A record that does not fit is container.corrupt.
 */
#include <string.h>

#include "../../src/lib/core/scan.h"
#include "../../src/lib/io/cur.h"

extern const struct cr_format cr_format_toy;

static const struct cr_type toy_types[] = {
	{T_UNKNOWN, "toy", "application/x-crible-toy", C_ARCHIVE, T_UNKNOWN, "toy", "toy archive"},
};

static enum cr_tid bid(const struct cr_view *v, uint64_t *start)
{
	*start = 0;
	if (v->headlen >= 6 && !memcmp(v->head, "CRTOY\n", 6))
		return cr_format_type(&cr_format_toy, 0);
	return T_UNKNOWN;
}

static void walk(struct cr_walk *w)
{
	const struct cr_src *src = w->o->src;
	uint64_t pos = 6;
	while (pos < src->size && !cr_walk_stopped(w)) {
		uint8_t h[3];
		if (cr_src_read(src, pos, h, 3) != 3) {
			cr_emit(w->s, F_CONTAINER_CORRUPT, -1, "truncated record at %llu", (unsigned long long)pos);
			return;
		}
		size_t nl = (size_t)(h[1] | h[2] << 8);
		uint8_t name[65536], lenb[4];
		if (cr_src_read(src, pos + 3, name, nl) != (ssize_t)nl ||
		    cr_src_read(src, pos + 3 + nl, lenb, 4) != 4) {
			cr_emit(w->s, F_CONTAINER_CORRUPT, -1, "truncated record at %llu", (unsigned long long)pos);
			return;
		}
		struct cr_cur c;
		uint32_t dl;
		cur_init(&c, lenb, 4);
		cur_u32le(&c, &dl);
		uint64_t data = pos + 3 + nl + 4;
		struct cr_src d;
		if (!cr_src_slice(src, data, dl, &d)) {
			cr_emit(w->s, F_CONTAINER_CORRUPT, -1, "record data runs past the end");
			return;
		}
		uint8_t target[4096];
		struct cr_entry e = {.name = name, .namelen = nl, .utf8 = true,
				     .kind = h[0] == 1 ? E_DIR : h[0] == 2 ? E_SYMLINK : E_FILE};
		if (e.kind == E_SYMLINK) {
			size_t tl = dl < sizeof target ? dl : sizeof target;
			if (cr_src_read(src, data, target, tl) == (ssize_t)tl) {
				e.link = target;
				e.linklen = tl;
			}
		}
		cr_entry(w, &e, e.kind == E_FILE ? &d : NULL);
		pos = data + dl;
	}
}

/* A whole-object rule: a toy holding a VBA project part is a macro carrier (facts from the walk). */
static void post(struct cr_walk *w)
{
	if (w->facts & (1u << FACT_VBA_PROJECT))
		cr_emit(w->s, F_DOC_MACRO, -1, "the toy holds a VBA project at %s", w->fact_where[FACT_VBA_PROJECT]);
}

const struct cr_format cr_format_toy = {.name = "toy", .own_types = toy_types, .nown = 1, .bid = bid,
					.walk = walk, .post = post};
