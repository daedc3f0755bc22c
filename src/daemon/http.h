/* http.h - crible serve's HTTP face (http.c): /v1/scan, /healthz, /readyz, /metrics on libmicrohttpd. */
#ifndef CRIBLE_DAEMON_HTTP_H
#define CRIBLE_DAEMON_HTTP_H

/* Serves HTTP on the listening socket fd (kept open by the caller) until http_stop; NULL on failure. */
void *http_start(int fd, unsigned max_conns, unsigned timeout_s);
void http_stop(void *daemon);

#endif
