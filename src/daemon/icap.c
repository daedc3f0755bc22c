/* icap.c - ICAP (RFC 3507) for proxies (icap.h). */
#include "icap.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "clamd.h"
#include "server.h"

/* --- one connection ------------------------------------------------------------ */

struct ic {
	int fd;
	const char *peer;
	char buf[ICAP_MAX_HEAD + 1];
	size_t have;
};

/* Reads until buf holds `until` (a string) or n bytes; the index past it, or -1. */
static long fill_until(struct ic *c, const char *until)
{
	for (;;) {
		char *p = c->have ? memmem(c->buf, c->have, until, strlen(until)) : NULL;
		if (p)
			return (long)(p - c->buf) + (long)strlen(until);
		if (c->have >= ICAP_MAX_HEAD)
			return -1;
		ssize_t r = recv(c->fd, c->buf + c->have, ICAP_MAX_HEAD - c->have, 0);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return -1;
		c->have += (size_t)r;
	}
}

static int read_exact(struct ic *c, void *p, size_t n)
{
	size_t take = c->have < n ? c->have : n;
	memcpy(p, c->buf, take);
	memmove(c->buf, c->buf + take, c->have - take);
	c->have -= take;
	char *b = (char *)p + take;
	n -= take;
	while (n) {
		ssize_t r = recv(c->fd, b, n, 0);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return -1;
		b += r;
		n -= (size_t)r;
	}
	return 0;
}

static void consume(struct ic *c, size_t n)
{
	memmove(c->buf, c->buf + n, c->have - n);
	c->have -= n;
}

/*
 * Reads chunks into fd (at most max bytes kept) until the zero chunk;
 * *ieof when it said so.  0, 1 when past max (the rest is read and
 * dropped), -1 on a broken stream.
 */
/*
 * The early answer for a large body.  Squid 5 keeps an unanswered body
 * in a 64 KiB pipe and sends no more until the ICAP answer starts, while
 * crible answers only once it has judged every byte.  So past EARLY_AT
 * bytes the answer starts: 200 and the message's own HTTP headers, no
 * body byte.  The body follows only if it is judged clean; otherwise the
 * connection is cut before the first body byte, and the client gets the
 * headers and nothing else (never the file).
 */
#define EARLY_AT (32u * 1024u)

struct early {
	const char *http;	/* the header block to echo */
	size_t len;
	bool req;		/* REQMOD: req-hdr/req-body, else res-hdr/res-body */
	bool sent;
};

static int send_early(struct ic *c, struct early *e)
{
	char head[512];
	int n = snprintf(head, sizeof head,
			 "ICAP/1.0 200 OK\r\nISTag: \"%s\"\r\nService: crible/%s\r\nEncapsulated: %s=0, %s=%zu\r\n\r\n",
			 serve_istag(), crible_version(), e->req ? "req-hdr" : "res-hdr", e->req ? "req-body" : "res-body",
			 e->len);
	e->sent = true;
	return n > 0 && (size_t)n < sizeof head && serve_send_all(c->fd, head, (size_t)n) == 0 &&
			       serve_send_all(c->fd, e->http, e->len) == 0
		       ? 0
		       : -1;
}

/* Chunks into the body, up to max bytes (past it they are read and dropped: 1); 0 at the last chunk, -1 on error. */
static int read_chunks(struct ic *c, struct serve_body *b, uint64_t max, bool *ieof, struct early *early)
{
	char chunk[1 << 16];	/* on the stack: thread-local storage is zeroed for every connection thread */
	int over = 0;
	for (;;) {
		long e = fill_until(c, "\r\n");
		if (e < 0)
			return -1;
		c->buf[e - 2] = '\0';
		uint64_t size;
		bool ie;
		if (!icap_chunk_line(c->buf, &size, &ie))
			return -1;
		consume(c, (size_t)e);
		if (size == 0) {
			/* The last chunk: an empty trailer, CRLF. */
			if (fill_until(c, "\r\n") != 2)
				return -1;
			consume(c, 2);
			*ieof = ie;
			return over;
		}
		while (size) {
			size_t k = size < sizeof chunk ? (size_t)size : sizeof chunk;
			if (read_exact(c, chunk, k) != 0)
				return -1;
			if (over || b->len + k > max)
				over = 1;
			else if (serve_body_append(b, chunk, k) != 0)
				return -1;
			size -= k;
		}
		if (early && !early->sent && b->len >= EARLY_AT && send_early(c, early) != 0)
			return -1;
		char crlf[2];
		if (read_exact(c, crlf, 2) != 0 || crlf[0] != '\r' || crlf[1] != '\n')
			return -1;
	}
}

/* A body (from memory, or from bodyfd) in chunks, then the last chunk. */
static int respond_body(struct ic *c, int bodyfd, uint64_t bodylen, const void *bodymem)
{
	char chunk[1 << 16];	/* on the stack: thread-local storage is zeroed for every connection thread */
	for (uint64_t off = 0; off < bodylen;) {
		size_t k = bodylen - off < sizeof chunk ? (size_t)(bodylen - off) : sizeof chunk;
		const char *p = bodymem ? (const char *)bodymem + off : chunk;
		if (!bodymem && pread(bodyfd, chunk, k, (off_t)off) != (ssize_t)k)
			return -1;
		char sz[32];
		int sl = snprintf(sz, sizeof sz, "%zx\r\n", k);
		if (serve_send_all(c->fd, sz, (size_t)sl) != 0 || serve_send_all(c->fd, p, k) != 0 ||
		    serve_send_all(c->fd, "\r\n", 2) != 0)
			return -1;
		off += k;
	}
	return serve_send_all(c->fd, "0\r\n\r\n", 5);
}

static int respond(struct ic *c, const char *status, const char *extra, const char *encap, const void *http,
		   size_t httplen, int bodyfd, uint64_t bodylen, const void *bodymem)
{
	char head[4096];
	int n = snprintf(head, sizeof head, "ICAP/1.0 %s\r\nISTag: \"%s\"\r\nService: crible/%s\r\n%sEncapsulated: %s\r\n\r\n",
			 status, serve_istag(), crible_version(), extra ? extra : "", encap);
	if (n < 0 || (size_t)n >= sizeof head || serve_send_all(c->fd, head, (size_t)n) != 0)
		return -1;
	if (httplen && serve_send_all(c->fd, http, httplen) != 0)
		return -1;
	if (bodyfd < 0 && !bodymem)
		return 0;
	return respond_body(c, bodyfd, bodylen, bodymem);
}

static void html_escape(const char *s, char *out, size_t outlen)
{
	size_t k = 0;
	for (; *s && k + 7 < outlen; s++) {
		const char *e = *s == '<' ? "&lt;" : *s == '>' ? "&gt;" : *s == '&' ? "&amp;" : *s == '"' ? "&quot;" : NULL;
		if (e) {
			memcpy(out + k, e, strlen(e));
			k += strlen(e);
		} else {
			out[k++] = *s;
		}
	}
	out[k] = '\0';
}

/* The verdict of a request: the worst of its scans, the name of what blocked it. */
struct outcome {
	bool block, error;
	char threat[128];
	char file[256];
	char why[300];
	const char *proto_cmd;
	const char *peer;
};

static void judge(struct outcome *o, const char *cmd, const char *name, const char *declared, int fd, const void *mem,
		  size_t len)
{
	if (o->block || o->error)
		return;
	struct serve_req q = {.proto = "icap", .peer = o->peer, .cmd = cmd, .name = name && *name ? name : "body",
			      .name_claim = name && *name ? name : NULL, .declared = declared && *declared ? declared : NULL,
			      .fd = fd, .mem = mem, .len = len};
	crible_result *r;
	if (serve_scan(&q, &r, o->why, sizeof o->why) != 0) {
		o->error = true;
		return;
	}
	const crible_finding *f = clamd_found(r, serve_warn_found());
	if (f || crible_result_verdict(r) == CRIBLE_BLOCK) {
		o->block = true;
		clamd_finding_name(f ? f->id : "verdict.block", o->threat, sizeof o->threat);
		snprintf(o->file, sizeof o->file, "%s", q.name);
	}
	crible_result_free(r);
}

struct mp_ctx {
	struct outcome *o;
	const char *cmd;
};

static bool mp_part(void *arg, const struct mpart *p)
{
	struct mp_ctx *m = arg;
	judge(m->o, m->cmd, p->has_filename ? p->filename : "form-field", p->ctype, -1, p->data, p->len);
	return !m->o->block && !m->o->error;
}

static int options(struct ic *c, const struct icap_msg *m)
{
	const char *methods = !strcmp(m->service, "crible_req") ? "REQMOD" : !strcmp(m->service, "crible_resp")
										? "RESPMOD"
										: "RESPMOD, REQMOD";
	char extra[512];
	snprintf(extra, sizeof extra,
		 "Methods: %s\r\nMax-Connections: %u\r\nOptions-TTL: 3600\r\nAllow: 204\r\nPreview: 4096\r\n"
		 "Transfer-Preview: *\r\n",
		 methods, serve_max_conns());
	return respond(c, "200 OK", extra, "null-body=0", NULL, 0, -1, 0, NULL);
}

/* One REQMOD or RESPMOD; false when the connection must close. */
static bool modify(struct ic *c, const struct icap_msg *m)
{
	bool req = !strcmp(m->method, "REQMOD");
	const char *ev = icap_header(m->h, m->nh, "Encapsulated");
	struct icap_encap e;
	if (!ev || !icap_parse_encap(ev, &e) || (req && e.res_hdr >= 0)) {
		respond(c, "400 Bad Request", NULL, "null-body=0", NULL, 0, -1, 0, NULL);
		return false;
	}
	size_t hlen = (size_t)(e.body >= 0 ? e.body : e.null_body);
	char *http = malloc(hlen + 1);
	if (!http || read_exact(c, http, hlen) != 0) {
		free(http);
		return false;
	}
	/* The encapsulated HTTP headers: the request's (its URL), the response's (type, disposition, encoding). */
	char url_name[256] = "", ctype[256] = "", dispo_name[256] = "";
	bool encoded = false, multipart = false;
	char boundary[200] = "";
	struct http_head hh;
	char *copy = malloc(hlen + 1);
	if (!copy) {
		free(http);
		return false;
	}
	if (e.req_hdr >= 0) {
		size_t rl = (size_t)((e.res_hdr >= 0 ? e.res_hdr : (long)hlen) - e.req_hdr);
		memcpy(copy, http + e.req_hdr, rl);
		if (http_parse_head(copy, rl, &hh)) {
			char meth[16], url[2048];
			if (sscanf(hh.line, "%15s %2047s", meth, url) == 2)
				url_basename(url, url_name, sizeof url_name);
			if (req) {
				const char *ct = icap_header(hh.h, hh.nh, "Content-Type");
				if (ct) {
					snprintf(ctype, sizeof ctype, "%s", ct);
					multipart = !strncasecmp(ct, "multipart/form-data", 19) &&
						    header_param(ct, "boundary", boundary, sizeof boundary);
				}
				const char *ce = icap_header(hh.h, hh.nh, "Content-Encoding");
				encoded = ce && strcasecmp(ce, "identity") != 0;
			}
		}
	}
	if (e.res_hdr >= 0) {
		size_t rl = hlen - (size_t)e.res_hdr;
		memcpy(copy, http + e.res_hdr, rl);
		if (http_parse_head(copy, rl, &hh)) {
			const char *ct = icap_header(hh.h, hh.nh, "Content-Type");
			if (ct)
				snprintf(ctype, sizeof ctype, "%s", ct);
			const char *cd = icap_header(hh.h, hh.nh, "Content-Disposition");
			if (cd)
				header_param(cd, "filename", dispo_name, sizeof dispo_name);
			const char *ce = icap_header(hh.h, hh.nh, "Content-Encoding");
			encoded = ce && strcasecmp(ce, "identity") != 0;
		}
	}
	free(copy);
	long hs0 = e.req_hdr >= 0 && req ? e.req_hdr : e.res_hdr >= 0 ? e.res_hdr : 0;
	struct early early = {.http = http + hs0, .len = hlen - (size_t)hs0, .req = req};
	/* The body, held once; a preview first, then 100 Continue for the rest. */
	struct serve_body b = {.fd = -1};
	int fd = -1;
	uint64_t total = 0;
	bool ieof = false, over = false;
	if (e.body >= 0) {
		bool preview = icap_header(m->h, m->nh, "Preview") != NULL;
		/* Inside a preview nothing may be answered but 100, 204 or the whole answer: no early start there. */
		int rc = serve_body_open(&b) == 0 ? read_chunks(c, &b, serve_stream_max(), &ieof, preview ? NULL : &early) : -1;
		if (rc == 0 && preview && !ieof) {
			if (serve_send_all(c->fd, "ICAP/1.0 100 Continue\r\n\r\n", 25) != 0)
				rc = -1;
			else
				rc = read_chunks(c, &b, serve_stream_max(), &ieof, &early);
		}
		if (rc < 0) {
			serve_body_close(&b);
			free(http);
			return false;
		}
		over = rc == 1;
		fd = b.fd;
		total = b.len;
	}
	struct outcome o = {.peer = c->peer};
	const char *cmd = req ? "REQMOD" : "RESPMOD";
	if (over) {
		/* Too large to judge: never let through unjudged. */
		o.block = true;
		snprintf(o.threat, sizeof o.threat, "Crible.Limit.Size");
		snprintf(o.file, sizeof o.file, "%s", url_name[0] ? url_name : "body");
	} else if (fd >= 0) {
		/* An encoded body (gzip) is judged as what it is, without the name it would have decoded. */
		const char *claim = encoded ? NULL : dispo_name[0] ? dispo_name : url_name;
		bool split = false;
		if (req && multipart && total) {
			void *map = mmap(NULL, (size_t)total, PROT_READ, MAP_PRIVATE, fd, 0);
			if (map != MAP_FAILED) {
				struct mp_ctx mc = {&o, cmd};
				split = multipart_split(map, (size_t)total, boundary, mp_part, &mc);
				munmap(map, (size_t)total);
			}
		}
		if (!split)
			judge(&o, cmd, claim, encoded ? NULL : ctype, fd, NULL, 0);
	}
	bool ok;
	if (early.sent) {
		/* Headers went out already: the body follows only when clean; otherwise cut before its first byte. */
		if (o.error || o.block)
			ok = false;
		else
			ok = respond_body(c, fd, total, NULL) == 0;
	} else if (o.error) {
		char extra[400];
		snprintf(extra, sizeof extra, "X-Crible-Error: %s\r\n", o.why);
		ok = respond(c, "500 Server Error", extra, "null-body=0", NULL, 0, -1, 0, NULL) == 0;
	} else if (o.block) {
		char f[300], t[200], page[2048], hdr[512], extra[1024];
		html_escape(o.file, f, sizeof f);
		html_escape(o.threat, t, sizeof t);
		int pl = snprintf(page, sizeof page,
				  "<!doctype html><html><head><meta charset=\"utf-8\"><title>Blocked</title></head><body>"
				  "<h1>Blocked by crible</h1><p>%s: %s</p></body></html>\n",
				  f, t);
		int hl = snprintf(hdr, sizeof hdr,
				  "HTTP/1.1 403 Forbidden\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: %d\r\n"
				  "Cache-Control: no-store\r\nConnection: close\r\n\r\n",
				  pl);
		/* c-icap's headers, which proxies and Nextcloud read. */
		snprintf(extra, sizeof extra,
			 "X-Infection-Found: Type=0; Resolution=2; Threat=%s;\r\nX-Violations-Found: 1\r\n\t%s\r\n\t%s\r\n\t0\r\n\t2\r\n",
			 o.threat, o.file, o.threat);
		char encap[64];
		snprintf(encap, sizeof encap, "res-hdr=0, res-body=%d", hl);
		ok = respond(c, "200 OK", extra, encap, hdr, (size_t)hl, -1, (uint64_t)pl, page) == 0;
	} else {
		const char *allow = icap_header(m->h, m->nh, "Allow");
		bool may204 = (allow && strstr(allow, "204")) || icap_header(m->h, m->nh, "Preview");
		if (may204) {
			ok = respond(c, "204 No Content", NULL, "null-body=0", NULL, 0, -1, 0, NULL) == 0;
		} else {
			/* No 204: the message back as it came. */
			char encap[96];
			long hs = e.req_hdr >= 0 && req ? e.req_hdr : e.res_hdr >= 0 ? e.res_hdr : 0;
			size_t hl2 = hlen - (size_t)hs;
			if (fd >= 0)
				snprintf(encap, sizeof encap, "%s=0, %s=%zu", req ? "req-hdr" : "res-hdr",
					 req ? "req-body" : "res-body", hl2);
			else
				snprintf(encap, sizeof encap, "%s=0, null-body=%zu", req ? "req-hdr" : "res-hdr", hl2);
			ok = respond(c, "200 OK", NULL, encap, http + hs, hl2, fd, total, NULL) == 0;
		}
	}
	if (fd >= 0)
		close(fd);
	free(http);
	return ok;
}

void icap_conn(int fd, const char *peer)
{
	struct ic *c = calloc(1, sizeof *c);
	if (!c)
		return;
	c->fd = fd;
	c->peer = peer;
	for (;;) {
		long end = fill_until(c, "\r\n\r\n");
		if (end < 0)
			break;
		char head[ICAP_MAX_HEAD + 1];
		memcpy(head, c->buf, (size_t)end - 4);
		head[end - 4] = '\0';
		consume(c, (size_t)end);
		struct icap_msg m;
		if (!icap_parse_head(head, &m)) {
			respond(c, "400 Bad Request", NULL, "null-body=0", NULL, 0, -1, 0, NULL);
			break;
		}
		bool both = !strcmp(m.service, "crible");
		bool svc_req = both || !strcmp(m.service, "crible_req"), svc_resp = both || !strcmp(m.service, "crible_resp");
		bool keep;
		if (!svc_req && !svc_resp)
			keep = respond(c, "404 ICAP Service Not Found", NULL, "null-body=0", NULL, 0, -1, 0, NULL) == 0 &&
			       !icap_header(m.h, m.nh, "Encapsulated");
		else if (!strcmp(m.method, "OPTIONS"))
			keep = options(c, &m) == 0;
		else if ((!strcmp(m.method, "REQMOD") && svc_req) || (!strcmp(m.method, "RESPMOD") && svc_resp))
			keep = modify(c, &m);
		else if (!strcmp(m.method, "REQMOD") || !strcmp(m.method, "RESPMOD"))
			keep = respond(c, "405 Method Not Allowed", NULL, "null-body=0", NULL, 0, -1, 0, NULL) == 0 && false;
		else
			keep = respond(c, "501 Method Not Implemented", NULL, "null-body=0", NULL, 0, -1, 0, NULL) == 0 && false;
		const char *conn = icap_header(m.h, m.nh, "Connection");
		if (!keep || (conn && !strcasecmp(conn, "close")))
			break;
	}
	free(c);
}
