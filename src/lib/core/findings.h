/*
 * findings.h - the finding ids of the public contract
 * (shared/spec/findings.md), their default severities, and how a scan
 * records them.
 */
#ifndef CR_FINDINGS_H
#define CR_FINDINGS_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include "crible.h"

enum cr_fid {
	F_PATH_TRAVERSAL, F_PATH_ABSOLUTE, F_PATH_ADS, F_PATH_DEVICE, F_PATH_TRAILING, F_PATH_BESTFIT,
	F_PATH_CONTROL, F_PATH_BIDI, F_PATH_ENCODING, F_PATH_LONG, F_PATH_COLLISION,
	F_LINK_ESCAPE, F_LINK_THROUGH, F_ENTRY_SPECIAL, F_ENTRY_SETID, F_STREAM_NTFS,
	F_ZIP_NAME_MISMATCH, F_ZIP_OVERLAP,
	F_CONTAINER_PREPENDED, F_CONTAINER_TRAILING, F_CONTAINER_ENCRYPTED, F_CONTAINER_WEAK_CRYPTO,
	F_CONTAINER_CORRUPT, F_CONTAINER_UNINSPECTED,
	F_BOMB_RATIO, F_BOMB_SIZE, F_BOMB_DEPTH, F_BOMB_COUNT, F_LIMIT_TIME, F_LIMIT_SIZE, F_BOMB_XML,
	F_LIMIT_FINDINGS,
	F_TYPE_DISALLOWED, F_TYPE_MISMATCH, F_TYPE_POLYGLOT,
	F_EXEC_NATIVE, F_EXEC_SCRIPT, F_EXEC_SHORTCUT,
	F_DOC_MACRO, F_DOC_DDE, F_DOC_PDF_ACTIVE, F_DOC_EXTERNAL_REF, F_DOC_EMBEDDED, F_HTML_SCRIPT,
	F_HTML_SMUGGLING, F_SIG_EICAR, F_RULE_YARA,
	F_NIDS
};

/* Each id's default severity and description (findings.c; public as crible_finding_at). */
extern const crible_finding_info cr_fdefs[F_NIDS];

/* The id for a name like "type.mismatch", or F_NIDS. */
enum cr_fid cr_fid_lookup(const char *name, size_t len);

#endif
