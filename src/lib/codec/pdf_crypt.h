/*
 * pdf_crypt.h - the PDF standard security handler with the empty user
 * password (codec/pdf_crypt.c).
 */
#ifndef CR_PDF_CRYPT_H
#define CR_PDF_CRYPT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* What the /Encrypt dictionary and the trailer's /ID say. */
struct cr_pdf_encrypt {
	int v, r, length_bits;
	bool aes;		/* R4 crypt filter /AESV2 */
	bool encrypt_metadata;
	int32_t p;
	uint8_t o[48], u[48], ue[32], id[64];
	size_t ol, ul, uel, idl;
};

enum { PCRYPT_RC4 = 1, PCRYPT_AES128, PCRYPT_AES256 };

struct cr_pdf_crypt {
	int method;
	uint8_t key[32];
	size_t keylen;
};

/* Whether the empty user password opens the document; c gets the file key. */
bool cr_pdf_crypt_open(struct cr_pdf_crypt *c, const struct cr_pdf_encrypt *e);
/* An object's stream or string decrypted (malloc'd), or NULL when it cannot be. */
uint8_t *cr_pdf_crypt_decrypt(const struct cr_pdf_crypt *c, uint32_t num, uint32_t gen, const uint8_t *in, size_t n,
			      size_t *outlen);

#endif
