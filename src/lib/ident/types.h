/*
 * types.h - every content type crible names, with its MIME name, class
 * and the extensions that claim it.
 *
 * A type may have a parent (a DOCX is a ZIP, a CSV is text, a .deb is an
 * ar archive).  Lineage decides whether a claim and the bytes agree: a
 * DOCX named .zip is not a mismatch, a PE named .pdf is.
 */
#ifndef CR_TYPES_H
#define CR_TYPES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum cr_tid {
	T_UNKNOWN = 0,
	T_EMPTY,
	/* archives and compressed streams */
	T_ZIP, T_JAR, T_APK, T_DOCX, T_DOCM, T_XLSX, T_XLSM, T_XLSB, T_PPTX, T_PPTM, T_OOXML,
	T_ODT, T_ODS, T_ODP, T_ODG, T_EPUB, T_WHEEL, T_EGG,
	T_TAR, T_TAR_GNU, T_TAR_PAX, T_TAR_V7, T_NPM, T_CRATE,
	T_GZIP, T_BZIP2, T_XZ, T_ZSTD, T_LZ4, T_LZIP, T_COMPRESS,
	T_7Z, T_RAR4, T_RAR5, T_CAB, T_ISO9660, T_CPIO, T_AR, T_DEB, T_RPM, T_XAR,
	T_DMG, T_VHD, T_VHDX,
	/* native code */
	T_PE32_EXE, T_PE64_EXE, T_PE32_DLL, T_PE64_DLL, T_PE32_SYS, T_PE64_SYS, T_DOS_MZ,
	T_ELF_EXEC, T_ELF_PIE, T_ELF_SO, T_ELF_REL, T_ELF_CORE,
	T_MACHO, T_MACHO_FAT, T_JAVA_CLASS, T_DEX, T_WASM,
	/* documents */
	T_PDF, T_OLE, T_DOC, T_XLS, T_PPT, T_MSI, T_MSG, T_RTF, T_ONENOTE, T_LNK, T_CHM,
	T_POSTSCRIPT,
	/* images */
	T_PNG, T_JPEG, T_GIF, T_WEBP, T_BMP, T_TIFF, T_ICO, T_SVG, T_HEIC, T_AVIF,
	/* audio and video */
	T_MP3, T_MP4, T_MOV, T_WAV, T_AVI, T_OGG, T_FLAC, T_3GPP, T_3GPP2, T_M4A, T_M4V, T_MKV, T_WEBM,
	/* text */
	T_TEXT, T_CSV, T_TSV, T_JSON, T_XML, T_HTML, T_MARKDOWN, T_C, T_CPP, T_MAKEFILE, T_TROFF,
	T_DIFF, T_EML, T_MBOX, T_ICAL, T_VCARD, T_PEM_CERT, T_PEM_KEY, T_SSH_KEY, T_SSH_PUBKEY, T_REG,
	T_M4, T_LISP,
	/* scripts */
	T_SHELL, T_PYTHON, T_PERL, T_RUBY, T_PHP, T_POWERSHELL, T_BATCH, T_VBSCRIPT, T_JAVASCRIPT,
	T_WSH_ENCODED, T_HTA, T_WSF, T_SCRIPT,
	/* shortcuts */
	T_URL, T_SCF, T_LIBRARY_MS, T_SETTINGCONTENT_MS, T_DESKTOP,
	/* misc binaries file(1) names, so agreement is measurable */
	T_PYC, T_GETTEXT, T_TERMINFO, T_TERMINFO2, T_SQLITE, T_SFNT, T_WOFF, T_WOFF2, T_JMOD, T_PGP_KEYS, T_XPM,
	T_OTF, T_X509_DER, T_MINIDUMP, T_REGF,
	T_NTYPES
};

/* Class bits: what a type is, for the rules. */
enum {
	C_ARCHIVE = 1u << 0,	/* holds named entries */
	C_COMPRESSED = 1u << 1,	/* one compressed stream */
	C_EXEC = 1u << 2,	/* native code: PE, ELF, Mach-O, DOS */
	C_SCRIPT = 1u << 3,	/* interpreted program */
	C_SHORTCUT = 1u << 4,	/* runs or points at something when opened */
	C_MARKUP = 1u << 5,	/* HTML/SVG/XML: may carry script */
	C_DOC = 1u << 6,	/* office document, PDF */
	C_MACRO = 1u << 7,	/* macro-enabled by its format */
	C_IMAGE = 1u << 8,
	C_AV = 1u << 9,
	C_TEXT = 1u << 10,	/* the text family */
	C_GENERIC = 1u << 11,	/* says nothing specific: unknown, empty, plain text */
	C_SCRIPTABLE = 1u << 12, /* WHATWG "scriptable": HTML, XML, SVG, PDF */
	C_DISK = 1u << 13,	/* disk image */
};

struct cr_type {
	enum cr_tid id;
	const char *name;	/* short name, e.g. "pe32-dll" */
	const char *mime;	/* as file --mime-type prints it where it has one */
	uint32_t cls;
	enum cr_tid parent;	/* T_UNKNOWN when none */
	const char *exts;	/* space-separated, lowercase, no dot */
	const char *desc;	/* human name */
};

/* The entry for id (T_UNKNOWN for out-of-range ids). */
const struct cr_type *cr_type_get(enum cr_tid id);

/*
 * Registers a type a format brings (walk.h) and returns its id, past
 * T_NTYPES; T_UNKNOWN when the registry is full.  Only before
 * cr_types_init().
 */
enum cr_tid cr_types_add(const struct cr_type *t);

/* Whether a is b or descends from b. */
bool cr_type_is_a(enum cr_tid a, enum cr_tid b);

/*
 * Builds the extension index.  crible_ctx_new() calls it, so the one-time
 * initialisation is over before any worker thread starts or forks (a
 * child forked while another thread sits in pthread_once would wait
 * forever).
 */
void cr_types_init(void);

/*
 * Types claimed by an extension (no dot, any case), written into out (at
 * most max); returns how many.
 */
size_t cr_types_by_ext(const char *ext, size_t extlen, enum cr_tid *out, size_t max);

/* Types whose MIME name is mime (case-insensitive, parameters ignored). */
size_t cr_types_by_mime(const char *mime, size_t len, enum cr_tid *out, size_t max);

/* The extension of a name (after the last '.' of the last component), or NULL. */
const char *cr_name_ext(const char *name, size_t *extlen);

#endif
