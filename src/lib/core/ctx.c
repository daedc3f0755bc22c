/* ctx.c - the scan context: limits, policy, accept list. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "scan.h"
#include "../rules/yara.h"
#include "wire.h"

const char *crible_version(void) { return CRIBLE_VERSION; }

const char *crible_strerror(crible_err err)
{
	switch (err) {
	case CRIBLE_OK:
		return "success";
	case CRIBLE_ENOMEM:
		return "out of memory";
	case CRIBLE_EIO:
		return "input could not be read";
	case CRIBLE_EINVAL:
		return "invalid argument";
	case CRIBLE_EPOLICY:
		return "policy could not be parsed";
	case CRIBLE_EUNKNOWN_ID:
		return "unknown finding id";
	case CRIBLE_EISDIR:
		return "is a directory";
	case CRIBLE_ECANCELED:
		return "cancelled";
	case CRIBLE_ELIMIT:
		return "input larger than the job's input limit";
	case CRIBLE_ERULES:
		return "YARA rules could not be compiled";
	case CRIBLE_ECHANGED:
		return "the file changed while it was read";
	}
	return "unknown error";
}

const char *crible_verdict_name(crible_verdict v)
{
	return v == CRIBLE_BLOCK ? "block" : v == CRIBLE_WARN ? "warn" : "allow";
}

const char *crible_severity_name(crible_severity s)
{
	return s == CRIBLE_SEV_HIGH ? "high" : s == CRIBLE_SEV_MEDIUM ? "medium" : "low";
}

static void limits_default(struct cr_limits *lim)
{
	lim->max_depth = 8;
	lim->max_expanded = 1ull << 30;
	lim->max_entries = 100000;
	lim->max_ratio = 100;
	lim->ratio_floor = 16ull << 20;
	lim->time_ms = 10000;
	lim->max_input = 0;
	lim->max_write = 1ull << 30;
	lim->max_files = 100000;
}

crible_ctx *crible_ctx_new(void)
{
	cr_formats_init();
	crible_ctx *ctx = calloc(1, sizeof *ctx);
	if (!ctx)
		return NULL;
	limits_default(&ctx->lim);
	memset(ctx->sev, -1, sizeof ctx->sev);
	ctx->hash = true;
	ctx->external_readers = true;
	ctx->parallel = true;
	return ctx;
}

static void clear_accept(crible_ctx *ctx)
{
	for (size_t i = 0; i < ctx->naccept; i++)
		free(ctx->accept[i].s);
	free(ctx->accept);
	ctx->accept = NULL;
	ctx->naccept = 0;
}

void crible_ctx_free(crible_ctx *ctx)
{
	if (!ctx)
		return;
	clear_accept(ctx);
	cr_yara_free(ctx->yara);
	free(ctx);
}

crible_err crible_ctx_set_rules(crible_ctx *ctx, const char *path, char **err)
{
	if (err)
		*err = NULL;
	if (!ctx)
		return CRIBLE_EINVAL;
	if (!path) {
		cr_yara_free(ctx->yara);
		ctx->yara = NULL;
		return CRIBLE_OK;
	}
	struct cr_yara *y;
	crible_err e = cr_yara_compile(path, &y, err);
	if (e != CRIBLE_OK)
		return e;
	cr_yara_free(ctx->yara);
	ctx->yara = y;
	return CRIBLE_OK;
}

int crible_ctx_rules_digest(const crible_ctx *ctx, unsigned char out[32])
{
	return ctx && cr_yara_fd(ctx->yara, out) >= 0;
}

/* Where a limit lives in a configuration; NULL for a number that names none. */
static uint64_t *limit_slot(struct cr_limits *l, crible_limit which)
{
	switch (which) {
	case CRIBLE_LIMIT_DEPTH:
		return &l->max_depth;
	case CRIBLE_LIMIT_EXPANDED:
		return &l->max_expanded;
	case CRIBLE_LIMIT_ENTRIES:
		return &l->max_entries;
	case CRIBLE_LIMIT_RATIO:
		return &l->max_ratio;
	case CRIBLE_LIMIT_RATIO_FLOOR:
		return &l->ratio_floor;
	case CRIBLE_LIMIT_TIME_MS:
		return &l->time_ms;
	case CRIBLE_LIMIT_INPUT:
		return &l->max_input;
	case CRIBLE_LIMIT_WRITE_BYTES:
		return &l->max_write;
	case CRIBLE_LIMIT_WRITE_FILES:
		return &l->max_files;
	}
	return NULL;
}

crible_err cr_cfg_set_limit(crible_ctx *cfg, crible_limit which, uint64_t v)
{
	uint64_t *slot = cfg ? limit_slot(&cfg->lim, which) : NULL;
	/* Zero is never "unlimited", except for the input size, where it means no limit. */
	if (!slot || (v == 0 && which != CRIBLE_LIMIT_INPUT))
		return CRIBLE_EINVAL;
	*slot = which == CRIBLE_LIMIT_DEPTH && v > CR_MAX_DEPTH_HARD ? CR_MAX_DEPTH_HARD : v;
	return CRIBLE_OK;
}

crible_err crible_ctx_set_limit(crible_ctx *ctx, crible_limit which, uint64_t v)
{
	return cr_cfg_set_limit(ctx, which, v);
}

uint64_t crible_ctx_get_limit(const crible_ctx *ctx, crible_limit which)
{
	const uint64_t *slot = ctx ? limit_slot((struct cr_limits *)&ctx->lim, which) : NULL;
	return slot ? *slot : 0;
}

crible_err cr_cfg_set_option(crible_ctx *cfg, crible_option opt, int on)
{
	if (!cfg)
		return CRIBLE_EINVAL;
	switch (opt) {
	case CRIBLE_OPT_HASH:
		cfg->hash = on != 0;
		return CRIBLE_OK;
	case CRIBLE_OPT_SHALLOW:
		cfg->shallow = on != 0;
		return CRIBLE_OK;
	case CRIBLE_OPT_IDENTIFY_ONLY:
		cfg->identify_only = on != 0;
		return CRIBLE_OK;
	case CRIBLE_OPT_EXTERNAL_READERS:
		cfg->external_readers = on != 0;
		return CRIBLE_OK;
	case CRIBLE_OPT_LIST:
		cfg->list = on != 0;
		return CRIBLE_OK;
	case CRIBLE_OPT_CONFINED:
		cfg->confined = on != 0;
		return CRIBLE_OK;
	case CRIBLE_OPT_PARALLEL:
		cfg->parallel = on != 0;
		return CRIBLE_OK;
	}
	return CRIBLE_EINVAL;
}

crible_err crible_ctx_set_option(crible_ctx *ctx, crible_option opt, int on) { return cr_cfg_set_option(ctx, opt, on); }

void crible_ctx_set_hash(crible_ctx *ctx, int on)
{
	if (ctx)
		ctx->hash = on != 0;
}

void crible_ctx_set_shallow(crible_ctx *ctx, int on)
{
	if (ctx)
		ctx->shallow = on != 0;
}

void crible_ctx_set_identify_only(crible_ctx *ctx, int on)
{
	if (ctx)
		ctx->identify_only = on != 0;
}

crible_err cr_cfg_copy(crible_ctx *dst, const crible_ctx *src)
{
	*dst = *src;
	dst->accept = NULL;
	dst->naccept = 0;
	if (!src->naccept)
		return CRIBLE_OK;
	dst->accept = calloc(src->naccept, sizeof *dst->accept);
	if (!dst->accept)
		return CRIBLE_ENOMEM;
	for (size_t i = 0; i < src->naccept; i++) {
		dst->accept[i].kind = src->accept[i].kind;
		if (!(dst->accept[i].s = strdup(src->accept[i].s))) {
			clear_accept(dst);
			return CRIBLE_ENOMEM;
		}
		dst->naccept = i + 1;
	}
	return CRIBLE_OK;
}

void cr_cfg_clear(crible_ctx *cfg) { clear_accept(cfg); }

crible_err crible_ctx_set_accept(crible_ctx *ctx, const char *list)
{
	if (!ctx)
		return CRIBLE_EINVAL;
	clear_accept(ctx);
	if (!list)
		return CRIBLE_OK;
	/* Count items first so one allocation holds them all. */
	size_t cap = 1;
	for (const char *p = list; *p; p++)
		if (*p == ',')
			cap++;
	ctx->accept = calloc(cap, sizeof *ctx->accept);
	if (!ctx->accept)
		return CRIBLE_ENOMEM;
	const char *p = list;
	while (*p) {
		while (*p == ',' || *p == ' ' || *p == '\t')
			p++;
		size_t n = strcspn(p, ",");
		size_t m = n;
		while (m > 0 && (p[m - 1] == ' ' || p[m - 1] == '\t'))
			m--;
		if (m == 0) {
			p += n;
			continue;
		}
		struct cr_accept a;
		const char *slash = memchr(p, '/', m);
		if (slash) {
			if (m >= 2 && p[m - 1] == '*' && p[m - 2] == '/') {
				a.kind = ACC_WILD;
				m--;	/* keep "type/" */
			} else {
				a.kind = ACC_MIME;
			}
			if (m == 1 || memchr(p, '*', m)) {	/* "*" elsewhere, or a bare "/" */
				clear_accept(ctx);
				return CRIBLE_EINVAL;
			}
		} else {
			a.kind = ACC_EXT;
			if (*p == '.')
				p++, m--, n--;
			if (m == 0 || m > 32) {
				clear_accept(ctx);
				return CRIBLE_EINVAL;
			}
		}
		a.s = strndup(p, m);
		if (!a.s) {
			clear_accept(ctx);
			return CRIBLE_ENOMEM;
		}
		for (char *q = a.s; *q; q++)
			*q = (char)tolower((unsigned char)*q);
		ctx->accept[ctx->naccept++] = a;
		p += n;
	}
	return CRIBLE_OK;
}

crible_err crible_ctx_set_severity(crible_ctx *ctx, const char *id, crible_severity sev)
{
	if (!ctx || !id || (unsigned)sev > CRIBLE_SEV_HIGH)
		return CRIBLE_EINVAL;
	size_t l = strlen(id);
	/* "exec.*" sets every id under the prefix, "*" every id. */
	if (l >= 1 && id[l - 1] == '*') {
		int hit = 0;
		for (int i = 0; i < F_NIDS; i++)
			if (strncmp(cr_fdefs[i].id, id, l - 1) == 0) {
				ctx->sev[i] = (int8_t)sev;
				hit = 1;
			}
		return hit ? CRIBLE_OK : CRIBLE_EUNKNOWN_ID;
	}
	enum cr_fid f = cr_fid_lookup(id, l);
	if (f == F_NIDS)
		return CRIBLE_EUNKNOWN_ID;
	ctx->sev[f] = (int8_t)sev;
	return CRIBLE_OK;
}

static int parse_sev(const char *p, size_t n, crible_severity *out)
{
	static const char *const names[] = {"low", "medium", "high"};
	static const char *const verdicts[] = {"allow", "warn", "block"};
	for (int i = 0; i < 3; i++)
		if ((strlen(names[i]) == n && strncasecmp(p, names[i], n) == 0) ||
		    (strlen(verdicts[i]) == n && strncasecmp(p, verdicts[i], n) == 0)) {
			*out = (crible_severity)i;
			return 1;
		}
	return 0;
}

crible_err crible_ctx_load_policy(crible_ctx *ctx, const char *text, size_t len, int *line)
{
	if (!ctx || (!text && len))
		return CRIBLE_EINVAL;
	int ln = 0;
	size_t i = 0;
	while (i < len) {
		ln++;
		size_t e = i;
		while (e < len && text[e] != '\n')
			e++;
		/* Strip comments and blanks; "ID SEV" or "ID = SEV". */
		size_t end = i;
		while (end < e && text[end] != '#')
			end++;
		size_t a = i;
		while (a < end && isspace((unsigned char)text[a]))
			a++;
		size_t b = a;
		while (b < end && !isspace((unsigned char)text[b]) && text[b] != '=')
			b++;
		size_t c = b;
		while (c < end && (isspace((unsigned char)text[c]) || text[c] == '='))
			c++;
		size_t d = c;
		while (d < end && !isspace((unsigned char)text[d]))
			d++;
		size_t z = d;
		while (z < end && isspace((unsigned char)text[z]))
			z++;
		if (a < end) {
			crible_severity sev;
			char id[64];
			if (b - a >= sizeof id || d == c || z != end || !parse_sev(text + c, d - c, &sev)) {
				if (line)
					*line = ln;
				return CRIBLE_EPOLICY;
			}
			memcpy(id, text + a, b - a);
			id[b - a] = '\0';
			crible_err err = crible_ctx_set_severity(ctx, id, sev);
			if (err != CRIBLE_OK) {
				if (line)
					*line = ln;
				return err;
			}
		}
		i = e + 1;
	}
	return CRIBLE_OK;
}

/* --- a configuration across the broker (a scan job's worker) ------------------ */

void cr_cfg_pack(const crible_ctx *cfg, const char *name, const char *declared, uint32_t xflags, struct cr_msg *m)
{
	const struct cr_limits *l = &cfg->lim;
	const uint64_t lim[] = {l->max_depth, l->max_expanded, l->max_entries, l->max_ratio, l->ratio_floor,
				l->time_ms, l->max_input, l->max_write, l->max_files};
	cr_msg_u32(m, (uint32_t)(sizeof lim / sizeof lim[0]));
	for (size_t i = 0; i < sizeof lim / sizeof lim[0]; i++)
		cr_msg_u64(m, lim[i]);
	cr_msg_u8(m, (uint8_t)((cfg->hash ? 1 : 0) | (cfg->identify_only ? 2 : 0) | (cfg->shallow ? 4 : 0) |
			       (cfg->list ? 8 : 0)));
	cr_msg_bytes(m, cfg->sev, sizeof cfg->sev);
	/* The accept list as crible_ctx_set_accept reads it. */
	char acc[4096];
	size_t k = 0;
	for (size_t i = 0; i < cfg->naccept; i++) {
		const struct cr_accept *a = &cfg->accept[i];
		int w = snprintf(acc + k, sizeof acc - k, "%s%s%s%s", i ? "," : "", a->kind == ACC_EXT ? "." : "", a->s,
				 a->kind == ACC_WILD ? "*" : "");
		if (w < 0 || (size_t)w >= sizeof acc - k) {
			m->bad = true;	/* too long to send: the caller scans in process */
			return;
		}
		k += (size_t)w;
	}
	cr_msg_bytes(m, acc, k);
	cr_msg_u8(m, name != NULL);
	cr_msg_bytes(m, name ? name : "", name ? strlen(name) : 0);
	cr_msg_u8(m, declared != NULL);
	cr_msg_bytes(m, declared ? declared : "", declared ? strlen(declared) : 0);
	cr_msg_u32(m, xflags);
}

static char *dup_bytes(const uint8_t *p, size_t n)
{
	if (memchr(p, 0, n))
		return NULL;
	char *s = malloc(n + 1);
	if (s) {
		memcpy(s, p, n);
		s[n] = '\0';
	}
	return s;
}

crible_err cr_cfg_unpack(const uint8_t *p, size_t n, crible_ctx *cfg, char **name, char **declared, uint32_t *xflags)
{
	*name = *declared = NULL;
	struct cr_rmsg r = {p, n};
	uint32_t nl;
	uint64_t lim[9];
	if (!cr_rmsg_u32(&r, &nl) || nl != 9)
		return CRIBLE_EINVAL;
	for (int i = 0; i < 9; i++)
		if (!cr_rmsg_u64(&r, &lim[i]))
			return CRIBLE_EINVAL;
	struct cr_limits *l = &cfg->lim;
	l->max_depth = lim[0] > CR_MAX_DEPTH_HARD ? CR_MAX_DEPTH_HARD : lim[0];
	l->max_expanded = lim[1], l->max_entries = lim[2], l->max_ratio = lim[3], l->ratio_floor = lim[4];
	l->time_ms = lim[5], l->max_input = lim[6], l->max_write = lim[7], l->max_files = lim[8];
	uint8_t opt, has;
	const uint8_t *b;
	size_t bl;
	if (!cr_rmsg_u8(&r, &opt) || !cr_rmsg_bytes(&r, &b, &bl) || bl != sizeof cfg->sev)
		return CRIBLE_EINVAL;
	cfg->hash = opt & 1, cfg->identify_only = (opt & 2) != 0, cfg->shallow = (opt & 4) != 0, cfg->list = (opt & 8) != 0;
	memcpy(cfg->sev, b, sizeof cfg->sev);
	for (size_t i = 0; i < F_NIDS; i++)
		if (cfg->sev[i] > CRIBLE_SEV_HIGH || cfg->sev[i] < -1)
			return CRIBLE_EINVAL;
	if (!cr_rmsg_bytes(&r, &b, &bl))
		return CRIBLE_EINVAL;
	char *acc = dup_bytes(b, bl);
	crible_err e = acc ? crible_ctx_set_accept(cfg, acc) : CRIBLE_EINVAL;
	free(acc);
	if (e != CRIBLE_OK)
		return e;
	if (!cr_rmsg_u8(&r, &has) || !cr_rmsg_bytes(&r, &b, &bl) || (has && !(*name = dup_bytes(b, bl))))
		return CRIBLE_EINVAL;
	if (!cr_rmsg_u8(&r, &has) || !cr_rmsg_bytes(&r, &b, &bl) || (has && !(*declared = dup_bytes(b, bl))) ||
	    !cr_rmsg_u32(&r, xflags) || r.len != 0) {
		free(*name);
		free(*declared);
		*name = *declared = NULL;
		return CRIBLE_EINVAL;
	}
	return CRIBLE_OK;
}
