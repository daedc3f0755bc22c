/*
 * fuzz_clamd - the clamd command records (src/daemon/clamd.c): framing,
 * the command table, arguments, and the FOUND names of finding ids.
 * Every record in the input is parsed as the supervisor would; a parse
 * must never read past the record, and a name never past its buffer.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../src/daemon/clamd.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > 4 * CLAMD_MAX_RECORD)
		return 0;
	/* An exact-size copy plus the byte the parser may write its NUL into (the supervisor's buffer has it). */
	char *buf = malloc(size + 1);
	if (!buf)
		return 0;
	memcpy(buf, data, size);
	size_t off = 0;
	while (off < size) {
		long end = clamd_record_end(buf + off, size - off);
		if (end < 0)
			break;
		struct clamd_req q = clamd_parse(buf + off, (size_t)end);
		if (q.cmd != CL_UNKNOWN) {
			const char *n = clamd_cmd_name(q.cmd);
			if (!n || (q.arg && (q.arg < buf + off || q.arg > buf + off + (size_t)end)))
				abort();
		}
		char name[32];
		clamd_finding_name(buf + off, name, sizeof name);
		if (strlen(name) >= sizeof name)
			abort();
		off += (size_t)end + 1;
	}
	free(buf);
	return 0;
}
