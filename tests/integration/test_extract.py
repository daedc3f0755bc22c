#!/usr/bin/env python3
"""End-to-end tests of `crible extract`.

usage: test_extract.py CRIBLE CRIBLE_GEN

- Every archive crible-gen makes, in both modes: the default mode writes
  nothing and exits 1 when the verdict is block; --sanitize writes only
  entries with no high finding (renamed ones only for naming hazards),
  each file's SHA-256 as reported; a snapshot of the tree around DIR
  (names, inodes, mtimes) is unchanged outside DIR after every run.
- Clean archives (tar, tar.gz, tar.xz, zip, cpio) made here extract
  byte-identical to `bsdtar -xf --no-same-owner --no-same-permissions`:
  names, kinds, data, link targets and modes.
- The writer's containment on its own: with the link and path rules
  lowered to low by policy, escaping links and names are still refused.
- --for windows, quotas, a race that swaps folders for symlinks while
  extraction runs, SIGKILL halfway and SIGTERM.
Ends with 'N passed, N failed'.
"""
import hashlib, io, json, os, shutil, signal, stat, subprocess, sys, tarfile, tempfile, threading, time, zipfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import check, finish, pty_drain, runner

crible, gen = sys.argv[1], sys.argv[2]
run = runner(crible)


work = tempfile.mkdtemp(prefix="crible-extract-")
samples = os.path.join(work, "samples")
subprocess.run([gen, samples], check=True, capture_output=True)

# The tree around every destination: a sibling folder and files outside, watched.
arena = os.path.join(work, "arena")
outside = os.path.join(arena, "outside")
os.makedirs(os.path.join(outside, "etc"))
open(os.path.join(outside, "etc", "passwd"), "w").write("root:x:0:0\n")
open(os.path.join(arena, "sibling.txt"), "w").write("keep\n")


def snapshot(top, skip):
    """Names, kinds, inodes, mtimes and sizes of everything under top, except the skip folder."""
    out = {}
    for d, dirs, files in os.walk(top, followlinks=False):
        if os.path.abspath(d) == os.path.abspath(skip):
            dirs[:] = []
            continue
        for n in dirs + files:
            p = os.path.join(d, n)
            if os.path.abspath(p) == os.path.abspath(skip):
                continue
            st = os.lstat(p)
            out[p] = (stat.S_IFMT(st.st_mode), st.st_ino, st.st_mtime_ns, st.st_size)
    # Also what sits next to the work folder (a write that climbs further).
    for n in os.listdir(os.path.dirname(top)):
        p = os.path.join(os.path.dirname(top), n)
        st = os.lstat(p)
        out[p] = (stat.S_IFMT(st.st_mode), st.st_ino)
    return out


def tree(top):
    """Everything under top: relative path -> (kind, mode, data or link target)."""
    out = {}
    for d, dirs, files in os.walk(top, followlinks=False):
        for n in dirs + files:
            p = os.path.join(d, n)
            r = os.path.relpath(p, top)
            st = os.lstat(p)
            if stat.S_ISLNK(st.st_mode):
                out[r] = ("link", 0, os.readlink(p))
            elif stat.S_ISDIR(st.st_mode):
                out[r] = ("dir", stat.S_IMODE(st.st_mode), None)
            else:
                out[r] = ("file", stat.S_IMODE(st.st_mode), open(p, "rb").read())
    return out


def dest(name):
    d = os.path.join(arena, "dest-" + name)
    shutil.rmtree(d, ignore_errors=True)
    return d


def extract(args, archive, d, env=None):
    before = snapshot(arena, d)
    rc, out, err = run(["extract", "--json"] + args + [archive, d], env=env)
    after = snapshot(arena, d)
    try:
        obj = json.loads(out)
    except ValueError:
        obj = {}
    return rc, obj, err, before == after, set(before) ^ set(after)


def staged(d):
    return [n for n in os.listdir(d) if n.startswith(".crible-extract-")] if os.path.isdir(d) else []


ARCHIVES = {"zip", "tar", "tar-gnu", "tar-pax", "rar4", "rar5", "cpio", "iso9660", "gzip", "7z", "xz", "bzip2",
            "zstd", "ar", "deb"}
rows = [l.rstrip("\n").split("\t") for l in open(os.path.join(samples, "scenarios.tsv"))]
hostile = 0
for f, args, typ, ids, verdict, why in rows:
    if typ not in ARCHIVES:
        continue
    path = os.path.join(samples, f)
    extra = args.split()
    # Default mode: all or nothing.
    d = dest("default")
    rc, obj, err, same, diff = extract(extra, path, d)
    x = obj.get("extract", {})
    check(f + " default: nothing outside", same, diff)
    check(f + " default: no staging left", not staged(d), os.listdir(d) if os.path.isdir(d) else "")
    check(f + " default: verdict", obj.get("verdict") == verdict, "%s want %s" % (obj.get("verdict"), verdict))
    if verdict == "block":
        hostile += 1
        check(f + " default: blocked writes nothing", rc == 1 and x.get("status") == "refused" and os.listdir(d) == [],
              "%d %s %s" % (rc, x, os.listdir(d) if os.path.isdir(d) else None))
    else:
        want_rc = {"written": 0, "refused": 1, "failed": 2}.get(x.get("status"), -1)
        check(f + " default: status and exit agree", rc == want_rc, "%d %s" % (rc, x))
        if x.get("status") != "written":
            check(f + " default: refused writes nothing", os.listdir(d) == [], os.listdir(d))
    # Sanitize: only what is safe, each file as reported.
    d = dest("sanitize")
    rc, obj, err, same, diff = extract(["--sanitize"] + extra, path, d)
    x = obj.get("extract", {})
    check(f + " sanitize: nothing outside", same, diff)
    check(f + " sanitize: no staging left", not staged(d))
    check(f + " sanitize: exit", rc == (0 if x.get("status") == "written" else 1 if x.get("status") == "refused" else 2),
          "%d %s" % (rc, x.get("status")))
    highs = {}
    for fd in obj.get("findings", []):
        if fd["severity"] == "high" and len(fd["where"]) >= 2:
            highs.setdefault(fd["where"][-1] if len(fd["where"]) == 2 else None, set()).add(fd["id"])
    # JSON carries names as UTF-8: bytes that are not come back as U+FFFD.
    on_disk = {k.encode("utf-8", "surrogateescape").decode("utf-8", "replace"): v
               for k, v in (tree(d) if os.path.isdir(d) else {}).items()}
    written = [e for e in x.get("entries", []) if e["action"] != "skipped"]
    if x.get("status") == "written":
        for e in written:
            p = e.get("path")
            check(f + " sanitize: %s on disk" % e["name"], p in on_disk or (e["kind"] == "symlink" and p in on_disk),
                  "%s not in %s" % (p, sorted(on_disk)[:20]))
            if e.get("sha256") and p in on_disk and on_disk[p][0] == "file":
                check(f + " sanitize: %s sha256" % e["name"],
                      hashlib.sha256(on_disk[p][2]).hexdigest() == e["sha256"])
            if typ.startswith("tar") or typ == "zip":
                bad = highs.get(e["name"], set()) - {"path.absolute", "path.ads", "path.device", "path.trailing",
                                                     "path.bestfit", "path.control", "path.bidi", "entry.setid"}
                check(f + " sanitize: %s has no high finding left" % e["name"], not bad, bad)
                if e["action"] == "renamed":
                    check(f + " sanitize: %s renamed for its name" % e["name"], e.get("why"), e)
        reported = {e["path"] for e in written}
        for p, (kind, _, _) in on_disk.items():
            check(f + " sanitize: %s was reported" % p, p in reported or kind == "dir", sorted(reported)[:20])
        for m in on_disk.values():
            check(f + " sanitize: no setid bits", not (m[1] & 0o7000), m)
    else:
        check(f + " sanitize: nothing written", on_disk == {}, sorted(on_disk)[:10])
check("hostile archives were exercised", hostile >= 20, hostile)

# --- clean archives against bsdtar -------------------------------------------------------
src = os.path.join(work, "clean-src")
os.makedirs(os.path.join(src, "top", "a", "b"))
os.makedirs(os.path.join(src, "top", "private"))
os.makedirs(os.path.join(src, "top", "ro"))
for i in range(40):
    open(os.path.join(src, "top", "a", "f%02d.txt" % i), "w").write("line %d\n" % i * (i + 1))
open(os.path.join(src, "top", "a", "b", "empty"), "w").close()
open(os.path.join(src, "top", "a", "b", "résumé.txt"), "w").write("unicode name\n")
with open(os.path.join(src, "top", "big.bin"), "wb") as fh:
    fh.write(hashlib.sha256(b"seed").digest() * (3 << 16))
open(os.path.join(src, "top", "run.sh"), "w").write("echo hi\n")
os.chmod(os.path.join(src, "top", "run.sh"), 0o755)
open(os.path.join(src, "top", "private", "key"), "w").write("k\n")
os.chmod(os.path.join(src, "top", "private", "key"), 0o600)
os.chmod(os.path.join(src, "top", "private"), 0o700)
os.symlink("a/f01.txt", os.path.join(src, "top", "link"))
os.symlink("../f02.txt", os.path.join(src, "top", "a", "b", "up"))
os.link(os.path.join(src, "top", "a", "f03.txt"), os.path.join(src, "top", "hard"))
os.chmod(os.path.join(src, "top", "ro"), 0o555)
clean = {}
for name, mode in (("clean.tar", "w"), ("clean.tar.gz", "w:gz"), ("clean.tar.xz", "w:xz"), ("clean.tar.bz2", "w:bz2")):
    p = os.path.join(work, name)
    with tarfile.open(p, mode, format=tarfile.PAX_FORMAT) as t:
        t.add(os.path.join(src, "top"), arcname="top")
    clean[name] = p
p = os.path.join(work, "clean.zip")
subprocess.run(["bsdtar", "-a", "-cf", p, "-C", src, "top"], check=True)
clean["clean.zip"] = p
for name, fmt in (("clean.cpio", "newc"), ("clean.7z", "7zip"), ("clean.iso", "iso9660")):
    p = os.path.join(work, name)
    subprocess.run(["bsdtar", "--format", fmt, "-cf", p, "-C", src, "top"], check=True)
    clean[name] = p
# A policy that lets run.sh through: the comparison is about bytes, not verdicts.
policy = os.path.join(work, "policy")
open(policy, "w").write("exec.script low\n")
for name, p in sorted(clean.items()):
    mine, ref = dest("mine-" + name), dest("ref-" + name)
    rc, obj, err, same, diff = extract(["--policy", policy], p, mine)
    os.makedirs(ref)
    b = subprocess.run(["bsdtar", "-xf", p, "--no-same-owner", "--no-same-permissions", "-C", ref],
                       capture_output=True)
    check(name + " written", rc == 0 and obj.get("extract", {}).get("status") == "written", "%d %s %s" % (rc, obj.get("extract"), err))
    check(name + " bsdtar ran", b.returncode == 0, b.stderr)
    a, r = tree(mine), tree(ref)
    check(name + " same as bsdtar", a == r, {k: (a.get(k, "missing")[:2], r.get(k, "missing")[:2])
                                             for k in set(a) | set(r) if a.get(k) != r.get(k)})
    check(name + " nothing outside", same, diff)
    # Extracting again into the same folder: names already there, nothing half-written.
    rc, obj, err, same, _ = extract(["--policy", policy], p, mine)
    check(name + " again fails whole", rc == 2 and obj.get("extract", {}).get("status") == "failed" and tree(mine) == r
          and not staged(mine), "%d %s" % (rc, obj.get("extract")))


# --- the writer's own containment, with the rules told to look away --------------------
def tar_with(members):
    bio = io.BytesIO()
    with tarfile.open(fileobj=bio, mode="w", format=tarfile.GNU_FORMAT) as t:
        for m in members:
            ti = tarfile.TarInfo(m[0])
            if m[1] == "sym":
                ti.type, ti.linkname = tarfile.SYMTYPE, m[2]
                t.addfile(ti)
            elif m[1] == "hard":
                ti.type, ti.linkname = tarfile.LNKTYPE, m[2]
                t.addfile(ti)
            elif m[1] == "dir":
                ti.type = tarfile.DIRTYPE
                t.addfile(ti)
            else:
                ti.size = len(m[2])
                t.addfile(ti, io.BytesIO(m[2]))
    return bio.getvalue()


lax = ["--severity", "link.*=low", "--severity", "path.*=low", "--severity", "entry.*=low"]
cases = {
    "chain": [("l1", "sym", "."), ("l1/l2", "sym", ".."), ("x", "sym", "l1/l2/outside/etc"), ("ok.txt", "file", b"ok\n")],
    "through": [("d", "sym", "../outside"), ("d/planted.txt", "file", b"evil\n")],
    "absolute": [("abs", "sym", "/etc"), ("ok.txt", "file", b"ok\n")],
    "dotdot": [("../outside/planted.txt", "file", b"evil\n")],
    "root": [("me", "sym", "."), ("ok.txt", "file", b"ok\n")],
    "hard-to-symlink": [("s", "sym", "../outside/etc/passwd"), ("h", "hard", "s")],
    "hard-out": [("h", "hard", "../outside/etc/passwd")],
}
for name, members in cases.items():
    p = os.path.join(work, "lax-" + name + ".tar")
    open(p, "wb").write(tar_with(members))
    for mode in ([], ["--sanitize"]):
        d = dest("lax")
        rc, obj, err, same, diff = extract(lax + mode, p, d)
        x = obj.get("extract", {})
        check("lax %s %s: nothing outside" % (name, mode), same, diff)
        check("lax %s %s: passwd intact" % (name, mode),
              open(os.path.join(outside, "etc", "passwd")).read() == "root:x:0:0\n")
        if not mode:
            check("lax %s: refused by the writer" % name, rc in (1, 2) and os.listdir(d) == [], "%d %s" % (rc, x))
        else:
            t = tree(d) if os.path.isdir(d) else {}
            for r, (kind, _, target) in t.items():
                if kind == "link":
                    real = os.path.realpath(os.path.join(d, r))
                    check("lax %s: %s stays inside" % (name, r), real.startswith(os.path.realpath(d) + os.sep), real)
            check("lax %s: no planted file" % name, not any("planted" in r for r in t), sorted(t))

# --- Windows names ---------------------------------------------------------------------
zp = os.path.join(work, "windows.zip")
with zipfile.ZipFile(zp, "w") as z:
    for n in ("CON.txt", "a:b.txt", "trail. ", "Readme.TXT", "readme.txt", "q?.txt", "sub\\x.txt", "Docs/one.txt",
              "docs/two.txt", "fine.txt"):
        z.writestr(n, n.encode() + b"\n")
d = dest("win")
rc, obj, err, same, diff = extract(["--for", "windows"], zp, d)
check("windows default refuses", rc == 1 and os.listdir(d) == [] and same, "%d %s" % (rc, obj.get("extract")))
d = dest("win-sane")
rc, obj, err, same, diff = extract(["--sanitize", "--for", "windows"], zp, d)
got = {e["name"]: (e["action"], e.get("path")) for e in obj.get("extract", {}).get("entries", [])}
want = {"CON.txt": ("renamed", "_CON.txt"), "a:b.txt": ("renamed", "b.txt"), "trail. ": ("renamed", "trail__"),
        "Readme.TXT": ("written", "Readme.TXT"), "readme.txt": ("renamed", "readme~2.txt"),
        "q?.txt": ("renamed", "q_.txt"), "sub\\x.txt": ("written", "sub/x.txt"), "Docs/one.txt": ("written", "Docs/one.txt"),
        "docs/two.txt": ("written", "Docs/two.txt"), "fine.txt": ("written", "fine.txt")}
check("windows sanitize names", got == want, {k: (got.get(k), want.get(k)) for k in set(got) | set(want) if got.get(k) != want.get(k)})
check("windows sanitize tree", sorted(tree(d)) == sorted(["_CON.txt", "b.txt", "trail__", "Readme.TXT", "readme~2.txt",
                                                          "q_.txt", "sub", "sub/x.txt", "Docs", "Docs/one.txt",
                                                          "Docs/two.txt", "fine.txt"]), sorted(tree(d)))

# --- not an archive, an empty one, command line errors -----------------------------------
rc, obj, err, same, _ = extract([], os.path.join(samples, "picture.png"), dest("png"))
check("not an archive", rc == 2 and obj.get("extract", {}).get("status") == "failed" and
      "not an archive" in obj.get("extract", {}).get("reason", "") and os.listdir(os.path.join(arena, "dest-png")) == [],
      obj.get("extract"))
empty = os.path.join(work, "empty.zip")
with zipfile.ZipFile(empty, "w"):
    pass
for mode in ([], ["--sanitize"]):
    rc, obj, err, same, _ = extract(mode, empty, dest("empty"))
    check("empty archive %s" % mode, rc == 0 and obj.get("extract", {}).get("status") == "written" and
          os.listdir(os.path.join(arena, "dest-empty")) == [], "%d %s" % (rc, obj.get("extract")))
for args, msg in ((["extract"], "want ARCHIVE and DIR"), (["extract", "a"], "want ARCHIVE and DIR"),
                  (["extract", "--for", "beos", "a", "b"], "--for"),
                  (["extract", os.path.join(work, "missing.tar"), dest("missing")], "No such file")):
    rc, out, err = run(args)
    check("usage " + " ".join(args[:3]), rc == 2 and msg in err, "%d %r" % (rc, err))

# --- quotas ------------------------------------------------------------------------------
rc, obj, _, same, _ = extract(["--max-files", "5"], clean["clean.tar"], dest("quota"))
check("max-files", rc == 1 and "--max-files" in obj.get("extract", {}).get("reason", "") and
      os.listdir(dest("quota-check") if False else os.path.join(arena, "dest-quota")) == [], obj.get("extract"))
rc, obj, _, same, _ = extract(["--max-size", "100000"], clean["clean.tar.gz"], dest("quota"))
check("max-size", rc == 1 and "--max-size" in obj.get("extract", {}).get("reason", "") and
      os.listdir(os.path.join(arena, "dest-quota")) == [], obj.get("extract"))

# --- a race: folders inside DIR swapped for symlinks to outside while extraction runs ----
many = os.path.join(work, "many.tar")
with tarfile.open(many, "w") as t:
    for i in range(3000):
        data = b"x" * 512
        ti = tarfile.TarInfo("d%d/e%d/f%04d.txt" % (i % 7, i % 3, i))
        ti.size = len(data)
        t.addfile(ti, io.BytesIO(data))


def swapper(d, stop):
    while not stop.is_set():
        for root, dirs, _ in os.walk(d):
            for n in dirs:
                p = os.path.join(root, n)
                try:
                    os.rename(p, p + ".moved")
                    os.symlink(outside, p)
                    time.sleep(0.0005)
                    os.unlink(p)
                    os.rename(p + ".moved", p)
                except OSError:
                    pass
            if stop.is_set():
                break


for env_name, env in (("openat2", None), ("component walk", dict(os.environ, CRIBLE_NO_OPENAT2="1"))):
    outcomes = set()
    for attempt in range(4):
        d = dest("race")
        os.makedirs(d)
        stop = threading.Event()
        th = threading.Thread(target=swapper, args=(d, stop))
        before = snapshot(arena, d)
        th.start()
        rc, out, err = run(["extract", "--json", many, d], env=env)
        stop.set()
        th.join()
        after = snapshot(arena, d)
        check("race %s %d: nothing outside" % (env_name, attempt), before == after, set(before) ^ set(after))
        leaked = [n for n in os.listdir(outside) if n != "etc"]
        check("race %s %d: no byte outside" % (env_name, attempt), not leaked, leaked)
        outcomes.add(rc)
    check("race %s: ends written or failed whole" % env_name, outcomes <= {0, 2}, outcomes)

# --- killed halfway: only the private staging folder remains, and the next run removes it --
huge = os.path.join(work, "huge.tar")
with tarfile.open(huge, "w") as t:
    for i in range(400):
        data = os.urandom(1 << 16) * 4
        ti = tarfile.TarInfo("part/%03d.bin" % i)
        ti.size = len(data)
        t.addfile(ti, io.BytesIO(data))
for sig in (signal.SIGKILL, signal.SIGTERM):
    d = dest("killed")
    os.makedirs(d)
    p = subprocess.Popen([crible, "extract", "--no-progress", huge, d], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.time() + 20
    while time.time() < deadline:
        st = staged(d)
        if st and os.path.isdir(os.path.join(d, st[0], "part")) and len(os.listdir(os.path.join(d, st[0], "part"))) > 20:
            break
        time.sleep(0.002)
    p.send_signal(sig)
    p.wait(timeout=60)
    left = os.listdir(d)
    if sig == signal.SIGKILL:
        check("SIGKILL leaves only staging", p.returncode == -9 and all(n.startswith(".crible-extract-") for n in left),
              "%s %s" % (p.returncode, left))
        rc, obj, err, same, _ = extract([], clean["clean.tar.gz"], d)
        check("next run removes the stale staging", not staged(d) and rc == 0 and sorted(os.listdir(d)) == ["top"],
              "%d %s" % (rc, os.listdir(d)))
    else:
        check("SIGTERM removes everything", left == [] and p.returncode == 2, "%s %s" % (p.returncode, left))

# --- the progress line: on a terminal only ---------------------------------------------
import pty
d = dest("progress")
master, slave = pty.openpty()
p = subprocess.Popen([crible, "extract", huge, d], stdout=slave, stderr=slave)
os.close(slave)
seen = pty_drain(master, p)
p.wait(timeout=60)
os.close(master)
check("progress on a terminal", p.returncode == 0 and b" entries, " in seen and b"MiB/s" in seen, seen[-300:])
d = dest("quiet")
rc, out, err = run(["extract", huge, d])
check("no progress when not a terminal", rc == 0 and "entries," not in err and "MiB/s" not in out + err, err[-300:])

shutil.rmtree(work, ignore_errors=True)
finish()
