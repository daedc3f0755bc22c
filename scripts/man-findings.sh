#!/usr/bin/env bash
# Rewrites the FINDINGS section of docs/crible.1 from the id table
# (src/lib/core/findings.c) through `crible explain --man`.
# usage: scripts/man-findings.sh [build/crible]
set -euo pipefail
crible=${1:-build/crible}
man=$(dirname "$0")/../docs/crible.1
section=$("$crible" explain --man)
python3 - "$man" "$section" <<'PY'
import sys
path, section = sys.argv[1], sys.argv[2]
lines = open(path, encoding="utf-8").read().split("\n")
start = lines.index(".SH FINDINGS")
end = next(i for i in range(start + 1, len(lines)) if lines[i].startswith(".SH "))
lines[start:end] = section.rstrip("\n").split("\n")
open(path, "w", encoding="utf-8").write("\n".join(lines))
PY
