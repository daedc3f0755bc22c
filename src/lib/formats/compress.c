/*
 * compress.c - single compressed streams (gzip, bzip2, xz, zstd, lz4):
 * one child, the decompressed data, named after the outer name without
 * its suffix ("x.tar.gz" holds "x.tar").
 *
 * gzip's optional FNAME field (header flag 0x08, after the 10-byte fixed
 * header and an optional FEXTRA) is the name `gunzip -N` and 7-Zip
 * restore: an attacker's choice.  When present the child takes it (its
 * extension is what Windows will run), and the outer-derived name is
 * judged too.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "../core/pipeline.h"
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

/* gzip's FNAME, if present: points *nm into the head window. */
static size_t gzip_fname(const struct cr_obj *o, const uint8_t **nm)
{
	const struct cr_view *v = o->view;
	if (v->headlen < 10 || !(v->head[3] & 0x08))
		return 0;
	size_t i = 10;
	if (v->head[3] & 0x04) {	/* FEXTRA: u16 length, then that many bytes */
		if (v->headlen < 12)
			return 0;
		i = 12 + (size_t)(v->head[10] | v->head[11] << 8);
	}
	if (i >= v->headlen)
		return 0;
	const uint8_t *z = memchr(v->head + i, 0, v->headlen - i);
	if (!z)
		return 0;
	*nm = v->head + i;
	return (size_t)(z - *nm);
}

static void walk_stream(struct cr_walk *w)
{
	struct cr_scan *s = w->s;
	const struct cr_obj *o = w->o;
	enum cr_tid t = w->type;
	enum cr_codec c = t == T_GZIP ? CODEC_GZIP : t == T_BZIP2 ? CODEC_BZIP2 : t == T_XZ ? CODEC_XZ
			  : t == T_ZSTD ? CODEC_ZSTD : CODEC_LZ4;
	char *name = child_name(o->name);
	if (!name) {
		s->err = CRIBLE_ENOMEM;
		return;
	}
	/*
	 * The child is named after the name stored in the stream when there
	 * is one (gzip FNAME: `gunzip -N` and 7-Zip restore it), else after
	 * the outer name; the outer-derived name is judged as well.
	 */
	struct cr_entry e = {.name = (const uint8_t *)name, .namelen = strlen(name), .kind = E_FILE,
			     .flags = CR_E_NAME_OURS | CR_E_COUNTED};
	const uint8_t *fn;
	size_t fl = t == T_GZIP ? gzip_fname(o, &fn) : 0;
	if (fl) {
		e.name = fn;
		e.namelen = fl;
		e.flags = CR_E_COUNTED;
		cr_entry_alt(&e, (const uint8_t *)name, strlen(name), false);
	}
	struct cr_spool sp;
	cr_spool_init(&sp);
	const char *why;
	/* A large stream holding a TAR is walked while it decodes, and the walk stands in for the child's (pipeline.c). */
	struct cr_prepared ahead;
	enum cr_dec d = cr_pipeline_decode(w, &e, c, &sp, &why, &ahead);
	if (d == DEC_CORRUPT)
		cr_emit(s, F_CONTAINER_CORRUPT, -1, "%s", why);
	if (d == DEC_OK || d == DEC_CORRUPT) {
		struct cr_src child;
		cr_spool_src(&sp, &child);
		s->prepared = ahead.res ? &ahead : NULL;
		cr_entry(w, &e, d == DEC_OK || sp.size ? &child : NULL);
		s->prepared = NULL;
	}
	cr_pipeline_done(&ahead);
	cr_spool_free(&sp);
	free(name);
}

static const enum cr_tid stream_types[] = {T_GZIP, T_BZIP2, T_XZ, T_ZSTD, T_LZ4, T_UNKNOWN};
const struct cr_format cr_format_stream = {.name = "stream", .types = stream_types, .walk = walk_stream, .pipelines = true};
