/*
 * path.c - path.*: an entry name judged as POSIX, Windows and macOS read
 * it, all at once, whatever host runs the scan.
 *
 * A gateway on Linux screens archives that WinRAR opens on Windows and
 * Finder on macOS, so names are split on both '/' and '\', and every
 * Windows reading counts: trailing dots and spaces vanish (CVE-2023-38831,
 * CVE-2025-6218), "..." climbs like "..", device names open devices, a
 * colon opens an NTFS stream (CVE-2025-8088), and the ANSI code page
 * "best-fit" turns fullwidth look-alikes into real separators (WorstFit).
 */
#include <stdio.h>
#include <string.h>

#include "../core/scan.h"
#include "../io/utf8.h"
#include "entry.h"

#define MAX_NAME 4096
#define MAX_COMPONENT 255

static int lower(int c) { return c >= 'A' && c <= 'Z' ? c + 32 : c; }

bool cr_comp_is_dotdot(const uint8_t *c, size_t n)
{
	if (n < 2 || c[0] != '.' || c[1] != '.')
		return false;
	for (size_t i = 2; i < n; i++)
		if (c[i] != '.' && c[i] != ' ')
			return false;
	return true;
}

#include "bestfit_table.h"

/*
 * Code points that Windows best-fit conversion to an ANSI code page maps
 * onto a path-significant ASCII character (/ \ : . " < > |): every ANSI
 * code page's table (bestfit_table.h, generated from Microsoft's
 * WindowsBestFit files by scripts/gen-bestfit.py), and the small forms
 * that compatibility normalisation folds the same way.  Returns the table
 * entry, or NULL.
 */
static const struct bestfit *bestfit(uint32_t cp)
{
	static const struct bestfit small[] = {
		{0xfe68, '\\', 0}, {0xfe55, ':', 0}, {0xfe52, '.', 0}, {0xfe64, '<', 0}, {0xfe65, '>', 0},
	};
	size_t lo = 0, hi = sizeof bestfit_table / sizeof *bestfit_table;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (bestfit_table[mid].cp == cp)
			return &bestfit_table[mid];
		if (bestfit_table[mid].cp < cp)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (size_t i = 0; i < sizeof small / sizeof *small; i++)
		if (small[i].cp == cp)
			return &small[i];
	return NULL;
}

static int bidi(uint32_t cp)
{
	return (cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069) || cp == 0x200e || cp == 0x200f ||
	       cp == 0x061c;
}

/* Windows device names, with or without an extension, trailing spaces ignored. */
static int device(const uint8_t *c, size_t n)
{
	size_t b = 0;
	while (b < n && c[b] != '.')
		b++;
	while (b > 0 && c[b - 1] == ' ')
		b--;
	char w[8];
	size_t k = 0;
	/* Superscript digits ¹²³ (C2 B9, C2 B2, C2 B3) count as digits after COM/LPT. */
	if (b == 5 && c[3] == 0xc2 && (c[4] == 0xb9 || c[4] == 0xb2 || c[4] == 0xb3)) {
		w[0] = (char)lower(c[0]), w[1] = (char)lower(c[1]), w[2] = (char)lower(c[2]);
		return (!memcmp(w, "com", 3) || !memcmp(w, "lpt", 3));
	}
	if (b < 3 || b > 7)
		return 0;
	for (; k < b; k++)
		w[k] = (char)lower(c[k]);
	w[k] = '\0';
	if (!strcmp(w, "con") || !strcmp(w, "prn") || !strcmp(w, "aux") || !strcmp(w, "nul") ||
	    !strcmp(w, "conin$") || !strcmp(w, "conout$"))
		return 1;
	return b == 4 && (!memcmp(w, "com", 3) || !memcmp(w, "lpt", 3)) && w[3] >= '0' && w[3] <= '9';
}

bool cr_path_bestfit(uint32_t cp) { return bestfit(cp) != NULL; }
bool cr_path_bidi(uint32_t cp) { return bidi(cp) != 0; }
bool cr_path_device(const uint8_t *c, size_t n) { return device(c, n) != 0; }

static void show(char *out, size_t outlen, const uint8_t *c, size_t n)
{
	size_t k = 0;
	for (size_t i = 0; i < n && k + 5 < outlen; i++) {
		uint8_t ch = c[i];
		if (ch < 0x20 || ch == 0x7f)
			k += (size_t)snprintf(out + k, outlen - k, "\\x%02x", ch);
		else
			out[k++] = (char)ch;
	}
	out[k] = '\0';
}

void cr_rules_path(struct cr_scan *s, const uint8_t *name, size_t len, bool utf8)
{
	char comp[80];
	/* Absolute: a root, a drive, UNC or a device prefix (\\?\, \\.\ are UNC-shaped). */
	if (len > 0 && cr_is_sep(name[0]))
		cr_emit(s, F_PATH_ABSOLUTE, -1, "%s", len > 1 && cr_is_sep(name[1]) ? "UNC or device path" : "starts at the root");
	else if (cr_has_drive(name, len))
		cr_emit(s, F_PATH_ABSOLUTE, -1, "drive letter %c:", name[0]);
	if (len > MAX_NAME)
		cr_emit(s, F_PATH_LONG, -1, "name of %zu bytes (limit %d)", len, MAX_NAME);

	/* Per component. */
	size_t i = 0, n;
	const uint8_t *c;
	while (cr_next_comp(name, len, &i, &c, &n)) {
		if (n == 0)
			continue;
		int dot = n == 1 && c[0] == '.';
		int dotdot = n == 2 && c[0] == '.' && c[1] == '.';
		if (cr_comp_is_dotdot(c, n)) {
			show(comp, sizeof comp, c, n);
			cr_emit(s, F_PATH_TRAVERSAL, -1, dotdot ? "component \"..\" climbs out of the folder"
						       : "component \"%s\" reads as \"..\" on Windows", comp);
		}
		if (!dot && !dotdot && (c[n - 1] == '.' || c[n - 1] == ' ')) {
			show(comp, sizeof comp, c, n);
			cr_emit(s, F_PATH_TRAILING, -1, "component \"%s\" ends in %s, which Windows strips", comp,
				c[n - 1] == '.' ? "a dot" : "a space");
		}
		if (n > MAX_COMPONENT)
			cr_emit(s, F_PATH_LONG, -1, "component of %zu bytes (limit %d)", n, MAX_COMPONENT);
		if (device(c, n)) {
			show(comp, sizeof comp, c, n);
			cr_emit(s, F_PATH_DEVICE, -1, "component \"%s\" is a Windows device name", comp);
		}
		/* A colon inside a component, except the drive of the first one. */
		const uint8_t *colon = memchr(c, ':', n);
		if (colon && c == name && colon == c + 1 && cr_has_drive(c, n))
			colon = memchr(colon + 1, ':', n - 2);
		if (colon) {
			show(comp, sizeof comp, c, n);
			cr_emit(s, F_PATH_ADS, -1, "component \"%s\" names an NTFS alternate data stream", comp);
		}
	}

	/* Character classes over the whole name. */
	int bad_utf8 = 0, ctl = 0, bd = 0, bf = 0;
	uint32_t bdcp = 0, bfcp = 0, ctlcp = 0;
	const struct bestfit *bfe = NULL;
	for (size_t k = 0; k < len;) {
		uint32_t cp;
		size_t l = cr_utf8_decode(name + k, len - k, &cp);
		if (l == 0) {
			bad_utf8 = 1;
			k++;
			continue;
		}
		k += l;
		if (cp < 0x20 || cp == 0x7f || (cp >= 0x80 && cp <= 0x9f)) {
			if (!ctl)
				ctlcp = cp;
			ctl = 1;
		} else if (bidi(cp)) {
			if (!bd)
				bdcp = cp;
			bd = 1;
		} else if (!bf && cp >= 0xa0 && (bfe = bestfit(cp))) {
			bfcp = cp;
			bf = 1;
		}
	}
	if (ctl)
		cr_emit(s, F_PATH_CONTROL, -1, "control character U+%04X in the name", ctlcp);
	if (bd)
		cr_emit(s, F_PATH_BIDI, -1, "bidirectional control U+%04X can disguise the extension", bdcp);
	if (bf && bfe->page)
		cr_emit(s, F_PATH_BESTFIT, -1, "U+%04X becomes '%c' under Windows best-fit conversion (code page %u)",
			bfcp, bfe->to, bfe->page);
	else if (bf)
		cr_emit(s, F_PATH_BESTFIT, -1, "U+%04X becomes '%c' under Windows compatibility folding", bfcp,
			bfe->to);
	if (bad_utf8 && utf8)
		cr_emit(s, F_PATH_ENCODING, -1, "the name is declared UTF-8 but is not valid UTF-8");
}

/*
 * WinRAR 7.13 and later refuse a stream name that does not start with
 * ':' or holds a path separator; earlier versions wrote file.pdf:..\..\x
 * as an ordinary file two folders up (CVE-2025-8088, RomCom, July 2025).
 * A second ':' is refused since 2024 (Mark-of-the-Web overwrite through
 * ::$DATA).
 */
void cr_rules_stream(struct cr_scan *s, const uint8_t *nm, size_t len)
{
	bool sep = memchr(nm, '/', len) || memchr(nm, '\\', len);
	bool dots = false, ctl = false;
	for (size_t i = 0; i + 1 < len; i++)
		dots |= nm[i] == '.' && nm[i + 1] == '.';
	for (size_t i = 0; i < len; i++)
		ctl |= nm[i] < 0x20 || nm[i] == 0x7f;
	const uint8_t *second = len > 1 ? memchr(nm + 1, ':', len - 1) : NULL;
	if (len == 0 || nm[0] != ':')
		cr_emit(s, F_PATH_ADS, -1, "stream name does not start with ':'");
	else if (sep || dots)
		cr_emit(s, F_PATH_ADS, -1, "NTFS stream name holds %s: WinRAR before 7.13 writes it outside the "
					   "extraction folder (CVE-2025-8088)", sep ? "a path separator" : "\"..\"");
	else if (second)
		cr_emit(s, F_PATH_ADS, -1, "NTFS stream name holds a second ':' (::$DATA, Mark-of-the-Web overwrite)");
	else if (ctl)
		cr_emit(s, F_PATH_ADS, -1, "NTFS stream name holds NUL or control characters");
	else
		cr_emit(s, F_STREAM_NTFS, -1, "NTFS alternate data stream %s, hidden from the WinRAR file list",
			s->nwhere ? s->where[s->nwhere - 1] : "");
	/* The part after ':' is a path to Windows once the name is appended to the file's: judge it as one. */
	if (len > 1)
		cr_rules_path(s, nm + 1, len - 1, true);
}
