/*
 * codec.h - decoders behind one step interface.  A codec turns input
 * bytes into output bytes a step at a time; the driver (decode.c) feeds
 * it from a source, charges every byte it produces to the scan's limits,
 * and stops it at the budget, not at the end of its data.  A new codec
 * (the PDF filters) is one more file with one more descriptor.
 *
 * Each codec caps its own memory before it allocates (zstd's window, the
 * xz memlimit, LZMA1's dictionary), and every step consumes input or
 * produces output, or reports the end or an error: loops over it end.
 */
#ifndef CR_CODEC_H
#define CR_CODEC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define CR_CODEC_MEMLIMIT (256ull << 20)	/* decoder state, not output */

enum cr_step {
	STEP_OK,	/* progress was made, or more input is needed */
	STEP_END,	/* the stream ended */
	STEP_ERR,	/* broken data (*why says how), or ENOMEM (*why == NULL) */
};

struct cr_codec_ops {
	const char *name;
	/* Allocates the decoder state; NULL on ENOMEM. */
	void *(*init)(void);
	/*
	 * Consumes from *in (advancing it, lowering *inlen) and writes at
	 * most *outlen bytes to out (*outlen becomes what was written).
	 * `last` says no input follows what is given.
	 */
	enum cr_step (*step)(void *st, const uint8_t **in, size_t *inlen, uint8_t *out, size_t *outlen, bool last,
			     const char **why);
	/*
	 * After STEP_END with input left: whether another stream follows
	 * (gzip members, concatenated bzip2) and the state was reset for it.
	 * NULL: nothing follows a stream.
	 */
	bool (*again)(void *st, const uint8_t *in, size_t inlen);
	/* Whether running out of input before STEP_END is a normal end (ZIP LZMA without an end marker). */
	bool ends_at_eof;
	void (*end)(void *st);
};

extern const struct cr_codec_ops cr_codec_deflate;	/* raw deflate (ZIP method 8) */
extern const struct cr_codec_ops cr_codec_gzip;		/* gzip members, concatenated */
extern const struct cr_codec_ops cr_codec_zlib;		/* a zlib stream (RFC 1950): PDF FlateDecode */
/* zlib's inflate, the reference the three above are tested against (deflate.c). */
extern const struct cr_codec_ops cr_codec_deflate_zlib;
extern const struct cr_codec_ops cr_codec_gzip_zlib;
extern const struct cr_codec_ops cr_codec_zlib_zlib;
extern const struct cr_codec_ops cr_codec_bzip2;
extern const struct cr_codec_ops cr_codec_xz;
extern const struct cr_codec_ops cr_codec_lzma_zip;	/* ZIP method 14: version, properties, raw LZMA1 */
extern const struct cr_codec_ops cr_codec_zstd;
extern const struct cr_codec_ops cr_codec_lz4;		/* LZ4 frames */

#endif
