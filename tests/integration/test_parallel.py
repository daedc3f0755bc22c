#!/usr/bin/env python3
"""Parallel entries against the one-thread walk: the same JSON, byte for byte.

    test_parallel.py CRIBLE CRIBLE_GEN

Every generated sample, and containers of them (a TAR and a stored ZIP
of all samples, a TAR of a thousand members with hostile ones spread
through it), are scanned twice: `crible scan -j 1` (one thread) and with
the entries handed out (CRIBLE_PARALLEL_MIN=0 so that even the smallest
container is, three helpers so that the order is really shaken).  Then
again under limits that stop the walk part way (entries, expanded bytes,
depth, ratio): a group that meets one is called off and the container
walked again on one thread, so the limit's finding lands where the
one-thread walk puts it.  The helpers' counters prove both paths ran.
"""
import io
import json
import os
import re
import resource
import signal
import subprocess
import sys
import tarfile
import tempfile
import zipfile

from harness import EICAR, gen_samples, tar_add

CRIBLE, GEN = sys.argv[1], sys.argv[2]
PAR_ENV = dict(os.environ, CRIBLE_PARALLEL_MIN="0", CRIBLE_ENTRY_HELPERS="3", CRIBLE_PARALLEL_STATS="1")
failures = 0
stats = [0, 0, 0, 0]


def scan(path, extra, parallel):
    args = [CRIBLE, "scan", "--json"] + extra + [path]
    if not parallel:
        args[2:2] = ["-j", "1"]
    p = subprocess.run(args, capture_output=True, env=PAR_ENV if parallel else None, timeout=120)
    if parallel:
        m = re.search(rb"crible parallel: (\d+) groups, (\d+) jobs, (\d+) entries, (\d+) called off", p.stderr)
        for i in range(4):
            stats[i] += int(m.group(i + 1)) if m else 0  # no container: the pool never started
    return p.returncode, p.stdout


def compare(path, extra):
    global failures
    a, b = scan(path, extra, False), scan(path, extra, True)
    if a != b:
        failures += 1
        print(f"DIFFERENT {os.path.basename(path)} {' '.join(extra)}\n  one thread: {a}\n  parallel:   {b}")


def main():
    global failures
    with tempfile.TemporaryDirectory() as tmp:
        samples = gen_samples(GEN, tmp)
        extras = []
        # Every sample as a member of one TAR and of one stored ZIP: each member's scan is a job.
        t = os.path.join(tmp, "all-samples.tar")
        with tarfile.open(t, "w", format=tarfile.GNU_FORMAT) as tf:
            for s in samples:
                tf.add(s, arcname="s/" + os.path.basename(s))
        z = os.path.join(tmp, "all-samples.zip")
        with zipfile.ZipFile(z, "w", zipfile.ZIP_STORED) as zf:
            for s in samples:
                zf.write(s, "s/" + os.path.basename(s))
        extras += [t, z]
        # A thousand members, hostile ones spread through them, nested containers among them.
        inner = io.BytesIO()
        with zipfile.ZipFile(inner, "w", zipfile.ZIP_STORED) as zf:
            zf.writestr("../../evil.txt", b"x" * 300)
            zf.writestr("ok.txt", b"fine\n" * 50)
        gz = io.BytesIO()
        with tarfile.open(fileobj=gz, mode="w:gz") as tf:
            tar_add(tf, "a/run.exe", b"MZ" + b"\0" * 58 + b"\x40\0\0\0" + b"\0" * 64 + b"PE\0\0" + b"\0" * 400)
            tar_add(tf, "a/note.txt", b"plain text\n" * 2000)
        big = os.path.join(tmp, "thousand.tar")
        with tarfile.open(big, "w", format=tarfile.PAX_FORMAT) as tf:
            for i in range(1000):
                if i % 97 == 13:
                    tar_add(tf, f"d/{i}/inner.zip", inner.getvalue())
                elif i % 131 == 7:
                    tar_add(tf, f"d/{i}/bundle.tar.gz", gz.getvalue())
                elif i % 211 == 5:
                    tar_add(tf, f"d/{i}/page.html", b"<html><script>alert(1)</script></html>")
                else:
                    tar_add(tf, f"d/{i}/note-{i}.txt", (f"line {i}\n" * (i % 50 + 1)).encode())
        extras.append(big)
        # Over 32 MiB: walked from its descriptor through the ZIP walker's read-ahead, not from memory.
        large = os.path.join(tmp, "large.zip")
        eicar = EICAR
        with zipfile.ZipFile(large, "w", zipfile.ZIP_STORED) as zf:
            zf.writestr("filler.bin", os.urandom(1 << 20) * 33)
            for i in range(3000):
                zf.writestr(f"n/{i}.txt", f"note {i}\n".encode())
            zf.writestr("../../evil.txt", b"x" * 100)
            zf.writestr("eicar.com", eicar)
            zf.writestr("tampered.txt", b"A" * 500)
            off = zf.getinfo("tampered.txt").header_offset
        with open(large, "r+b") as f:  # its bytes no longer match its CRC-32
            f.seek(off + 30 + len("tampered.txt"))
            f.write(b"B")
        code, out = scan(large, [], True)
        ids = sorted({(x["id"], x["where"][-1]) for x in json.loads(out)["findings"]})
        want = [("container.corrupt", "tampered.txt"), ("path.traversal", "../../evil.txt"), ("sig.eicar", "eicar.com"),
                ("type.mismatch", "eicar.com")]
        if code != 1 or ids != want:
            failures += 1
            print(f"large.zip: exit {code}, findings {ids}, want {want}")
        extras.append(large)
        # A gzip stream over 4 MiB: its spool is written from another thread (io/spool.c).
        tgz = os.path.join(tmp, "large.tar.gz")
        with tarfile.open(tgz, "w:gz", compresslevel=1) as tf:
            tar_add(tf, "data/noise.bin", os.urandom(12 << 20))  # past the 8 MiB kept in memory
            tar_add(tf, "data/../../../etc/cron.d/job", b"* * * * * root sh -c id\n")
            tar_add(tf, "data/eicar.txt", eicar)
        code, out = scan(tgz, [], True)
        ids = sorted({x["id"] for x in json.loads(out)["findings"]})
        if code != 1 or ids != ["path.traversal", "sig.eicar"]:
            failures += 1
            print(f"large.tar.gz: exit {code}, findings {ids}")
        extras.append(tgz)
        # The spool's file cannot grow (RLIMIT_FSIZE): an error, never a verdict.
        def small_files():
            signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
            resource.setrlimit(resource.RLIMIT_FSIZE, (1 << 20, 1 << 20))
        p = subprocess.run([CRIBLE, "scan", "--json", tgz], capture_output=True, preexec_fn=small_files, timeout=120)
        if p.returncode != 2 or b'"error"' not in p.stdout or b'"verdict"' in p.stdout:
            failures += 1
            print(f"large.tar.gz with a 1 MiB file size limit: exit {p.returncode}, {p.stdout[:200]!r} {p.stderr[:200]!r}")
        for f in samples + extras:
            compare(f, [])
        for lim in (["--max-entries", "7"], ["--max-entries", "150"], ["--max-entries", "600"],
                    ["--max-size", "20000"], ["--max-size", "400000"], ["--max-depth", "2"], ["--max-ratio", "3"]):
            for f in extras + samples[::9]:
                compare(f, lim)
    print(f"parallel: {stats[0]} groups, {stats[1]} jobs, {stats[2]} entries, {stats[3]} called off; "
          f"{failures} different")
    assert stats[1] > 200 and stats[2] > 5000, "the entries were not handed out"
    assert stats[3] > 0, "no group was called off: the limits did not reach the parallel path"
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
