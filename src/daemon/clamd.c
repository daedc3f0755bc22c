/* clamd.c - the clamd protocol's records and names (clamd.h). */
#include "clamd.h"

#include <ctype.h>
#include <string.h>

/* clamd 1.4's command table, in its order (session.c): name, takes an argument, accepted unprefixed. */
static const struct {
	const char *name;
	enum clamd_cmd cmd;
	bool arg, legacy;
} table[] = {
	{"SCAN", CL_SCAN, true, true},
	{"QUIT", CL_QUIT, false, true},
	{"RELOAD", CL_RELOAD, false, true},
	{"PING", CL_PING, false, true},
	{"CONTSCAN", CL_CONTSCAN, true, true},
	{"VERSIONCOMMANDS", CL_VERSIONCOMMANDS, false, false},
	{"VERSION", CL_VERSION, false, true},
	{"END", CL_END, false, false},
	{"SHUTDOWN", CL_SHUTDOWN, false, true},
	{"MULTISCAN", CL_MULTISCAN, true, true},
	{"FILDES", CL_FILDES, false, true},
	{"STATS", CL_STATS, false, true},
	{"IDSESSION", CL_IDSESSION, false, false},
	{"INSTREAM", CL_INSTREAM, false, false},
	{"DETSTATSCLEAR", CL_DETSTATSCLEAR, false, true},
	{"DETSTATS", CL_DETSTATS, false, true},
	{"ALLMATCHSCAN", CL_ALLMATCHSCAN, true, false},
};

long clamd_record_end(const char *buf, size_t len)
{
	if (len == 0)
		return -1;
	const void *t = memchr(buf, buf[0] == 'z' ? '\0' : '\n', len);
	return t ? (long)((const char *)t - buf) : -1;
}

struct clamd_req clamd_parse(char *buf, size_t end)
{
	struct clamd_req r = {CL_UNKNOWN, FR_LEGACY, NULL};
	buf[end] = '\0';
	const char *p = buf;
	if (*p == 'z' || *p == 'n') {
		r.frame = *p == 'z' ? FR_Z : FR_N;
		p++;
	}
	size_t n = strlen(p);
	/* Legacy records end with '\n'; a client's "\r\n" is not clamd's, but the '\r' is never part of a name. */
	if (r.frame != FR_Z && n && p[n - 1] == '\r')
		n--;
	for (size_t i = 0; i < sizeof table / sizeof table[0]; i++) {
		size_t k = strlen(table[i].name);
		if (n < k || strncmp(p, table[i].name, k) != 0)
			continue;
		/* Matched by prefix, in table order (VERSIONCOMMANDS before VERSION). */
		if (r.frame == FR_LEGACY && !table[i].legacy)
			return r;
		if (table[i].arg) {
			if (n <= k + 1 || p[k] != ' ')
				return r;
			buf[(size_t)(p - buf) + n] = '\0';
			r.arg = p + k + 1;
		} else if (n != k) {
			return r;
		}
		r.cmd = table[i].cmd;
		return r;
	}
	return r;
}

const char *clamd_cmd_name(enum clamd_cmd c)
{
	for (size_t i = 0; i < sizeof table / sizeof table[0]; i++)
		if (table[i].cmd == c)
			return table[i].name;
	return "UNKNOWN";
}

void clamd_finding_name(const char *id, char *out, size_t outlen)
{
	size_t k = 0;
	const char *pre = "Crible.";
	for (; *pre && k + 1 < outlen; pre++)
		out[k++] = *pre;
	bool up = true;
	for (const char *c = id; *c && k + 1 < outlen; c++) {
		if (*c == '-') {
			up = true;
			continue;
		}
		if (*c == '.') {
			out[k++] = '.';
			up = true;
			continue;
		}
		out[k++] = up ? (char)toupper((unsigned char)*c) : *c;
		up = false;
	}
	out[k] = '\0';
}

const crible_finding *clamd_found(const crible_result *r, bool warn_found)
{
	crible_verdict v = crible_result_verdict(r);
	if (v == CRIBLE_ALLOW || (v == CRIBLE_WARN && !warn_found))
		return NULL;
	crible_severity want = v == CRIBLE_BLOCK ? CRIBLE_SEV_HIGH : CRIBLE_SEV_MEDIUM;
	for (size_t i = 0; i < crible_result_count(r); i++) {
		const crible_finding *f = crible_result_finding(r, i);
		if (f->severity == want)
			return f;
	}
	/* The verdict covers findings past the report's cap: limit.findings is listed then. */
	return crible_result_count(r) ? crible_result_finding(r, 0) : NULL;
}
