#!/usr/bin/env python3
"""Walking a TAR while its stream decodes, against the walk after: the same JSON, byte for byte.

    test_pipeline.py CRIBLE CRIBLE_GEN

Compressed tarballs (gzip, bzip2, xz) are scanned twice: `crible scan
-j 1` (one thread: decode, then walk) and with the pipeline on for every
stream (CRIBLE_PIPELINE_MIN=0, three helpers), where the decoder runs on
a helper and the TAR is walked as it grows (core/pipeline.c).  Among
them, the cases where the walk ahead must not stand in for the walk:
a first block whose checksum holds but which identification does not
call a TAR, a stream stopped by the size limit, a walk that meets the
entry limit; and the ones where it must: a stream cut short (what was
decoded is walked), a ZIP appended to the TAR (another reading, walked
after), tarballs inside tarballs.  Then again under limits.  The
pipeline's counters prove each path ran.
"""
import bz2
import gzip
import io
import json
import lzma
import os
import re
import subprocess
import sys
import tarfile
import tempfile
import zipfile

from harness import EICAR, gen_samples, tar_add

CRIBLE, GEN = sys.argv[1], sys.argv[2]
ENV = dict(os.environ, CRIBLE_PIPELINE_MIN="0", CRIBLE_PIPELINE_STATS="1", CRIBLE_PARALLEL_MIN="0",
           CRIBLE_ENTRY_HELPERS="3")
failures = 0
stats = [0, 0, 0]  # walked ahead, taken, walked again


def scan(path, extra, pipeline, env=None):
    args = [CRIBLE, "scan", "--json"] + extra + [path]
    if not pipeline:
        args[2:2] = ["-j", "1"]
    p = subprocess.run(args, capture_output=True, env=(env or ENV) if pipeline else None, timeout=120)
    m = re.search(rb"crible pipeline: (\d+) walked ahead, (\d+) taken, (\d+) walked again", p.stderr)
    if pipeline and m:
        for i in range(3):
            stats[i] += int(m.group(i + 1))
    return p.returncode, p.stdout, [int(x) for x in m.groups()] if m else [0, 0, 0]


def compare(path, extra):
    global failures
    a, b = scan(path, extra, False)[:2], scan(path, extra, True)[:2]
    if a != b:
        failures += 1
        print(f"DIFFERENT {os.path.basename(path)} {' '.join(extra)}\n  one thread: {a}\n  pipeline:   {b}")


def tar_bytes(members, fmt=tarfile.PAX_FORMAT):
    b = io.BytesIO()
    with tarfile.open(fileobj=b, mode="w", format=fmt) as tf:
        for name, data in members:
            tar_add(tf, name, data)
    return b.getvalue()


def expect(path, extra, counts, ids=None):
    """Scans with the pipeline; checks its counters (ahead, taken, again) and, when given, finding ids among its own."""
    global failures
    code, out, got = scan(path, extra, True)
    found = sorted({x["id"] for x in json.loads(out)["findings"]}) if out else []
    if got != counts or (ids is not None and not set(ids) <= set(found)):
        failures += 1
        print(f"{os.path.basename(path)} {' '.join(extra)}: pipeline {got}, want {counts}; findings {found}, want {ids}")


def main():
    global failures
    with tempfile.TemporaryDirectory() as tmp:
        P = lambda n: os.path.join(tmp, n)
        samples = gen_samples(GEN, tmp)
        every = [("s/" + os.path.basename(s), open(s, "rb").read()) for s in samples]
        hostile = [("a/../../../etc/cron.d/job", b"* * * * * root sh -c id\n"), ("a/eicar.txt", EICAR)]
        tars = []
        # Every sample in one TAR, compressed three ways.
        raw = tar_bytes(every)
        for ext, comp in (("gz", gzip.compress), ("bz2", bz2.compress), ("xz", lzma.compress)):
            with open(P("all-samples.tar." + ext), "wb") as f:
                f.write(comp(raw))
            tars.append(P("all-samples.tar." + ext))
        # A thousand members, the hostile ones among them, tarballs inside.
        inner = gzip.compress(tar_bytes(hostile + [("a/note.txt", b"plain text\n" * 2000)]))
        members = []
        for i in range(1000):
            if i % 131 == 7:
                members.append((f"d/{i}/bundle.tar.gz", inner))
            elif i % 211 == 5:
                members.append((f"d/{i}/page.html", b"<html><script>alert(1)</script></html>"))
            else:
                members.append((f"d/{i}/note-{i}.txt", (f"line {i}\n" * (i % 50 + 1)).encode()))
        with open(P("thousand.tar.gz"), "wb") as f:
            f.write(gzip.compress(tar_bytes(members, tarfile.GNU_FORMAT)))
        tars.append(P("thousand.tar.gz"))
        expect(P("thousand.tar.gz"), [], [1, 1, 0], ["html.script", "path.traversal", "sig.eicar"])
        # Cut short: what was decoded is what any reader has, and the walk ahead walked just that.
        whole = open(P("thousand.tar.gz"), "rb").read()
        with open(P("cut.tar.gz"), "wb") as f:
            f.write(whole[:len(whole) // 2])
        tars.append(P("cut.tar.gz"))
        expect(P("cut.tar.gz"), [], [1, 1, 0])
        # A ZIP after the TAR: another reading, walked after the one the walk ahead stands in for.
        z = io.BytesIO()
        with zipfile.ZipFile(z, "w") as zf:
            zf.writestr("../../evil.txt", b"x" * 100)
        with open(P("tar-then-zip.tar.gz"), "wb") as f:
            f.write(gzip.compress(tar_bytes([("a/big.txt", b"text\n" * 40000)] + hostile) + z.getvalue()))
        tars.append(P("tar-then-zip.tar.gz"))
        expect(P("tar-then-zip.tar.gz"), [], [1, 1, 0], ["path.traversal", "sig.eicar", "type.polyglot"])
        # A first block whose checksum holds, with no magic and a mode that is no number: not a TAR to
        # identification, so the walk ahead is dropped and the object judged as what it is.
        blk = bytearray(tar_bytes([("x", b"y" * 10)], tarfile.USTAR_FORMAT)[:512])
        blk[257:265] = b"\0" * 8
        blk[100:108] = b"zzzzzzz\0"
        blk[148:156] = b" " * 8
        blk[148:156] = b"%06o\0 " % sum(blk)
        with open(P("not-a-tar.gz"), "wb") as f:
            f.write(gzip.compress(bytes(blk) + b"plain text after it\n" * 5000))
        tars.append(P("not-a-tar.gz"))
        expect(P("not-a-tar.gz"), [], [1, 0, 1])
        # A stream that is no TAR at all: no walk ahead.
        with open(P("text.gz"), "wb") as f:
            f.write(gzip.compress(b"just some text\n" * 100000))
        tars.append(P("text.gz"))
        expect(P("text.gz"), [], [0, 0, 0])
        # The size limit stops the decoder past the first window: the stream is not scanned, whatever
        # was walked ahead.
        expect(P("thousand.tar.gz"), ["--max-size", "600000"], [1, 0, 1], ["bomb.size"])
        # The entry limit stops the walk ahead: the walk after places bomb.count.
        expect(P("thousand.tar.gz"), ["--max-entries", "150"], [1, 0, 1], ["bomb.count"])
        # At the real threshold (4 MiB of compressed stream), beside the top-level hash.
        big = P("large.tar.gz")
        with tarfile.open(big, "w:gz", compresslevel=1) as tf:
            tar_add(tf, "data/noise.bin", os.urandom(6 << 20))
            for name, data in hostile:
                tar_add(tf, name, data)
        tars.append(big)
        code, out, got = scan(big, [], True, dict(os.environ, CRIBLE_PIPELINE_STATS="1"))
        ids = sorted({x["id"] for x in json.loads(out)["findings"]})
        if code != 1 or ids != ["path.traversal", "sig.eicar"] or got != [1, 1, 0] or not json.loads(out).get("sha256"):
            failures += 1
            print(f"large.tar.gz: exit {code}, findings {ids}, pipeline {got}")
        for f in tars:
            compare(f, [])
        for lim in (["--max-entries", "7"], ["--max-entries", "600"], ["--max-size", "20000"],
                    ["--max-size", "600000"], ["--max-depth", "2"], ["--max-ratio", "3"]):
            for f in tars:
                compare(f, lim)
    print(f"pipeline: {stats[0]} walked ahead, {stats[1]} taken, {stats[2]} walked again; {failures} different")
    assert stats[1] > 10 and stats[2] > 5, "the walks ahead were not both taken and dropped"
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
