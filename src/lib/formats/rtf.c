/*
 * rtf.c - RTF as Word reads it: embedded objects and field codes.
 *
 * Word is a tolerant reader, and attackers write for it: "{\rt" is
 * header enough, groups need not balance, \objdata's hex may carry
 * whitespace, junk and an odd digit, and \binN splices raw bytes into it.
 * The tokenizer here follows Word, not the specification:
 *
 *  - control words are letters, an optional signed number, an optional
 *    space; control symbols are a backslash and one character; \'hh is a
 *    byte; \* marks the group's destination as ignorable (Word still
 *    reads \objdata under it);
 *  - a closing brace with no group open is ignored; groups still open at
 *    the end are closed;
 *  - in \objdata, hex digits pair into bytes and everything else is
 *    skipped; a digit left alone at the end is dropped; \binN appends N
 *    raw bytes.
 *
 * Each \object group becomes a child: its \objdata is an OLE1 object
 * (MS-OLEDS 2.2.4: version, format id 2 for embedded, the class name, the
 * topic and item names, the native data's size, the native data).  The
 * native data of class Package is the Packager's layout (its file is the
 * child, under the names the Packager writes); of any other class it is
 * usually an OLE compound file, scanned as one.  \objupdate and
 * \objautlink make Word activate the object on open, and Equation.3 is
 * the Equation Editor: doc.embedded is high for those, low otherwise.
 *
 * Field instructions (\fldinst) are collected as text: DDE and DDEAUTO
 * are doc.dde; INCLUDEPICTURE and INCLUDETEXT to a remote target
 * doc.external-ref (rules/office.c classifies the instruction).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "../rules/office.h"
#include "format.h"

#define MAX_RTF (256ull << 20)	/* read whole up to this; larger is left uninspected, and said so */
#define MAX_DEPTH 1024		/* deeper groups share the deepest slot: Word nests far less */
#define FLD_MAX 4096

enum dest { D_TEXT, D_OBJDATA, D_OBJCLASS, D_FLDINST };

struct obj {
	bool open;
	int depth;		/* the \object group's depth */
	bool update, autlink;
	char cls[64];
	size_t clsn;
	uint8_t *data;
	size_t len, cap;
	int nib;		/* a hex digit waiting for its pair, or -1 */
};

struct rtf {
	struct cr_walk *w;
	int depth;
	uint8_t dest[MAX_DEPTH + 1];
	struct obj o;
	unsigned nobj;
	char fld[FLD_MAX];
	size_t fldn;
	int flddepth;		/* the \fldinst group's depth, or -1 */
	unsigned dde, remote;
	char first_dde[200], first_remote[200];
	bool nomem;
};

static int hexv(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c |= 0x20;
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

static bool obj_put(struct rtf *r, uint8_t b)
{
	struct obj *o = &r->o;
	if (o->len == o->cap) {
		size_t nc = o->cap ? o->cap * 2 : 4096;
		uint8_t *nd = realloc(o->data, nc);
		if (!nd) {
			r->nomem = true;
			return false;
		}
		o->data = nd;
		o->cap = nc;
	}
	o->data[o->len++] = b;
	return true;
}

static uint32_t le32(const uint8_t *p) { return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24; }

/* MS-OLEDS LengthPrefixedAnsiString at *i: its text (not NUL-terminated) and length. */
static bool lpas(const uint8_t *p, size_t n, size_t *i, const uint8_t **s, uint32_t *l)
{
	if (*i + 4 > n)
		return false;
	*l = le32(p + *i);
	*i += 4;
	if (*l > n - *i)
		return false;
	*s = p + *i;
	*i += *l;
	return true;
}

/* The object's \objdata, decoded: its native data becomes the child. */
static void obj_done(struct rtf *r)
{
	struct obj *o = &r->o;
	struct cr_walk *w = r->w;
	o->cls[o->clsn] = '\0';
	r->nobj++;
	char where[96];
	snprintf(where, sizeof where, "object %u", r->nobj);
	const uint8_t *native = o->data;
	size_t nlen = o->len;
	char cls[64];
	snprintf(cls, sizeof cls, "%s", o->cls);
	/* OLE1 ObjectHeader: version, format id (2: embedded), class, topic, item, size, data. */
	size_t i = 8;
	const uint8_t *s;
	uint32_t l;
	if (o->len >= 8 && le32(o->data + 4) == 2 && lpas(o->data, o->len, &i, &s, &l)) {
		size_t cl = l && s[l - 1] == 0 ? l - 1 : l;
		if (cl >= sizeof cls)
			cl = sizeof cls - 1;
		memcpy(cls, s, cl);
		cls[cl] = '\0';
		for (size_t k = 0; k < cl; k++)
			if ((unsigned char)cls[k] < 0x20)
				cls[k] = '?';
		if (lpas(o->data, o->len, &i, &s, &l) && lpas(o->data, o->len, &i, &s, &l) && i + 4 <= o->len) {
			uint32_t ns = le32(o->data + i);
			i += 4;
			native = o->data + i;
			nlen = ns <= o->len - i ? ns : o->len - i;
		}
	}
	bool equation = !strncasecmp(cls, "Equation.3", 10) || !strncasecmp(o->cls, "Equation.3", 10);
	int sev = o->update || o->autlink || equation ? CRIBLE_SEV_HIGH : CRIBLE_SEV_LOW;
	char detail[256];
	snprintf(detail, sizeof detail, "RTF embedded object, class %s%s%s%s", cls[0] ? cls : "unknown",
		 o->update ? ", activated on open (\\objupdate)" : "", o->autlink ? ", linked and updated (\\objautlink)" : "",
		 equation ? ", the Equation Editor (CVE-2017-11882 class)" : "");
	if (!strcasecmp(cls, "Package") && nlen >= 2) {
		/* The Packager's layout without its size field: put one in front. */
		uint8_t *pk = malloc(nlen + 4);
		if (!pk) {
			w->s->err = CRIBLE_ENOMEM;
			return;
		}
		pk[0] = (uint8_t)nlen;
		pk[1] = (uint8_t)(nlen >> 8);
		pk[2] = (uint8_t)(nlen >> 16);
		pk[3] = (uint8_t)(nlen >> 24);
		memcpy(pk + 4, native, nlen);
		if (sev == CRIBLE_SEV_HIGH)
			cr_emit(w->s, F_DOC_EMBEDDED, sev, "%s", detail);
		cr_package_entry(w, pk, nlen + 4, where);
		free(pk);
		return;
	}
	struct cr_entry e = {.name = (const uint8_t *)where, .namelen = strlen(where), .kind = E_FILE,
			     .flags = CR_E_NAME_OURS};
	cr_entry_note(&e, F_DOC_EMBEDDED, sev, detail);
	struct cr_src child = {.size = nlen, .mem = native, .fd = -1};
	cr_entry(w, &e, &child);
}

static void close_object(struct rtf *r)
{
	if (!r->o.open)
		return;
	obj_done(r);
	free(r->o.data);
	memset(&r->o, 0, sizeof r->o);
}

static void close_field(struct rtf *r)
{
	r->fld[r->fldn] = '\0';
	enum cr_field k = cr_field_kind(r->fld);
	if (k == FIELD_DDE && !r->dde++)
		snprintf(r->first_dde, sizeof r->first_dde, "%.190s", r->fld);
	if (k == FIELD_REMOTE && !r->remote++)
		snprintf(r->first_remote, sizeof r->first_remote, "%.190s", r->fld);
	r->fldn = 0;
	r->flddepth = -1;
}

static void pop(struct rtf *r)
{
	if (r->depth == 0)
		return;	/* Word ignores a closing brace with nothing open */
	if (r->flddepth == r->depth)
		close_field(r);
	if (r->o.open && r->o.depth == r->depth)
		close_object(r);
	r->depth--;
}

static enum dest cur(const struct rtf *r) { return r->dest[r->depth < MAX_DEPTH ? r->depth : MAX_DEPTH]; }
static void set_dest(struct rtf *r, enum dest d) { r->dest[r->depth < MAX_DEPTH ? r->depth : MAX_DEPTH] = (uint8_t)d; }

/* A byte of text in the current destination. */
static void text(struct rtf *r, uint8_t c)
{
	switch (cur(r)) {
	case D_OBJCLASS:
		if (r->o.open && r->o.clsn + 1 < sizeof r->o.cls && c >= 0x20)
			r->o.cls[r->o.clsn++] = (char)c;
		break;
	case D_FLDINST:
		if (r->fldn + 1 < FLD_MAX)
			r->fld[r->fldn++] = c == '\r' || c == '\n' ? ' ' : (char)c;
		break;
	case D_OBJDATA: {
		int v = hexv(c);
		if (v < 0 || !r->o.open)
			break;
		if (r->o.nib < 0) {
			r->o.nib = v;
		} else {
			obj_put(r, (uint8_t)(r->o.nib << 4 | v));
			r->o.nib = -1;
		}
		break;
	}
	default:
		break;
	}
}

static void word(struct rtf *r, const char *wd, bool has_num, long num, const uint8_t *p, size_t n, size_t *i)
{
	if (!strcmp(wd, "object")) {
		close_object(r);	/* a new object in the same group ends the last one */
		r->o.open = true;
		r->o.depth = r->depth;
		r->o.nib = -1;
	} else if (!strcmp(wd, "objdata")) {
		set_dest(r, D_OBJDATA);
	} else if (!strcmp(wd, "objclass")) {
		set_dest(r, D_OBJCLASS);
	} else if (!strcmp(wd, "objupdate")) {
		r->o.update = r->o.open;
	} else if (!strcmp(wd, "objautlink")) {
		r->o.autlink = r->o.open;
	} else if (!strcmp(wd, "fldinst")) {
		if (r->flddepth >= 0)
			close_field(r);
		set_dest(r, D_FLDINST);
		r->flddepth = r->depth;
		r->fldn = 0;
	} else if (!strcmp(wd, "bin") && has_num && num > 0) {
		/* Raw bytes: part of \objdata when there, skipped elsewhere. */
		size_t k = (size_t)num < n - *i ? (size_t)num : n - *i;
		if (cur(r) == D_OBJDATA && r->o.open)
			for (size_t j = 0; j < k && !r->nomem; j++)
				obj_put(r, p[*i + j]);
		*i += k;
	} else if (!strcmp(wd, "par") || !strcmp(wd, "tab")) {
		text(r, ' ');
	}
}

static void tokenize(struct rtf *r, const uint8_t *p, size_t n)
{
	size_t i = 0;
	while (i < n && !r->nomem) {
		if ((i & 0xFFFF) == 0 && cr_walk_stopped(r->w))
			return;
		uint8_t c = p[i];
		if (c == '{') {
			r->depth++;
			enum dest d = r->dest[(r->depth - 1) < MAX_DEPTH ? r->depth - 1 : MAX_DEPTH];
			set_dest(r, d);
			i++;
		} else if (c == '}') {
			pop(r);
			i++;
		} else if (c == '\\' && i + 1 < n) {
			uint8_t d = p[i + 1];
			if ((d >= 'a' && d <= 'z') || (d >= 'A' && d <= 'Z')) {
				char wd[33];
				size_t k = 0, j = i + 1;
				while (j < n && ((p[j] >= 'a' && p[j] <= 'z') || (p[j] >= 'A' && p[j] <= 'Z'))) {
					if (k < sizeof wd - 1)
						wd[k++] = (char)p[j];
					j++;
				}
				wd[k] = '\0';
				bool neg = false, has = false;
				long num = 0;
				if (j < n && p[j] == '-') {
					neg = true;
					j++;
				}
				for (int dg = 0; j < n && p[j] >= '0' && p[j] <= '9'; j++, dg++) {
					if (dg < 10)
						num = num * 10 + (p[j] - '0');
					has = true;
				}
				if (neg)
					num = -num;
				if (j < n && p[j] == ' ')
					j++;
				i = j;
				word(r, wd, has, num, p, n, &i);
			} else if (d == '\'' && i + 3 < n && hexv(p[i + 2]) >= 0 && hexv(p[i + 3]) >= 0) {
				/* A byte: text where text is read (not hex digits of \objdata: Word skips it there). */
				if (cur(r) != D_OBJDATA)
					text(r, (uint8_t)(hexv(p[i + 2]) << 4 | hexv(p[i + 3])));
				i += 4;
			} else {
				if (d == '\\' || d == '{' || d == '}')
					text(r, d);
				i += 2;
			}
		} else {
			text(r, c);
			i++;
		}
	}
	while (r->depth > 0)
		pop(r);
	close_object(r);
	if (r->flddepth >= 0)
		close_field(r);
}

static void walk_rtf(struct cr_walk *w)
{
	const struct cr_obj *o = w->o;
	struct cr_scan *s = w->s;
	uint8_t *own;
	const uint8_t *p = cr_walk_whole(w, MAX_RTF, "RTF", &own);
	if (!p)
		return;
	size_t n = (size_t)o->view->size;
	struct rtf *r = calloc(1, sizeof *r);
	if (!r) {
		free(own);
		s->err = CRIBLE_ENOMEM;
		return;
	}
	r->w = w;
	r->flddepth = -1;
	tokenize(r, p, n);
	if (r->nomem && s->err == CRIBLE_OK)
		s->err = CRIBLE_ENOMEM;
	if (r->dde)
		cr_emit(s, F_DOC_DDE, -1, "DDE field: %s%s", r->first_dde, r->dde > 1 ? " (and more)" : "");
	if (r->remote)
		cr_emit(s, F_DOC_EXTERNAL_REF, -1, "field fetches a remote file: %s", r->first_remote);
	free(r->o.data);
	free(r);
	free(own);
}

static const enum cr_tid rtf_types[] = {T_RTF, T_UNKNOWN};
const struct cr_format cr_format_rtf = {.name = "rtf", .types = rtf_types, .walk = walk_rtf};
