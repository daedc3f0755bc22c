/*
 * ole.c - OLE compound files (MS-CFB) as containers: Word, Excel and
 * PowerPoint 97-2003, Outlook MSG, MSI, and the vbaProject.bin inside an
 * OOXML package.  Every stream is an entry, named by its storage path,
 * and its bytes are scanned as a child.  A VBA project (a storage named
 * VBA holding a dir stream) is read as Office reads it: vba/project.c.
 *
 * layout/cfb.c reads the header and the directory.  Here:
 *  - the FAT is loaded once and every chain follows it, each bounded by
 *    the number of sectors the file holds (a longer chain loops);
 *  - streams below 4096 bytes live in the mini stream (the root entry's
 *    chain) in 64-byte sectors, through the mini FAT (MS-CFB 2.4: the
 *    cutoff is fixed; the header's field is not trusted);
 *  - the directory is a tree of red-black sibling trees (left, right)
 *    under each storage (child).  It is walked from the root with a
 *    visited set: an entry reached twice is a loop, reported, not
 *    followed;
 *  - stream names are OLE's, not file names: control characters
 *    ("\x05SummaryInformation") are shown escaped, and the path rules do
 *    not judge them (nothing extracts an OLE stream under its name).
 *
 * Every stream's bytes are charged to the expansion budget as they are
 * read: streams may share sectors, so a small file could otherwise name
 * the same megabyte ten thousand times.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "../layout/biff.h"
#include "../io/utf8.h"
#include "../layout/cfb.h"
#include "../layout/ole10native.h"
#include "../vba/project.h"
#include "format.h"

#define MINI_CUTOFF 4096u
#define MINI_SHIFT 6u
#define MAX_ENTRIES 65536u	/* directory entries read; more is reported, not read */

struct ole {
	struct cr_walk *w;
	struct cr_cfb c;
	uint32_t *fat;
	size_t nfat;
	uint32_t *minifat;
	size_t nminifat;
	uint8_t *mini;		/* the mini stream */
	size_t minilen;
	struct cr_cfb_dirent *d;
	uint32_t n;
	char **path;		/* each entry's storage path, NULL when unreached */
	bool broken;		/* some chain or the tree is damaged */
};

/* Follows a chain of the table t from s; false at a free, out-of-range or looping link. */
static bool chain_next(const uint32_t *t, size_t nt, uint32_t s, uint32_t *next)
{
	if (s >= nt)
		return false;
	*next = t[s];
	return true;
}

/*
 * Reads `size` bytes of the regular chain from `start` into sp (when sp)
 * or buf (when buf, at most cap bytes).  Returns the bytes read; sets
 * x->broken when the chain ends early.
 */
static uint64_t read_chain(struct ole *x, uint32_t start, uint64_t size, struct cr_spool *sp, uint8_t *buf,
			   size_t cap)
{
	const struct cr_cfb *c = &x->c;
	uint8_t sec[4096];
	uint64_t got = 0, hops = 0;
	uint32_t s = start;
	while (got < size) {
		if (s >= CR_CFB_END - 4 || ++hops > c->nsectors || cr_walk_stopped(x->w)) {
			x->broken = true;
			break;
		}
		size_t k = size - got < c->ssz ? (size_t)(size - got) : c->ssz;
		if (!cr_view_read(c->v, ((uint64_t)s + 1) << c->shift, sec, k)) {
			x->broken = true;
			break;
		}
		if (sp && !cr_walk_spool(x->w, sp, sec, k))
			return got;
		if (buf) {
			size_t room = got < cap ? cap - (size_t)got : 0;
			memcpy(buf + got, sec, k < room ? k : room);
		}
		got += k;
		if (buf && got >= cap)
			break;
		if (got < size && !chain_next(x->fat, x->nfat, s, &s)) {
			x->broken = true;
			break;
		}
	}
	return got;
}

/* The same through the mini FAT and the mini stream. */
static uint64_t read_mini(struct ole *x, uint32_t start, uint64_t size, struct cr_spool *sp, uint8_t *buf,
			  size_t cap)
{
	uint64_t got = 0, hops = 0, limit = x->minilen >> MINI_SHIFT;
	uint32_t s = start;
	while (got < size) {
		uint64_t off = (uint64_t)s << MINI_SHIFT;
		if (s >= CR_CFB_END - 4 || ++hops > limit || off + 1 > x->minilen || cr_walk_stopped(x->w)) {
			x->broken = true;
			break;
		}
		size_t k = size - got < (1u << MINI_SHIFT) ? (size_t)(size - got) : 1u << MINI_SHIFT;
		if (off + k > x->minilen)
			k = (size_t)(x->minilen - off);
		if (sp && !cr_walk_spool(x->w, sp, x->mini + off, k))
			return got;
		if (buf) {
			size_t room = got < cap ? cap - (size_t)got : 0;
			memcpy(buf + got, x->mini + off, k < room ? k : room);
		}
		got += k;
		if (buf && got >= cap)
			break;
		if (got < size && !chain_next(x->minifat, x->nminifat, s, &s)) {
			x->broken = true;
			break;
		}
	}
	return got;
}

/* Loads the mini FAT and the mini stream, once, when a small stream needs them. */
static bool load_mini(struct ole *x)
{
	if (x->mini || x->n == 0)
		return x->mini != NULL;
	const struct cr_cfb_dirent *root = &x->d[0];
	uint64_t room = x->c.nsectors << x->c.shift;
	uint64_t mlen = root->size < room ? root->size : room;
	uint64_t flen = (uint64_t)x->c.nminifat << x->c.shift;
	if (flen > room)
		flen = room;
	x->mini = malloc(mlen ? (size_t)mlen : 1);
	x->minifat = malloc(flen ? (size_t)flen : 1);
	if (!x->mini || !x->minifat) {
		x->w->s->err = CRIBLE_ENOMEM;
		return false;
	}
	x->minilen = (size_t)read_chain(x, root->start, mlen, NULL, x->mini, (size_t)mlen);
	uint64_t fl = read_chain(x, x->c.minifat_start, flen, NULL, (uint8_t *)x->minifat, (size_t)flen);
	x->nminifat = (size_t)(fl / 4);
	for (size_t i = 0; i < x->nminifat; i++) {
		const uint8_t *b = (const uint8_t *)&x->minifat[i];
		x->minifat[i] = (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 | (uint32_t)b[3] << 24;
	}
	return true;
}

/* Reads a stream: into sp, or up to cap bytes into buf.  The bytes read. */
static uint64_t read_stream(struct ole *x, const struct cr_cfb_dirent *e, struct cr_spool *sp, uint8_t *buf,
			    size_t cap)
{
	if (e->size < MINI_CUTOFF) {
		if (!load_mini(x))
			return 0;
		return read_mini(x, e->start, e->size, sp, buf, cap);
	}
	return read_chain(x, e->start, e->size, sp, buf, cap);
}

/* A stream's first bytes (at most cap) in a malloc'd buffer; NULL on ENOMEM (s->err set). */
static uint8_t *stream_head(struct ole *x, const struct cr_cfb_dirent *e, size_t cap, size_t *len)
{
	size_t want = e->size < cap ? (size_t)e->size : cap;
	uint8_t *b = malloc(want ? want : 1);
	if (!b) {
		x->w->s->err = CRIBLE_ENOMEM;
		return NULL;
	}
	*len = (size_t)read_stream(x, e, NULL, b, want);
	return b;
}

/* An OLE name made printable: control characters as \xNN. */
static size_t name_show(const char *n, char *out, size_t room)
{
	size_t k = 0;
	for (; *n && k + 5 < room; n++) {
		unsigned char ch = (unsigned char)*n;
		if (ch < 0x20 || ch == 0x7f)
			k += (size_t)snprintf(out + k, room - k, "\\x%02x", ch);
		else
			out[k++] = (char)ch;
	}
	out[k] = '\0';
	return k;
}

/* Gives every entry reachable from the root its path, walking the sibling trees with a visited set. */
static bool build_paths(struct ole *x)
{
	x->path = calloc(x->n, sizeof *x->path);
	bool *seen = calloc(x->n, 1);
	struct item {
		uint32_t id, parent;
	} *stack = malloc((size_t)x->n * 3 * sizeof *stack);
	if (!x->path || !seen || !stack) {
		free(seen);
		free(stack);
		x->w->s->err = CRIBLE_ENOMEM;
		return false;
	}
	size_t sp = 0;
	seen[0] = true;
	x->path[0] = strdup("");
	if (!x->path[0]) {
		x->w->s->err = CRIBLE_ENOMEM;
		goto out;
	}
	if (x->d[0].child < x->n)
		stack[sp++] = (struct item){x->d[0].child, 0};
	while (sp > 0) {
		struct item it = stack[--sp];
		if (it.id >= x->n)
			continue;
		if (seen[it.id]) {
			x->broken = true;	/* reached twice: a loop in the tree */
			continue;
		}
		seen[it.id] = true;
		const struct cr_cfb_dirent *e = &x->d[it.id];
		char shown[800];
		name_show(e->name, shown, sizeof shown);
		const char *pp = x->path[it.parent];
		size_t pl = strlen(pp), nl = strlen(shown);
		char *p = malloc(pl + nl + 2);
		if (!p) {
			x->w->s->err = CRIBLE_ENOMEM;
			goto out;
		}
		if (pl) {
			memcpy(p, pp, pl);
			p[pl] = '/';
			memcpy(p + pl + 1, shown, nl + 1);
		} else {
			memcpy(p, shown, nl + 1);
		}
		x->path[it.id] = p;
		/* Each entry pushes at most three: the stack holds 3n. */
		if (e->left < x->n && !seen[e->left])
			stack[sp++] = (struct item){e->left, it.parent};
		if (e->right < x->n && !seen[e->right])
			stack[sp++] = (struct item){e->right, it.parent};
		if (e->type == CR_CFB_STORAGE && e->child < x->n && !seen[e->child])
			stack[sp++] = (struct item){e->child, it.id};
	}
out:
	free(seen);
	free(stack);
	return x->w->s->err == CRIBLE_OK;
}

static bool read_directory(struct ole *x)
{
	struct cr_cfb_diriter it;
	struct cr_cfb_dirent e;
	size_t cap = 0;
	cr_cfb_dir_begin(&it, &x->c);
	while (x->n < MAX_ENTRIES && cr_cfb_dir_next(&it, &e, 0)) {
		if (x->n == cap) {
			size_t nc = cap ? cap * 2 : 64;
			struct cr_cfb_dirent *nd = realloc(x->d, nc * sizeof *nd);
			if (!nd) {
				x->w->s->err = CRIBLE_ENOMEM;
				return false;
			}
			x->d = nd;
			cap = nc;
		}
		x->d[x->n++] = e;
	}
	if (it.broken)
		x->broken = true;
	if (x->n == MAX_ENTRIES)
		cr_emit(x->w->s, F_CONTAINER_UNINSPECTED, -1, "more than %u directory entries: the rest were not read",
			MAX_ENTRIES);
	return x->n > 0 && x->d[0].type == CR_CFB_ROOT;
}

/* The VBA reader asks for streams by storage and name through this. */
static uint8_t *vba_stream(void *arg, uint32_t storage, const char *name, size_t cap, size_t *len)
{
	struct ole *x = arg;
	for (uint32_t i = 0; i < x->n; i++) {
		const struct cr_cfb_dirent *e = &x->d[i];
		if (e->type != CR_CFB_STREAM || !x->path[i] || !x->path[storage])
			continue;
		/* A child of the storage: its path is the storage's plus one name. */
		size_t sl = strlen(x->path[storage]);
		if (strncmp(x->path[i], x->path[storage], sl) != 0 || x->path[i][sl] != '/' ||
		    strchr(x->path[i] + sl + 1, '/') || strcasecmp(e->name, name) != 0)
			continue;
		return stream_head(x, e, cap, len);
	}
	return NULL;
}

/* Storages named VBA (any case) that hold a dir stream: VBA projects, read by vba/project.c. */
static void vba_projects(struct ole *x)
{
	for (uint32_t i = 0; i < x->n && !cr_walk_stopped(x->w); i++) {
		const struct cr_cfb_dirent *e = &x->d[i];
		if (e->type != CR_CFB_STORAGE || !x->path[i] || strcasecmp(e->name, "VBA") != 0)
			continue;
		/* dir, _VBA_PROJECT and the module streams are the VBA storage's own streams. */
		cr_vba_project(x->w->s, vba_stream, x, i);
	}
}

/* A root-level stream (Office's own streams sit at the root; a copy elsewhere is not the document's). */
static bool at_root(const struct ole *x, uint32_t i)
{
	return x->path[i] && !strchr(x->path[i], '/');
}

/* A root stream's first bytes (at most cap), for the document checks; NULL when absent. */
static uint8_t *root_stream(struct ole *x, const char *name, size_t cap, size_t *len)
{
	for (uint32_t i = 1; i < x->n; i++)
		if (x->d[i].type == CR_CFB_STREAM && at_root(x, i) && strcmp(x->d[i].name, name) == 0)
			return stream_head(x, &x->d[i], cap, len);
	return NULL;
}

/*
 * What the document itself says: encryption (Word's FIB flags, Excel's
 * FILEPASS, an encrypted OOXML package's EncryptionInfo, PowerPoint's
 * EncryptedSummary), and Excel 4.0 macro sheets.
 */
static void document_facts(struct ole *x)
{
	struct cr_scan *s = x->w->s;
	/* Equation Editor 3.0 {0002CE02-0000-0000-C000-000000000046}: CVE-2017-11882 and its kin. */
	static const uint8_t eq3[16] = {0x02, 0xCE, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00,
					0xC0, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x46};
	for (uint32_t i = 0; i < x->n; i++)
		if ((x->d[i].type == CR_CFB_ROOT || x->d[i].type == CR_CFB_STORAGE) && x->path[i] &&
		    memcmp(x->d[i].clsid, eq3, 16) == 0) {
			cr_emit(s, F_DOC_EMBEDDED, CRIBLE_SEV_HIGH, "Equation Editor 3.0 object%s%s (CVE-2017-11882 class)",
				i ? " in " : "", i ? x->path[i] : "");
			break;
		}
	size_t n = 0;
	uint8_t *b = root_stream(x, "WordDocument", 16, &n);
	if (b) {
		/* FibBase: wIdent 0xA5EC, flags at 0x0A: fEncrypted 0x0100, fObfuscated 0x8000. */
		if (n >= 12 && b[0] == 0xEC && b[1] == 0xA5 && (b[11] & 0x01))
			cr_emit(s, F_CONTAINER_ENCRYPTED, -1, "Word document encrypted (%s)",
				(b[11] & 0x80) ? "XOR obfuscation" : "RC4 or CryptoAPI");
		free(b);
	}
	b = root_stream(x, "Workbook", 1u << 20, &n);
	if (!b && s->err == CRIBLE_OK)
		b = root_stream(x, "Book", 1u << 20, &n);
	if (b) {
		struct cr_biff bf;
		cr_biff_globals(b, n, &bf);
		free(b);
		if (bf.encrypted)
			cr_emit(s, F_CONTAINER_ENCRYPTED, -1,
				"Excel workbook encrypted (%s); Excel opens it without asking when the password is its default, "
				"VelvetSweatshop",
				bf.enc_type == 0 ? "XOR obfuscation" : "RC4");
		for (unsigned k = 0; k < bf.macro_sheets && k < CR_BIFF_MAX_NAMED; k++)
			cr_emit(s, F_DOC_MACRO, -1, "%s", bf.names[k]);
		if (bf.macro_sheets > CR_BIFF_MAX_NAMED)
			cr_emit(s, F_DOC_MACRO, -1, "%u more macro sheets", bf.macro_sheets - CR_BIFF_MAX_NAMED);
	}
	for (uint32_t i = 1; i < x->n; i++) {
		if (x->d[i].type != CR_CFB_STREAM || !at_root(x, i))
			continue;
		if (!strcmp(x->d[i].name, "EncryptionInfo") || !strcmp(x->d[i].name, "EncryptedPackage")) {
			cr_emit(s, F_CONTAINER_ENCRYPTED, -1, "encrypted OOXML package (EncryptionInfo, EncryptedPackage)");
			break;
		}
		if (!strcmp(x->d[i].name, "EncryptedSummary")) {
			cr_emit(s, F_CONTAINER_ENCRYPTED, -1, "PowerPoint presentation encrypted");
			break;
		}
	}
}

/* The last component of a Windows or POSIX path. */
static const char *base_name(const char *p)
{
	const char *b = p;
	for (; *p; p++)
		if (*p == '\\' || *p == '/')
			b = p + 1;
	return b;
}

/*
 * An OLE Package: the embedded file is the child, named as the Packager
 * names it (the label; the source and temporary paths judged too: the
 * Packager writes the file under the temporary path and runs it).  p is
 * the Ole10Native layout, its size field first; where prefixes the
 * child's label.  Shared with the RTF walker (\objclass Package).
 */
void cr_package_entry(struct cr_walk *w, const uint8_t *p, size_t n, const char *where)
{
	struct cr_ole10native o;
	struct cr_entry e = {.kind = E_FILE, .flags = CR_E_COUNTED};
	char detail[400];
	if (cr_ole10native_parse(p, n, &o) && o.parsed && o.label[0]) {
		e.name = (const uint8_t *)o.label;
		e.namelen = strlen(o.label);
		const char *sb = base_name(o.src), *tb = base_name(o.temp);
		if (*sb && strcmp(sb, o.label))
			cr_entry_alt(&e, (const uint8_t *)sb, strlen(sb), false);
		if (*tb && strcmp(tb, o.label) && strcmp(tb, sb))
			cr_entry_alt(&e, (const uint8_t *)tb, strlen(tb), false);
		snprintf(detail, sizeof detail, "OLE Package \"%.80s\" (embedded from %.120s, written to %.120s when opened)",
			 o.label, o.src, o.temp);
	} else {
		if (!o.data) {
			o.data = p;
			o.len = n;
		}
		e.name = (const uint8_t *)"Ole10Native";
		e.namelen = 11;
		e.flags |= CR_E_NAME_OURS;
		snprintf(detail, sizeof detail, "OLE Package (not in the Packager's layout: its data is scanned whole)");
	}
	cr_entry_note(&e, F_DOC_EMBEDDED, -1, detail);
	size_t pl = strlen(where);
	char *label = malloc(pl + e.namelen + 2);
	if (!label) {
		w->s->err = CRIBLE_ENOMEM;
		return;
	}
	memcpy(label, where, pl);
	label[pl] = '/';
	for (size_t k = 0; k < e.namelen; k++)
		label[pl + 1 + k] = e.name[k] >= 0x20 && e.name[k] != 0x7f ? (char)e.name[k] : '?';
	label[pl + 1 + e.namelen] = '\0';
	e.label = label;
	struct cr_src child = {.size = o.len, .mem = o.data, .fd = -1};
	cr_entry(w, &e, &child);
	free(label);
}

static void ole10native(struct ole *x, uint32_t i, const struct cr_src *raw)
{
	struct cr_walk *w = x->w;
	size_t n = raw->size < (64u << 20) ? (size_t)raw->size : 64u << 20;
	uint8_t *b = malloc(n ? n : 1);
	if (!b) {
		w->s->err = CRIBLE_ENOMEM;
		return;
	}
	if (cr_src_read(raw, 0, b, n) != (ssize_t)n)
		w->s->err = CRIBLE_EIO;
	else
		cr_package_entry(w, b, n, x->path[i]);
	free(b);
}

/*
 * An Outlook message's attachment (MS-OXMSG): the storage
 * __attach_version1.0_#N holds the data (__substg1.0_37010102) and the
 * name the user saves it under, long (3707) or short (3704), in UTF-16
 * (001F) or the code page (001E).  The data is judged under that name.
 */
static bool attachment_name(struct ole *x, uint32_t i, char *out, size_t room)
{
	const char *path = x->path[i], *slash = strrchr(path, '/');
	if (!slash || strcmp(x->d[i].name, "__substg1.0_37010102") != 0)
		return false;
	const char *parent = slash;
	while (parent > path && parent[-1] != '/')
		parent--;
	if (strncmp(parent, "__attach_version1.0_#", 21) != 0)
		return false;
	size_t pl = (size_t)(slash - path);
	static const char *const names[] = {"__substg1.0_3707001F", "__substg1.0_3707001E", "__substg1.0_3704001F",
					    "__substg1.0_3704001E"};
	for (size_t k = 0; k < sizeof names / sizeof names[0]; k++)
		for (uint32_t j = 1; j < x->n; j++) {
			const struct cr_cfb_dirent *e = &x->d[j];
			if (e->type != CR_CFB_STREAM || !x->path[j] || strncmp(x->path[j], path, pl) != 0 ||
			    x->path[j][pl] != '/' || strcmp(e->name, names[k]) != 0)
				continue;
			uint8_t raw[512];
			size_t n = (size_t)read_stream(x, e, NULL, raw, e->size < sizeof raw ? (size_t)e->size : sizeof raw);
			uint8_t u8[3 * 256 + 1];
			size_t l;
			if (names[k][19] == 'F') {
				l = cr_utf16_to_utf8(raw, n / 2, true, u8);
			} else {
				l = n;
				memcpy(u8, raw, n);
			}
			size_t o = 0;
			for (size_t c = 0; c < l && u8[c] && o + 1 < room; c++)
				out[o++] = u8[c] >= 0x20 && u8[c] != 0x7f ? (char)u8[c] : '?';
			out[o] = '\0';
			if (o)
				return true;
		}
	return false;
}

static void walk_ole(struct cr_walk *w)
{
	struct ole x = {.w = w};
	struct cr_scan *s = w->s;
	if (!cr_cfb_open(&x.c, w->o->view)) {
		cr_emit(s, F_CONTAINER_CORRUPT, -1, "OLE header not readable");
		return;
	}
	size_t nf = cr_cfb_load_fat(&x.c, &x.fat);
	if (nf == (size_t)-1) {
		s->err = CRIBLE_ENOMEM;
		return;
	}
	x.nfat = nf;
	if (!read_directory(&x)) {
		if (s->err == CRIBLE_OK)
			cr_emit(s, F_CONTAINER_CORRUPT, -1, "OLE directory not readable");
		goto out;
	}
	if (!build_paths(&x))
		goto out;
	for (uint32_t i = 1; i < x.n && !cr_walk_stopped(w); i++) {
		const struct cr_cfb_dirent *e = &x.d[i];
		if (!x.path[i] || (e->type != CR_CFB_STREAM && e->type != CR_CFB_STORAGE))
			continue;
		struct cr_entry ce = {.name = (const uint8_t *)x.path[i], .namelen = strlen(x.path[i]),
				      .kind = e->type == CR_CFB_STORAGE ? E_DIR : E_FILE,
				      .flags = CR_E_NAME_OURS | CR_E_COUNTED};
		if (e->type == CR_CFB_STORAGE) {
			cr_entry(w, &ce, NULL);
			continue;
		}
		struct cr_spool sp;
		cr_spool_init(&sp);
		uint64_t got = read_stream(&x, e, &sp, NULL, 0);
		if (s->err != CRIBLE_OK || cr_walk_stopped(w)) {
			cr_spool_free(&sp);
			break;
		}
		if (got < e->size)
			cr_entry_note(&ce, F_CONTAINER_CORRUPT, -1, "stream shorter than its directory entry says");
		struct cr_src child;
		cr_spool_src(&sp, &child);
		char aname[256], alabel[1100];
		if (attachment_name(&x, i, aname, sizeof aname)) {
			/* Judged under the name it is saved as; `where` says where it sits. */
			ce.name = (const uint8_t *)aname;
			ce.namelen = strlen(aname);
			ce.flags &= ~(uint32_t)CR_E_NAME_OURS;
			size_t pl = (size_t)(strrchr(x.path[i], '/') - x.path[i]);
			snprintf(alabel, sizeof alabel, "%.*s/%s", (int)pl, x.path[i], aname);
			ce.label = alabel;
		}
		if (!strcmp(e->name, "\x01Ole10Native")) {
			ole10native(&x, i, &child);
		} else {
			/* An embedded OOXML or other file, stored whole: scanned as the child it is. */
			if (!strcmp(e->name, "Package"))
				cr_entry_note(&ce, F_DOC_EMBEDDED, -1, "embedded object stored whole (Package stream)");
			cr_entry(w, &ce, &child);
		}
		cr_spool_free(&sp);
	}
	if (s->err == CRIBLE_OK && !cr_walk_stopped(w))
		vba_projects(&x);
	if (s->err == CRIBLE_OK && !cr_walk_stopped(w))
		document_facts(&x);
	if (x.broken && s->err == CRIBLE_OK)
		cr_emit(s, F_CONTAINER_CORRUPT, -1, "OLE chains or directory tree damaged (loops or links out of the file)");
out:
	if (x.path)
		for (uint32_t i = 0; i < x.n; i++)
			free(x.path[i]);
	free(x.path);
	free(x.d);
	free(x.fat);
	free(x.minifat);
	free(x.mini);
}

static const enum cr_tid ole_types[] = {T_OLE, T_UNKNOWN};
const struct cr_format cr_format_ole = {.name = "ole", .types = ole_types, .walk = walk_ole};
