/*
 * libarch.c - containers read through libarchive: 7z, CAB, cpio, ar/deb,
 * RPM, XAR, lzip and compress (.Z) streams; and the producer that rar.c
 * uses for compressed RAR data and iso.c for each name space of an image.
 *
 * The producer (cr_la_produce) runs where libarchive may crash or loop
 * without harm: a worker of the broker.  The walker here consumes its
 * events: each entry's data is charged to the limits as it arrives,
 * spooled, and reported through cr_entry() with the entry's name and
 * kind, so the entry rules and the sink see libarchive's entries exactly
 * like those of the formats crible walks itself.
 */
#include <archive.h>
#include <archive_entry.h>
#include <locale.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "../io/utf8.h"
#include "format.h"
#include "libarch.h"

#define IOBUF (64u * 1024u)
#define CHUNK (64u * 1024u)
#define WNAME (64u * 1024u)	/* a name converted from wide characters */

/* --- producer ----------------------------------------------------------- */

struct io {
	const struct cr_src *src;
	uint64_t pos;
	bool (*stop)(void *);
	void *stoparg;
	uint8_t buf[IOBUF];
};

static la_ssize_t io_read(struct archive *a, void *ud, const void **out)
{
	(void)a;
	struct io *io = ud;
	/* A reader looping over its input (seen: Rock Ridge CE loops) stops at the deadline. */
	if (io->stop && io->stop(io->stoparg))
		return -1;
	if (io->src->mem) {
		uint64_t left = io->pos < io->src->size ? io->src->size - io->pos : 0;
		size_t n = left < IOBUF ? (size_t)left : IOBUF;
		*out = io->src->mem + io->pos;
		io->pos += n;
		return (la_ssize_t)n;
	}
	ssize_t r = cr_src_read(io->src, io->pos, io->buf, IOBUF);
	if (r < 0)
		return -1;
	*out = io->buf;
	io->pos += (uint64_t)r;
	return r;
}

static la_int64_t io_seek(struct archive *a, void *ud, la_int64_t off, int whence)
{
	(void)a;
	struct io *io = ud;
	int64_t base = whence == SEEK_SET ? 0 : whence == SEEK_CUR ? (int64_t)io->pos : (int64_t)io->src->size;
	if ((off > 0 && base > INT64_MAX - off) || base + off < 0)
		return ARCHIVE_FATAL;
	io->pos = (uint64_t)(base + off);
	return base + off;
}

static la_int64_t io_skip(struct archive *a, void *ud, la_int64_t n)
{
	(void)a;
	struct io *io = ud;
	if (n < 0)
		return 0;
	uint64_t left = io->pos < io->src->size ? io->src->size - io->pos : 0;
	if ((uint64_t)n > left)
		n = (la_int64_t)left;
	io->pos += (uint64_t)n;
	return n;
}

static bool enable(struct archive *a, enum cr_tid t)
{
	archive_read_support_filter_all(a);
	switch (t) {
	case T_7Z:
		return archive_read_support_format_7zip(a) == ARCHIVE_OK;
	case T_CAB:
		return archive_read_support_format_cab(a) == ARCHIVE_OK;
	case T_ISO9660:
		return archive_read_support_format_iso9660(a) == ARCHIVE_OK;
	case T_CPIO:
		return archive_read_support_format_cpio(a) == ARCHIVE_OK;
	case T_AR:
	case T_DEB:
		return archive_read_support_format_ar(a) == ARCHIVE_OK;
	case T_RPM:
		/* The rpm "filter" strips the lead and headers; the payload is a cpio. */
		return archive_read_support_format_cpio(a) == ARCHIVE_OK;
	case T_XAR:
		return archive_read_support_format_xar(a) == ARCHIVE_OK;
	case T_RAR4:
	case T_RAR5:
		return archive_read_support_format_rar(a) == ARCHIVE_OK &&
		       archive_read_support_format_rar5(a) == ARCHIVE_OK;
	case T_LZIP:
	case T_COMPRESS:
		return archive_read_support_format_raw(a) == ARCHIVE_OK;
	default:
		return false;
	}
}

static enum cr_ekind kind_of(struct archive_entry *e)
{
	if (archive_entry_hardlink(e))
		return E_HARDLINK;
	switch (archive_entry_filetype(e)) {
	case AE_IFDIR:
		return E_DIR;
	case AE_IFLNK:
		return E_SYMLINK;
	case AE_IFCHR:
	case AE_IFBLK:
		return E_DEVICE;
	case AE_IFIFO:
		return E_FIFO;
	case AE_IFSOCK:
		return E_SOCKET;
	default:
		return E_FILE;
	}
}

/*
 * The name as UTF-8 when libarchive cannot convert it (the C locale, no
 * charset modules in a sandboxed worker): from its wide form, which the
 * Unicode-aware readers (RAR, 7z, Joliet) keep.  Writes into buf.
 */
static const char *utf8_from_wide(const wchar_t *w, char *buf, size_t len)
{
	size_t k = 0;
	for (; *w && k + 5 < len; w++)
		k += cr_utf8_encode((uint32_t)*w, (uint8_t *)buf + k);
	buf[k] = '\0';
	return *w ? NULL : buf;	/* too long for buf: let the caller fall back */
}

static const char *errstr(struct archive *a, const char *dflt)
{
	const char *m = archive_error_string(a);
	return m ? m : dflt;
}

/*
 * libarchive converts names to the current locale's charset; in the C
 * locale it cannot convert RAR's or 7-Zip's UTF-16 names at all.  The
 * producer runs under C.UTF-8, made once before any sandbox (the broker
 * calls cr_la_prepare) and selected for this thread only.
 */
static pthread_once_t loc_once = PTHREAD_ONCE_INIT;
static locale_t utf8_locale;

static void loc_init(void) { utf8_locale = newlocale(LC_CTYPE_MASK, "C.UTF-8", (locale_t)0); }

void cr_la_prepare(void) { pthread_once(&loc_once, loc_init); }

void cr_la_produce(const struct cr_src *src, enum cr_tid t, unsigned reading, const struct cr_la_events *ev,
		   void *arg, bool (*stop)(void *), void *stoparg)
{
	cr_la_prepare();
	locale_t saved = utf8_locale ? uselocale(utf8_locale) : (locale_t)0;
	struct archive *a = archive_read_new();
	struct io *io = calloc(1, sizeof *io);
	uint8_t *buf = malloc(CHUNK), *wname = malloc(WNAME);
	if (!a || !io || !buf || !wname) {
		ev->fault(arg, F_CONTAINER_UNINSPECTED, "out of memory in the archive reader");
		goto out;
	}
	io->src = src;
	io->stop = stop;
	io->stoparg = stoparg;
	if (!enable(a, t)) {
		ev->fault(arg, F_CONTAINER_UNINSPECTED, "no reader for this format: content not inspected");
		goto out;
	}
	/* ISO 9660: which name space libarchive reads ("!rockridge", "!joliet"). */
	if (t == T_ISO9660 && (((reading & CR_LA_NO_ROCKRIDGE) &&
				archive_read_set_format_option(a, "iso9660", "rockridge", NULL) != ARCHIVE_OK) ||
			       ((reading & CR_LA_NO_JOLIET) &&
				archive_read_set_format_option(a, "iso9660", "joliet", NULL) != ARCHIVE_OK))) {
		ev->fault(arg, F_CONTAINER_UNINSPECTED, "the archive reader refused a reading: content not inspected");
		goto out;
	}
	archive_read_set_seek_callback(a, io_seek);
	if (archive_read_open2(a, io, NULL, io_read, io_skip, NULL) != ARCHIVE_OK) {
		ev->fault(arg, F_CONTAINER_CORRUPT, errstr(a, "cannot be opened"));
		goto out;
	}
	/*
	 * The raw reader hands on unchanged the bytes no filter took (an lzip
	 * header with a bad dictionary size): that is no decoded stream, and
	 * read as one it is the same object again, one level deeper, until
	 * bomb.depth stops the whole scan (xz's tests/files/bad-1-v1-dict-2.lz).
	 */
	if ((t == T_LZIP || t == T_COMPRESS) &&
	    archive_filter_code(a, 0) != (t == T_LZIP ? ARCHIVE_FILTER_LZIP : ARCHIVE_FILTER_COMPRESS)) {
		ev->fault(arg, F_CONTAINER_CORRUPT, t == T_LZIP ? "an lzip stream the reader cannot decode"
								: "a compress (.Z) stream the reader cannot decode");
		goto out;
	}
	for (;;) {
		struct archive_entry *e;
		int r = archive_read_next_header(a, &e);
		if (r == ARCHIVE_EOF)
			break;
		if (r < ARCHIVE_WARN) {
			if (archive_read_has_encrypted_entries(a) > 0)
				ev->fault(arg, F_CONTAINER_ENCRYPTED, "encrypted headers or entries: content not inspected");
			else
				ev->fault(arg, F_CONTAINER_CORRUPT, errstr(a, "damaged archive"));
			break;
		}
		const char *p = archive_entry_pathname_utf8(e);
		const wchar_t *wp = p ? NULL : archive_entry_pathname_w(e);
		if (wp)
			p = utf8_from_wide(wp, (char *)wname, WNAME);
		struct cr_la_hdr h = {.kind = kind_of(e), .utf8 = p != NULL, .has_mode = true,
				      .mode = (uint32_t)archive_entry_mode(e) & 07777,
				      .encrypted = archive_entry_is_encrypted(e) != 0,
				      .size = archive_entry_size_is_set(e) ? (uint64_t)archive_entry_size(e) : 0};
		if (!p)
			p = archive_entry_pathname(e);
		if (!p)
			p = "";
		h.name = (const uint8_t *)p;
		h.namelen = strlen(p);
		const char *lk = h.kind == E_HARDLINK ? archive_entry_hardlink(e)
				 : h.kind == E_SYMLINK ? archive_entry_symlink(e) : NULL;
		h.link = (const uint8_t *)lk;
		h.linklen = lk ? strlen(lk) : 0;
		if (!ev->entry(arg, &h))
			break;
		bool ok = true;
		const char *why = NULL;
		/* A hard link may carry the data (cpio newc puts it on the last link): read it, it is judged. */
		if ((h.kind == E_FILE || (h.kind == E_HARDLINK && h.size)) && !h.encrypted) {
			for (;;) {
				la_ssize_t n = archive_read_data(a, buf, CHUNK);
				if (n == 0)
					break;
				if (n < 0) {
					ok = false;
					why = errstr(a, "unknown error");
					break;
				}
				if (!ev->data(arg, buf, (size_t)n))
					goto out;
			}
		}
		if (!ev->end(arg, ok, why))
			break;
	}
out:
	free(buf);
	free(wname);
	if (a)
		archive_read_free(a);
	free(io);
	if (saved)
		uselocale(saved);
}

/* --- consumer: the libarchive formats' walker --------------------------- */

struct lw {
	struct cr_walk *w;
	bool raw;		/* lzip, compress: one unnamed stream */
	uint8_t *name, *link;
	struct cr_la_hdr h;
	struct cr_spool sp;
	bool spool_bad;
	bool (*decorate)(void *, struct cr_entry *);
	void *darg;
};

static bool lw_entry(void *arg, const struct cr_la_hdr *h)
{
	struct lw *l = arg;
	free(l->name);
	free(l->link);
	l->h = *h;
	l->name = malloc(h->namelen + 1);
	l->link = h->link ? malloc(h->linklen + 1) : NULL;
	if (!l->name || (h->link && !l->link)) {
		l->w->s->err = CRIBLE_ENOMEM;
		return false;
	}
	memcpy(l->name, h->name, h->namelen);
	if (h->link)
		memcpy(l->link, h->link, h->linklen);
	l->h.name = l->name;
	l->h.link = l->link;
	cr_spool_free(&l->sp);
	cr_spool_init(&l->sp);
	l->spool_bad = false;
	return !cr_walk_stopped(l->w);
}

static bool lw_data(void *arg, const uint8_t *p, size_t n)
{
	struct lw *l = arg;
	return cr_walk_spool(l->w, &l->sp, p, n);
}

static bool lw_end(void *arg, bool ok, const char *why)
{
	struct lw *l = arg;
	char note[512];
	struct cr_entry e = {.name = l->h.name, .namelen = l->h.namelen, .utf8 = l->h.utf8, .kind = l->h.kind,
			     .link = l->h.link, .linklen = l->h.linklen, .has_mode = l->h.has_mode, .mode = l->h.mode,
			     .flags = CR_E_COUNTED | (l->h.encrypted ? CR_E_ENCRYPTED : 0)};
	if (l->raw) {
		/* A single compressed stream: the name is ours, not the input's. */
		e.name = (const uint8_t *)"(decompressed)";
		e.namelen = strlen("(decompressed)");
		e.flags |= CR_E_NAME_OURS;
	} else if (l->h.namelen == 0) {
		e.label = "(unnamed)";
	}
	if (!ok) {
		snprintf(note, sizeof note, "entry data cannot be read: %s", why ? why : "unknown error");
		cr_entry_note(&e, F_CONTAINER_CORRUPT, -1, note);
	}
	bool fresh = !l->decorate || l->decorate(l->darg, &e);
	struct cr_src data;
	cr_spool_src(&l->sp, &data);
	bool have = fresh && (l->h.kind == E_FILE || (l->h.kind == E_HARDLINK && l->sp.size)) && !l->h.encrypted &&
		    (ok || l->sp.size);
	cr_entry(l->w, &e, have ? &data : NULL);
	cr_spool_free(&l->sp);
	cr_spool_init(&l->sp);
	return !cr_walk_stopped(l->w);
}

static bool lw_fault(void *arg, enum cr_fid fid, const char *detail)
{
	struct lw *l = arg;
	cr_emit(l->w->s, fid, -1, "%s", detail);
	return !cr_walk_stopped(l->w);
}

const struct cr_la_events cr_la_consumer_events = {lw_entry, lw_data, lw_end, lw_fault};

void *cr_la_consumer_new(struct cr_walk *w, bool raw)
{
	struct lw *l = calloc(1, sizeof *l);
	if (!l)
		return NULL;
	l->w = w;
	l->raw = raw;
	cr_spool_init(&l->sp);
	return l;
}

void cr_la_consumer_decorate(void *consumer, bool (*fn)(void *arg, struct cr_entry *e), void *arg)
{
	struct lw *l = consumer;
	l->decorate = fn;
	l->darg = arg;
}

void cr_la_consumer_free(void *p)
{
	struct lw *l = p;
	if (!l)
		return;
	cr_spool_free(&l->sp);
	free(l->name);
	free(l->link);
	free(l);
}

static void walk_libarchive(struct cr_walk *w)
{
	void *l = cr_la_consumer_new(w, w->type == T_LZIP || w->type == T_COMPRESS);
	if (!l) {
		w->s->err = CRIBLE_ENOMEM;
		return;
	}
	cr_reader_run(w, w->o->src, w->type, CR_LA_DEFAULT, &cr_la_consumer_events, l, "archive reader");
	cr_la_consumer_free(l);
}

static const enum cr_tid la_types[] = {T_7Z, T_CAB, T_CPIO, T_AR, T_RPM, T_XAR, T_LZIP, T_COMPRESS,
				       T_UNKNOWN};
const struct cr_format cr_format_libarchive = {.name = "libarchive", .types = la_types, .walk = walk_libarchive};
