/*
 * iso.c - ISO 9660 images, judged under every name space a reader uses.
 *
 * Linux (and libarchive, bsdtar) read the Rock Ridge names of the primary
 * tree; Windows and 7-Zip read the Joliet tree; a reader without either
 * writes the primary identifiers.  One image can say notes.txt to the
 * first, notes.bat to the second and RUN.BAT to the third, or list a file
 * in one tree only.  libarchive reads the data, in a worker, as for the
 * other libarchive formats; layout/iso.c reads the names of both trees.
 *
 *  - The primary tree is read with libarchive (Joliet off), and each entry
 *    carries its other names (primary identifier, Joliet) as alternates:
 *    the path and by-extension rules judge every one of them.
 *  - Names that disagree on a file's extension are type.mismatch: the
 *    same bytes open as a note on Linux and run on Windows.
 *  - Files only the Joliet tree lists get the Joliet reading in full.
 *  - When the trees cannot all be read (damage, Rock Ridge relocation,
 *    bounds), every reading runs in full: Rock Ridge, Joliet, primary.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/scan.h"
#include "../layout/iso.h"
#include "../rules/entry.h"
#include "format.h"
#include "libarch.h"

struct iso {
	struct cr_iso_names m;
	int ns;			/* the name space libarchive lists in this reading */
	bool first;		/* the first reading: names disagreeing are reported here */
	bool all_data;		/* judge every entry's data, not only what the first reading lacked */
	size_t *slot;		/* open addressing: index + 1 into m.f by its name in ns */
	bool *used;		/* m.f[i] was listed by some libarchive reading */
	size_t nslot;
	char note[512];
};

static uint64_t hash(const uint8_t *p, size_t n)
{
	uint64_t h = 1469598103934665603ull;
	for (size_t i = 0; i < n; i++)
		h = (h ^ p[i]) * 1099511628211ull;
	return h;
}

/* Indexes the files by their names in ns. */
static bool index_names(struct iso *x, int ns)
{
	size_t n = 16;
	while (n < 2 * x->m.n + 1)
		n *= 2;
	free(x->slot);
	x->slot = calloc(n, sizeof *x->slot);
	if (!x->slot)
		return false;
	x->nslot = n;
	x->ns = ns;
	for (size_t i = 0; i < x->m.n; i++) {
		const struct cr_iso_file *f = &x->m.f[i];
		if (!f->path[ns])
			continue;
		size_t k = hash((const uint8_t *)f->path[ns], f->len[ns]) & (n - 1);
		while (x->slot[k])
			k = (k + 1) & (n - 1);
		x->slot[k] = i + 1;
	}
	return true;
}

/* The file libarchive lists as name (which keeps versions other than ";1": tried without). */
static const struct cr_iso_file *find(const struct iso *x, const uint8_t *name, size_t len)
{
	for (int pass = 0; pass < 2; pass++) {
		for (size_t k = hash(name, len) & (x->nslot - 1); x->slot[k]; k = (k + 1) & (x->nslot - 1)) {
			const struct cr_iso_file *f = &x->m.f[x->slot[k] - 1];
			if (f->len[x->ns] == len && memcmp(f->path[x->ns], name, len) == 0)
				return f;
		}
		size_t v = len;
		while (v > 0 && name[v - 1] >= '0' && name[v - 1] <= '9')
			v--;
		if (x->ns == CR_ISO_RR || v == len || v == 0 || name[v - 1] != ';')
			break;
		len = v - 1;
	}
	return NULL;
}

/* Whether the extension claims something that runs: by crible's types, or by Windows' list. */
static bool ext_dangerous(const char *p, size_t n)
{
	if (cr_winext_runs((const uint8_t *)p, n))
		return true;
	const char *base = p;
	for (size_t i = 0; i < n; i++)
		if (p[i] == '/')
			base = p + i + 1;
	char name[256];
	size_t bl = (size_t)(p + n - base) < sizeof name ? (size_t)(p + n - base) : sizeof name - 1;
	memcpy(name, base, bl);
	name[bl] = '\0';
	size_t el;
	const char *e = cr_name_ext(name, &el);
	enum cr_tid t[16];
	size_t k = e ? cr_types_by_ext(e, el, t, 16) : 0;
	for (size_t i = 0; i < k; i++)
		if (cr_type_dangerous(t[i], false))
			return true;
	return false;
}

/* Who reads each name space. */
static const char *const ns_name[CR_ISO_NS] = {"primary", "Rock Ridge", "Joliet", "Rock Ridge (7-Zip)"};
static const char *const ns_reader[CR_ISO_NS] = {"a reader without Rock Ridge or Joliet", "Linux", "Windows",
						 "7-Zip"};

static bool decorate(void *arg, struct cr_entry *e)
{
	struct iso *x = arg;
	/* libarchive names an image's files "./dir/file" when the root's Rock Ridge name is ".". */
	const uint8_t *name = e->name;
	size_t len = e->namelen;
	while (len > 2 && name[0] == '.' && name[1] == '/')
		name += 2, len -= 2;
	if (e->kind == E_DIR && len > 1 && name[len - 1] == '/')
		len--;
	const struct cr_iso_file *f = find(x, name, len);
	if (!f)
		return true;
	x->used[f - x->m.f] = true;
	for (int ns = 0; ns < CR_ISO_NS; ns++)
		if (f->path[ns] && (f->len[ns] != len || memcmp(f->path[ns], name, len) != 0))
			cr_entry_alt(e, (const uint8_t *)f->path[ns], f->len[ns], ns == CR_ISO_JOLIET);
	/* A later reading: a file the primary tree shares was judged by the first, names and data. */
	if (!x->first) {
		e->flags |= CR_E_OTHER_READING;
		return x->all_data || !f->path[CR_ISO_PRIMARY];
	}
	if (e->kind != E_FILE && e->kind != E_HARDLINK)
		return true;	/* the extension matters for what opens as a file */
	/* Rock Ridge against Joliet first (Linux against Windows), then each against the primary name. */
	static const int pairs[3][2] = {{CR_ISO_RR, CR_ISO_JOLIET}, {CR_ISO_RR, CR_ISO_PRIMARY},
					{CR_ISO_JOLIET, CR_ISO_PRIMARY}};
	for (int i = 0; i < 3; i++) {
		int a = pairs[i][0], b = pairs[i][1];
		if (!f->path[a] || !f->path[b] ||
		    !cr_iso_ext_differ(f->path[a], f->len[a], f->path[b], f->len[b], false, b == CR_ISO_PRIMARY))
			continue;
		bool high = ext_dangerous(f->path[a], f->len[a]) || ext_dangerous(f->path[b], f->len[b]);
		snprintf(x->note, sizeof x->note,
			 "the %s name %.*s and the %s name %.*s disagree on the extension: %s opens one, %s the other",
			 ns_name[a], (int)(f->len[a] > 160 ? 160 : f->len[a]), f->path[a], ns_name[b],
			 (int)(f->len[b] > 160 ? 160 : f->len[b]), f->path[b], ns_reader[a], ns_reader[b]);
		cr_entry_note(e, F_TYPE_MISMATCH, high ? CRIBLE_SEV_HIGH : CRIBLE_SEV_LOW, x->note);
		break;
	}
	return true;
}

/*
 * One reading of the image, libarchive listing name space ns, decorated
 * with the other names.  A reading after the first is another extraction
 * (another platform's): its names collide and link among themselves only.
 */
static void reading(struct cr_walk *w, unsigned how, struct iso *x, int ns, bool all_data)
{
	bool first = !x->nslot;
	if (!index_names(x, ns)) {
		w->s->err = CRIBLE_ENOMEM;
		return;
	}
	x->first = first;
	x->all_data = all_data;
	void *l = cr_la_consumer_new(w, false);
	if (!l) {
		w->s->err = CRIBLE_ENOMEM;
		return;
	}
	cr_la_consumer_decorate(l, decorate, x);
	struct cr_names own, *saved = w->names;
	if (!first) {
		cr_names_init(&own);
		w->names = &own;
	}
	cr_reader_run(w, w->o->src, T_ISO9660, how, &cr_la_consumer_events, l, "archive reader");
	cr_la_consumer_free(l);
	if (!first) {
		if (w->s->err == CRIBLE_OK && !cr_walk_stopped(w))
			cr_names_final(w->s, &own);
		cr_names_free(&own);
		w->names = saved;
	}
}

/*
 * What the directories list and no libarchive reading did (libarchive
 * refused the image, or stopped inside it, where 7-Zip reads on): each
 * such file is judged from its directory record, with its data where the
 * record puts it (zisofs-compressed data is judged as stored).
 */
static void unlisted(struct cr_walk *w, struct iso *x)
{
	const struct cr_obj *o = w->o;
	for (size_t i = 0; i < x->m.n && !cr_walk_stopped(w); i++) {
		const struct cr_iso_file *f = &x->m.f[i];
		if (x->used[i])
			continue;
		static const int order[] = {CR_ISO_RR, CR_ISO_JOLIET, CR_ISO_PRIMARY, CR_ISO_RR7};
		struct cr_entry e = {.kind = f->dir ? E_DIR : E_FILE};
		for (size_t k = 0; k < sizeof order / sizeof *order; k++) {
			int ns = order[k];
			if (!f->path[ns])
				continue;
			if (!e.name) {
				e.name = (const uint8_t *)f->path[ns];
				e.namelen = f->len[ns];
				e.utf8 = ns == CR_ISO_JOLIET;
			} else if (f->len[ns] != e.namelen || memcmp(f->path[ns], e.name, e.namelen)) {
				cr_entry_alt(&e, (const uint8_t *)f->path[ns], f->len[ns], ns == CR_ISO_JOLIET);
			}
		}
		if (!e.name)
			continue;
		cr_entry_note(&e, F_CONTAINER_CORRUPT, -1, "the image's directories list it and the archive reader did "
			      "not: judged from its directory record");
		struct cr_src d;
		bool have = !f->dir && cr_src_slice(o->src, (uint64_t)f->extent * 2048u, f->size, &d);
		cr_entry(w, &e, have ? &d : NULL);
	}
}

static void walk_iso(struct cr_walk *w)
{
	struct iso x = {0};
	if (cr_iso_names_read(w->o->view, &x.m) != 0 || !(x.used = calloc(x.m.n ? x.m.n : 1, sizeof *x.used))) {
		cr_iso_names_free(&x.m);
		w->s->err = CRIBLE_ENOMEM;
		return;
	}
	/* libarchive with Joliet off reads the primary tree, by its Rock Ridge names when there are. */
	reading(w, CR_LA_NO_JOLIET, &x, x.m.rr ? CR_ISO_RR : CR_ISO_PRIMARY, true);
	if (!x.m.complete) {
		/* Not every name was read here: libarchive reads each other name space in full. */
		if (x.m.joliet && !cr_walk_stopped(w))
			reading(w, CR_LA_NO_ROCKRIDGE, &x, CR_ISO_JOLIET, true);
		if (x.m.rr && !cr_walk_stopped(w))
			reading(w, CR_LA_NO_ROCKRIDGE | CR_LA_NO_JOLIET, &x, CR_ISO_PRIMARY, true);
	} else if (x.m.joliet_only && !cr_walk_stopped(w)) {
		/* Files only Windows sees: the Joliet reading, judging what the first did not. */
		reading(w, CR_LA_NO_ROCKRIDGE, &x, CR_ISO_JOLIET, false);
	}
	if (w->s->err == CRIBLE_OK && !cr_walk_stopped(w))
		unlisted(w, &x);
	cr_iso_names_free(&x.m);
	free(x.slot);
	free(x.used);
}

static const enum cr_tid iso_types[] = {T_ISO9660, T_UNKNOWN};
const struct cr_format cr_format_iso = {.name = "iso9660", .types = iso_types, .walk = walk_iso, .slices = true};
