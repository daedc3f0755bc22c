/*
 * http.c - crible serve's HTTP face, on libmicrohttpd (no HTTP parsing of
 * our own):
 *
 *   POST /v1/scan?name=N&accept=LIST   the body, judged as one object
 *        (the Content-Type is its declared type), answered with the
 *        findings contract's JSON object; multipart/form-data bodies are
 *        split into their parts, answered {"results":[...]} with one
 *        object per part, under its form file name
 *   GET /healthz    200 while the daemon runs
 *   GET /readyz     200 when a scan can run now, else 503
 *   GET /metrics    Prometheus text format, names prefixed crible_
 *
 * With a token configured, every request but /healthz needs
 * "Authorization: Bearer TOKEN" (401 otherwise).  A body past
 * stream_max is 413; no scan slot within queue_ms is 503; a scan that
 * could not run is 500 with {"path":...,"error":...}: never a verdict.
 */
#include "http.h"

#include <errno.h>
#include <fcntl.h>
#include <microhttpd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/mman.h>
#include <unistd.h>

#include "icap.h"
#include "server.h"

struct req {
	struct serve_body b;	/* the body, held once */
	bool over;		/* past stream_max */
};

static struct MHD_Response *text(const char *s, size_t n, const char *type)
{
	struct MHD_Response *r = MHD_create_response_from_buffer(n, (void *)s, MHD_RESPMEM_MUST_COPY);
	if (r)
		MHD_add_response_header(r, "Content-Type", type);
	return r;
}

static enum MHD_Result answer(struct MHD_Connection *c, unsigned code, const char *body, const char *type)
{
	struct MHD_Response *r = text(body, strlen(body), type);
	if (!r)
		return MHD_NO;
	enum MHD_Result ok = MHD_queue_response(c, code, r);
	MHD_destroy_response(r);
	return ok;
}

static enum MHD_Result json_error(struct MHD_Connection *c, unsigned code, const char *path, const char *msg)
{
	char *out = NULL;
	crible_error_render(path, msg, CRIBLE_JSON, &out, NULL);
	enum MHD_Result ok = answer(c, code, out ? out : "{\"error\":\"out of memory\"}\n", "application/json");
	free(out);
	return ok;
}

struct parts {
	struct serve_req q;
	char *json;		/* the results so far, "[...," */
	size_t len, cap;
	bool failed;
	size_t n;		/* results so far */
	unsigned code;
	char err[300];
};

static void append(struct parts *p, const char *s, size_t n)
{
	if (p->failed)
		return;
	if (p->len + n + 1 > p->cap) {
		size_t nc = p->cap ? p->cap * 2 : 4096;
		while (nc < p->len + n + 1)
			nc *= 2;
		char *nj = realloc(p->json, nc);
		if (!nj) {
			p->failed = true;
			return;
		}
		p->json = nj;
		p->cap = nc;
	}
	memcpy(p->json + p->len, s, n);
	p->len += n;
	p->json[p->len] = '\0';
}

/* Judges one object; its JSON appended (or the error). */
static bool judge(struct parts *p, const char *path, const char *claim, const char *declared, int fd, const void *mem,
		  size_t len)
{
	struct serve_req q = p->q;
	q.name = path;
	q.name_claim = claim;
	q.declared = declared && *declared ? declared : NULL;
	q.fd = fd;
	q.mem = mem;
	q.len = len;
	crible_result *r;
	char *out = NULL;
	size_t n = 0;
	if (serve_scan(&q, &r, p->err, sizeof p->err) != 0) {
		p->code = strstr(p->err, "overloaded") ? MHD_HTTP_SERVICE_UNAVAILABLE : MHD_HTTP_INTERNAL_SERVER_ERROR;
		return false;
	}
	if (crible_result_json(r, path, &out, &n) != CRIBLE_OK)
		p->failed = true;
	else
		append(p, out, n);
	free(out);
	crible_result_free(r);
	return !p->failed;
}

static bool part(void *arg, const struct mpart *mp)
{
	struct parts *p = arg;
	if (p->n++)
		append(p, ",", 1);
	const char *name = mp->has_filename ? mp->filename : "form-field";
	return judge(p, name, mp->has_filename ? mp->filename : NULL, mp->ctype, -1, mp->data, mp->len);
}

static enum MHD_Result scan(struct MHD_Connection *c, struct req *rq, const char *peer)
{
	const char *name = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "name");
	const char *accept = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "accept");
	const char *ctype = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Content-Type");
	const char *path = name && *name ? name : "-";
	if (rq->over)
		return json_error(c, MHD_HTTP_CONTENT_TOO_LARGE, path, "the body is larger than stream_max: not judged");
	struct parts p = {.q = {.proto = "http", .peer = peer, .cmd = "POST /v1/scan", .accept = accept, .fd = -1}};
	char boundary[200];
	bool ok;
	if (ctype && !strncasecmp(ctype, "multipart/form-data", 19) && header_param(ctype, "boundary", boundary, sizeof boundary)) {
		/* One result per part, under its form file name. */
		append(&p, "{\"results\":[", 12);
		void *map = rq->b.len ? mmap(NULL, (size_t)rq->b.len, PROT_READ, MAP_PRIVATE, rq->b.fd, 0) : MAP_FAILED;
		bool split = map != MAP_FAILED && multipart_split(map, (size_t)rq->b.len, boundary, part, &p);
		if (map != MAP_FAILED)
			munmap(map, (size_t)rq->b.len);
		if (!split && !p.code)
			return json_error(c, MHD_HTTP_BAD_REQUEST, path, "malformed multipart/form-data body");
		append(&p, "]}\n", 3);
		ok = !p.code && !p.failed;
	} else {
		ok = judge(&p, path, name && *name ? name : NULL, ctype, rq->b.fd, NULL, 0);
		append(&p, "\n", 1);
	}
	enum MHD_Result res;
	if (!ok)
		res = json_error(c, p.code ? p.code : MHD_HTTP_INTERNAL_SERVER_ERROR, path, p.failed ? "out of memory" : p.err);
	else
		res = answer(c, MHD_HTTP_OK, p.json, "application/json");
	free(p.json);
	return res;
}

static bool authorized(struct MHD_Connection *c)
{
	const char *token = serve_http_token();
	if (!token || !*token)
		return true;
	const char *a = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Authorization");
	if (!a || strncasecmp(a, "Bearer ", 7) != 0)
		return false;
	/* Compared in constant time: the token is a secret. */
	const char *g = a + 7;
	size_t n = strlen(token), m = strlen(g);
	unsigned diff = (unsigned)(n ^ m);
	for (size_t i = 0; i < n; i++)
		diff |= (unsigned)(token[i] ^ (i < m ? g[i] : 0));
	return diff == 0;
}

static void peer_of(struct MHD_Connection *c, char *out, size_t len)
{
	const union MHD_ConnectionInfo *ci = MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	serve_peer_name(ci ? ci->client_addr : NULL, out, len);
}

static enum MHD_Result handle(void *cls, struct MHD_Connection *c, const char *url, const char *method,
			      const char *version, const char *upload, size_t *upload_size, void **state)
{
	(void)cls, (void)version;
	struct req *rq = *state;
	bool post = !strcmp(method, "POST");
	if (!rq) {
		/* The headers: a state for the body, or an answer now. */
		if (strcmp(url, "/healthz") != 0 && !authorized(c)) {
			struct MHD_Response *r = text("{\"error\":\"unauthorized\"}\n", 25, "application/json");
			if (!r)
				return MHD_NO;
			MHD_add_response_header(r, "WWW-Authenticate", "Bearer");
			enum MHD_Result ok = MHD_queue_response(c, MHD_HTTP_UNAUTHORIZED, r);
			MHD_destroy_response(r);
			return ok;
		}
		if (post && !strcmp(url, "/v1/scan")) {
			rq = calloc(1, sizeof *rq);
			if (!rq)
				return MHD_NO;
			if (serve_body_open(&rq->b) != 0) {
				free(rq);
				return MHD_NO;
			}
			*state = rq;
			return MHD_YES;
		}
		if (strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0)
			return answer(c, post ? MHD_HTTP_NOT_FOUND : MHD_HTTP_METHOD_NOT_ALLOWED, "{\"error\":\"no such endpoint\"}\n",
				      "application/json");
		if (!strcmp(url, "/healthz"))
			return answer(c, MHD_HTTP_OK, "ok\n", "text/plain");
		if (!strcmp(url, "/readyz")) {
			bool ready = serve_ready();
			return answer(c, ready ? MHD_HTTP_OK : MHD_HTTP_SERVICE_UNAVAILABLE, ready ? "ready\n" : "not ready\n",
				      "text/plain");
		}
		if (!strcmp(url, "/metrics")) {
			char *m = serve_metrics();
			enum MHD_Result ok = m ? answer(c, MHD_HTTP_OK, m, "text/plain; version=0.0.4") : MHD_NO;
			free(m);
			return ok;
		}
		return answer(c, MHD_HTTP_NOT_FOUND, "{\"error\":\"no such endpoint\"}\n", "application/json");
	}
	if (*upload_size) {
		/* Body bytes as they arrive, into the body; past the limit they are counted and dropped. */
		size_t n = *upload_size;
		*upload_size = 0;
		if (rq->over || n > serve_stream_max() - rq->b.len) {
			rq->over = true;
			return MHD_YES;
		}
		return serve_body_append(&rq->b, upload, n) == 0 ? MHD_YES : MHD_NO;
	}
	char peer[80];
	peer_of(c, peer, sizeof peer);
	return scan(c, rq, peer);
}

static void done(void *cls, struct MHD_Connection *c, void **state, enum MHD_RequestTerminationCode why)
{
	(void)cls, (void)c, (void)why;
	struct req *rq = *state;
	if (rq) {
		serve_body_close(&rq->b);
		free(rq);
		*state = NULL;
	}
}

void *http_start(int fd, unsigned max_conns, unsigned timeout_s)
{
	struct MHD_Daemon *d = MHD_start_daemon(
		MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_THREAD_PER_CONNECTION | MHD_USE_ERROR_LOG, 0, NULL, NULL, handle,
		NULL, MHD_OPTION_LISTEN_SOCKET, fd, MHD_OPTION_CONNECTION_LIMIT, max_conns, MHD_OPTION_CONNECTION_TIMEOUT,
		timeout_s, MHD_OPTION_NOTIFY_COMPLETED, done, NULL, MHD_OPTION_END);
	return d;
}

void http_stop(void *d)
{
	if (d)
		MHD_stop_daemon(d);
}
