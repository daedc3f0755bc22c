#!/usr/bin/env python3
"""A ZIP directory streamed from the file against one held in memory: the same JSON, byte for byte.

    test_zipstream.py CRIBLE CRIBLE_GEN [bound|no-bound]

A large central directory is read record by record, twice, instead of
held (formats/zip.c, stream_dir); any directory it cannot stream (out of
order, two entries at one offset, a record cut by the directory's end)
is held as before.  Every generated sample and the ZIPs made here are
scanned with the default (only directories of 4 MiB and more, from a
descriptor) and with CRIBLE_ZIP_STREAM_MIN=0 (every directory, in memory
too), and the results compared.  The counters prove both paths ran; a
million-entry archive's peak memory proves the point of it (under 64 MB,
checked unless `no-bound`: a sanitizer's shadow memory is no measure).
"""
import io
import json
import os
import re
import struct
import subprocess
import sys
import tempfile
import zipfile

from harness import EICAR, gen_samples

CRIBLE, GEN = sys.argv[1], sys.argv[2]
BOUND = len(sys.argv) < 4 or sys.argv[3] != "no-bound"
STREAM = dict(os.environ, CRIBLE_ZIP_STREAM_MIN="0", CRIBLE_ZIP_STATS="1")
failures = 0
streamed = held = 0


def scan(path, extra=(), env=None):
    global streamed, held
    p = subprocess.run([CRIBLE, "scan", "--json"] + list(extra) + [path], capture_output=True, env=env, timeout=300)
    m = re.search(rb"crible zip: (\d+) directories streamed, (\d+) held", p.stderr)
    if m:
        streamed += int(m.group(1))
        held += int(m.group(2))
    return p.returncode, p.stdout


def compare(path, extra=()):
    global failures
    a, b = scan(path, extra), scan(path, extra, STREAM)
    if a != b:
        failures += 1
        print(f"DIFFERENT {os.path.basename(path)} {' '.join(extra)}\n  held:     {a}\n  streamed: {b}")


def zbytes(entries, method=zipfile.ZIP_STORED):
    b = io.BytesIO()
    with zipfile.ZipFile(b, "w", method) as zf:
        for name, data in entries:
            zf.writestr(name, data)
    return bytearray(b.getvalue())


def eocd(z):
    e = z.rfind(b"PK\5\6")
    n, size, off = struct.unpack_from("<HII", z, e + 10)
    return e, n, size, off


def main():
    global failures
    eicar = EICAR
    with tempfile.TemporaryDirectory() as tmp:
        P = lambda n: os.path.join(tmp, n)
        files = gen_samples(GEN, tmp)
        base = [(f"n/{i}.txt", f"note {i}\n".encode()) for i in range(200)]
        base += [("../../evil.txt", b"x" * 100), ("eicar.com", eicar)]
        # Entries out of directory order: held.
        z = zbytes(base)
        e, n, size, off = eocd(z)
        recs, p = [], off
        while p < off + size:
            nl, el, cl = struct.unpack_from("<HHH", z, p + 28)
            recs.append(bytes(z[p:p + 46 + nl + el + cl]))
            p += 46 + nl + el + cl
        recs[3], recs[4] = recs[4], recs[3]
        z[off:off + size] = b"".join(recs)
        open(P("out-of-order.zip"), "wb").write(z)
        files.append(P("out-of-order.zip"))
        # Two directory entries at one local header (a bomb's shape): held.
        z = zbytes(base)
        e, n, size, off = eocd(z)
        second = off + 46 + struct.unpack_from("<H", z, off + 28)[0] + sum(struct.unpack_from("<HH", z, off + 30))
        z[second + 42:second + 46] = z[off + 42:off + 46]
        open(P("shared-offset.zip"), "wb").write(z)
        files.append(P("shared-offset.zip"))
        # A bad signature half-way through the directory, a wrong count, overlapping data: streamed, same findings.
        z = zbytes(base)
        e, n, size, off = eocd(z)
        p = off
        for _ in range(100):
            nl, el, cl = struct.unpack_from("<HHH", z, p + 28)
            p += 46 + nl + el + cl
        z[p:p + 4] = b"PX\1\2"
        open(P("bad-signature.zip"), "wb").write(z)
        z = zbytes(base)
        e, n, size, off = eocd(z)
        struct.pack_into("<H", z, e + 10, n + 5)
        struct.pack_into("<H", z, e + 8, n + 5)
        open(P("wrong-count.zip"), "wb").write(z)
        z = zbytes(base)
        e, n, size, off = eocd(z)
        struct.pack_into("<I", z, off + 20, 5000)  # the first entry's compressed size now runs over the next ones
        open(P("overlap.zip"), "wb").write(z)
        # Two archives one after the other: the first one's end record is another directory, checked against
        # the main one, held again quietly for that.
        open(P("two.zip"), "wb").write(bytes(zbytes(base[:50])) + bytes(zbytes(base[50:])))
        files += [P("bad-signature.zip"), P("wrong-count.zip"), P("overlap.zip"), P("two.zip")]
        # Over 32 MiB: read from its descriptor; its directory streamed only with the setting.
        big = P("large.zip")
        with zipfile.ZipFile(big, "w", zipfile.ZIP_STORED) as zf:
            zf.writestr("filler.bin", os.urandom(1 << 20) * 33)
            for name, data in base:
                zf.writestr(name, data)
        files.append(big)
        for f in files:
            compare(f)
        for lim in (["--max-entries", "50"], ["--max-size", "3000"]):
            for f in files[-8:]:
                compare(f, lim)
        # A million entries: the directory is streamed by default, and memory stays flat.
        mil = P("million.zip")
        with open(mil, "wb") as f:
            cd = io.BytesIO()
            off = 0
            for i in range(1000000):
                name = b"e/%07d" % i
                data = b"%015d\n" % i
                crc = zipfile.crc32(data)
                lh = struct.pack("<IHHHHHIIIHH", 0x04034b50, 20, 0, 0, 0, 0, crc, 16, 16, len(name), 0) + name
                f.write(lh + data)
                cd.write(struct.pack("<IHHHHHHIIIHHHHHII", 0x02014b50, 20, 20, 0, 0, 0, 0, crc, 16, 16, len(name), 0,
                                     0, 0, 0, 0, off) + name)
                off += len(lh) + 16
            c = cd.getvalue()
            f.write(c)
            # ZIP64 end record and locator (a million entries do not fit the 16-bit counts), then the end record.
            f.write(struct.pack("<IQHHIIQQQQ", 0x06064b50, 44, 45, 45, 0, 0, 1000000, 1000000, len(c), off))
            f.write(struct.pack("<IIQI", 0x07064b50, 0, off + len(c), 1))
            f.write(struct.pack("<IHHHHIIH", 0x06054b50, 0, 0, 0xffff, 0xffff, 0xffffffff, 0xffffffff, 0))
        p = subprocess.run(["/usr/bin/time", "-f", "%M", CRIBLE, "scan", "--json", "--max-entries", "2000000", mil],
                           capture_output=True, env=dict(os.environ, CRIBLE_ZIP_STATS="1"), timeout=600)
        rss = int(p.stderr.strip().split(b"\n")[-1])
        doc = json.loads(p.stdout)
        if (p.returncode != 0 or doc["findings"] or b"1 directories streamed" not in p.stderr
                or (BOUND and rss > 64 * 1024)):
            failures += 1
            print(f"million.zip: exit {p.returncode}, {len(doc['findings'])} findings, peak {rss} KiB, {p.stderr[-200:]!r}")
        else:
            print(f"million.zip: streamed, peak {rss} KiB")
    print(f"zipstream: {streamed} directories streamed, {held} held; {failures} different")
    assert streamed > 50 and held >= 2, "both readings of a directory did not run"
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
