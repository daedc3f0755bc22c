#!/usr/bin/env python3
"""Identification benchmark: crible against file(1) on the same files, one run.

usage: bench/ident.py [--crible build/crible] [--floor build/readfloor]
                      [--files 10000] [--runs 5] [--markdown OUT]

The file list is every k-th regular file of /usr/share, /usr/lib and
/usr/bin in sorted order (k chosen to give --files files): deterministic,
and the same mix of sizes and types as the trees themselves.  The page
cache is warmed first so every tool reads from memory.

Measured, median of --runs:
  file --mime-type -f LIST            the tool a user would otherwise pick
  crible scan --json -T LIST          full scan, SHA-256 of every byte included
  crible scan --json --no-hash        full scan without the hash
  crible scan --identify -T LIST      identification only
  readfloor LIST                      reading the bytes crible reads, nothing else
  readfloor --hash LIST               reading and SHA-256 hashing every byte, nothing else

Agreement: on files where file(1) names a specific type (not text/plain,
application/octet-stream or inode/x-empty), the share where crible prints
the same MIME name.  Each disagreement is classified with a third opinion,
the extension's MIME type in /etc/mime.types: crible right, file right, or
undecided (no extension, or it names neither).  Agreement is also given
per MIME type file(1) names.  A second figure also counts the files where
crible names, from content, a subtype of file(1)'s type (JAR for ZIP).
"""
import argparse, collections, json, os, resource, subprocess, sys, time

ap = argparse.ArgumentParser()
ap.add_argument("--crible", default="build/crible")
ap.add_argument("--floor", default="build/readfloor")
ap.add_argument("--files", type=int, default=10000)
ap.add_argument("--runs", type=int, default=5)
ap.add_argument("--baseline", help="an earlier crible binary: its runs are timed beside the current one's")
ap.add_argument("--markdown")
a = ap.parse_args()

GENERIC = {"text/plain", "application/octet-stream", "inode/x-empty"}


def pick_files(n):
    out = []
    for top in ("/usr/share", "/usr/lib", "/usr/bin"):
        for d, dirs, files in os.walk(top):
            dirs.sort()
            for f in files:
                p = os.path.join(d, f)
                if os.path.isfile(p) and not os.path.islink(p) and os.access(p, os.R_OK):
                    out.append(p)
    out.sort()
    k = max(1, len(out) // n)
    return out[::k][:n], len(out)


def timed(cmd):
    """Runs cmd under GNU time, returns (wall seconds, peak RSS KiB, stdout bytes).

    GNU time forks a small process, so the child's peak RSS is its own;
    a fork of this Python process would carry Python's pages into it.
    """
    rss_file = "/tmp/crible-bench-rss"
    t0 = time.perf_counter()
    p = subprocess.run(["/usr/bin/time", "-f", "%M", "-o", rss_file] + cmd,
                       stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    dt = time.perf_counter() - t0
    rss = int(open(rss_file).read().split()[-1])
    return dt, rss, p.stdout


def median_run(cmd, runs):
    res = [timed(cmd) for _ in range(runs)]
    res.sort(key=lambda r: r[0])
    mid = res[len(res) // 2]
    return mid[0], max(r[1] for r in res), mid[2]


files, population = pick_files(a.files)
lst = "/tmp/crible-bench-files.txt"
with open(lst, "w") as f:
    f.write("\n".join(files) + "\n")
total = 0
for p in files:  # warm the page cache and count the bytes
    with open(p, "rb") as fh:
        while True:
            b = fh.read(1 << 20)
            if not b:
                break
            total += len(b)

cores = os.cpu_count()
runs = {
    "file --mime-type": ["file", "--mime-type", "-0", "-f", lst],
    "crible scan --json (with SHA-256, archives opened and scanned)": [a.crible, "scan", "--json", "-T", lst],
    "crible scan --json --shallow (with SHA-256, each file alone)": [a.crible, "scan", "--json", "--shallow",
                                                                     "-T", lst],
    "crible scan --json --shallow --no-hash": [a.crible, "scan", "--json", "--shallow", "--no-hash", "-T", lst],
    "crible scan --identify": [a.crible, "scan", "--identify", "-T", lst],
    "read floor (head+tail windows)": [a.floor, lst],
    "hash floor (read + SHA-256 every byte)": [a.floor, "--hash", lst],
}
# A crible without its broker beside it scans archives in-process: not the program users run.
for b in [x for x in (a.crible, a.baseline,) if x]:
    if not os.access(os.path.join(os.path.dirname(os.path.abspath(b)), "crible-broker"), os.X_OK):
        sys.exit("%s: no crible-broker beside it; build the whole tree (bench/before-after.sh does)" % b)
if a.baseline:
    # The same crible runs with the earlier binary, interleaved so both see the same machine.
    for name in [n for n in runs if n.startswith("crible ")]:
        runs["before: " + name] = [a.baseline] + runs[name][1:]
results = {}
for name, cmd in runs.items():
    results[name] = median_run(cmd, a.runs)

# Agreement, from file's output and crible's JSON.
fmime = {}
for rec in results["file --mime-type"][2].split(b"\n"):
    if b"\0" in rec:
        path, mime = rec.split(b"\0", 1)
        fmime[path.decode("utf-8", "surrogateescape")] = mime.decode().lstrip(": ").strip()
cmime = {}
for line in results["crible scan --json --shallow (with SHA-256, each file alone)"][2].splitlines():
    o = json.loads(line)
    if "type" in o:
        cmime[o["path"]] = o["type"]["mime"]

extmime = {}
for line in open("/etc/mime.types"):
    parts = line.split()
    if parts and not parts[0].startswith("#"):
        for e in parts[1:]:
            extmime.setdefault(e.lower(), parts[0])

specific = [p for p in files if fmime.get(p) not in GENERIC and p in fmime and p in cmime]
agree = [p for p in specific if fmime[p] == cmime[p]]
# Where crible names a subtype of file(1)'s type, from content (a JAR is a ZIP whose
# META-INF/MANIFEST.MF crible found; file(1) says java-archive only when the first
# entry carries the jar tool's 0xCAFE marker), the answer refines file(1)'s and does
# not contradict it.  Counted apart, so the strict figure stays visible.
REFINES = {("application/zip", "application/java-archive")}
refined = [p for p in specific if (fmime[p], cmime[p]) in REFINES]
dis = collections.Counter()
verdicts = collections.Counter()
examples = {}
for p in specific:
    if fmime[p] == cmime[p]:
        continue
    ext = os.path.splitext(p)[1][1:].lower()
    em = extmime.get(ext)
    v = "crible right" if em == cmime[p] else "file right" if em == fmime[p] else "undecided"
    key = (fmime[p], cmime[p], v)
    dis[key] += 1
    verdicts[v] += 1
    examples.setdefault(key, p)

fw, frss, _ = results["file --mime-type"]
lines = []
w = lines.append
w("Files: %d of %d regular files under /usr/share, /usr/lib, /usr/bin (every %d-th, sorted), %.1f MB, "
  "warm page cache; %d cores; median of %d runs." % (len(files), population, max(1, population // a.files),
                                                     total / 1e6, cores, a.runs))
w("")
w("| run | seconds | files/s | vs file(1) | peak RSS |")
w("|---|---:|---:|---:|---:|")
for name, (dt, rss, _) in results.items():
    w("| %s | %.3f | %.0f | %.1f× | %.1f MB |" % (name, dt, len(files) / dt, fw / dt, rss / 1024))
floor = results["read floor (head+tail windows)"][0]
idt = results["crible scan --identify"][0]
w("")
w("- identification only vs the read floor: %.2f× the floor's time" % (idt / floor))
hfloor = results["hash floor (read + SHA-256 every byte)"][0]
w("- shallow scan with SHA-256 vs the hash floor: %.2f× the floor's time; the hash floor alone is %.1f× "
  "faster than file(1), the ceiling for any scan that hashes every byte" %
  (results["crible scan --json --shallow (with SHA-256, each file alone)"][0] / hfloor, fw / hfloor))
w("- agreement with file(1) where it names a specific type: %d / %d = %.2f%% exact; %d / %d = %.2f%% "
  "counting a content-found subtype of file(1)'s type as agreement (%s)" %
  (len(agree), len(specific), 100.0 * len(agree) / max(1, len(specific)), len(agree) + len(refined),
   len(specific), 100.0 * (len(agree) + len(refined)) / max(1, len(specific)),
   ", ".join("%s for %s: %d" % (c, f, sum(1 for p in refined if (fmime[p], cmime[p]) == (f, c)))
             for f, c in sorted(REFINES))))
w("- disagreements by the extension's vote: %s" % ", ".join("%s %d" % kv for kv in sorted(verdicts.items())))
w("")
w("| file(1) says | crible says | extension votes | files | example |")
w("|---|---|---|---:|---|")
for (fm, cm, v), n in dis.most_common():
    w("| %s | %s | %s | %d | `%s` |" % (fm, cm, v, n, examples[(fm, cm, v)]))
w("")
w("Agreement per MIME type file(1) names (every type with a disagreement, and the ten most common):")
w("")
w("| file(1) says | files | crible agrees | agreement |")
w("|---|---:|---:|---:|")
per = collections.Counter(fmime[p] for p in specific)
ok = collections.Counter(fmime[p] for p in agree)
shown = [m for m, _ in per.most_common(10)] + sorted(m for m in per if ok[m] < per[m] and m not in
                                                     [x for x, _ in per.most_common(10)])
for m in shown:
    w("| %s | %d | %d | %.1f%% |" % (m, per[m], ok[m], 100.0 * ok[m] / per[m]))
if a.baseline:
    w("")
    w("Before and after, same run (%s vs %s):" % (a.baseline, a.crible))
    w("")
    w("| run | before s | after s | after / before |")
    w("|---|---:|---:|---:|")
    for name in [n for n in runs if n.startswith("crible ")]:
        b, n_ = results["before: " + name][0], results[name][0]
        w("| %s | %.3f | %.3f | %.3f |" % (name, b, n_, n_ / b))
report = "\n".join(lines) + "\n"
print(report)
if a.markdown:
    with open(a.markdown, "w") as f:
        f.write(report)
