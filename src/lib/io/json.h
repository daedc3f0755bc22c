/*
 * json.h - a bounded JSON reader (RFC 8259) for the manifests packages
 * carry: npm's package.json, Cargo's .cargo_vcs_info.json.  The whole
 * text becomes a tree; what is read from it is what the ecosystem's own
 * tool would read (npm's JSON.parse: a leading BOM is skipped, the last
 * of two equal keys wins).
 */
#ifndef CR_JSON_H
#define CR_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum cr_jk { J_NULL, J_FALSE, J_TRUE, J_NUM, J_STR, J_ARR, J_OBJ };

struct cr_jv {
	enum cr_jk k;
	char *s;		/* J_STR: the decoded text (UTF-8, NUL-terminated, may hold NUL); J_NUM: the literal */
	size_t slen;
	struct cr_jv *v;	/* J_ARR: the items; J_OBJ: the values */
	char **key;		/* J_OBJ: the keys, decoded like strings */
	size_t *keylen;
	size_t n;
};

#define CR_JSON_MAX_DEPTH 64
#define CR_JSON_MAX_VALUES (1u << 20)

/*
 * Parses p[0, n): NULL when the text is not JSON (one value, blanks
 * around it), nests deeper than CR_JSON_MAX_DEPTH or holds more than
 * CR_JSON_MAX_VALUES values, or on ENOMEM; *why says which.  The caller
 * frees the tree with cr_json_free.
 */
struct cr_jv *cr_json_parse(const uint8_t *p, size_t n, const char **why);
void cr_json_free(struct cr_jv *v);

/* The value of key in obj (the last one when the key repeats), or NULL; NULL when obj is not an object. */
const struct cr_jv *cr_json_get(const struct cr_jv *obj, const char *key);

/* Whether two values are equal as data: objects by key set (last of repeats), arrays in order, numbers by literal. */
bool cr_json_equal(const struct cr_jv *a, const struct cr_jv *b);

#endif
