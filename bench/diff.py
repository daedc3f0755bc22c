#!/usr/bin/env python3
"""crible diff against diffoscope on the same package/source pairs, one run.

usage: bench/diff.py [--crible build-release/crible] [--cache DIR] [--runs 5] [--markdown OUT]

Pairs (downloaded into --cache by tests/integration/realdata.py, as the
real-data tests fetch them):
  - the negative controls: four npm packages as `npm pack` fetches them,
    each against its Debian .orig.tar.gz (the upstream tag tarball);
  - the xz-utils 5.4.1 release tarball against the same tree re-packed by GNU tar
    (diffoscope stops at "file vs directory", so both sides are archives).

Both tools read both sides whole and report differences: diffoscope
(Debian's diffoscope-minimal) as text, crible diff as JSON with every
entry judged.  Wall time is the median of --runs, peak RSS the largest
(GNU time).  The issue's bound: crible at least 10x faster on the negative
controls.
"""
import argparse, os, shutil, subprocess, sys, tarfile, tempfile, time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "integration"))
from realdata import NPM_PAIRS, RealData

ap = argparse.ArgumentParser()
ap.add_argument("--crible", default="build-release/crible")
ap.add_argument("--cache", default="build/tests/diff-real-cache")
ap.add_argument("--runs", type=int, default=5)
ap.add_argument("--markdown")
a = ap.parse_args()
if not shutil.which("diffoscope"):
    sys.exit("diffoscope not found: bash scripts/bootstrap.sh --bench installs diffoscope-minimal")

rd = RealData(a.cache)
work = tempfile.mkdtemp(prefix="crible-bench-diff-")
pairs = []
for name, ver, src in NPM_PAIRS:
    p, o = rd.npm_pack(name, ver), rd.orig(src, ver)
    if p and o:
        pairs.append(("%s %s (npm) vs Debian orig" % (name, ver), p, o, True))
    else:
        print("skipped %s: not downloadable here" % name)
xz = rd.orig("xz-utils", "5.4.1")
if xz:
    tree = os.path.join(work, "xz")
    os.makedirs(tree)
    with tarfile.open(xz) as t:
        t.extractall(tree)
    # diffoscope stops at "file vs directory": both sides are archives, the second re-packed by GNU tar.
    retar = os.path.join(work, "xz-5.4.1-retarred.tar.gz")
    subprocess.run(["tar", "-C", tree, "-czf", retar, os.listdir(tree)[0]], check=True)
    pairs.append(("xz-utils 5.4.1 release vs the same tree re-tarred (tar.gz)", xz, retar, False))


def timed(cmd):
    rss = os.path.join(work, "rss")
    t0 = time.perf_counter()
    p = subprocess.run(["/usr/bin/time", "-f", "%M", "-o", rss] + cmd, stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL)
    dt = time.perf_counter() - t0
    return dt, int(open(rss).read().split()[-1]), p.returncode


def median(cmd):
    res = [timed(cmd) for _ in range(a.runs)]
    ts = sorted(r[0] for r in res)
    return ts[len(ts) // 2], max(r[1] for r in res), res[0][2]


lines = ["| pair | diffoscope | crible diff | crible is | peak RSS diffoscope / crible | exit diffoscope / crible |",
         "|---|---:|---:|---:|---:|---:|"]
neg = []
for label, pkg, src, negative in pairs:
    d = median(["diffoscope", "--text", os.devnull, pkg, src])
    c = median([a.crible, "diff", "--json", pkg, src])
    ratio = d[0] / c[0] if c[0] else float("inf")
    if negative:
        neg.append(ratio)
    lines.append("| %s | %.3f s | %.3f s | %.1f× faster | %.1f / %.1f MB | %d / %d |" %
                 (label, d[0], c[0], ratio, d[1] / 1024, c[1] / 1024, d[2], c[2]))
lines.append("")
if neg:
    lines.append("- negative controls: crible diff is %.1f× to %.1f× faster than diffoscope (bound: 10×)" %
                 (min(neg), max(neg)))
out = "\n".join(lines)
print(out)
if a.markdown:
    open(a.markdown, "w").write(out + "\n")
shutil.rmtree(work)
