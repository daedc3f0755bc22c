/*
 * findings.c - the id table.  Ids never change meaning once shipped.
 *
 * This is the one place a finding is described: `crible explain`, the
 * SARIF rules (report/sarif.c) and the FINDINGS section of crible(1)
 * (`crible explain --man`, checked by test_explain) all print these
 * strings, so the three never say different things.
 *
 *   summary  one line: when the finding is raised
 *   help     why it matters and what to do, a short paragraph
 *   example  an input that raises it
 */
#include "findings.h"

#include <string.h>

#define F(fid, name, sv, sum, hlp, ex) [fid] = {.id = name, .severity = CRIBLE_SEV_##sv, .summary = sum, .help = hlp, .example = ex}

const crible_finding_info cr_fdefs[F_NIDS] = {
	F(F_PATH_TRAVERSAL, "path.traversal", HIGH,
	  "A name component is '..', or reads as '..' on Windows (dots only, two or more, maybe trailing spaces).",
	  "An extractor that follows the name writes outside the folder it was asked to fill: over a shell profile, "
	  "a cron job or a Startup shortcut. Windows strips trailing dots and spaces, so '.. .' and '...' climb too.",
	  "a ZIP entry named '../../.bashrc'"),
	F(F_PATH_ABSOLUTE, "path.absolute", HIGH,
	  "A name starts at a root: '/', '\\', a drive ('C:'), a UNC share ('\\\\host') or a device prefix ('\\\\?\\').",
	  "Extractors that keep absolute names write wherever the archive says, whatever the destination folder.",
	  "a TAR entry named '/etc/cron.d/job'"),
	F(F_PATH_ADS, "path.ads", HIGH,
	  "A ':' inside a name component: an NTFS alternate data stream or a drive-relative name; also a RAR stream "
	  "header whose stream name holds a separator or '..'.",
	  "On NTFS 'cv.pdf:evil.dll' writes a hidden stream; WinRAR before 7.13 joined RAR stream names to the "
	  "file name and wrote through '..' in them (CVE-2025-8088, RomCom 2025).",
	  "a RAR5 entry 'cv.pdf' with a stream named ':..\\..\\Startup\\x.lnk'"),
	F(F_PATH_DEVICE, "path.device", HIGH,
	  "A name component is a Windows device name (CON, PRN, AUX, NUL, COM0-9, LPT0-9, CONIN$, CONOUT$), any case, "
	  "with or without an extension.",
	  "Windows opens the device, not a file: writing 'aux.txt' hangs or fails the extraction, 'con' prints to the "
	  "console, and a later entry is lost.",
	  "a ZIP entry named 'docs/CON.txt'"),
	F(F_PATH_TRAILING, "path.trailing", HIGH,
	  "A name component (not '.' or '..') ends in a dot or a space, which Windows strips.",
	  "Two names that differ only by a trailing space become one file on Windows; WinRAR's CVE-2023-38831 "
	  "opened a script in a folder named like the document the user clicked.",
	  "a ZIP holding 'invoice.pdf ' and the folder 'invoice.pdf /'"),
	F(F_PATH_BESTFIT, "path.bestfit", HIGH,
	  "A character that Windows best-fit conversion to an ANSI code page turns into '/', '\\', ':', '.', a quote or "
	  "'<' '>' '|'.",
	  "A program that converts names with the ANSI API sees a separator or '..' that the Unicode name does not "
	  "have: U+FF0F becomes '/', U+00A5 becomes '\\' under cp932.",
	  "a ZIP entry named '..\\uff0f..\\uff0fboot.ini'"),
	F(F_PATH_CONTROL, "path.control", HIGH,
	  "A name holds NUL, a C0 or C1 control character, or DEL.",
	  "Control characters rewrite terminals that list the name and cut names at NUL in C programs; an escape "
	  "sequence in a name can erase a warning line and print a fake one.",
	  "a TAR entry named 'ESC[1A ESC[2K ok.txt'"),
	F(F_PATH_BIDI, "path.bidi", HIGH,
	  "A name holds a bidirectional control (U+202A-U+202E, U+2066-U+2069, U+200E, U+200F, U+061C).",
	  "A right-to-left override shows 'invoice_fdp.exe' as 'invoice_exe.pdf': the user reads one extension and "
	  "Windows runs the other.",
	  "a ZIP entry named 'invoice_\\u202efdp.exe'"),
	F(F_PATH_ENCODING, "path.encoding", MEDIUM,
	  "A name is not valid UTF-8 where the format says it is UTF-8.",
	  "Readers repair bad bytes differently (replacement character, code page, raw bytes), so two tools extract "
	  "the same entry under two names and checks on one name miss the other.",
	  "a ZIP entry flagged UTF-8 whose name holds the byte 0xff"),
	F(F_PATH_LONG, "path.long", MEDIUM,
	  "A name over 4096 bytes or a component over 255 bytes.",
	  "File systems refuse such names; extractors truncate them differently, so what lands on disk is not what "
	  "was judged.",
	  "a TAR entry whose one component is 300 bytes long"),
	F(F_PATH_COLLISION, "path.collision", MEDIUM,
	  "Two entries land on the same file on a case-insensitive or dot-stripping file system, or are exact "
	  "duplicates.",
	  "The later entry silently replaces the earlier one after it was checked: a harmless 'README' judged, a "
	  "'readme' with other bytes written over it on Windows and macOS.",
	  "a ZIP holding 'setup.cfg' and 'SETUP.CFG'"),
	F(F_LINK_ESCAPE, "link.escape", HIGH,
	  "A symbolic or hard link whose target is absolute or, resolved from the link's folder, leaves the extraction "
	  "root.",
	  "The link itself writes nothing, but the next entry written through it lands outside the folder, and a "
	  "program reading the tree follows it to /etc or a home directory.",
	  "a TAR symlink 'data' -> '/home/user/.ssh'"),
	F(F_LINK_THROUGH, "link.through", HIGH,
	  "An entry's path passes through a symbolic link planted by an earlier entry of the same archive.",
	  "A link to '/etc' followed by 'link/cron.d/x' writes outside the folder although neither name has '..' in "
	  "it (CVE-2022-30333 in unRAR, CVE-2025-11001 in 7-Zip).",
	  "a TAR holding symlink 'a' -> '/tmp' and then the file 'a/payload'"),
	F(F_ENTRY_SPECIAL, "entry.special", HIGH,
	  "A device node, FIFO or socket.",
	  "Extracted as root, a device node gives raw access to a disk or memory; a FIFO makes the next reader hang.",
	  "a TAR entry of type character device 1,1 named 'mem'"),
	F(F_ENTRY_SETID, "entry.setid", HIGH,
	  "A setuid or setgid bit on an entry.",
	  "Extracted as root with permissions kept, a setuid binary runs with its owner's rights for any local user.",
	  "a TAR entry 'bin/helper' with mode 04755"),
	F(F_STREAM_NTFS, "stream.ntfs", LOW,
	  "A benign NTFS alternate data stream stored in the archive.",
	  "Recorded because the stream is invisible in Explorer; names that climb or target another file are "
	  "path.ads instead.",
	  "a RAR entry 'photo.jpg' carrying a 'Zone.Identifier' stream"),
	F(F_ZIP_NAME_MISMATCH, "zip.name-mismatch", HIGH,
	  "A ZIP local header names an entry differently from the central directory.",
	  "Readers that walk local headers (Python's zipfile when streaming, some Java and JavaScript libraries) and "
	  "readers that trust the directory extract different files: one is checked, the other written.",
	  "central directory 'report.pdf', local header 'report.exe'"),
	F(F_ZIP_OVERLAP, "zip.overlap", HIGH,
	  "Two ZIP entries share or overlap their data.",
	  "Overlapping entries make a non-recursive ZIP bomb (kilobytes that expand to gigabytes) and let two names "
	  "carry bytes that different readers split differently.",
	  "a 42 KB ZIP whose 1 000 entries all point at the same compressed block"),
	F(F_CONTAINER_PREPENDED, "container.prepended", MEDIUM,
	  "Bytes come before the archive's start.",
	  "A self-extractor stub or a polyglot: the file is an archive to one reader and something else (a program, an "
	  "image, a PDF) to another.",
	  "a Windows executable with a ZIP appended (a self-extracting archive)"),
	F(F_CONTAINER_TRAILING, "container.trailing", LOW,
	  "Bytes come after the archive's end.",
	  "Often padding, sometimes a second archive or payload that another reader finds first.",
	  "a gzip stream followed by 4 KiB of other data"),
	F(F_CONTAINER_ENCRYPTED, "container.encrypted", MEDIUM,
	  "Encrypted entries or headers: their content could not be inspected.",
	  "Password-protected archives are how malware crosses mail gateways: the password is in the mail body. "
	  "Nothing inside was judged.",
	  "a ZIP with an AES-encrypted 'invoice.js'"),
	F(F_CONTAINER_WEAK_CRYPTO, "container.weak-crypto", MEDIUM,
	  "Legacy ZipCrypto or RAR 2.x/3.x-era encryption.",
	  "Weak ciphers protect nothing and suggest an old or hand-made tool; the content still was not inspected.",
	  "a ZIP encrypted with traditional PKWARE encryption"),
	F(F_CONTAINER_CORRUPT, "container.corrupt", MEDIUM,
	  "The structure is broken: truncated, a bad checksum, impossible sizes.",
	  "Readers disagree most on broken input: one stops, another skips ahead and extracts what this scan did not "
	  "see.",
	  "a TAR cut off in the middle of an entry"),
	F(F_CONTAINER_UNINSPECTED, "container.uninspected", HIGH,
	  "No reading of a container could list its entries: whatever is inside was not judged.",
	  "A container nobody could open is not clean; it is unknown, and an extractor on the desktop may still "
	  "open it. Also raised when the isolated reader crashed, was killed by its sandbox or could not start.",
	  "a ZIP whose central directory is refused and which has no usable local headers"),
	F(F_BOMB_RATIO, "bomb.ratio", HIGH,
	  "More than 100 times expansion once more than 16 MiB came out of one container.",
	  "A decompression bomb fills the disk or memory of whatever extracts it; the scan stops expanding it.",
	  "a 10 MB gzip file of zeros that inflates to 10 GB"),
	F(F_BOMB_SIZE, "bomb.size", HIGH,
	  "More than the expansion limit (1 GiB by default) came out of one top-level input.",
	  "Past the limit nothing more is read: the rest of the input was not judged, and an extractor would write "
	  "at least that much.",
	  "a TAR.XZ holding 2 GiB of files"),
	F(F_BOMB_DEPTH, "bomb.depth", HIGH,
	  "Containers nested deeper than the limit (8 by default).",
	  "Recursive archives (an archive of an archive of ...) exhaust scanners and hide the payload below the depth "
	  "they look at.",
	  "a ZIP inside a ZIP, nine times over"),
	F(F_BOMB_COUNT, "bomb.count", HIGH,
	  "More entries than the limit (100 000 by default) in one top-level input.",
	  "Millions of tiny entries exhaust inodes and scanners; the entries past the limit were not judged.",
	  "a ZIP of 200 000 empty files"),
	F(F_LIMIT_TIME, "limit.time", HIGH,
	  "The scan of an input ran out of its time budget (10 s by default); every pass over its bytes counts.",
	  "What was not read in time was not judged. The walks, the SHA-256, the markup pass, the listing's hashes, "
	  "a document's tokenizer and the YARA rules all look at the clock; the detail names the pass that was cut "
	  "and how far it got, and a cut hash is not reported (no sha256, never a hash of a prefix). Raise --timeout "
	  "for very large inputs such as disk images.",
	  "a sparse 100 GB file, or a deeply nested archive built to take minutes to walk"),
	F(F_LIMIT_SIZE, "limit.size", MEDIUM,
	  "A top-level input larger than the caller's input-size limit (--max-input): judged from its head and tail "
	  "only.",
	  "Only the first and last 64 KiB were read: the type and the rules that need no more are judged, but the "
	  "input is not hashed, walked or matched, and nothing in its middle was inspected.",
	  "a 20 GB disk image scanned with --max-input 1000000000"),
	F(F_BOMB_XML, "bomb.xml", HIGH,
	  "XML or SVG entity expansion beyond the cap (a billion-laughs document).",
	  "Nested entity definitions expand a few kilobytes into gigabytes in any parser that expands entities. The "
	  "cap: 100 times the document once 1 MiB is produced, or 64 MiB in all.",
	  "an SVG defining lol9 as ten lol8, down to lol1"),
	F(F_LIMIT_FINDINGS, "limit.findings", HIGH,
	  "More findings than the report can list: the rest are counted per id.",
	  "At most 4096 findings are listed. The rest are counted per id: the first listed finding of such an id "
	  "carries 'count' in JSON and 'N in all' with -v, and every one of them still decides the verdict.",
	  "a ZIP of 50 000 entries each named with '..'"),
	F(F_TYPE_DISALLOWED, "type.disallowed", HIGH,
	  "The detected type is not in the caller's accept list (--accept, accept= on HTTP).",
	  "An upload form that wants images gets what the bytes are, not what the name or the browser said.",
	  "a PHP script named 'avatar.png' sent to --accept image/*"),
	F(F_TYPE_MISMATCH, "type.mismatch", HIGH,
	  "The name's extension or the declared Content-Type disagrees with the bytes.",
	  "High when the bytes are a program, a script, HTML or an SVG with script (the Streamlit upload bypass: a "
	  "script renamed .txt); low between harmless types, such as a PNG named .jpg.",
	  "a Windows executable named 'cv.pdf'"),
	F(F_TYPE_POLYGLOT, "type.polyglot", MEDIUM,
	  "The bytes are valid as two types at once.",
	  "Each program that opens the file sees a different thing: a PDF to the viewer, a ZIP to the extractor, an "
	  "image to the filter and a script to the browser. An image carrying PHP or script, a GIF or BMP signature "
	  "opening JavaScript, HTML or PHP before or after a PDF count; the code reading is also reported as "
	  "exec.script or html.script.",
	  "a file that is both a valid PDF and a valid ZIP"),
	F(F_EXEC_NATIVE, "exec.native", HIGH,
	  "A native program: PE (EXE, DLL, SYS), ELF, Mach-O or DOS MZ.",
	  "Opening it runs it. Programs arriving by mail, upload or inside documents are the most common payload.",
	  "a ZIP holding 'setup.exe'"),
	F(F_EXEC_SCRIPT, "exec.script", HIGH,
	  "A script by content (shebang, PowerShell, batch, VBScript, JScript, HTA, PHP ...) or, for named inputs and "
	  "archive entries, by an extension Windows runs.",
	  "Windows runs by extension whatever the content looks like, so '.bat', '.js', '.vbs', '.ps1', '.hta', '.chm', "
	  "'.msi', '.reg', '.jar', '.inf', '.sct' and the rest of Outlook's blocked list are judged by name too, read "
	  "as Windows reads it: trailing dots and spaces stripped, a stream suffix cut, a name cut at a NUL.",
	  "a ZIP holding 'invoice.js'"),
	F(F_EXEC_SHORTCUT, "exec.shortcut", HIGH,
	  "A shortcut: LNK, URL, SCF, library-ms, settingcontent-ms or .desktop.",
	  "A shortcut runs a command line or fetches a remote file when opened, and some (SCF, library-ms) leak "
	  "credentials just by being shown in a folder. Those extensions and .pif, .appref-ms and .website count "
	  "whatever the bytes.",
	  "a ZIP holding 'Invoice.pdf.lnk' that runs powershell"),
	F(F_DOC_MACRO, "doc.macro", HIGH,
	  "Code that runs from a document: a VBA project with modules, Excel 4.0 macro sheets, ODF Basic, SYLK macro "
	  "formulas.",
	  "One click on 'Enable content' runs the code with the user's rights. The detail names the modules, what runs "
	  "by itself, the risky calls and VBA stomping (source that differs from the compiled code). A macro-enabled "
	  "type with no project is not a finding.",
	  "a .docm whose vbaProject.bin holds an AutoOpen module"),
	F(F_DOC_DDE, "doc.dde", HIGH,
	  "DDE or DDEAUTO field codes (Word fields, Excel cells, RTF field instructions).",
	  "A DDE field starts a program named in the document when it is opened or its fields are updated.",
	  "a .docx with the field DDEAUTO c:\\windows\\system32\\cmd.exe \"/k calc\""),
	F(F_DOC_PDF_ACTIVE, "doc.pdf-active", HIGH,
	  "PDF JavaScript, Launch, RichMedia, XFA, SubmitForm, ImportData, GoToR or GoToE actions, found through "
	  "name escapes, object streams and incremental updates.",
	  "Active PDF content runs in the viewer or starts programs; an automatic URI action is low, navigation is "
	  "not a finding.",
	  "a PDF whose /OpenAction runs /JavaScript"),
	F(F_DOC_EXTERNAL_REF, "doc.external-ref", HIGH,
	  "A document fetches something remote when opened: an external template, OLE object, frame or included "
	  "picture over http(s), UNC or WebDAV.",
	  "A remote template loads code the scanner never saw (the Follina class, CVE-2022-30190) and a UNC path "
	  "leaks the user's NTLM hash. A local template path is low.",
	  "a .docx whose attachedTemplate relationship targets https://host/t.dotm"),
	F(F_DOC_EMBEDDED, "doc.embedded", LOW,
	  "An object embedded in a document (OLE package, RTF object, OOXML embedding, PDF attachment ...).",
	  "The embedded bytes are scanned as a child, so a program inside reports exec.native with the whole chain. "
	  "High when the object activates itself or is an Equation Editor object (CVE-2017-11882).",
	  "an RTF with an \\objupdate OLE package"),
	F(F_HTML_SCRIPT, "html.script", HIGH,
	  "HTML or SVG carrying a script element, an on* event handler or a javascript: URL.",
	  "Served from your origin or opened from disk, the page runs code: an SVG avatar with script is stored XSS. "
	  "Pages are read as a browser reads them: a WHATWG tokenizer in every encoding a browser could pick (BOM, "
	  "meta charset, UTF-16, ISO-2022-JP); JavaScript script elements, event handlers, javascript:, vbscript: and "
	  "data:text/html URLs (meta refresh too), iframe srcdoc, active object and embed elements, SVG animation of "
	  "href and script produced by an XML entity all count.",
	  "an SVG with <svg onload=\"alert(1)\">"),
	F(F_HTML_SMUGGLING, "html.smuggling", MEDIUM,
	  "A page that builds a file in script: Blob, msSaveOrOpenBlob, a download link to a data: or blob: URL, a "
	  "large base64 literal.",
	  "HTML smuggling carries a payload past gateways that only see a web page; a literal payload is decoded and "
	  "scanned as a child.",
	  "an HTML attachment that decodes a base64 ZIP with atob and saves it"),
	F(F_SIG_EICAR, "sig.eicar", HIGH,
	  "The EICAR anti-malware test string.",
	  "Not malware: a harmless file every scanner flags, used to prove the scanning path works end to end.",
	  "a file holding the 68-byte EICAR test string"),
	F(F_RULE_YARA, "rule.yara", HIGH,
	  "A YARA rule given with --rules matched; the detail names the rule.",
	  "High unless the rule's meta 'severity' says otherwise; the rule author decides what the match means.",
	  "rule with meta: severity = \"medium\" matching a string in the input"),
};

enum cr_fid cr_fid_lookup(const char *name, size_t len)
{
	for (int i = 0; i < F_NIDS; i++)
		if (strlen(cr_fdefs[i].id) == len && memcmp(cr_fdefs[i].id, name, len) == 0)
			return (enum cr_fid)i;
	return F_NIDS;
}

size_t crible_finding_count(void) { return F_NIDS; }

const crible_finding_info *crible_finding_at(size_t i) { return i < F_NIDS ? &cr_fdefs[i] : NULL; }

const crible_finding_info *crible_finding_lookup(const char *id)
{
	enum cr_fid f = id ? cr_fid_lookup(id, strlen(id)) : F_NIDS;
	return f < F_NIDS ? &cr_fdefs[f] : NULL;
}
