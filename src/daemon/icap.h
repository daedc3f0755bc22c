/*
 * icap.h - ICAP (RFC 3507) for proxies: Squid and others send crible
 * uploads (REQMOD) and downloads (RESPMOD) to judge.
 *
 * Services: "crible_req" (REQMOD), "crible_resp" (RESPMOD), and
 * "crible", which takes both.  A block answers 200 with an encapsulated
 * HTTP 403 page and c-icap's X-Infection-Found and X-Violations-Found
 * headers; anything else answers 204 when the client allows it (Allow:
 * 204, or a preview), else the message back unchanged; a scan that could
 * not run answers 500, so a proxy without bypass fails closed.
 *
 * The parsing (request line, headers, Encapsulated, chunks, multipart)
 * is pure and fuzzed (fuzz/fuzz_icap.c); icap_conn does the I/O.
 */
#ifndef CRIBLE_DAEMON_ICAP_H
#define CRIBLE_DAEMON_ICAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define ICAP_MAX_HEAD (64u * 1024u)	/* ICAP headers plus the encapsulated HTTP headers */
#define ICAP_MAX_HDRS 64

struct icap_hdr {
	const char *name, *value;	/* NUL-terminated, inside the parsed block */
};

struct icap_msg {
	char method[16];
	char service[64];		/* the URI's path, without '/' and query */
	struct icap_hdr h[ICAP_MAX_HDRS];
	size_t nh;
};

/* Parses the ICAP head block (request line and headers, the blank line excluded; modified in place). */
bool icap_parse_head(char *block, struct icap_msg *m);
/* A header's value (case-insensitive name), or NULL. */
const char *icap_header(const struct icap_hdr *h, size_t nh, const char *name);

/* The Encapsulated header: the offsets of each section, -1 when absent. */
struct icap_encap {
	long req_hdr, res_hdr, body;	/* body: req-body or res-body */
	long null_body;
	bool opt_body;
};
bool icap_parse_encap(const char *v, struct icap_encap *e);

/* An HTTP header block (request or status line, then headers), parsed in place. */
struct http_head {
	char *line;			/* the request or status line */
	struct icap_hdr h[ICAP_MAX_HDRS];
	size_t nh;
};
bool http_parse_head(char *block, size_t len, struct http_head *hh);

/* A chunk-size line ("1a; ieof"): the size, and whether it says ieof; false when malformed. */
bool icap_chunk_line(const char *line, uint64_t *size, bool *ieof);

/* The file name a URL's path ends with ("/a/b/c.pdf?x" -> "c.pdf"), into out ("" when none). */
void url_basename(const char *url, char *out, size_t outlen);
/* A parameter of a header value ("form-data; name=\"f\"; filename=\"a.txt\""), unquoted, into out ("" and false when absent). */
bool header_param(const char *value, const char *param, char *out, size_t outlen);

/* One part of a multipart/form-data body. */
struct mpart {
	const uint8_t *data;
	size_t len;
	char filename[256];
	char ctype[128];
	bool has_filename;
};
/*
 * Splits body by boundary, calling fn for each part; false when the body
 * is not well formed multipart (then it is judged whole).
 */
bool multipart_split(const uint8_t *body, size_t len, const char *boundary,
		     bool (*fn)(void *arg, const struct mpart *p), void *arg);

/* Serves one ICAP connection until it closes (server.c calls it in the connection's thread). */
void icap_conn(int fd, const char *peer);

#endif
