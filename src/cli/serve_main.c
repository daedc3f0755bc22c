/*
 * serve_main.c - crible-serve, the daemon: what `crible serve` runs.
 *
 * The daemon is its own program because it alone needs libmicrohttpd
 * and, through it, GnuTLS and its eight libraries: linked into the
 * command, their loading and constructors cost every `crible scan` about
 * 9 ms before the first byte was read (docs/benchmarks.md).
 */
#include "cli.h"

int main(int argc, char **argv) { return cmd_serve(argc, argv); }
