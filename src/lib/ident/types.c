/*
 * types.c - the type table.  MIME names are those of file(1) 5.44
 * (--mime-type) where it has one; where it has none we use the name the
 * format's owner or the common registries use, noted in the comment.
 */
#include "types.h"

#include <ctype.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define X(id, name, mime, cls, parent, exts, desc) [id] = {id, name, mime, cls, parent, exts, desc}

static const struct cr_type types[T_NTYPES] = {
	X(T_UNKNOWN, "unknown", "application/octet-stream", C_GENERIC, T_UNKNOWN, "bin dat", "data"),
	X(T_EMPTY, "empty", "inode/x-empty", C_GENERIC, T_UNKNOWN, "", "empty"),

	X(T_ZIP, "zip", "application/zip", C_ARCHIVE, T_UNKNOWN, "zip zipx", "ZIP archive"),
	X(T_JAR, "jar", "application/java-archive", C_ARCHIVE, T_ZIP, "jar war ear", "Java archive"),
	X(T_APK, "apk", "application/vnd.android.package-archive", C_ARCHIVE, T_ZIP, "apk", "Android package"),
	X(T_DOCX, "docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
	  C_ARCHIVE | C_DOC, T_ZIP, "docx dotx", "Word document"),
	X(T_DOCM, "docm", "application/vnd.ms-word.document.macroEnabled.12", C_ARCHIVE | C_DOC | C_MACRO,
	  T_DOCX, "docm dotm", "macro-enabled Word document"),
	X(T_XLSX, "xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
	  C_ARCHIVE | C_DOC, T_ZIP, "xlsx xltx", "Excel workbook"),
	X(T_XLSM, "xlsm", "application/vnd.ms-excel.sheet.macroEnabled.12", C_ARCHIVE | C_DOC | C_MACRO,
	  T_XLSX, "xlsm xltm xlam", "macro-enabled Excel workbook"),
	X(T_XLSB, "xlsb", "application/vnd.ms-excel.sheet.binary.macroEnabled.12",
	  C_ARCHIVE | C_DOC | C_MACRO, T_XLSX, "xlsb", "binary Excel workbook"),
	X(T_PPTX, "pptx", "application/vnd.openxmlformats-officedocument.presentationml.presentation",
	  C_ARCHIVE | C_DOC, T_ZIP, "pptx potx ppsx", "PowerPoint presentation"),
	X(T_PPTM, "pptm", "application/vnd.ms-powerpoint.presentation.macroEnabled.12",
	  C_ARCHIVE | C_DOC | C_MACRO, T_PPTX, "pptm potm ppsm ppam", "macro-enabled PowerPoint presentation"),
	/* Other OPC packages (Visio, XPS, ...): no single MIME name. */
	X(T_OOXML, "ooxml", "application/zip", C_ARCHIVE | C_DOC, T_ZIP, "vsdx xps oxps", "Office Open XML package"),
	X(T_ODT, "odt", "application/vnd.oasis.opendocument.text", C_ARCHIVE | C_DOC, T_ZIP, "odt ott",
	  "OpenDocument text"),
	X(T_ODS, "ods", "application/vnd.oasis.opendocument.spreadsheet", C_ARCHIVE | C_DOC, T_ZIP, "ods ots",
	  "OpenDocument spreadsheet"),
	X(T_ODP, "odp", "application/vnd.oasis.opendocument.presentation", C_ARCHIVE | C_DOC, T_ZIP, "odp otp",
	  "OpenDocument presentation"),
	X(T_ODG, "odg", "application/vnd.oasis.opendocument.graphics", C_ARCHIVE | C_DOC, T_ZIP, "odg otg",
	  "OpenDocument drawing"),
	/* file(1) calls wheels and eggs ZIP archives: the MIME stays its, the name says more. */
	X(T_WHEEL, "wheel", "application/zip", C_ARCHIVE, T_ZIP, "whl", "Python wheel"),
	X(T_EGG, "egg", "application/zip", C_ARCHIVE, T_ZIP, "egg", "Python egg"),
	X(T_EPUB, "epub", "application/epub+zip", C_ARCHIVE | C_DOC, T_ZIP, "epub", "EPUB book"),

	X(T_TAR, "tar", "application/x-tar", C_ARCHIVE, T_UNKNOWN, "tar", "POSIX tar archive"),
	X(T_TAR_GNU, "tar-gnu", "application/x-tar", C_ARCHIVE, T_TAR, "tar", "GNU tar archive"),
	X(T_TAR_PAX, "tar-pax", "application/x-tar", C_ARCHIVE, T_TAR, "tar", "pax tar archive"),
	X(T_TAR_V7, "tar-v7", "application/x-tar", C_ARCHIVE, T_TAR, "tar", "v7 tar archive"),
	/* An npm package and a Rust crate are tars (gzip-compressed on the wire: .tgz and .crate claim gzip). */
	X(T_NPM, "npm", "application/x-tar", C_ARCHIVE, T_TAR, "", "npm package tarball"),
	X(T_CRATE, "crate", "application/x-tar", C_ARCHIVE, T_TAR, "", "Rust crate tarball"),
	X(T_GZIP, "gzip", "application/gzip", C_COMPRESSED, T_UNKNOWN, "gz tgz taz crate", "gzip stream"),
	X(T_BZIP2, "bzip2", "application/x-bzip2", C_COMPRESSED, T_UNKNOWN, "bz2 tbz tbz2", "bzip2 stream"),
	X(T_XZ, "xz", "application/x-xz", C_COMPRESSED, T_UNKNOWN, "xz txz", "xz stream"),
	X(T_ZSTD, "zstd", "application/zstd", C_COMPRESSED, T_UNKNOWN, "zst tzst", "Zstandard stream"),
	X(T_LZ4, "lz4", "application/x-lz4", C_COMPRESSED, T_UNKNOWN, "lz4", "LZ4 stream"),
	X(T_LZIP, "lzip", "application/x-lzip", C_COMPRESSED, T_UNKNOWN, "lz tlz", "lzip stream"),
	X(T_COMPRESS, "compress", "application/x-compress", C_COMPRESSED, T_UNKNOWN, "z taz", "compress (.Z) stream"),
	X(T_7Z, "7z", "application/x-7z-compressed", C_ARCHIVE, T_UNKNOWN, "7z", "7-Zip archive"),
	X(T_RAR4, "rar4", "application/x-rar", C_ARCHIVE, T_UNKNOWN, "rar", "RAR 4 archive"),
	X(T_RAR5, "rar5", "application/x-rar", C_ARCHIVE, T_UNKNOWN, "rar", "RAR 5 archive"),
	X(T_CAB, "cab", "application/vnd.ms-cab-compressed", C_ARCHIVE, T_UNKNOWN, "cab onepkg", "Microsoft cabinet"),
	X(T_ISO9660, "iso9660", "application/x-iso9660-image", C_ARCHIVE | C_DISK, T_UNKNOWN, "iso img",
	  "ISO 9660 image"),
	X(T_CPIO, "cpio", "application/x-cpio", C_ARCHIVE, T_UNKNOWN, "cpio", "cpio archive"),
	X(T_AR, "ar", "application/x-archive", C_ARCHIVE, T_UNKNOWN, "a ar lib", "ar archive"),
	X(T_DEB, "deb", "application/vnd.debian.binary-package", C_ARCHIVE, T_AR, "deb udeb", "Debian package"),
	X(T_RPM, "rpm", "application/x-rpm", C_ARCHIVE, T_UNKNOWN, "rpm", "RPM package"),
	X(T_XAR, "xar", "application/x-xar", C_ARCHIVE, T_UNKNOWN, "xar pkg xip", "XAR archive"),
	/* file(1) has no DMG MIME; Apple registers this one. */
	X(T_DMG, "dmg", "application/x-apple-diskimage", C_ARCHIVE | C_DISK, T_UNKNOWN, "dmg", "Apple disk image"),
	X(T_VHD, "vhd", "application/x-vhd", C_ARCHIVE | C_DISK, T_UNKNOWN, "vhd", "VHD disk image"),
	X(T_VHDX, "vhdx", "application/x-vhdx", C_ARCHIVE | C_DISK, T_UNKNOWN, "vhdx avhdx", "VHDX disk image"),

#define PEMIME "application/vnd.microsoft.portable-executable"
#define PEEXT "exe dll sys scr cpl ocx drv efi mui ax com"
	X(T_PE32_EXE, "pe32-exe", PEMIME, C_EXEC, T_UNKNOWN, PEEXT, "PE32 executable"),
	X(T_PE64_EXE, "pe64-exe", PEMIME, C_EXEC, T_UNKNOWN, PEEXT, "PE32+ executable"),
	X(T_PE32_DLL, "pe32-dll", PEMIME, C_EXEC, T_UNKNOWN, PEEXT, "PE32 DLL"),
	X(T_PE64_DLL, "pe64-dll", PEMIME, C_EXEC, T_UNKNOWN, PEEXT, "PE32+ DLL"),
	X(T_PE32_SYS, "pe32-driver", PEMIME, C_EXEC, T_UNKNOWN, PEEXT, "PE32 driver"),
	X(T_PE64_SYS, "pe64-driver", PEMIME, C_EXEC, T_UNKNOWN, PEEXT, "PE32+ driver"),
	X(T_DOS_MZ, "dos-mz", "application/x-dosexec", C_EXEC, T_UNKNOWN, PEEXT, "MS-DOS executable"),
	X(T_ELF_EXEC, "elf-exec", "application/x-executable", C_EXEC, T_UNKNOWN, "elf", "ELF executable"),
	X(T_ELF_PIE, "elf-pie", "application/x-pie-executable", C_EXEC, T_UNKNOWN, "elf",
	  "ELF position-independent executable"),
	X(T_ELF_SO, "elf-so", "application/x-sharedlib", C_EXEC, T_UNKNOWN, "so", "ELF shared object"),
	X(T_ELF_REL, "elf-rel", "application/x-object", C_EXEC, T_UNKNOWN, "o ko", "ELF relocatable"),
	X(T_ELF_CORE, "elf-core", "application/x-coredump", C_EXEC, T_UNKNOWN, "core", "ELF core dump"),
	X(T_MACHO, "macho", "application/x-mach-binary", C_EXEC, T_UNKNOWN, "dylib bundle", "Mach-O binary"),
	X(T_MACHO_FAT, "macho-fat", "application/x-mach-binary", C_EXEC, T_UNKNOWN, "dylib bundle",
	  "Mach-O universal binary"),
	X(T_JAVA_CLASS, "java-class", "application/x-java-applet", 0, T_UNKNOWN, "class", "Java class"),
	/* file(1) 5.44 has no MIME for DEX: the one Android registers. */
	X(T_DEX, "dex", "application/vnd.android.dex", 0, T_UNKNOWN, "dex", "Android DEX bytecode"),
	X(T_WASM, "wasm", "application/wasm", 0, T_UNKNOWN, "wasm", "WebAssembly module"),

	X(T_PDF, "pdf", "application/pdf", C_DOC | C_SCRIPTABLE, T_UNKNOWN, "pdf", "PDF document"),
	X(T_OLE, "ole", "application/x-ole-storage", C_DOC, T_UNKNOWN, "", "OLE compound file"),
	X(T_DOC, "doc", "application/msword", C_DOC, T_OLE, "doc dot wiz", "Word 97-2003 document"),
	X(T_XLS, "xls", "application/vnd.ms-excel", C_DOC, T_OLE, "xls xlt xla", "Excel 97-2003 workbook"),
	X(T_PPT, "ppt", "application/vnd.ms-powerpoint", C_DOC, T_OLE, "ppt pot pps", "PowerPoint 97-2003"),
	X(T_MSI, "msi", "application/x-msi", C_ARCHIVE, T_OLE, "msi msp mst", "Windows Installer package"),
	X(T_MSG, "msg", "application/vnd.ms-outlook", C_DOC, T_OLE, "msg", "Outlook message"),
	X(T_RTF, "rtf", "text/rtf", C_DOC, T_UNKNOWN, "rtf doc", "RTF document"),
	X(T_ONENOTE, "onenote", "application/onenote", C_DOC, T_UNKNOWN, "one onetoc2", "OneNote section"),
	X(T_LNK, "lnk", "application/x-ms-shortcut", C_SHORTCUT, T_UNKNOWN, "lnk", "Windows shortcut"),
	X(T_CHM, "chm", "application/vnd.ms-htmlhelp", C_DOC, T_UNKNOWN, "chm", "compiled HTML help"),
	X(T_POSTSCRIPT, "postscript", "application/postscript", C_DOC, T_UNKNOWN, "ps eps ai", "PostScript"),

	X(T_PNG, "png", "image/png", C_IMAGE, T_UNKNOWN, "png apng", "PNG image"),
	X(T_JPEG, "jpeg", "image/jpeg", C_IMAGE, T_UNKNOWN, "jpg jpeg jpe jfif", "JPEG image"),
	X(T_GIF, "gif", "image/gif", C_IMAGE, T_UNKNOWN, "gif", "GIF image"),
	X(T_WEBP, "webp", "image/webp", C_IMAGE, T_UNKNOWN, "webp", "WebP image"),
	X(T_BMP, "bmp", "image/bmp", C_IMAGE, T_UNKNOWN, "bmp dib", "BMP image"),
	X(T_TIFF, "tiff", "image/tiff", C_IMAGE, T_UNKNOWN, "tif tiff", "TIFF image"),
	X(T_ICO, "ico", "image/vnd.microsoft.icon", C_IMAGE, T_UNKNOWN, "ico cur", "Windows icon"),
	X(T_SVG, "svg", "image/svg+xml", C_IMAGE | C_MARKUP | C_TEXT | C_SCRIPTABLE, T_XML, "svg", "SVG image"),
	X(T_HEIC, "heic", "image/heic", C_IMAGE, T_UNKNOWN, "heic heif", "HEIC image"),
	X(T_AVIF, "avif", "image/avif", C_IMAGE, T_UNKNOWN, "avif", "AVIF image"),

	X(T_MP3, "mp3", "audio/mpeg", C_AV, T_UNKNOWN, "mp3", "MP3 audio"),
	X(T_MP4, "mp4", "video/mp4", C_AV, T_UNKNOWN, "mp4 m4v m4a", "MP4 video"),
	X(T_MOV, "mov", "video/quicktime", C_AV, T_UNKNOWN, "mov qt", "QuickTime video"),
	X(T_WAV, "wav", "audio/x-wav", C_AV, T_UNKNOWN, "wav", "WAVE audio"),
	X(T_AVI, "avi", "video/x-msvideo", C_AV, T_UNKNOWN, "avi", "AVI video"),
	X(T_OGG, "ogg", "audio/ogg", C_AV, T_UNKNOWN, "ogg oga ogv opus", "Ogg media"),
	X(T_FLAC, "flac", "audio/flac", C_AV, T_UNKNOWN, "flac", "FLAC audio"),
	X(T_3GPP, "3gpp", "video/3gpp", C_AV, T_MP4, "3gp 3gpp", "3GPP video"),
	X(T_3GPP2, "3gpp2", "video/3gpp2", C_AV, T_MP4, "3g2 3gpp2", "3GPP2 video"),
	X(T_M4A, "m4a", "audio/x-m4a", C_AV, T_MP4, "m4a m4b m4p", "MPEG-4 audio"),
	X(T_M4V, "m4v", "video/x-m4v", C_AV, T_MP4, "m4v", "MPEG-4 video (iTunes)"),
	X(T_MKV, "matroska", "video/x-matroska", C_AV, T_UNKNOWN, "mkv mka mks mk3d", "Matroska media"),
	X(T_WEBM, "webm", "video/webm", C_AV, T_MKV, "webm", "WebM media"),

#define TXT (C_TEXT)
	X(T_TEXT, "text", "text/plain", TXT | C_GENERIC, T_UNKNOWN, "txt text log asc", "text"),
	X(T_CSV, "csv", "text/csv", TXT, T_TEXT, "csv", "CSV text"),
	X(T_TSV, "tsv", "text/tab-separated-values", TXT, T_TEXT, "tsv tab", "TSV text"),
	X(T_JSON, "json", "application/json", TXT, T_TEXT, "json geojson map", "JSON"),
	X(T_XML, "xml", "text/xml", TXT | C_MARKUP | C_SCRIPTABLE, T_TEXT, "xml xsd xsl xslt rss atom plist",
	  "XML"),
	X(T_HTML, "html", "text/html", TXT | C_MARKUP | C_SCRIPTABLE, T_TEXT, "html htm xhtml shtml mht", "HTML"),
	X(T_MARKDOWN, "markdown", "text/markdown", TXT, T_TEXT, "md markdown", "Markdown"),
	X(T_C, "c", "text/x-c", TXT, T_TEXT, "c h", "C source"),
	X(T_CPP, "c++", "text/x-c++", TXT, T_TEXT, "cpp cc cxx hpp hh hxx h", "C++ source"),
	X(T_MAKEFILE, "makefile", "text/x-makefile", TXT, T_TEXT, "mk mak", "makefile"),
	X(T_TROFF, "troff", "text/troff", TXT, T_TEXT, "1 2 3 4 5 6 7 8 9 man roff tr", "troff document"),
	X(T_DIFF, "diff", "text/x-diff", TXT, T_TEXT, "diff patch", "unified diff"),
	X(T_M4, "m4", "text/x-m4", TXT, T_TEXT, "m4 ac", "M4 macro source"),
	X(T_LISP, "lisp", "text/x-lisp", TXT, T_TEXT, "el lisp lsp cl scm", "Lisp or Scheme source"),
	X(T_EML, "eml", "message/rfc822", TXT, T_TEXT, "eml", "e-mail message"),
	/* file(1) 5.44 calls an mbox text/plain; application/mbox is RFC 4155's. */
	X(T_MBOX, "mbox", "application/mbox", TXT, T_TEXT, "mbox mbx", "mailbox"),
	X(T_ICAL, "icalendar", "text/calendar", TXT, T_TEXT, "ics ical ifb", "iCalendar"),
	X(T_VCARD, "vcard", "text/vcard", TXT, T_TEXT, "vcf vcard", "vCard"),
	/* file(1) 5.44 names PEM and OpenSSH files text/plain: the names of shared-mime-info. */
	X(T_PEM_CERT, "pem-cert", "application/x-x509-ca-cert", TXT, T_TEXT, "pem crt cer", "PEM certificate"),
	X(T_PEM_KEY, "pem-key", "application/x-pem-key", TXT, T_TEXT, "pem key", "PEM private key"),
	X(T_SSH_KEY, "ssh-key", "application/x-ssh-key", TXT, T_TEXT, "", "OpenSSH private key"),
	X(T_SSH_PUBKEY, "ssh-pubkey", "application/x-ssh-public-key", TXT, T_TEXT, "pub", "OpenSSH public key"),
	/* regedit imports it on a double-click: a script for Windows. */
	X(T_REG, "regedit", "text/x-ms-regedit", TXT | C_SCRIPT, T_TEXT, "reg", "Windows Registry script"),

#define SCR (TXT | C_SCRIPT)
	X(T_SHELL, "shell", "text/x-shellscript", SCR, T_TEXT, "sh bash zsh ksh csh command", "shell script"),
	X(T_PYTHON, "python", "text/x-script.python", SCR, T_TEXT, "py pyw", "Python script"),
	X(T_PERL, "perl", "text/x-perl", SCR, T_TEXT, "pl pm", "Perl script"),
	X(T_RUBY, "ruby", "text/x-ruby", SCR, T_TEXT, "rb", "Ruby script"),
	X(T_PHP, "php", "text/x-php", SCR, T_TEXT, "php php3 php4 php5 php7 phtml phar", "PHP script"),
	/* No MIME in file(1) or IANA for the next ones; the common x- names. */
	X(T_POWERSHELL, "powershell", "text/x-powershell", SCR, T_TEXT, "ps1 psm1 psd1", "PowerShell script"),
	X(T_BATCH, "batch", "text/x-msdos-batch", SCR, T_TEXT, "bat cmd", "batch file"),
	X(T_VBSCRIPT, "vbscript", "text/vbscript", SCR, T_TEXT, "vbs vba", "VBScript"),
	X(T_JAVASCRIPT, "javascript", "application/javascript", SCR, T_TEXT, "js mjs cjs jse", "JavaScript/JScript"),
	X(T_WSH_ENCODED, "wsh-encoded", "text/x-wsh-encoded", SCR, T_TEXT, "vbe jse", "encoded VBScript/JScript"),
	X(T_HTA, "hta", "application/hta", SCR | C_MARKUP | C_SCRIPTABLE, T_HTML, "hta", "HTML application"),
	X(T_WSF, "wsf", "text/x-wsf", SCR | C_MARKUP, T_XML, "wsf wsc", "Windows Script File"),
	X(T_SCRIPT, "script", "text/x-script", SCR, T_TEXT, "", "script with interpreter line"),

	X(T_URL, "url", "application/x-mswinurl", C_SHORTCUT | TXT, T_TEXT, "url website", "Internet shortcut"),
	X(T_SCF, "scf", "application/x-scf", C_SHORTCUT | TXT, T_TEXT, "scf", "Explorer command file"),
	X(T_LIBRARY_MS, "library-ms", "application/windows-library+xml", C_SHORTCUT | TXT, T_XML,
	  "library-ms searchconnector-ms", "Windows library description"),
	X(T_SETTINGCONTENT_MS, "settingcontent-ms", "application/x-settingcontent-ms", C_SHORTCUT | TXT, T_XML,
	  "settingcontent-ms", "Windows settings shortcut"),
	X(T_DESKTOP, "desktop", "application/x-desktop", C_SHORTCUT | TXT, T_TEXT, "desktop",
	  "desktop entry"),

	X(T_PYC, "pyc", "application/x-bytecode.python", 0, T_UNKNOWN, "pyc pyo", "Python bytecode"),
	X(T_GETTEXT, "gettext", "application/x-gettext-translation", 0, T_UNKNOWN, "mo gmo", "gettext catalog"),
	X(T_TERMINFO, "terminfo", "application/x-terminfo", 0, T_UNKNOWN, "", "terminfo entry"),
	X(T_TERMINFO2, "terminfo2", "application/x-terminfo2", 0, T_UNKNOWN, "", "terminfo entry (extended)"),
	X(T_SQLITE, "sqlite", "application/vnd.sqlite3", 0, T_UNKNOWN, "sqlite sqlite3 db", "SQLite database"),
	X(T_SFNT, "sfnt", "font/sfnt", 0, T_UNKNOWN, "ttf otf ttc", "TrueType/OpenType font"),
	X(T_WOFF, "woff", "font/woff", 0, T_UNKNOWN, "woff", "WOFF font"),
	X(T_WOFF2, "woff2", "font/woff2", 0, T_UNKNOWN, "woff2", "WOFF2 font"),
	X(T_JMOD, "jmod", "application/x-java-jmod", C_ARCHIVE, T_ZIP, "jmod", "Java module"),
	X(T_PGP_KEYS, "pgp-keys", "application/pgp-keys", 0, T_UNKNOWN, "gpg pgp key", "OpenPGP keys"),
	X(T_XPM, "xpm", "image/x-xpixmap", C_IMAGE | C_TEXT, T_TEXT, "xpm", "XPM image"),
	X(T_OTF, "otf", "application/vnd.ms-opentype", 0, T_SFNT, "otf", "OpenType font (CFF)"),
	X(T_X509_DER, "x509-der", "application/x-x509-ca-cert", 0, T_UNKNOWN, "der cer crt", "X.509 certificate (DER)"),
	X(T_MINIDUMP, "minidump", "application/x-dmp", 0, T_UNKNOWN, "dmp mdmp", "Windows minidump"),
	X(T_REGF, "registry-hive", "application/x-ms-registry", 0, T_UNKNOWN, "dat hiv", "Windows Registry hive"),
};

/* Types that formats bring with them (walk.h), registered before the index is built. */
#define MAX_EXTRA 64
static struct cr_type extra[MAX_EXTRA];
static size_t nextra;

enum cr_tid cr_types_add(const struct cr_type *t)
{
	if (nextra == MAX_EXTRA)
		return T_UNKNOWN;
	extra[nextra] = *t;
	extra[nextra].id = (enum cr_tid)(T_NTYPES + nextra);
	return extra[nextra++].id;
}

const struct cr_type *cr_type_get(enum cr_tid id)
{
	if ((unsigned)id < T_NTYPES)
		return &types[id];
	if ((unsigned)id - T_NTYPES < nextra)
		return &extra[(unsigned)id - T_NTYPES];
	return &types[T_UNKNOWN];
}

bool cr_type_is_a(enum cr_tid a, enum cr_tid b)
{
	/* Parents form a short tree; the bound guards a table mistake. */
	for (int i = 0; i < 8; i++) {
		if (a == b)
			return true;
		if (a == T_UNKNOWN)
			return false;
		a = cr_type_get(a)->parent;
	}
	return false;
}

/*
 * Extension index: every (extension, type) pair of the table, sorted, so a
 * lookup is a binary search instead of a walk over ~130 types (archives
 * ask once per entry).  Built once, read-only after.
 */
struct extent {
	char ext[16];
	enum cr_tid t;
};

static struct extent extidx[512];
static size_t nextidx;
static pthread_once_t extonce = PTHREAD_ONCE_INIT;

static int extcmp(const void *a, const void *b)
{
	const struct extent *x = a, *y = b;
	int c = strcmp(x->ext, y->ext);
	return c ? c : (int)x->t - (int)y->t;
}

static void build_extidx(void)
{
	for (unsigned i = 1; i < T_NTYPES + nextra; i++) {
		const char *p = cr_type_get((enum cr_tid)i)->exts;
		while (*p) {
			while (*p == ' ')
				p++;
			size_t n = strcspn(p, " ");
			if (n && n < sizeof extidx[0].ext && nextidx < sizeof extidx / sizeof extidx[0]) {
				memcpy(extidx[nextidx].ext, p, n);
				extidx[nextidx].ext[n] = '\0';
				extidx[nextidx].t = (enum cr_tid)i;
				nextidx++;
			}
			p += n;
		}
	}
	qsort(extidx, nextidx, sizeof extidx[0], extcmp);
}

void cr_types_init(void) { pthread_once(&extonce, build_extidx); }

size_t cr_types_by_ext(const char *ext, size_t extlen, enum cr_tid *out, size_t max)
{
	if (!ext || extlen == 0 || extlen >= sizeof extidx[0].ext)
		return 0;
	pthread_once(&extonce, build_extidx);
	char key[sizeof extidx[0].ext];
	for (size_t i = 0; i < extlen; i++)
		key[i] = (char)tolower((unsigned char)ext[i]);
	key[extlen] = '\0';
	/* First entry with this extension, then the run of them. */
	size_t lo = 0, hi = nextidx;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (strcmp(extidx[mid].ext, key) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	size_t n = 0;
	for (size_t i = lo; i < nextidx && n < max && !strcmp(extidx[i].ext, key); i++)
		out[n++] = extidx[i].t;
	return n;
}

size_t cr_types_by_mime(const char *mime, size_t len, enum cr_tid *out, size_t max)
{
	size_t n = 0;
	/* Drop parameters ("; charset=utf-8") and surrounding blanks. */
	size_t m = 0;
	while (m < len && mime[m] != ';')
		m++;
	while (m > 0 && (mime[m - 1] == ' ' || mime[m - 1] == '\t'))
		m--;
	while (m > 0 && (*mime == ' ' || *mime == '\t'))
		mime++, m--;
	if (m == 0)
		return 0;
	for (unsigned i = 1; i < T_NTYPES + nextra && n < max; i++) {
		const char *t = cr_type_get((enum cr_tid)i)->mime;
		if (strlen(t) == m && strncasecmp(t, mime, m) == 0) {
			/* A generic MIME shared by a subtype names the generic type only. */
			out[n++] = (enum cr_tid)i;
		}
	}
	return n;
}

const char *cr_name_ext(const char *name, size_t *extlen)
{
	if (!name)
		return NULL;
	const char *base = name;
	for (const char *p = name; *p; p++)
		if (*p == '/' || *p == '\\')
			base = p + 1;
	/* Windows strips trailing dots and spaces: "x.exe. " runs as x.exe. */
	size_t end = strlen(base);
	while (end > 0 && (base[end - 1] == ' ' || base[end - 1] == '.'))
		end--;
	size_t dot = end;
	while (dot > 0 && base[dot - 1] != '.')
		dot--;
	/* No dot, or a leading dot only (".profile"). */
	if (dot <= 1 || dot == end)
		return NULL;
	*extlen = end - dot;
	return base + dot;
}
