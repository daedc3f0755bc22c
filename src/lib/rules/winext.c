/*
 * winext.c - the extensions Windows runs (exec.script, exec.shortcut by
 * name alone).
 *
 * Windows picks the handler of a double-clicked file by its extension,
 * whatever its bytes look like: a .bat whose first lines read as Python
 * is still a batch file to cmd.exe.  The list follows Outlook's Level 1
 * blocked attachment types (Microsoft's "Blocked attachments in Outlook"),
 * less the certificate and mailbox types (.cer .crt .der .pst .tmp) that
 * open a viewer, not code, and less the native-code types (.exe .com .scr
 * .cpl): the loader runs those only when the bytes are native code, which
 * exec.native judges from the bytes (a PDF named .exe is only mislabelled).
 * Link-like types (.pif included: without PE bytes it is a shortcut) are
 * exec.shortcut; the rest run code through some host and are exec.script.
 *
 * The extension is read as Windows reads it: the last component (either
 * separator), an NTFS stream suffix cut ("run.bat:x" opens run.bat's
 * stream, "run.bat::$DATA" is run.bat), trailing dots and spaces stripped
 * ("run.bat. " is run.bat), case folded.
 */
#include <string.h>
#include <stdatomic.h>
#include <stdlib.h>

#include "../core/scan.h"
#include "entry.h"

enum how { RUNS, LINKS };

/* Sorted by extension (bsearch). */
static const struct {
	const char *ext;
	enum how how;
} winext[] = {
	{"ade", RUNS}, {"adp", RUNS}, {"app", RUNS}, {"appcontent-ms", LINKS}, {"application", RUNS},
	{"appref-ms", LINKS}, {"asp", RUNS}, {"aspx", RUNS}, {"asx", RUNS}, {"bas", RUNS}, {"bat", RUNS},
	{"bgi", RUNS}, {"chm", RUNS}, {"cmd", RUNS}, {"cnt", RUNS}, {"csh", RUNS}, {"desktop", LINKS},
	{"diagcab", RUNS}, {"fxp", RUNS}, {"gadget", RUNS}, {"glk", LINKS}, {"grp", RUNS}, {"hlp", RUNS},
	{"hpj", RUNS}, {"hta", RUNS}, {"htc", RUNS}, {"inf", RUNS}, {"ins", RUNS}, {"isp", RUNS}, {"its", RUNS},
	{"jar", RUNS}, {"jnlp", RUNS}, {"js", RUNS}, {"jse", RUNS}, {"ksh", RUNS}, {"library-ms", LINKS},
	{"lnk", LINKS}, {"mad", RUNS}, {"maf", RUNS}, {"mag", RUNS}, {"mam", RUNS}, {"maq", RUNS}, {"mar", RUNS},
	{"mas", RUNS}, {"mat", RUNS}, {"mau", RUNS}, {"mav", RUNS}, {"maw", RUNS}, {"mcf", RUNS}, {"mda", RUNS},
	{"mdb", RUNS}, {"mde", RUNS}, {"mdt", RUNS}, {"mdw", RUNS}, {"mdz", RUNS}, {"msc", RUNS}, {"msh", RUNS},
	{"msh1", RUNS}, {"msh1xml", RUNS}, {"msh2", RUNS}, {"msh2xml", RUNS}, {"mshxml", RUNS}, {"msi", RUNS},
	{"msix", RUNS}, {"msixbundle", RUNS}, {"msp", RUNS}, {"mst", RUNS}, {"msu", RUNS}, {"ops", RUNS},
	{"osd", RUNS}, {"pcd", RUNS}, {"pif", LINKS}, {"pl", RUNS}, {"plg", RUNS}, {"prf", RUNS}, {"prg", RUNS},
	{"printerexport", RUNS}, {"ps1", RUNS}, {"ps1xml", RUNS}, {"ps2", RUNS}, {"ps2xml", RUNS}, {"psc1", RUNS},
	{"psc2", RUNS}, {"psd1", RUNS}, {"psdm1", RUNS}, {"psm1", RUNS}, {"py", RUNS}, {"pyc", RUNS}, {"pyo", RUNS},
	{"pyw", RUNS}, {"pyz", RUNS}, {"pyzw", RUNS}, {"reg", RUNS}, {"scf", LINKS}, {"sct", RUNS},
	{"search-ms", LINKS}, {"searchconnector-ms", LINKS}, {"settingcontent-ms", LINKS}, {"shb", LINKS},
	{"shs", RUNS}, {"theme", RUNS}, {"url", LINKS}, {"vb", RUNS}, {"vbe", RUNS}, {"vbp", RUNS}, {"vbs", RUNS},
	{"vhd", RUNS}, {"vhdx", RUNS}, {"vsmacros", RUNS}, {"vsw", RUNS}, {"webpnp", RUNS}, {"website", LINKS},
	{"ws", RUNS}, {"wsb", RUNS}, {"wsc", RUNS}, {"wsf", RUNS}, {"wsh", RUNS}, {"xbap", RUNS}, {"xll", RUNS},
	{"xnk", LINKS},
};

/* The extension Windows sees in name, or NULL. */
static const uint8_t *win_ext(const uint8_t *name, size_t len, size_t *elen)
{
	size_t b = len;
	while (b > 0 && name[b - 1] != '/' && name[b - 1] != '\\')
		b--;
	const uint8_t *c = name + b;
	size_t n = len - b;
	const uint8_t *colon = memchr(c, ':', n);
	if (colon)
		n = (size_t)(colon - c);
	while (n > 0 && (c[n - 1] == '.' || c[n - 1] == ' '))
		n--;
	size_t d = n;
	while (d > 0 && c[d - 1] != '.')
		d--;
	if (d <= 1)	/* no dot, or only a leading one (".bat" is a name) */
		return NULL;
	*elen = n - d;
	return *elen ? c + d : NULL;
}

static int by_ext(const void *k, const void *e)
{
	return strcmp(k, *(const char *const *)e);
}

/* The first byte of each extension in the table: most names are rejected on it. */
static bool first_ok(uint8_t c)
{
	static _Atomic uint32_t cached;	/* bit (c - 'a') for each first letter; every thread computes the same */
	uint32_t mask = atomic_load_explicit(&cached, memory_order_relaxed);
	if (!mask) {
		for (size_t i = 0; i < sizeof winext / sizeof *winext; i++)
			mask |= 1u << (winext[i].ext[0] - 'a');
		atomic_store_explicit(&cached, mask, memory_order_relaxed);
	}
	c = (uint8_t)(c >= 'A' && c <= 'Z' ? c + 32 : c);
	return c >= 'a' && c <= 'z' && (mask >> (c - 'a') & 1);
}

/* The table's row for name's extension, or -1. */
static long lookup(const uint8_t *name, size_t len)
{
	size_t el;
	const uint8_t *e = win_ext(name, len, &el);
	if (!e || el > 20 || !first_ok(e[0]))
		return -1;
	char key[24];
	for (size_t i = 0; i < el; i++)
		key[i] = (char)(e[i] >= 'A' && e[i] <= 'Z' ? e[i] + 32 : e[i]);
	key[el] = '\0';
	const void *hit = bsearch(key, winext, sizeof winext / sizeof *winext, sizeof *winext, by_ext);
	return hit ? (long)((size_t)((const char *)hit - (const char *)winext) / sizeof *winext) : -1;
}

bool cr_winext_runs(const uint8_t *name, size_t len) { return lookup(name, len) >= 0; }

bool cr_rules_winext(struct cr_scan *s, const uint8_t *name, size_t len)
{
	long i = lookup(name, len);
	if (i < 0)
		return false;
	if (winext[i].how == LINKS)
		cr_emit(s, F_EXEC_SHORTCUT, -1, "extension .%s opens as a shortcut on Windows, whatever the bytes",
			winext[i].ext);
	else
		cr_emit(s, F_EXEC_SCRIPT, -1, "extension .%s runs as code on Windows, whatever the bytes", winext[i].ext);
	return true;
}
