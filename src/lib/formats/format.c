/* format.c - which walker reads which container type. */
#include "format.h"

bool cr_walkable(enum cr_tid t)
{
	switch (t) {
	case T_ZIP: case T_JAR: case T_APK: case T_DOCX: case T_DOCM: case T_XLSX: case T_XLSM: case T_XLSB:
	case T_PPTX: case T_PPTM: case T_OOXML: case T_ODT: case T_ODS: case T_ODP: case T_ODG: case T_EPUB:
	case T_JMOD:
	case T_TAR: case T_TAR_GNU: case T_TAR_PAX: case T_TAR_V7:
	case T_GZIP: case T_BZIP2: case T_XZ: case T_ZSTD: case T_LZ4: case T_LZIP: case T_COMPRESS:
	case T_RAR4: case T_RAR5:
	case T_7Z: case T_CAB: case T_ISO9660: case T_CPIO: case T_AR: case T_DEB: case T_RPM: case T_XAR:
		return true;
	default:
		return false;
	}
}

void cr_walk(struct cr_scan *s, const struct cr_obj *o, enum cr_tid t, uint64_t start)
{
	if (cr_stopped(s))
		return;
	switch (t) {
	case T_TAR: case T_TAR_GNU: case T_TAR_PAX: case T_TAR_V7:
		cr_walk_tar(s, o, start);
		return;
	case T_GZIP: case T_BZIP2: case T_XZ: case T_ZSTD: case T_LZ4:
		cr_walk_compressed(s, o, t);
		return;
	case T_RAR4: case T_RAR5:
		cr_walk_rar(s, o, start);
		return;
	case T_LZIP: case T_COMPRESS:
	case T_7Z: case T_CAB: case T_ISO9660: case T_CPIO: case T_AR: case T_DEB: case T_RPM: case T_XAR:
		cr_walk_libarchive(s, o, t);
		return;
	default:
		if (cr_type_is_a(t, T_ZIP))
			cr_walk_zip(s, o, start);
		return;
	}
}
