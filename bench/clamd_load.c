/*
 * clamd_load.c - the load client of bench/serve.py: concurrent zINSTREAM
 * requests against any clamd-protocol daemon (crible serve, clamd).
 *
 *   clamd-load PORT CLIENTS ROUNDS LISTFILE
 *
 * LISTFILE names one file per line.  Every file is read into memory
 * first; then CLIENTS threads send ROUNDS times the list, each request on
 * its own connection to 127.0.0.1:PORT, as Rspamd sends it: "zINSTREAM\0",
 * the whole file as one chunk, the zero terminator, the reply read to its
 * NUL.  A reply that does not start with "stream: " or that ends in
 * "ERROR" counts as an error.
 *
 * Printed, one line: requests, errors, wall seconds, p50 and p99 latency
 * in milliseconds.  A C client, so that the benchmark's client costs the
 * two-core machine it shares with the daemon as little as it can (the
 * Python client took a tenth of the CPU).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

struct body {
	char *p;
	size_t n;
};

static struct body *bodies;
static size_t nbodies, njobs;
static atomic_size_t next_job;
static atomic_size_t errors;
static double *lat;
static int port;

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int send_all(int fd, struct iovec *iov, int n)
{
	while (n) {
		struct msghdr mh = {.msg_iov = iov, .msg_iovlen = (size_t)n};
		ssize_t w = sendmsg(fd, &mh, MSG_NOSIGNAL);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		while (n && (size_t)w >= iov->iov_len) {
			w -= (ssize_t)iov->iov_len;
			iov++;
			n--;
		}
		if (n) {
			iov->iov_base = (char *)iov->iov_base + w;
			iov->iov_len -= (size_t)w;
		}
	}
	return 0;
}

/* One request; 0 when the daemon answered a verdict. */
static int request(const struct body *b)
{
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (fd < 0)
		return -1;
	struct timeval tv = {120, 0};
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
	int rc = -1;
	if (connect(fd, (struct sockaddr *)&a, sizeof a) == 0) {
		uint32_t len = htonl((uint32_t)b->n), zero = 0;
		struct iovec iov[4] = {{"zINSTREAM", 10}, {&len, 4}, {b->p, b->n}, {&zero, 4}};
		char reply[512];
		size_t have = 0;
		if (send_all(fd, iov, 4) == 0) {
			while (have < sizeof reply - 1 && (!have || reply[have - 1] != '\0')) {
				ssize_t r = recv(fd, reply + have, sizeof reply - 1 - have, 0);
				if (r < 0 && errno == EINTR)
					continue;
				if (r <= 0)
					break;
				have += (size_t)r;
			}
			reply[have] = '\0';
			size_t k = strlen(reply);
			rc = have && reply[have - 1] == '\0' && !strncmp(reply, "stream: ", 8) &&
			     !(k >= 5 && !strcmp(reply + k - 5, "ERROR")) ? 0 : -1;
		}
	}
	close(fd);
	return rc;
}

static void *client(void *arg)
{
	(void)arg;
	for (;;) {
		size_t i = atomic_fetch_add(&next_job, 1);
		if (i >= njobs)
			return NULL;
		double t0 = now();
		if (request(&bodies[i % nbodies]) != 0)
			atomic_fetch_add(&errors, 1);
		lat[i] = now() - t0;
	}
}

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

static int load_list(const char *path)
{
	FILE *l = fopen(path, "r");
	if (!l)
		return -1;
	char line[4096];
	size_t cap = 0;
	while (fgets(line, sizeof line, l)) {
		line[strcspn(line, "\n")] = '\0';
		if (!*line)
			continue;
		FILE *f = fopen(line, "rb");
		if (!f)
			continue;
		struct body b = {NULL, 0};
		size_t bcap = 0;
		for (;;) {
			if (b.n == bcap) {
				bcap = bcap ? 2 * bcap : 65536;
				char *np = realloc(b.p, bcap);
				if (!np)
					return -1;
				b.p = np;
			}
			size_t r = fread(b.p + b.n, 1, bcap - b.n, f);
			if (!r)
				break;
			b.n += r;
		}
		fclose(f);
		if (nbodies == cap) {
			cap = cap ? 2 * cap : 256;
			struct body *nb = realloc(bodies, cap * sizeof *nb);
			if (!nb)
				return -1;
			bodies = nb;
		}
		bodies[nbodies++] = b;
	}
	fclose(l);
	return nbodies ? 0 : -1;
}

int main(int argc, char **argv)
{
	if (argc != 5) {
		fprintf(stderr, "usage: clamd-load PORT CLIENTS ROUNDS LISTFILE\n");
		return 2;
	}
	port = atoi(argv[1]);
	int clients = atoi(argv[2]), rounds = atoi(argv[3]);
	if (port <= 0 || port > 65535 || clients <= 0 || clients > 1024 || rounds <= 0 || load_list(argv[4]) != 0) {
		fprintf(stderr, "clamd-load: bad arguments or an unreadable list\n");
		return 2;
	}
	njobs = nbodies * (size_t)rounds;
	lat = calloc(njobs, sizeof *lat);
	pthread_t *t = calloc((size_t)clients, sizeof *t);
	if (!lat || !t)
		return 2;
	double t0 = now();
	for (int i = 0; i < clients; i++)
		if (pthread_create(&t[i], NULL, client, NULL) != 0)
			return 2;
	for (int i = 0; i < clients; i++)
		pthread_join(t[i], NULL);
	double wall = now() - t0;
	qsort(lat, njobs, sizeof *lat, cmp);
	printf("%zu %zu %.6f %.3f %.3f\n", njobs, (size_t)atomic_load(&errors), wall, lat[njobs / 2] * 1000,
	       lat[njobs * 99 / 100] * 1000);
	return 0;
}
