/*
 * pipeline.h - a large compressed stream's TAR walked while the stream
 * is still being decoded on another core, with the findings, order and
 * verdict of the walk after the decoder (pipeline.c).
 */
#ifndef CR_PIPELINE_H
#define CR_PIPELINE_H

#include "../formats/format.h"

/*
 * Decodes the stream the walk w is on (codec c) into sp, as cr_decode
 * does, with the same result, findings and spending.  When the stream is
 * large, a helper core is there and the decoded bytes start as a TAR,
 * the decoding runs on the helper and this thread walks the TAR as it
 * grows, into `ahead`, for the entry e the caller reports next: the
 * caller sets s->prepared to it around that cr_entry() (when ahead->res
 * is not NULL), and calls cr_pipeline_done() after.
 */
enum cr_dec cr_pipeline_decode(struct cr_walk *w, const struct cr_entry *e, enum cr_codec c, struct cr_spool *sp,
			       const char **why, struct cr_prepared *ahead);

/* Frees what the walk ahead holds, taken or not. */
void cr_pipeline_done(struct cr_prepared *ahead);

#endif
