/*
 * compress.c - single compressed streams (gzip, bzip2, xz, zstd, lz4):
 * one child, the decompressed data, named after the outer name without
 * its suffix ("x.tar.gz" holds "x.tar").
 *
 * gzip's optional FNAME field (header flag 0x08, after the 10-byte fixed
 * header and an optional FEXTRA) is the name `gunzip -N` restores: an
 * attacker's choice, judged like any entry name.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "format.h"

static const struct {
	const char *suffix, *repl;
} suffixes[] = {
	{".tgz", ".tar"}, {".taz", ".tar"}, {".tbz2", ".tar"}, {".tbz", ".tar"}, {".txz", ".tar"},
	{".tzst", ".tar"}, {".gz", ""}, {".bz2", ""}, {".xz", ""}, {".zst", ""}, {".lz4", ""},
};

/* The child's name: the outer base name without a compression suffix. */
static char *child_name(const char *outer)
{
	const char *base = outer ? outer : "";
	for (const char *p = base; *p; p++)
		if (*p == '/' || *p == '\\')
			base = p + 1;
	size_t bl = strlen(base);
	for (size_t i = 0; i < sizeof suffixes / sizeof suffixes[0]; i++) {
		size_t sl = strlen(suffixes[i].suffix);
		if (bl > sl && !strcasecmp(base + bl - sl, suffixes[i].suffix)) {
			size_t rl = strlen(suffixes[i].repl);
			char *n = malloc(bl - sl + rl + 1);
			if (n) {
				memcpy(n, base, bl - sl);
				memcpy(n + bl - sl, suffixes[i].repl, rl + 1);
			}
			return n;
		}
	}
	return strdup("(decompressed)");
}

/* Judges gzip's FNAME, if present. */
static void gzip_fname(struct cr_scan *s, const struct cr_obj *o)
{
	const struct cr_view *v = o->view;
	if (v->headlen < 10 || !(v->head[3] & 0x08))
		return;
	size_t i = 10;
	if (v->head[3] & 0x04) {	/* FEXTRA: u16 length, then that many bytes */
		if (v->headlen < 12)
			return;
		i = 12 + (size_t)(v->head[10] | v->head[11] << 8);
	}
	if (i >= v->headlen)
		return;
	const uint8_t *nm = v->head + i, *z = memchr(nm, 0, v->headlen - i);
	if (!z)
		return;
	char *label = cr_entry_label(nm, (size_t)(z - nm));
	if (!label) {
		s->err = CRIBLE_ENOMEM;
		return;
	}
	s->where[s->nwhere++] = label;
	cr_rules_path(s, nm, (size_t)(z - nm), false);
	s->nwhere--;
	free(label);
}

void cr_walk_compressed(struct cr_scan *s, const struct cr_obj *o, enum cr_tid t)
{
	enum cr_codec c = t == T_GZIP ? CODEC_GZIP : t == T_BZIP2 ? CODEC_BZIP2 : t == T_XZ ? CODEC_XZ
			  : t == T_ZSTD ? CODEC_ZSTD : CODEC_LZ4;
	if (t == T_GZIP)
		gzip_fname(s, o);
	if (!cr_count_entry(s))
		return;
	struct cr_spool sp;
	cr_spool_init(&sp);
	struct cr_ratio rt = {.compressed = o->view->size};
	const char *why;
	enum cr_dec d = cr_decode(s, c, o->src, 0, o->view->size, &sp, 0, &rt, &why);
	if (d == DEC_CORRUPT)
		cr_emit(s, F_CONTAINER_CORRUPT, -1, "%s", why);
	if (d == DEC_OK || (d == DEC_CORRUPT && sp.size)) {
		char *name = child_name(o->name);
		if (!name) {
			s->err = CRIBLE_ENOMEM;
		} else {
			struct cr_src child;
			cr_spool_src(&sp, &child);
			cr_scan_child(s, name, &child, true);
			free(name);
		}
	}
	cr_spool_free(&sp);
}
