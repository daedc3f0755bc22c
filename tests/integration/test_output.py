#!/usr/bin/env python3
"""crible scan for a person and for a pipeline (issue 14).

usage: test_output.py CRIBLE SCHEMA

- the progress line: on a terminal's stderr (a pty), only after half a
  second, wiped before every report line, cut to the terminal's width, the
  current path escaped; never on a pipe, never with --no-progress;
- colour: --color=never|auto|always, NO_COLOR, TERM=dumb, only words of our
  own coloured, never in JSON;
- --quiet and the closing summary, with exact counts;
- --format sarif validated against the SARIF 2.1.0 schema (SCHEMA, draft 4,
  python3-jsonschema), rule ids, indexes, levels after policy, locations,
  notifications for unreadable inputs; --format json is --json.
Ends with 'N passed, N failed'.
"""
import fcntl, json, os, pty, re, select, shutil, struct, subprocess, sys, tempfile, termios, threading, time, zipfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import check, finish, pty_drain

crible, schema_path = sys.argv[1], sys.argv[2]
work = tempfile.mkdtemp(prefix="crible-output-")
EICAR = rb"X5O!P%@AP[4\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"


def put(name, data):
    path = os.path.join(work, name)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(data)
    return path


clean_txt = put("set/a-clean.txt", b"hello, world\n")                       # allow
warned = put("set/b-warn.zip", b"PK\x03\x04" + b"\x00" * 26)                  # a broken ZIP: container.corrupt, warn
blocked = put("set/c-block.svg", b'<svg xmlns="http://www.w3.org/2000/svg" onload="x()"/>')  # html.script
low = put("set/d-low.jpg", bytes.fromhex("89504e470d0a1a0a0000000d49484452") + b"\x00" * 32)  # PNG named .jpg
SETDIR = os.path.dirname(clean_txt)
SIZES = sum(os.path.getsize(os.path.join(SETDIR, n)) for n in os.listdir(SETDIR))


def run(args, env=None, stdin=None):
    e = dict(os.environ)
    e.pop("NO_COLOR", None)
    e.update(env or {})
    p = subprocess.run([crible] + args, input=stdin, capture_output=True, timeout=120, env=e)
    return p.returncode, p.stdout.decode("utf-8", "replace"), p.stderr.decode("utf-8", "replace")


def on_pty(args, stdout_pty=False, stdin_feed=None, cols=80, env=None):
    """Runs crible with stderr (and maybe stdout) on a pty; returns (rc, stdout bytes, pty bytes)."""
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, cols, 0, 0))
    # No output processing on the terminal: "\n" stays "\n" in what we read back.
    attrs = termios.tcgetattr(slave)
    attrs[1] &= ~termios.OPOST
    termios.tcsetattr(slave, termios.TCSANOW, attrs)
    e = dict(os.environ)
    e.pop("NO_COLOR", None)
    e["TERM"] = "xterm"
    e.update(env or {})
    p = subprocess.Popen([crible] + args, stdin=subprocess.PIPE if stdin_feed else subprocess.DEVNULL,
                         stdout=slave if stdout_pty else subprocess.PIPE, stderr=slave, env=e)
    os.close(slave)
    if stdin_feed:
        def feed():
            try:
                for chunk, pause in stdin_feed:
                    p.stdin.write(chunk)
                    p.stdin.flush()
                    time.sleep(pause)
                p.stdin.close()
            except BrokenPipeError:
                pass
        threading.Thread(target=feed, daemon=True).start()
    got = pty_drain(master, p)
    out = b"" if stdout_pty else p.stdout.read()
    p.wait(timeout=30)
    os.close(master)
    return p.returncode, out, got


WIPE = b"\r\x1b[K"
FRAME = re.compile(r"^(\d+) files, [0-9.]+ (B|KiB|MiB|GiB), [0-9.]+ (B|KiB|MiB|GiB)/s  (.*)$")
SUMMARY = re.compile(r"^crible: scanned (\d+) files \(([^)]*)\) in [0-9.]+ s: (\d+) blocked, (\d+) warned, "
                     r"(\d+) allowed, (\d+) unreadable$")


def frames(tty):
    """The progress lines drawn on the terminal (each begins with a wipe)."""
    parts = tty.split(WIPE)
    return [x.decode("utf-8", "replace") for x in parts[1:] if x and not x.startswith(b"crible: ")]


# --- the progress line ---------------------------------------------------------------------------
slow = [(b"hello ", 0.4)] * 5   # standard input that takes two seconds to arrive
rc, out, tty = on_pty(["scan", "-j", "1", clean_txt, blocked, "-"], stdin_feed=slow)
fr = frames(tty)
check("progress: drawn on a terminal's stderr during a slow scan", len(fr) >= 2, tty[:400])
check("progress: every frame is 'N files, SIZE, RATE/s  PATH'", fr and all(FRAME.match(f) for f in fr), fr[:4])
m = FRAME.match(fr[-1]) if fr else None
check("progress: counts the files done and names the current one (stdin: '-')",
      m and m.group(1) == "2" and m.group(4) == "-", fr[-1:] if fr else None)
check("progress: wiped before the summary", re.search(rb"\r\x1b\[Kcrible: scanned 3 files", tty) is not None, tty[-200:])
lines = out.decode().splitlines()
check("progress: stdout holds the three report lines, nothing of the progress line",
      len(lines) == 3 and b"\x1b" not in out and lines[2].startswith("-: "), out)
check("progress: the exit status is the scan's", rc == 1, rc)

# Two report lines printed while the line is up: each goes out after a wipe, on its own line.
rc, out, tty = on_pty(["scan", "--color=never", "-j", "1", "-", clean_txt], stdout_pty=True,
                      stdin_feed=[(b"x" * 10, 0.5)] * 3, cols=100)
text = tty.decode("utf-8", "replace")
check("progress: a report line on the same terminal starts on a wiped line",
      re.search(r"\r\x1b\[K-: allow ", text) is not None and "\n" + clean_txt + ": allow" in text, text[-300:])

# Quick: nothing; not a terminal: nothing; --no-progress: nothing.
rc, out, tty = on_pty(["scan", clean_txt, blocked])
check("progress: a scan under half a second draws nothing", WIPE not in tty and b"crible: scanned 2 files" in tty, tty)
rc, out, tty = on_pty(["scan", "--no-progress", "-j", "1", clean_txt, "-"], stdin_feed=slow)
check("progress: --no-progress draws nothing", WIPE not in tty and b"scanned 2 files" in tty, tty[:300])
e = dict(os.environ)
p = subprocess.Popen([crible, "scan", "-j", "1", clean_txt, "-"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                     stderr=subprocess.PIPE)
for chunk, pause in slow:
    p.stdin.write(chunk)
    p.stdin.flush()
    time.sleep(pause)
o, err = p.communicate(timeout=60)
check("progress: stderr a pipe: no progress line, only the summary",
      b"\x1b" not in err and b"\r" not in err and err.decode().startswith("crible: scanned 2 files"), err)

# A hostile name in the progress line, cut to a narrow terminal: escaped, and no wider than the terminal.
hostile = os.path.join(work.encode(), b"big\x1b]0;pwned\x07\x1b[2J\xe2\x80\xae-" + b"n" * 80 + b".bin")
with open(hostile, "wb") as f:
    f.truncate(3 << 30)   # sparse: hashing three GiB of holes takes seconds, the disk holds nothing
rc, out, tty = on_pty(["scan", "-j", "1", clean_txt, hostile.decode("utf-8", "surrogateescape")], cols=60)
os.unlink(hostile)
fr = frames(tty)
check("progress: a large file keeps the line up", len(fr) >= 1, tty[:300])
check("progress: the bytes of the file being read count while it is read (not only when it is done)",
      any(FRAME.match(f) and FRAME.match(f).group(2) in ("MiB", "GiB") and FRAME.match(f).group(1) == "1" for f in fr),
      fr[:3])
raw = tty.replace(WIPE, b"")
check("progress: no raw escape from the name reaches the terminal",
      b"\x1b" not in raw and b"\x07" not in raw and "\u202e".encode() not in raw, raw[:300])
check("progress: the current path is cut from the left to the terminal's width",
      fr and all(len(f) <= 59 for f in fr) and all(f.endswith("nnnn.bin") and "..." in f for f in fr), fr[:2])
hostile2 = os.path.join(work.encode(), b"mid\x1b[2J\xe2\x80\xaename.bin")
with open(hostile2, "wb") as f:
    f.truncate(3 << 30)
rc, out, tty = on_pty(["scan", "-j", "1", hostile2.decode("utf-8", "surrogateescape")], cols=250)
os.unlink(hostile2)
fr = frames(tty)
check("progress: the whole path shown escaped when it fits",
      fr and fr[-1].endswith("mid\\x1b[2J\\u{202e}name.bin"), fr[-1:] if fr else tty[:300])

# --- colour --------------------------------------------------------------------------------------
SGR = {b"\x1b[1;31m", b"\x1b[33m", b"\x1b[32m", b"\x1b[0m"}


def sgr_only(data):
    rest = data
    for s in SGR:
        rest = rest.replace(s, b"")
    return b"\x1b" not in rest


rc, out, err = run(["scan", "--color=always", clean_txt, blocked, warned])
check("colour: always: block bold red, warn yellow, allow green",
      "\x1b[1;31mblock\x1b[0m" in out and "\x1b[33mwarn\x1b[0m" in out and "\x1b[32mallow\x1b[0m" in out, out)
rc, out, err = run(["scan", "--color=always", "-v", blocked, low])
check("colour: -v colours high severities, leaves low plain", "  \x1b[1;31mhigh\x1b[0m   html.script" in out
      and "  low    type.mismatch" in out, out)
rc, out, err = run(["scan", clean_txt, blocked])
check("colour: auto on a pipe: none", "\x1b" not in out, out)
rc, out, err = run(["scan", "--color=always", "--json", blocked])
check("colour: never in JSON", "\x1b" not in out and json.loads(out)["verdict"] == "block", out)
rc, out, err = run(["scan", "--color=always", "--format", "sarif", blocked])
check("colour: never in SARIF", "\x1b" not in out, out[:200])
for env, want, what in (({}, True, "auto on a terminal: colour"),
                        ({"NO_COLOR": "1"}, False, "NO_COLOR=1: none"),
                        ({"NO_COLOR": ""}, True, "NO_COLOR empty: colour (no-color.org)"),
                        ({"TERM": "dumb"}, False, "TERM=dumb: none")):
    rc, out, tty = on_pty(["scan", clean_txt, blocked], stdout_pty=True, env=env)
    check("colour: " + what, (b"\x1b[1;31mblock\x1b[0m" in tty) == want, tty)
rc, out, tty = on_pty(["scan", "--color=always", clean_txt], stdout_pty=True, env={"NO_COLOR": "1"})
check("colour: --color=always wins over NO_COLOR", b"\x1b[32mallow\x1b[0m" in tty, tty)
rc, out, tty = on_pty(["scan", "--color=never", clean_txt, blocked], stdout_pty=True)
check("colour: --color=never on a terminal: none", b"\x1b" not in tty, tty)
rc, out, err = run(["scan", "--color=sometimes", clean_txt])
check("colour: a bad word is an error, exit 2", rc == 2 and "--color: want never, auto or always" in err, (rc, err))
nasty = put("colour/\x1b[32mallow\x1b[0m.svg", b'<svg xmlns="http://www.w3.org/2000/svg" onload="x()"/>')
p = subprocess.run([crible, "scan", "--color=always", "-v", nasty], capture_output=True, timeout=60)
check("colour: a name that carries SGR codes shows them escaped; only our own codes are raw",
      sgr_only(p.stdout) and b"\\x1b[32mallow\\x1b[0m.svg" in p.stdout, p.stdout)
rc, out, err = run(["extract", "--color=always", "--no-progress", blocked, os.path.join(work, "x1")])
check("colour: extract --color=always colours its verdict", "\x1b[1;31mblock\x1b[0m" in out, out)

# --- --quiet and the summary ----------------------------------------------------------------------
missing = os.path.join(work, "no-such-file")
rc, out, err = run(["scan", SETDIR, missing])
m = SUMMARY.match(err.strip().splitlines()[-1])
check("summary: one line on stderr with exact counts",
      m and m.groups()[0] == "5" and m.groups()[2:] == ("1", "1", "2", "1"), err)
check("summary: the bytes of the files judged", m and m.group(2) == "%d B" % SIZES, (err, SIZES))
check("summary: stdout has one line per readable file", len(out.splitlines()) == 4 and rc == 2, (rc, out))
rc, out, err = run(["scan", clean_txt])
check("summary: none for one file", err == "" and rc == 0, err)
rc, out, err = run(["scan", "--json", SETDIR])
check("summary: none with --json (stdout stays JSON Lines, stderr empty)", err == "" and
      all(json.loads(l) for l in out.splitlines()), err)
rc, out, err = run(["scan", "--identify", SETDIR])
check("summary: none with --identify", err == "", err)
rc, out, err = run(["scan", "-q", SETDIR])
shown = [l.split(":")[0] for l in out.splitlines()]
check("quiet: only the blocked and warned inputs, in order", shown == [warned, blocked], out)
check("quiet: no summary", err == "", err)
check("quiet: the exit status still says blocked", rc == 1, rc)
rc, out, err = run(["scan", "--quiet", "--json", SETDIR, missing])
objs = [json.loads(l) for l in out.splitlines()]
check("quiet --json: the warned and blocked objects and the unreadable input's error object",
      [o.get("verdict", "error") for o in objs] == ["warn", "block", "error"] and rc == 2, out)
check("quiet: an unreadable input is still an error on stderr", "no-such-file: No such file" in err, err)
rc, out, err = run(["scan", "-q", clean_txt, low])
check("quiet: all allowed prints nothing, exit 0", out == "" and rc == 0, (rc, out))
rc, out, err = run(["scan", "-q", "-v", SETDIR])
check("quiet -v: the findings of the shown inputs", "html.script" in out and "type.mismatch" not in out, out)

# --- --format json is --json ----------------------------------------------------------------------
a = run(["scan", "--no-hash", "--json", SETDIR])[1]
b = run(["scan", "--no-hash", "--format", "json", SETDIR])[1]
check("format: --format json is --json, byte for byte", a == b and a, (a[:200], b[:200]))
rc, out, err = run(["scan", "--format", "xml", clean_txt])
check("format: an unknown format is an error, exit 2", rc == 2 and "want text, json or sarif" in err, err)

# --- SARIF -----------------------------------------------------------------------------------------
try:
    import jsonschema
except ImportError:
    jsonschema = None
check("sarif: python3-jsonschema is installed (the schema check needs it)", jsonschema is not None)
with open(schema_path) as f:
    schema = json.load(f)
validator = jsonschema.Draft4Validator(schema, format_checker=jsonschema.FormatChecker()) if jsonschema else None


def sarif(args, what):
    rc, out, err = run(["scan", "--format", "sarif"] + args)
    try:
        log = json.loads(out)
    except ValueError as e:
        check("sarif %s: one JSON document" % what, False, "%s %s" % (e, out[:300]))
        return rc, None, err
    errs = sorted(validator.iter_errors(log), key=lambda e: list(e.path)) if validator else ["no validator"]
    check("sarif %s: valid against the SARIF 2.1.0 schema" % what, not errs,
          [("/".join(map(str, e.path)), e.message[:200]) for e in errs[:3]])
    return rc, log, err


explained = run(["explain"])[1].splitlines()
ids = [l.split()[0] for l in explained]
rc, log, err = sarif([SETDIR], "of a folder")
run0 = log["runs"][0]
rules = run0["tool"]["driver"]["rules"]
check("sarif: one rule per finding id, in the contract's order", [r["id"] for r in rules] == ids, len(rules))
check("sarif: levels of the rules follow the default severities",
      all(r["defaultConfiguration"]["level"] == {"high": "error", "medium": "warning", "low": "note"}[r["properties"]["severity"]]
          for r in rules))
res = run0["results"]
check("sarif: every result's ruleIndex names its rule", res and all(rules[r["ruleIndex"]]["id"] == r["ruleId"] for r in res))
got = sorted((r["ruleId"], r["level"]) for r in res)
check("sarif: one result per finding with its level",
      got == sorted([("container.corrupt", "warning"), ("html.script", "error"), ("type.mismatch", "note")]), got)
check("sarif: the input as its artifact URI", sorted(r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
                                                     for r in res) == sorted("file://" + x for x in (warned, blocked, low)))
check("sarif: a successful run", run0["invocations"][0]["executionSuccessful"] is True and rc == 1, run0["invocations"])
jl = {json.loads(l)["path"]: json.loads(l) for l in run(["scan", "--json", SETDIR])[1].splitlines()}
check("sarif: the same findings and details as the JSON Lines report",
      sorted((r["ruleId"], r["message"]["text"]) for r in res) ==
      sorted((f["id"], f["detail"]) for o in jl.values() for f in o["findings"]))

# Inside an archive: the where chain as a logical location; policy changes the level.
zp = os.path.join(work, "in side.zip")
with zipfile.ZipFile(zp, "w") as z:
    z.writestr("docs/../../evil é.txt", b"hi\n")
    z.writestr("sub/inner.svg", b'<svg xmlns="http://www.w3.org/2000/svg" onload="x()"/>')
rel = os.path.relpath(zp)
rc, log, err = sarif(["--severity", "html.script=medium", rel], "of a ZIP with policy")
res = log["runs"][0]["results"]
trav = [r for r in res if r["ruleId"] == "path.traversal"]
svg = [r for r in res if r["ruleId"] == "html.script"]
check("sarif: a relative path stays relative, percent-encoded",
      trav and trav[0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == rel.replace(" ", "%20"),
      trav[0]["locations"] if trav else res)
ll = trav[0]["locations"][0].get("logicalLocations") if trav else None
check("sarif: the entry as a logical location", ll == [{"name": "docs/../../evil é.txt",
                                                       "fullyQualifiedName": "docs/../../evil é.txt"}], ll)
check("sarif: the where chain in the properties", trav and trav[0]["properties"]["where"] == [rel, "docs/../../evil é.txt"])
check("sarif: the message names the entry", trav and trav[0]["message"]["text"].endswith("(in docs/../../evil é.txt)"),
      trav[0]["message"] if trav else None)
check("sarif: a policy's severity is the result's level", svg and svg[0]["level"] == "warning" and
      svg[0]["properties"]["severity"] == "medium", svg)
fps = [r["partialFingerprints"]["crible/v1"] for r in res]
check("sarif: fingerprints distinct per finding and stable across runs",
      len(set(fps)) == len(fps) and fps == [r["partialFingerprints"]["crible/v1"] for r in
                                             sarif(["--severity", "html.script=medium", rel], "again")[1]["runs"][0]["results"]])

# Unreadable inputs: notifications, executionSuccessful false, exit 2; an empty run is valid too.
rc, log, err = sarif([clean_txt, missing], "with an unreadable input")
inv = log["runs"][0]["invocations"][0]
check("sarif: an unreadable input is an error notification, the run unsuccessful, exit 2",
      rc == 2 and inv["executionSuccessful"] is False and len(inv["toolExecutionNotifications"]) == 1 and
      inv["toolExecutionNotifications"][0]["level"] == "error" and "No such file" in
      inv["toolExecutionNotifications"][0]["message"]["text"], (rc, inv))
check("sarif: ... and a line on stderr for the person watching", "no-such-file: No such file" in err, err)
rc, log, err = sarif([clean_txt], "with no finding")
check("sarif: no finding, no result, exit 0", log["runs"][0]["results"] == [] and rc == 0)
rc, log, err = sarif(["-q", low], "quiet with a low finding")
check("sarif: --quiet keeps low findings (a log lists what it found)", len(log["runs"][0]["results"]) == 1)

# Many inputs on many threads: the commas between inputs hold, the order is the input order.
many = os.path.join(work, "many")
os.makedirs(many)
for i in range(300):
    put("many/%03d.%s" % (i, "svg" if i % 3 == 0 else "txt"),
        b'<svg xmlns="http://www.w3.org/2000/svg" onload="x()"/>' if i % 3 == 0 else b"plain %d\n" % i)
rc, log, err = sarif(["-j", "8", many, missing], "of 300 files on 8 threads")
res = log["runs"][0]["results"]
uris = [r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in res]
check("sarif: 100 results in input order", len(res) == 100 and uris == sorted(uris), len(res))
check("sarif: the missing input after them is a notification", len(log["runs"][0]["invocations"][0]["toolExecutionNotifications"]) == 1)

# The rules' help is explain's text.
rc, out, err = run(["explain", "path.ads"])
r = [x for x in rules if x["id"] == "path.ads"][0]
flat = " ".join(out.split())
check("sarif: a rule's help says what 'crible explain' says",
      " ".join(r["shortDescription"]["text"].split()) in flat and " ".join(r["fullDescription"]["text"].split()) in flat
      and " ".join(r["help"]["text"].split()).split("Example: ")[1] in flat, (r["help"], out))

shutil.rmtree(work)
finish()
