/*
 * decode.c - decompression through the well-kept libraries (zlib, libbz2,
 * liblzma, libzstd, liblz4), with crible's limits applied as bytes come
 * out: a bomb stops at the budget, not at the end of its data.
 *
 * Each decoder's own memory is capped before it allocates: zstd's window
 * (windowLogMax, as zstd itself recommends), xz's memlimit, LZMA1's
 * dictionary.  Every loop consumes input or produces output, or ends.
 */
#include <bzlib.h>
#include <lz4frame.h>
#include <lzma.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>
#include <zstd.h>

#include "format.h"

#define IN_CHUNK (256u * 1024u)
#define OUT_CHUNK (256u * 1024u)
#define MEMLIMIT (256ull << 20)	/* decoder state, not output */

bool cr_src_slice(const struct cr_src *src, uint64_t off, uint64_t len, struct cr_src *out)
{
	if (off > src->size || len > src->size - off)
		return false;
	*out = *src;
	out->size = len;
	if (src->mem)
		out->mem = src->mem + off;
	else
		out->base = src->base + off;
	return true;
}

char *cr_entry_label(const uint8_t *name, size_t len)
{
	if (len > 4096)
		len = 4096;
	size_t n = 0;
	for (size_t i = 0; i < len; i++)
		n += name[i] ? 1 : 2;
	char *s = malloc(n + 1);
	if (!s)
		return NULL;
	size_t k = 0;
	for (size_t i = 0; i < len; i++) {
		if (name[i]) {
			s[k++] = (char)name[i];
		} else {
			s[k++] = '\\';
			s[k++] = '0';
		}
	}
	s[k] = '\0';
	return s;
}

/* Input reader over src[off, off+len): memory directly, else chunks. */
struct input {
	const struct cr_src *src;
	uint64_t pos, end;
	uint8_t *buf;
	const uint8_t *p;
	size_t n;
};

/* Refills when empty; false at the end or on a read error (*err set). */
static bool in_fill(struct input *in, int *err)
{
	if (in->n)
		return true;
	if (in->pos >= in->end)
		return false;
	size_t want = in->end - in->pos < IN_CHUNK ? (size_t)(in->end - in->pos) : IN_CHUNK;
	if (in->src->mem) {
		in->p = in->src->mem + in->pos;
	} else {
		ssize_t r = cr_src_read(in->src, in->pos, in->buf, want);
		if (r != (ssize_t)want) {
			*err = 1;
			return false;
		}
		in->p = in->buf;
	}
	in->n = want;
	in->pos += want;
	return true;
}

static enum cr_dec emit(struct cr_scan *s, struct cr_spool *out, const uint8_t *p, size_t n, uint64_t cap,
			struct cr_ratio *rt, bool *full)
{
	if (cap && out->size + n >= cap) {
		n = (size_t)(cap - out->size);
		*full = true;
	}
	if (n == 0)
		return DEC_OK;
	if (!cr_count_expanded(s, n, rt))
		return DEC_LIMIT;
	if (cr_spool_write(out, p, n) != 0) {
		s->err = CRIBLE_EIO;
		return DEC_ERROR;
	}
	return DEC_OK;
}

enum cr_dec cr_decode(struct cr_scan *s, enum cr_codec c, const struct cr_src *src, uint64_t off, uint64_t len,
		      struct cr_spool *out, uint64_t cap, struct cr_ratio *rt, const char **why)
{
	*why = "";
	if (off > src->size || len > src->size - off) {
		*why = "data runs past the end of the file";
		return DEC_CORRUPT;
	}
	struct input in = {.src = src, .pos = off, .end = off + len};
	uint8_t *obuf = malloc(OUT_CHUNK);
	if (!src->mem)
		in.buf = malloc(IN_CHUNK);
	if (!obuf || (!src->mem && !in.buf)) {
		free(obuf);
		free(in.buf);
		s->err = CRIBLE_ENOMEM;
		return DEC_ERROR;
	}
	enum cr_dec rc = DEC_OK;
	bool full = false;
	int rerr = 0;

	switch (c) {
	case CODEC_STORE:
		while (in_fill(&in, &rerr)) {
			enum cr_dec e = emit(s, out, in.p, in.n, cap, rt, &full);
			if (e != DEC_OK || full) {
				rc = e;
				goto done;
			}
			in.n = 0;
			if (cr_stopped(s)) {
				rc = DEC_LIMIT;
				goto done;
			}
		}
		break;

	case CODEC_DEFLATE:
	case CODEC_GZIP: {
		z_stream z;
		memset(&z, 0, sizeof z);
		if (inflateInit2(&z, c == CODEC_GZIP ? 16 + MAX_WBITS : -MAX_WBITS) != Z_OK) {
			s->err = CRIBLE_ENOMEM;
			rc = DEC_ERROR;
			goto done;
		}
		int zr = Z_OK;
		for (;;) {
			if (!in.n && !in_fill(&in, &rerr))
				break;
			z.next_in = (Bytef *)in.p;
			z.avail_in = (uInt)in.n;
			z.next_out = obuf;
			z.avail_out = OUT_CHUNK;
			zr = inflate(&z, Z_NO_FLUSH);
			size_t used = in.n - z.avail_in;
			in.p += used;
			in.n -= used;
			size_t made = OUT_CHUNK - z.avail_out;
			if (made) {
				enum cr_dec e = emit(s, out, obuf, made, cap, rt, &full);
				if (e != DEC_OK || full) {
					rc = e;
					break;
				}
			}
			if (zr == Z_STREAM_END) {
				/* gzip: another member may follow (gzip -d reads them all). */
				if (c == CODEC_GZIP && (in.n || in_fill(&in, &rerr)) && in.n >= 2 && in.p[0] == 0x1f &&
				    in.p[1] == 0x8b) {
					inflateReset(&z);
					continue;
				}
				break;
			}
			if (zr != Z_OK && zr != Z_BUF_ERROR) {
				*why = z.msg ? z.msg : "invalid compressed data";
				rc = DEC_CORRUPT;
				break;
			}
			if (!used && !made) {
				zr = Z_BUF_ERROR;	/* no progress: truncated */
				if (!in.n && in.pos >= in.end)
					break;
			}
			if (cr_stopped(s)) {
				rc = DEC_LIMIT;
				break;
			}
		}
		inflateEnd(&z);
		if (rc == DEC_OK && !full && zr != Z_STREAM_END && !rerr) {
			*why = "compressed data ends early";
			rc = DEC_CORRUPT;
		}
		break;
	}

	case CODEC_BZIP2: {
		bz_stream b;
		memset(&b, 0, sizeof b);
		if (BZ2_bzDecompressInit(&b, 0, 0) != BZ_OK) {
			s->err = CRIBLE_ENOMEM;
			rc = DEC_ERROR;
			goto done;
		}
		int br = BZ_OK;
		for (;;) {
			if (!in.n && !in_fill(&in, &rerr))
				break;
			b.next_in = (char *)in.p;
			b.avail_in = (unsigned)in.n;
			b.next_out = (char *)obuf;
			b.avail_out = OUT_CHUNK;
			br = BZ2_bzDecompress(&b);
			size_t used = in.n - b.avail_in;
			in.p += used;
			in.n -= used;
			size_t made = OUT_CHUNK - b.avail_out;
			if (made) {
				enum cr_dec e = emit(s, out, obuf, made, cap, rt, &full);
				if (e != DEC_OK || full) {
					rc = e;
					break;
				}
			}
			if (br == BZ_STREAM_END) {
				/* Concatenated streams, as bzip2 -d reads them. */
				if ((in.n || in_fill(&in, &rerr)) && in.n >= 3 && !memcmp(in.p, "BZh", 3)) {
					BZ2_bzDecompressEnd(&b);
					memset(&b, 0, sizeof b);
					if (BZ2_bzDecompressInit(&b, 0, 0) != BZ_OK) {
						s->err = CRIBLE_ENOMEM;
						rc = DEC_ERROR;
						goto done;
					}
					continue;
				}
				break;
			}
			if (br != BZ_OK) {
				*why = "invalid bzip2 data";
				rc = DEC_CORRUPT;
				break;
			}
			if (!used && !made && !in.n && in.pos >= in.end)
				break;
			if (cr_stopped(s)) {
				rc = DEC_LIMIT;
				break;
			}
		}
		BZ2_bzDecompressEnd(&b);
		if (rc == DEC_OK && !full && br != BZ_STREAM_END && !rerr) {
			*why = "bzip2 data ends early";
			rc = DEC_CORRUPT;
		}
		break;
	}

	case CODEC_XZ:
	case CODEC_LZMA_ZIP: {
		lzma_stream x = LZMA_STREAM_INIT;
		lzma_ret lr;
		if (c == CODEC_XZ) {
			lr = lzma_stream_decoder(&x, MEMLIMIT, LZMA_CONCATENATED);
		} else {
			/* ZIP LZMA: version (2), properties size (2), properties, then raw LZMA1. */
			uint8_t hdr[9];
			if (len < 9 || cr_src_read(src, off, hdr, 9) != 9 || hdr[2] != 5 || hdr[3] != 0) {
				*why = "bad LZMA header";
				rc = DEC_CORRUPT;
				goto done;
			}
			lzma_filter f[2] = {{.id = LZMA_FILTER_LZMA1, .options = NULL}, {.id = LZMA_VLI_UNKNOWN}};
			if (lzma_properties_decode(&f[0], NULL, hdr + 4, 5) != LZMA_OK) {
				*why = "bad LZMA properties";
				rc = DEC_CORRUPT;
				goto done;
			}
			if (lzma_raw_decoder_memusage(f) > MEMLIMIT) {
				free(f[0].options);
				*why = "LZMA dictionary larger than the decoder limit";
				rc = DEC_CORRUPT;
				goto done;
			}
			lr = lzma_raw_decoder(&x, f);
			free(f[0].options);
			in.pos += 9;
		}
		if (lr != LZMA_OK) {
			s->err = CRIBLE_ENOMEM;
			rc = DEC_ERROR;
			goto done;
		}
		for (;;) {
			lzma_action act = LZMA_RUN;
			if (!in.n && !in_fill(&in, &rerr))
				act = LZMA_FINISH;
			x.next_in = in.p;
			x.avail_in = in.n;
			x.next_out = obuf;
			x.avail_out = OUT_CHUNK;
			lr = lzma_code(&x, act);
			size_t used = in.n - x.avail_in;
			in.p += used;
			in.n -= used;
			size_t made = OUT_CHUNK - x.avail_out;
			if (made) {
				enum cr_dec e = emit(s, out, obuf, made, cap, rt, &full);
				if (e != DEC_OK || full) {
					rc = e;
					break;
				}
			}
			if (lr == LZMA_STREAM_END)
				break;
			if (lr != LZMA_OK) {
				*why = lr == LZMA_MEMLIMIT_ERROR ? "xz stream needs more memory than the decoder limit"
				       : lr == LZMA_BUF_ERROR	 ? "xz data ends early"
								 : "invalid xz/LZMA data";
				/* ZIP LZMA without an end marker ends exactly at the data's end. */
				if (c == CODEC_LZMA_ZIP && lr == LZMA_BUF_ERROR)
					lr = LZMA_STREAM_END;
				else
					rc = DEC_CORRUPT;
				break;
			}
			if (act == LZMA_FINISH && !made) {
				if (c == CODEC_LZMA_ZIP) {
					lr = LZMA_STREAM_END;
				} else {
					*why = "xz data ends early";
					rc = DEC_CORRUPT;
				}
				break;
			}
			if (cr_stopped(s)) {
				rc = DEC_LIMIT;
				break;
			}
		}
		lzma_end(&x);
		break;
	}

	case CODEC_ZSTD: {
		ZSTD_DStream *z = ZSTD_createDStream();
		if (!z) {
			s->err = CRIBLE_ENOMEM;
			rc = DEC_ERROR;
			goto done;
		}
		/* Limits before allocation: a frame may ask for a 2 GiB window. */
		ZSTD_DCtx_setParameter(z, ZSTD_d_windowLogMax, 27);
		size_t zr = 1;
		for (;;) {
			if (!in.n && !in_fill(&in, &rerr))
				break;
			ZSTD_inBuffer ib = {in.p, in.n, 0};
			ZSTD_outBuffer ob = {obuf, OUT_CHUNK, 0};
			zr = ZSTD_decompressStream(z, &ob, &ib);
			in.p += ib.pos;
			in.n -= ib.pos;
			if (ZSTD_isError(zr)) {
				*why = ZSTD_getErrorName(zr);
				rc = DEC_CORRUPT;
				break;
			}
			if (ob.pos) {
				enum cr_dec e = emit(s, out, obuf, ob.pos, cap, rt, &full);
				if (e != DEC_OK || full) {
					rc = e;
					break;
				}
			}
			if (!ib.pos && !ob.pos && !in.n && in.pos >= in.end)
				break;
			if (cr_stopped(s)) {
				rc = DEC_LIMIT;
				break;
			}
		}
		/* Drain what the decoder still holds. */
		while (rc == DEC_OK && !full && zr > 0 && !ZSTD_isError(zr)) {
			ZSTD_inBuffer ib = {NULL, 0, 0};
			ZSTD_outBuffer ob = {obuf, OUT_CHUNK, 0};
			zr = ZSTD_decompressStream(z, &ob, &ib);
			if (ZSTD_isError(zr) || !ob.pos)
				break;
			enum cr_dec e = emit(s, out, obuf, ob.pos, cap, rt, &full);
			if (e != DEC_OK)
				rc = e;
		}
		ZSTD_freeDStream(z);
		if (rc == DEC_OK && !full && zr != 0 && !rerr) {
			*why = "zstd data ends early";
			rc = DEC_CORRUPT;
		}
		break;
	}

	case CODEC_LZ4: {
		LZ4F_dctx *d;
		if (LZ4F_isError(LZ4F_createDecompressionContext(&d, LZ4F_VERSION))) {
			s->err = CRIBLE_ENOMEM;
			rc = DEC_ERROR;
			goto done;
		}
		size_t lr = 1;
		for (;;) {
			if (!in.n && !in_fill(&in, &rerr))
				break;
			size_t insz = in.n, outsz = OUT_CHUNK;
			lr = LZ4F_decompress(d, obuf, &outsz, in.p, &insz, NULL);
			in.p += insz;
			in.n -= insz;
			if (LZ4F_isError(lr)) {
				*why = LZ4F_getErrorName(lr);
				rc = DEC_CORRUPT;
				break;
			}
			if (outsz) {
				enum cr_dec e = emit(s, out, obuf, outsz, cap, rt, &full);
				if (e != DEC_OK || full) {
					rc = e;
					break;
				}
			}
			if (!insz && !outsz && !in.n && in.pos >= in.end)
				break;
			if (cr_stopped(s)) {
				rc = DEC_LIMIT;
				break;
			}
		}
		LZ4F_freeDecompressionContext(d);
		if (rc == DEC_OK && !full && lr != 0 && !rerr) {
			*why = "lz4 data ends early";
			rc = DEC_CORRUPT;
		}
		break;
	}
	}
done:
	if (rerr && rc == DEC_OK) {
		*why = "read error";
		rc = DEC_CORRUPT;
	}
	free(obuf);
	free(in.buf);
	return rc;
}
