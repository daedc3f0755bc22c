#!/usr/bin/env python3
"""End-to-end tests of the crible command on files made by crible-gen.

usage: test_cli.py CRIBLE CRIBLE_GEN

Every scenario is scanned with --json and must give exactly the expected
type, finding ids and verdict, and the exit status that verdict implies.
Then the command's own behaviour: directories, standard input, errors,
exit statuses, option errors.  Ends with 'N passed, N failed'.
"""
import json, os, subprocess, sys, tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import check, finish, runner

crible, gen = sys.argv[1], sys.argv[2]
_run = runner(crible)


def run(args, stdin=None):
    return _run(args, stdin=stdin, timeout=60)


work = tempfile.mkdtemp(prefix="crible-test-")
samples = os.path.join(work, "samples")
subprocess.run([gen, samples], check=True, capture_output=True)

# 1. Every scenario, exact.
rows = [l.rstrip("\n").split("\t") for l in open(os.path.join(samples, "scenarios.tsv"))]
for f, args, typ, ids, verdict, why in rows:
    path = os.path.join(samples, f)
    rc, out, err = run(["scan", "--json"] + args.split() + [path])
    try:
        obj = json.loads(out)
    except ValueError:
        check(f, False, "not one JSON object: %r %r" % (out, err))
        continue
    got = sorted(set(x["id"] for x in obj["findings"]))
    want = sorted(ids.split())
    check(f + " findings", got == want, "(%s): got %s want %s" % (why, got, want))
    check(f + " verdict", obj["verdict"] == verdict, "got %s want %s" % (obj["verdict"], verdict))
    check(f + " type", obj["type"]["name"] == typ, "got %s want %s" % (obj["type"]["name"], typ))
    check(f + " exit", rc == (1 if verdict == "block" else 0), "exit %d for %s" % (rc, verdict))
    check(f + " shape", set(obj) == {"path", "verdict", "size", "sha256", "type", "findings"}
          and obj["path"] == path and obj["size"] == os.path.getsize(path)
          and len(obj["sha256"]) == 64, str(obj))
    for x in obj["findings"]:
        check(f + " where", x["where"][0] == path and x["severity"] in ("low", "medium", "high")
              and x["detail"], str(x))

# 2. The acceptance cases read as the issue states them.
rc, out, _ = run(["scan", "--json", os.path.join(samples, "report.pdf")])
o = json.loads(out)
check("pe-as-pdf", rc == 1 and o["verdict"] == "block" and
      {"exec.native", "type.mismatch"} <= {x["id"] for x in o["findings"]} and
      [x["severity"] for x in o["findings"] if x["id"] == "type.mismatch"] == ["high"])

# 2b. RAR volumes given together are read as one archive: the first volume's report is the set's.
for stem, verdict, ids in (("eicar-set", "block", ["sig.eicar"]), ("note-set", "allow", [])):
    p1, p2 = (os.path.join(samples, "%s.part%d.rar" % (stem, k)) for k in (1, 2))
    rc, out, _ = run(["scan", "--json", p2, p1])
    objs = {o["path"]: o for o in map(json.loads, out.splitlines())}
    one, two = objs.get(p1, {}), objs.get(p2, {})
    check(stem + " set", one.get("verdict") == verdict and sorted(x["id"] for x in one.get("findings", [])) == ids
          and one.get("size") == os.path.getsize(p1) + os.path.getsize(p2)
          and all(x["where"][0] == p1 for x in one.get("findings", [])), out)
    check(stem + " volume alone", two.get("verdict") == "warn" and
          [x["id"] for x in two.get("findings", [])] == ["container.corrupt"], out)
    check(stem + " set exit", rc == (1 if verdict == "block" else 0), str(rc))
# Only a whole set is joined: the second volume without the first is scanned alone.
rc, out, _ = run(["scan", "--json", os.path.join(samples, "eicar-set.part2.rar")])
check("volume without its set", json.loads(out)["verdict"] == "warn", out)

# 3. A directory: every file once, in name order, the same on every run and any -j.
rc1, out1, _ = run(["scan", "--json", "-j", "4", samples])
rc2, out2, _ = run(["scan", "--json", "-j", "1", samples])
paths = [json.loads(l)["path"] for l in out1.splitlines()]
check("dir order", paths == sorted(paths) and len(paths) == len(rows) + 1, str(len(paths)))
check("dir deterministic", out1 == out2)
check("dir exit", rc1 == 1 and rc2 == 1)

# 4. Standard input, with a claimed name and Content-Type.
png = open(os.path.join(samples, "picture.png"), "rb").read()
rc, out, _ = run(["scan", "--json", "--name", "upload.exe", "-"], stdin=png)
o = json.loads(out)
check("stdin", o["path"] == "-" and o["type"]["name"] == "png" and
      [x["id"] for x in o["findings"]] == ["type.mismatch"] and rc == 0, out)
py = open(os.path.join(samples, "lib.py"), "rb").read()
rc, out, _ = run(["scan", "--json", "--declared-type", "image/png", "-"], stdin=py)
o = json.loads(out)
check("stdin declared", rc == 1 and [x["id"] for x in o["findings"]] == ["type.mismatch"], out)

# 5. Errors: unreadable input gives exit 2 and a clear line; never a clean report.
rc, out, err = run(["scan", "--json", os.path.join(work, "missing.bin")])
o = json.loads(out)
check("missing exit", rc == 2, str(rc))
check("missing message", "missing.bin: No such file or directory" in err, err)
check("missing json", "error" in o and "verdict" not in o, out)
rc, out, err = run(["scan", os.path.join(samples, "notes.txt"), os.path.join(work, "missing.bin"),
                    os.path.join(samples, "report.pdf")])
check("error wins", rc == 2 and "notes.txt: allow" in out and "report.pdf: block" in out, out + err)
fifo = os.path.join(work, "fifo")
os.mkfifo(fifo)
rc, out, err = run(["scan", fifo])
check("fifo", rc == 2 and "not a regular file" in err, err)
if os.geteuid() != 0:
    locked = os.path.join(work, "locked")
    open(locked, "w").write("x")
    os.chmod(locked, 0)
    rc, out, err = run(["scan", locked])
    check("unreadable", rc == 2 and "Permission denied" in err, err)

# 6. Command line errors: exit 2 with a message.
for args, msg in ((["scan"], "no input"), (["scan", "--bogus", "x"], "unrecognized"),
                  (["scan", "--accept", "image/*x", "x"], "--accept"),
                  (["scan", "--severity", "nope.id=high", "x"], "unknown finding id"),
                  (["scan", "--severity", "type.mismatch=severe", "x"], "unknown severity"),
                  (["scan", "-j", "0", "x"], "--jobs"), (["frobnicate"], "unknown command")):
    rc, out, err = run(args)
    check("usage " + " ".join(args), rc == 2 and msg in err, "%d %r" % (rc, err))
policy = os.path.join(work, "policy")
open(policy, "w").write("exec.native low\nbad line here\n")
rc, _, err = run(["scan", "--policy", policy, samples])
check("bad policy", rc == 2 and ":2:" in err, err)
open(policy, "w").write("# lower native code\nexec.native = low\ntype.mismatch low\n")
rc, out, _ = run(["scan", "--json", "--policy", policy, os.path.join(samples, "report.pdf")])
check("policy file", rc == 0 and json.loads(out)["verdict"] == "allow", out)

# 7. Large files: the hash covers every byte (head, middle, tail windows) and
#    the script finder reads past the identification windows.
import hashlib
big = os.path.join(work, "big.svg")
body = b"<svg xmlns='http://www.w3.org/2000/svg'>" + b"<rect width='1' height='1'/>\n" * 9000
with open(big, "wb") as f:
    f.write(body + b"<script>alert(1)</script></svg>\n" + b"<!-- pad -->\n" * 9000)
rc, out, _ = run(["scan", "--json", big])
o = json.loads(out)
check("big svg script", rc == 1 and [x["id"] for x in o["findings"]] == ["html.script"], out)
check("big sha256", o["sha256"] == hashlib.sha256(open(big, "rb").read()).hexdigest(), out)
check("big size", o["size"] == os.path.getsize(big) and o["size"] > 300000)
# A container read into memory for its walk: the hash comes from that copy.
rc, out, _ = run(["scan", "--json", os.path.join(samples, "bomb-nested.zip")])
check("container sha256", json.loads(out)["sha256"] ==
      hashlib.sha256(open(os.path.join(samples, "bomb-nested.zip"), "rb").read()).hexdigest(), out[:200])

# 8. Limits from the command line: size and time stop a bomb, never a clean report.
bomb = os.path.join(samples, "bomb-nested.zip")
rc, out, _ = run(["scan", "--json", "--max-ratio", "100000000", "--max-size", "100000000", bomb])
o = json.loads(out)
check("bomb.size", rc == 1 and "bomb.size" in [x["id"] for x in o["findings"]], out[:300])
rc, out, _ = run(["scan", "--json", "--max-ratio", "100000000", "--timeout", "30", bomb])
o = json.loads(out)
check("limit.time", rc == 1 and "limit.time" in [x["id"] for x in o["findings"]], out[:300])
rc, out, _ = run(["scan", "--json", "--max-depth", "1", os.path.join(samples, "nested.zip")])
o = json.loads(out)
check("max-depth", [x["id"] for x in o["findings"]] == ["bomb.depth"] and rc == 1, out[:300])
# --shallow judges the archive as one file and leaves it closed.
rc, out, _ = run(["scan", "--json", "--shallow", os.path.join(samples, "slip.zip")])
o = json.loads(out)
check("shallow", rc == 0 and o["findings"] == [] and o["type"]["name"] == "zip", out[:300])
# The where chain names every level: zip > zip > entry.
rc, out, _ = run(["scan", "--json", os.path.join(samples, "nested.zip")])
o = json.loads(out)
check("where chain", o["findings"][0]["where"][1:] == ["inner.zip", "scripts/run.js"], out[:300])
rc, out, _ = run(["scan", "--json", os.path.join(samples, "romcom.rar")])
o = json.loads(out)
ads = [x["where"] for x in o["findings"] if x["id"] == "path.ads"]
check("romcom where", len(ads) == 3 and all(w[1].startswith("eli_rosenfeld_cv2.pdf:..\\") for w in ads), str(ads))

# 9. Help, version, text output, identify mode.
rc, out, _ = run(["scan", "--help"])
check("help", rc == 0 and "--accept" in out and "Exit status" in out)
rc, out, _ = run(["--version"])
check("version", rc == 0 and out.startswith("crible "))
rc, out, _ = run(["scan", os.path.join(samples, "report.pdf")])
check("text", rc == 1 and "report.pdf: block pe32-exe" in out and "exec.native" in out, out)
rc, out, _ = run(["scan", "-v", os.path.join(samples, "report.pdf")])
check("verbose", "high   type.mismatch: named .pdf but the bytes are PE32 executable" in out, out)
rc, out, _ = run(["scan", "--identify", os.path.join(samples, "report.pdf")])
check("identify", rc == 0 and out.strip().endswith("application/vnd.microsoft.portable-executable"), out)
listfile = os.path.join(work, "list")
open(listfile, "w").write(os.path.join(samples, "notes.txt") + "\n" + samples + "\n")
rc, out, _ = run(["scan", "--json", "-T", listfile])
check("files-from", len(out.splitlines()) == len(rows) + 2, str(len(out.splitlines())))

# 10. Nothing lost: a report full of low findings still blocks what follows, with counts.
rc, out, _ = run(["scan", "--json", os.path.join(samples, "flood.zip")])
o = json.loads(out)
tm = [x for x in o["findings"] if x["id"] == "type.mismatch"]
check("flood count", rc == 1 and o["verdict"] == "block" and tm[0].get("count") == 4100 and
      all("count" not in x for x in tm[1:]) and len(o["findings"]) == 4099, out[:300])
check("flood limit", [x["where"] for x in o["findings"] if x["id"] == "limit.findings"] == [[o["path"]]] and
      [x["where"][1:] for x in o["findings"] if x["id"] == "sig.eicar"] == [["zz/../../evil.txt"]], out[-600:])
rc, out, _ = run(["scan", "-v", os.path.join(samples, "flood.zip")])
check("flood text count", "(4100 in all)" in out and "limit.findings" in out, out[:200])
#    100 000 entries named .exe: every one a low type.mismatch, counted; the twin named .txt has none.
import zipfile
for ext, want_verdict in ((".exe", "block"), (".txt", "allow")):
    big = os.path.join(work, "many" + ext + ".zip")
    with zipfile.ZipFile(big, "w") as z:
        for i in range(100000):
            z.writestr("f%06d%s" % (i, ext), "hello, a note\n")
    rc, out, _ = run(["scan", "--json", big])
    o = json.loads(out)
    ids = {}
    for x in o["findings"]:
        ids[x["id"]] = max(ids.get(x["id"], 0), x.get("count", 1))
    if ext == ".exe":
        check("100k .exe", o["verdict"] == "block" and ids.get("type.mismatch") == 100000 and
              "limit.findings" in ids and len(o["findings"]) <= 4096 + 50, str(ids))
    else:
        check("100k .txt", o["verdict"] == "allow" and o["findings"] == [], str(ids))

# 11. The broker: libarchive runs in its workers; without one, nothing is judged clean.
rc, out, _ = run(["scan", "--json", os.path.join(samples, "slip.cpio")])
o = json.loads(out)
check("cpio in a worker", rc == 1 and [x["id"] for x in o["findings"]] == ["path.traversal"], out)
rc, out, _ = run(["scan", "--json", os.path.join(samples, "nested.cpio")])
o = json.loads(out)
check("nested workers", rc == 1 and [x["where"][1:] for x in o["findings"]] ==
      [["inner.cpio", "../../etc/cron.d/evil"]], out)
p = subprocess.run([crible, "scan", "--json", os.path.join(samples, "slip.cpio")], capture_output=True,
                   env=dict(os.environ, CRIBLE_BROKER="/nonexistent/crible-broker"), timeout=60)
o = json.loads(p.stdout)
check("no broker", p.returncode == 1 and [x["id"] for x in o["findings"]] == ["container.uninspected"] and
      "could not run isolated" in o["findings"][0]["detail"], p.stdout[:300])

# 12. YARA rules (issue 9): every object, children included, with the rule's severity; bad rules stop at start.
rules = os.path.join(work, "rules")
os.makedirs(rules)
with open(os.path.join(rules, "lures.yar"), "w") as f:
    f.write('rule invoice_lure { meta: severity = "medium" strings: $a = "Please see the attached invoice" '
            'condition: $a }\n'
            'rule note_text { meta: severity = "low" strings: $a = "ship on Friday" condition: $a }\n')
with open(os.path.join(rules, "README.txt"), "w") as f:
    f.write("not a rule file: skipped\n")
rc, out, _ = run(["scan", "--json", "--rules", rules, os.path.join(samples, "invoice.rtf")])
o = json.loads(out)
y = [x for x in o["findings"] if x["id"] == "rule.yara"]
check("yara top-level", rc == 1 and len(y) == 1 and y[0]["detail"] == "lures.yar:invoice_lure" and
      y[0]["severity"] == "medium" and y[0]["where"] == [os.path.join(samples, "invoice.rtf")], out[:400])
# The PDF's attachment is compressed: only the decoded child holds the text.
rc, out, _ = run(["scan", "--json", "--rules", os.path.join(rules, "lures.yar"),
                  os.path.join(samples, "brochure.pdf")])
o = json.loads(out)
y = [x for x in o["findings"] if x["id"] == "rule.yara"]
check("yara child", rc == 0 and o["verdict"] == "allow" and len(y) == 1 and y[0]["severity"] == "low" and
      y[0]["detail"] == "lures.yar:note_text" and y[0]["where"][1:] == ["notes.txt"], out[:600])
with open(os.path.join(work, "bad.yar"), "w") as f:
    f.write('rule broken { strings: $a = "x" condition: $b }\n')
rc, out, err = run(["scan", "--rules", os.path.join(work, "bad.yar"), os.path.join(samples, "report.rtf")])
check("yara bad rule", rc == 2 and out == "" and "bad.yar:1:" in err and "$b" in err, err)
rc, out, err = run(["scan", "--rules", os.path.join(work, "none"), os.path.join(samples, "report.rtf")])
check("yara missing path", rc == 2 and "no such file" in err, err)

# 13. A shell link says what it runs (issue 9).
rc, out, _ = run(["scan", "--json", os.path.join(samples, "CV_2025.docx.lnk")])
o = json.loads(out)
d = [x["detail"] for x in o["findings"] if x["id"] == "exec.shortcut"]
check("lnk detail", len(d) == 1 and
      "target C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe" in d[0] and
      "arguments -w hidden -nop -enc SQBF" in d[0] and "WINWORD.EXE" in d[0] and d[0].endswith("starts PowerShell"),
      str(d))

# 13b. A PDF object too large to parse is said so, never judged clean.
big_pdf = os.path.join(work, "bigarray.pdf")
with open(big_pdf, "wb") as f:
    f.write(b"%PDF-1.4\n1 0 obj\n[" + b"() " * 3000000 + b"]\nendobj\ntrailer\n<< /Root 1 0 R >>\n")
rc, out, _ = run(["scan", "--json", big_pdf])
o = json.loads(out)
check("pdf object past the cap", rc == 1 and [x["id"] for x in o["findings"]] == ["container.uninspected"], out[:300])

# 13c. A decoy standard-handler dictionary the empty password opens does not stand in for the one the
# trailer names (which needs a password): the file stays encrypted, not read with the wrong key.
ol = open(os.path.join(samples, "open-locked.pdf"), "rb").read()
lj = open(os.path.join(samples, "locked-js.pdf"), "rb").read()
a0 = ol.index(b"6 0 obj")
decoy = b"9" + ol[a0 + 1:ol.index(b"endobj", a0) + 7]
with open(os.path.join(work, "decoy.pdf"), "wb") as f:
    f.write(lj.replace(b"%PDF-1.6\n", b"%PDF-1.6\n" + decoy, 1))
rc, out, _ = run(["scan", "--json", os.path.join(work, "decoy.pdf")])
o = json.loads(out)
check("pdf decoy encrypt dictionary", [x["id"] for x in o["findings"]] == ["container.encrypted"], out[:300])

# 14. qpdf, a real reader, is the oracle for the empty-password decryption: it opens open-locked.pdf with
# the empty password and reads the JavaScript crible found in the encrypted object stream; it refuses the twin.
import shutil
check("qpdf present", shutil.which("qpdf") is not None, "bootstrap installs qpdf")
if shutil.which("qpdf"):
    src = open(os.path.join(samples, "open-locked.pdf"), "rb").read()
    ref = src.replace(b"/OpenAction 7 0 R >>", b"/OpenAction 7 0 R /PieceInfo 5 0 R >>")
    with open(os.path.join(work, "ref.pdf"), "wb") as f:
        f.write(ref)
    q = subprocess.run(["qpdf", "--decrypt", "--password=", "--qdf", "--object-streams=disable",
                        "--stream-data=uncompress", os.path.join(work, "ref.pdf"), os.path.join(work, "dec.pdf")],
                       capture_output=True, timeout=60)
    dec = open(os.path.join(work, "dec.pdf"), "rb").read() if os.path.exists(os.path.join(work, "dec.pdf")) else b""
    check("qpdf opens it", q.returncode in (0, 3) and b"/S /JavaScript /JS (app.alert" in dec, q.stderr[-300:])
    q = subprocess.run(["qpdf", "--decrypt", "--password=", os.path.join(samples, "locked-js.pdf"),
                        os.path.join(work, "dec2.pdf")], capture_output=True, timeout=60)
    check("qpdf refuses the twin", q.returncode == 2 and b"invalid password" in q.stderr, q.stderr[-300:])

    # qpdf writes AES-128 (R4) and AES-256 (R6) files whose /Launch sits only in encrypted object streams.
    for bits, user in (("128", ""), ("256", ""), ("256", "pw")):
        out_pdf = os.path.join(work, "aes%s%s.pdf" % (bits, user))
        args = ["qpdf", "--object-streams=generate", "--encrypt", user, "owner", bits]
        args += ["--use-aes=y"] if bits == "128" else []
        subprocess.run(args + ["--", os.path.join(samples, "launch.pdf"), out_pdf], capture_output=True, timeout=60)
        raw = open(out_pdf, "rb").read() if os.path.exists(out_pdf) else b""
        rc, out, _ = run(["scan", "--json", out_pdf])
        o = json.loads(out) if out else {"findings": []}
        ids = sorted(x["id"] for x in o["findings"])
        want = ["container.encrypted"] if user else ["doc.pdf-active"]
        check("qpdf AES-%s%s" % (bits, " with a password" if user else ""),
              raw and b"/Launch" not in raw and ids == want, "%s %s" % (ids, out[:200]))

# An lzip header libarchive's filter refuses (a dictionary size past the format's 512 MiB,
# xz's tests/files/bad-1-v1-dict-2.lz): the raw reader passed the bytes through unchanged, the
# "decompressed" object was the same file again, and bomb.depth stopped the whole scan.
bad_lz = os.path.join(work, "bad-dict.lz")
open(bad_lz, "wb").write(b"LZIP\x01\x1e" + bytes(range(44)))
rc, out, _ = run(["scan", "--json", bad_lz])
o = json.loads(out) if out else {"findings": []}
check("lzip a reader cannot decode: container.corrupt, not nested until bomb.depth",
      sorted(x["id"] for x in o["findings"]) == ["container.corrupt"] and o.get("verdict") == "warn", out[:300])

# A file whose size says 0 but which holds bytes (/proc, /sys, some FUSE file systems) is read to
# its end: judged as empty, a /proc file full of data was "allow empty".
rc, out, _ = run(["scan", "--json", "/proc/self/status"])
o = json.loads(out) if out else {}
check("/proc/self/status: read to its end", o.get("size", 0) > 0 and o.get("type", {}).get("name") == "text" and
      rc == 0, out[:300])
empty0 = os.path.join(work, "empty0")
open(empty0, "wb").close()
rc, out, _ = run(["scan", "--json", empty0])
o = json.loads(out) if out else {}
check("a file that is empty stays empty", o.get("size") == 0 and o.get("type", {}).get("name") == "empty", out[:300])

finish()
