/*
 * pdf_crypt.c - the PDF standard security handler (ISO 32000-2 7.6.4),
 * for the one password everybody knows: the empty user password.
 *
 * A PDF encrypted with an empty user password opens in every viewer
 * without a prompt, so what it does is as visible to the viewer as in a
 * plain file: crible decrypts it and reads it the same way.
 *
 *  - R2-R4 (RC4 40-128 bits, AES-128): the file key is MD5 of the padded
 *    password, /O, /P, the first /ID string (and FFFFFFFF when metadata
 *    is not encrypted, R4), rehashed 50 times from R3; the empty password
 *    is right when /U is RC4 of the padding (R2), or RC4 of MD5(padding,
 *    ID) under the key and 19 variations of it (R3, R4), in its first 16
 *    bytes.  Each object's key is MD5 of the file key, the object number
 *    (3 bytes) and generation (2 bytes), and "sAlT" for AES;
 *  - R6 (AES-256): the hash of algorithm 2.B over the empty password and
 *    /U's validation salt must equal /U's first 32 bytes; the key salt's
 *    hash decrypts /UE into the file key, used as is for every object.
 *
 * RC4 is written out here: OpenSSL 3 keeps it in the legacy provider.
 */
#include "pdf_crypt.h"

#include <openssl/evp.h>
#include <stdlib.h>
#include <string.h>

static const uint8_t pad[32] = {0x28, 0xBF, 0x4E, 0x5E, 0x4E, 0x75, 0x8A, 0x41, 0x64, 0x00, 0x4E,
				0x56, 0xFF, 0xFA, 0x01, 0x08, 0x2E, 0x2E, 0x00, 0xB6, 0xD0, 0x68,
				0x3E, 0x80, 0x2F, 0x0C, 0xA9, 0xFE, 0x64, 0x53, 0x69, 0x7A};

static void rc4(const uint8_t *key, size_t kl, const uint8_t *in, uint8_t *out, size_t n)
{
	uint8_t s[256];
	for (int i = 0; i < 256; i++)
		s[i] = (uint8_t)i;
	for (int i = 0, j = 0; i < 256; i++) {
		j = (j + s[i] + key[i % kl]) & 255;
		uint8_t t = s[i];
		s[i] = s[j];
		s[j] = t;
	}
	for (size_t k = 0, i = 0, j = 0; k < n; k++) {
		i = (i + 1) & 255;
		j = (j + s[i]) & 255;
		uint8_t t = s[i];
		s[i] = s[j];
		s[j] = t;
		out[k] = in[k] ^ s[(s[i] + s[j]) & 255];
	}
}

static bool digest(const EVP_MD *md, const void *a, size_t an, const void *b, size_t bn, const void *c, size_t cn,
		   uint8_t *out)
{
	EVP_MD_CTX *x = EVP_MD_CTX_new();
	unsigned ol;
	bool ok = x && EVP_DigestInit_ex(x, md, NULL) && EVP_DigestUpdate(x, a, an) && (!bn || EVP_DigestUpdate(x, b, bn)) &&
		  (!cn || EVP_DigestUpdate(x, c, cn)) && EVP_DigestFinal_ex(x, out, &ol);
	EVP_MD_CTX_free(x);
	return ok;
}

static bool aes_cbc(bool decrypt, int bits, const uint8_t *key, const uint8_t *iv, const uint8_t *in, size_t n,
		    uint8_t *out, size_t *outlen, bool padding)
{
	EVP_CIPHER_CTX *c = EVP_CIPHER_CTX_new();
	int l1 = 0, l2 = 0;
	bool ok = c && EVP_CipherInit_ex(c, bits == 128 ? EVP_aes_128_cbc() : EVP_aes_256_cbc(), NULL, key, iv, decrypt ? 0 : 1);
	if (ok)
		EVP_CIPHER_CTX_set_padding(c, padding);
	ok = ok && EVP_CipherUpdate(c, out, &l1, in, (int)n) && EVP_CipherFinal_ex(c, out + l1, &l2);
	EVP_CIPHER_CTX_free(c);
	*outlen = (size_t)l1 + (size_t)l2;
	return ok;
}

/* Algorithm 2.B (R6): the hash of the empty password with a salt (and no /U for the user's). */
static bool hash_2b(const uint8_t *salt, uint8_t out[32])
{
	uint8_t k[64];
	if (!digest(EVP_sha256(), salt, 8, NULL, 0, NULL, 0, k))
		return false;
	size_t kl = 32;
	uint8_t k1[64 * 64], e[64 * 64 + 16];
	for (int round = 0;; round++) {
		/* K1: 64 repetitions of password (empty) + K */
		size_t k1l = 0;
		for (int i = 0; i < 64; i++) {
			memcpy(k1 + k1l, k, kl);
			k1l += kl;
		}
		size_t el;
		if (!aes_cbc(false, 128, k, k + 16, k1, k1l, e, &el, false))
			return false;
		unsigned sum = 0;
		for (int i = 0; i < 16; i++)
			sum += e[i];
		const EVP_MD *md = sum % 3 == 0 ? EVP_sha256() : sum % 3 == 1 ? EVP_sha384() : EVP_sha512();
		if (!digest(md, e, el, NULL, 0, NULL, 0, k))
			return false;
		kl = sum % 3 == 0 ? 32 : sum % 3 == 1 ? 48 : 64;
		if (round >= 63 && e[el - 1] <= (unsigned)(round - 31))
			break;
	}
	memcpy(out, k, 32);
	return true;
}

bool cr_pdf_crypt_open(struct cr_pdf_crypt *c, const struct cr_pdf_encrypt *e)
{
	memset(c, 0, sizeof *c);
	if (e->r >= 5) {
		if (e->ul < 48 || e->uel < 32)
			return false;
		uint8_t h[32];
		if (!hash_2b(e->u + 32, h) || memcmp(h, e->u, 32) != 0)
			return false;
		uint8_t ik[32], iv[16] = {0};
		size_t kl;
		if (!hash_2b(e->u + 40, ik) || !aes_cbc(true, 256, ik, iv, e->ue, 32, c->key, &kl, false) || kl != 32)
			return false;
		c->keylen = 32;
		c->method = PCRYPT_AES256;
		return true;
	}
	if (e->r < 2 || e->ol < 32 || e->ul < 16)
		return false;
	size_t n = e->r == 2 ? 5 : (size_t)(e->length_bits / 8);
	if (n < 5 || n > 16)
		n = e->r == 2 ? 5 : 16;
	uint8_t p4[4] = {(uint8_t)e->p, (uint8_t)(e->p >> 8), (uint8_t)(e->p >> 16), (uint8_t)(e->p >> 24)};
	uint8_t h[16];
	EVP_MD_CTX *x = EVP_MD_CTX_new();
	unsigned hl;
	static const uint8_t ff[4] = {0xff, 0xff, 0xff, 0xff};
	bool ok = x && EVP_DigestInit_ex(x, EVP_md5(), NULL) && EVP_DigestUpdate(x, pad, 32) &&
		  EVP_DigestUpdate(x, e->o, 32) && EVP_DigestUpdate(x, p4, 4) && EVP_DigestUpdate(x, e->id, e->idl) &&
		  (e->r < 4 || e->encrypt_metadata || EVP_DigestUpdate(x, ff, 4)) && EVP_DigestFinal_ex(x, h, &hl);
	EVP_MD_CTX_free(x);
	if (!ok)
		return false;
	if (e->r >= 3)
		for (int i = 0; i < 50; i++)
			if (!digest(EVP_md5(), h, n, NULL, 0, NULL, 0, h))
				return false;
	memcpy(c->key, h, n);
	c->keylen = n;
	uint8_t check[32];
	if (e->r == 2) {
		rc4(c->key, n, pad, check, 32);
		if (memcmp(check, e->u, 16) != 0)
			return false;
	} else {
		uint8_t m[16];
		if (!digest(EVP_md5(), pad, 32, e->id, e->idl, NULL, 0, m))
			return false;
		rc4(c->key, n, m, check, 16);
		for (int i = 1; i <= 19; i++) {
			uint8_t k2[16];
			for (size_t j = 0; j < n; j++)
				k2[j] = (uint8_t)(c->key[j] ^ i);
			rc4(k2, n, check, check, 16);
		}
		if (memcmp(check, e->u, 16) != 0)
			return false;
	}
	c->method = e->aes ? PCRYPT_AES128 : PCRYPT_RC4;
	return true;
}

uint8_t *cr_pdf_crypt_decrypt(const struct cr_pdf_crypt *c, uint32_t num, uint32_t gen, const uint8_t *in, size_t n,
			      size_t *outlen)
{
	*outlen = 0;
	uint8_t key[32];
	size_t kl = c->keylen;
	if (c->method == PCRYPT_AES256) {
		memcpy(key, c->key, 32);
	} else {
		uint8_t t[32 + 9];
		memcpy(t, c->key, c->keylen);
		size_t tl = c->keylen;
		t[tl++] = (uint8_t)num;
		t[tl++] = (uint8_t)(num >> 8);
		t[tl++] = (uint8_t)(num >> 16);
		t[tl++] = (uint8_t)gen;
		t[tl++] = (uint8_t)(gen >> 8);
		if (c->method == PCRYPT_AES128) {
			memcpy(t + tl, "sAlT", 4);
			tl += 4;
		}
		uint8_t h[16];
		if (!digest(EVP_md5(), t, tl, NULL, 0, NULL, 0, h))
			return NULL;
		kl = c->keylen + 5 < 16 ? c->keylen + 5 : 16;
		memcpy(key, h, kl);
	}
	uint8_t *out = malloc(n ? n : 1);
	if (!out)
		return NULL;
	if (c->method == PCRYPT_RC4) {
		rc4(key, kl, in, out, n);
		*outlen = n;
		return out;
	}
	/* AES: a 16-byte IV, then CBC with PKCS#5 padding. */
	if (n < 32 || (n - 16) % 16) {
		free(out);
		return NULL;
	}
	if (!aes_cbc(true, c->method == PCRYPT_AES256 ? 256 : 128, key, in, in + 16, n - 16, out, outlen, true)) {
		free(out);
		return NULL;
	}
	return out;
}
