#!/usr/bin/env python3
"""No name from the input reaches a terminal raw (issue 14).

usage: test_escape.py CRIBLE

Names that would drive a terminal — OSC title, clear screen, cursor up and
erase line (a fake "allow" over the real "block"), C1 CSI, a bidi override,
a byte that is not UTF-8 — as archive entries (TAR and ZIP), as files in a
scanned folder, as --name, and as an input that cannot be read.  Every
output mode: scan (text, -v, --list, --json), extract (text, -v,
--sanitize, --json), diff (text, --json).  Nothing on stdout or stderr may
hold a byte below 0x20 other than a newline, DEL, a C1 control, a bidi or
zero-width mark, or bytes that are not UTF-8; the names must show as
visible escapes.
Ends with 'N passed, N failed'.
"""
import io, json, os, shutil, subprocess, sys, tarfile, tempfile, zipfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import check, finish

crible = sys.argv[1]
work = tempfile.mkdtemp(prefix="crible-escape-")

NAMES = [
    b"\x1b]0;pwned\x07\x1b[2J../x.txt",
    b"\x1b[1A\x1b[2Kdemo.txt: allow text (text/plain)",
    "report\u202etxt.exe".encode(),
    "a\u009b31mred.txt".encode(),
    b"bad\xffname.txt",
    "zw\u200bj\u2028.txt".encode(),
]
HIDDEN = [chr(c) for c in range(0x80, 0xa0)] + ["\u202a", "\u202b", "\u202c", "\u202d", "\u202e", "\u2066", "\u2067",
                                                 "\u2068", "\u2069", "\u200e", "\u200f", "\u061c", "\u200b", "\u200c",
                                                 "\u200d", "\ufeff", "\u2028", "\u2029"]


def clean(what, data):
    """Checks one stream: no control but newline, no DEL, valid UTF-8 with no hidden character."""
    bad = [b for b in data if (b < 0x20 and b != 0x0a) or b == 0x7f]
    check("%s: no control bytes" % what, not bad, repr(data[:300]))
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        check("%s: valid UTF-8" % what, False, "%s %r" % (e, data[max(0, e.start - 40):e.start + 40]))
        return ""
    check("%s: valid UTF-8" % what, True)
    hid = [h for h in HIDDEN if h in text]
    check("%s: no C1, bidi or zero-width character" % what, not hid, [hex(ord(h)) for h in hid])
    return text


def run(args, stdin=None, what=None):
    p = subprocess.run([crible] + args, input=stdin, capture_output=True, timeout=120)
    what = what or " ".join(a if len(a) < 40 else a[:40] for a in args[:3])
    out = clean(what + " (stdout)", p.stdout)
    clean(what + " (stderr)", p.stderr)
    return p.returncode, out


def tar_of(path, names):
    with tarfile.open(path, "w", format=tarfile.GNU_FORMAT, encoding="utf-8", errors="surrogateescape") as t:
        for n in names:
            data = b"hello\n"
            ti = tarfile.TarInfo(n.decode("utf-8", "surrogateescape"))
            ti.size = len(data)
            t.addfile(ti, io.BytesIO(data))
    return path


def zip_of(path, names):
    with zipfile.ZipFile(path, "w") as z:
        for n in names:
            zi = zipfile.ZipInfo(n.decode("utf-8", "replace"))
            z.writestr(zi, b"hello\n")
    return path


tarp = tar_of(os.path.join(work, "names.tar"), NAMES)
zipp = zip_of(os.path.join(work, "names.zip"), NAMES)

# --- scan, every mode -----------------------------------------------------------------
for arc in (tarp, zipp):
    kind = os.path.splitext(arc)[1]
    for mode in ([], ["-v"], ["--list"], ["-v", "--list"], ["--json"], ["--json", "--list"], ["--format", "json"],
                 ["--format", "sarif"], ["-q"], ["-q", "-v"]):
        rc, out = run(["scan"] + mode + [arc], what="scan %s %s" % (" ".join(mode), kind))
        if "--json" in mode or "json" in mode:
            ok = all(json.loads(l) for l in out.split("\n") if l)
            check("scan %s %s: still JSON" % (" ".join(mode), kind), ok)
        if "sarif" in mode:
            log = json.loads(out)
            check("scan --format sarif %s: one result per finding, the name in the JSON" % kind,
                  len(log["runs"][0]["results"]) >= len(NAMES) and "\\u001b" in out, out[-600:])
    rc, out = run(["scan", "-v", arc], what="scan -v %s (escapes)" % kind)
    check("scan -v %s: the escape shows" % kind, "\\x1b" in out and ("\\u{202e}" in out), out[:600])
    check("scan -v %s: the fake allow line is not a line of its own" % kind,
          not any(l.startswith("demo.txt: allow") for l in out.splitlines()), out[:600])

# --- extract, every mode ----------------------------------------------------------------
for mode in ([], ["-v"], ["--sanitize", "-v"], ["--json"], ["--sanitize", "--json"]):
    d = tempfile.mkdtemp(dir=work)
    run(["extract", "--no-progress"] + mode + [tarp, os.path.join(d, "out")], what="extract %s" % " ".join(mode))

# --- a folder whose file names are hostile, and one input that cannot be read -----------------
folder = os.path.join(work, "folder")
os.makedirs(folder)
for n in NAMES:
    n = n.replace(b"/", b"_")
    with open(os.path.join(folder.encode(), n), "wb") as f:
        f.write(b"hello\n")
os.mkfifo(os.path.join(folder.encode(), b"fifo\x1b[2J\xe2\x80\xae"))
for mode in ([], ["-v"], ["--json"], ["--identify"], ["--format", "sarif"], ["-q"]):
    rc, out = run(["scan"] + mode + [folder], what="scan folder %s" % " ".join(mode))
# An input that cannot be judged (a FIFO named on the command line): its error line, escaped.
fifo = os.path.join(folder.encode(), b"fifo\x1b[2J\xe2\x80\xae")
for mode in ([], ["--json"], ["--identify"], ["--format", "sarif"]):
    p = subprocess.run([crible.encode(), b"scan"] + [m.encode() for m in mode] + [fifo], capture_output=True, timeout=60)
    err = clean("unreadable input %s (stderr)" % " ".join(mode), p.stderr)
    clean("unreadable input %s (stdout)" % " ".join(mode), p.stdout)
    check("unreadable input %s: exit 2, the name escaped" % " ".join(mode),
          p.returncode == 2 and "fifo\\x1b[2J\\u{202e}" in err, (p.returncode, err))
rc, out = run(["scan", folder], what="scan folder (escapes)")
check("folder: every name shown escaped", out.count("\\x1b") >= 2 and "\\xff" in out, out[:800])

# --- --name, from standard input ------------------------------------------------------------
for n in NAMES:
    for mode in ([], ["-v"], ["--json"], ["--format", "sarif"]):
        run(["scan"] + mode + ["--name", n.decode("utf-8", "surrogateescape"), "-"], stdin=b"MZ\x90\x00",
            what="scan --name %s" % " ".join(mode))

# --- crible diff ---------------------------------------------------------------------------------
src = os.path.join(work, "src")
os.makedirs(src)
for mode in ([], ["--json"]):
    run(["diff"] + mode + [tarp, src], what="diff %s" % " ".join(mode))

shutil.rmtree(work)
finish()
