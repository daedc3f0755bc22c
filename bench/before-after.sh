#!/usr/bin/env bash
# Times an earlier revision of crible beside the current build, in one run
# of each benchmark, so a change's cost is measured on the same machine at
# the same moment.
#
#   bash bench/before-after.sh REV [RUNS] [--instructions-only]
#
# builds REV (release) in a scratch worktree, builds the current tree
# (release) in build-release, and runs bench/ident.py and bench/archives.py
# with --baseline.  Markdown goes to build-release/bench-*.md.
set -euo pipefail
cd "$(dirname "$0")/.."
rev=${1:?usage: bench/before-after.sh REV [RUNS]}
runs=${2:-5}
old=$(mktemp -d /tmp/crible-before.XXXXXX)
git worktree add --detach "$old/src" "$rev" >/dev/null
trap 'git worktree remove --force "$old/src" >/dev/null 2>&1; rm -rf "$old"' EXIT
meson setup "$old/build" "$old/src" --buildtype=release >/dev/null
# The broker too: without it the earlier crible cannot open what libarchive reads, and looks faster.
targets=crible
ninja -C "$old/build" -t targets all | grep -q '^crible-broker:' && targets="crible crible-broker"
# shellcheck disable=SC2086
ninja -C "$old/build" $targets >/dev/null
[ -d build-release ] || meson setup build-release --buildtype=release >/dev/null
ninja -C build-release >/dev/null
if [ "${3:-}" != --instructions-only ]; then
  python3 bench/ident.py --crible build-release/crible --floor build-release/readfloor --runs "$runs" \
    --baseline "$old/build/crible" --markdown build-release/bench-ident.md
  python3 bench/archives.py --crible build-release/crible --gen build-release/tests/crible-gen --runs "$runs" \
    --baseline "$old/build/crible" --markdown build-release/bench-archives.md
fi

# Instructions, not seconds: the same inputs under callgrind, one thread,
# both binaries.  Wall time on a shared 2-core VM moves by 10-30% from one
# minute to the next; instruction counts repeat exactly, so this table is
# the one that shows what the change itself costs.  It counts the
# scanning process (libarchive's workers run in other processes), with
# the time limit lifted so that both scans do all of the work under
# valgrind.
cg() { # cg BINARY ARGS... : instructions executed (crible exits 1 when it blocks: not a failure here)
  { valgrind --tool=callgrind --callgrind-out-file=/dev/null "$@" 2>&1 >/dev/null </dev/null || true; } |
    sed -n 's/.*Collected : \([0-9]*\).*/\1/p' | tail -1
}
b=/tmp/crible-bench
{
  echo "### Instructions (callgrind, -j 1), same inputs, before and after"
  echo
  echo "| input | before | after | after / before |"
  echo "|---|---:|---:|---:|"
  head -600 /tmp/crible-bench-files.txt > "$old/files600"
  while IFS='|' read -r label args; do
    # shellcheck disable=SC2086
    x=$(cg "$old/build/crible" scan -j 1 --timeout 3600000 $args)
    # shellcheck disable=SC2086
    y=$(cg build-release/crible scan -j 1 --timeout 3600000 $args)
    printf '| %s | %s | %s | %.3f |\n' "$label" "$x" "$y" "$(echo "$y / $x" | bc -l)"
  done <<LIST
600 files, --identify|--identify -T $old/files600
600 files, --shallow --json|--shallow --json -T $old/files600
600 files, --json (archives opened)|--json -T $old/files600
100 000-entry ZIP|--json --no-hash $b/entries-100k.zip
100 000 entries named .txt|--json --no-hash $b/named-100k.txt.zip
source release tar.gz|--json $b/source.tar.gz
documentation tar.gz (24 MB of HTML)|--json $b/docs.tar.gz
LIST
} | tee build-release/bench-instructions.md

