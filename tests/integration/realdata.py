"""Real packages for crible diff's tests and benchmark, fetched once into a cache folder.

`npm pack NAME@VER` for what the npm registry publishes; Debian's archive, through
a private deb-src list next to the system's own sources (read, never changed), for
.orig tarballs; `apt-get download` for binary packages.  Each getter returns a path,
or None when the download is not available here (the caller skips).
"""
import os, shutil, subprocess


class RealData:
    def __init__(self, cache):
        self.cache = os.path.abspath(cache)
        os.makedirs(self.cache, exist_ok=True)
        self._apt = None

    def sh(self, cmd, timeout=300):
        try:
            return subprocess.run(cmd, cwd=self.cache, capture_output=True, timeout=timeout).returncode
        except (OSError, subprocess.TimeoutExpired):
            return -1

    def apt_opts(self):
        if self._apt is None:
            uri = "http://deb.debian.org/debian"
            try:
                for line in open("/etc/apt/sources.list.d/debian.sources"):
                    if line.startswith("URIs:"):
                        uri = line.split()[1]
                        break
            except OSError:
                pass
            d = os.path.join(self.cache, "apt")
            for sub in ("lists/partial", "cache/archives/partial"):
                os.makedirs(os.path.join(d, sub), exist_ok=True)
            with open(os.path.join(d, "sources.list"), "w") as f:
                f.write("deb-src [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] %s bookworm main\n" % uri)
            self._apt = ["-o", "Dir::Etc::SourceList=" + os.path.join(d, "sources.list"),
                         "-o", "Dir::Etc::SourceParts=/dev/null", "-o", "Dir::State::Lists=" + os.path.join(d, "lists"),
                         "-o", "Dir::Cache=" + os.path.join(d, "cache")]
            self.sh(["apt-get"] + self._apt + ["update"])
        return self._apt

    def find(self, prefix, suffix):
        for n in sorted(os.listdir(self.cache)):
            if n.startswith(prefix) and n.endswith(suffix) and not n.endswith(".asc"):
                return os.path.join(self.cache, n)
        return None

    def orig(self, src, ver):
        """Debian's .orig.tar.* of source package SRC at upstream version VER (a missing .debian.tar is no matter)."""
        p = self.find("%s_%s.orig.tar." % (src, ver), "")
        if not p:
            self.sh(["apt-get"] + self.apt_opts() + ["source", "--download-only", src])
            p = self.find("%s_%s.orig.tar." % (src, ver), "")
        return p

    def deb(self, pkg):
        p = self.find(pkg + "_", ".deb")
        if not p:
            self.sh(["apt-get", "download", pkg])
            p = self.find(pkg + "_", ".deb")
        return p

    def npm_pack(self, name, ver):
        p = os.path.join(self.cache, "%s-%s.tgz" % (name, ver))
        if not os.path.exists(p) and shutil.which("npm"):
            self.sh(["npm", "pack", "--silent", "%s@%s" % (name, ver)], timeout=120)
        return p if os.path.exists(p) else None


# The negative controls: npm packages and the Debian source packages of the same releases.
NPM_PAIRS = [("inherits", "2.0.4", "node-inherits"), ("commander", "9.4.1", "node-commander"),
             ("escape-string-regexp", "4.0.0", "node-escape-string-regexp"), ("wrappy", "1.0.2", "node-wrappy")]
