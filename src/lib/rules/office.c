/*
 * office.c - the parts of OOXML and ODF packages that make a document do
 * something when opened, judged as the ZIP walker reports them:
 *
 *  - relationships (`*.rels`) with TargetMode="External" of the types
 *    Word follows by itself: attachedTemplate, oleObject, frame and
 *    subDocument.  A remote target (http(s), UNC, WebDAV, file://host)
 *    is doc.external-ref, high: Word fetches it on open (the remote
 *    template and CVE-2022-30190 class).  A local file:/// path is low:
 *    Word records one for any document based on a local template;
 *  - Word field codes (w:instrText runs, joined across runs as Word joins
 *    them, and w:fldSimple's w:instr): DDE and DDEAUTO are doc.dde;
 *    INCLUDEPICTURE and INCLUDETEXT to a remote target doc.external-ref;
 *  - Excel's external link parts (xl/externalLinks/): a ddeLink is doc.dde
 *    (Excel starts its service when the workbook's links update);
 *  - Excel 4.0 macro sheets (xl/macrosheets/), ODF Basic and script
 *    parts (Basic/, Scripts/): doc.macro;
 *  - embedded objects (an embeddings folder, oleObject*.bin): doc.embedded, low;
 *    their bytes are scanned as children like every part.
 *
 * XML is read by expat, elements and attributes by their local names (a
 * renamed prefix, x:instrText, is still Word's element), with the
 * billion-laughs caps the page reader uses.  Findings are notes on the part: `where` names
 * the .rels or the document part that holds them.
 */
#include "office.h"

/* Debian builds expat with DTD support: its entity caps are declared under XML_DTD. */
#define XML_DTD 1
#include <expat.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "../core/scan.h"

#define FIELD_MAX 4096		/* a field instruction kept; more is kept cut */

struct part {
	struct cr_entry *e;
	int kind;		/* P_RELS, P_WORD */
	/* the field being read: between fldChar begin and separate/end */
	bool in_field, in_instr;
	char field[FIELD_MAX];
	size_t flen;
	unsigned dde, remote_include, ext_remote, ext_local;
	char first_dde[160], first_ext[300], first_local[300];
};

enum { P_RELS = 1, P_WORD = 2, P_XLLINK = 3 };

/* The local name: after any prefix, whatever it is (x:instrText is Word's instrText under another prefix). */
static const char *local(const char *name)
{
	const char *l = strrchr(name, ':');
	return l ? l + 1 : name;
}

static const char *attr(const char **atts, const char *name)
{
	for (size_t i = 0; atts[i]; i += 2)
		if (!strcmp(local(atts[i]), name))
			return atts[i + 1];
	return NULL;
}

/* Whether a target is fetched from elsewhere: http(s), UNC and WebDAV, file://host. */
static bool remote_target(const char *t)
{
	while (*t == ' ' || *t == '"')
		t++;
	if (!strncasecmp(t, "http://", 7) || !strncasecmp(t, "https://", 8) || !strncmp(t, "\\\\", 2) ||
	    !strncmp(t, "//", 2) || !strncasecmp(t, "mhtml:", 6) || !strncasecmp(t, "ms-", 3))
		return true;
	if (!strncasecmp(t, "file://", 7))
		return t[7] != '/' && strncasecmp(t + 7, "localhost/", 10) != 0;
	return false;
}

static void copy_cut(char *dst, size_t room, const char *s)
{
	size_t k = 0;
	for (; *s && k + 1 < room; s++)
		dst[k++] = (unsigned char)*s >= 0x20 ? *s : ' ';
	dst[k] = '\0';
}

enum cr_field cr_field_kind(const char *instr)
{
	while (*instr == ' ' || *instr == '\t' || *instr == '\r' || *instr == '\n')
		instr++;
	size_t w = 0;
	while (instr[w] && instr[w] != ' ' && instr[w] != '\t' && instr[w] != '\\')
		w++;
	if ((w == 3 && !strncasecmp(instr, "DDE", 3)) || (w == 7 && !strncasecmp(instr, "DDEAUTO", 7)))
		return FIELD_DDE;
	if (((w == 14 && !strncasecmp(instr, "INCLUDEPICTURE", 14)) ||
	     (w == 11 && !strncasecmp(instr, "INCLUDETEXT", 11))) && remote_target(instr + w))
		return FIELD_REMOTE;
	return FIELD_OTHER;
}

/* A field instruction, whole: its first word says what it does. */
static void field_done(struct part *p, const char *instr)
{
	while (*instr == ' ' || *instr == '\t')
		instr++;
	enum cr_field k = cr_field_kind(instr);
	if (k == FIELD_DDE && !p->dde++)
		copy_cut(p->first_dde, sizeof p->first_dde, instr);
	if (k == FIELD_REMOTE && !p->remote_include++)
		copy_cut(p->first_ext, sizeof p->first_ext, instr);
}

static void XMLCALL on_start(void *u, const XML_Char *name, const XML_Char **atts)
{
	struct part *p = u;
	const char *l = local(name);
	if (p->kind == P_RELS) {
		if (strcmp(l, "Relationship") != 0)
			return;
		const char *mode = attr(atts, "TargetMode"), *type = attr(atts, "Type"), *target = attr(atts, "Target");
		if (!mode || strcasecmp(mode, "External") != 0 || !type || !target)
			return;
		const char *t = strrchr(type, '/');
		t = t ? t + 1 : type;
		if (strcmp(t, "attachedTemplate") && strcmp(t, "oleObject") && strcmp(t, "frame") && strcmp(t, "subDocument"))
			return;
		char what[300];
		snprintf(what, sizeof what, "%s to %.240s", t, target);
		if (remote_target(target)) {
			if (!p->ext_remote++)
				copy_cut(p->first_ext, sizeof p->first_ext, what);
		} else if (!p->ext_local++) {
			copy_cut(p->first_local, sizeof p->first_local, what);
		}
		return;
	}
	/* Excel: an external link part's ddeLink runs ddeService with ddeTopic when links update. */
	if (p->kind == P_XLLINK) {
		if (!strcmp(l, "ddeLink")) {
			const char *svc = attr(atts, "ddeService"), *topic = attr(atts, "ddeTopic");
			char f[200];
			snprintf(f, sizeof f, "ddeLink %.80s|%.100s", svc ? svc : "?", topic ? topic : "?");
			if (!p->dde++)
				copy_cut(p->first_dde, sizeof p->first_dde, f);
		}
		return;
	}
	/* Word: w:fldChar begin/separate/end around w:instrText runs; w:fldSimple carries its instruction. */
	if (!strcmp(l, "fldSimple")) {
		const char *in = attr(atts, "instr");
		if (in)
			field_done(p, in);
	} else if (!strcmp(l, "fldChar")) {
		const char *t = attr(atts, "fldCharType");
		if (t && !strcmp(t, "begin")) {
			p->in_field = true;
			p->flen = 0;
		} else if (t && p->in_field) {
			p->field[p->flen] = '\0';
			field_done(p, p->field);
			p->in_field = false;
		}
	} else if (!strcmp(l, "instrText")) {
		p->in_instr = true;
	}
}

static void XMLCALL on_end(void *u, const XML_Char *name)
{
	struct part *p = u;
	if (p->kind == P_WORD && !strcmp(local(name), "instrText"))
		p->in_instr = false;
}

static void XMLCALL on_chars(void *u, const XML_Char *s, int len)
{
	struct part *p = u;
	if (!p->in_instr)
		return;
	/* A field outside begin/end (hand-made XML): read as its own. */
	size_t n = (size_t)len;
	if (n > FIELD_MAX - 1 - p->flen)
		n = FIELD_MAX - 1 - p->flen;
	memcpy(p->field + p->flen, s, n);
	p->flen += n;
	if (!p->in_field) {
		p->field[p->flen] = '\0';
		field_done(p, p->field);
		p->flen = 0;
	}
}

static bool name_is(const struct cr_entry *e, const char *prefix)
{
	size_t l = strlen(prefix);
	return e->namelen >= l && !strncasecmp((const char *)e->name, prefix, l);
}

static bool has_component(const struct cr_entry *e, const char *comp)
{
	size_t l = strlen(comp);
	for (size_t i = 0; i + l <= e->namelen; i++)
		if ((i == 0 || e->name[i - 1] == '/') && !strncasecmp((const char *)e->name + i, comp, l))
			return true;
	return false;
}

/* Reads the part through expat; false when it could not be read (the notes then say so). */
static bool parse(struct cr_scan *s, struct part *p, const struct cr_src *data)
{
	/*
	 * Without namespace processing: prefixes are stripped by name, so a
	 * part whose prefixes are not declared (which Word refuses) is still
	 * read, not left unread.
	 */
	XML_Parser xp = XML_ParserCreate(NULL);
	if (!xp) {
		s->err = CRIBLE_ENOMEM;
		return false;
	}
	XML_SetUserData(xp, p);
	XML_SetElementHandler(xp, on_start, on_end);
	XML_SetCharacterDataHandler(xp, on_chars);
	XML_SetParamEntityParsing(xp, XML_PARAM_ENTITY_PARSING_NEVER);
	XML_SetBillionLaughsAttackProtectionActivationThreshold(xp, 1u << 20);
	XML_SetBillionLaughsAttackProtectionMaximumAmplification(xp, 100.0f);
	uint8_t buf[16384];
	bool ok = true;
	for (uint64_t off = 0; ok;) {
		ssize_t r = cr_src_read(data, off, buf, sizeof buf);
		if (r < 0) {
			ok = false;
			break;
		}
		off += (uint64_t)r;
		bool last = r == 0 || off >= data->size;
		if (XML_Parse(xp, (const char *)buf, (int)r, last) == XML_STATUS_ERROR)
			ok = false;
		if (last)
			break;
	}
	XML_ParserFree(xp);
	return ok;
}

void cr_office_part(struct cr_scan *s, enum cr_tid pkg, struct cr_entry *e, const struct cr_src *data)
{
	bool odf = cr_type_is_a(pkg, T_ODT) || cr_type_is_a(pkg, T_ODS) || cr_type_is_a(pkg, T_ODP) ||
		   cr_type_is_a(pkg, T_ODG);
	if (odf) {
		if (name_is(e, "Basic/") && e->kind == E_FILE)
			cr_entry_note(e, F_DOC_MACRO, -1, "ODF Basic macro library");
		else if (name_is(e, "Scripts/") && e->kind == E_FILE)
			cr_entry_note(e, F_DOC_MACRO, -1, "ODF script");
		return;
	}
	if (e->kind != E_FILE)
		return;
	if (name_is(e, "xl/macrosheets/") || name_is(e, "xl/intlMacrosheets/")) {
		cr_entry_note(e, F_DOC_MACRO, -1, "Excel 4.0 macro sheet part");
		return;
	}
	size_t bl = 0;
	const uint8_t *base = e->name;
	for (size_t i = 0; i < e->namelen; i++)
		if (e->name[i] == '/')
			base = e->name + i + 1;
	bl = (size_t)(e->name + e->namelen - base);
	if (has_component(e, "embeddings/") || (bl >= 9 && !strncasecmp((const char *)base, "oleObject", 9))) {
		cr_entry_note(e, F_DOC_EMBEDDED, -1, "embedded object part");
		return;
	}
	struct part p = {.e = e};
	if (e->namelen > 5 && !strncasecmp((const char *)e->name + e->namelen - 5, ".rels", 5))
		p.kind = P_RELS;
	else if (name_is(e, "word/") && e->namelen > 4 && !strncasecmp((const char *)e->name + e->namelen - 4, ".xml", 4))
		p.kind = P_WORD;
	else if (name_is(e, "xl/externalLinks/") && e->namelen > 4 &&
		 !strncasecmp((const char *)e->name + e->namelen - 4, ".xml", 4))
		p.kind = P_XLLINK;
	if (!p.kind || !data)
		return;
	bool ok = parse(s, &p, data);
	char d[400];
	if (p.ext_remote) {
		snprintf(d, sizeof d, "fetched when the document opens: %s%s", p.first_ext,
			 p.ext_remote > 1 ? " (and more)" : "");
		cr_entry_note(e, F_DOC_EXTERNAL_REF, -1, d);
	}
	if (p.remote_include && !p.ext_remote) {
		snprintf(d, sizeof d, "field fetches a remote file: %s", p.first_ext);
		cr_entry_note(e, F_DOC_EXTERNAL_REF, -1, d);
	}
	if (p.ext_local) {
		snprintf(d, sizeof d, "local path recorded: %s", p.first_local);
		cr_entry_note(e, F_DOC_EXTERNAL_REF, CRIBLE_SEV_LOW, d);
	}
	if (p.dde) {
		snprintf(d, sizeof d, "DDE field: %s%s", p.first_dde, p.dde > 1 ? " (and more)" : "");
		cr_entry_note(e, F_DOC_DDE, -1, d);
	}
	/* A part Word would read that expat cannot: what it says is unknown, not harmless. */
	if (!ok && s->err == CRIBLE_OK)
		cr_entry_note(e, F_CONTAINER_UNINSPECTED, -1, "an XML part of the document could not be read");
}
