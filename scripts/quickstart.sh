#!/usr/bin/env bash
# The README's first command: installs what is missing, builds crible, and
# scans a folder of generated sample files (disguised executables, scripts
# posing as images, a scripted SVG, EICAR, harmless files) to show the
# verdicts.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh
[ -f build/build.ninja ] || meson setup build --buildtype=release >/dev/null
ninja -C build >/dev/null
rm -rf build/demo
build/tests/crible-gen build/demo >/dev/null
rm -f build/demo/scenarios.tsv

echo
echo "== crible scan build/demo   (one line per file: verdict, real type, deciding findings; a summary at the end)"
build/crible scan build/demo || true

echo
echo "== crible scan -v build/demo/report.pdf   (why: every finding with its detail)"
build/crible scan -v build/demo/report.pdf || true

echo
echo "== crible scan --json --accept image/png build/demo/upload.png   (an upload form that takes PNGs only)"
build/crible scan --json --accept image/png build/demo/upload.png || true

echo
echo "== crible explain exec.script   (what a finding id means)"
build/crible explain exec.script
