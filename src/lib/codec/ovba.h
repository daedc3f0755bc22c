/*
 * ovba.h - MS-OVBA compression (VBA projects: the dir stream and module
 * source).  The streams are small and read whole, so this is a one-shot
 * decoder with an output cap, not a step codec.
 */
#ifndef CR_OVBA_H
#define CR_OVBA_H

#include <stddef.h>
#include <stdint.h>

enum cr_ovba {
	OVBA_OK,	/* the whole container */
	OVBA_CAPPED,	/* stopped at cap: out holds the first cap bytes */
	OVBA_BROKEN,	/* not a container, or a token no reader can follow: out holds what came before */
};

/* Decompresses in[0, n) into out (cap bytes); the bytes written, and how it ended in *res. */
size_t cr_ovba_decompress(const uint8_t *in, size_t n, uint8_t *out, size_t cap, enum cr_ovba *res);

#endif
