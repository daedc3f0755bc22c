/*
 * layout/tar.h - the tar header fields identification and the walker
 * both read: numbers and the checksum.  The header layout itself is
 * described in formats/tar.c.
 */
#ifndef CR_LAYOUT_TAR_H
#define CR_LAYOUT_TAR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * A numeric field: octal text (leading blanks, ended by NUL or blank), or
 * GNU base-256 when the first byte has bit 7 set (negative values are
 * refused).  Returns 1 with *out set, 0 for an empty field (*out = 0),
 * -1 when the field is not a number.
 */
int cr_tar_num(const uint8_t *p, size_t n, uint64_t *out);

/*
 * A malformed octal field as libarchive still reads it: blanks, an
 * optional '+' (GNU tar and Python take that too), then the octal digits
 * up to the first other byte ("0000000025x" is 21 to bsdtar, while GNU
 * tar skips the header and Python stops).  1 with *out, -1 when there is no digit.
 */
int cr_tar_num_lenient(const uint8_t *p, size_t n, uint64_t *out);

/*
 * Whether a 512-byte block is a tar header by its checksum: the sum of
 * its bytes with the checksum field read as spaces, unsigned or signed
 * (both are seen in the wild).
 */
bool cr_tar_checksum_ok(const uint8_t *b);

#endif
