#!/usr/bin/env python3
"""Differential fuzzing: mutate archives, run the real readers and crible,
and report every entry a reader writes that crible never judged.

  fuzz/differential.py --crible build/crible --seconds 3600 --out DIR SEED|DIR...

Seeds are archives (the test generator's output, a corpus).  Each round
takes a seed, applies one to four mutations (bit flips, a header field set
to a boundary value, bytes inserted, deleted or duplicated, a tail cut, two
seeds spliced) and runs tests/differential's check on the mutant.  A mutant
with an uncovered entry, or on which crible fails, is kept in DIR with a
.txt saying what the readers wrote.  Ends with a summary line:
"differential-fuzz: N mutants in S s, N reader runs, N entries, N uncovered (N kept)".
"""
import argparse
import os
import random
import shutil
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "differential"))
import differential as d  # noqa: E402

BOUNDARY = [0, 1, 0x7f, 0x80, 0xff, 0xffff, 0xffffffff, 0x7fffffff]


def mutate(data, other, rnd):
    b = bytearray(data)
    for _ in range(rnd.randint(1, 4)):
        op = rnd.randrange(7)
        if not b:
            break
        i = rnd.randrange(len(b))
        if op == 0:  # a bit
            b[i] ^= 1 << rnd.randrange(8)
        elif op == 1:  # a little-endian field at a boundary
            w = rnd.choice((1, 2, 4))
            v = rnd.choice(BOUNDARY) & ((1 << (8 * w)) - 1)
            b[i:i + w] = v.to_bytes(w, "little")
        elif op == 2:  # an octal tar field
            w = rnd.choice((8, 12))
            b[i:i + w] = rnd.choice([b"0" * (w - 1) + b"\0", b"7" * (w - 1) + b"\0", b"\x80" + b"\0" * (w - 1),
                                     b" " * w, (b"%o" % rnd.randrange(1 << 20)).rjust(w - 1, b"0") + b"\0"])
        elif op == 3:  # insert
            b[i:i] = bytes(rnd.randrange(256) for _ in range(rnd.randint(1, 64)))
        elif op == 4:  # delete
            del b[i:i + rnd.randint(1, 512)]
        elif op == 5:  # duplicate a chunk
            n = rnd.randint(1, 1024)
            b[i:i] = b[i:i + n]
        else:  # splice with another seed
            j = rnd.randrange(len(other)) if other else 0
            b = b[:i] + bytearray(other[j:])
    return bytes(b)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--crible", required=True)
    ap.add_argument("--seconds", type=float, default=60)
    ap.add_argument("--out", required=True)
    ap.add_argument("--seed", type=int, default=None)
    ap.add_argument("--max-seed-size", type=int, default=256 * 1024)
    ap.add_argument("paths", nargs="+")
    a = ap.parse_args()
    d.TIMEOUT = 10
    rnd = random.Random(a.seed)
    seeds = []
    for p in d.archives(a.paths):
        if os.path.getsize(p) <= a.max_seed_size:
            with open(p, "rb") as f:
                seeds.append((os.path.basename(p), f.read()))
    if not seeds:
        print("differential-fuzz: no seeds")
        return 2
    os.makedirs(a.out, exist_ok=True)
    work = tempfile.mkdtemp(prefix="crible-dfuzz-")
    t0 = time.monotonic()
    n = runs = total = unc = kept = errors = 0
    while time.monotonic() - t0 < a.seconds:
        name, data = rnd.choice(seeds)
        m = mutate(data, rnd.choice(seeds)[1], rnd)
        ext = os.path.splitext(name)[1] or ".bin"
        path = os.path.join(work, "m" + ext)
        with open(path, "wb") as f:
            f.write(m)
        if not d.kind_of(path):
            continue
        out = []
        try:
            k, t, u = d.check(a.crible, path, out)
        except d.subprocess.TimeoutExpired:
            errors += 1  # a reader or crible hung past the bound: not a coverage question
            continue
        except (RuntimeError, ValueError) as e:
            k, t, u = 0, 0, 1
            out = ["CRIBLE FAILED: %s" % e]
        n += 1
        runs += k
        total += t
        unc += u
        if u:
            kept += 1
            base = os.path.join(a.out, "%s-%06d%s" % (os.path.splitext(name)[0], kept, ext))
            with open(base, "wb") as f:
                f.write(m)
            with open(base + ".txt", "w") as f:
                f.write("\n".join(out) + "\n")
            print("kept %s: %s" % (base, out[0][:160]), flush=True)
    shutil.rmtree(work, ignore_errors=True)
    print("differential-fuzz: %d mutants in %.0f s, %d reader runs, %d entries, %d uncovered (%d kept), %d timeouts"
          % (n, time.monotonic() - t0, runs, total, unc, kept, errors))
    return 1 if kept else 0


if __name__ == "__main__":
    sys.exit(main())
