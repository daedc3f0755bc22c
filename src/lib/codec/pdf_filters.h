/*
 * pdf_filters.h - the PDF stream filters (ISO 32000 7.4): FlateDecode,
 * LZWDecode, ASCIIHexDecode, ASCII85Decode, RunLengthDecode, and the PNG
 * and TIFF predictors.  Streams are decoded whole, into memory, with an
 * output cap: a PDF's streams are what its objects are made of.
 */
#ifndef CR_PDF_FILTERS_H
#define CR_PDF_FILTERS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum cr_pdf_filter { PF_NONE, PF_FLATE, PF_LZW, PF_AHX, PF_A85, PF_RL, PF_UNSUPPORTED };

struct cr_pdf_parms {
	int predictor;		/* 1: none, 2: TIFF, 10-15: PNG */
	int colors, bpc, columns;
	int early;		/* LZW EarlyChange, 1 by default */
};

/* The filter a name denotes (long and abbreviated forms). */
enum cr_pdf_filter cr_pdf_filter_named(const char *name);

enum cr_pdf_dec { PDEC_OK, PDEC_CAPPED, PDEC_BROKEN, PDEC_NOMEM };

/*
 * Decodes in[0, n) through one filter into *out (malloc'd, *outlen bytes,
 * at most cap).  What was decoded before a break or the cap is kept.
 */
enum cr_pdf_dec cr_pdf_decode(enum cr_pdf_filter f, const struct cr_pdf_parms *pp, const uint8_t *in, size_t n,
			      size_t cap, uint8_t **out, size_t *outlen);

#endif
