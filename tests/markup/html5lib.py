#!/usr/bin/env python3
"""Runs the html5lib tokenizer tests through crible's tokenizer.

  html5lib.py DRIVER TESTDIR

Every test of every *.test file in TESTDIR runs once per initial state it
names, and must give exactly the expected tokens: tags, attribute names
and values, self-closing flags, comments, DOCTYPEs, and character data
(adjacent characters joined).  Parse errors are not compared: crible
does not report them.  xmlViolation.test expects the output coerced to
an XML infoset (the standard's "coercing an HTML DOM into an infoset"):
the runner applies those rules to crible's tokens before comparing.

Prints the count of runs and every failure; exits 1 on any failure.
"""
import glob
import json
import os
import re
import subprocess
import sys

STATES = {"Data state": 0, "RCDATA state": 1, "RAWTEXT state": 2, "Script data state": 3,
          "PLAINTEXT state": 4, "CDATA section state": 5}


def unescape(s):
    return re.sub(r"\\u([0-9A-Fa-f]{4})", lambda m: chr(int(m.group(1), 16)), s)


def deep(v, f):
    if isinstance(v, str):
        return f(v)
    if isinstance(v, list):
        return [deep(x, f) for x in v]
    if isinstance(v, dict):
        return {f(k): deep(x, f) for k, x in v.items()}
    return v


def coerce_xml(tokens):
    out = []
    for tok in tokens:
        tok = list(tok)
        if tok[0] == "Character":
            tok[1] = re.sub("[\uFFFE\uFFFF]", "\uFFFD", tok[1].replace("\x0c", " "))
        elif tok[0] == "Comment":
            while "--" in tok[1]:
                tok[1] = tok[1].replace("--", "- -")
        out.append(tok)
    return out


def main():
    driver, testdir = sys.argv[1], sys.argv[2]
    if not os.path.isdir(testdir):
        print("html5lib tests not found at %s: skipped (they live in ../shared/data)" % testdir)
        sys.exit(77)
    runs = []
    for path in sorted(glob.glob(os.path.join(testdir, "*.test"))):
        with open(path, encoding="utf-8") as f:
            data = json.load(f)
        for key, tests in data.items():
            for i, t in enumerate(tests):
                inp, want = t["input"], t["output"]
                if t.get("doubleEscaped"):
                    inp, want = unescape(inp), deep(want, unescape)
                for st in t.get("initialStates", ["Data state"]):
                    runs.append((os.path.basename(path), i, t["description"], st, t.get("lastStartTag"),
                                 inp, want, key == "xmlViolationTests"))
    lines = []
    for r in runs:
        cps = ",".join("%x" % ord(ch) for ch in r[5])
        lines.append("%d\t%s\t%s\n" % (STATES[r[3]], r[4] or "-", cps))
    res = subprocess.run([driver], input="".join(lines), capture_output=True, text=True,
                         encoding="utf-8", errors="surrogatepass")
    if res.returncode != 0:
        sys.exit("driver failed: %s" % res.stderr)
    got = res.stdout.splitlines()
    if len(got) != len(runs):
        sys.exit("driver gave %d results for %d runs" % (len(got), len(runs)))
    failed = 0
    for r, line in zip(runs, got):
        toks = json.loads(line)
        if r[7]:
            toks = coerce_xml(toks)
        if toks != r[6]:
            failed += 1
            if failed <= 40:
                print("FAIL %s #%d %r (%s)\n  input: %r\n  want:  %r\n  got:   %r" %
                      (r[0], r[1], r[2], r[3], r[5], r[6], toks))
    tests = len({(r[0], r[1]) for r in runs})
    print("html5lib tokenizer: %d tests, %d runs, %d passed, %d failed, 0 skipped" %
          (tests, len(runs), len(runs) - failed, failed))
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
