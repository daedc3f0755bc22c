/*
 * layout/lnk.c - MS-SHLLINK, as Explorer reads it.
 *
 * ShellLinkHeader (76 bytes, HeaderSize 0x4C): LinkFlags at 20 (0x1
 * HasLinkTargetIDList, 0x2 HasLinkInfo, 0x4 HasName, 0x8
 * HasRelativePath, 0x10 HasWorkingDir, 0x20 HasArguments, 0x40
 * HasIconLocation, 0x80 IsUnicode).  Then, each when its flag is set: the
 * IDList (u16 size), LinkInfo (u32 size; LocalBasePath at the offset
 * in its header's 0x10, CommonPathSuffix at 0x18, both ANSI), and the
 * StringData (u16 character count, then UTF-16LE or ANSI): name,
 * relative path, working directory, arguments, icon location.  Extra
 * data blocks follow (u32 size, u32 signature); 0xA0000001 holds the
 * target as an environment-variable path (%windir%\...): Explorer uses it
 * when present.
 *
 * Every offset and count is checked against the bytes; a field that runs
 * past them ends the parse with what was read.
 */
#include "lnk.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "../io/utf8.h"

static uint32_t le32(const uint8_t *p) { return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24; }
static uint16_t le16(const uint8_t *p) { return (uint16_t)(p[0] | p[1] << 8); }

/* ANSI NUL-terminated at p[off] within p[0, n), printable ASCII kept, into out. */
static void ansi(const uint8_t *p, size_t n, size_t off, char *out, size_t room)
{
	size_t k = strlen(out);
	for (size_t i = off; i < n && p[i] && k + 1 < room; i++)
		out[k++] = p[i] >= 0x20 && p[i] < 0x7f ? (char)p[i] : '?';
	out[k] = '\0';
}

static void copy_str(const uint8_t *p, size_t chars, bool unicode, char *out, size_t room)
{
	if (unicode) {
		uint8_t tmp[3 * 512 + 1];
		size_t units = chars < 512 ? chars : 512;
		size_t l = cr_utf16_to_utf8(p, units, true, tmp);
		size_t k = 0;
		for (size_t i = 0; i < l && k + 1 < room; i++)
			out[k++] = tmp[i] >= 0x20 && tmp[i] != 0x7f ? (char)tmp[i] : '?';
		out[k] = '\0';
	} else {
		size_t k = 0;
		for (size_t i = 0; i < chars && k + 1 < room; i++)
			out[k++] = p[i] >= 0x20 && p[i] < 0x7f ? (char)p[i] : '?';
		out[k] = '\0';
	}
}

static const char *const programs[][2] = {
	{"powershell", "PowerShell"}, {"pwsh", "PowerShell"}, {"cmd", "cmd"}, {"mshta", "mshta"},
	{"rundll32", "rundll32"}, {"regsvr32", "regsvr32"}, {"wscript", "wscript"}, {"cscript", "cscript"},
	{"msiexec", "msiexec"}, {"certutil", "certutil"}, {"bitsadmin", "bitsadmin"}, {"conhost", "conhost"},
};

/* The program a path or a command line starts: its base name without .exe, when it is one of ours. */
static const char *program(const char *s)
{
	const char *b = s;
	size_t e = 0;
	while (s[e] == ' ' || s[e] == '"')
		e++;
	s += e;
	size_t l = 0;
	while (s[l] && s[l] != ' ' && s[l] != '"')
		l++;
	b = s;
	for (size_t i = 0; i < l; i++)
		if (s[i] == '\\' || s[i] == '/')
			b = s + i + 1;
	size_t bl = (size_t)(s + l - b);
	if (bl > 4 && !strncasecmp(b + bl - 4, ".exe", 4))
		bl -= 4;
	for (size_t i = 0; i < sizeof programs / sizeof programs[0]; i++)
		if (strlen(programs[i][0]) == bl && !strncasecmp(b, programs[i][0], bl))
			return programs[i][1];
	return NULL;
}

bool cr_lnk_parse(const uint8_t *p, size_t n, struct cr_lnk *l)
{
	memset(l, 0, sizeof *l);
	if (n < 76 || le32(p) != 0x4C)
		return false;
	uint32_t flags = le32(p + 20);
	bool uni = flags & 0x80;
	size_t i = 76;
	if (flags & 0x1) {
		if (i + 2 > n)
			goto done;
		i += 2 + (size_t)le16(p + i);
	}
	if (flags & 0x2) {
		if (i + 28 > n)
			goto done;
		size_t li = i, size = le32(p + i);
		if (size < 28 || size > n - i)
			goto done;
		uint32_t lflags = le32(p + li + 8), base = le32(p + li + 16), suffix = le32(p + li + 24);
		if ((lflags & 1) && base && base < size)
			ansi(p, li + size, li + base, l->target, sizeof l->target);
		if (suffix && suffix < size && p[li + suffix]) {
			size_t k = strlen(l->target);
			if (k && l->target[k - 1] != '\\' && k + 1 < sizeof l->target) {
				l->target[k] = '\\';
				l->target[k + 1] = '\0';
			}
			ansi(p, li + size, li + suffix, l->target, sizeof l->target);
		}
		i += size;
	}
	char *fields[5] = {NULL, l->relative, NULL, l->args, l->icon};
	size_t rooms[5] = {0, sizeof l->relative, 0, sizeof l->args, sizeof l->icon};
	char skip[8];
	for (int f = 0; f < 5; f++) {
		if (!(flags & (0x4u << f)))
			continue;
		if (i + 2 > n)
			goto done;
		size_t chars = le16(p + i), bytes = uni ? 2 * chars : chars;
		i += 2;
		if (bytes > n - i)
			goto done;
		copy_str(p + i, chars, uni, fields[f] ? fields[f] : skip, fields[f] ? rooms[f] : sizeof skip);
		i += bytes;
	}
	/* Extra data: the environment-variable target wins where Explorer uses it. */
	for (int guard = 0; guard < 64 && i + 8 <= n; guard++) {
		size_t bs = le32(p + i);
		if (bs < 8 || bs > n - i)
			break;
		if (le32(p + i + 4) == 0xA0000001 && bs >= 8 + 260 + 520) {
			char t[520];
			copy_str(p + i + 8 + 260, 260, true, t, sizeof t);
			if (!t[0])
				copy_str(p + i + 8, 260, false, t, sizeof t);
			if (t[0])
				snprintf(l->target, sizeof l->target, "%s", t);
		}
		i += bs;
	}
done:
	l->starts = program(l->target);
	if (!l->starts && !l->target[0])
		l->starts = program(l->relative);
	return true;
}
