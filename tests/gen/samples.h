/*
 * samples.h - test files made by code: one builder per format, each with
 * a near-miss twin that breaks the one field the identifier must check.
 *
 * The same table feeds the unit tests (identify the bytes in memory) and
 * the generator (crible-gen DIR writes every scenario as a file for the
 * integration tests and the README's demo).
 */
#ifndef CRIBLE_SAMPLES_H
#define CRIBLE_SAMPLES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct sbuf {
	uint8_t *p;
	size_t len, cap;
};

void sb_free(struct sbuf *b);
void sb_put(struct sbuf *b, const void *p, size_t n);
void sb_str(struct sbuf *b, const char *s);
void sb_u8(struct sbuf *b, uint8_t v);
void sb_u16le(struct sbuf *b, uint16_t v);
void sb_u32le(struct sbuf *b, uint32_t v);
void sb_u16be(struct sbuf *b, uint16_t v);
void sb_u32be(struct sbuf *b, uint32_t v);
void sb_u64le(struct sbuf *b, uint64_t v);
void sb_zero(struct sbuf *b, size_t n);
void sb_pad(struct sbuf *b, size_t to);	/* zero-fill up to length `to` */
uint32_t sb_crc32(const uint8_t *p, size_t n);
uint32_t sb_get32le(const uint8_t *p);
void sb_set32le(uint8_t *p, uint32_t v);	/* patch a field already written */

/* A signature: a positive builder and a near miss that must not be named `type`. */
struct sig {
	const char *type;	/* expected type name (crible_result_type_name) */
	void (*good)(struct sbuf *);
	void (*near)(struct sbuf *);
};

extern const struct sig sigs[];
extern const size_t nsigs;

/*
 * A scenario: a file written under `file` (its name is the claim), the
 * options to scan it with, and the exact outcome expected.
 */
struct scenario {
	const char *file;
	void (*build)(struct sbuf *);
	const char *args;	/* extra crible scan options, or "" */
	const char *type;	/* expected type name */
	const char *findings;	/* expected finding ids, space-separated, exact set */
	const char *verdict;	/* "allow", "warn" or "block" */
	const char *why;	/* what the case is about */
};

/* A ZIP entry with every field under the test's control (archives.c). */
struct zspec {
	const char *name;	/* central directory name */
	const char *lname;	/* local header name, NULL: the same */
	const void *data;
	size_t len;
	int deflate;
	uint16_t flags;		/* extra flag bits (1 encrypted, 0x800 UTF-8) */
	uint32_t mode;		/* Unix mode, 0: none (DOS host) */
	int aes;		/* AES extra 0x9901, method 99 */
	int share_prev;		/* point at the previous entry's data (overlap) */
};

/*
 * One tar header block and its data padded to 512: name, type, link, mode
 * (NULL: 0644), POSIX prefix, magic (8 bytes, NULL: "ustar" "00") and the
 * size field, which may differ from the len bytes that follow.
 */
void tar_block(struct sbuf *b, const char *name, char type, const char *link, const char *mode, const char *prefix,
	       const char *magic, unsigned size, const void *data, size_t len);

/*
 * One file of an ISO 9660 image (iso.c): its primary name ("NOTES.TXT;1"),
 * Rock Ridge name and Joliet name (ASCII); NULL leaves it out of that tree.
 */
struct isofile {
	const char *primary, *rr, *joliet;
	const void *data;
	size_t len;
};

/* An image of up to 16 files in one root directory, with Rock Ridge and a Joliet tree if asked. */
void iso_write(struct sbuf *b, const struct isofile *f, size_t n, bool rr, bool joliet);

/* Sets the checksum field of the 512-byte tar header h. */
void tar_checksum(uint8_t *h);

/* Raw deflate (no header) of data, level 9, into *out (malloc'd); the compressed length. */
size_t deflate_raw(const void *data, size_t len, uint8_t **out);

/* Writes a ZIP of n entries: local headers, central directory, end record. */
void zip_write(struct sbuf *b, const struct zspec *z, size_t n);

/* Archive builders (archives.c). */
void a_bomb_nested(struct sbuf *b);
void a_cpio_ok(struct sbuf *b);
void a_cpio_slip(struct sbuf *b);
void a_cpio_hostile(struct sbuf *b);
void a_cpio_nested(struct sbuf *b);
void a_bomb_overlap(struct sbuf *b);
void a_rar4_ok(struct sbuf *b);
void a_rar4_slip(struct sbuf *b);
void a_rar4_stm(struct sbuf *b);
void a_rar5_encrypted(struct sbuf *b);
void a_rar5_romcom(struct sbuf *b);
void a_rar5_slip(struct sbuf *b);
void a_rar5_zone(struct sbuf *b);
void a_sfx_rar(struct sbuf *b);
void a_tar_abs(struct sbuf *b);
void a_tar_corrupt(struct sbuf *b);
void a_tar_device(struct sbuf *b);
void a_tar_fifo(struct sbuf *b);
void a_tar_gnu_long(struct sbuf *b);
void a_tar_hardlink(struct sbuf *b);
void a_tar_ok(struct sbuf *b);
void a_tar_pax(struct sbuf *b);
void a_tar_setuid(struct sbuf *b);
void a_tar_slip(struct sbuf *b);
void a_tar_symlink(struct sbuf *b);
void a_tar_through(struct sbuf *b);
void a_tgz_lnk(struct sbuf *b);
void a_zip_ads(struct sbuf *b);
void a_zip_aes(struct sbuf *b);
void a_zip_badcrc(struct sbuf *b);
void a_zip_benign(struct sbuf *b);
void a_zip_bidi(struct sbuf *b);
void a_zip_collision(struct sbuf *b);
void a_zip_deep(struct sbuf *b);
void a_zip_device(struct sbuf *b);
void a_zip_eicar_deflate(struct sbuf *b);
void a_zip_fifo(struct sbuf *b);
void a_zip_js(struct sbuf *b);
void a_zip_link_through(struct sbuf *b);
void a_zip_log(struct sbuf *b);
void a_zip_many(struct sbuf *b);
void a_zip_mismatch(struct sbuf *b);
void a_zip_nested(struct sbuf *b);
void a_zip_overlap(struct sbuf *b);
void a_zip_prepended(struct sbuf *b);
void a_zip_setuid(struct sbuf *b);
void a_zip_slip(struct sbuf *b);
void a_zip_slip_win(struct sbuf *b);
void a_zip_symlink_escape(struct sbuf *b);
void a_zip_symlink_ok(struct sbuf *b);
void a_zip_trailing(struct sbuf *b);
void a_zip_zipcrypto(struct sbuf *b);
void a_zip_flood(struct sbuf *b);
void a_zip_flood_deep(struct sbuf *b);
void a_zip_flood_twin(struct sbuf *b);
/* A 1x1 PNG (samples.c). */
void sample_png(struct sbuf *b);
void sample_pe(struct sbuf *b);
void sample_elf(struct sbuf *b);

/* Readings that real extractors disagree on, and their twins (readings.c). */
void a_rar5_trailing_empty(struct sbuf *b);
void a_rar5_quick_open(struct sbuf *b);
void a_rar5_quick_open_twin(struct sbuf *b);
void a_rar5_vol1(struct sbuf *b);
void a_rar5_vol2(struct sbuf *b);
void a_rar5_vol1_twin(struct sbuf *b);
void a_rar5_vol2_twin(struct sbuf *b);
void r_zip_fake_eocd(struct sbuf *b);
void r_zip_fake_eocd_twin(struct sbuf *b);
void r_zip_hidden_local(struct sbuf *b);
void r_zip_descriptor(struct sbuf *b);
void r_zip_method(struct sbuf *b);
void r_zip_method_twin(struct sbuf *b);
void r_zip_symlink_bat(struct sbuf *b);
void r_zip_dir_data(struct sbuf *b);
void r_zip_concat(struct sbuf *b);
void r_zip_concat_twin(struct sbuf *b);
void r_zip_nested_stored(struct sbuf *b);
void r_zip_nested_stored_evil(struct sbuf *b);
void r_zip_stored_outer_dir(struct sbuf *b);
void r_zip_first_dir(struct sbuf *b);
void r_zip_first_dir_twin(struct sbuf *b);
void r_zip_cp437_yen(struct sbuf *b);
void r_bat_python(struct sbuf *b);
void r_note(struct sbuf *b);
void r_zip_nul_name(struct sbuf *b);
void r_zip_nul_twin(struct sbuf *b);
void r_zip_trailing_bat(struct sbuf *b);
void r_gz_fname(struct sbuf *b);
void r_tar_bad_first(struct sbuf *b);
void r_tar_sparse_elf(struct sbuf *b);
void r_tar_sparse_note(struct sbuf *b);
void r_tar_later_link(struct sbuf *b);
void r_tar_later_link_twin(struct sbuf *b);
void r_tar_hardlink_symlink(struct sbuf *b);
void r_tar_hardlink_file(struct sbuf *b);
void r_gz_fname_twin(struct sbuf *b);
void r_tar_after_end(struct sbuf *b);
void r_tar_padded(struct sbuf *b);
void r_tar_resync(struct sbuf *b);
void r_tar_resync_twin(struct sbuf *b);
void r_tar_link_size(struct sbuf *b);
void r_tar_link_twin(struct sbuf *b);
void r_tar_pax_gnu(struct sbuf *b);
void r_tar_pax_gnu_twin(struct sbuf *b);
void r_tar_gnu_prefix(struct sbuf *b);
void r_tar_gnu_prefix_twin(struct sbuf *b);
void r_tar_gnu_continued(struct sbuf *b);
void r_tar_gnu_label(struct sbuf *b);
void r_tar_solaris_x(struct sbuf *b);
void r_pdf_zip(struct sbuf *b);
void r_tar_sparse_order(struct sbuf *b);
void r_tar_sparse_order_twin(struct sbuf *b);
void r_tar_long_link(struct sbuf *b);
void r_tar_long_link_twin(struct sbuf *b);
void r_tar_pax_global(struct sbuf *b);
void r_tar_pax_global_twin(struct sbuf *b);
void r_tar_dumpdir(struct sbuf *b);
void r_tar_dumpdir_twin(struct sbuf *b);
void r_tar_octal(struct sbuf *b);
void r_tar_octal_twin(struct sbuf *b);
void r_tar_octal_hiding(struct sbuf *b);
void r_tar_octal_hiding_twin(struct sbuf *b);
void r_zip_local_upath(struct sbuf *b);
void r_zip_local_upath_twin(struct sbuf *b);
void r_pdf_zip_twin(struct sbuf *b);
void r_tar_solaris_x_twin(struct sbuf *b);
void r_iso_joliet_ext(struct sbuf *b);
void r_iso_names_twin(struct sbuf *b);
void r_iso_primary_ext(struct sbuf *b);
void r_iso_joliet_only(struct sbuf *b);
void r_iso_joliet_only_twin(struct sbuf *b);

extern const struct scenario scenarios[];
extern const size_t nscenarios;

/* Pages as a browser reads them, and their twins (pages.c). */
void p_comment_abrupt(struct sbuf *b);
void p_comment_abrupt_twin(struct sbuf *b);
void p_comment_bang(struct sbuf *b);
void p_comment_bang_twin(struct sbuf *b);
void p_ref_tab(struct sbuf *b);
void p_ref_tab_twin(struct sbuf *b);
void p_srcdoc(struct sbuf *b);
void p_srcdoc_twin(struct sbuf *b);
void p_noscript(struct sbuf *b);
void p_noscript_twin(struct sbuf *b);
void p_title_text(struct sbuf *b);
void p_title_after(struct sbuf *b);
void p_svg_breakout(struct sbuf *b);
void p_style_text(struct sbuf *b);
void p_text_first(struct sbuf *b);
void p_text_first_twin(struct sbuf *b);
void p_text_c(struct sbuf *b);
void p_refresh(struct sbuf *b);
void p_refresh_twin(struct sbuf *b);
void p_object_swf(struct sbuf *b);
void p_object_pdf(struct sbuf *b);
void p_iframe_data(struct sbuf *b);
void p_iframe_https(struct sbuf *b);
void p_form_action(struct sbuf *b);
void p_form_twin(struct sbuf *b);
void p_svg_animate(struct sbuf *b);
void p_svg_animate_twin(struct sbuf *b);
void p_svg_foreign(struct sbuf *b);
void p_svg_foreign_twin(struct sbuf *b);
void p_ldjson(struct sbuf *b);
void p_jstype(struct sbuf *b);
void p_article(struct sbuf *b);
void p_report(struct sbuf *b);
void p_utf16_bom(struct sbuf *b);
void p_utf16_bom_twin(struct sbuf *b);
void p_utf16be_nobom(struct sbuf *b);
void p_utf16be_nobom_twin(struct sbuf *b);
void p_iso2022jp(struct sbuf *b);
void p_iso2022jp_twin(struct sbuf *b);
void p_smuggle_blob(struct sbuf *b);
void p_smuggle_twin(struct sbuf *b);
void p_data_download(struct sbuf *b);
void p_data_download_twin(struct sbuf *b);
void p_zip_page(struct sbuf *b);
void p_zip_page_twin(struct sbuf *b);

void p_svg_entity(struct sbuf *b);
void p_svg_entity_twin(struct sbuf *b);
void p_svg_entity_attr(struct sbuf *b);
void p_svg_laughs(struct sbuf *b);
void p_svg_laughs_twin(struct sbuf *b);

void p_many_attrs(struct sbuf *b);
void p_many_attrs_twin(struct sbuf *b);
void p_big_srcdoc(struct sbuf *b);
void p_big_image(struct sbuf *b);

void p_smuggle_split(struct sbuf *b);

/* An OLE compound file (ole.c): storages and streams; parent is an index into the array, -1 the root. */
struct olenode {
	const char *name;
	bool storage;
	int parent;
	const void *data;
	size_t len;
};
void ole_write(struct sbuf *b, const struct olenode *nodes, size_t n);
/* MS-OVBA compression (greedy, copy tokens included). */
void ovba_compress(struct sbuf *b, const void *data, size_t n);
/* A VBA project's dir stream (compressed) for modules whose source starts at offsets[i] of their streams. */
void vba_dir(struct sbuf *out, const char *const *modules, size_t n, const uint32_t *offsets);
/* A module stream: the p-code cache, then the compressed source. */
void vba_module(struct sbuf *out, const char *pcode, const char *source);
/* Documents (ole.c). */
void d_doc_macro(struct sbuf *b);
void d_doc_stomped(struct sbuf *b);
void d_doc_baddir(struct sbuf *b);
void d_doc_nodir(struct sbuf *b);
void d_doc_plain(struct sbuf *b);
void d_vbaproject_bin(struct sbuf *b);
void d_docx_hidden_vba(struct sbuf *b);
void d_docm_novba(struct sbuf *b);
void d_doc_package_exe(struct sbuf *b);
void d_doc_package_txt(struct sbuf *b);
void d_xls_xlm_hidden(struct sbuf *b);
void d_xls_hidden_sheet(struct sbuf *b);
void d_xls_encrypted(struct sbuf *b);
void d_msg_exe(struct sbuf *b);
void d_msg_txt(struct sbuf *b);
/* OOXML and ODF packages (office.c). */
void o_remote_template(struct sbuf *b);
void o_local_template(struct sbuf *b);
void o_hyperlink(struct sbuf *b);
void o_dde(struct sbuf *b);
void o_fields(struct sbuf *b);
void o_includepicture(struct sbuf *b);
void o_embedded_chart(struct sbuf *b);
void o_xlm_part(struct sbuf *b);
void o_xlsx_dde(struct sbuf *b);
void o_odt_basic(struct sbuf *b);
void o_odt_plain(struct sbuf *b);
void l_powershell(struct sbuf *b);
void n_one_hta(struct sbuf *b);
void n_one_txt(struct sbuf *b);
/* RTF (rtf.c). */
void r_package_exe(struct sbuf *b);
void r_package_hidden(struct sbuf *b);
void r_equation(struct sbuf *b);
void r_dde(struct sbuf *b);
void r_plain(struct sbuf *b);
/* PDF (pdf.c). */
void f_objstm_js(struct sbuf *b);
void f_benign(struct sbuf *b);
void f_launch(struct sbuf *b);
void f_attached_exe(struct sbuf *b);
void f_auto_uri(struct sbuf *b);
void f_encrypted(struct sbuf *b);
void f_encrypted_empty_js(struct sbuf *b);
void f_encrypted_pw_js(struct sbuf *b);
void f_undecoded_attachment(struct sbuf *b);

#endif
