#!/usr/bin/env python3
"""crible diff on real packages (shared/research/rebuild.md §6.4).

usage: test_diff_real.py CRIBLE CACHE

Downloads, cached in CACHE (never committed):
  - with `npm pack`: inherits 2.0.4, commander 9.4.1, escape-string-regexp
    4.0.0, wrappy 1.0.2, as their registry publishes them;
  - from Debian's archive (a private deb-src list, the system's apt config
    untouched): their .orig.tar.gz (the upstream tag tarballs), the genuine
    xz-utils 5.4.1 .orig.tar.xz, and with `apt-get download` the
    python3-setuptools-whl, ca-certificates and librust-itoa-dev packages.
A download that is not available is a skip (printed), never a failure.

Checks:
  - negative controls: each npm package against its Debian orig: MATCH, exit 0,
    nothing but SAME, META and SRC_ONLY;
  - positive controls: the real inherits package, mutated one way at a time
    (postinstall, setup.js, binding.gyp, setuid, a symlink to /etc/passwd, a
    line appended to main, a dependency, a version bump, a prebuilt .node,
    re-tarred with other times, owners, order and gzip level);
  - the genuine xz 5.4.1 release against its own tree: no critical, no red flag;
  - setuptools' wheel verifies against its RECORD (250 files); one byte
    changed inside it is SELF_INTEGRITY; its .pth is HOOK_PRESENT;
  - ca-certificates' .deb verifies against its md5sums, its maintainer scripts
    are HOOK_PRESENT; one byte changed in data.tar is SELF_INTEGRITY;
  - itoa as a .crate (from librust-itoa-dev's registry copy) against its
    folder: MATCH; with a build.rs added: HOOK_ADDED.
Ends with 'N passed, N failed' (and the skips).
"""
import gzip, io, json, lzma, os, shutil, subprocess, sys, tarfile, tempfile, zipfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import ar_write, check, counts, runner
from realdata import NPM_PAIRS, RealData

crible, cache = sys.argv[1], os.path.abspath(sys.argv[2])
run = runner(crible)
rd = RealData(cache)
npm_pack, orig, deb = rd.npm_pack, rd.orig, rd.deb
work = tempfile.mkdtemp(prefix="crible-diff-real-")
skipped = []


def skip(what, why):
    skipped.append(what)
    print("SKIP %s: %s" % (what, why))


def diff(package, source, *opts):
    rc, out, err = run(["diff", "--json"] + list(opts) + [package, source], timeout=300)
    try:
        return rc, json.loads(out), err
    except ValueError:
        return rc, None, err + out[:300]


def classes(j):
    return {(f["class"], f["severity"]) for f in j["findings"]} if j else set()


# --- negative controls --------------------------------------------------------------
for name, ver, src in NPM_PAIRS:
    p, o = npm_pack(name, ver), orig(src, ver)
    if not p or not o:
        skip("negative control %s" % name, "npm pack" if not p else "the Debian orig tarball")
        continue
    rc, j, err = diff(p, o)
    check("negative %s: MATCH, exit 0" % name, rc == 0 and j and j["verdict"] == "MATCH", (rc, err, classes(j)))
    check("negative %s: only SAME, META, SRC_ONLY" % name, j and {c for c, _ in classes(j)} <= {"META", "SRC_ONLY"},
          classes(j))
    check("negative %s: every package file matched" % name, j and j["counts"].get("SAME") == j["package"]["entries"] and
          j["package"]["eco"] == "npm", j and (j["counts"], j["package"]))

# --- positive controls: the real inherits package, mutated --------------------------
inh, inh_src = npm_pack("inherits", "2.0.4"), orig("node-inherits", "2.0.4")
if inh and inh_src:
    members = []
    with tarfile.open(inh) as t:
        for m in t.getmembers():
            members.append((m, t.extractfile(m).read() if m.isfile() else None))

    def repack(path, change=None, add=(), mtime=None, owner=None, reverse=False, level=9):
        ms = list(reversed(members)) if reverse else list(members)
        raw = io.BytesIO()
        with tarfile.open(fileobj=raw, mode="w", format=tarfile.USTAR_FORMAT) as t:
            for m, data in ms:
                m = tarfile.TarInfo(m.name) if False else m
                ti = tarfile.TarInfo(m.name)
                ti.mode, ti.mtime, ti.uid, ti.gid, ti.type = m.mode, m.mtime, m.uid, m.gid, m.type
                if mtime is not None:
                    ti.mtime = mtime
                if owner is not None:
                    ti.uid = ti.gid = owner
                if change:
                    r = change(ti, data)
                    if r is not None:
                        ti, data = r
                if ti.type == tarfile.SYMTYPE:
                    t.addfile(ti)
                    continue
                ti.size = len(data or b"")
                t.addfile(ti, io.BytesIO(data or b""))
            for name, data, mode in add:
                ti = tarfile.TarInfo("package/" + name)
                ti.size, ti.mode, ti.mtime = len(data), mode, 499162500
                t.addfile(ti, io.BytesIO(data))
        out = os.path.join(work, path)
        with open(out, "wb") as f:
            f.write(gzip.compress(raw.getvalue(), compresslevel=level, mtime=0))
        return out

    def pj(change):
        def f(ti, data):
            if ti.name == "package/package.json":
                j = json.loads(data)
                change(j)
                return ti, json.dumps(j, indent=2).encode()
        return f

    def setuid(ti, data):
        if ti.name == "package/inherits.js":
            ti.mode = 0o4755
        return ti, data

    def to_link(ti, data):
        if ti.name == "package/inherits_browser.js":
            ti.type, ti.linkname = tarfile.SYMTYPE, "/etc/passwd"
        return ti, data

    def append_main(ti, data):
        if ti.name == "package/inherits.js":
            return ti, data + b"require('child_process').exec('id');\n"

    cases = [
        ("postinstall", repack("m1.tgz", pj(lambda j: j.setdefault("scripts", {}).update(postinstall="node setup.js")),
                               add=[("setup.js", b"require('child_process').exec('id');\n", 0o644)]),
         {("HOOK_ADDED", "critical"), ("PKG_ONLY", "high")}, "SUSPICIOUS", 1),
        ("setup.js", repack("m2.tgz", add=[("setup.js", b"module.exports = 0;\n", 0o644)]), {("PKG_ONLY", "high")},
         "DIVERGENT", 1),
        ("binding.gyp", repack("m3.tgz", add=[("binding.gyp", b"{'targets':[]}\n", 0o644)]),
         {("HOOK_ADDED", "critical")}, "SUSPICIOUS", 1),
        ("setuid", repack("m4.tgz", setuid), {("MODE", "high")}, "DIVERGENT", 1),
        ("symlink to /etc/passwd", repack("m5.tgz", to_link), {("TYPE", "high")}, "DIVERGENT", 1),
        ("line appended to main", repack("m6.tgz", append_main), {("CONTENT_CODE", "high")}, "DIVERGENT", 1),
        ("dependency added", repack("m7.tgz", pj(lambda j: j.setdefault("dependencies", {}).update(evil="1.0.0"))),
         {("MANIFEST_DEPS", "high")}, "DIVERGENT", 1),
        ("version bump", repack("m8.tgz", pj(lambda j: j.update(version="2.0.5"))), {("MANIFEST_VERSION", "info")},
         "MATCH", 0),
        ("prebuilt .node", repack("m9.tgz", add=[("lib/x.node", open("/bin/true", "rb").read(), 0o755)]),
         {("PKG_ONLY_BINARY", "high")}, "DIVERGENT", 1),
        ("re-tarred", repack("m10.tgz", mtime=1600000000, owner=1000, reverse=True, level=1), set(), "MATCH", 0),
    ]
    for name, p, want, verdict, status in cases:
        rc, j, err = diff(p, inh_src)
        got = classes(j)
        check("positive %s: %s" % (name, sorted(want)), want <= got, got)
        check("positive %s: %s, exit %d" % (name, verdict, status), j and j["verdict"] == verdict and rc == status,
              (rc, j and j["verdict"], err))
        extra = {c for c, _ in got} - {c for c, _ in want} - {"META", "SRC_ONLY", "SCAN"}
        check("positive %s: no other class" % name, not extra, got)
    rc, j, _ = diff(os.path.join(work, "m10.tgz"), inh)
    check("re-tarred against the original package: META only", j and classes(j) == {("META", "info")}, classes(j))
else:
    skip("positive controls", "the inherits package or its orig tarball")

# --- the genuine xz-utils 5.4.1 release: no critical ----------------------------------
xz = orig("xz-utils", "5.4.1")
if xz:
    tree = os.path.join(work, "xz")
    os.makedirs(tree)
    with tarfile.open(xz) as t:
        t.extractall(tree, filter="tar") if hasattr(tarfile, "data_filter") else t.extractall(tree)
    top = os.path.join(tree, os.listdir(tree)[0])
    for source, what in ((top, "its tree"), (xz, "itself")):
        rc, j, err = diff(xz, source)
        check("xz 5.4.1 against %s: no critical" % what, j and all(s != "critical" for _, s in classes(j)), classes(j))
        check("xz 5.4.1 against %s: no red flag" % what,
              j and not {c for c, _ in classes(j)} & {"BUILD_RED_FLAG", "BUILD_READS_FIXTURE"}, classes(j))
        check("xz 5.4.1 against %s: MATCH, every entry" % what,
              j and j["verdict"] == "MATCH" and j["counts"].get("SAME", 0) >= 600 and j["package"]["eco"] == "autotools",
              j and (j["verdict"], j["counts"], err))
else:
    skip("xz 5.4.1", "the Debian orig tarball")

# --- a wheel against its RECORD --------------------------------------------------------
whl_deb = deb("python3-setuptools-whl")
if whl_deb:
    x = os.path.join(work, "whl")
    subprocess.run(["dpkg-deb", "-x", whl_deb, x], check=True)
    whl = [os.path.join(d, f) for d, _, fs in os.walk(x) for f in fs if f.endswith(".whl")][0]
    src = os.path.join(work, "whl-src")
    with zipfile.ZipFile(whl) as z:
        z.extractall(src)
        names = z.namelist()
    rc, j, err = diff(whl, src)
    si = [f for f in j["findings"] if f["class"] == "SELF_INTEGRITY"] if j else []
    check("wheel: RECORD verifies", len(si) == 1 and si[0]["severity"] == "ok" and si[0]["detail"].startswith("250 files"),
          si)
    check("wheel: its .pth is HOOK_PRESENT", j and any(f["class"] == "HOOK_PRESENT" and f["path"].endswith(".pth")
                                                       for f in j["findings"]), classes(j))
    check("wheel: MATCH against its own files", rc == 0 and j and j["verdict"] == "MATCH", (rc, classes(j), err))
    # One byte changed in one file, RECORD left as it was.
    bad = os.path.join(work, "setuptools-mutated.whl")
    with zipfile.ZipFile(whl) as z, zipfile.ZipFile(bad, "w", zipfile.ZIP_DEFLATED) as o:
        for n in names:
            data = z.read(n)
            if n == "pkg_resources/__init__.py":
                data = data[:100] + bytes([data[100] ^ 1]) + data[101:]
            o.writestr(n, data)
    rc, j, _ = diff(bad, src)
    check("wheel: one byte changed is SELF_INTEGRITY high", j and any(
        f["class"] == "SELF_INTEGRITY" and f["severity"] == "high" and f["path"] == "pkg_resources/__init__.py"
        for f in j["findings"]) and rc == 1, classes(j))
else:
    skip("wheel", "python3-setuptools-whl")

# --- a .deb against its md5sums ------------------------------------------------------------
def ar_members(path):
    data = open(path, "rb").read()
    assert data[:8] == b"!<arch>\n"
    i, out = 8, []
    while i + 60 <= len(data):
        name, size = data[i:i + 16].decode().strip().rstrip("/"), int(data[i + 48:i + 58])
        out.append((name, data[i + 60:i + 60 + size]))
        i += 60 + size + (size & 1)
    return out


ca = deb("ca-certificates")
if ca:
    empty = os.path.join(work, "empty")
    os.makedirs(empty, exist_ok=True)
    rc, j, _ = diff(ca, empty)
    si = [f for f in j["findings"] if f["class"] == "SELF_INTEGRITY"] if j else []
    check("deb: md5sums verifies", len(si) == 1 and si[0]["severity"] == "ok", si)
    hooks = {f["path"] for f in j["findings"] if f["class"] == "HOOK_PRESENT"} if j else set()
    check("deb: its maintainer scripts are HOOK_PRESENT", "postinst" in hooks, hooks)
    mem = ar_members(ca)
    data_name = [n for n, _ in mem if n.startswith("data.tar")][0]
    raw = dict(mem)[data_name]
    plain = lzma.decompress(raw) if data_name.endswith(".xz") else raw
    tin = tarfile.open(fileobj=io.BytesIO(plain))
    out = io.BytesIO()
    with tarfile.open(fileobj=out, mode="w", format=tin.format) as t:
        changed = None
        for m in tin.getmembers():
            body = tin.extractfile(m).read() if m.isfile() else None
            if body and changed is None and m.name.endswith(".crt"):
                body = body[:-2] + bytes([body[-2] ^ 1]) + body[-1:]
                changed = m.name.lstrip("./")
            t.addfile(m, io.BytesIO(body) if body is not None else None)
    body = lzma.compress(out.getvalue()) if data_name.endswith(".xz") else out.getvalue()
    bad = os.path.join(work, "ca-mutated.deb")
    ar_write(bad, [(n, body if n == data_name else b) for n, b in mem])
    rc, j, _ = diff(bad, empty)
    check("deb: one byte changed in data.tar is SELF_INTEGRITY high", j and any(
        f["class"] == "SELF_INTEGRITY" and f["severity"] == "high" and f["path"] == changed for f in j["findings"]),
        (changed, [f for f in (j or {}).get("findings", []) if f["class"] == "SELF_INTEGRITY"][:3]))
else:
    skip("deb", "ca-certificates")

# --- a crate -------------------------------------------------------------------------------------
itoa = deb("librust-itoa-dev")
if itoa:
    x = os.path.join(work, "itoa")
    subprocess.run(["dpkg-deb", "-x", itoa, x], check=True)
    reg = os.path.join(x, "usr/share/cargo/registry")
    name = sorted(os.listdir(reg))[0]
    folder = os.path.join(reg, name)

    def crate(path, extra=None):
        with tarfile.open(path, "w:gz", format=tarfile.USTAR_FORMAT) as t:
            t.add(folder, arcname=name)
            if extra:
                ti = tarfile.TarInfo(name + "/build.rs")
                ti.size = len(extra)
                t.addfile(ti, io.BytesIO(extra))
        return path

    rc, j, err = diff(crate(os.path.join(work, name + ".crate")), folder)
    check("crate: eco crate, MATCH", rc == 0 and j and j["verdict"] == "MATCH" and j["package"]["eco"] == "crate",
          (rc, j and j["package"], classes(j), err))
    rc, j, _ = diff(crate(os.path.join(work, name + "-built.crate"), b"fn main() { std::process::Command::new(\"id\"); }\n"),
                    folder)
    check("crate: a build.rs only the package has is HOOK_ADDED", ("HOOK_ADDED", "critical") in classes(j) and rc == 1,
          classes(j))
else:
    skip("crate", "librust-itoa-dev")

shutil.rmtree(work)
print("%d passed, %d failed, %d skipped" % (counts["passed"], counts["failed"], len(skipped)))
sys.exit(1 if counts["failed"] else 0)
