#!/usr/bin/env python3
"""Scaling curves: what a crible scan costs as the work grows.

usage: bench/scaling.py [--crible build-release/crible] [--work /tmp/crible-scaling] [--runs 3]
                        [--max-size 1G] [--max-entries 1000000] [--markdown OUT] [--plots DIR]

Four curves, each point the median of --runs (time) and the largest peak
RSS of them (memory), for `crible scan --json`:

  size      one file of 1 KiB to --max-size (pseudo-random bytes, so that
            nothing is cheaper than reading and hashing every one), beside
            `sha256sum` of the same file, the floor of any scan that
            hashes what it reads;
  entries   one ZIP and one TAR of 10 to --max-entries small files;
  depth     a ZIP holding a ZIP holding ... to 1-64 levels (crible's
            nesting limit stops it at its depth, with bomb.depth);
  files     a directory of 1 to 100 000 small files, scanned recursively.

Each curve is also given as cost per unit (per MiB, per entry, per
level, per file): a flat column is linear, a growing one superlinear.
The plots are PNG files drawn by gnuplot (Debian's gnuplot-nox), on log
scales, one per curve.

Every input is built by this script; nothing is downloaded.
"""
import argparse, os, shutil, struct, subprocess, sys, time, zlib

ap = argparse.ArgumentParser()
ap.add_argument("--crible", default="build-release/crible")
ap.add_argument("--work", default="/tmp/crible-scaling")
ap.add_argument("--runs", type=int, default=3)
ap.add_argument("--max-size", default="1G")
ap.add_argument("--max-entries", type=int, default=1000000)
ap.add_argument("--max-files", type=int, default=100000)
ap.add_argument("--markdown")
ap.add_argument("--plots", default="docs/img")
a = ap.parse_args()
crible = os.path.abspath(a.crible)
work = a.work
os.makedirs(work, exist_ok=True)


def parse_size(s):
    mult = {"K": 1 << 10, "M": 1 << 20, "G": 1 << 30}
    return int(s[:-1]) * mult[s[-1].upper()] if s[-1].upper() in mult else int(s)


def measure(argv, runs=None):
    """Median wall seconds and largest peak RSS (KiB) of argv, run --runs times (stdout discarded).

    The peak comes from GNU time: a child forked from this Python would
    count the interpreter's pages it had before exec as its own."""
    times, rss = [], 0
    out = os.path.join(work, "time.out")
    for _ in range(runs or a.runs):
        t0 = time.perf_counter()
        code = subprocess.run(["/usr/bin/time", "-f", "%M", "-o", out] + argv, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL).returncode
        times.append(time.perf_counter() - t0)
        rss = max(rss, int(open(out).read().split()[-1]))
        if code not in (0, 1):
            sys.exit("%s: exit status %d" % (" ".join(argv), code))
    times.sort()
    return times[len(times) // 2], rss


def scan(path, extra=()):
    """A full scan; the time limit is lifted, so that the curve is the work's, not the limit's."""
    return measure([crible, "scan", "--json", "--timeout", "600000"] + list(extra) + [path])


# --- inputs ------------------------------------------------------------------

BLOCK = b"".join(struct.pack("<Q", (i * 0x9E3779B97F4A7C15) & (2**64 - 1)) for i in range(1 << 17))  # 1 MiB


def make_file(path, size):
    if os.path.exists(path) and os.path.getsize(path) == size:
        return
    with open(path, "wb") as f:
        left, k = size, 0
        while left:
            # Each MiB differs from the others (a counter in front), so no pass sees a repeat.
            chunk = (struct.pack("<Q", k) + BLOCK[8:])[:left]
            f.write(chunk)
            left -= len(chunk)
            k += 1


def make_zip(path, n):
    """n stored entries of 16 bytes, written directly (Python's zipfile takes minutes for a million)."""
    if os.path.exists(path):
        return
    data = b"crible scaling\n\n"
    crc = zlib.crc32(data)
    local, central = bytearray(), bytearray()
    zip64 = n >= 0xFFFF
    for i in range(n):
        name = b"d%04d/f%07d.txt" % (i // 1000, i)
        off = len(local)
        local += struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0, 0, 0, 0, crc, len(data), len(data), len(name), 0) + name + data
        central += struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, 0, 0, 0, 0, crc, len(data), len(data),
                               len(name), 0, 0, 0, 0, 0, off) + name
    cd_off, cd_len = len(local), len(central)
    with open(path, "wb") as f:
        f.write(local)
        f.write(central)
        if zip64:
            z64 = cd_off + cd_len
            f.write(struct.pack("<IQHHIIQQQQ", 0x06064B50, 44, 45, 45, 0, 0, n, n, cd_len, cd_off))
            f.write(struct.pack("<IIQI", 0x07064B50, 0, z64, 1))
            f.write(struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, 0xFFFF, 0xFFFF, 0xFFFFFFFF, 0xFFFFFFFF, 0))
        else:
            f.write(struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, n, n, cd_len, cd_off, 0))


def tar_header(name, size):
    h = bytearray(512)
    h[0:len(name)] = name
    h[100:108] = b"0000644\0"
    h[108:116] = b"0000000\0"
    h[116:124] = b"0000000\0"
    h[124:136] = b"%011o\0" % size
    h[136:148] = b"%011o\0" % 0
    h[148:156] = b"        "
    h[156:157] = b"0"
    h[257:265] = b"ustar\x0000"
    h[148:156] = b"%06o\0 " % sum(h)
    return bytes(h)


def make_tar(path, n):
    if os.path.exists(path):
        return
    data = b"crible scaling\n\n"
    pad = data + b"\0" * (512 - len(data))
    with open(path, "wb") as f:
        for i in range(n):
            f.write(tar_header(b"d%04d/f%07d.txt" % (i // 1000, i), len(data)))
            f.write(pad)
        f.write(b"\0" * 1024)


def make_nested(path, depth):
    """A ZIP holding a ZIP ... depth levels, a text file at the bottom (stored, built in memory)."""
    if os.path.exists(path):
        return
    inner = b"the bottom of a nested archive\n"
    name = b"bottom.txt"
    for _ in range(depth):
        crc = zlib.crc32(inner)
        loc = struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0, 0, 0, 0, crc, len(inner), len(inner), len(name), 0) + name
        cen = struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, 0, 0, 0, 0, crc, len(inner), len(inner), len(name),
                          0, 0, 0, 0, 0, 0) + name
        body = loc + inner
        inner = body + cen + struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, 1, 1, len(cen), len(body), 0)
        name = b"inner.zip"
    with open(path, "wb") as f:
        f.write(inner)


def make_dir(path, n):
    if os.path.isdir(path) and sum(len(fs) for _, _, fs in os.walk(path)) == n:
        return
    shutil.rmtree(path, ignore_errors=True)
    for i in range(n):
        d = os.path.join(path, "d%04d" % (i // 1000))
        if i % 1000 == 0:
            os.makedirs(d, exist_ok=True)
        with open(os.path.join(d, "f%07d.txt" % i), "w") as f:
            f.write("crible scaling %d\n" % i)


def steps(lo, hi, factor):
    out, v = [], lo
    while v <= hi:
        out.append(v)
        v *= factor
    return out


# --- the curves ----------------------------------------------------------------

curves = {}


def curve(name, unit, points):
    """points: (x, seconds, peak KiB, extra columns dict)."""
    curves[name] = (unit, points)
    print("%s:" % name, flush=True)
    for x, t, m, extra in points:
        print("  %10d %s  %8.3f s  %8.1f MiB  %s" % (x, unit, t, m / 1024,
                                                  "  ".join("%s %s" % kv for kv in extra.items())), flush=True)


pts = []
for size in steps(1 << 10, parse_size(a.max_size), 16):
    p = os.path.join(work, "size-%d.bin" % size)
    make_file(p, size)
    t, m = scan(p)
    floor, _ = measure(["sha256sum", p])
    pts.append((size, t, m, {"sha256sum s": "%.3f" % floor}))
    if size >= (256 << 20):
        os.unlink(p)  # large inputs are not kept between runs of the script
curve("size", "bytes", pts)

for kind, make in (("zip", make_zip), ("tar", make_tar)):
    pts = []
    for n in steps(10, a.max_entries, 10):
        p = os.path.join(work, "entries-%d.%s" % (n, kind))
        make(p, n)
        t, m = scan(p, ["--max-entries", str(max(n, 100000) * 2)] if n > 100000 else [])
        pts.append((n, t, m, {}))
    curve("entries-" + kind, "entries", pts)

pts = []
for depth in (1, 2, 4, 8, 16, 32, 64):
    p = os.path.join(work, "depth-%d.zip" % depth)
    make_nested(p, depth)
    out = subprocess.run([crible, "scan", "--json", "--timeout", "600000", p], capture_output=True, text=True).stdout
    t, m = scan(p)
    pts.append((depth, t, m, {"stopped (bomb.depth)": "yes" if "bomb.depth" in out else "no"}))
curve("depth", "levels", pts)

pts = []
for n in steps(1, a.max_files, 10):
    p = os.path.join(work, "dir-%d" % n)
    make_dir(p, n)
    t, m = scan(p)
    pts.append((n, t, m, {}))
curve("files", "files", pts)


# --- plots and the table -------------------------------------------------------------

def plot(name, unit, points):
    os.makedirs(a.plots, exist_ok=True)
    dat = os.path.join(work, name + ".dat")
    with open(dat, "w") as f:
        for x, t, m, _ in points:
            f.write("%d %.6f %.3f\n" % (x, t, m / 1024))
    png = os.path.join(a.plots, "scaling-%s.png" % name)
    script = """set terminal pngcairo size 720,420 font ",10"
set output "%s"
set title "crible scan --json: %s"
set logscale x
set logscale y
set xlabel "%s"
set ylabel "seconds"
set y2label "peak RSS (MiB)"
set y2tics
set logscale y2
set key left top
set grid
plot "%s" using 1:2 with linespoints title "time", "%s" using 1:3 axes x1y2 with linespoints title "peak RSS"
""" % (png, name, unit, dat, dat)
    subprocess.run(["gnuplot"], input=script, text=True, check=True)
    return png


md = []
for name, (unit, points) in curves.items():
    png = plot(name, unit, points)
    md.append("### %s\n\n![%s](%s)\n\n" % (name, name, os.path.relpath(png, "docs")))
    per = {"bytes": ("per MiB", 1 << 20), "entries": ("per 1000 entries", 1000), "levels": ("per level", 1),
           "files": ("per 1000 files", 1000)}[unit]
    extra_cols = list(points[0][3].keys())
    md.append("| %s | seconds | %s (ms) | peak RSS |%s\n|---:|---:|---:|---:|%s\n" % (
        unit, per[0], "".join(" %s |" % c for c in extra_cols), "---:|" * len(extra_cols)))
    for x, t, m, extra in points:
        md.append("| %d | %.3f | %.3f | %.1f MiB |%s\n" % (x, t, t * 1000 * per[1] / x, m / 1024,
                                                        "".join(" %s |" % extra[c] for c in extra_cols)))
    md.append("\n")
if a.markdown:
    open(a.markdown, "w").write("".join(md))
