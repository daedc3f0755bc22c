/*
 * rar.c - our own RAR4 and RAR5 header walkers.
 *
 * General readers skip the records that carry RAR's attacks: libarchive's
 * RAR5 reader skips service headers, so a CVE-2025-8088 archive (RomCom,
 * July 2025) lists as one harmless PDF while WinRAR writes a DLL and a
 * shortcut into the Startup folder through NTFS stream names that climb
 * out of the extraction folder.  So every header is walked here; data of
 * compressed entries then goes through libarchive's decoder.
 *
 * RAR5 (technote): signature "Rar!\x1a\x07\x01\x00", then blocks of
 *   CRC32 u32 | header size vint (<= 3 bytes) | type vint | flags vint |
 *   [extra size vint if flags&1] | [data size vint if flags&2] | fields |
 *   extra area (records: size vint, type vint, data) | data area.
 *   The CRC covers header size .. end of extra area.  Types: 1 main,
 *   2 file, 3 service, 4 archive encryption, 5 end.  File and service
 *   fields: file flags, unpacked size, attributes, [mtime u32], [CRC
 *   u32], compression info (method in bits 7..9), host OS, name length,
 *   name.  Extra records: 0x01 encryption, 0x05 redirection (type 1 Unix
 *   symlink, 2 Windows symlink, 3 junction, 4 hard link, 5 file copy;
 *   flags; name), 0x07 service data (an STM header's stream name).
 * RAR4: signature "Rar!\x1a\x07\x00", then blocks of
 *   HEAD_CRC u16 (low half of CRC32 from HEAD_TYPE on) | HEAD_TYPE u8 |
 *   HEAD_FLAGS u16 | HEAD_SIZE u16 | [ADD_SIZE u32 if flags&0x8000].
 *   Types: 0x73 main (flag 0x80: encrypted headers), 0x74 file, 0x7A
 *   service (NEWSUB: "STM" with a UTF-16LE stream name after the name),
 *   0x7B end.  File: PACK_SIZE u32 @7, UNP_SIZE @11, HOST_OS u8 @15,
 *   FILE_CRC @16, FTIME @20, UNP_VER u8 @24, METHOD u8 @25, NAME_SIZE
 *   u16 @26, ATTR u32 @28, [HIGH sizes if flags&0x100], name; flags
 *   0x04 encrypted, 0xE0 = directory, 0x200 Unicode name (OEM bytes, NUL,
 *   compressed UTF-16), 0x400 salt (8 bytes after the name).
 */
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "../io/cur.h"
#include "format.h"

#define MAX_HEADER5 (2u << 20)
#define MAX_LINK 4096

/* UTF-16 code units to UTF-8; unpaired surrogates become U+FFFD.  out holds 3 bytes per unit. */
static size_t utf16_to_utf8(const uint16_t *u, size_t n, uint8_t *out)
{
	size_t k = 0;
	for (size_t i = 0; i < n; i++) {
		uint32_t c = u[i];
		if (c >= 0xd800 && c <= 0xdbff && i + 1 < n && u[i + 1] >= 0xdc00 && u[i + 1] <= 0xdfff) {
			c = 0x10000 + ((c - 0xd800) << 10) + (u[i + 1] - 0xdc00);
			i++;
		} else if (c >= 0xd800 && c <= 0xdfff) {
			c = 0xfffd;
		}
		if (c < 0x80) {
			out[k++] = (uint8_t)c;
		} else if (c < 0x800) {
			out[k++] = (uint8_t)(0xc0 | c >> 6);
			out[k++] = (uint8_t)(0x80 | (c & 0x3f));
		} else if (c < 0x10000) {
			out[k++] = (uint8_t)(0xe0 | c >> 12);
			out[k++] = (uint8_t)(0x80 | ((c >> 6) & 0x3f));
			out[k++] = (uint8_t)(0x80 | (c & 0x3f));
		} else {
			out[k++] = (uint8_t)(0xf0 | c >> 18);
			out[k++] = (uint8_t)(0x80 | ((c >> 12) & 0x3f));
			out[k++] = (uint8_t)(0x80 | ((c >> 6) & 0x3f));
			out[k++] = (uint8_t)(0x80 | (c & 0x3f));
		}
	}
	return k;
}

/*
 * RAR 3.x compressed Unicode names (UnRAR's EncodeFileName::Decode): after
 * the OEM name and a NUL, a high byte, then flag bytes whose 2-bit codes
 * say how each character is built from the OEM name or the stream.
 * Writes at most max units; returns how many.
 */
static size_t rar_unicode(const uint8_t *oem, size_t oemlen, const uint8_t *enc, size_t enclen, uint16_t *out,
			  size_t max)
{
	size_t ep = 0, dp = 0;
	if (enclen == 0)
		return 0;
	uint8_t high = enc[ep++];
	unsigned flags = 0, flagbits = 0;
	while (ep < enclen && dp < max) {
		if (flagbits == 0) {
			flags = enc[ep++];
			flagbits = 8;
		}
		flagbits -= 2;
		switch ((flags >> flagbits) & 3) {
		case 0:
			if (ep >= enclen)
				return dp;
			out[dp++] = enc[ep++];
			break;
		case 1:
			if (ep >= enclen)
				return dp;
			out[dp++] = (uint16_t)(enc[ep++] | high << 8);
			break;
		case 2:
			if (ep + 1 >= enclen)
				return dp;
			out[dp++] = (uint16_t)(enc[ep] | enc[ep + 1] << 8);
			ep += 2;
			break;
		case 3: {
			if (ep >= enclen)
				return dp;
			unsigned len = enc[ep++];
			if (len & 0x80) {
				if (ep >= enclen)
					return dp;
				uint8_t corr = enc[ep++];
				for (len = (len & 0x7f) + 2; len > 0 && dp < max && dp < oemlen; len--, dp++)
					out[dp] = (uint16_t)(((oem[dp] + corr) & 0xff) | high << 8);
			} else {
				for (len += 2; len > 0 && dp < max && dp < oemlen; len--, dp++)
					out[dp] = oem[dp];
			}
			break;
		}
		}
	}
	return dp;
}

/* A stored file entry, scanned after the walk unless libarchive reads them all. */
struct stored {
	char *label;
	struct cr_src data;
};

struct walk {
	struct cr_scan *s;
	const struct cr_obj *o;
	struct cr_names names;
	char *lastfile;		/* the file the next stream headers belong to */
	bool compressed_data;	/* some file entry needs libarchive's decoder */
	bool encrypted_headers;
	struct stored *stored;
	size_t nstored, capstored;
};

/*
 * An NTFS stream stored with its file (CVE-2025-8088): WinRAR 7.13 and
 * later refuse a stream name that does not start with ':' or holds a
 * path separator; earlier versions wrote file.pdf:..\..\x as an ordinary
 * file two folders up.  A second ':' is refused since 2024 (MotW
 * overwrite through ::$DATA).
 */
static void stream(struct walk *w, const uint8_t *nm, size_t len, const struct cr_src *data, bool stored)
{
	struct cr_scan *s = w->s;
	const char *parent = w->lastfile ? w->lastfile : "";
	size_t pl = strlen(parent);
	char *label = malloc(pl + len * 2 + 3);
	if (!label) {
		s->err = CRIBLE_ENOMEM;
		return;
	}
	memcpy(label, parent, pl);
	char *nl = cr_entry_label(nm, len);
	if (!nl) {
		free(label);
		s->err = CRIBLE_ENOMEM;
		return;
	}
	size_t k = strlen(nl);
	memcpy(label + pl, nl, k + 1);
	free(nl);
	s->where[s->nwhere++] = label;
	bool sep = memchr(nm, '/', len) || memchr(nm, '\\', len);
	bool dots = false, ctl = false;
	for (size_t i = 0; i + 1 < len; i++)
		dots |= nm[i] == '.' && nm[i + 1] == '.';
	for (size_t i = 0; i < len; i++)
		ctl |= nm[i] < 0x20 || nm[i] == 0x7f;
	const uint8_t *second = len > 1 ? memchr(nm + 1, ':', len - 1) : NULL;
	if (len == 0 || nm[0] != ':')
		cr_emit(s, F_PATH_ADS, -1, "stream name does not start with ':'");
	else if (sep || dots)
		cr_emit(s, F_PATH_ADS, -1, "NTFS stream name holds %s: WinRAR before 7.13 writes it outside the "
					   "extraction folder (CVE-2025-8088)", sep ? "a path separator" : "\"..\"");
	else if (second)
		cr_emit(s, F_PATH_ADS, -1, "NTFS stream name holds a second ':' (::$DATA, Mark-of-the-Web overwrite)");
	else if (ctl)
		cr_emit(s, F_PATH_ADS, -1, "NTFS stream name holds NUL or control characters");
	else
		cr_emit(s, F_STREAM_NTFS, -1, "NTFS alternate data stream %s, hidden from the WinRAR file list",
			label + pl);
	/* The part after ':' is a path to Windows once the name is appended to the file's: judge it as one. */
	if (len > 1)
		cr_rules_path(s, nm + 1, len - 1, true);
	s->nwhere--;
	if (data && stored)
		cr_scan_child(s, label, data, false);
	else if (data && data->size)
		cr_emit(s, F_CONTAINER_CORRUPT, -1, "compressed stream data of %s: content not inspected", label);
	free(label);
}

/* One file entry: judge it; scan stored data here, leave compressed data to libarchive. */
static void file_entry(struct walk *w, const uint8_t *nm, size_t nl, bool utf8, enum cr_ekind kind,
		       const uint8_t *link, size_t linklen, bool has_mode, uint32_t mode, bool encrypted,
		       bool weak, const struct cr_src *data, bool stored)
{
	struct cr_scan *s = w->s;
	if (!cr_count_entry(s))
		return;
	char *label = cr_entry_label(nm, nl);
	if (!label) {
		s->err = CRIBLE_ENOMEM;
		return;
	}
	s->where[s->nwhere++] = label;
	struct cr_entry e = {.name = nm, .namelen = nl, .utf8 = utf8, .kind = kind, .link = link,
			     .linklen = linklen, .has_mode = has_mode, .mode = mode & 07777};
	cr_rules_entry(s, &w->names, &e);
	if (encrypted) {
		cr_emit(s, F_CONTAINER_ENCRYPTED, -1, "encrypted entry: content not inspected");
		if (weak)
			cr_emit(s, F_CONTAINER_WEAK_CRYPTO, -1, "RAR 2.x/3.x-era encryption");
	}
	s->nwhere--;
	free(w->lastfile);
	w->lastfile = label;
	if (kind == E_FILE && !encrypted && data) {
		if (!stored) {
			w->compressed_data = data->size > 0;
			return;
		}
		if (w->nstored == w->capstored) {
			size_t cap = w->capstored ? w->capstored * 2 : 16;
			struct stored *ns = reallocarray(w->stored, cap, sizeof *ns);
			if (!ns) {
				s->err = CRIBLE_ENOMEM;
				return;
			}
			w->stored = ns;
			w->capstored = cap;
		}
		char *l = strdup(label);
		if (!l) {
			s->err = CRIBLE_ENOMEM;
			return;
		}
		w->stored[w->nstored++] = (struct stored){l, *data};
	}
}

/* --- RAR5 --------------------------------------------------------------- */

static void walk5(struct walk *w, uint64_t pos)
{
	struct cr_scan *s = w->s;
	const struct cr_obj *o = w->o;
	uint64_t size = o->view->size;
	uint8_t *h = NULL;
	while (!cr_stopped(s) && pos < size) {
		uint8_t pre[7];
		size_t pn = size - pos < 7 ? (size_t)(size - pos) : 7;
		if (pn < 5 || !cr_view_read(o->view, pos, pre, pn)) {
			cr_emit(s, F_CONTAINER_CORRUPT, -1, "truncated header at offset %llu", (unsigned long long)pos);
			break;
		}
		struct cr_cur c;
		cur_init(&c, pre + 4, pn - 4);
		uint64_t hsize;
		size_t before = cur_left(&c);
		if (!cur_vint(&c, &hsize) || before - cur_left(&c) > 3 || hsize == 0 || hsize > MAX_HEADER5) {
			cr_emit(s, F_CONTAINER_CORRUPT, -1, "bad header size at offset %llu", (unsigned long long)pos);
			break;
		}
		size_t vlen = before - cur_left(&c);
		uint64_t hstart = pos + 4 + vlen;
		if (hsize > size - hstart) {
			cr_emit(s, F_CONTAINER_CORRUPT, -1, "header at offset %llu runs past the end",
				(unsigned long long)pos);
			break;
		}
		free(h);
		h = malloc((size_t)hsize + vlen);
		if (!h) {
			s->err = CRIBLE_ENOMEM;
			break;
		}
		if (!cr_view_read(o->view, pos + 4, h, vlen + (size_t)hsize)) {
			cr_emit(s, F_CONTAINER_CORRUPT, -1, "header cannot be read");
			break;
		}
		uint32_t crc = (uint32_t)pre[0] | (uint32_t)pre[1] << 8 | (uint32_t)pre[2] << 16 | (uint32_t)pre[3] << 24;
		bool crc_ok = (uint32_t)crc32(0, h, (unsigned)(vlen + hsize)) == crc;
		struct cr_cur b;
		cur_init(&b, h + vlen, (size_t)hsize);
		uint64_t type, flags, extra = 0, dsize = 0;
		if (!cur_vint(&b, &type) || !cur_vint(&b, &flags) || ((flags & 1) && !cur_vint(&b, &extra)) ||
		    ((flags & 2) && !cur_vint(&b, &dsize)) || extra > cur_left(&b)) {
			cr_emit(s, F_CONTAINER_CORRUPT, -1, "malformed header at offset %llu", (unsigned long long)pos);
			break;
		}
		uint64_t data = hstart + hsize;
		if (dsize > size - data) {
			cr_emit(s, F_CONTAINER_CORRUPT, -1, "data of the header at offset %llu runs past the end",
				(unsigned long long)pos);
			break;
		}
		if (!crc_ok)
			cr_emit(s, F_CONTAINER_CORRUPT, -1, "header CRC mismatch at offset %llu", (unsigned long long)pos);
		/* extra <= what is left (checked above): the extra area is the header's tail. */
		struct cr_cur ex = {NULL, 0}, fields = {NULL, 0};
		cur_window(&b, &ex, cur_left(&b) - (size_t)extra, (size_t)extra);
		cur_window(&b, &fields, 0, cur_left(&b) - (size_t)extra);

		if (type == 4) {
			w->encrypted_headers = true;
			cr_emit(s, F_CONTAINER_ENCRYPTED, -1, "encrypted headers: names and content cannot be inspected");
			break;
		}
		if (type == 5) {
			uint64_t end = data + dsize;
			if (end < size)
				cr_emit(s, F_CONTAINER_TRAILING, -1, "%llu bytes after the end of the archive",
					(unsigned long long)(size - end));
			break;
		}
		if (type == 2 || type == 3) {
			uint64_t fflags, usize, attr, comp, host, nlen;
			const uint8_t *nm;
			if (!cur_vint(&fields, &fflags) || !cur_vint(&fields, &usize) || !cur_vint(&fields, &attr) ||
			    ((fflags & 2) && !cur_skip(&fields, 4)) || ((fflags & 4) && !cur_skip(&fields, 4)) ||
			    !cur_vint(&fields, &comp) || !cur_vint(&fields, &host) || !cur_vint(&fields, &nlen) ||
			    nlen > cur_left(&fields) || !cur_bytes(&fields, &nm, (size_t)nlen)) {
				cr_emit(s, F_CONTAINER_CORRUPT, -1, "malformed file header at offset %llu",
					(unsigned long long)pos);
				break;
			}
			/* Extra records: encryption, redirection, service data. */
			bool encrypted = false;
			uint64_t rtype = 0;
			const uint8_t *link = NULL, *sdata = NULL;
			size_t linklen = 0, sdlen = 0;
			while (cur_left(&ex) > 0) {
				uint64_t rs, rt;
				struct cr_cur r;
				if (!cur_vint(&ex, &rs) || rs > cur_left(&ex) || !cur_sub(&ex, &r, (size_t)rs) ||
				    !cur_vint(&r, &rt))
					break;
				if (rt == 0x01) {
					encrypted = true;
				} else if (rt == 0x05) {
					uint64_t rf, ln;
					if (cur_vint(&r, &rtype) && cur_vint(&r, &rf) && cur_vint(&r, &ln) &&
					    ln <= cur_left(&r) && ln <= MAX_LINK && cur_bytes(&r, &link, (size_t)ln))
						linklen = (size_t)ln;
					else
						link = NULL;
				} else if (rt == 0x07) {
					sdata = r.p;
					sdlen = r.len;
				}
			}
			unsigned method = (unsigned)(comp >> 7) & 7;
			struct cr_src d;
			bool have = cr_src_slice(o->src, data, dsize, &d);
			if (type == 2) {
				enum cr_ekind kind = (fflags & 1) ? E_DIR : E_FILE;
				if (link && (rtype == 1 || rtype == 2 || rtype == 3))
					kind = E_SYMLINK;
				else if (link && (rtype == 4 || rtype == 5))
					kind = E_HARDLINK;
				bool unix_mode = host == 1;
				if (unix_mode && kind == E_FILE && ((attr & 0170000) == 0020000 || (attr & 0170000) == 0060000))
					kind = E_DEVICE;
				file_entry(w, nm, (size_t)nlen, true, kind, link, linklen, unix_mode, (uint32_t)attr,
					   encrypted, false, have ? &d : NULL, method == 0);
			} else if (nlen == 3 && !memcmp(nm, "STM", 3)) {
				stream(w, sdata ? sdata : (const uint8_t *)"", sdlen, have && !encrypted ? &d : NULL,
				       method == 0);
			}
		}
		uint64_t next = data + dsize;
		if (next <= pos)
			break;
		pos = next;
	}
	free(h);
}

/* --- RAR4 --------------------------------------------------------------- */

static void walk4(struct walk *w, uint64_t pos)
{
	struct cr_scan *s = w->s;
	const struct cr_obj *o = w->o;
	uint64_t size = o->view->size;
	uint8_t h[65536];
	while (!cr_stopped(s) && pos < size) {
		if (size - pos < 7 || !cr_view_read(o->view, pos, h, 7)) {
			cr_emit(s, F_CONTAINER_CORRUPT, -1, "truncated header at offset %llu", (unsigned long long)pos);
			break;
		}
		struct cr_cur c;
		cur_init(&c, h, 7);
		uint16_t crc, flags, hsize;
		uint8_t type = h[2];
		cur_peek_u16le(&c, 0, &crc);
		cur_peek_u16le(&c, 3, &flags);
		cur_peek_u16le(&c, 5, &hsize);
		if (hsize < 7 || hsize > size - pos || !cr_view_read(o->view, pos, h, hsize)) {
			cr_emit(s, F_CONTAINER_CORRUPT, -1, "bad header size at offset %llu", (unsigned long long)pos);
			break;
		}
		cur_init(&c, h, hsize);
		uint32_t add = 0;
		if ((flags & 0x8000) && !cur_peek_u32le(&c, 7, &add)) {
			cr_emit(s, F_CONTAINER_CORRUPT, -1, "truncated header at offset %llu", (unsigned long long)pos);
			break;
		}
		if (((uint32_t)crc32(0, h + 2, hsize - 2) & 0xffff) != crc && type != 0x72)
			cr_emit(s, F_CONTAINER_CORRUPT, -1, "header CRC mismatch at offset %llu", (unsigned long long)pos);
		uint64_t data = pos + hsize, dsize = add;
		if (type == 0x74 || type == 0x7a) {
			uint32_t pack, unp, attr, hp = 0;
			uint16_t nl;
			uint8_t host, ver, method;
			if (!cur_peek_u32le(&c, 7, &pack) || !cur_peek_u32le(&c, 11, &unp) || !cur_peek_u32le(&c, 28, &attr) ||
			    !cur_peek_u16le(&c, 26, &nl) || hsize < 32) {
				cr_emit(s, F_CONTAINER_CORRUPT, -1, "malformed file header at offset %llu",
					(unsigned long long)pos);
				break;
			}
			host = h[15];
			ver = h[24];
			method = h[25];
			size_t noff = 32;
			if (flags & 0x100) {
				if (!cur_peek_u32le(&c, 32, &hp)) {
					cr_emit(s, F_CONTAINER_CORRUPT, -1, "truncated header");
					break;
				}
				noff = 40;
			}
			dsize = (uint64_t)hp << 32 | pack;
			if (noff + nl > hsize) {
				cr_emit(s, F_CONTAINER_CORRUPT, -1, "name runs past its header at offset %llu",
					(unsigned long long)pos);
				break;
			}
			const uint8_t *nm = h + noff;
			size_t nmlen = nl;
			uint16_t u16[2048];
			uint8_t u8[2048 * 4];
			bool utf8 = false;
			if (type == 0x74 && (flags & 0x200)) {
				/* OEM name, NUL, compressed Unicode; no NUL means the whole field is UTF-8. */
				const uint8_t *z = memchr(nm, 0, nl);
				if (z) {
					size_t ol = (size_t)(z - nm);
					size_t un = rar_unicode(nm, ol, z + 1, nl - ol - 1, u16, 2048);
					nmlen = utf16_to_utf8(u16, un, u8);
					nm = u8;
				}
				utf8 = true;
			}
			if (dsize > size - data) {
				cr_emit(s, F_CONTAINER_CORRUPT, -1, "data of the header at offset %llu runs past the end",
					(unsigned long long)pos);
				break;
			}
			struct cr_src d;
			bool have = cr_src_slice(o->src, data, dsize, &d);
			bool encrypted = flags & 0x04;
			if (type == 0x74) {
				enum cr_ekind kind = (flags & 0xe0) == 0xe0 ? E_DIR : E_FILE;
				bool unix_host = host == 3 || host == 5;
				uint8_t target[MAX_LINK];
				size_t tl = 0;
				if (unix_host && (attr & 0170000) == 0120000) {
					kind = E_SYMLINK;
					/* The target is the (stored) data. */
					tl = dsize < MAX_LINK ? (size_t)dsize : MAX_LINK;
					if (method != 0x30 || !cr_view_read(o->view, data, target, tl))
						tl = 0;
				} else if (unix_host && ((attr & 0170000) == 0020000 || (attr & 0170000) == 0060000)) {
					kind = E_DEVICE;
				}
				/* All RAR4 encryption is of the RAR 2.x/3.x era. */
				(void)ver;
				file_entry(w, nm, nmlen, utf8, kind, kind == E_SYMLINK ? target : NULL, tl, unix_host,
					   attr, encrypted, true, have ? &d : NULL, method == 0x30);
			} else if (nl == 3 && !memcmp(nm, "STM", 3)) {
				/* SubData: after the name, before the salt; a UTF-16LE stream name. */
				size_t sd = noff + nl, se = hsize - ((flags & 0x400) ? 8 : 0);
				size_t units = se > sd ? (se - sd) / 2 : 0;
				if (units > 2048)
					units = 2048;
				for (size_t i = 0; i < units; i++)
					u16[i] = (uint16_t)(h[sd + 2 * i] | h[sd + 2 * i + 1] << 8);
				size_t l8 = utf16_to_utf8(u16, units, u8);
				stream(w, u8, l8, have && !encrypted ? &d : NULL, method == 0x30);
			}
		} else if (type == 0x73) {
			if (flags & 0x80) {
				w->encrypted_headers = true;
				cr_emit(s, F_CONTAINER_ENCRYPTED, -1, "encrypted headers: names and content cannot be inspected");
				cr_emit(s, F_CONTAINER_WEAK_CRYPTO, -1, "RAR 2.x/3.x-era encryption");
				break;
			}
		} else if (type == 0x7b) {
			uint64_t end = pos + hsize;
			if (end < size)
				cr_emit(s, F_CONTAINER_TRAILING, -1, "%llu bytes after the end of the archive",
					(unsigned long long)(size - end));
			break;
		}
		uint64_t next = data + dsize;
		if (next <= pos || next > size) {
			if (next > size)
				cr_emit(s, F_CONTAINER_CORRUPT, -1, "block at offset %llu runs past the end",
					(unsigned long long)pos);
			break;
		}
		pos = next;
	}
}

void cr_walk_rar(struct cr_scan *s, const struct cr_obj *o, uint64_t start)
{
	uint8_t sig[8];
	if (!cr_view_read(o->view, start, sig, 7))
		return;
	struct walk w = {.s = s, .o = o};
	cr_names_init(&w.names);
	bool v5 = cr_view_read(o->view, start, sig, 8) && !memcmp(sig, "Rar!\x1a\x07\x01\x00", 8);
	if (start > 0)
		cr_emit(s, F_CONTAINER_PREPENDED, -1, "%llu bytes before the archive (a self-extractor stub?)",
			(unsigned long long)start);
	if (v5)
		walk5(&w, start + 8);
	else
		walk4(&w, start + 7);
	cr_names_free(&w.names);
	free(w.lastfile);
	/*
	 * File data: libarchive's decoder reads every entry when one is
	 * compressed (solid archives need the whole stream anyway); otherwise
	 * the stored entries are scanned here, zero copy.
	 */
	if (w.compressed_data && !w.encrypted_headers && !cr_stopped(s))
		cr_libarchive_rar_data(s, o, v5 ? T_RAR5 : T_RAR4);
	for (size_t i = 0; i < w.nstored; i++) {
		if (!w.compressed_data)
			cr_scan_child(s, w.stored[i].label, &w.stored[i].data, false);
		free(w.stored[i].label);
	}
	free(w.stored);
}
