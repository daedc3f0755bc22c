/*
 * rules/yara.h - the user's YARA rules (rules/yara.c): compiled once per
 * context, matched on every object.
 */
#ifndef CR_RULES_YARA_H
#define CR_RULES_YARA_H

#include <stdbool.h>
#include <stdint.h>

#include "crible.h"

struct cr_scan;
struct cr_obj;
struct cr_yara;

/* Compiles a rule file or a directory of them; on CRIBLE_ERULES, *err gets a malloc'd message. */
crible_err cr_yara_compile(const char *path, struct cr_yara **out, char **err);
void cr_yara_free(struct cr_yara *y);
/*
 * The compiled rules as libyara saves them, in a sealed memory file made
 * once per compile, and the SHA-256 of its bytes: what a scan in a broker
 * worker hands the broker (core/broker.c), which loads them once per
 * digest and forks its workers with them.  -1 when there is none.
 */
int cr_yara_fd(const struct cr_yara *y, uint8_t digest[32]);
/* True when no rules are set, or they can cross to a broker worker (cr_yara_fd has them). */
bool cr_yara_crosses(const struct cr_yara *y);
/* Loads rules saved by cr_yara_fd from fd, if its bytes have that digest. */
crible_err cr_yara_load(int fd, const uint8_t digest[32], struct cr_yara **out);
/* rule.yara for each rule that matches the object (and limit.time past the time left). */
void cr_rules_yara(struct cr_scan *s, const struct cr_obj *o);

#endif
