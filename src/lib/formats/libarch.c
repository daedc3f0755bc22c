/*
 * libarch.c - containers read through libarchive: 7z, CAB, ISO 9660,
 * cpio, ar/deb, RPM, XAR, lzip and compress (.Z) streams, and the data
 * of compressed RAR entries (rar.c walks the RAR headers itself).
 *
 * Only the reader for the detected format is enabled, not every reader
 * libarchive has: less code facing the input.  Data comes out through
 * archive_read_data() in chunks and is charged to the limits as it
 * comes, into a spool, then scanned as a child.
 */
#include <archive.h>
#include <archive_entry.h>
#include <stdlib.h>
#include <string.h>

#include "format.h"

#define IOBUF (64u * 1024u)
#define CHUNK (256u * 1024u)

struct io {
	const struct cr_src *src;
	struct cr_scan *s;
	uint64_t pos;
	uint8_t buf[IOBUF];
};

static la_ssize_t io_read(struct archive *a, void *ud, const void **out)
{
	(void)a;
	struct io *io = ud;
	/* A reader looping over its input (seen: Rock Ridge CE loops) stops at the deadline. */
	if (cr_stopped(io->s))
		return -1;
	if (io->src->mem) {
		uint64_t left = io->pos < io->src->size ? io->src->size - io->pos : 0;
		size_t n = left < CHUNK ? (size_t)left : CHUNK;
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
	int64_t p = base + off;
	if (p < 0)
		return ARCHIVE_FATAL;
	io->pos = (uint64_t)p;
	return p;
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

/* Reads the current entry's data into a spool and scans it as `label`. */
static void entry_data(struct cr_scan *s, struct archive *a, const char *label, struct cr_ratio *rt)
{
	struct cr_spool sp;
	cr_spool_init(&sp);
	uint8_t *buf = malloc(CHUNK);
	if (!buf) {
		s->err = CRIBLE_ENOMEM;
		return;
	}
	bool ok = true;
	for (;;) {
		la_ssize_t r = archive_read_data(a, buf, CHUNK);
		if (r == 0)
			break;
		if (r < 0) {
			s->where[s->nwhere++] = label;
			cr_emit(s, F_CONTAINER_CORRUPT, -1, "entry data cannot be read: %s",
				archive_error_string(a) ? archive_error_string(a) : "unknown error");
			s->nwhere--;
			ok = sp.size > 0;
			break;
		}
		if (!cr_count_expanded(s, (uint64_t)r, rt)) {
			ok = false;
			break;
		}
		if (cr_spool_write(&sp, buf, (size_t)r) != 0) {
			s->err = CRIBLE_EIO;
			ok = false;
			break;
		}
	}
	free(buf);
	if (ok) {
		struct cr_src child;
		cr_spool_src(&sp, &child);
		cr_scan_child(s, label, &child, true);
	}
	cr_spool_free(&sp);
}

/*
 * Walks o with libarchive's reader for t.  With `judge`, every entry goes
 * through the entry rules; without, only the data is scanned (rar.c has
 * judged the names from the headers already).
 */
static void walk(struct cr_scan *s, const struct cr_obj *o, enum cr_tid t, bool judge)
{
	struct archive *a = archive_read_new();
	struct io *io = calloc(1, sizeof *io);
	struct cr_names names;
	cr_names_init(&names);
	if (!a || !io) {
		s->err = CRIBLE_ENOMEM;
		goto out;
	}
	io->src = o->src;
	io->s = s;
	if (!enable(a, t)) {
		cr_emit(s, F_CONTAINER_CORRUPT, -1, "no reader for this format: content not inspected");
		goto out;
	}
	archive_read_set_seek_callback(a, io_seek);
	if (archive_read_open2(a, io, NULL, io_read, io_skip, NULL) != ARCHIVE_OK) {
		cr_emit(s, F_CONTAINER_CORRUPT, -1, "cannot be opened: %s",
			archive_error_string(a) ? archive_error_string(a) : "unknown error");
		goto out;
	}
	struct cr_ratio rt = {.compressed = o->view->size};
	struct archive_entry *e;
	for (;;) {
		if (cr_stopped(s))
			break;
		int r = archive_read_next_header(a, &e);
		if (r == ARCHIVE_EOF)
			break;
		if (r < ARCHIVE_WARN) {
			if (archive_read_has_encrypted_entries(a) > 0)
				cr_emit(s, F_CONTAINER_ENCRYPTED, -1, "encrypted headers or entries: content not inspected");
			else
				cr_emit(s, F_CONTAINER_CORRUPT, -1, "%s",
					archive_error_string(a) ? archive_error_string(a) : "damaged archive");
			break;
		}
		if (!cr_count_entry(s))
			break;
		const char *p = archive_entry_pathname_utf8(e);
		bool utf8 = p != NULL;
		if (!p)
			p = archive_entry_pathname(e);
		if (!p)
			p = (t == T_LZIP || t == T_COMPRESS) ? "(decompressed)" : "";
		char *label = strdup(*p ? p : "(unnamed)");
		if (!label) {
			s->err = CRIBLE_ENOMEM;
			break;
		}
		enum cr_ekind kind = kind_of(e);
		if (judge) {
			const char *lk = kind == E_HARDLINK ? archive_entry_hardlink(e)
					 : kind == E_SYMLINK ? archive_entry_symlink(e) : NULL;
			struct cr_entry ce = {.name = (const uint8_t *)p, .namelen = strlen(p), .utf8 = utf8,
					      .kind = kind, .link = (const uint8_t *)lk, .linklen = lk ? strlen(lk) : 0,
					      .has_mode = true, .mode = archive_entry_mode(e) & 07777};
			s->where[s->nwhere++] = label;
			if (t != T_LZIP && t != T_COMPRESS)
				cr_rules_entry(s, &names, &ce);
			if (archive_entry_is_encrypted(e))
				cr_emit(s, F_CONTAINER_ENCRYPTED, -1, "encrypted entry: content not inspected");
			s->nwhere--;
		}
		if (kind == E_FILE && !archive_entry_is_encrypted(e))
			entry_data(s, a, label, &rt);
		free(label);
	}
out:
	cr_names_free(&names);
	if (a)
		archive_read_free(a);
	free(io);
}

struct job {
	const struct cr_obj *o;
	enum cr_tid t;
	bool judge;
};

static void run(struct cr_scan *s, void *arg)
{
	struct job *j = arg;
	walk(s, j->o, j->t, j->judge);
}

/* libarchive is not ours to harden: it runs in a sandboxed child (core/sandbox.c). */
void cr_walk_libarchive(struct cr_scan *s, const struct cr_obj *o, enum cr_tid t)
{
	struct job j = {o, t, true};
	cr_sandbox(s, run, &j, "archive reader");
}

void cr_libarchive_rar_data(struct cr_scan *s, const struct cr_obj *o, enum cr_tid t)
{
	struct job j = {o, t, false};
	cr_sandbox(s, run, &j, "RAR decoder");
}
