/*
 * icap_msg.c - ICAP and HTTP messages as crible reads them (icap.h):
 * head blocks, the Encapsulated header, chunk-size lines, URL base names,
 * header parameters and multipart/form-data bodies.  Pure functions, no
 * I/O: fuzzed by fuzz/fuzz_icap.c.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "icap.h"

static char *trim(char *s)
{
	while (*s == ' ' || *s == '\t')
		s++;
	size_t n = strlen(s);
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r'))
		s[--n] = '\0';
	return s;
}

/* Splits lines ended by CRLF (or LF) into header name/value pairs after the first line. */
static bool parse_headers(char *p, char **first, struct icap_hdr *h, size_t *nh)
{
	*nh = 0;
	char *line = p;
	bool is_first = true;
	while (line && *line) {
		char *nl = strchr(line, '\n');
		if (nl)
			*nl = '\0';
		char *l = trim(line);
		if (is_first) {
			*first = l;
			is_first = false;
		} else if (*l) {
			char *colon = strchr(l, ':');
			if (!colon || colon == l || *nh == ICAP_MAX_HDRS)
				return false;
			*colon = '\0';
			h[*nh].name = trim(l);
			h[*nh].value = trim(colon + 1);
			(*nh)++;
		}
		line = nl ? nl + 1 : NULL;
	}
	return !is_first;
}

bool icap_parse_head(char *block, struct icap_msg *m)
{
	memset(m, 0, sizeof *m);
	char *first;
	if (!parse_headers(block, &first, m->h, &m->nh))
		return false;
	char uri[1024];
	char ver[16];
	if (sscanf(first, "%15s %1023s %15s", m->method, uri, ver) != 3 || strcmp(ver, "ICAP/1.0") != 0)
		return false;
	/* icap://host[:port]/service[?args] */
	const char *p = uri;
	if (!strncasecmp(p, "icap://", 7)) {
		p += 7;
		p = strchr(p, '/');
		if (!p)
			p = "/";
	}
	if (*p == '/')
		p++;
	size_t n = strcspn(p, "?/");
	if (n >= sizeof m->service)
		return false;
	memcpy(m->service, p, n);
	m->service[n] = '\0';
	return true;
}

const char *icap_header(const struct icap_hdr *h, size_t nh, const char *name)
{
	for (size_t i = 0; i < nh; i++)
		if (!strcasecmp(h[i].name, name))
			return h[i].value;
	return NULL;
}

bool icap_parse_encap(const char *v, struct icap_encap *e)
{
	*e = (struct icap_encap){-1, -1, -1, -1, false};
	long last = -1;
	int sections = 0;
	while (*v) {
		while (*v == ' ' || *v == ',')
			v++;
		if (!*v)
			break;
		char name[16];
		size_t n = strcspn(v, "=");
		if (n == 0 || n >= sizeof name || v[n] != '=')
			return false;
		memcpy(name, v, n);
		name[n] = '\0';
		v += n + 1;
		char *end;
		errno = 0;
		long off = strtol(v, &end, 10);
		if (end == v || errno || off < 0 || off < last || off > (long)ICAP_MAX_HEAD)
			return false;
		v = end;
		last = off;
		if (!strcmp(name, "req-hdr") && e->req_hdr < 0 && e->res_hdr < 0 && e->body < 0)
			e->req_hdr = off;
		else if (!strcmp(name, "res-hdr") && e->res_hdr < 0 && e->body < 0)
			e->res_hdr = off;
		else if ((!strcmp(name, "req-body") || !strcmp(name, "res-body")) && e->body < 0 && e->null_body < 0)
			e->body = off;
		else if (!strcmp(name, "null-body") && e->body < 0 && e->null_body < 0)
			e->null_body = off;
		else if (!strcmp(name, "opt-body") && e->body < 0)
			e->opt_body = true, e->body = off;
		else
			return false;
		sections++;
	}
	/* The last section is a body of some kind: where the headers end. */
	return sections > 0 && (e->body >= 0 || e->null_body >= 0);
}

bool http_parse_head(char *block, size_t len, struct http_head *hh)
{
	memset(hh, 0, sizeof *hh);
	block[len] = '\0';
	if (memchr(block, '\0', len))
		return false;
	return parse_headers(block, &hh->line, hh->h, &hh->nh);
}

bool icap_chunk_line(const char *line, uint64_t *size, bool *ieof)
{
	*size = 0;
	*ieof = false;
	const char *p = line;
	int digits = 0;
	for (; *p; p++, digits++) {
		int d = *p >= '0' && *p <= '9' ? *p - '0' : (*p | 0x20) >= 'a' && (*p | 0x20) <= 'f' ? (*p | 0x20) - 'a' + 10 : -1;
		if (d < 0)
			break;
		if (digits >= 15)
			return false;
		*size = *size * 16 + (uint64_t)d;
	}
	if (!digits)
		return false;
	while (*p == ' ' || *p == '\t')
		p++;
	if (*p == ';') {
		/* Chunk extensions: only ieof means anything here (RFC 3507 §4.5). */
		for (p++; *p == ' ' || *p == '\t'; p++)
			;
		*ieof = !strncmp(p, "ieof", 4) && (p[4] == '\0' || p[4] == ' ' || p[4] == ';' || p[4] == '\r');
	} else if (*p && *p != '\r') {
		return false;
	}
	return true;
}

void url_basename(const char *url, char *out, size_t outlen)
{
	out[0] = '\0';
	const char *p = url, *end = url + strcspn(url, "?#");
	const char *scheme = strstr(url, "://");
	if (scheme && scheme < end) {
		p = strchr(scheme + 3, '/');
		if (!p || p > end)
			return;
	}
	const char *base = p;
	for (const char *q = p; q < end; q++)
		if (*q == '/')
			base = q + 1;
	size_t n = (size_t)(end - base);
	if (n >= outlen)
		n = outlen - 1;
	/* Percent-decoding is left out: the name is a claim, judged as sent. */
	memcpy(out, base, n);
	out[n] = '\0';
}

bool header_param(const char *value, const char *param, char *out, size_t outlen)
{
	if (outlen)
		out[0] = '\0';	/* a string either way: empty when the parameter is absent */
	size_t pl = strlen(param);
	const char *p = value;
	while ((p = strchr(p, ';')) != NULL) {
		p++;
		while (*p == ' ' || *p == '\t')
			p++;
		if (strncasecmp(p, param, pl) != 0 || p[pl] != '=')
			continue;
		p += pl + 1;
		size_t k = 0;
		if (*p == '"') {
			for (p++; *p && *p != '"' && k + 1 < outlen; p++) {
				if (*p == '\\' && p[1])
					p++;
				out[k++] = *p;
			}
		} else {
			for (; *p && *p != ';' && *p != ' ' && k + 1 < outlen; p++)
				out[k++] = *p;
		}
		out[k] = '\0';
		return true;
	}
	return false;
}

static const uint8_t *find(const uint8_t *h, size_t hl, const void *n, size_t nl)
{
	return nl <= hl ? memmem(h, hl, n, nl) : NULL;
}

bool multipart_split(const uint8_t *body, size_t len, const char *boundary,
		     bool (*fn)(void *arg, const struct mpart *p), void *arg)
{
	char delim[256];
	int dl = snprintf(delim, sizeof delim, "--%s", boundary);
	if (dl <= 2 || (size_t)dl >= sizeof delim)
		return false;
	const uint8_t *p = find(body, len, delim, (size_t)dl);
	if (!p)
		return false;
	const uint8_t *end = body + len;
	int parts = 0;
	for (;;) {
		p += dl;
		if (end - p >= 2 && p[0] == '-' && p[1] == '-')
			return parts > 0;	/* the closing delimiter */
		/* The rest of the delimiter line. */
		const uint8_t *nl = find(p, (size_t)(end - p), "\r\n", 2);
		if (!nl)
			return false;
		const uint8_t *hstart = nl + 2;
		const uint8_t *hend = find(hstart, (size_t)(end - hstart), "\r\n\r\n", 4);
		if (!hend)
			return false;
		const uint8_t *data = hend + 4;
		char crlf_delim[260];
		int cl = snprintf(crlf_delim, sizeof crlf_delim, "\r\n%s", delim);
		const uint8_t *next = find(data, (size_t)(end - data), crlf_delim, (size_t)cl);
		if (!next)
			return false;
		struct mpart part = {.data = data, .len = (size_t)(next - data)};
		/* The part's headers. */
		size_t hl = (size_t)(hend - hstart);
		char *hb = malloc(hl + 1);
		if (!hb)
			return false;
		memcpy(hb, hstart, hl);
		hb[hl] = '\0';
		for (char *line = hb; line && *line;) {
			char *lnl = strstr(line, "\r\n");
			if (lnl)
				*lnl = '\0';
			if (!strncasecmp(line, "Content-Disposition:", 20))
				part.has_filename = header_param(line + 20, "filename", part.filename, sizeof part.filename);
			else if (!strncasecmp(line, "Content-Type:", 13))
				snprintf(part.ctype, sizeof part.ctype, "%s", trim(line + 13));
			line = lnl ? lnl + 2 : NULL;
		}
		free(hb);
		parts++;
		if (!fn(arg, &part))
			return true;
		p = next + 2;
	}
}

