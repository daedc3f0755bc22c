/*
 * extract.c - crible_job_extract: the extraction sink on the scan's walk.
 *
 * One pass: the engine walks the archive, judges each entry and offers it
 * to this sink, which writes it into a private staging folder inside the
 * destination (dest.h: every path resolved beneath a descriptor, no
 * symlink followed).  After the walk the result decides:
 *
 *   default     the verdict is block, the readings disagree, or an entry
 *               could not be written as it is: the staging folder goes,
 *               nothing is written;
 *   --sanitize  every entry with a high finding at or under it is
 *               removed from staging, unless its only hazards are in its
 *               name and the written name has them renamed away.
 *
 * Hard links, then symlinks, are made last, in staging; a symlink stays
 * only if the kernel resolves it beneath the staging root (RESOLVE_BENEATH,
 * following the tree's own links) and not onto the root itself.  Then the
 * staging folder's contents are moved into place with RENAME_NOREPLACE,
 * and folder modes are set.
 *
 * Which entries are written: those of the top-level object, or when it
 * is a single compressed stream (gzip, xz, ...) holding an archive, those
 * of that archive, as bsdtar reads a .tar.gz.  Entries inside an entry's
 * data are part of a file written, never written themselves.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <openssl/evp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../rules/yara.h"
#include "../core/scan.h"
#include "../formats/format.h"
#include "dest.h"
#include "extract.h"
#include "xname.h"

#define STAGE_PREFIX ".crible-extract-"
#define COPY_BUF ((size_t)1 << 20) /* bytes copied at a time */

/* Naming hazards the name mapping renames away, by the finding that reports them. */
static bool neutralizable(enum cr_fid f)
{
	switch (f) {
	case F_PATH_ABSOLUTE:
	case F_PATH_ADS:
	case F_PATH_DEVICE:
	case F_PATH_TRAILING:
	case F_PATH_BESTFIT:
	case F_PATH_CONTROL:
	case F_PATH_BIDI:
	case F_ENTRY_SETID:	/* the bits are never written */
		return true;
	default:
		return false;
	}
}

/* Findings that say the readings of the archive disagree: what we would write is not what another tool writes. */
static bool disagreement(enum cr_fid f)
{
	return f == F_CONTAINER_CORRUPT || f == F_CONTAINER_UNINSPECTED || f == F_ZIP_NAME_MISMATCH ||
	       f == F_ZIP_OVERLAP;
}

struct xent {
	char *label;		/* the `where` label */
	char *raw;		/* the stored name, "./" and trailing '/' dropped: hard link targets name it */
	char *path;		/* mapped path, or NULL */
	char *link;		/* symlink target as stored / hard link target (raw form) */
	enum cr_ekind kind;
	uint32_t mode;
	bool has_mode;
	bool has_data;
	uint64_t size;
	char sha[65];
	bool has_sha;
	ino_t ino;
	dev_t dev;
	bool written;		/* exists in staging */
	bool renamed;
	crible_xaction action;
	char *why;
	bool other;		/* another reader's version of an entry written */
	bool made_before;	/* a folder that existed when its entry came */
};

/* A string map for collisions and hard link targets: key -> entry index (-1: a folder made implicitly). */
struct smap {
	char **k;
	long *v;
	size_t cap, used;
};

static uint64_t hash_str(const char *s)
{
	uint64_t h = 1469598103934665603ull;
	for (; *s; s++)
		h = (h ^ (uint8_t)*s) * 1099511628211ull;
	return h;
}

static long *smap_find(struct smap *m, const char *k)
{
	if (!m->cap)
		return NULL;
	for (size_t j = hash_str(k) & (m->cap - 1);; j = (j + 1) & (m->cap - 1)) {
		if (!m->k[j])
			return NULL;
		if (!strcmp(m->k[j], k))
			return &m->v[j];
	}
}

/* Adds k (copied) -> v unless present; 0, 1 when present, -1 on ENOMEM. */
static int smap_add(struct smap *m, const char *k, long v)
{
	if (smap_find(m, k))
		return 1;
	if ((m->used + 1) * 2 > m->cap) {
		size_t nc = m->cap ? m->cap * 2 : 256;
		char **nk = calloc(nc, sizeof *nk);
		long *nv = calloc(nc, sizeof *nv);
		if (!nk || !nv) {
			free(nk);
			free(nv);
			return -1;
		}
		for (size_t i = 0; i < m->cap; i++) {
			if (!m->k[i])
				continue;
			size_t j = hash_str(m->k[i]) & (nc - 1);
			while (nk[j])
				j = (j + 1) & (nc - 1);
			nk[j] = m->k[i];
			nv[j] = m->v[i];
		}
		free(m->k);
		free(m->v);
		m->k = nk;
		m->v = nv;
		m->cap = nc;
	}
	char *c = strdup(k);
	if (!c)
		return -1;
	size_t j = hash_str(k) & (m->cap - 1);
	while (m->k[j])
		j = (j + 1) & (m->cap - 1);
	m->k[j] = c;
	m->v[j] = v;
	m->used++;
	return 0;
}

static void smap_free(struct smap *m)
{
	for (size_t i = 0; i < m->cap; i++)
		free(m->k[i]);
	free(m->k);
	free(m->v);
}

struct cr_xw {
	unsigned flags;
	bool windows, sanitize, hash;
	int dirfd, stage;
	char stagename[64];
	struct cr_dest d;
	struct xent *e;
	size_t n, cap;
	struct smap paths;	/* collision key of every path written (folders too) -> entry */
	struct smap raws;	/* raw name -> entry, for hard links */
	struct smap spell;	/* Windows: folded folder path -> index into spellings */
	char **spellings;	/* the first spelling of each folder */
	size_t nspell, spellcap;
	struct cr_xsel sel;
	/* The data being written: into entry cur (its own file, or a hard link's target). */
	int cur_fd;
	long cur;
	bool cur_target;	/* a hard link's data, into the file of its target */
	bool cur_bad;		/* a write failed, or more came than announced */
	int cur_err;
	uint64_t cur_got, cur_want;
	char **prefix;		/* the `where` of the object whose entries are written */
	size_t nprefix;
	bool have_prefix;
	bool stop;		/* refused or failed: judge on, write nothing */
	crible_xstatus status;
	char *reason;
	bool oom;
	uint64_t files, bytes, max_files, max_bytes, handled;
	mode_t umask;
	crible_progress_fn progress;
	void *parg;
	EVP_MD_CTX *md;
};

static void set_reason(struct cr_xw *x, crible_xstatus st, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void set_reason(struct cr_xw *x, crible_xstatus st, const char *fmt, ...)
{
	if (x->status != CRIBLE_XS_NONE)
		return;	/* the first reason stands */
	x->status = st;
	va_list ap;
	va_start(ap, fmt);
	if (vasprintf(&x->reason, fmt, ap) < 0)
		x->reason = NULL;
	va_end(ap);
	x->stop = true;
}

static struct xent *new_entry(struct cr_xw *x)
{
	if (x->n == x->cap) {
		size_t nc = x->cap ? x->cap * 2 : 256;
		struct xent *ne = realloc(x->e, nc * sizeof *ne);
		if (!ne) {
			x->oom = true;
			return NULL;
		}
		x->e = ne;
		x->cap = nc;
	}
	struct xent *e = &x->e[x->n++];
	memset(e, 0, sizeof *e);
	e->action = CRIBLE_XA_WRITTEN;
	return e;
}

/* A skip: in the default mode it refuses the whole archive. */
static void skip(struct cr_xw *x, struct xent *e, bool refuses, const char *fmt, ...) __attribute__((format(printf, 4, 5)));
static void skip(struct cr_xw *x, struct xent *e, bool refuses, const char *fmt, ...)
{
	e->action = CRIBLE_XA_SKIPPED;
	free(e->why);
	va_list ap;
	va_start(ap, fmt);
	if (vasprintf(&e->why, fmt, ap) < 0)
		e->why = NULL;
	va_end(ap);
	if (refuses && !x->sanitize)
		set_reason(x, CRIBLE_XS_REFUSED, "%s: %s", e->label, e->why ? e->why : "cannot be written");
}

/* --- the stored name: a raw key -------------------------------------------- */

static char *raw_key(const uint8_t *p, size_t n)
{
	while (n >= 2 && p[0] == '.' && p[1] == '/') {
		p += 2;
		n -= 2;
		while (n && p[0] == '/')
			p++, n--;
	}
	while (n && p[n - 1] == '/')
		n--;
	char *k = malloc(n + 1);
	if (!k)
		return NULL;
	for (size_t i = 0; i < n; i++)
		k[i] = p[i] ? (char)p[i] : '\x01';	/* keep a NUL from ending the key */
	k[n] = '\0';
	return k;
}

/* --- what the top-level object is: read through a compressed stream? ------- */

static bool reads_through(const struct cr_sink_entry *se)
{
	if (!(cr_type_get(se->ctype)->cls & C_COMPRESSED) || se->e->kind != E_FILE || !se->data)
		return false;
	const struct cr_src *src = se->data;
	uint8_t *head = malloc(CR_HEAD_WIN), *tail = malloc(CR_TAIL_WIN);
	bool through = false;
	if (head && tail) {
		size_t hl = src->size < CR_HEAD_WIN ? (size_t)src->size : CR_HEAD_WIN;
		size_t tl = src->size < CR_TAIL_WIN ? (size_t)src->size : CR_TAIL_WIN;
		if (cr_src_read(src, 0, head, hl) == (ssize_t)hl &&
		    cr_src_read(src, src->size - tl, tail, tl) == (ssize_t)tl) {
			struct cr_view v = {.src = src, .size = src->size, .head = head, .headlen = hl, .tail = tail,
					    .taillen = tl};
			struct cr_ident id;
			cr_identify(&v, &id, cr_formats_bid);
			through = cr_format_for(id.type) && (cr_type_get(id.type)->cls & (C_ARCHIVE | C_COMPRESSED));
		}
	}
	free(head);
	free(tail);
	return through;
}

/* --- writing one file ----------------------------------------------------- */

static void hex32(const uint8_t d[32], char hex[65])
{
	static const char x[] = "0123456789abcdef";
	for (int i = 0; i < 32; i++) {
		hex[2 * i] = x[d[i] >> 4];
		hex[2 * i + 1] = x[d[i] & 15];
	}
	hex[64] = '\0';
}

static int write_all(int fd, const uint8_t *p, size_t n)
{
	while (n) {
		ssize_t w = write(fd, p, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

/* Copies src into out (SHA-256 into sha when md); 0, or -1 with errno. */
static int copy_data(int out, const struct cr_src *src, EVP_MD_CTX *md, char sha[65])
{
	uint64_t size = src ? src->size : 0;
	if (md && !EVP_DigestInit_ex(md, EVP_sha256(), NULL))
		return -1;
	uint64_t off = 0;
	/*
	 * pread and write through a 1 MiB buffer: on tmpfs copy_file_range
	 * splices page by page and took 1.8 s per GiB against 0.9 s.
	 */
	uint8_t *buf = size && !src->mem ? malloc(COPY_BUF) : NULL;
	if (size && !src->mem && !buf)
		return -1;
	int rc = 0;
	while (off < size && rc == 0) {
		size_t want = size - off < COPY_BUF ? (size_t)(size - off) : COPY_BUF;
		const uint8_t *p = src->mem ? src->mem + off : buf;
		if (!src->mem) {
			ssize_t got = cr_src_read(src, off, buf, want);
			if (got != (ssize_t)want) {
				if (got >= 0)
					errno = EIO;
				rc = -1;
				break;
			}
		}
		if ((md && !EVP_DigestUpdate(md, p, want)) || write_all(out, p, want) != 0)
			rc = -1;
		off += want;
	}
	free(buf);
	if (rc != 0)
		return -1;
	if (md) {
		uint8_t d[32];
		unsigned dl = 0;
		if (!EVP_DigestFinal_ex(md, d, &dl) || dl != 32)
			return -1;
		hex32(d, sha);
	}
	return 0;
}

/* Registers every folder above path (and path itself when dir) in the collision map; -1 on a clash with a file. */
static int register_dirs(struct cr_xw *x, const char *path, bool self)
{
	size_t n = strlen(path);
	char *k = malloc(n + 1);
	if (!k) {
		x->oom = true;
		return -1;
	}
	for (size_t i = 0; i <= n; i++) {
		if (i < n && path[i] != '/')
			continue;
		if (i == n && !self)
			break;
		memcpy(k, path, i);
		k[i] = '\0';
		char *key = cr_xname_key(k, x->windows);
		if (!key) {
			x->oom = true;
			free(k);
			return -1;
		}
		long *v = smap_find(&x->paths, key);
		int rc = 0;
		if (v && *v >= 0 && x->e[*v].kind != E_DIR)
			rc = -1;
		else if (!v && smap_add(&x->paths, key, -1) < 0)
			x->oom = true;
		free(key);
		if (rc) {
			free(k);
			return -1;
		}
	}
	free(k);
	return 0;
}

/* Windows: folders take the spelling they were first written with ("Docs/a", then "docs/b" -> "Docs/b"). */
static char *respell(struct cr_xw *x, char *path)
{
	if (!x->windows)
		return path;
	size_t n = strlen(path);
	for (size_t i = 0; i <= n; i++) {
		if (i < n && path[i] != '/')
			continue;
		char c = path[i];
		path[i] = '\0';
		char *key = cr_xname_key(path, true);
		if (!key) {
			x->oom = true;
			path[i] = c;
			return path;
		}
		long *v = smap_find(&x->spell, key);
		if (v) {
			const char *first = x->spellings[*v];
			if (strlen(first) == i)
				memcpy(path, first, i);
		} else if (c == '/') {
			/* Only folders are remembered: a file's own case is its own. */
			if (x->nspell == x->spellcap) {
				size_t nc = x->spellcap ? x->spellcap * 2 : 64;
				char **ns = realloc(x->spellings, nc * sizeof *ns);
				if (ns) {
					x->spellings = ns;
					x->spellcap = nc;
				}
			}
			char *sp = x->nspell < x->spellcap ? strdup(path) : NULL;
			if (!sp || smap_add(&x->spell, key, (long)x->nspell) < 0) {
				free(sp);
				x->oom = true;
			} else {
				x->spellings[x->nspell++] = sp;
			}
		}
		free(key);
		path[i] = c;
	}
	return path;
}

/* The entry's path, or a numbered one when an earlier entry holds it (sanitized Windows). NULL: skipped. */
static char *claim_path(struct cr_xw *x, struct xent *e, char *path)
{
	for (unsigned k = 1; k < 1000; k++) {
		char *p = k == 1 ? path : cr_xname_numbered(path, k);
		if (!p) {
			x->oom = true;
			break;
		}
		char *key = cr_xname_key(p, x->windows);
		if (!key) {
			x->oom = true;
			if (p != path)
				free(p);
			break;
		}
		long *v = smap_find(&x->paths, key);
		bool clash = v && !(e->kind == E_DIR && (*v < 0 || x->e[*v].kind == E_DIR));
		/*
		 * A folder an earlier entry made keeps its mode, as bsdtar
		 * leaves a folder it did not create (7z lists folders last).
		 */
		if (!clash && v)
			e->made_before = true;
		if (!clash) {
			if (!v && smap_add(&x->paths, key, (long)(e - x->e)) < 0)
				x->oom = true;
			free(key);
			if (p != path) {
				free(path);
				e->renamed = true;
			}
			return p;
		}
		free(key);
		if (p != path)
			free(p);
		if (!(x->sanitize && x->windows)) {
			skip(x, e, true, "another entry writes the same path%s", x->windows ? " on Windows" : "");
			free(path);
			return NULL;
		}
	}
	skip(x, e, true, "%s", "too many entries write the same path");
	free(path);
	return NULL;
}

/* A name of only "." components and '/' (not a root: "./" is the destination, "/" is absolute). */
static bool is_root_name(const uint8_t *p, size_t n)
{
	if (!n || p[0] == '/')
		return false;
	for (size_t i = 0; i < n; i++)
		if (p[i] != '.' && p[i] != '/')
			return false;
	for (size_t i = 0; i + 1 < n; i++)
		if (p[i] == '.' && p[i + 1] == '.')
			return false;
	return true;
}

static struct xent *target_of(struct cr_xw *x, const struct xent *e);
static void unstage(struct cr_xw *x, struct xent *e);

/* Starts writing an entry's data into fd (entry idx, or its target's file). */
static void stream_begin(struct cr_xw *x, int fd, long idx, bool target, uint64_t want)
{
	x->cur_fd = fd;
	x->cur = idx;
	x->cur_target = target;
	x->cur_bad = false;
	x->cur_err = 0;
	x->cur_got = 0;
	x->cur_want = want;
	if (x->hash && !EVP_DigestInit_ex(x->md, EVP_sha256(), NULL)) {
		x->cur_bad = true;
		x->cur_err = ENOMEM;
	}
}

/*
 * A hard link carrying data (cpio newc puts it on the last link): bsdtar
 * writes it through the link, into the file every link shares.
 */
static void hardlink_data(struct cr_xw *x, struct xent *e, uint64_t size)
{
	struct xent *t = target_of(x, e);
	if (!t || !t->written || t->kind != E_FILE || t->action == CRIBLE_XA_SKIPPED) {
		skip(x, e, true, "%s", "a hard link with data to an entry not written as a file");
		return;
	}
	if (size > x->max_bytes || x->bytes > x->max_bytes - size) {
		set_reason(x, CRIBLE_XS_REFUSED, "more than %llu bytes to write (--max-size)",
			   (unsigned long long)x->max_bytes);
		return;
	}
	int fd = cr_dest_open(&x->d, t->path, O_WRONLY | O_TRUNC, 0);
	struct stat st;
	if (fd < 0 || fstat(fd, &st) != 0 || st.st_ino != t->ino || st.st_dev != t->dev) {
		if (fd >= 0)
			close(fd);
		set_reason(x, CRIBLE_XS_FAILED, "%s: its target changed on disk", e->label);
		return;
	}
	x->bytes -= t->size;
	t->size = 0;
	stream_begin(x, fd, (long)(t - x->e), true, size);
}

bool cr_xw_data(struct cr_xw *x, const uint8_t *p, size_t n)
{
	if (x->cur_fd < 0 || x->cur_bad)
		return false;
	if (n > x->cur_want - x->cur_got) {
		x->cur_bad = true;
		x->cur_err = EPROTO;
		return false;
	}
	if ((x->hash && !EVP_DigestUpdate(x->md, p, n)) || write_all(x->cur_fd, p, n) != 0) {
		x->cur_bad = true;
		x->cur_err = errno ? errno : EIO;
		return false;
	}
	x->cur_got += n;
	return true;
}

void cr_xw_end(struct cr_xw *x, bool ok)
{
	if (x->cur_fd < 0)
		return;
	struct xent *e = &x->e[x->cur];
	struct stat st;
	bool fine = ok && !x->cur_bad && x->cur_got == x->cur_want;
	if (fine && !x->cur_target && fstat(x->cur_fd, &st) == 0) {
		e->ino = st.st_ino;
		e->dev = st.st_dev;
	}
	if (close(x->cur_fd) != 0 && fine) {
		fine = false;
		x->cur_err = errno;
	}
	x->cur_fd = -1;
	if (fine && x->hash) {
		uint8_t d[32];
		unsigned dl = 0;
		fine = EVP_DigestFinal_ex(x->md, d, &dl) && dl == 32;
		if (fine)
			hex32(d, e->sha);
		e->has_sha = fine;
	}
	x->bytes += x->cur_got;
	if (x->cur_target) {
		e->size = x->cur_got;
		e->has_data = true;
	}
	if (fine)
		return;
	if (x->cur_bad && x->cur_err && x->cur_err != EPROTO) {
		set_reason(x, CRIBLE_XS_FAILED, "%s: writing it failed: %s", e->label, strerror(x->cur_err));
		return;
	}
	/* The reader could not give all of it (or gave more): never a file cut short. */
	unstage(x, e);
	skip(x, e, true, "%s", "its data could not be read whole");
}

bool cr_xw_broken(const struct cr_xw *x) { return x->oom; }

void cr_xw_refuse(struct cr_xw *x, const char *why)
{
	set_reason(x, x->sanitize ? CRIBLE_XS_FAILED : CRIBLE_XS_REFUSED, "%s", why);
}

/* Creates the entry's file, O_EXCL, beneath its folder; its data follows. */
static void file_begin(struct cr_xw *x, struct xent *e, const struct cr_xin *in)
{
	const char *base;
	int pfd = cr_dest_parent(&x->d, e->path, true, &base);
	if (pfd < 0) {
		set_reason(x, CRIBLE_XS_FAILED, "%s: cannot make its folder: %s", e->label, strerror(errno));
		return;
	}
	mode_t mode = (mode_t)(in->has_mode ? in->mode & 0777 : 0666);
	struct cr_dest at;
	cr_dest_init(&at, pfd);
	int fd = cr_dest_open(&at, base, O_WRONLY | O_CREAT | O_EXCL, mode);
	if (fd < 0) {
		set_reason(x, CRIBLE_XS_FAILED, "%s: cannot create it: %s", e->label, strerror(errno));
		return;
	}
	e->written = true;
	stream_begin(x, fd, (long)(e - x->e), false, in->has_data ? in->size : 0);
}

void cr_xw_entry(struct cr_xw *x, const struct cr_xin *in)
{
	x->handled++;
	if (x->progress)
		x->progress(x->parg, x->handled, x->bytes);
	if (x->stop || x->oom)
		return;
	const struct cr_xin *ce = in;
	struct xent *e = new_entry(x);
	if (!e)
		return;
	e->kind = ce->kind;
	e->has_mode = ce->has_mode;
	e->mode = ce->mode;
	e->has_data = in->has_data;
	e->size = in->has_data ? in->size : 0;
	e->label = strdup(in->where[in->nwhere - 1]);
	e->raw = raw_key(ce->name, ce->namelen);
	if (!e->label || !e->raw) {
		x->oom = true;
		return;
	}
	/* The object whose entries are written is the first one seen; any other is not ours to write. */
	if (!x->have_prefix) {
		x->nprefix = in->nwhere - 1;
		x->prefix = calloc(x->nprefix ? x->nprefix : 1, sizeof *x->prefix);
		if (!x->prefix) {
			x->oom = true;
			return;
		}
		for (size_t i = 0; i < x->nprefix; i++)
			if (!(x->prefix[i] = strdup(in->where[i])))
				x->oom = true;
		x->have_prefix = true;
	} else {
		bool same = in->nwhere - 1 == x->nprefix;
		for (size_t i = 0; same && i < x->nprefix; i++)
			same = !strcmp(x->prefix[i], in->where[i]);
		if (!same) {
			skip(x, e, true, "%s", "an entry of another reading of the input");
			return;
		}
	}
	switch (ce->kind) {
	case E_STREAM:
		skip(x, e, false, "%s", "an NTFS stream: not written");
		return;
	case E_DEVICE:
	case E_FIFO:
	case E_SOCKET:
		skip(x, e, true, "%s", "a device, FIFO or socket: never made");
		return;
	case E_SYMLINK:
		if (x->windows) {
			skip(x, e, false, "%s", "a symlink: NTFS and FAT readers get none");
			return;
		}
		break;
	default:
		break;
	}
	if (ce->flags & CR_E_ENCRYPTED) {
		skip(x, e, true, "%s", "encrypted: cannot be extracted");
		return;
	}
	if (ce->kind == E_SYMLINK || ce->kind == E_HARDLINK) {
		if (!ce->link || !ce->linklen || memchr(ce->link, 0, ce->linklen)) {
			skip(x, e, true, "%s", "a link without a usable target");
			return;
		}
		e->link = ce->kind == E_SYMLINK ? strndup((const char *)ce->link, ce->linklen)
						: raw_key(ce->link, ce->linklen);
		if (!e->link) {
			x->oom = true;
			return;
		}
	}
	/*
	 * Another reading of an entry already here (Python's file for a ZIP
	 * symlink, an ISO's primary tree after Rock Ridge): judged, not
	 * written.  One only another reader lists means the readers disagree.
	 */
	bool known = smap_find(&x->raws, e->raw) != NULL;
	if (((ce->flags & CR_E_NAME_OURS) && known) || (ce->flags & CR_E_OTHER_READING)) {
		if (known) {
			skip(x, e, false, "%s", "another reader's version of an entry written once: judged, not written");
			e->other = true;
		}
		else
			skip(x, e, true, "%s", "only another reader of the archive lists it: the readers disagree");
		return;
	}
	char *path;
	const char *why;
	bool renamed;
	int m = cr_xname_map(ce->name, ce->namelen, x->windows, x->sanitize, &path, &renamed, &why);
	if (m == -2) {
		x->oom = true;
		return;
	}
	/* "./" or "/" as a folder: the destination itself. */
	if (m != 0 && ce->kind == E_DIR && is_root_name(ce->name, ce->namelen)) {
		x->n--;
		free(e->label);
		free(e->raw);
		free(e->link);
		return;
	}
	if (m != 0) {
		skip(x, e, true, "%s", why);
		return;
	}
	e->renamed = renamed;
	path = respell(x, path);
	if (register_dirs(x, path, false) != 0) {
		free(path);
		skip(x, e, true, "%s", "a folder on its path is a file written earlier");
		return;
	}
	if (!(path = claim_path(x, e, path)))
		return;
	e->path = path;
	if (e->renamed)
		e->action = CRIBLE_XA_RENAMED;
	if (ce->kind == E_DIR && register_dirs(x, path, true) != 0) {
		skip(x, e, true, "%s", "a file written earlier has this folder's path");
		return;
	}
	if (!smap_find(&x->raws, e->raw) && smap_add(&x->raws, e->raw, (long)(e - x->e)) < 0)
		x->oom = true;

	/* Quotas, before a byte is written. */
	bool writes = ce->kind == E_FILE || ce->kind == E_DIR || ce->kind == E_HARDLINK || ce->kind == E_SYMLINK;
	if (writes && ++x->files > x->max_files) {
		set_reason(x, CRIBLE_XS_REFUSED, "more than %llu files, folders and links (--max-files)",
			   (unsigned long long)x->max_files);
		return;
	}
	if (ce->kind == E_FILE && (e->size > x->max_bytes || x->bytes > x->max_bytes - e->size)) {
		set_reason(x, CRIBLE_XS_REFUSED, "more than %llu bytes to write (--max-size)",
			   (unsigned long long)x->max_bytes);
		return;
	}
	/* The default mode writes nothing once the verdict is block: judging goes on, for the report. */
	if (!x->sanitize && in->verdict == CRIBLE_BLOCK) {
		x->stop = true;
		return;
	}
	if (ce->kind == E_DIR) {
		if (cr_dest_mkdirs(&x->d, path, 0777) != 0) {
			set_reason(x, CRIBLE_XS_FAILED, "%s: cannot make the folder: %s", e->label, strerror(errno));
			return;
		}
		e->written = true;
		return;
	}
	if (ce->kind == E_HARDLINK && in->has_data && in->size)
		hardlink_data(x, e, in->size);
	else if (ce->kind == E_FILE)
		file_begin(x, e, ce);
	/* In process, the bytes are here: write them now (a worker's follow as chunks). */
	if (in->data && x->cur_fd >= 0) {
		uint8_t *buf = in->data->mem || !in->data->size ? NULL : malloc(COPY_BUF);
		bool ok = in->data->mem || !in->data->size || buf;
		for (uint64_t off = 0; off < in->data->size && ok;) {
			size_t want = in->data->size - off < COPY_BUF ? (size_t)(in->data->size - off) : COPY_BUF;
			const uint8_t *p = in->data->mem ? in->data->mem + off : buf;
			if (!in->data->mem && cr_src_read(in->data, off, buf, want) != (ssize_t)want)
				ok = false;
			else if (!cr_xw_data(x, p, want))
				break;
			off += want;
		}
		free(buf);
		cr_xw_end(x, ok);
	}
}

bool cr_xsel_take(struct cr_xsel *sel, const struct cr_sink_entry *se)
{
	unsigned d = se->depth;
	if (d == 0 || d > CR_MAX_DEPTH_HARD)
		return false;
	for (unsigned k = 1; k < d; k++)
		if (!sel->pass[k])
			return false;	/* inside an entry's data: part of a file written */
	sel->pass[d] = reads_through(se);
	return !sel->pass[d];
}

/* The in-process reading half: the engine's sink, straight into the writer. */
static int sink(void *arg, const struct cr_sink_entry *se)
{
	struct cr_xw *x = arg;
	if (x->oom)
		return 1;
	if (!cr_xsel_take(&x->sel, se))
		return 0;
	const struct cr_entry *ce = se->e;
	struct cr_xin in = {.where = se->where, .nwhere = se->nwhere, .name = ce->name, .namelen = ce->namelen,
			    .kind = ce->kind, .flags = ce->flags, .has_mode = ce->has_mode, .mode = ce->mode,
			    .link = ce->link, .linklen = ce->link ? ce->linklen : 0, .verdict = se->verdict,
			    .has_data = se->data != NULL, .size = se->data ? se->data->size : 0, .data = se->data};
	cr_xw_entry(x, &in);
	return x->oom ? 1 : 0;
}

/* --- after the walk ------------------------------------------------------- */

/* Whether where[0..n) starts with the written object's prefix and names an entry; the entry label or NULL. */
static const char *entry_of(const struct cr_xw *x, char *const *where, size_t n)
{
	if (n <= x->nprefix)
		return NULL;
	for (size_t i = 0; i < x->nprefix; i++)
		if (strcmp(where[i], x->prefix[i]))
			return NULL;
	return where[x->nprefix];
}

static void append_why(struct xent *e, const char *id)
{
	if (e->why && strstr(e->why, id))
		return;
	char *n;
	if (asprintf(&n, "%s%s%s", e->why ? e->why : "", e->why ? ", " : "", id) >= 0) {
		free(e->why);
		e->why = n;
	}
}

/* Sanitize: every entry with a high finding that its renaming does not undo is unsafe. */
static void judge_entries(struct cr_xw *x, const crible_result *r)
{
	/* Entries by label: the first in a map, the others chained (duplicates share their findings). */
	struct smap bylabel = {0};
	long *next = malloc((x->n ? x->n : 1) * sizeof *next);
	if (!next) {
		x->oom = true;
		return;
	}
	for (size_t i = x->n; i-- > 0;) {
		next[i] = -1;
		if (!x->e[i].label)
			continue;
		long *v = smap_find(&bylabel, x->e[i].label);
		if (v) {
			next[i] = *v;
			*v = (long)i;
		} else if (smap_add(&bylabel, x->e[i].label, (long)i) < 0) {
			x->oom = true;
		}
	}
	bool truncated = r->truncated || x->oom;
	for (size_t i = 0; i < x->n; i++) {
		struct xent *e = &x->e[i];
		if (truncated && e->action != CRIBLE_XA_SKIPPED) {
			e->action = CRIBLE_XA_SKIPPED;
			append_why(e, "limit.findings (the report was cut: no entry can be cleared)");
		}
	}
	for (size_t k = 0; k < r->nf && !truncated; k++) {
		const struct cr_find *f = &r->f[k];
		if (f->sev != CRIBLE_SEV_HIGH)
			continue;
		const char *lab = entry_of(x, f->where, f->nwhere);
		if (!lab)
			continue;
		long *first = smap_find(&bylabel, lab);
		for (long i = first ? *first : -1; i >= 0; i = next[i]) {
			struct xent *e = &x->e[i];
			bool own = f->nwhere == x->nprefix + 1;
			if (own && neutralizable(f->fid) && (e->renamed || f->fid == F_ENTRY_SETID) &&
			    e->action != CRIBLE_XA_SKIPPED) {
				append_why(e, cr_fdefs[f->fid].id);
				continue;
			}
			if (e->action != CRIBLE_XA_SKIPPED) {
				e->action = CRIBLE_XA_SKIPPED;
				free(e->why);
				e->why = NULL;
			}
			append_why(e, cr_fdefs[f->fid].id);
		}
	}
	smap_free(&bylabel);
	free(next);
}

/* Removes an unsafe entry from staging. */
static void unstage(struct cr_xw *x, struct xent *e)
{
	if (!e->written || !e->path)
		return;
	const char *base;
	int pfd = cr_dest_parent(&x->d, e->path, false, &base);
	if (pfd >= 0)
		cr_dest_rmtree(pfd, base);
	e->written = false;
}

static struct xent *target_of(struct cr_xw *x, const struct xent *e)
{
	long *v = smap_find(&x->raws, e->link);
	return v ? &x->e[*v] : NULL;
}

/* Hard links: to a regular file this extraction wrote, checked by inode before and after. */
static void make_hardlink(struct cr_xw *x, struct xent *e)
{
	struct xent *t = target_of(x, e);
	if (!t || t->action == CRIBLE_XA_SKIPPED || !t->written || t->kind != E_FILE) {
		skip(x, e, true, "%s", "a hard link to an entry not written as a file");
		return;
	}
	const char *tb, *nb;
	struct cr_dest td;
	cr_dest_init(&td, x->stage);
	int tp = cr_dest_parent(&td, t->path, false, &tb);
	struct stat st;
	if (tp < 0 || fstatat(tp, tb, &st, AT_SYMLINK_NOFOLLOW) != 0 || !S_ISREG(st.st_mode) || st.st_ino != t->ino ||
	    st.st_dev != t->dev) {
		cr_dest_close(&td);
		skip(x, e, true, "%s", "its target changed on disk");
		return;
	}
	int np = cr_dest_parent(&x->d, e->path, true, &nb);
	if (x->windows) {
		/* FAT has no hard links: a copy of the target. */
		struct cr_dest tpd;
		cr_dest_init(&tpd, tp);
		int in = np >= 0 ? cr_dest_open(&tpd, tb, O_RDONLY, 0) : -1;
		struct cr_dest at;
		cr_dest_init(&at, np);
		int out = in >= 0 ? cr_dest_open(&at, nb, O_WRONLY | O_CREAT | O_EXCL, st.st_mode & 0777) : -1;
		struct cr_src src = {.size = (uint64_t)st.st_size, .fd = in};
		int rc = out >= 0 ? copy_data(out, &src, x->hash ? x->md : NULL, e->sha) : -1;
		int saved = errno;
		if (in >= 0)
			close(in);
		if (out >= 0) {
			e->written = true;
			close(out);
		}
		cr_dest_close(&td);
		if (rc != 0) {
			set_reason(x, CRIBLE_XS_FAILED, "%s: cannot copy its target: %s", e->label, strerror(saved));
			return;
		}
		e->has_sha = x->hash;
		e->size = (uint64_t)st.st_size;
		e->has_data = true;
		return;
	}
	if (np < 0 || linkat(tp, tb, np, nb, 0) != 0) {
		int saved = errno;
		cr_dest_close(&td);
		set_reason(x, CRIBLE_XS_FAILED, "%s: cannot make the hard link: %s", e->label, strerror(saved));
		return;
	}
	e->written = true;
	cr_dest_close(&td);
	struct stat now;
	if (fstatat(np, nb, &now, AT_SYMLINK_NOFOLLOW) != 0 || now.st_ino != t->ino || now.st_dev != t->dev ||
	    !S_ISREG(now.st_mode)) {
		unstage(x, e);
		skip(x, e, true, "%s", "the hard link does not lead to its target");
		return;
	}
	e->size = t->size;
	e->has_data = true;
	if (t->has_sha) {
		memcpy(e->sha, t->sha, sizeof e->sha);
		e->has_sha = true;
	}
}

/* Whether a symlink target stays out of ".." and the root: the test for one that dangles. */
static bool plain_target(const char *t)
{
	if (*t == '/')
		return false;
	for (const char *c = t;;) {
		const char *s = strchr(c, '/');
		size_t n = s ? (size_t)(s - c) : strlen(c);
		if (n == 2 && c[0] == '.' && c[1] == '.')
			return false;
		if (!s)
			return true;
		c = s + 1;
	}
}

/* The kernel resolves the link from the staging root, following the tree's own links, never out of it. */
static const char *check_symlink(struct cr_xw *x, const struct xent *e, const struct stat *root)
{
	int fd = cr_dest_resolve(x->stage, e->path);
	if (fd < 0 && errno == ENOSYS)
		/* No openat2: a link may neither climb nor start at the root, so no chain of them can leave. */
		errno = plain_target(e->link) ? ENOENT : EXDEV;
	if (fd < 0) {
		if (errno == ENOENT && plain_target(e->link))
			return NULL;	/* dangling, and it cannot climb */
		return errno == ELOOP	? "a symlink loop"
		       : errno == EXDEV ? "a symlink that leads out of the folder"
					: "a symlink that does not resolve";
	}
	struct stat st;
	const char *why = NULL;
	if (fstat(fd, &st) != 0)
		why = "a symlink that does not resolve";
	else if (st.st_ino == root->st_ino && st.st_dev == root->st_dev)
		why = "a symlink to the extraction folder itself";
	close(fd);
	return why;
}

static void make_links(struct cr_xw *x)
{
	for (size_t i = 0; i < x->n && !x->stop; i++) {
		struct xent *e = &x->e[i];
		if (e->kind == E_HARDLINK && e->path && e->action != CRIBLE_XA_SKIPPED)
			make_hardlink(x, e);
	}
	for (size_t i = 0; i < x->n && !x->stop; i++) {
		struct xent *e = &x->e[i];
		if (e->kind != E_SYMLINK || !e->path || e->action == CRIBLE_XA_SKIPPED)
			continue;
		const char *nb;
		int np = cr_dest_parent(&x->d, e->path, true, &nb);
		if (np < 0 || symlinkat(e->link, np, nb) != 0) {
			set_reason(x, CRIBLE_XS_FAILED, "%s: cannot make the symlink: %s", e->label, strerror(errno));
			return;
		}
		e->written = true;
	}
	/* Against the final tree, until nothing changes: removing one link can leave another dangling. */
	struct stat root;
	if (x->stop || fstat(x->stage, &root) != 0)
		return;
	for (bool changed = true; changed && !x->stop;) {
		changed = false;
		for (size_t i = 0; i < x->n && !x->stop; i++) {
			struct xent *e = &x->e[i];
			if (e->kind != E_SYMLINK || !e->written)
				continue;
			const char *why = check_symlink(x, e, &root);
			if (!why)
				continue;
			unstage(x, e);
			skip(x, e, true, "%s", why);
			changed = true;
		}
	}
}

/* Sets each folder entry's mode (masked) once everything is in place; folders made implicitly keep 0777 & ~umask. */
static void folder_modes(struct cr_xw *x, const bool *existed)
{
	struct cr_dest fin;
	cr_dest_init(&fin, x->dirfd);
	for (size_t i = x->n; i-- > 0;) {
		struct xent *e = &x->e[i];
		if (e->kind != E_DIR || !e->written || !e->has_mode || existed[i] || e->made_before)
			continue;
		int fd = cr_dest_open(&fin, e->path, O_RDONLY | O_DIRECTORY, 0);
		if (fd >= 0) {
			fchmod(fd, (mode_t)(e->mode & 0777 & ~x->umask));
			close(fd);
		}
	}
	cr_dest_close(&fin);
}

/* Removes staging folders of extractions whose process is gone (killed outright). */
static void remove_stale(int dirfd)
{
	int dup = openat(dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	DIR *dp = dup >= 0 ? fdopendir(dup) : NULL;
	if (!dp) {
		if (dup >= 0)
			close(dup);
		return;
	}
	char *stale[64];
	size_t ns = 0;
	struct dirent *de;
	while ((de = readdir(dp)) != NULL && ns < 64) {
		if (strncmp(de->d_name, STAGE_PREFIX, strlen(STAGE_PREFIX)) != 0)
			continue;
		long pid = strtol(de->d_name + strlen(STAGE_PREFIX), NULL, 10);
		struct stat st;
		if (pid <= 0 || fstatat(dirfd, de->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0 || !S_ISDIR(st.st_mode) ||
		    st.st_uid != geteuid())
			continue;
		if (pid == (long)getpid() || kill((pid_t)pid, 0) == 0 || errno != ESRCH)
			continue;
		stale[ns++] = strdup(de->d_name);
	}
	closedir(dp);
	for (size_t i = 0; i < ns; i++) {
		if (stale[i])
			cr_dest_rmtree(dirfd, stale[i]);
		free(stale[i]);
	}
}

static int make_stage(struct cr_xw *x)
{
	static atomic_uint seq;
	for (int tries = 0; tries < 100; tries++) {
		snprintf(x->stagename, sizeof x->stagename, STAGE_PREFIX "%ld-%u", (long)getpid(),
			 atomic_fetch_add(&seq, 1));
		if (mkdirat(x->dirfd, x->stagename, 0700) == 0) {
			x->stage = openat(x->dirfd, x->stagename, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
			if (x->stage >= 0)
				return 0;
			cr_dest_rmtree(x->dirfd, x->stagename);
			return -1;
		}
		if (errno != EEXIST)
			return -1;
	}
	return -1;
}

/* The report the result carries. */
static void report(struct cr_xw *x, crible_result *r)
{
	struct cr_xrep *rep = calloc(1, sizeof *rep);
	if (!rep) {
		x->oom = true;
		return;
	}
	rep->status = x->status;
	rep->reason = x->reason;
	x->reason = NULL;
	rep->files = x->files;
	rep->bytes = x->bytes;
	rep->v = calloc(x->n ? x->n : 1, sizeof *rep->v);
	if (!rep->v) {
		x->oom = true;
		free(rep->reason);
		free(rep);
		return;
	}
	uint64_t files = 0, bytes = 0;
	for (size_t i = 0; i < x->n; i++) {
		struct xent *e = &x->e[i];
		/* Nothing written: only the entries that say why are worth listing. */
		if (x->status != CRIBLE_XS_WRITTEN && e->action != CRIBLE_XA_SKIPPED)
			continue;
		crible_xentry *o = &rep->v[rep->n++];
		o->name = e->label;
		e->label = NULL;
		o->path = e->path;
		e->path = NULL;
		o->action = e->action;
		o->kind = (crible_entry_kind)e->kind;
		o->has_data = e->has_data;
		o->size = e->size;
		o->sha256 = e->has_sha && e->action != CRIBLE_XA_SKIPPED ? strdup(e->sha) : NULL;
		o->why = e->why;
		e->why = NULL;
		o->other_reading = e->other;
		if (e->action != CRIBLE_XA_SKIPPED && x->status == CRIBLE_XS_WRITTEN) {
			files++;
			if (e->kind == E_FILE)
				bytes += e->size;
		}
	}
	rep->files = files;
	rep->bytes = x->status == CRIBLE_XS_WRITTEN ? bytes : 0;
	r->x = rep;
}

void cr_xrep_free(struct cr_xrep *rep)
{
	if (!rep)
		return;
	for (size_t i = 0; i < rep->n; i++) {
		free((char *)rep->v[i].name);
		free((char *)rep->v[i].path);
		free((char *)rep->v[i].sha256);
		free((char *)rep->v[i].why);
	}
	free(rep->v);
	free(rep->reason);
	free(rep);
}

static void xrun_free(struct cr_xw *x)
{
	for (size_t i = 0; i < x->n; i++) {
		free(x->e[i].label);
		free(x->e[i].raw);
		free(x->e[i].path);
		free(x->e[i].link);
		free(x->e[i].why);
	}
	free(x->e);
	smap_free(&x->paths);
	smap_free(&x->raws);
	smap_free(&x->spell);
	for (size_t i = 0; i < x->nspell; i++)
		free(x->spellings[i]);
	free(x->spellings);
	for (size_t i = 0; i < x->nprefix && x->prefix; i++)
		free(x->prefix[i]);
	free(x->prefix);
	free(x->reason);
	cr_dest_close(&x->d);
	EVP_MD_CTX_free(x->md);
	if (x->stage >= 0)
		close(x->stage);
}

cr_xreader_fn cr_extract_reader;
void *cr_extract_reader_arg;

crible_err cr_extract(const crible_ctx *cfg, const struct cr_src *src, const char *name, const char *declared,
		      const atomic_int *cancel, int dirfd, unsigned flags, crible_progress_fn progress, void *parg,
		      crible_result **out, char *err, size_t errlen)
{
	*out = NULL;
	err[0] = '\0';
	struct cr_xw x = {.flags = flags, .windows = (flags & CRIBLE_X_WINDOWS) != 0,
			 .sanitize = (flags & CRIBLE_X_SANITIZE) != 0, .hash = (flags & CRIBLE_X_HASH) != 0,
			 .dirfd = dirfd, .stage = -1, .max_files = cfg->lim.max_files, .max_bytes = cfg->lim.max_write,
			 .umask = cr_dest_umask(), .progress = progress, .parg = parg, .cur_fd = -1};
	if (x.hash && !(x.md = EVP_MD_CTX_new()))
		return CRIBLE_ENOMEM;
	remove_stale(dirfd);
	if (make_stage(&x) != 0) {
		xrun_free(&x);
		return CRIBLE_EIO;
	}
	cr_dest_init(&x.d, x.stage);
	crible_result *r = NULL;
	crible_err e;
	/*
	 * The reading half runs in a broker worker: the process that parses
	 * the archive holds no writable descriptor.  In process only when no
	 * reader crible does not own is allowed (the strict profile, the
	 * fuzzers) or YARA rules are set that could not be saved for the
	 * broker (rules/yara.c).
	 */
	if (cr_extract_reader) {
		e = cr_extract_reader(cr_extract_reader_arg, src, &x, &r);
	} else if (cfg->external_readers && cr_yara_crosses(cfg->yara)) {
		e = cr_confined_run(cfg, src, name, declared, cancel, &x, &r, err, errlen);
	} else {
		struct cr_sink sk = {sink, &x};
		e = cr_scan_top(cfg, src, name, declared, &sk, cancel, &r);
	}
	if (x.cur_fd >= 0)
		cr_xw_end(&x, false);	/* a worker that stopped inside an entry's data */
	if (e == CRIBLE_ECANCELED && x.oom)
		e = CRIBLE_ENOMEM;
	if (e == CRIBLE_OK && x.oom)
		e = CRIBLE_ENOMEM;
	if (e != CRIBLE_OK) {
		int saved = errno;
		cr_dest_close(&x.d);
		cr_dest_rmtree(dirfd, x.stagename);
		crible_result_free(r);
		xrun_free(&x);
		errno = saved;
		return e;
	}
	/* A file that is no archive is an error, as for bsdtar; an empty archive extracts to nothing. */
	if (!x.have_prefix && x.status == CRIBLE_XS_NONE && !cr_walkable(&(struct cr_ident){.type = r->type}))
		set_reason(&x, CRIBLE_XS_FAILED, "not an archive crible reads (%s): nothing to extract",
			   cr_type_get(r->type)->name);
	/* Default: all or nothing. */
	if (!x.sanitize && x.status == CRIBLE_XS_NONE) {
		if (r->verdict == CRIBLE_BLOCK)
			set_reason(&x, CRIBLE_XS_REFUSED, "%s", "the verdict is block");
		for (size_t k = 0; k < r->nf && x.status == CRIBLE_XS_NONE; k++) {
			const struct cr_find *f = &r->f[k];
			if (disagreement(f->fid) && f->nwhere <= x.nprefix + 1)
				set_reason(&x, CRIBLE_XS_REFUSED, "%s: readers of the archive disagree, so what would be "
								  "written is not what another tool writes",
					   cr_fdefs[f->fid].id);
		}
	}
	if (x.sanitize && x.status == CRIBLE_XS_NONE) {
		judge_entries(&x, r);
		for (size_t i = 0; i < x.n; i++)
			if (x.e[i].action == CRIBLE_XA_SKIPPED)
				unstage(&x, &x.e[i]);
	}
	if (x.status == CRIBLE_XS_NONE)
		make_links(&x);
	if (x.status == CRIBLE_XS_NONE && cancel && atomic_load(cancel))
		e = CRIBLE_ECANCELED;
	if (x.status == CRIBLE_XS_NONE && e == CRIBLE_OK) {
		size_t written = 0;
		for (size_t i = 0; i < x.n; i++)
			written += x.e[i].action != CRIBLE_XA_SKIPPED && x.e[i].written;
		if (x.sanitize && written == 0 && x.n)
			set_reason(&x, CRIBLE_XS_REFUSED, "%s", "no entry was safe to write");
	}
	bool *existed = calloc(x.n ? x.n : 1, sizeof *existed);
	if (!existed)
		x.oom = true;
	if (x.status == CRIBLE_XS_NONE && e == CRIBLE_OK && existed) {
		for (size_t i = 0; i < x.n; i++) {
			struct stat st;
			struct xent *en = &x.e[i];
			if (en->kind == E_DIR && en->written && en->has_mode) {
				struct cr_dest fin;
				cr_dest_init(&fin, dirfd);
				int fd = cr_dest_open(&fin, en->path, O_PATH | O_DIRECTORY, 0);
				existed[i] = fd >= 0 && fstat(fd, &st) == 0;
				if (fd >= 0)
					close(fd);
			}
		}
		cr_dest_close(&x.d);
		char *conflict = NULL;
		if (cr_dest_commit(x.stage, dirfd, &conflict) != 0)
			set_reason(&x, CRIBLE_XS_FAILED, "%s%s%s", conflict ? conflict : "",
				   conflict ? ": already in the folder" : "cannot move the files into place: ",
				   conflict ? "" : strerror(errno));
		else
			x.status = CRIBLE_XS_WRITTEN;
		free(conflict);
	}
	cr_dest_close(&x.d);
	cr_dest_rmtree(dirfd, x.stagename);
	if (x.status == CRIBLE_XS_WRITTEN)
		folder_modes(&x, existed);
	free(existed);
	if (e == CRIBLE_OK && !x.oom)
		report(&x, r);
	if (e == CRIBLE_OK && x.oom)
		e = CRIBLE_ENOMEM;
	if (e != CRIBLE_OK) {
		crible_result_free(r);
		r = NULL;
	}
	xrun_free(&x);
	*out = r;
	return e;
}

/* --- the result's getters ------------------------------------------------- */

crible_xstatus crible_result_extract_status(const crible_result *r, const char **reason)
{
	if (reason)
		*reason = r && r->x && r->x->reason ? r->x->reason : "";
	return r && r->x ? r->x->status : CRIBLE_XS_NONE;
}

size_t crible_result_nxentries(const crible_result *r) { return r && r->x ? r->x->n : 0; }

const crible_xentry *crible_result_xentry(const crible_result *r, size_t i)
{
	return r && r->x && i < r->x->n ? &r->x->v[i] : NULL;
}
