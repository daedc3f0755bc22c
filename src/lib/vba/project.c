/*
 * vba/project.c - MS-OVBA: a VBA project as Office reads it.
 *
 * The VBA storage holds `dir` (compressed, 2.3.4.2): records of u16 id,
 * u32 size and that many bytes, in a fixed order, ending with id 0x0010.
 * One record breaks the pattern: PROJECTVERSION (0x0009) says 4 and holds
 * 6.  Each module is MODULENAME (0x0019), MODULESTREAMNAME (0x001A, then
 * its UTF-16 form under 0x0032), MODULEOFFSET (0x0031, u32), ..., and a
 * terminator (0x002B).  A module stream is the compiled p-code cache up to
 * the offset, then the compressed source (codec/ovba.c).
 *
 * Office runs the p-code when the project's version matches its own, and
 * recompiles the source otherwise: a document whose source was replaced
 * after compiling ("VBA stomping") shows one program to a reader of the
 * source and runs another.  The compiled side keeps its identifiers as
 * text (the _VBA_PROJECT stream's table, the p-code cache), so a trigger
 * or a call named there and in no module's source is reported.
 */
#include "project.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "../codec/ovba.h"
#include "../core/scan.h"
#include "../io/utf8.h"

#define DIR_RAW_CAP (1u << 20)		/* the dir stream, compressed */
#define DIR_CAP (4u << 20)		/* and decompressed */
#define MODULE_CAP (16u << 20)		/* a module stream, and its source */
#define MAX_MODULES 4096u

/* Procedures Office runs by themselves: document events, Auto macros, ActiveX control events. */
const char *const cr_vba_triggers[] = {
	"AutoOpen", "AutoExec", "AutoClose", "AutoExit", "AutoNew", "Auto_Open", "Auto_Close", "Document_Open",
	"Document_Close", "Document_New", "Document_ContentControlOnEnter", "DocumentOpen", "Workbook_Open",
	"Workbook_Activate", "Workbook_BeforeClose", "Workbook_Deactivate", "Worksheet_Activate",
	"Worksheet_Change", "Worksheet_Calculate", "Presentation_Open", "InkPicture1_Painted", "Frame1_Layout",
	"MultiPage1_Layout", "_GotFocus", "_Layout", "_Painted", "_MouseMove", NULL,
};

/* Calls that reach outside the document: processes, downloads, files, the Windows API. */
const char *const cr_vba_calls[] = {
	"Shell", "ShellExecute", "WScript.Shell", "CreateObject", "GetObject", "CallByName", "URLDownloadToFile",
	"Declare", "VirtualAlloc", "RtlMoveMemory", "CreateThread", "WriteProcessMemory", "MacScript",
	"ExecuteExcel4Macro", "XMLHTTP", "ADODB.Stream", "SaveToFile", "PowerShell", "Environ", NULL,
};

static bool ident_char(int c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
}

/* Whether word occurs in p[0, n) in any case, not inside a longer identifier (a leading '_' is the word's own). */
static bool has_word(const uint8_t *p, size_t n, const char *word)
{
	size_t m = strlen(word);
	bool suffix = word[0] == '_';	/* "_Layout": any control's event of that name */
	for (size_t i = 0; i + m <= n; i++) {
		if ((p[i] | 0x20) != (word[0] | 0x20) || strncasecmp((const char *)p + i, word, m) != 0)
			continue;
		/* Not inside a longer name, nor a member of an object (x.Shell is not Shell) unless the word says so. */
		if (!suffix && i > 0 && (ident_char(p[i - 1]) || (p[i - 1] == '.' && !strchr(word, '.'))))
			continue;
		if (i + m < n && ident_char(p[i + m]))
			continue;
		return true;
	}
	return false;
}

static void scan_words(const uint8_t *p, size_t n, struct cr_vba_facts *f)
{
	for (unsigned k = 0; cr_vba_triggers[k]; k++)
		if (has_word(p, n, cr_vba_triggers[k]))
			f->triggers |= 1u << k;
	for (unsigned k = 0; cr_vba_calls[k]; k++)
		if (has_word(p, n, cr_vba_calls[k]))
			f->calls |= 1u << k;
}

void cr_vba_scan_words(const uint8_t *p, size_t n, struct cr_vba_facts *f) { scan_words(p, n, f); }

void cr_vba_scan_source(const uint8_t *src, size_t n, struct cr_vba_facts *f)
{
	scan_words(src, n, f);
	/* Procedures: a line that opens with [Public|Private|Friend] [Static] Sub|Function|Property. */
	for (size_t i = 0; i < n;) {
		const uint8_t *nl = memchr(src + i, '\n', n - i);
		size_t e = nl ? (size_t)(nl - src) : n;
		size_t k = i;
		while (k < e && (src[k] == ' ' || src[k] == '\t'))
			k++;
		static const char *const mods[] = {"Public ", "Private ", "Friend ", "Static "};
		for (int again = 1; again;) {
			again = 0;
			for (size_t m = 0; m < sizeof mods / sizeof mods[0]; m++) {
				size_t ml = strlen(mods[m]);
				if (e - k > ml && strncasecmp((const char *)src + k, mods[m], ml) == 0) {
					k += ml;
					again = 1;
				}
			}
		}
		static const char *const kinds[] = {"Sub ", "Function ", "Property "};
		for (size_t m = 0; m < sizeof kinds / sizeof kinds[0]; m++) {
			size_t ml = strlen(kinds[m]);
			if (e - k > ml && strncasecmp((const char *)src + k, kinds[m], ml) == 0)
				f->procs++;
		}
		i = e + 1;
	}
}

struct module {
	char name[128];
	char stream[256];
	uint32_t offset;
	bool has_offset;
};

static uint16_t le16(const uint8_t *p) { return (uint16_t)(p[0] | p[1] << 8); }
static uint32_t le32(const uint8_t *p) { return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24; }

static void copy_name(char *dst, size_t room, const uint8_t *p, size_t n)
{
	size_t k = n < room - 1 ? n : room - 1;
	for (size_t i = 0; i < k; i++)
		dst[i] = p[i] >= 0x20 && p[i] != 0x7f ? (char)p[i] : '?';
	dst[k] = '\0';
}

/* The module records of a decompressed dir stream; false when the records run past the data. */
static bool parse_dir(const uint8_t *d, size_t n, struct module *m, size_t *nm)
{
	size_t i = 0;
	*nm = 0;
	struct module *cur = NULL;
	while (i + 6 <= n) {
		uint16_t id = le16(d + i);
		uint32_t sz = le32(d + i + 2);
		i += 6;
		if (id == 0x0009)
			sz = 6;	/* PROJECTVERSION: Reserved (= 4), then 4 + 2 bytes */
		if (sz > n - i)
			return false;
		const uint8_t *p = d + i;
		switch (id) {
		case 0x0010:
			return true;	/* the dir stream's terminator */
		case 0x0019:	/* MODULENAME: a new module */
			if (*nm == MAX_MODULES)
				return true;
			cur = &m[(*nm)++];
			memset(cur, 0, sizeof *cur);
			copy_name(cur->name, sizeof cur->name, p, sz);
			break;
		case 0x001A:	/* MODULESTREAMNAME, in the project's code page */
			if (cur)
				copy_name(cur->stream, sizeof cur->stream, p, sz);
			break;
		case 0x0032:	/* its UTF-16 form, which the stream's directory name matches exactly */
			if (cur && sz >= 2) {
				size_t units = sz / 2 < (sizeof cur->stream - 1) / 3 ? sz / 2 : (sizeof cur->stream - 1) / 3;
				cur->stream[cr_utf16_to_utf8(p, units, true, (uint8_t *)cur->stream)] = '\0';
			}
			break;
		case 0x0031:	/* MODULEOFFSET */
			if (cur && sz == 4) {
				cur->offset = le32(p);
				cur->has_offset = true;
			}
			break;
		default:
			break;
		}
		i += sz;
	}
	return false;	/* no terminator: cut */
}

static void list_words(char *out, size_t room, const char *const *words, uint32_t bits)
{
	size_t k = strlen(out);
	for (unsigned i = 0; words[i] && k + 2 < room; i++)
		if (bits & (1u << i)) {
			int w = snprintf(out + k, room - k, "%s%s", k && out[k - 1] != ' ' ? ", " : "", words[i]);
			if (w < 0 || (size_t)w >= room - k)
				break;
			k += (size_t)w;
		}
}

void cr_vba_project(struct cr_scan *s, cr_vba_stream_fn get, void *arg, uint32_t vba)
{
	size_t rawlen = 0;
	uint8_t *raw = get(arg, vba, "dir", DIR_RAW_CAP, &rawlen);
	if (!raw)
		return;	/* no dir stream: no project (or ENOMEM, in s->err) */
	uint8_t *dir = malloc(DIR_CAP);
	struct module *mods = malloc(MAX_MODULES * sizeof *mods);
	if (!dir || !mods) {
		free(raw);
		free(dir);
		free(mods);
		s->err = CRIBLE_ENOMEM;
		return;
	}
	enum cr_ovba res;
	size_t dl = cr_ovba_decompress(raw, rawlen, dir, DIR_CAP, &res);
	free(raw);
	size_t nm = 0;
	bool ok = parse_dir(dir, dl, mods, &nm);
	free(dir);
	if (nm == 0) {
		/* Nothing to name: a project whose dir cannot be read still holds what Office would run. */
		if (!ok || res != OVBA_OK)
			cr_emit(s, F_DOC_MACRO, -1, "VBA project whose dir stream cannot be read (%s)",
				res == OVBA_BROKEN ? "broken compression" : "records cut short");
		free(mods);
		return;
	}

	struct cr_vba_facts src = {0}, compiled = {0};
	char names[400] = "", unreadable[200] = "";
	uint8_t *text = malloc(MODULE_CAP);
	if (!text) {
		free(mods);
		s->err = CRIBLE_ENOMEM;
		return;
	}
	/* Each module is a search of the directory: the scan's limits stop a project of thousands. */
	for (size_t i = 0; i < nm && !cr_stopped(s); i++) {
		struct module *m = &mods[i];
		size_t nl = strlen(names);
		if (nl + strlen(m->name) + 8 < sizeof names)
			snprintf(names + nl, sizeof names - nl, "%s%s", nl ? ", " : "", m->name);
		else if (nl + 5 < sizeof names && !strstr(names, "..."))
			snprintf(names + nl, sizeof names - nl, ", ...");
		size_t ml = 0;
		uint8_t *ms = get(arg, vba, m->stream[0] ? m->stream : m->name, MODULE_CAP, &ml);
		if (!ms) {
			if (s->err != CRIBLE_OK)
				break;
			size_t ul = strlen(unreadable);
			snprintf(unreadable + ul, sizeof unreadable - ul, "%s%s", ul ? ", " : "", m->name);
			continue;
		}
		size_t off = m->has_offset && m->offset <= ml ? m->offset : ml;
		cr_vba_scan_words(ms, off, &compiled);
		size_t tl = off < ml ? cr_ovba_decompress(ms + off, ml - off, text, MODULE_CAP, &res) : 0;
		if (off >= ml || tl == 0) {
			size_t ul = strlen(unreadable);
			snprintf(unreadable + ul, sizeof unreadable - ul, "%s%s", ul ? ", " : "", m->name);
		}
		cr_vba_scan_source(text, tl, &src);
		free(ms);
	}
	free(text);
	size_t pl = 0;
	uint8_t *proj = get(arg, vba, "_VBA_PROJECT", MODULE_CAP, &pl);
	if (proj) {
		cr_vba_scan_words(proj, pl, &compiled);
		free(proj);
	}
	free(mods);
	if (s->err != CRIBLE_OK)
		return;

	char detail[1024];
	snprintf(detail, sizeof detail, "VBA project, %zu module%s (%s)", nm, nm == 1 ? "" : "s", names);
	if (src.triggers) {
		strncat(detail, "; runs by itself on ", sizeof detail - strlen(detail) - 1);
		list_words(detail, sizeof detail, cr_vba_triggers, src.triggers);
	}
	if (src.calls) {
		strncat(detail, "; calls ", sizeof detail - strlen(detail) - 1);
		list_words(detail, sizeof detail, cr_vba_calls, src.calls);
	}
	uint32_t st = compiled.triggers & ~src.triggers, sc = compiled.calls & ~src.calls;
	if (st || sc) {
		strncat(detail, "; compiled code names ", sizeof detail - strlen(detail) - 1);
		list_words(detail, sizeof detail, cr_vba_triggers, st);
		list_words(detail, sizeof detail, cr_vba_calls, sc);
		strncat(detail, " that no module's source holds (VBA stomping)", sizeof detail - strlen(detail) - 1);
	}
	if (unreadable[0]) {
		strncat(detail, "; source not readable: ", sizeof detail - strlen(detail) - 1);
		strncat(detail, unreadable, sizeof detail - strlen(detail) - 1);
	}
	cr_emit(s, F_DOC_MACRO, -1, "%s", detail);
}
