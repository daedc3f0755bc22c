#!/usr/bin/env python3
"""Squid with crible as its ICAP services, for real.

usage: test_proxy.py CRIBLE

crible serve answers ICAP; Debian's Squid 5 sends it every upload
(REQMOD, icap://.../crible_req) and every download (RESPMOD,
.../crible_resp), bypass off; a local HTTP server holds the files and
takes the uploads.  curl goes through the proxy: clean downloads (2 KiB
to 2 MiB) arrive byte-identical, hostile ones (EICAR, a PE named .pdf)
are 403 with crible's page, and a hostile one past 32 KiB (whose answer
had started) arrives without a single body byte; a clean upload reaches the server,
a hostile one (a PE in a multipart form named cv.pdf) is 403 and never
arrives.  Ends with 'N passed, N failed'.
"""
import http.server, os, shutil, socket, subprocess, sys, tempfile, threading, time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import check, finish, free_port, wait_port

crible = sys.argv[1]
work = tempfile.mkdtemp(prefix="crible-proxy-")
os.chmod(work, 0o755)
EICAR = b"X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"


# The files the web server holds.
files = {"notes.txt": b"plain words, nothing else\n" * 100, "eicar.com": EICAR,
         "report.pdf": b"MZ" + b"\0" * 58 + b"\x80\0\0\0" + b"\0" * 64 + b"PE\0\0\x4c\x01\x01\0" + b"\0" * 12 + b"\xe0\0\x02\x01"
         + b"\x0b\x01" + b"\0" * 900,
         "medium.bin": bytes(range(256)) * 160, "big.bin": bytes(range(256)) * 8192}
# A program 200 KiB long named as a report: judged after Squid has the answer's headers.
files["big-report.pdf"] = files["report.pdf"] + b"\0" * (200 << 10)
uploads = []


class Web(http.server.BaseHTTPRequestHandler):
    def log_message(self, *a):
        pass

    def do_GET(self):
        body = files.get(self.path.lstrip("/"))
        if body is None:
            self.send_error(404)
            return
        self.send_response(200)
        self.send_header("Content-Type", "application/octet-stream")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_POST(self):
        n = int(self.headers.get("Content-Length", "0"))
        uploads.append(self.rfile.read(n))
        self.send_response(200)
        self.send_header("Content-Length", "3")
        self.end_headers()
        self.wfile.write(b"ok\n")


web_port = free_port()
web = http.server.ThreadingHTTPServer(("127.0.0.1", web_port), Web)
threading.Thread(target=web.serve_forever, daemon=True).start()

icap_port = free_port()
crib = subprocess.Popen([crible, "serve", "--icap", "127.0.0.1:%d" % icap_port],
                        stderr=open(os.path.join(work, "crible.log"), "w"))
check("crible serve listens", wait_port(icap_port))

sq_port = free_port()
conf = os.path.join(work, "squid.conf")
open(conf, "w").write("""
http_port 127.0.0.1:{sq}
pid_filename {w}/squid.pid
access_log {w}/access.log
cache_log {w}/cache.log
cache_store_log none
cache deny all
coredump_dir {w}
visible_hostname crible-test
acl localnet src 127.0.0.1
http_access allow localnet
http_access deny all
icap_enable on
icap_preview_enable on
icap_preview_size 4096
icap_service svc_req reqmod_precache icap://127.0.0.1:{ic}/crible_req bypass=0
icap_service svc_resp respmod_precache icap://127.0.0.1:{ic}/crible_resp bypass=0
adaptation_access svc_req allow all
adaptation_access svc_resp allow all
""".format(sq=sq_port, w=work, ic=icap_port))
if os.geteuid() == 0:
    shutil.chown(work, user="proxy")
squid = subprocess.Popen(["squid", "-N", "-f", conf], stdout=subprocess.DEVNULL, stderr=open(os.path.join(work, "squid.err"), "w"))
up = wait_port(sq_port)
check("squid listens", up, open(os.path.join(work, "squid.err")).read()[-500:] if not up else "")


def curl(*args):
    r = subprocess.run(["curl", "-s", "-x", "http://127.0.0.1:%d" % sq_port, "-w", "\n%{http_code}"] + list(args),
                       capture_output=True, timeout=60)
    body, _, code = r.stdout.rpartition(b"\n")
    return int(code or 0), body


url = "http://127.0.0.1:%d/" % web_port
# Bodies under and over 64 KiB: past 32 KiB crible starts its answer (Squid
# sends no more of an unanswered body), and sends the body once judged clean.
for name in ("notes.txt", "medium.bin", "big.bin"):
    code, body = curl(url + name)
    check("download %s arrives byte-identical" % name, code == 200 and body == files[name], (code, len(body)))
for name, threat in (("eicar.com", b"Crible.Sig.Eicar"), ("report.pdf", b"Crible.Exec.Native")):
    code, body = curl(url + name)
    check("download %s is 403" % name, code == 403 and threat in body and files[name] not in body, (code, body[:200]))

# A large hostile download: the answer had started, so it is cut before its first body byte.
code, body = curl(url + "big-report.pdf")
check("large hostile download: not one byte of it", len(body) == 0 and code in (0, 200), (code, len(body)))
big_up = os.path.join(work, "big-upload.bin")
open(big_up, "wb").write(files["big.bin"])
n0 = len(uploads)
code, body = curl("-F", "f=@%s;filename=data.bin" % big_up, url + "upload")
check("large clean upload reaches the server", code == 200 and len(uploads) == n0 + 1 and files["big.bin"] in uploads[-1],
      (code, body[:200]))

clean = os.path.join(work, "clean.txt")
open(clean, "wb").write(files["notes.txt"])
pe = os.path.join(work, "cv.bin")
open(pe, "wb").write(files["report.pdf"])
n0 = len(uploads)
code, body = curl("-F", "cv=@%s;filename=cv.txt;type=text/plain" % clean, url + "upload")
check("clean upload reaches the server", code == 200 and body == b"ok\n" and len(uploads) == n0 + 1 and
      files["notes.txt"] in uploads[-1], (code, body[:200]))
n0 = len(uploads)
code, body = curl("-F", "cv=@%s;filename=cv.pdf;type=application/pdf" % pe, url + "upload")
check("hostile upload is 403 and never arrives", code == 403 and b"Crible.Exec.Native" in body and len(uploads) == n0,
      (code, body[:200], len(uploads) - n0))
log = open(os.path.join(work, "crible.log")).read()
check("crible logged the proxy's requests", '"protocol":"icap"' in log and '"command":"REQMOD"' in log and
      '"command":"RESPMOD"' in log, log[-400:])

squid.terminate()
try:
    squid.wait(timeout=30)
except subprocess.TimeoutExpired:
    squid.kill()
crib.terminate()
crib.wait(timeout=30)
web.shutdown()
shutil.rmtree(work, ignore_errors=True)
finish()
