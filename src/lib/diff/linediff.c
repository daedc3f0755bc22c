/*
 * linediff.c - a unified diff of two texts, as evidence for a finding.
 *
 * Myers' O(ND) algorithm (An O(ND) Difference Algorithm and Its
 * Variations, 1986) on lines, with the edit distance capped: past
 * MAX_D differing lines the evidence says so instead of growing the
 * trace (D * (2D + 1) cells).  Hunks carry three lines of context; the
 * output stops at max_lines.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../report/buf.h"
#include "diff.h"

#define MAX_D 400
#define MAX_LINES 200000
#define CONTEXT 3

struct line {
	const uint8_t *p;
	size_t n;
	uint64_t h;
};

/* Splits p into lines (without their '\n'); NULL past MAX_LINES or on ENOMEM. */
static struct line *split(const uint8_t *p, size_t n, size_t *count)
{
	size_t c = 0;
	for (size_t i = 0; i < n; i++)
		c += p[i] == '\n';
	if (n && p[n - 1] != '\n')
		c++;
	*count = c;
	if (c > MAX_LINES)
		return NULL;
	struct line *l = calloc(c ? c : 1, sizeof *l);
	if (!l)
		return NULL;
	size_t k = 0;
	for (size_t i = 0; i < n;) {
		const uint8_t *nl = memchr(p + i, '\n', n - i);
		size_t e = nl ? (size_t)(nl - p) : n;
		uint64_t h = 1469598103934665603ull;
		for (size_t j = i; j < e; j++)
			h = (h ^ p[j]) * 1099511628211ull;
		l[k++] = (struct line){p + i, e - i, h};
		i = e + 1;
	}
	return l;
}

static bool eq(const struct line *a, const struct line *b)
{
	return a->h == b->h && a->n == b->n && !memcmp(a->p, b->p, a->n);
}

/* One edit of the script: 0 keep, '-' a line of a, '+' a line of b. */
struct op {
	char k;
	size_t ai, bi;
};

static void put_line(struct cr_buf *o, char k, const struct line *l)
{
	char c[1] = {k};
	cr_buf_add(o, c, 1);
	/* At most 200 bytes of a line: evidence, not a copy of the file. */
	cr_buf_add(o, (const char *)l->p, l->n < 200 ? l->n : 200);
	if (l->n > 200)
		cr_buf_str(o, "...");
	cr_buf_add(o, "\n", 1);
}

char *cr_line_diff(const uint8_t *a, size_t an, const uint8_t *b, size_t bn, size_t max_lines)
{
	size_t n = 0, m = 0;
	struct line *A = split(a, an, &n), *B = split(b, bn, &m);
	struct cr_buf o;
	cr_buf_init(&o, 1u << 20);
	int *v = NULL, **trace = NULL;
	struct op *ops = NULL;
	if (!A || !B) {
		cr_buf_str(&o, "(too many lines to compare)\n");
		goto done;
	}
	/* Myers: v[k] is the furthest x on diagonal k; each step's v is kept to walk the script back. */
	int N = (int)n, M = (int)m, off = MAX_D + 1, D = -1;
	v = calloc(2 * (size_t)MAX_D + 3, sizeof *v);
	trace = calloc(MAX_D + 1, sizeof *trace);
	if (!v || !trace)
		goto done;
	for (int d = 0; d <= MAX_D && D < 0; d++) {
		for (int k = -d; k <= d; k += 2) {
			int x = k == -d || (k != d && v[off + k - 1] < v[off + k + 1]) ? v[off + k + 1] : v[off + k - 1] + 1;
			int y = x - k;
			while (x < N && y < M && eq(&A[x], &B[y])) {
				x++;
				y++;
			}
			v[off + k] = x;
			if (x >= N && y >= M) {
				D = d;
				break;
			}
		}
		if (!(trace[d] = malloc((2 * (size_t)MAX_D + 3) * sizeof *v)))
			goto done;
		memcpy(trace[d], v, (2 * (size_t)MAX_D + 3) * sizeof *v);
	}
	if (D < 0) {
		char msg[96];
		snprintf(msg, sizeof msg, "(more than %d lines differ)\n", MAX_D);
		cr_buf_str(&o, msg);
		goto done;
	}
	/* The script, backwards from (N, M), then reversed. */
	size_t cap = (size_t)N + (size_t)M + 1, nops = 0;
	if (!(ops = malloc(cap * sizeof *ops)))
		goto done;
	int x = N, y = M;
	for (int d = D; d > 0; d--) {
		int *pv = trace[d - 1], k = x - y;
		int pk = k == -d || (k != d && pv[off + k - 1] < pv[off + k + 1]) ? k + 1 : k - 1;
		int px = pv[off + pk], py = px - pk;
		while (x > px && y > py)
			ops[nops++] = (struct op){0, (size_t)--x, (size_t)--y};
		if (x > px)
			ops[nops++] = (struct op){'-', (size_t)--x, (size_t)y};
		else
			ops[nops++] = (struct op){'+', (size_t)x, (size_t)--y};
	}
	while (x > 0 && y > 0)
		ops[nops++] = (struct op){0, (size_t)--x, (size_t)--y};
	for (size_t i = 0; i < nops / 2; i++) {
		struct op t = ops[i];
		ops[i] = ops[nops - 1 - i];
		ops[nops - 1 - i] = t;
	}
	/* Hunks: each change with CONTEXT kept lines around it. */
	size_t out = 0;
	for (size_t i = 0; i < nops && out < max_lines;) {
		if (!ops[i].k) {
			i++;
			continue;
		}
		size_t s = i > CONTEXT ? i - CONTEXT : 0, e = i, keep = 0;
		/* The hunk runs on while changes come within 2 * CONTEXT kept lines of each other. */
		while (e < nops && keep <= 2 * CONTEXT) {
			keep = ops[e].k ? 0 : keep + 1;
			e++;
		}
		size_t last = e - 1;
		while (!ops[last].k)
			last--;
		e = last + 1 + CONTEXT < nops ? last + 1 + CONTEXT : nops;
		size_t as = ops[s].ai, bs = ops[s].bi, al = 0, bl = 0;
		for (size_t j = s; j < e; j++) {
			al += ops[j].k != '+';
			bl += ops[j].k != '-';
		}
		char h[96];
		snprintf(h, sizeof h, "@@ -%zu,%zu +%zu,%zu @@\n", as + 1, al, bs + 1, bl);
		cr_buf_str(&o, h);
		out++;
		for (size_t j = s; j < e && out < max_lines; j++, out++)
			put_line(&o, ops[j].k ? ops[j].k : ' ', ops[j].k == '+' ? &B[ops[j].bi] : &A[ops[j].ai]);
		i = e;
	}
	if (out >= max_lines)
		cr_buf_str(&o, "...\n");
done:
	if (trace)
		for (int d = 0; d <= MAX_D; d++)
			free(trace[d]);
	free(trace);
	free(v);
	free(ops);
	free(A);
	free(B);
	if (o.failed) {
		cr_buf_free(&o);
		return NULL;
	}
	if (!o.p)
		return strdup("");
	return o.p;
}
