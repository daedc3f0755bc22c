/*
 * layout/biff.h - the globals of an Excel 97-2003 Workbook stream (BIFF8,
 * MS-XLS): the sheets it declares and whether it is encrypted.
 */
#ifndef CR_LAYOUT_BIFF_H
#define CR_LAYOUT_BIFF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define CR_BIFF_MAX_NAMED 8

struct cr_biff {
	unsigned macro_sheets;		/* BOUNDSHEET of type macro sheet (Excel 4.0, XLM) or VB module */
	char names[CR_BIFF_MAX_NAMED][96];	/* the first ones' names, with their visibility */
	bool encrypted;			/* a FILEPASS record */
	uint16_t enc_type;		/* 0: XOR obfuscation, 1: RC4 */
	bool broken;			/* a record runs past the stream */
};

/* Reads the globals substream (up to its EOF record) of p[0, n). */
void cr_biff_globals(const uint8_t *p, size_t n, struct cr_biff *b);

#endif
