#!/usr/bin/env bash
# Times an earlier revision of crible beside the current build, in one run
# of each benchmark, so a change's cost is measured on the same machine at
# the same moment.
#
#   bash bench/before-after.sh REV [RUNS]
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
meson setup "$old/build" "$old/src" --buildtype=release >/dev/null && ninja -C "$old/build" crible >/dev/null
[ -d build-release ] || meson setup build-release --buildtype=release >/dev/null
ninja -C build-release >/dev/null
python3 bench/ident.py --crible build-release/crible --floor build-release/readfloor --runs "$runs" \
  --baseline "$old/build/crible" --markdown build-release/bench-ident.md
python3 bench/archives.py --crible build-release/crible --gen build-release/tests/crible-gen --runs "$runs" \
  --baseline "$old/build/crible" --markdown build-release/bench-archives.md
