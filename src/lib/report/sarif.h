/* sarif.h - the SARIF 2.1.0 pieces crible_result_render and crible_error_render use (sarif.c). */
#ifndef CR_SARIF_H
#define CR_SARIF_H

#include "../core/scan.h"
#include "buf.h"

/* The input's results, one per finding, joined with ",\n"; nothing when there are no findings. */
void cr_sarif_results(struct cr_buf *b, const crible_result *r, const char *path);
/* A toolExecutionNotification for an input that could not be judged. */
void cr_sarif_error(struct cr_buf *b, const char *path, const char *msg);

#endif
