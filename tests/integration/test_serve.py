#!/usr/bin/env python3
"""End-to-end tests of `crible serve`: the clamd protocol, ICAP and HTTP.

usage: test_serve.py CRIBLE CRIBLE_GEN

A daemon is started on a free TCP port and a unix socket, and driven as
its clients drive clamd (shared/research/peers.md §1): byte-exact replies
for every command in z, n and legacy framing; INSTREAM as Rspamd sends it
(zINSTREAM, one chunk, read to NUL) and as Nextcloud does (nINSTREAM,
chunks, one line); the exact size-limit error; SCAN and its kin on files
and folders; FILDES; IDSESSION; STATS; a worker killed mid-request (an
ERROR, never OK, and the next request served); a client sending one byte
a second while others are served; YARA rules matched in the workers and
reread on SIGHUP; RELOAD, SIGHUP and SHUTDOWN; Debian's
clamdscan --stream against the port.  ICAP with Debian's c-icap-client
(OPTIONS, RESPMOD with and without 204 and preview, REQMOD) and by hand
(multipart uploads split into their files, preview with ieof, a
malformed Encapsulated header).  HTTP with curl: /healthz, /readyz,
the bearer token, POST /v1/scan raw and multipart with accept=, 404,
413, and /metrics checked against the Prometheus text format.  Ends with 'N passed, N
failed'.
"""
import json, os, re, signal, socket, struct, subprocess, sys, tempfile, threading, time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import check, finish, free_port, wait_port

crible, gen = sys.argv[1], sys.argv[2]
work = tempfile.mkdtemp(prefix="crible-serve-")
samples = os.path.join(work, "samples")
subprocess.run([gen, samples], check=True, capture_output=True)
EICAR = b"X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"


class Daemon:
    def __init__(self, *extra):
        self.port = free_port()
        self.sock = os.path.join(work, "clamd-%d.sock" % self.port)
        self.log = open(os.path.join(work, "serve-%d.log" % self.port), "w+")
        self.p = subprocess.Popen([crible, "serve", "--clamd", "127.0.0.1:%d" % self.port, "--clamd-socket", self.sock]
                                  + list(extra), stderr=self.log)
        if not wait_port(self.port, 10, self.p):
            raise SystemExit("the daemon did not start")

    def talk(self, msg, chunks=None, unix=False, timeout=30, fds=None):
        s = socket.socket(socket.AF_UNIX if unix else socket.AF_INET)
        s.settimeout(timeout)
        s.connect(self.sock if unix else ("127.0.0.1", self.port))
        s.sendall(msg)
        if fds is not None:
            socket.send_fds(s, [b"x"], fds)
        if chunks is not None:
            for c in chunks:
                s.sendall(struct.pack(">I", len(c)) + c)
            s.sendall(b"\0\0\0\0")
        out = b""
        while True:
            try:
                d = s.recv(65536)
            except OSError:
                break
            if not d:
                break
            out += d
        s.close()
        return out

    def logs(self):
        self.log.flush()
        self.log.seek(0)
        return [json.loads(l) for l in self.log.read().splitlines() if l.startswith("{")]

    def stop(self):
        if self.p.poll() is None:
            self.p.send_signal(signal.SIGTERM)
            self.p.wait(timeout=30)


d = Daemon()
S = lambda p: os.path.join(samples, p)

# 1. Framing and the simple commands, byte for byte.
for msg, want in ((b"zPING\0", b"PONG\0"), (b"nPING\n", b"PONG\n"), (b"PING\n", b"PONG\n"),
                  (b"zVERSION\0", b"crible 0.1.0\0"), (b"nVERSION\n", b"crible 0.1.0\n"),
                  (b"INSTREAM\n", b"UNKNOWN COMMAND\n"), (b"VERSIONCOMMANDS\n", b"UNKNOWN COMMAND\n"),
                  (b"zFROBNICATE\0", b"UNKNOWN COMMAND\0"), (b"zPING extra\0", b"UNKNOWN COMMAND\0"),
                  (b"zEND\0", b"UNKNOWN COMMAND\0"), (b"zDETSTATS\0", b"")):
    got = d.talk(msg)
    check("reply to %r" % msg, got == want, got)
got = d.talk(b"nVERSIONCOMMANDS\n")
check("VERSIONCOMMANDS", re.fullmatch(rb"crible 0\.1\.0\| COMMANDS:( [A-Z]+)+\n", got) is not None and
      b" INSTREAM" in got and b" IDSESSION" in got and b" FILDES" in got, got)

# 2. INSTREAM as Rspamd sends it (one chunk, read to NUL) and as Nextcloud does (chunks, one line).
for name, body, want in (("clean", b"hello world\n", b"stream: OK"), ("eicar", EICAR, b"stream: Crible.Sig.Eicar FOUND"),
                         ("zip-slip", open(S("slip.zip"), "rb").read(), b"stream: Crible.Path.Traversal FOUND"),
                         ("pe as pdf", open(S("report.pdf"), "rb").read(), b"stream: Crible.Exec.Native FOUND")):
    got = d.talk(b"zINSTREAM\0", chunks=[body])
    check("rspamd %s" % name, got == want + b"\0", got)
    pieces = [body[i:i + 7] for i in range(0, len(body), 7)]
    got = d.talk(b"nINSTREAM\n", chunks=pieces)
    check("nextcloud %s" % name, got == want + b"\n", got)
got = d.talk(b"zINSTREAM\0", chunks=[])
check("empty stream", got == b"stream: OK\0", got)
logs = d.logs()
check("one JSON log line per scan", len([l for l in logs if l["command"] == "INSTREAM"]) == 9 and
      all(set(l) >= {"time", "client", "protocol", "command", "name", "ms"} for l in logs), logs[-1:])
check("log names the findings", any(l.get("findings") == ["sig.eicar"] and l.get("verdict") == "block" for l in logs))

# A body past 1 MiB moves from memory to a file while it arrives: the bytes judged are the bytes sent.
import hashlib
big = bytes(range(251)) * 12000  # 2.9 MiB
got = d.talk(b"zINSTREAM\0", chunks=[big[i:i + 100000] for i in range(0, len(big), 100000)])
last = d.logs()[-1]
check("a 2.9 MiB stream, judged whole", got == b"stream: OK\0" and last.get("size") == len(big) and
      last.get("sha256") == hashlib.sha256(big).hexdigest(), (got, last))

# 3. The size limit: the exact error, and the connection closes.
small = Daemon("--stream-max", "1000")
got = small.talk(b"zINSTREAM\0", chunks=[b"a" * 600, b"b" * 600])
check("size limit", got == b"INSTREAM size limit exceeded. ERROR\0", got)
got = small.talk(b"nINSTREAM\n", chunks=[b"a" * 1000])
check("at the limit", got == b"stream: OK\n", got)
small.stop()

# 4. Paths on this host.
got = d.talk(("zSCAN %s\0" % S("notes.txt")).encode())
check("SCAN clean file", got == ("%s: OK\0" % S("notes.txt")).encode(), got)
got = d.talk(("zSCAN %s\0" % S("report.pdf")).encode())
check("SCAN hostile file", got == ("%s: Crible.Exec.Native FOUND\0" % S("report.pdf")).encode(), got)
got = d.talk(b"zSCAN /no/such/file\0")
check("SCAN missing", got.endswith(b"ERROR\0") and got.startswith(b"/no/such/file: "), got)
got = d.talk(b"zSCAN relative/path\0")
check("SCAN relative", got == b"relative/path: Path must be absolute. ERROR\0", got)
folder = os.path.join(work, "folder")
os.makedirs(os.path.join(folder, "sub"))
open(os.path.join(folder, "a.txt"), "w").write("fine\n")
open(os.path.join(folder, "sub", "b.txt"), "wb").write(EICAR)
open(os.path.join(folder, "sub", "c.zip"), "wb").write(open(S("slip.zip"), "rb").read())
got = d.talk(("nCONTSCAN %s\n" % folder).encode())
check("CONTSCAN folder", got.decode().splitlines() == ["%s/sub/b.txt: Crible.Sig.Eicar FOUND" % folder,
                                                         "%s/sub/c.zip: Crible.Path.Traversal FOUND" % folder], got)
got = d.talk(("nSCAN %s\n" % folder).encode())
check("SCAN folder stops at the first", got.decode().splitlines() == ["%s/sub/b.txt: Crible.Sig.Eicar FOUND" % folder], got)
got = d.talk(("nMULTISCAN %s\n" % os.path.join(folder, "a.txt")).encode())
check("MULTISCAN clean", got == ("%s/a.txt: OK\n" % folder).encode(), got)
got = d.talk(("zALLMATCHSCAN %s\0" % S("report.pdf")).encode())
check("ALLMATCHSCAN every blocking finding", got.split(b"\0")[:-1] == [("%s: Crible.Exec.Native FOUND" % S("report.pdf")).encode(),
                                                                        ("%s: Crible.Type.Mismatch FOUND" % S("report.pdf")).encode()], got)

# 5. FILDES on the unix socket, and not on TCP.
with open(S("notes.txt"), "rb") as fh:
    got = d.talk(b"zFILDES\0", unix=True, fds=[fh.fileno()])
check("FILDES clean", re.fullmatch(rb"fd\[\d+\]: OK\0", got) is not None, got)
with open(S("report.pdf"), "rb") as fh:
    got = d.talk(b"nFILDES\n", unix=True, fds=[fh.fileno()])
check("FILDES hostile", re.fullmatch(rb"fd\[\d+\]: Crible\.Exec\.Native FOUND\n", got) is not None, got)
got = d.talk(b"zFILDES\0")
check("FILDES over TCP", got == b"FILDES: didn't receive file descriptor. ERROR\0", got)

# 6. IDSESSION: numbered replies, in order; a command not allowed ends the session.
msg = (b"zIDSESSION\0zPING\0zINSTREAM\0" + struct.pack(">I", len(EICAR)) + EICAR + b"\0\0\0\0" + b"zVERSION\0" +
       ("zSCAN %s\0" % S("notes.txt")).encode() + b"zEND\0")
got = d.talk(msg)
check("IDSESSION", got == b"1: PONG\0" + b"2: stream: Crible.Sig.Eicar FOUND\0" + b"3: crible 0.1.0\0" +
      ("4: %s: OK\0" % S("notes.txt")).encode(), got)
got = d.talk(b"zIDSESSION\0zPING\0zCONTSCAN /tmp\0zPING\0")
check("IDSESSION refuses CONTSCAN", got == b"1: PONG\0" + b"2: Command invalid inside IDSESSION. ERROR\0", got)
got = d.talk(b"nSTATS\n")
check("STATS", got.startswith(b"POOLS: ") and got.endswith(b"\nEND\n") and b"REQUESTS: " in got, got)

# 7. A worker killed mid-request: that client gets an ERROR, never OK; the next is served.
import gzip
bomb = gzip.compress(b"\0" * (900 << 20), compresslevel=9)
broker = subprocess.run(["pgrep", "-P", str(d.p.pid), "crible-broker"], capture_output=True, text=True).stdout.split()
result = {}
t = threading.Thread(target=lambda: result.setdefault("r", d.talk(b"zINSTREAM\0", chunks=[bomb])))
t.start()
killed = False
deadline = time.time() + 20
while time.time() < deadline and not killed and broker:
    kids = subprocess.run(["pgrep", "-P", broker[0]], capture_output=True, text=True).stdout.split()
    for k in kids:
        try:
            os.kill(int(k), signal.SIGKILL)
            killed = True
        except OSError:
            pass
    time.sleep(0.01)
t.join(timeout=60)
got = result.get("r", b"")
check("worker killed: an error", killed and got.startswith(b"stream: ") and got.endswith(b" ERROR\0") and b"OK" not in got,
      (killed, got))
got = d.talk(b"zINSTREAM\0", chunks=[EICAR])
check("worker killed: the next is served", got == b"stream: Crible.Sig.Eicar FOUND\0", got)

# 8. A client sending one byte a second holds its own thread, nobody else's.
slow = socket.create_connection(("127.0.0.1", d.port))
def drip():
    for ch in b"zINSTREAM\0":
        try:
            slow.send(bytes([ch]))
        except OSError:
            return
        time.sleep(1)
threading.Thread(target=drip, daemon=True).start()
time.sleep(1.5)
t0 = time.time()
replies = [d.talk(b"zINSTREAM\0", chunks=[b"fast %d" % i]) for i in range(20)]
took = time.time() - t0
check("a slow client delays nobody", all(r == b"stream: OK\0" for r in replies) and took < 5, (took, replies[:2]))
slow.close()

# 9. clamdscan, Debian's client, against the port.
conf = os.path.join(work, "clamd.conf")
open(conf, "w").write("TCPSocket %d\nTCPAddr 127.0.0.1\n" % d.port)
files = {"clean.txt": (b"hello\n", 0, "OK"), "eicar.com": (EICAR, 1, "Crible.Sig.Eicar FOUND"),
         "slip.zip": (open(S("slip.zip"), "rb").read(), 1, "Crible.Path.Traversal FOUND")}
for name, (body, rc, want) in files.items():
    p = os.path.join(work, name)
    open(p, "wb").write(body)
    r = subprocess.run(["clamdscan", "--config-file=" + conf, "--stream", "--no-summary", p], capture_output=True,
                       text=True, timeout=60)
    check("clamdscan %s" % name, r.returncode == rc and r.stdout.strip() == "%s: %s" % (p, want), (r.returncode, r.stdout, r.stderr))

# 10. ICAP (RFC 3507): c-icap-client, Debian's, and requests written by hand.
icap = Daemon("--icap", "127.0.0.1:%d" % free_port())
icap_port = int([a for a in icap.p.args if a.startswith("127.0.0.1:") and a != "127.0.0.1:%d" % icap.port][0].split(":")[1])
wait_port(icap_port, 5)


def cic(*args):
    r = subprocess.run(["c-icap-client", "-i", "127.0.0.1", "-p", str(icap_port)] + list(args), capture_output=True,
                       timeout=60)
    return (r.stdout + r.stderr).decode("utf-8", "replace")


for svc, methods in (("crible_resp", "RESPMOD"), ("crible_req", "REQMOD"), ("crible", "RESPMOD, REQMOD")):
    out = cic("-s", svc, "-v")
    check("OPTIONS %s" % svc, "ICAP/1.0 200 OK" in out and "Methods: %s\n" % methods in out and "Allow: 204" in out
          and "Preview: 4096" in out and "Transfer-Preview: *" in out and re.search(r'ISTag: "crible-0\.1\.0-[0-9a-f]{8}"', out),
          out)
out = cic("-s", "nosuch", "-v")
check("unknown service", "404" in out, out)
clean = os.path.join(work, "clean.txt")
open(clean, "w").write("hello, proxy\n")
eic = os.path.join(work, "eicar.com")
open(eic, "wb").write(EICAR)
big = os.path.join(work, "big.bin")
open(big, "wb").write(bytes(range(256)) * 4096)
out = cic("-s", "crible_resp", "-f", clean, "-resp", "http://files.example/notes.txt", "-v")
check("RESPMOD clean: 204", "ICAP/1.0 204 No Content" in out, out)
out = cic("-s", "crible_resp", "-f", eic, "-resp", "http://files.example/eicar.com", "-v")
check("RESPMOD EICAR: 403", "X-Infection-Found: Type=0; Resolution=2; Threat=Crible.Sig.Eicar;" in out and
      "HTTP/1.1 403 Forbidden" in out and "X-Violations-Found: 1" in out, out)
out = cic("-s", "crible_resp", "-f", big, "-resp", "http://files.example/big.bin", "-v")
check("RESPMOD past the preview (100 Continue): the answer starts early, the body follows",
      "ICAP/1.0 200 OK" in out and "X-Infection-Found" not in out and "Encapsulated: res-hdr=0, res-body=" in out, out)
echo = os.path.join(work, "echo.out")
out = cic("-s", "crible_resp", "-f", big, "-resp", "http://files.example/big.bin", "-no204", "-nopreview", "-o", echo, "-v")
check("RESPMOD without 204: the body back, byte for byte", "ICAP/1.0 200 OK" in out and os.path.exists(echo) and
      open(echo, "rb").read() == open(big, "rb").read(), out[:400])
out = cic("-s", "crible_req", "-f", S("report.pdf"), "-req", "http://upload.example/cv.pdf", "-v")
check("REQMOD PE named .pdf: 403", "Threat=Crible.Exec.Native;" in out and "HTTP/1.1 403 Forbidden" in out, out)


def icap_raw(msg, read_until_close=True):
    s = socket.create_connection(("127.0.0.1", icap_port), timeout=30)
    s.sendall(msg)
    out = b""
    while True:
        try:
            d = s.recv(65536)
        except OSError:
            break
        if not d:
            break
        out += d
        if not read_until_close and (out.endswith(b"0\r\n\r\n") or b" 204 " in out[:20] and out.endswith(b"\r\n\r\n")):
            break
    s.close()
    return out


def chunked(body):
    return (b"%x\r\n" % len(body) + body + b"\r\n" if body else b"") + b"0\r\n\r\n"


def reqmod(http_hdr, body, extra=b"Allow: 204\r\n"):
    return (b"REQMOD icap://127.0.0.1/crible_req ICAP/1.0\r\nHost: 127.0.0.1\r\n" + extra +
            b"Connection: close\r\nEncapsulated: req-hdr=0, req-body=%d\r\n\r\n" % len(http_hdr) + http_hdr + chunked(body))


def multipart(parts, boundary=b"XyZzY"):
    out = b""
    for name, filename, ctype, data in parts:
        out += b"--" + boundary + b"\r\nContent-Disposition: form-data; name=\"" + name + b"\""
        if filename:
            out += b"; filename=\"" + filename + b"\""
        out += b"\r\n"
        if ctype:
            out += b"Content-Type: " + ctype + b"\r\n"
        out += b"\r\n" + data + b"\r\n"
    return out + b"--" + boundary + b"--\r\n"


body = multipart([(b"comment", None, None, b"my CV, thanks"), (b"cv", b"cv.pdf", b"application/pdf", open(S("report.pdf"), "rb").read())])
hdr = (b"POST /upload HTTP/1.1\r\nHost: forms.example\r\nContent-Type: multipart/form-data; boundary=XyZzY\r\n"
       b"Content-Length: %d\r\n\r\n" % len(body))
got = icap_raw(reqmod(hdr, body))
check("multipart upload: the file part is judged by its form name", b"Threat=Crible.Exec.Native;" in got and
      b"\r\n\tcv.pdf\r\n" in got and b"HTTP/1.1 403 Forbidden" in got, got[:600])
body = multipart([(b"comment", None, None, b"hello"), (b"pic", b"photo.png", b"image/png", open(S("picture.png"), "rb").read())])
hdr = (b"POST /upload HTTP/1.1\r\nHost: forms.example\r\nContent-Type: multipart/form-data; boundary=XyZzY\r\n"
       b"Content-Length: %d\r\n\r\n" % len(body))
got = icap_raw(reqmod(hdr, body))
check("multipart upload clean: 204", got.startswith(b"ICAP/1.0 204 No Content\r\n"), got[:300])
body = multipart([(b"doc", b"notes.txt", b"text/plain", b"just words\n"), (b"doc2", b"invoice.png", b"image/png", EICAR)])
hdr = (b"POST /upload HTTP/1.1\r\nHost: forms.example\r\nContent-Type: multipart/form-data; boundary=XyZzY\r\n\r\n")
got = icap_raw(reqmod(hdr, body))
check("multipart: a later part blocks", b"Threat=Crible.Sig.Eicar;" in got and b"\tinvoice.png\r\n" in got, got[:600])
# Preview with ieof: the whole body in the preview, no 100 Continue.
rq = b"GET /dl/setup.txt HTTP/1.1\r\nHost: y\r\n\r\n"
rs = b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\n"
msg = (b"RESPMOD icap://127.0.0.1/crible_resp ICAP/1.0\r\nHost: x\r\nPreview: 4096\r\nConnection: close\r\n"
       b"Encapsulated: req-hdr=0, res-hdr=%d, res-body=%d\r\n\r\n" % (len(rq), len(rq) + len(rs)) + rq + rs +
       b"%x\r\n" % len(EICAR) + EICAR + b"\r\n0; ieof\r\n\r\n")
got = icap_raw(msg)
check("preview with ieof: judged without 100 Continue", b"100 Continue" not in got and b"Threat=Crible.Sig.Eicar;" in got, got[:400])
got = icap_raw(b"RESPMOD icap://127.0.0.1/crible_req ICAP/1.0\r\nHost: x\r\nEncapsulated: null-body=0\r\n\r\n")
check("RESPMOD to a REQMOD service: 405", got.startswith(b"ICAP/1.0 405 "), got[:200])
got = icap_raw(b"RESPMOD icap://127.0.0.1/crible_resp ICAP/1.0\r\nHost: x\r\nEncapsulated: res-hdr=zz\r\n\r\n")
check("malformed Encapsulated: 400", got.startswith(b"ICAP/1.0 400 "), got[:200])
logs = icap.logs()
check("ICAP requests logged", any(l.get("protocol") == "icap" and l.get("command") == "REQMOD" for l in logs))
icap.stop()

# 11. HTTP: curl against the API, and /metrics read as Prometheus reads it.
hport = free_port()
token = "s3cret-token"
conf_http = os.path.join(work, "http.conf")
open(conf_http, "w").write("http_token %s\n" % token)
web = Daemon("--http", "127.0.0.1:%d" % hport, "--config", conf_http)
wait_port(hport, 5)
base = "http://127.0.0.1:%d" % hport
auth = ["-H", "Authorization: Bearer " + token]


def curl(*args):
    r = subprocess.run(["curl", "-s", "-w", "\n%{http_code}"] + list(args), capture_output=True, timeout=60)
    body, _, code = r.stdout.rpartition(b"\n")
    return int(code or 0), body


code, body = curl(base + "/healthz")
check("healthz (no token needed)", code == 200 and body == b"ok\n", (code, body))
code, body = curl(base + "/readyz")
check("readyz without the token: 401", code == 401, (code, body))
code, body = curl(*auth, base + "/readyz")
check("readyz", code == 200 and body == b"ready\n", (code, body))
code, body = curl(*auth, "-H", "Authorization: Bearer wrong", base + "/metrics")
code, body = curl("-H", "Authorization: Bearer wrong", base + "/metrics")
check("a wrong token: 401", code == 401, code)
code, body = curl(*auth, "--data-binary", "@" + S("report.pdf"), "-H", "Content-Type: application/pdf",
                  base + "/v1/scan?name=cv.pdf")
o = json.loads(body or b"{}")
check("POST a PE named cv.pdf", code == 200 and o.get("path") == "cv.pdf" and o.get("verdict") == "block" and
      sorted(f["id"] for f in o.get("findings", [])) == ["exec.native", "type.mismatch"], (code, body[:300]))
code, body = curl(*auth, "--data-binary", "@" + S("notes.txt"), base + "/v1/scan?name=notes.txt&accept=image/png")
o = json.loads(body or b"{}")
check("accept= per request", code == 200 and [f["id"] for f in o.get("findings", [])] == ["type.disallowed"], (code, body[:300]))
code, body = curl(*auth, "-F", "comment=hello", "-F", "cv=@%s;filename=cv.pdf;type=application/pdf" % S("report.pdf"),
                  "-F", "pic=@%s" % S("picture.png"), base + "/v1/scan")
o = json.loads(body or b"{}")
res = o.get("results", [])
check("multipart: one result per part", code == 200 and [r["path"] for r in res] == ["form-field", "cv.pdf", "picture.png"]
      and [r["verdict"] for r in res] == ["allow", "block", "allow"], (code, body[:400]))
code, body = curl(*auth, base + "/v1/nothing")
check("unknown endpoint: 404", code == 404, code)
code, body = curl(*auth, base + "/metrics")
text = body.decode()
samples = {}
ok = True
for line in text.splitlines():
    if not line or line.startswith("#"):
        ok = ok and re.fullmatch(r"# (HELP|TYPE) crible_[a-z_]+ .+", line) is not None or not line
        continue
    m = re.fullmatch(r'(crible_[a-z_]+)(\{[a-z_]+="[^"]*"(,[a-z_]+="[^"]*")*\})? (-?[0-9.e+]+|\+Inf)', line)
    ok = ok and m is not None
    if m:
        samples[m.group(1) + (m.group(2) or "")] = float(m.group(4))
check("metrics: Prometheus text format", code == 200 and ok and samples, text[:300])
check("metrics: requests by protocol and outcome", samples.get('crible_requests_total{protocol="http",outcome="block"}', 0) >= 2
      and samples.get('crible_requests_total{protocol="http",outcome="allow"}', 0) >= 2, samples)
check("metrics: findings by id", samples.get('crible_findings_total{id="exec.native"}', 0) >= 2, samples)
check("metrics: latency histogram", samples.get('crible_scan_seconds_bucket{le="+Inf"}', 0) ==
      samples.get("crible_scan_seconds_count", -1) and samples.get("crible_scan_seconds_count", 0) >= 5, samples)
check("metrics: workers and queue", 'crible_workers{state="idle"}' in samples and "crible_queue_depth" in samples and
      "crible_worker_failures_total" in samples)
big = os.path.join(work, "too-big.bin")
open(big, "wb").write(b"\0" * (2 << 20))
web.stop()
small_web = Daemon("--http", "127.0.0.1:%d" % free_port(), "--stream-max", "1000000")
hp2 = int([a for a in small_web.p.args if a.startswith("127.0.0.1:") and a != "127.0.0.1:%d" % small_web.port][0].split(":")[1])
wait_port(hp2, 5)
code, body = curl("--data-binary", "@" + big, "http://127.0.0.1:%d/v1/scan?name=big.bin" % hp2)
check("past stream_max: 413, never a verdict", code == 413 and b"verdict" not in body and b"error" in body, (code, body[:200]))
small_web.stop()

# 12. YARA rules in the daemon: matched in the workers, reread on SIGHUP (the ISTag follows), a
#     broken rule file at reload leaves the running rules in place.
rdir = os.path.join(work, "rules")
os.mkdir(rdir)
open(os.path.join(rdir, "lures.yar"), "w").write('rule lure_one { strings: $a = "INVOICE-7731" condition: $a }\n')
conf_y = os.path.join(work, "yara.conf")
yport = free_port()
open(conf_y, "w").write("rules %s\nicap 127.0.0.1:%d\n" % (rdir, yport))
y = Daemon("--config", conf_y)
wait_port(yport, 5)


def istag(port):
    s = socket.create_connection(("127.0.0.1", port), timeout=10)
    s.sendall(b"OPTIONS icap://127.0.0.1/crible ICAP/1.0\r\nHost: x\r\nEncapsulated: null-body=0\r\n\r\n")
    out = s.recv(4096).decode("latin-1")
    s.close()
    m = re.search(r"ISTag: (\S+)", out)
    return m.group(1) if m else None


one, two = b"pay INVOICE-7731 today\n", b"pay INVOICE-9902 today\n"
check("a YARA rule matches in the worker", y.talk(b"zINSTREAM\0", chunks=[one]) == b"stream: Crible.Rule.Yara FOUND\0")
check("a file no rule matches is OK", y.talk(b"zINSTREAM\0", chunks=[two]) == b"stream: OK\0")
check("the log names the rule", any(l.get("findings") == ["rule.yara"] for l in y.logs()), y.logs()[-1:])
tag0 = istag(yport)
open(os.path.join(rdir, "lures.yar"), "w").write('rule lure_two { strings: $a = "INVOICE-9902" condition: $a }\n')
y.p.send_signal(signal.SIGHUP)
for _ in range(100):
    y.log.flush()
    if "configuration reloaded" in open(y.log.name).read():
        break
    time.sleep(0.05)
check("SIGHUP rereads the rules", y.talk(b"zINSTREAM\0", chunks=[two]) == b"stream: Crible.Rule.Yara FOUND\0" and
      y.talk(b"zINSTREAM\0", chunks=[one]) == b"stream: OK\0")
tag1 = istag(yport)
check("the ISTag changes with the rules", tag0 and tag1 and tag0 != tag1, (tag0, tag1))
open(os.path.join(rdir, "lures.yar"), "w").write('rule broken { strings: $a = "x" condition: $b }\n')
y.p.send_signal(signal.SIGHUP)
for _ in range(100):
    if "reload failed" in open(y.log.name).read():
        break
    time.sleep(0.05)
check("a broken rule file at reload: the running rules stay",
      "reload failed" in open(y.log.name).read() and
      y.talk(b"zINSTREAM\0", chunks=[two]) == b"stream: Crible.Rule.Yara FOUND\0" and istag(yport) == tag1)
y.stop()
r = subprocess.run([crible, "serve", "--rules", os.path.join(rdir, "lures.yar"), "--clamd", "127.0.0.1:%d" % free_port()],
                   capture_output=True, timeout=30)
check("a broken rule file at start: the daemon does not start", r.returncode != 0 and b"lures.yar" in r.stderr, r.stderr)

# 13. RELOAD and SIGHUP keep serving; SHUTDOWN stops.
got = d.talk(b"zRELOAD\0")
check("RELOAD", got == b"RELOADING\0", got)
d.p.send_signal(signal.SIGHUP)
time.sleep(0.3)
check("served after reloads", d.talk(b"zPING\0") == b"PONG\0")
d.talk(b"zSHUTDOWN\0")
try:
    d.p.wait(timeout=30)
except subprocess.TimeoutExpired:
    pass
check("SHUTDOWN stops", d.p.poll() == 0, d.p.poll())
check("the unix socket is removed", not os.path.exists(d.sock))
d.stop()
finish()
