/*
 * fuzz_icap - the ICAP parsers (src/daemon/icap.c): the head block, the
 * Encapsulated header, an encapsulated HTTP head, chunk-size lines, URL
 * base names, header parameters and multipart/form-data splitting.
 * The input is cut at its first two NULs into an ICAP head, an HTTP
 * head and a multipart body.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../src/daemon/icap.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static bool part(void *arg, const struct mpart *p)
{
	size_t *n = arg;
	(*n)++;
	if (strlen(p->filename) >= sizeof p->filename || strlen(p->ctype) >= sizeof p->ctype)
		abort();
	return *n < 64;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > ICAP_MAX_HEAD)
		return 0;
	const uint8_t *z1 = memchr(data, 0, size);
	size_t l1 = z1 ? (size_t)(z1 - data) : size;
	const uint8_t *rest = z1 ? z1 + 1 : data + size;
	size_t rl = (size_t)(data + size - rest);
	const uint8_t *z2 = memchr(rest, 0, rl);
	size_t l2 = z2 ? (size_t)(z2 - rest) : rl;
	const uint8_t *body = z2 ? z2 + 1 : rest + rl;
	size_t bl = (size_t)(data + size - body);

	char *head = malloc(l1 + 1);
	char *http = malloc(l2 + 1);
	if (!head || !http)
		goto out;
	memcpy(head, data, l1);
	head[l1] = '\0';
	struct icap_msg m;
	if (icap_parse_head(head, &m)) {
		const char *ev = icap_header(m.h, m.nh, "Encapsulated");
		struct icap_encap e;
		if (ev)
			icap_parse_encap(ev, &e);
	}
	memcpy(head, data, l1);
	head[l1] = '\0';
	uint64_t sz;
	bool ieof;
	icap_chunk_line(head, &sz, &ieof);
	char name[64], param[64];
	url_basename(head, name, sizeof name);
	header_param(head, "boundary", param, sizeof param);
	if (strlen(name) >= sizeof name || strlen(param) >= sizeof param)
		abort();
	memcpy(http, rest, l2);
	struct http_head hh;
	http_parse_head(http, l2, &hh);
	if (param[0]) {
		size_t n = 0;
		multipart_split(body, bl, param, part, &n);
	}
out:
	free(head);
	free(http);
	return 0;
}
