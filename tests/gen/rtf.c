/*
 * rtf.c - RTF documents as attackers write them for Word: an OLE Package
 * in \objdata (with the hex broken up, an odd digit, \bin), "{\rt"
 * headers, DDE fields, the Equation Editor; and the benign twins.
 */
#include <stdio.h>
#include <string.h>

#include "samples.h"

static void hex(struct sbuf *b, const uint8_t *p, size_t n, bool messy)
{
	static const char digits[] = "0123456789abcdef";
	for (size_t i = 0; i < n; i++) {
		sb_u8(b, (uint8_t)digits[p[i] >> 4]);
		if (messy && i % 7 == 3)
			sb_str(b, "\r\n \t");	/* Word skips what is not a hex digit */
		sb_u8(b, (uint8_t)digits[p[i] & 15]);
	}
}

/* An OLE1 embedded object: version, format id 2, class, topic, item, native size, native data. */
static void ole1(struct sbuf *o, const char *cls, const void *native, size_t len)
{
	sb_u32le(o, 0x00000501);
	sb_u32le(o, 2);
	sb_u32le(o, (uint32_t)strlen(cls) + 1);
	sb_put(o, cls, strlen(cls) + 1);
	sb_u32le(o, 0);
	sb_u32le(o, 0);
	sb_u32le(o, (uint32_t)len);
	sb_put(o, native, len);
}

/* The Packager's layout without its size field (what \objdata's Package class holds). */
static void package_body(struct sbuf *p, const char *label, const void *data, size_t len)
{
	char src[128], temp[160];
	snprintf(src, sizeof src, "C:\\Users\\me\\Desktop\\%s", label);
	snprintf(temp, sizeof temp, "C:\\Users\\me\\AppData\\Local\\Temp\\%s", label);
	sb_u16le(p, 2);
	sb_put(p, label, strlen(label) + 1);
	sb_put(p, src, strlen(src) + 1);
	sb_u32le(p, 0x00030000);
	sb_u32le(p, (uint32_t)strlen(temp) + 1);
	sb_put(p, temp, strlen(temp) + 1);
	sb_u32le(p, (uint32_t)len);
	sb_put(p, data, len);
}

static void rtf_object(struct sbuf *b, const char *header, const char *cls, const void *native, size_t len, bool messy,
		       const char *flags)
{
	struct sbuf o = {0};
	ole1(&o, cls, native, len);
	sb_str(b, header);
	sb_str(b, "{\\fonttbl{\\f0 Calibri;}}\\pard Please see the attached invoice.\\par\n");
	sb_str(b, "{\\object\\objemb");
	sb_str(b, flags);
	sb_str(b, "{\\*\\objclass ");
	sb_str(b, cls);
	sb_str(b, "}\\objw1000\\objh800{\\*\\objdata ");
	if (messy) {
		/* The first bytes as \bin, the rest as hex broken up, then a lone digit Word drops. */
		sb_str(b, "\\bin4 ");
		sb_put(b, o.p, 4);
		hex(b, o.p + 4, o.len - 4, true);
		sb_str(b, "7");
	} else {
		hex(b, o.p, o.len, false);
	}
	sb_str(b, "}}\\par}\n");
	sb_free(&o);
}

/* An RTF carrying an OLE Package carrying a program: the required case. */
void r_package_exe(struct sbuf *b)
{
	struct sbuf pe = {0}, pk = {0};
	sample_pe(&pe);
	package_body(&pk, "invoice.pdf.exe", pe.p, pe.len);
	rtf_object(b, "{\\rtf1\\ansi ", "Package", pk.p, pk.len, false, "");
	sb_free(&pe);
	sb_free(&pk);
}

/* The same under a "{\rt" header, with messy hex, \bin, and \objupdate. */
void r_package_hidden(struct sbuf *b)
{
	struct sbuf pe = {0}, pk = {0};
	sample_pe(&pe);
	package_body(&pk, "scan.exe", pe.p, pe.len);
	rtf_object(b, "{\\rtvpn ", "Package", pk.p, pk.len, true, "\\objupdate");
	sb_free(&pe);
	sb_free(&pk);
}

/* The Equation Editor: high whatever the native data holds. */
void r_equation(struct sbuf *b)
{
	static const uint8_t native[32] = {0x1c, 0x00, 0x00, 0x00, 0x02, 0x00};
	rtf_object(b, "{\\rtf1 ", "Equation.3", native, sizeof native, false, "");
}

/* DDEAUTO in a field. */
void r_dde(struct sbuf *b)
{
	sb_str(b, "{\\rtf1\\ansi {\\field{\\*\\fldinst {\\rtlch DDEAUTO c:\\\\windows\\\\system32\\\\cmd.exe \"/k calc\"}}"
		  "{\\fldrslt {x}}}\\par}\n");
}

/* The benign twin: a picture and a hyperlink. */
void r_plain(struct sbuf *b)
{
	static const uint8_t png[] = {0x89, 'P', 'N', 'G', 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d, 'I', 'H', 'D', 'R'};
	sb_str(b, "{\\rtf1\\ansi\\deff0{\\fonttbl{\\f0 Calibri;}}\\pard Quarterly report.\\par\n{\\pict\\pngblip\\picw10\\pich10 ");
	hex(b, png, sizeof png, false);
	sb_str(b, "}\\par{\\field{\\*\\fldinst HYPERLINK \"https://example.com/report\"}{\\fldrslt {\\ul report}}}\\par}\n");
}
