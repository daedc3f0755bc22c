#!/usr/bin/env python3
"""Every limit holds on every pass (issue 15).

usage: test_limits.py CRIBLE

- a 100 GB sparse file ends within the time limit plus a second, with
  limit.time naming the SHA-256 pass and no sha256, on one thread and on
  several (the hash then runs on a helper core);
- each whole-object pass stops at a small --timeout on a large generated
  input: the markup pass, the hash and markup together, the listing's
  hashes of an entry, YARA, a PDF's and an RTF's walk;
- --max-input: an input over it is judged from its windows only
  (limit.size, medium, no sha256), one under it is scanned whole, and
  standard input over it is an error, never clean;
- a directory 300 levels deep gives its own message and exit status 2,
  and nothing below the cut is reported;
- a file truncated or appended to during its scan is reported as changed
  (exit 2, no verdict), in text and JSON.
Ends with 'N passed, N failed'.
"""
import json, os, shutil, subprocess, sys, tarfile, tempfile, threading, time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import EICAR, check, finish

crible = sys.argv[1]
work = tempfile.mkdtemp(prefix="crible-limits-")


def timed(args, stdin=None):
    t0 = time.monotonic()
    p = subprocess.run([crible] + args, input=stdin, capture_output=True, timeout=300)
    return p.returncode, p.stdout.decode("utf-8", "replace"), p.stderr.decode("utf-8", "replace"), time.monotonic() - t0


def sparse(name, size):
    path = os.path.join(work, name)
    with open(path, "wb") as f:
        f.truncate(size)
    return path


def one(out):
    try:
        return json.loads(out)
    except ValueError:
        return {}


def ids(obj):
    return [f["id"] for f in obj.get("findings", [])]


def detail(obj, fid):
    return " | ".join(f["detail"] for f in obj.get("findings", []) if f["id"] == fid)


# --- a sparse 100 GB file, hashed against the deadline ------------------------------------------
huge = sparse("sparse.bin", 100 << 30)
for jobs in ("1", "4"):
    rc, out, err, secs = timed(["scan", "--json", "-j", jobs, "--timeout", "2000", huge])
    o = one(out)
    check("100 GB sparse, -j %s: ends within the limit plus 1 s" % jobs, secs < 3.0, secs)
    check("100 GB sparse, -j %s: limit.time names the SHA-256 pass" % jobs, rc == 1 and o.get("verdict") == "block" and
          "the SHA-256 pass stopped after" in detail(o, "limit.time") and "of 100.0 GiB" in detail(o, "limit.time"), out)
    check("100 GB sparse, -j %s: no sha256, not a hash of a prefix" % jobs, o and "sha256" not in o, out)
rc, out, err, secs = timed(["scan", "--timeout", "2000", huge])
check("100 GB sparse, text: block limit.time", out.startswith(huge + ": block ") and "limit.time" in out and secs < 3.0,
      (out, secs))

# A file hashed in time keeps its hash (the check is not a blanket refusal).
small = sparse("small.bin", 8 << 20)
rc, out, err, secs = timed(["scan", "--json", "--timeout", "20000", small])
check("8 MiB in a 20 s budget: hashed, no limit", one(out).get("sha256") and "limit.time" not in ids(one(out)), out)

# --- every whole-object pass stops at the deadline ----------------------------------------------
page = sparse("page.html", 3 << 30)
rc, out, err, secs = timed(["scan", "--json", "--no-hash", "--timeout", "500", page])
check("markup pass: stops within 1 s of a 500 ms limit, named", secs < 1.5 and "the markup pass stopped after" in
      detail(one(out), "limit.time"), (secs, out[:300]))
rc, out, err, secs = timed(["scan", "--json", "--timeout", "500", page])
o = one(out)
check("SHA-256 and markup passes: stop together, named, no sha256", secs < 1.5 and
      "the SHA-256 and markup passes stopped" in detail(o, "limit.time") and "sha256" not in o, (secs, out[:300]))
os.unlink(page)

# A TAR whose one entry is 3 GiB of holes: the listing's hash of the entry stops too.
tarp = os.path.join(work, "big.tar")
with open(tarp, "wb") as f:
    ti = tarfile.TarInfo("zeros.bin")
    ti.size = 3 << 30
    f.write(ti.tobuf(format=tarfile.GNU_FORMAT))
    f.truncate(512 + (3 << 30) + 1024)
rc, out, err, secs = timed(["scan", "--json", "--list", "--no-hash", "--timeout", "500", tarp])
o = one(out)
ent = [e for e in o.get("entries", []) if e["where"][-1] == "zeros.bin"]
check("listing: an entry's hash stops within 1 s of the limit", secs < 1.5 and "limit.time" in ids(o), (secs, out[:300]))
check("listing: the cut entry is listed without a hash", ent and "sha256" not in ent[0], ent)
os.unlink(tarp)

rules = os.path.join(work, "never.yar")
with open(rules, "w") as f:
    f.write('rule never { strings: $a = "crible-never-matches-this" condition: $a }\n')
rc, out, err, secs = timed(["scan", "--json", "--no-hash", "--rules", rules, "--timeout", "1500", huge])
check("YARA: stops within 1 s of the limit (its own timer counts whole seconds)", secs < 2.5 and
      "YARA" in detail(one(out), "limit.time"), (secs, out[:300]))
rc, out, err, secs = timed(["scan", "--json", "--rules", rules, "--timeout", "1000", huge])
check("YARA after a cut hash: not started, one limit.time", secs < 2.0 and ids(one(out)).count("limit.time") == 1,
      (secs, out[:300]))

pdf = os.path.join(work, "big.pdf")
with open(pdf, "wb") as f:
    f.write(b"%PDF-1.7\n")
    objs = b"".join(b"%d 0 obj\n<< /Type /Page /Kids [1 0 R 2 0 R] /Name (abc) /A [1 2 3 4 5 6 7 8] >>\nendobj\n" % i
                    for i in range(1, 20001))
    while f.tell() < 200 << 20:
        f.write(objs)
    f.write(b"trailer\n<< /Root 1 0 R >>\n%%EOF\n")
rtf = os.path.join(work, "big.rtf")
with open(rtf, "wb") as f:
    f.write(b"{\\rtf1 ")
    chunk = b"{\\b\\i\\ul\\f1\\fs20 x}" * 20000
    while f.tell() < 250 << 20:
        f.write(chunk)
    f.write(b"}")
# Each takes most of a second or more to walk here; a 100 ms budget must stop it.
for doc in (pdf, rtf):
    rc, out, err, secs = timed(["scan", "--json", "--no-hash", "--timeout", "100", doc])
    check("%s: the document's walk stops within 1 s of the limit" % os.path.basename(doc),
          secs < 1.1 and rc == 1 and "limit.time" in ids(one(out)), (secs, out[:300]))
    os.unlink(doc)

# --- --max-input ----------------------------------------------------------------------------------
rc, out, err, secs = timed(["scan", "--json", "--max-input", "1000000", huge])
o = one(out)
check("--max-input: 100 GB judged from its windows at once", secs < 2.0 and ids(o) == ["limit.size"] and
      o["findings"][0]["severity"] == "medium" and o["verdict"] == "warn" and rc == 0, (secs, out))
check("--max-input: the detail says what was read", "judged from its first and last 64 KiB only" in detail(o, "limit.size"))
check("--max-input: no sha256", "sha256" not in o, out)
script = os.path.join(work, "notes.txt")
with open(script, "wb") as f:
    f.write(b"#!/bin/sh\necho hi\n")
    f.truncate(3 << 20)
rc, out, err, secs = timed(["scan", "--json", "--max-input", "1000000", script])
o = one(out)
check("--max-input: the windows are still judged (a script named .txt blocks from its head)",
      sorted(ids(o)) == ["exec.script", "limit.size", "type.mismatch"] and o["verdict"] == "block" and rc == 1, out)
zp = os.path.join(work, "inner.zip")
import zipfile
with zipfile.ZipFile(zp, "w") as z:
    z.writestr("eicar.com", EICAR)
    z.writestr("pad.bin", os.urandom(2 << 20))
rc, out, err, secs = timed(["scan", "--json", "--max-input", "1000000", zp])
o = one(out)
check("--max-input: an archive over it is not walked (nothing claims the middle was read)",
      ids(o) == ["limit.size"] and o["verdict"] == "warn", out)
rc, out, err, secs = timed(["scan", "--json", "--max-input", "100000000", zp])
check("--max-input: under it, scanned whole", "sig.eicar" in ids(one(out)) and "sha256" in one(out), out[:300])
rc, out, err, secs = timed(["scan", "--max-input", "10", "-"], stdin=b"x" * 100)
check("--max-input: standard input over it is an error, exit 2", rc == 2 and out == "" and "limit of 10 bytes" in err,
      (rc, out, err))
rc, out, err, secs = timed(["scan", "--max-input", "0", huge])
check("--max-input 0 is refused (no limit is the default, not 0)", rc == 2 and "--max-input" in err, err)
os.unlink(huge)

# --- a directory deeper than the walk goes ---------------------------------------------------------
deep = os.path.join(work, "deep")
p = deep
for i in range(300):
    p = os.path.join(p, "d")
os.makedirs(p)
with open(os.path.join(p, "bottom.exe"), "wb") as f:
    f.write(b"MZ" + b"\0" * 100)
with open(os.path.join(deep, "top.txt"), "w") as f:
    f.write("hello\n")
rc, out, err, secs = timed(["scan", deep])
check("300 levels: exit 2", rc == 2, rc)
check("300 levels: its own message", "directory nesting deeper than 256 levels: not followed" in err and
      "Too many levels of symbolic links" not in err, err[-300:])
check("300 levels: the file above the cut is judged, nothing below it is reported",
      out.splitlines() == [os.path.join(deep, "top.txt") + ": allow text (text/plain)"], out[:300])
rc, out, err, secs = timed(["scan", "--json", deep])
objs = [json.loads(l) for l in out.splitlines()]
check("300 levels, JSON: an error object for the cut", [o.get("error", "").startswith("directory nesting deeper")
                                                       for o in objs] == [True, False], out[:400])
shutil.rmtree(deep)

# --- a file that changes while it is scanned ----------------------------------------------------------
for action in ("grow", "shrink"):
    for jobs in ("1", "4"):
        path = sparse("moving.bin", 4 << 30)
        def act():
            time.sleep(0.4)
            if action == "grow":
                with open(path, "ab") as f:
                    f.write(b"appended\n")
            else:
                os.truncate(path, 1 << 30)
        th = threading.Thread(target=act)
        th.start()
        rc, out, err, secs = timed(["scan", "-j", jobs, "--timeout", "60000", path])
        th.join()
        want = "(4294967296 bytes, then %d)" % (4294967305 if action == "grow" else 1 << 30)
        check("a file that %ss during the scan (-j %s): reported as changed, exit 2, no verdict" % (action, jobs),
              rc == 2 and out == "" and "the file changed while it was read " + want in err, (rc, out, err, secs))
        os.unlink(path)
# JSON: the error object.
path = sparse("moving.bin", 4 << 30)
th = threading.Thread(target=lambda: (time.sleep(0.4), open(path, "ab").write(b"x")))
th.start()
rc, out, err, secs = timed(["scan", "--json", "--timeout", "60000", path])
th.join()
o = one(out)
check("a changing file, JSON: an error object, no verdict", rc == 2 and "verdict" not in o and
      "changed while it was read" in o.get("error", ""), out)
os.unlink(path)
# A file left alone is not "changed".
path = sparse("still.bin", 64 << 20)
rc, out, err, secs = timed(["scan", "--json", path])
check("a file nobody touches: judged", rc == 0 and one(out).get("sha256"), (rc, out, err))

shutil.rmtree(work)
finish()
