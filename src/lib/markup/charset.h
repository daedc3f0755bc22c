/*
 * charset.h - bytes to code points, as a browser decodes a page.
 *
 * Which encoding a browser uses (HTML standard §13.2.3): a BOM first,
 * then what the transport says (nothing, for a file), then the <meta>
 * prescan of the first 1024 bytes, then the browser's own guess.  For
 * finding markup, every ASCII-compatible encoding (UTF-8, windows-1252,
 * Shift_JIS, GBK, Big5, EUC-*) reads the same: their decoders never
 * swallow a byte below 0x80, so '<', '"', '=' and the letters of a tag
 * are where the bytes put them.  What changes markup is UTF-16 and
 * ISO-2022-JP, whose escapes switch to two-byte characters that can
 * swallow a quote.  Those are the decoders here; the caller runs a
 * reading for each encoding a browser could pick (rules/html.c).
 */
#ifndef CR_CHARSET_H
#define CR_CHARSET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum cr_enc {
	CR_ENC_UTF8,		/* and every ASCII-compatible encoding, for markup */
	CR_ENC_UTF16LE,
	CR_ENC_UTF16BE,
	CR_ENC_ISO2022JP,
};

struct cr_dec {
	enum cr_enc enc;
	/* UTF-8: code point, bytes needed and seen, bounds of the next byte */
	uint32_t cp;
	uint8_t need, seen, lower, upper;
	/* UTF-16: a pending lead byte and lead surrogate */
	int lead_byte;
	uint32_t lead_surr;
	/* ISO-2022-JP */
	uint8_t jst, jout, jlead;
	bool jflag;
};

void cr_dec_init(struct cr_dec *d, enum cr_enc e);
/* Decodes n bytes; out has room for 3 * n + 4 code points.  Returns how many. */
size_t cr_dec_run(struct cr_dec *d, const uint8_t *p, size_t n, uint32_t *out);
/* Whether n bytes are ASCII and no sequence is pending: the UTF-8 decoder would pass them as they are. */
bool cr_dec_ascii(const struct cr_dec *d, const uint8_t *p, size_t n);
/* The UTF-8 decoder, giving valid UTF-8 (an error is EF BF BD); out has room for 3 * n bytes. */
size_t cr_dec_utf8(struct cr_dec *d, const uint8_t *p, size_t n, uint8_t *out);
/* End of input: what an unfinished sequence becomes (room for 2). */
size_t cr_dec_end(struct cr_dec *d, uint32_t *out);
const char *cr_enc_name(enum cr_enc e);

/* What the first bytes say about the encoding. */
struct cr_sniff {
	bool bom;		/* a BOM decides: bom_enc, and nothing else is read */
	enum cr_enc bom_enc;
	size_t bom_len;
	bool meta;		/* the <meta> prescan found a label */
	char meta_label[40];
	bool meta_replacement;	/* ISO-2022-KR, HZ and the like: the page decodes to one U+FFFD */
	bool meta_jp;		/* ISO-2022-JP */
	bool utf16_guess;	/* no BOM, but the bytes are UTF-16 text */
	enum cr_enc guess_enc;
	bool jp_escapes;	/* ISO-2022-JP escape sequences occur */
};

/* UTF-16 without a BOM, as the bytes say: 0 no, 1 little-endian, 2 big-endian. */
int cr_utf16_guess(const uint8_t *p, size_t n);

/* Reads the first n bytes (the prescan looks at 1024 of them). */
void cr_charset_sniff(const uint8_t *p, size_t n, struct cr_sniff *s);

#endif
