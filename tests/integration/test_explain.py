#!/usr/bin/env python3
"""crible explain, the man page and the SARIF rules say one thing (issue 14).

usage: test_explain.py CRIBLE MANPAGE [SPEC]

- `crible explain` lists exactly the ids of the findings contract (SPEC,
  shared/spec/findings.md, when it is there), each with the contract's
  default severity;
- `crible explain ID` for every id: the id, its severity and verdict, a
  summary, why it matters and an example; families and 'path.*' too; an
  unknown id is exit 2 with its name escaped;
- the FINDINGS section of crible(1) is `crible explain --man`, byte for
  byte, and renders with man(1) without a warning;
- the SARIF rules carry the same texts.
Ends with 'N passed, N failed'.
"""
import json, os, re, shutil, subprocess, sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import check, finish

crible, manpage = sys.argv[1], sys.argv[2]
spec = sys.argv[3] if len(sys.argv) > 3 else None


def run(args):
    p = subprocess.run([crible] + args, capture_output=True, timeout=60)
    return p.returncode, p.stdout.decode("utf-8"), p.stderr.decode("utf-8", "replace")


rc, out, err = run(["explain"])
listed = [l.split(None, 2) for l in out.splitlines()]
ids = [x[0] for x in listed]
sev = {x[0]: x[1] for x in listed}
check("explain: lists ids, exit 0", rc == 0 and len(ids) >= 40 and len(set(ids)) == len(ids), (rc, len(ids)))
check("explain: every line is 'id severity summary'",
      all(len(x) == 3 and x[1] in ("high", "medium", "low") and x[2].endswith(".") for x in listed))

if spec and os.path.exists(spec):
    want = {}
    for line in open(spec, encoding="utf-8"):
        m = re.match(r"^\| ([a-z]+\.[a-z-]+) \| (high|medium|low)", line)
        if m:
            want[m.group(1)] = m.group(2)
    check("explain: exactly the contract's ids", set(ids) == set(want), sorted(set(ids) ^ set(want)))
    check("explain: each with the contract's default severity",
          all(sev.get(i) == s for i, s in want.items()), [(i, s, sev.get(i)) for i, s in want.items() if sev.get(i) != s])
else:
    print("note: no findings contract beside the tree; ids not compared with it")

bad = []
for i in ids:
    rc, out, err = run(["explain", i])
    lines = out.splitlines()
    ok = (rc == 0 and err == "" and lines and lines[0] == "%s: %s by default (%s)" %
          (i, sev[i], {"high": "block", "medium": "warn", "low": "allow"}[sev[i]]) and
          out.count("\n\n") == 2 and "  Example: " in out and all(len(l) <= 78 for l in lines))
    if not ok:
        bad.append((i, rc, out[:200], err))
check("explain ID: every id says its severity, summary, why and an example, wrapped", not bad, bad[:3])

rc, out, err = run(["explain", "path"])
check("explain FAMILY: every path.* id", rc == 0 and re.findall(r"^(path\.[a-z]+):", out, re.M) ==
      [i for i in ids if i.startswith("path.")], out[:200])
rc2, out2, err2 = run(["explain", "path.*"])
check("explain 'path.*' is the family", out2 == out)
rc, out, err = run(["explain", "bomb.ratio", "sig.eicar"])
check("explain: several ids, in the order asked", re.findall(r"^([a-z]+\.[a-z-]+):", out, re.M) == ["bomb.ratio", "sig.eicar"])
rc, out, err = run(["explain", "path.nope\x1b[2J"])
check("explain: an unknown id is exit 2, its name escaped", rc == 2 and out == "" and "path.nope\\x1b[2J" in err
      and "\x1b" not in err, (rc, err))
rc, out, err = run(["explain", "pat"])
check("explain: a prefix that is no family is unknown", rc == 2, rc)
rc, out, err = run(["explain", "--bogus"])
check("explain: an unknown option is exit 2", rc == 2 and "unknown option" in err, err)

# --- the man page section is the table -----------------------------------------------------
rc, gen, err = run(["explain", "--man"])
text = open(manpage, encoding="utf-8").read()
m = re.search(r"^\.SH FINDINGS\n.*?(?=^\.SH )", text, re.M | re.S)
check("man: crible(1)'s FINDINGS section is 'crible explain --man' (run scripts/man-findings.sh)",
      m and m.group(0) == gen, "differs" if m else "no FINDINGS section")
check("man: every id has its entry", all(".B %s\n" % i in gen for i in ids))
if shutil.which("man"):
    p = subprocess.run(["man", "--warnings", "-l", "-E", "UTF-8", manpage], capture_output=True,
                       env=dict(os.environ, MANWIDTH="80", LC_ALL="C.UTF-8"), timeout=60)
    warn = [l for l in p.stderr.decode("utf-8", "replace").splitlines() if l.strip()]
    check("man: crible(1) renders without a warning", p.returncode == 0 and not warn, warn[:5])
    shown = p.stdout.decode("utf-8", "replace")
    check("man: the rendered page shows each id", all(i in shown for i in ids))
else:
    print("note: man(1) not installed; rendering not checked")

# --- SARIF rules are the same texts ----------------------------------------------------------
p = subprocess.run([crible, "scan", "--format", "sarif", "-"], input=b"hello\n", capture_output=True, timeout=60)
rules = json.loads(p.stdout)["runs"][0]["tool"]["driver"]["rules"]
bad = []
for r in rules:
    rc, out, err = run(["explain", r["id"]])
    flat = " ".join(out.split())
    for part in (r["shortDescription"]["text"], r["fullDescription"]["text"]):
        if " ".join(part.split()) not in flat:
            bad.append((r["id"], part[:60]))
check("sarif: every rule's texts are explain's", [r["id"] for r in rules] == ids and not bad, bad[:3])

finish()
