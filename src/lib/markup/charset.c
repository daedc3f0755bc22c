/*
 * charset.c - the WHATWG decoders markup needs, and the encoding sniff.
 *
 * The UTF-8, UTF-16 and ISO-2022-JP decoders follow the Encoding
 * Standard's algorithms, errors included (an error is U+FFFD, and a byte
 * that ended a sequence early is read again).  ISO-2022-JP's two-byte
 * characters need the JIS X 0208 index only for their code point, which
 * markup does not care about: each pair becomes one private-use code
 * point (U+E000 + pointer), the same shape for the tokenizer.
 */
#include "charset.h"

#include "../io/utf8.h"

#include <stdio.h>
#include <string.h>

void cr_dec_init(struct cr_dec *d, enum cr_enc e)
{
	memset(d, 0, sizeof *d);
	d->enc = e;
	d->lower = 0x80;
	d->upper = 0xBF;
	d->lead_byte = -1;
}

const char *cr_enc_name(enum cr_enc e)
{
	switch (e) {
	case CR_ENC_UTF16LE:
		return "UTF-16LE";
	case CR_ENC_UTF16BE:
		return "UTF-16BE";
	case CR_ENC_ISO2022JP:
		return "ISO-2022-JP";
	default:
		return "UTF-8";
	}
}

/* --- UTF-8 ---------------------------------------------------------------- */

static size_t utf8_byte(struct cr_dec *d, uint8_t b, uint32_t *out)
{
	size_t n = 0;
again:
	if (d->need == 0) {
		if (b < 0x80) {
			out[n++] = b;
		} else if (b >= 0xC2 && b <= 0xDF) {
			d->need = 1;
			d->cp = b & 0x1F;
		} else if (b >= 0xE0 && b <= 0xEF) {
			if (b == 0xE0)
				d->lower = 0xA0;
			if (b == 0xED)
				d->upper = 0x9F;
			d->need = 2;
			d->cp = b & 0xF;
		} else if (b >= 0xF0 && b <= 0xF4) {
			if (b == 0xF0)
				d->lower = 0x90;
			if (b == 0xF4)
				d->upper = 0x8F;
			d->need = 3;
			d->cp = b & 0x7;
		} else {
			out[n++] = 0xFFFD;
		}
		return n;
	}
	if (b < d->lower || b > d->upper) {
		d->cp = d->need = d->seen = 0;
		d->lower = 0x80;
		d->upper = 0xBF;
		out[n++] = 0xFFFD;
		goto again;	/* the byte is read again */
	}
	d->lower = 0x80;
	d->upper = 0xBF;
	d->cp = d->cp << 6 | (b & 0x3F);
	if (++d->seen == d->need) {
		out[n++] = d->cp;
		d->cp = d->need = d->seen = 0;
	}
	return n;
}

/* --- UTF-16 --------------------------------------------------------------- */

static size_t utf16_byte(struct cr_dec *d, uint8_t b, uint32_t *out)
{
	if (d->lead_byte < 0) {
		d->lead_byte = b;
		return 0;
	}
	uint32_t u = d->enc == CR_ENC_UTF16LE ? (uint32_t)b << 8 | (uint32_t)d->lead_byte
					      : (uint32_t)d->lead_byte << 8 | b;
	d->lead_byte = -1;
	size_t n = 0;
	if (d->lead_surr) {
		uint32_t lead = d->lead_surr;
		d->lead_surr = 0;
		if (u >= 0xDC00 && u <= 0xDFFF) {
			out[n++] = 0x10000 + ((lead - 0xD800) << 10) + (u - 0xDC00);
			return n;
		}
		out[n++] = 0xFFFD;	/* and u is read on its own */
	}
	if (u >= 0xD800 && u <= 0xDBFF)
		d->lead_surr = u;
	else if (u >= 0xDC00 && u <= 0xDFFF)
		out[n++] = 0xFFFD;
	else
		out[n++] = u;
	return n;
}

/* --- ISO-2022-JP ---------------------------------------------------------- */

enum { J_ASCII, J_ROMAN, J_KATAKANA, J_LEAD, J_TRAIL, J_ESC_START, J_ESC };

static size_t jp_byte(struct cr_dec *d, uint8_t b, uint32_t *out)
{
	size_t n = 0;
	uint8_t pend[3];
	size_t np = 0;
	pend[np++] = b;
	while (np) {
		uint8_t c = pend[--np];
		switch (d->jst) {
		case J_ASCII:
		case J_ROMAN:
			if (c == 0x1B) {
				d->jst = J_ESC_START;
			} else if (c <= 0x7F && c != 0x0E && c != 0x0F) {
				d->jflag = false;
				out[n++] = d->jst == J_ROMAN && c == 0x5C ? 0xA5 : d->jst == J_ROMAN && c == 0x7E ? 0x203E : c;
			} else {
				d->jflag = false;
				out[n++] = 0xFFFD;
			}
			break;
		case J_KATAKANA:
			if (c == 0x1B) {
				d->jst = J_ESC_START;
			} else if (c >= 0x21 && c <= 0x5F) {
				d->jflag = false;
				out[n++] = 0xFF61 + c - 0x21;
			} else {
				d->jflag = false;
				out[n++] = 0xFFFD;
			}
			break;
		case J_LEAD:
			if (c == 0x0A) {
				d->jflag = false;
				out[n++] = 0x0A;
			} else if (c == 0x1B) {
				d->jst = J_ESC_START;
			} else if (c >= 0x21 && c <= 0x7E) {
				d->jflag = false;
				d->jlead = c;
				d->jst = J_TRAIL;
			} else {
				d->jflag = false;
				out[n++] = 0xFFFD;
			}
			break;
		case J_TRAIL:
			if (c == 0x1B) {
				d->jst = J_ESC_START;
				out[n++] = 0xFFFD;
			} else if (c >= 0x21 && c <= 0x7E) {
				d->jst = J_LEAD;
				out[n++] = 0xE000 + (uint32_t)(d->jlead - 0x21) * 94 + (c - 0x21);
			} else {
				d->jst = J_LEAD;	/* the byte is swallowed */
				out[n++] = 0xFFFD;
			}
			break;
		case J_ESC_START:
			if (c == 0x24 || c == 0x28) {
				d->jlead = c;
				d->jst = J_ESC;
			} else {
				pend[np++] = c;
				d->jflag = false;
				d->jst = d->jout;
				out[n++] = 0xFFFD;
			}
			break;
		case J_ESC: {
			uint8_t lead = d->jlead;
			int st = -1;
			if (lead == 0x28 && c == 0x42)
				st = J_ASCII;
			else if (lead == 0x28 && c == 0x4A)
				st = J_ROMAN;
			else if (lead == 0x28 && c == 0x49)
				st = J_KATAKANA;
			else if (lead == 0x24 && (c == 0x40 || c == 0x42))
				st = J_LEAD;
			if (st >= 0) {
				d->jst = d->jout = (uint8_t)st;
				bool was = d->jflag;
				d->jflag = true;
				if (was)
					out[n++] = 0xFFFD;	/* two escapes in a row */
			} else {
				pend[np++] = c;		/* read again: lead, then the byte */
				pend[np++] = lead;
				d->jflag = false;
				d->jst = d->jout;
				out[n++] = 0xFFFD;
			}
			break;
		}
		}
	}
	return n;
}

size_t cr_dec_run(struct cr_dec *d, const uint8_t *p, size_t n, uint32_t *out)
{
	size_t k = 0, i = 0;
	switch (d->enc) {
	case CR_ENC_UTF8:
		while (i < n) {
			/* ASCII runs go straight through. */
			if (d->need == 0 && p[i] < 0x80) {
				out[k++] = p[i++];
				continue;
			}
			k += utf8_byte(d, p[i++], out + k);
		}
		break;
	case CR_ENC_UTF16LE:
	case CR_ENC_UTF16BE:
		for (; i < n; i++)
			k += utf16_byte(d, p[i], out + k);
		break;
	case CR_ENC_ISO2022JP:
		for (; i < n; i++)
			k += jp_byte(d, p[i], out + k);
		break;
	}
	return k;
}

bool cr_dec_ascii(const struct cr_dec *d, const uint8_t *p, size_t n)
{
	if (d->need)
		return false;
	size_t j = 0;
	for (; j + 8 <= n; j += 8) {
		uint64_t w;
		memcpy(&w, p + j, 8);
		if (w & 0x8080808080808080ull)
			return false;
	}
	for (; j < n; j++)
		if (p[j] >= 0x80)
			return false;
	return true;
}

size_t cr_dec_utf8(struct cr_dec *d, const uint8_t *p, size_t n, uint8_t *out)
{
	size_t k = 0, i = 0;
	while (i < n) {
		if (d->need == 0) {
			/* ASCII runs are copied whole. */
			size_t j = i;
			/* Eight bytes at a time while none has its high bit set. */
			while (j + 8 <= n) {
				uint64_t w;
				memcpy(&w, p + j, 8);
				if (w & 0x8080808080808080ull)
					break;
				j += 8;
			}
			while (j < n && p[j] < 0x80)
				j++;
			memcpy(out + k, p + i, j - i);
			k += j - i;
			i = j;
			if (i >= n)
				break;
		}
		uint32_t cps[2];
		size_t m = utf8_byte(d, p[i++], cps);
		for (size_t q = 0; q < m; q++)
			k += cr_utf8_encode(cps[q], out + k);
	}
	return k;
}

size_t cr_dec_end(struct cr_dec *d, uint32_t *out)
{
	size_t k = 0;
	switch (d->enc) {
	case CR_ENC_UTF8:
		if (d->need)
			out[k++] = 0xFFFD;
		break;
	case CR_ENC_UTF16LE:
	case CR_ENC_UTF16BE:
		if (d->lead_byte >= 0 || d->lead_surr)
			out[k++] = 0xFFFD;
		break;
	case CR_ENC_ISO2022JP:
		if (d->jst == J_TRAIL || d->jst == J_ESC_START || d->jst == J_ESC)
			out[k++] = 0xFFFD;
		break;
	}
	cr_dec_init(d, d->enc);
	return k;
}

/* --- the sniff ------------------------------------------------------------ */

static bool is_sp(uint8_t c) { return c == 0x09 || c == 0x0A || c == 0x0C || c == 0x0D || c == 0x20; }
static uint8_t lc(uint8_t c) { return c >= 'A' && c <= 'Z' ? c + 32 : c; }

static bool starts_ci(const uint8_t *p, size_t n, const char *w)
{
	size_t l = strlen(w);
	if (n < l)
		return false;
	for (size_t i = 0; i < l; i++)
		if (lc(p[i]) != (uint8_t)w[i])
			return false;
	return true;
}

/* The standard's "get an attribute": name and value, lower-cased, bounded. */
static bool get_attr(const uint8_t *p, size_t n, size_t *i, char *name, size_t ncap, char *val, size_t vcap)
{
	size_t nl = 0, vl = 0;
	while (*i < n && (is_sp(p[*i]) || p[*i] == '/'))
		(*i)++;
	if (*i >= n || p[*i] == '>')
		return false;
	for (;; (*i)++) {
		if (*i >= n)
			return false;
		uint8_t c = p[*i];
		if (c == '=' && nl > 0) {
			(*i)++;
			goto value;
		}
		if (is_sp(c))
			break;
		if (c == '/' || c == '>') {
			name[nl] = val[0] = '\0';
			return true;
		}
		if (nl + 1 < ncap)
			name[nl++] = (char)lc(c);
	}
	name[nl] = '\0';
	while (*i < n && is_sp(p[*i]))
		(*i)++;
	if (*i >= n || p[*i] != '=') {
		val[0] = '\0';
		return true;
	}
	(*i)++;
value:
	name[nl] = '\0';
	while (*i < n && is_sp(p[*i]))
		(*i)++;
	if (*i >= n)
		return false;
	if (p[*i] == '"' || p[*i] == '\'') {
		uint8_t q = p[(*i)++];
		for (; *i < n && p[*i] != q; (*i)++)
			if (vl + 1 < vcap)
				val[vl++] = (char)lc(p[*i]);
		if (*i >= n)
			return false;
		(*i)++;
	} else if (p[*i] == '>') {
		val[0] = '\0';
		return true;
	} else {
		for (; *i < n && !is_sp(p[*i]) && p[*i] != '>'; (*i)++)
			if (vl + 1 < vcap)
				val[vl++] = (char)lc(p[*i]);
	}
	val[vl] = '\0';
	return true;
}

/* "Extracting a character encoding from a meta element" (content="text/html; charset=x"). */
static bool charset_from_content(const char *v, char *out, size_t cap)
{
	for (const char *p = v; (p = strstr(p, "charset"));) {
		p += 7;
		while (is_sp((uint8_t)*p))
			p++;
		if (*p != '=')
			continue;
		p++;
		while (is_sp((uint8_t)*p))
			p++;
		char q = *p == '"' || *p == '\'' ? *p++ : 0;
		size_t l = 0;
		while (*p && (q ? *p != q : !is_sp((uint8_t)*p) && *p != ';') && l + 1 < cap)
			out[l++] = *p++;
		if (q && *p != q)
			return false;
		out[l] = '\0';
		return l > 0;
	}
	return false;
}

static void copy(char *d, size_t cap, const char *s)
{
	size_t l = strnlen(s, cap - 1);
	memcpy(d, s, l);
	d[l] = '\0';
}

static void trim(char *s)
{
	size_t l = strlen(s), a = 0;
	while (a < l && is_sp((uint8_t)s[a]))
		a++;
	while (l > a && is_sp((uint8_t)s[l - 1]))
		l--;
	memmove(s, s + a, l - a);
	s[l - a] = '\0';
}

static void prescan(const uint8_t *p, size_t n, struct cr_sniff *s)
{
	if (n > 1024)
		n = 1024;
	for (size_t i = 0; i < n;) {
		if (starts_ci(p + i, n - i, "<!--")) {
			const uint8_t *e = memmem(p + i + 2, n - i - 2, "-->", 3);
			if (!e)
				return;
			i = (size_t)(e - p) + 3;
		} else if (starts_ci(p + i, n - i, "<meta") && i + 5 < n && (is_sp(p[i + 5]) || p[i + 5] == '/')) {
			i += 6;
			char name[32], val[256], charset[40] = "";
			bool got_pragma = false, need_pragma_set = false, need_pragma = false;
			char seen[4][16];
			size_t nseen = 0;
			while (get_attr(p, n, &i, name, sizeof name, val, sizeof val)) {
				bool dup = false;
				for (size_t k = 0; k < nseen; k++)
					if (strcmp(seen[k], name) == 0)
						dup = true;
				if (dup)
					continue;
				if (nseen < 4 && strlen(name) < 16)
					copy(seen[nseen++], sizeof seen[0], name);
				if (strcmp(name, "http-equiv") == 0 && strcmp(val, "content-type") == 0) {
					got_pragma = true;
				} else if (strcmp(name, "content") == 0 && !charset[0]) {
					if (charset_from_content(val, charset, sizeof charset)) {
						need_pragma_set = true;
						need_pragma = true;
					}
				} else if (strcmp(name, "charset") == 0) {
					copy(charset, sizeof charset, val);
					need_pragma_set = true;
					need_pragma = false;
				}
			}
			trim(charset);
			if (!need_pragma_set || !charset[0] || (need_pragma && !got_pragma))
				continue;
			copy(s->meta_label, sizeof s->meta_label, charset);
			s->meta = true;
			static const char *const repl[] = {"csiso2022kr", "hz-gb-2312", "iso-2022-cn", "iso-2022-cn-ext",
							   "iso-2022-kr", "replacement"};
			for (size_t k = 0; k < sizeof repl / sizeof repl[0]; k++)
				if (strcmp(charset, repl[k]) == 0)
					s->meta_replacement = true;
			s->meta_jp = strcmp(charset, "iso-2022-jp") == 0 || strcmp(charset, "csiso2022jp") == 0;
			return;
		} else if (p[i] == '<' && i + 1 < n && (((lc(p[i + 1]) >= 'a' && lc(p[i + 1]) <= 'z')) ||
			   (p[i + 1] == '/' && i + 2 < n && lc(p[i + 2]) >= 'a' && lc(p[i + 2]) <= 'z'))) {
			while (i < n && !is_sp(p[i]) && p[i] != '>')
				i++;
			char name[32], val[256];
			while (get_attr(p, n, &i, name, sizeof name, val, sizeof val))
				;
			if (i < n)
				i++;
		} else if (p[i] == '<' && i + 1 < n && (p[i + 1] == '!' || p[i + 1] == '/' || p[i + 1] == '?')) {
			const uint8_t *e = memchr(p + i, '>', n - i);
			if (!e)
				return;
			i = (size_t)(e - p) + 1;
		} else {
			i++;
		}
	}
}

int cr_utf16_guess(const uint8_t *p, size_t n)
{
	/* ASCII text with a zero byte beside nine characters in ten. */
	size_t pairs = n / 2 < 256 ? n / 2 : 256, le = 0, be = 0;
	for (size_t k = 0; k < pairs; k++) {
		uint8_t a = p[2 * k], b = p[2 * k + 1];
		if (b == 0 && a != 0 && (a >= 0x20 || is_sp(a)) && a < 0x80)
			le++;
		else if (a == 0 && b != 0 && (b >= 0x20 || is_sp(b)) && b < 0x80)
			be++;
	}
	if (pairs < 4)
		return 0;
	if (le * 10 >= pairs * 9)
		return 1;
	if (be * 10 >= pairs * 9)
		return 2;
	return 0;
}

void cr_charset_sniff(const uint8_t *p, size_t n, struct cr_sniff *s)
{
	memset(s, 0, sizeof *s);
	if (n >= 3 && p[0] == 0xEF && p[1] == 0xBB && p[2] == 0xBF) {
		s->bom = true;
		s->bom_enc = CR_ENC_UTF8;
		s->bom_len = 3;
	} else if (n >= 2 && p[0] == 0xFE && p[1] == 0xFF) {
		s->bom = true;
		s->bom_enc = CR_ENC_UTF16BE;
		s->bom_len = 2;
	} else if (n >= 2 && p[0] == 0xFF && p[1] == 0xFE) {
		s->bom = true;
		s->bom_enc = CR_ENC_UTF16LE;
		s->bom_len = 2;
	}
	if (s->bom)
		return;
	prescan(p, n, s);
	int g = cr_utf16_guess(p, n);
	if (g) {
		s->utf16_guess = true;
		s->guess_enc = g == 1 ? CR_ENC_UTF16LE : CR_ENC_UTF16BE;
	}
	for (size_t k = 0; k + 2 < n; k++) {
		const uint8_t *e = memchr(p + k, 0x1B, n - k - 2);
		if (!e)
			break;
		k = (size_t)(e - p);
		if ((e[1] == '$' && (e[2] == '@' || e[2] == 'B')) || (e[1] == '(' && (e[2] == 'J' || e[2] == 'I'))) {
			s->jp_escapes = true;
			break;
		}
	}
}
