/*
 * rules/yara.h - the user's YARA rules (rules/yara.c): compiled once per
 * context, matched on every object.
 */
#ifndef CR_RULES_YARA_H
#define CR_RULES_YARA_H

#include "crible.h"

struct cr_scan;
struct cr_obj;
struct cr_yara;

/* Compiles a rule file or a directory of them; on CRIBLE_ERULES, *err gets a malloc'd message. */
crible_err cr_yara_compile(const char *path, struct cr_yara **out, char **err);
void cr_yara_free(struct cr_yara *y);
/* rule.yara for each rule that matches the object (and limit.time past the time left). */
void cr_rules_yara(struct cr_scan *s, const struct cr_obj *o);

#endif
