#!/usr/bin/env python3
"""Archive benchmarks: crible against the tools a user has, side by side in one run.

usage: bench/archives.py [--crible build/crible] [--runs 3] [--work /tmp/crible-bench] [--markdown OUT]

1. Listing a 100 000-entry ZIP: crible scan (which also identifies and
   judges every entry) vs `bsdtar -tf` vs `unzip -l`.
2. A full scan of large tar.gz files vs `gzip -dc > /dev/null`
   (decompression is the floor of any scan of them): a source release,
   and documentation whose nested .gz files crible decompresses too.
3. A recursive scan of a mixed corpus (system files, plus archives built
   from system files) vs `clamscan -r` with archive scanning on.  No
   signature feed is reachable here, so clamscan runs with a one-line
   database: its real cost with the full feed is higher, never lower.
4. The bombs: a nested bomb (40 GB of zeros) and an overlapping-entry bomb
   (Fifield's zbsm.zip when ../shared has it, else our own), time and peak
   memory until crible stops.

Every archive is built by this script from files on the machine.
"""
import argparse, io, os, shutil, subprocess, sys, tarfile, time, zipfile

ap = argparse.ArgumentParser()
ap.add_argument("--crible", default="build/crible")
ap.add_argument("--gen", default="build/tests/crible-gen")
ap.add_argument("--runs", type=int, default=3)
ap.add_argument("--work", default="/tmp/crible-bench")
ap.add_argument("--baseline", help="an earlier crible binary, timed beside the current one on every crible run")
ap.add_argument("--markdown")
a = ap.parse_args()
crible = os.path.abspath(a.crible)
baseline = os.path.abspath(a.baseline) if a.baseline else None
compare = []  # (what, before seconds, after seconds)
# A crible without its broker beside it scans archives in-process: not the program users run.
for b in [x for x in (crible, baseline,) if x]:
    if not os.access(os.path.join(os.path.dirname(os.path.abspath(b)), "crible-broker"), os.X_OK):
        sys.exit("%s: no crible-broker beside it; build the whole tree (bench/before-after.sh does)" % b)


def both(what, args, runs):
    """Times crible with args, and the baseline beside it when there is one."""
    after = best([crible] + args, runs)
    if baseline:
        before = best([baseline] + args, runs)
        compare.append((what, before[0], after[0], before[1], after[1]))
    return after
os.makedirs(a.work, exist_ok=True)
W = lambda *p: os.path.join(a.work, *p)


def timed(cmd, stdout=subprocess.DEVNULL):
    rss_file = W("rss")
    t0 = time.perf_counter()
    p = subprocess.run(["/usr/bin/time", "-f", "%M", "-o", rss_file] + cmd, stdout=stdout,
                       stderr=subprocess.DEVNULL)
    dt = time.perf_counter() - t0
    return dt, int(open(rss_file).read().split()[-1]), p


def best(cmd, runs, shell=False):
    res = []
    for _ in range(runs):
        if shell:
            t0 = time.perf_counter()
            subprocess.run(cmd, shell=True, check=True)
            res.append((time.perf_counter() - t0, 0))
        else:
            dt, rss, _ = timed(cmd)
            res.append((dt, rss))
    res.sort()
    return res[len(res) // 2]


def sample_files(tops, every, limit):
    out = []
    for top in tops:
        for d, dirs, files in os.walk(top):
            dirs.sort()
            for f in sorted(files):
                p = os.path.join(d, f)
                if os.path.isfile(p) and not os.path.islink(p) and os.access(p, os.R_OK):
                    out.append(p)
    return out[::every][:limit]


lines = []
w = lines.append

# 1. 100 000 entries
big = W("entries-100k.zip")
if not os.path.exists(big):
    with zipfile.ZipFile(big, "w", zipfile.ZIP_STORED) as z:
        for i in range(100000):
            z.writestr("dir%03d/file%05d.txt" % (i // 1000, i), "line %d\n" % i)
cr = both("100 000-entry ZIP", ["scan", "--json", "--no-hash", big], a.runs)
bt = best(["bsdtar", "-tf", big], a.runs)
uz = best(["unzip", "-l", big], a.runs)
w("### Listing a 100 000-entry ZIP (%.1f MB)" % (os.path.getsize(big) / 1e6))
w("")
w("| tool | seconds | peak RSS | crible is |")
w("|---|---:|---:|---:|")
w("| crible scan --json (identifies and judges every entry) | %.3f | %.1f MB | |" % (cr[0], cr[1] / 1024))
w("| bsdtar -tf | %.3f | %.1f MB | %.1f× faster |" % (bt[0], bt[1] / 1024, bt[0] / cr[0]))
w("| unzip -l | %.3f | %.1f MB | %.1f× faster |" % (uz[0], uz[1] / 1024, uz[0] / cr[0]))
w("")

# 1b. findings at scale: 100 000 entries that each give a finding, against 100 000 that give none
w("### 100 000 entries, each a finding (named .exe) or none (named .txt)")
w("")
w("| archive | seconds | peak RSS |")
w("|---|---:|---:|")
for ext in (".exe", ".txt"):
    zp = W("named-100k%s.zip" % ext)
    if not os.path.exists(zp):
        with zipfile.ZipFile(zp, "w", zipfile.ZIP_STORED) as z:
            for i in range(100000):
                z.writestr("f%06d%s" % (i, ext), "hello, a note\n")
    r = both("100 000 entries named " + ext, ["scan", "--json", "--no-hash", zp], a.runs)
    w("| 100 000 entries named %s | %.3f | %.1f MB |" % (ext, r[0], r[1] / 1024))
w("")

# 2. large tar.gz files: a source release (the xz-utils case) and documentation full of nested .gz
tarballs = [("source release: /usr/lib/python3.11 and /usr/include", W("source.tar.gz"),
             ("/usr/lib/python3.11", "/usr/include")),
            ("documentation: /usr/share/doc (1 000s of nested .gz and HTML) and /usr/share/perl",
             W("docs.tar.gz"), ("/usr/share/doc", "/usr/share/perl"))]
w("### Full scan of a large tar.gz vs decompression alone")
w("")
# igzip (Debian's isal) is the fastest inflate there is: the bound is 2.5x its time.
igzip = shutil.which("igzip")
w("| tarball | compressed | file data | gzip -dc > /dev/null | igzip -dc > /dev/null | crible scan --json "
  "| vs gzip | vs igzip | crible peak RSS |")
w("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
for label, tgz, tops in tarballs:
    if not os.path.exists(tgz):
        with tarfile.open(tgz, "w:gz", compresslevel=6) as t:
            for top in tops:
                if os.path.isdir(top):
                    t.add(top, recursive=True)
    raw = sum(m.size for m in tarfile.open(tgz).getmembers())
    gz = best("gzip -dc %s > /dev/null" % tgz, a.runs, shell=True)
    ig = best("igzip -dc %s > /dev/null" % tgz, a.runs, shell=True) if igzip else None
    ct = both(label.split(":")[0] + " tar.gz", ["scan", "--json", tgz], a.runs)
    w("| %s | %.0f MB | %.0f MB | %.2f s | %s | %.2f s | **%.2f×** | %s | %.1f MB |" %
      (label, os.path.getsize(tgz) / 1e6, raw / 1e6, gz[0], "%.2f s" % ig[0] if ig else "(no igzip)", ct[0],
       ct[0] / gz[0], "**%.2f×**" % (ct[0] / ig[0]) if ig else "", ct[1] / 1024))
w("")

# 3. mixed corpus vs clamscan
corpus = W("mixed")
if not os.path.isdir(corpus):
    os.makedirs(corpus)
    files = sample_files(["/usr/share", "/usr/lib", "/usr/bin"], 60, 2000)
    for i, p in enumerate(files):
        shutil.copy(p, os.path.join(corpus, "%04d-%s" % (i, os.path.basename(p))))
    # archives of system files: zips, tar.gz, nested
    chunks = [files[i:i + 40] for i in range(0, 400, 40)]
    for k, ch in enumerate(chunks):
        with zipfile.ZipFile(os.path.join(corpus, "bundle%02d.zip" % k), "w", zipfile.ZIP_DEFLATED) as z:
            for p in ch:
                z.write(p, "files/%d-%s" % (len(z.namelist()), os.path.basename(p)))
        with tarfile.open(os.path.join(corpus, "bundle%02d.tar.gz" % k), "w:gz") as t:
            for p in ch:
                t.add(p, "files/" + os.path.basename(p))
    subprocess.run([a.gen, os.path.join(corpus, "generated")], check=True, stdout=subprocess.DEVNULL)
n_files = sum(len(f) for _, _, f in os.walk(corpus))
size = sum(os.path.getsize(os.path.join(d, f)) for d, _, fs in os.walk(corpus) for f in fs)
db = W("bench.ndb")
open(db, "w").write("Crible.Bench.Marker:0:*:6372696265626563686d61726b6572\n")
cs = best(["clamscan", "-r", "--no-summary", "--infected", "--scan-archive=yes", "-d", db, corpus], a.runs)
cc = both("mixed corpus", ["scan", "--json", corpus], a.runs)
w("### Recursive scan of a mixed corpus (%d files, %.0f MB: system files, ZIPs and tar.gz of them, "
  "crible's generated hostile samples)" % (n_files, size / 1e6))
w("")
w("| tool | seconds | peak RSS | crible is |")
w("|---|---:|---:|---:|")
w("| crible scan --json (all cores) | %.3f | %.1f MB | |" % (cc[0], cc[1] / 1024))
w("| clamscan -r --scan-archive=yes, one-signature database | %.3f | %.1f MB | %.1f× faster |" %
  (cs[0], cs[1] / 1024, cs[0] / cc[0]))
w("")

# 4. bombs
bombs = W("bombs")
subprocess.run([a.gen, bombs], check=True, stdout=subprocess.DEVNULL)
w("### Bombs")
w("")
w("| input | size | crible stops after | peak RSS | finding |")
w("|---|---:|---:|---:|---|")
cases = [("nested: ten .zst of 4 GiB zeros in a ZIP (40 GB)", os.path.join(bombs, "bomb-nested.zip"), []),
         ("the same, ratio limit lifted, until 1 GiB", os.path.join(bombs, "bomb-nested.zip"),
          ["--max-ratio", "100000000"]),
         ("overlapping entries (ours, 250 on one kernel)", os.path.join(bombs, "bomb-overlap.zip"), [])]
zbsm = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "shared", "corpus", "files", "zbsm.zip")
if os.path.exists(zbsm):
    cases.append(("zbsm.zip (Fifield, 42 kB → 5.5 GB)", zbsm, []))
ch9 = os.path.join(os.path.dirname(zbsm), "challenge9.zip")
if os.path.exists(ch9):
    cases.append(("challenge9.zip (nested, 10 levels)", ch9, []))
for label, path, extra in cases:
    dt, rss, p = timed([crible, "scan"] + extra + [path], stdout=subprocess.PIPE)
    out = p.stdout.decode(errors="replace").strip().split(") ", 1)[-1]
    w("| %s | %.0f kB | %.2f s | %.1f MB | %s |" % (label, os.path.getsize(path) / 1e3, dt, rss / 1024, out))
if compare:
    w("")
    w("### Before and after, same run (%s vs %s)" % (baseline, crible))
    w("")
    w("| input | before s | after s | after / before | before RSS | after RSS |")
    w("|---|---:|---:|---:|---:|---:|")
    for what, b, n, br, nr in compare:
        w("| %s | %.3f | %.3f | %.3f | %.1f MB | %.1f MB |" % (what, b, n, n / b, br / 1024, nr / 1024))
report = "\n".join(lines) + "\n"
print(report)
if a.markdown:
    open(a.markdown, "w").write(report)
