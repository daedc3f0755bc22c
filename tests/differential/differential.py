#!/usr/bin/env python3
"""Differential test: every entry a real extractor writes, crible judged.

For each archive, run the real readers installed from Debian (bsdtar from a
file and from a pipe, GNU tar with and without --ignore-zeros, Python's
tarfile and zipfile, Info-ZIP unzip, 7-Zip's 7zz, isoinfo's three
namespaces) and collect what each would write: a name, a kind and, for a
regular file, the SHA-256 of its data.  Then hold that against
`crible scan --json --list`, the entries crible judged at every depth.

An entry is covered when crible listed an entry whose name reads the same
(after the clean-up every extractor applies: leading '/' and '..' and '.'
components dropped, '\\' read as '/' where a reader does) and, for data,
when crible judged data with the same hash somewhere in the archive.  A
reader's regular file whose data crible never judged is the failure that
matters: it is content crible did not look at.

  differential.py --crible build/crible [--json] ARCHIVE|DIR...

Prints one line per uncovered entry ("UNCOVERED reader kind name sha") and
a closing "differential: N archives, N reader runs, N entries, N uncovered".
Exit status 1 when something is uncovered or a needed reader is missing.
"""
import argparse
import hashlib
import io
import json
import os
import re
import shutil
import stat
import subprocess
import sys
import tarfile
import tempfile
import zipfile

TIMEOUT = 60
HAVE_DATA_FILTER = hasattr(tarfile, "data_filter")

# --- what the readers write ------------------------------------------------


class Seen:
    """What one reader run produced."""

    def __init__(self, reader):
        self.reader = reader
        self.entries = []  # (kind, name, sha256 or None)
        self.error = None

    def add(self, kind, name, sha=None, other=None):
        """One entry; other: a second way to read the reader's printed name."""
        names = [n.decode("utf-8", "surrogateescape") if isinstance(n, bytes) else n for n in (name, other) if n is not None]
        self.entries.append((kind, names, sha))


class Data(bytes):
    """A regular file's bytes, compared by hash; None stands for nothing to judge (empty, or only NUL bytes)."""

    def __str__(self):
        return hashlib.sha256(self).hexdigest()[:16]


def sha(data):
    return Data(data) if data.strip(b"\0") else None


def covered_data(data, name, hashes, sized):
    """The bytes crible judged: the same hash, or the same bytes before a reader's NUL padding.

    A reader that cannot finish an entry (cut short, a broken stream) may
    pad it with NUL bytes to its stated size; the padding adds nothing."""
    if hashlib.sha256(data).hexdigest() in hashes:
        return True
    for size, h in sized.get(name, ()):
        if size < len(data) and not data[size:].strip(b"\0") and hashlib.sha256(data[:size]).hexdigest() == h:
            return True
    return False


def run(argv, stdin=None, cwd=None, user=None):
    """Runs a reader; its stdout as bytes (stderr is dropped)."""
    if user is not None:
        argv = ["setpriv", "--reuid", str(user[0]), "--regid", str(user[1]), "--clear-groups", "--"] + argv
    p = subprocess.run(argv, stdin=stdin, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                       timeout=TIMEOUT, env=dict(os.environ, LC_ALL="C.UTF-8"))
    return p.stdout


def walk_tree(seen, root):
    """What an extraction wrote under root."""
    for dirpath, dirnames, filenames in os.walk(root):
        for n in dirnames + filenames:
            p = os.path.join(dirpath, n)
            rel = os.path.relpath(p, root)
            st = os.lstat(p)
            if stat.S_ISLNK(st.st_mode):
                seen.add("symlink", os.fsencode(rel))
            elif stat.S_ISREG(st.st_mode):
                try:
                    with open(p, "rb") as f:
                        seen.add("file", os.fsencode(rel), sha(f.read()))
                except OSError:
                    seen.add("file", os.fsencode(rel))
            elif stat.S_ISDIR(st.st_mode):
                seen.add("dir", os.fsencode(rel))
            else:
                seen.add("special", os.fsencode(rel))


class Scratch:
    """A deep scratch directory: a '../' an extractor lets through still lands inside the temporary root.

    When the harness runs as root, extractors run as nobody and the scratch
    tree is theirs, so an absolute path an extractor honours cannot touch
    the system."""

    DEPTH = 12

    def __init__(self):
        self.top = tempfile.mkdtemp(prefix="crible-diff-")
        self.dir = os.path.join(self.top, *["d"] * self.DEPTH, "x")
        os.makedirs(self.dir)
        self.user = None
        if os.geteuid() == 0:
            self.user = (65534, 65534)
            for dp, dn, fn in os.walk(self.top):
                os.chown(dp, *self.user)

    def __enter__(self):
        return self

    def __exit__(self, *a):
        subprocess.run(["chmod", "-R", "u+rwx", self.top], stderr=subprocess.DEVNULL)
        shutil.rmtree(self.top, ignore_errors=True)


def lines(out):
    return [l for l in out.split(b"\n") if l]


def unoctal(l):
    """bsdtar -t prints bytes the locale cannot show as \\ooo."""
    return re.sub(rb"\\([0-7]{3}|\\)", lambda m: b"\\" if m.group(1) == b"\\" else bytes([int(m.group(1), 8) & 0xff]), l)


def r_bsdtar_list(path):
    s = Seen("bsdtar -t")
    for l in lines(run(["bsdtar", "-tf", path])):
        s.add("name", unoctal(l))
    return s


def r_bsdtar_x(path, pipe):
    s = Seen("bsdtar -x (pipe)" if pipe else "bsdtar -x")
    with Scratch() as sc:
        if pipe:
            with open(path, "rb") as f:
                run(["bsdtar", "-xf", "-", "-C", sc.dir], stdin=f, user=sc.user)
        else:
            run(["bsdtar", "-xf", os.path.abspath(path), "-C", sc.dir], user=sc.user)
        walk_tree(s, sc.dir)
    return s


def r_gnutar(path, ignore_zeros):
    s = Seen("tar -t --ignore-zeros" if ignore_zeros else "tar -t")
    # literal quoting: names as stored, not with C escapes for bytes the locale cannot show
    argv = ["tar", "--quoting-style=literal", "-tf", path] + (["--ignore-zeros"] if ignore_zeros else [])
    for l in lines(run(argv)):
        s.add("name", l)
    return s


def r_tarfile(path, data_filter):
    """Python's tarfile: without a filter, extractall writes each member under its own name."""
    s = Seen("tarfile filter=data" if data_filter else "tarfile")
    if data_filter:
        with Scratch() as sc:
            try:
                with tarfile.open(path) as t:
                    t.extractall(sc.dir, filter="data")
            except Exception as e:  # a refused member stops extractall: what it wrote still counts
                s.error = repr(e)[:120]
            walk_tree(s, sc.dir)
        return s
    try:
        with tarfile.open(path) as t:
            for m in t:
                if m.isreg():
                    f = t.extractfile(m)
                    s.add("file", m.name, sha(f.read()) if f else None)
                elif m.issym():
                    s.add("symlink", m.name)
                elif m.islnk():
                    s.add("hardlink", m.name)
                elif m.isdir():
                    s.add("dir", m.name)
                else:
                    s.add("special", m.name)
    except Exception as e:
        s.error = repr(e)[:120]
    return s


def r_zipfile(path, extract):
    """Python's zipfile: the central directory's names, and what extractall writes."""
    s = Seen("zipfile extractall" if extract else "zipfile")
    try:
        with zipfile.ZipFile(path) as z:
            if extract:
                with Scratch() as sc:
                    try:
                        z.extractall(sc.dir)
                    except Exception as e:
                        s.error = repr(e)[:120]
                    walk_tree(s, sc.dir)
                return s
            for i in z.infolist():
                try:
                    data = z.read(i)
                    s.add("dir" if i.is_dir() else "file", i.filename, None if i.is_dir() else sha(data))
                except Exception:
                    s.add("name", i.filename)
    except Exception as e:
        s.error = repr(e)[:120]
    return s


def r_unzip(path, extract):
    s = Seen("unzip -d" if extract else "unzip -Z1")
    if not extract:
        for l in lines(run(["unzip", "-Z1", path])):
            if l in (b"Empty zipfile.",):
                continue
            # zipinfo shows a control character as ^X: both readings of the line are tried.
            s.add("name", l, other=re.sub(rb"\^([@-_])", lambda m: bytes([m.group(1)[0] - 64]), l))
        return s
    with Scratch() as sc:
        # -o: no prompts; -q: quiet.  Info-ZIP drops '../' and a leading '/' itself.
        run(["unzip", "-o", "-q", os.path.abspath(path), "-d", sc.dir], user=sc.user)
        walk_tree(s, sc.dir)
    return s


def r_7zz(path, extract):
    s = Seen("7zz x" if extract else "7zz l")
    if not extract:
        out = run(["7zz", "l", "-slt", "-ba", "-sccUTF-8", path])
        for l in out.split(b"\n"):
            if l.startswith(b"Path = "):
                s.add("name", l[7:].rstrip(b"\r"))
        return s
    with Scratch() as sc:
        run(["7zz", "x", "-y", "-bso0", "-bsp0", "-p-", "-o" + sc.dir, os.path.abspath(path)], user=sc.user)
        walk_tree(s, sc.dir)
    return s


def r_isoinfo(path, ns):
    """isoinfo: the primary names, Rock Ridge (Linux) or Joliet (Windows)."""
    s = Seen("isoinfo " + (ns or "primary"))
    argv = ["isoinfo", "-i", path, "-f"] + ([ns] if ns else [])
    for l in lines(run(argv)):
        # The version (";1") is the image's, not the name: Windows and 7-Zip write
        # RUN.BAT, Linux mounts without Rock Ridge too; a primary "NAME." has no dot.
        l = re.sub(rb";[0-9]*$", b"", l)
        if ns != "-J" and len(l) > 1 and l.endswith(b"."):
            l = l[:-1]
        s.add("name", l)
    return s


def kind_of(path):
    """The format, by magic: which readers read it."""
    with open(path, "rb") as f:
        head = f.read(40000)
    if head[:4] == b"Rar!":
        return "rar"
    if head[257:262] == b"ustar" or path.endswith(".tar"):
        return "tar"
    if head[:2] == b"\x1f\x8b" and (path.endswith(".tgz") or path.endswith(".tar.gz")):
        return "tar"
    if head[:6] in (b"070701", b"070702", b"070707") or head[:2] in (b"\xc7\x71", b"\x71\xc7"):
        return "cpio"
    if len(head) > 32774 and head[32769:32774] == b"CD001":
        return "iso"
    if b"PK\x03\x04" in head or b"PK\x05\x06" in head or path.endswith(".zip"):
        return "zip"
    if head[:6] == b"7z\xbc\xaf\x27\x1c":
        return "7z"
    return None


def readers_for(kind, path):
    bsd = [lambda: r_bsdtar_list(path), lambda: r_bsdtar_x(path, False), lambda: r_bsdtar_x(path, True)]
    if kind == "tar":
        rs = bsd + [lambda: r_gnutar(path, False), lambda: r_gnutar(path, True), lambda: r_tarfile(path, False),
                    lambda: r_7zz(path, False), lambda: r_7zz(path, True)]
        if HAVE_DATA_FILTER:
            rs.append(lambda: r_tarfile(path, True))
        return rs
    if kind == "zip":
        return bsd + [lambda: r_zipfile(path, False), lambda: r_zipfile(path, True), lambda: r_unzip(path, False),
                      lambda: r_unzip(path, True), lambda: r_7zz(path, False), lambda: r_7zz(path, True)]
    if kind in ("cpio", "7z"):
        return bsd + [lambda: r_7zz(path, False), lambda: r_7zz(path, True)]
    if kind == "iso":
        return bsd + [lambda: r_isoinfo(path, None), lambda: r_isoinfo(path, "-R"), lambda: r_isoinfo(path, "-J"),
                      lambda: r_7zz(path, False), lambda: r_7zz(path, True)]
    if kind == "rar":  # Debian's 7zz has no RAR code (dfsg): libarchive is the reader
        return bsd
    return []


# --- what crible judged ----------------------------------------------------


def canon(name):
    """A name as every extractor cleans it: separators unified, '', '.', '..' and a drive dropped.

    Bytes that are not UTF-8 compare as U+FFFD, as crible's JSON writes them."""
    name = name.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
    name = name.replace("\\", "/")
    # Windows prefixes bsdtar strips: \\?\UNC\, \\?\, \\.\, then a drive ("C:", "z:..").
    name = re.sub(r"^/*(\?|\.)/(unc/)?", "", name, flags=re.I)
    name = re.sub(r"^/*[A-Za-z]:", "", name)
    parts = [p for p in name.split("/") if p not in ("", ".", "..")]
    return "/".join(parts)


def crible_entries(crible, path):
    p = subprocess.run([crible, "scan", "--json", "--list", "--no-hash", path], stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, timeout=TIMEOUT * 2)
    if p.returncode not in (0, 1):
        raise RuntimeError("crible failed on %s: %s" % (path, p.stderr.decode(errors="replace")[:200]))
    r = json.loads(p.stdout)
    names, hashes, secret, sized = set(), set(), set(), {}
    for e in r.get("entries", []):
        for w in e["where"][1:] + e.get("alt", []):
            names.add(canon(w))
            if e.get("sha256"):
                sized.setdefault(canon(w), []).append((e["size"], e["sha256"]))
            if e.get("encrypted"):
                secret.add(canon(w))
            # An NTFS stream's label is "file:stream": a reader that drops streams writes the file.
            if e["kind"] == "stream":
                names.add(canon(w.rsplit(":", 1)[0]))
        if e.get("sha256"):
            hashes.add(e["sha256"])
    # A scan a limit stopped is blocked: what it did not reach needs no covering.
    stopped = any(f["id"].startswith(("bomb.", "limit.")) for f in r["findings"])
    return r, names, hashes, secret, sized, stopped


RANK = {"allow": 0, "warn": 1, "block": 2}


def judged_alike(crible, data, name, r):
    """Bytes a reader wrote that crible never saw whole (a reader's own partial decoding of a broken entry):
    scanned alone under their name, they must not judge worse than the archive did, nor raise a high id it lacks."""
    with tempfile.NamedTemporaryFile(prefix="crible-diff-") as f:
        f.write(data)
        f.flush()
        p = subprocess.run([crible, "scan", "--json", "--no-hash", "--name", os.path.basename(name) or "x", f.name],
                           stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, timeout=TIMEOUT)
    try:
        alone = json.loads(p.stdout)
    except ValueError:
        return False
    ids = {x["id"] for x in r["findings"]}
    high = {x["id"] for x in alone["findings"] if x["severity"] == "high"}
    return RANK[alone["verdict"]] <= RANK[r["verdict"]] and high <= ids


def check(crible, path, out, alike=None):
    kind = kind_of(path)
    runs = [f() for f in readers_for(kind, path)]
    r, names, hashes, secret, sized, stopped = crible_entries(crible, path)
    uncovered = 0
    total = 0
    if stopped:
        if r["verdict"] != "block":
            out.append("UNCOVERED %s: a limit stopped the scan but the verdict is %s" % (path, r["verdict"]))
            return len(runs), 0, 1
        return len(runs), 0, 0
    for s in runs:
        for k, readings, h in s.entries:
            if k == "dir":
                continue  # directories are implied by the names below them
            total += 1
            name = readings[0]
            cs = [canon(n) for n in readings]
            c = next((x for x in cs if x in names), cs[0])
            why = None
            if c and c not in names:
                why = "name"
            elif h is not None and c not in secret and not covered_data(h, c, hashes, sized):
                why = "data"
                if judged_alike(crible, h, c, r):
                    why = None
                    if alike is not None:
                        alike.append(1)
            if why:
                uncovered += 1
                out.append("UNCOVERED %s: %s writes %s %r%s (crible: %s, %s)" % (
                    os.path.basename(path), s.reader, k, name, " sha256 %s" % h if h is not None else "", why,
                    r["verdict"]))
    return len(runs), total, uncovered


def archives(args):
    for a in args:
        if os.path.isdir(a):
            for n in sorted(os.listdir(a)):
                p = os.path.join(a, n)
                if os.path.isfile(p) and kind_of(p):
                    yield p
        else:
            yield a


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--crible", required=True)
    ap.add_argument("paths", nargs="+")
    a = ap.parse_args()
    missing = [t for t in ("bsdtar", "tar", "unzip", "7zz", "isoinfo") if not shutil.which(t)]
    if missing:
        print("differential: missing readers: %s (scripts/bootstrap.sh installs them)" % " ".join(missing))
        return 1
    if not HAVE_DATA_FILTER:
        print("differential: this Python's tarfile has no filter='data': that reading is not run")
    n = runs = total = unc = 0
    for p in archives(a.paths):
        out = []
        try:
            k, t, u = check(a.crible, p, out)
        except (RuntimeError, subprocess.TimeoutExpired, json.JSONDecodeError) as e:
            print("ERROR %s: %s" % (p, e))
            unc += 1
            continue
        for l in out:
            print(l)
        n += 1
        runs += k
        total += t
        unc += u
    print("differential: %d archives, %d reader runs, %d entries, %d uncovered" % (n, runs, total, unc))
    return 1 if unc else 0


if __name__ == "__main__":
    sys.exit(main())
