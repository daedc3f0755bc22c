/* findings.c - the id table.  Ids never change meaning once shipped. */
#include "findings.h"

#include <string.h>

const struct cr_fdef cr_fdefs[F_NIDS] = {
	[F_PATH_TRAVERSAL] = {"path.traversal", CRIBLE_SEV_HIGH},
	[F_PATH_ABSOLUTE] = {"path.absolute", CRIBLE_SEV_HIGH},
	[F_PATH_ADS] = {"path.ads", CRIBLE_SEV_HIGH},
	[F_PATH_DEVICE] = {"path.device", CRIBLE_SEV_HIGH},
	[F_PATH_TRAILING] = {"path.trailing", CRIBLE_SEV_HIGH},
	[F_PATH_BESTFIT] = {"path.bestfit", CRIBLE_SEV_HIGH},
	[F_PATH_CONTROL] = {"path.control", CRIBLE_SEV_HIGH},
	[F_PATH_BIDI] = {"path.bidi", CRIBLE_SEV_HIGH},
	[F_PATH_ENCODING] = {"path.encoding", CRIBLE_SEV_MEDIUM},
	[F_PATH_LONG] = {"path.long", CRIBLE_SEV_MEDIUM},
	[F_PATH_COLLISION] = {"path.collision", CRIBLE_SEV_MEDIUM},
	[F_LINK_ESCAPE] = {"link.escape", CRIBLE_SEV_HIGH},
	[F_LINK_THROUGH] = {"link.through", CRIBLE_SEV_HIGH},
	[F_ENTRY_SPECIAL] = {"entry.special", CRIBLE_SEV_HIGH},
	[F_ENTRY_SETID] = {"entry.setid", CRIBLE_SEV_HIGH},
	[F_STREAM_NTFS] = {"stream.ntfs", CRIBLE_SEV_LOW},
	[F_ZIP_NAME_MISMATCH] = {"zip.name-mismatch", CRIBLE_SEV_HIGH},
	[F_ZIP_OVERLAP] = {"zip.overlap", CRIBLE_SEV_HIGH},
	[F_CONTAINER_PREPENDED] = {"container.prepended", CRIBLE_SEV_MEDIUM},
	[F_CONTAINER_TRAILING] = {"container.trailing", CRIBLE_SEV_LOW},
	[F_CONTAINER_ENCRYPTED] = {"container.encrypted", CRIBLE_SEV_MEDIUM},
	[F_CONTAINER_WEAK_CRYPTO] = {"container.weak-crypto", CRIBLE_SEV_MEDIUM},
	[F_CONTAINER_CORRUPT] = {"container.corrupt", CRIBLE_SEV_MEDIUM},
	[F_CONTAINER_UNINSPECTED] = {"container.uninspected", CRIBLE_SEV_HIGH},
	[F_BOMB_RATIO] = {"bomb.ratio", CRIBLE_SEV_HIGH},
	[F_BOMB_SIZE] = {"bomb.size", CRIBLE_SEV_HIGH},
	[F_BOMB_DEPTH] = {"bomb.depth", CRIBLE_SEV_HIGH},
	[F_BOMB_COUNT] = {"bomb.count", CRIBLE_SEV_HIGH},
	[F_LIMIT_TIME] = {"limit.time", CRIBLE_SEV_HIGH},
	[F_LIMIT_SIZE] = {"limit.size", CRIBLE_SEV_MEDIUM},
	[F_BOMB_XML] = {"bomb.xml", CRIBLE_SEV_HIGH},
	[F_LIMIT_FINDINGS] = {"limit.findings", CRIBLE_SEV_HIGH},
	[F_TYPE_DISALLOWED] = {"type.disallowed", CRIBLE_SEV_HIGH},
	/* type.mismatch: high or low per finding (see rules/type.c); a policy may pin it. */
	[F_TYPE_MISMATCH] = {"type.mismatch", CRIBLE_SEV_HIGH},
	[F_TYPE_POLYGLOT] = {"type.polyglot", CRIBLE_SEV_MEDIUM},
	[F_EXEC_NATIVE] = {"exec.native", CRIBLE_SEV_HIGH},
	[F_EXEC_SCRIPT] = {"exec.script", CRIBLE_SEV_HIGH},
	[F_EXEC_SHORTCUT] = {"exec.shortcut", CRIBLE_SEV_HIGH},
	[F_DOC_MACRO] = {"doc.macro", CRIBLE_SEV_HIGH},
	[F_DOC_DDE] = {"doc.dde", CRIBLE_SEV_HIGH},
	[F_DOC_PDF_ACTIVE] = {"doc.pdf-active", CRIBLE_SEV_HIGH},
	[F_DOC_EXTERNAL_REF] = {"doc.external-ref", CRIBLE_SEV_HIGH},
	/* doc.embedded: low, high per finding when the object activates itself (formats decide). */
	[F_DOC_EMBEDDED] = {"doc.embedded", CRIBLE_SEV_LOW},
	[F_HTML_SCRIPT] = {"html.script", CRIBLE_SEV_HIGH},
	[F_HTML_SMUGGLING] = {"html.smuggling", CRIBLE_SEV_MEDIUM},
	[F_SIG_EICAR] = {"sig.eicar", CRIBLE_SEV_HIGH},
	[F_RULE_YARA] = {"rule.yara", CRIBLE_SEV_HIGH},
};

enum cr_fid cr_fid_lookup(const char *name, size_t len)
{
	for (int i = 0; i < F_NIDS; i++)
		if (strlen(cr_fdefs[i].id) == len && memcmp(cr_fdefs[i].id, name, len) == 0)
			return (enum cr_fid)i;
	return F_NIDS;
}
