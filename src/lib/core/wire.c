/* wire.c - building, reading and sending broker messages (wire.h). */
#include "wire.h"

#include <errno.h>
#include <string.h>
#include <sys/socket.h>

void cr_msg_begin(struct cr_msg *m, uint8_t type)
{
	m->buf[0] = type;
	m->len = 1;
	m->bad = false;
}

void cr_msg_put(struct cr_msg *m, const void *p, size_t n)
{
	if (m->bad || n > sizeof m->buf - m->len) {
		m->bad = true;
		return;
	}
	if (n)
		memcpy(m->buf + m->len, p, n);
	m->len += n;
}

void cr_msg_u8(struct cr_msg *m, uint8_t v) { cr_msg_put(m, &v, 1); }

void cr_msg_u32(struct cr_msg *m, uint32_t v)
{
	uint8_t b[4] = {(uint8_t)v, (uint8_t)(v >> 8), (uint8_t)(v >> 16), (uint8_t)(v >> 24)};
	cr_msg_put(m, b, 4);
}

void cr_msg_u64(struct cr_msg *m, uint64_t v)
{
	cr_msg_u32(m, (uint32_t)v);
	cr_msg_u32(m, (uint32_t)(v >> 32));
}

void cr_msg_bytes(struct cr_msg *m, const void *p, size_t n)
{
	if (n > UINT32_MAX) {
		m->bad = true;
		return;
	}
	cr_msg_u32(m, (uint32_t)n);
	cr_msg_put(m, p, n);
}

bool cr_rmsg_u8(struct cr_rmsg *r, uint8_t *v)
{
	if (r->len < 1)
		return false;
	*v = r->p[0];
	r->p++;
	r->len--;
	return true;
}

bool cr_rmsg_u32(struct cr_rmsg *r, uint32_t *v)
{
	if (r->len < 4)
		return false;
	*v = (uint32_t)r->p[0] | (uint32_t)r->p[1] << 8 | (uint32_t)r->p[2] << 16 | (uint32_t)r->p[3] << 24;
	r->p += 4;
	r->len -= 4;
	return true;
}

bool cr_rmsg_u64(struct cr_rmsg *r, uint64_t *v)
{
	uint32_t lo, hi;
	if (r->len < 8)
		return false;
	cr_rmsg_u32(r, &lo);
	cr_rmsg_u32(r, &hi);
	*v = (uint64_t)hi << 32 | lo;
	return true;
}

bool cr_rmsg_bytes(struct cr_rmsg *r, const uint8_t **p, size_t *n)
{
	uint32_t l;
	struct cr_rmsg save = *r;
	if (!cr_rmsg_u32(r, &l) || l > r->len) {
		*r = save;
		return false;
	}
	*p = r->p;
	*n = l;
	r->p += l;
	r->len -= l;
	return true;
}

int cr_msg_send(int fd, const struct cr_msg *m)
{
	if (m->bad) {
		errno = EMSGSIZE;
		return -1;
	}
	for (;;) {
		ssize_t w = send(fd, m->buf, m->len, MSG_NOSIGNAL);
		if (w == (ssize_t)m->len)
			return 0;
		if (w < 0 && errno == EINTR)
			continue;
		if (w >= 0)
			errno = EMSGSIZE;
		return -1;
	}
}
