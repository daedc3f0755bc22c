#!/usr/bin/env python3
"""Two crible daemons behind Debian's HAProxy, one killed mid-run.

usage: test_scaleout.py CRIBLE

Two `crible serve` processes, each with its clamd, ICAP and HTTP faces
and the same YARA rules,
sit behind one HAProxy (the configuration of docs/deploy.md: round
robin, health checks that speak each protocol, redispatch on a refused
connection).  Before the kill: both daemons serve, their ICAP ISTags are
equal (a Squid service set sees one service), and every answer is right.
Then clamd and HTTP clients run at once, and one daemon gets SIGKILL in
the middle: no hostile file is ever answered clean; a request cut by
the kill gets an error or a closed connection; once HAProxy has seen the
death, every request is answered right by the survivor.  Ends with
'N passed, N failed'.
"""
import json, os, shutil, signal, socket, subprocess, sys, tempfile, threading, time, urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import check, counts, finish, free_port, instream, wait_port

crible = sys.argv[1]
work = tempfile.mkdtemp(prefix="crible-scaleout-")
EICAR = b"X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"
PE = b"MZ" + b"\0" * 58 + b"\x80\0\0\0" + b"\0" * 64 + b"PE\0\0\x4c\x01\x01\0" + b"\0" * 12 + b"\xe0\0\x02\x01" + \
    b"\x0b\x01" + b"\0" * 900
# (body, name for HTTP, the clamd answer it must get): hostile ones never "OK".
FILES = [(b"plain words, nothing else\n" * 200, "notes.txt", b"stream: OK"),
         (EICAR, "eicar.com", b"stream: Crible.Sig.Eicar FOUND"),
         (PE, "cv.pdf", b"stream: Crible.Exec.Native FOUND"),
         (bytes(range(256)) * 64, "data.bin", b"stream: OK")]


# The same rules for both, compiled by each: their ISTags must still agree.
RULES = os.path.join(work, "lures.yar")
open(RULES, "w").write('rule lure { strings: $a = "INVOICE-7731" condition: $a }\n'
                       'rule pattern { strings: $b = /pay-[0-9]{4}-now/ condition: $b }\n')


class Daemon:
    def __init__(self, tag):
        self.clamd, self.icap, self.http = free_port(), free_port(), free_port()
        self.logpath = os.path.join(work, "crible-%s.log" % tag)
        self.p = subprocess.Popen([crible, "serve", "--clamd", "127.0.0.1:%d" % self.clamd,
                                   "--icap", "127.0.0.1:%d" % self.icap, "--http", "127.0.0.1:%d" % self.http,
                                   "--rules", RULES],
                                  stderr=open(self.logpath, "w"))
        self.up = all(wait_port(p, 20, self.p) for p in (self.clamd, self.icap, self.http))

    def served(self):
        n = 0
        for line in open(self.logpath, errors="replace"):
            if line.startswith("{") and '"verdict"' in line:
                n += 1
        return n


def http_scan(port, body, name, timeout=30):
    """POST /v1/scan; (HTTP status, verdict or None)."""
    req = urllib.request.Request("http://127.0.0.1:%d/v1/scan?name=%s" % (port, name), data=body, method="POST")
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:
            return r.status, json.loads(r.read()).get("verdict")
    except urllib.error.HTTPError as e:
        return e.code, None
    except (OSError, ValueError):
        return 0, None


def options(port):
    s = socket.create_connection(("127.0.0.1", port), timeout=10)
    s.sendall(b"OPTIONS icap://127.0.0.1/crible ICAP/1.0\r\nHost: 127.0.0.1\r\nEncapsulated: null-body=0\r\n\r\n")
    out = b""
    while b"\r\n\r\n" not in out:
        d = s.recv(4096)
        if not d:
            break
        out += d
    s.close()
    for line in out.decode("latin-1").split("\r\n"):
        if line.lower().startswith("istag:"):
            return line.split(":", 1)[1].strip()
    return None


a, b = Daemon("a"), Daemon("b")
check("both daemons listen", a.up and b.up)

# HAProxy as docs/deploy.md configures it, on free ports.
fc, fi, fh = free_port(), free_port(), free_port()
cfg = os.path.join(work, "haproxy.cfg")
open(cfg, "w").write("""
global
    maxconn 512
defaults
    timeout connect 2s
    timeout client 60s
    timeout server 60s
    retries 3
    option redispatch
    default-server check inter 200ms fall 1 rise 2
frontend clamd
    mode tcp
    bind 127.0.0.1:{fc}
    default_backend crible_clamd
backend crible_clamd
    mode tcp
    balance roundrobin
    option tcp-check
    tcp-check send-binary 7a50494e4700  # zPING\\0
    tcp-check expect binary 504f4e4700
    server a 127.0.0.1:{ac}
    server b 127.0.0.1:{bc}
frontend icap
    mode tcp
    bind 127.0.0.1:{fi}
    default_backend crible_icap
backend crible_icap
    mode tcp
    balance roundrobin
    option tcp-check
    tcp-check send "OPTIONS icap://127.0.0.1/crible ICAP/1.0\\r\\nHost: haproxy\\r\\nEncapsulated: null-body=0\\r\\n\\r\\n"
    tcp-check expect string "ICAP/1.0 200"
    server a 127.0.0.1:{ai}
    server b 127.0.0.1:{bi}
frontend http
    mode http
    bind 127.0.0.1:{fh}
    default_backend crible_http
backend crible_http
    mode http
    balance roundrobin
    option httpchk
    http-check send meth GET uri /readyz
    http-check expect status 200
    server a 127.0.0.1:{ah}
    server b 127.0.0.1:{bh}
""".format(fc=fc, fi=fi, fh=fh, ac=a.clamd, bc=b.clamd, ai=a.icap, bi=b.icap, ah=a.http, bh=b.http))
r = subprocess.run(["haproxy", "-c", "-f", cfg], capture_output=True, text=True)
check("haproxy accepts the configuration", r.returncode == 0, r.stdout + r.stderr)
hap = subprocess.Popen(["haproxy", "-db", "-f", cfg], stdout=subprocess.DEVNULL,
                       stderr=open(os.path.join(work, "haproxy.log"), "w"))
check("haproxy listens", all(wait_port(p, 20, hap) for p in (fc, fi, fh)))
time.sleep(1.0)  # rise 2 at 200 ms: both servers up

# 1. Before the kill: both serve, same ISTag, every answer right.
ta, tb = options(a.icap), options(b.icap)
check("the two daemons, each compiling the same rules, announce the same ISTag", ta is not None and ta == tb, (ta, tb))
check("the ISTag through HAProxy is theirs", options(fi) == ta)
wrong = []
for i in range(16):
    body, name, want = FILES[i % len(FILES)]
    got = instream(fc, body)
    if got != want:
        wrong.append((name, got))
check("clamd through HAProxy: every answer right", not wrong, wrong)
for body, name, want in FILES:
    code, verdict = http_scan(fh, body, name)
    check("HTTP through HAProxy: %s" % name, code == 200 and verdict == ("allow" if want.endswith(b"OK") else "block"),
          (code, verdict))
na, nb = a.served(), b.served()
check("round robin: both daemons served", na >= 8 and nb >= 8, (na, nb))

# 2. Clients at once; daemon a killed in the middle.
results = []  # (time, protocol, name, hostile, answer)
lock = threading.Lock()
stop = threading.Event()


def clamd_client(k):
    i = k
    while not stop.is_set():
        body, name, want = FILES[i % len(FILES)]
        got = instream(fc, body)
        with lock:
            results.append((time.monotonic(), "clamd", name, not want.endswith(b"OK"), got, want))
        i += 1


def http_client(k):
    i = k
    while not stop.is_set():
        body, name, want = FILES[i % len(FILES)]
        code, verdict = http_scan(fh, body, name)
        with lock:
            results.append((time.monotonic(), "http", name, not want.endswith(b"OK"), (code, verdict),
                            (200, "allow" if want.endswith(b"OK") else "block")))
        i += 1


threads = [threading.Thread(target=clamd_client, args=(k,)) for k in range(6)] + \
          [threading.Thread(target=http_client, args=(k,)) for k in range(2)]
for t in threads:
    t.start()
time.sleep(2.0)
killed_at = time.monotonic()
a.p.send_signal(signal.SIGKILL)
a.p.wait()
time.sleep(4.0)
stop.set()
for t in threads:
    t.join(timeout=60)

served_clean = [r for r in results if r[3] and (r[4] == b"stream: OK" or r[4] == (200, "allow"))]
check("no hostile file answered clean, before, during or after the kill", not served_clean, served_clean[:5])
before = [r for r in results if r[0] < killed_at]
settled = [r for r in results if r[0] > killed_at + 1.5]
check("requests ran before the kill", len(before) >= 20, len(before))
check("every answer before the kill is right", all(r[4] == r[5] for r in before),
      [r[1:5] for r in before if r[4] != r[5]][:5])
check("the survivor served the rest", len(settled) >= 20, len(settled))
check("every answer once HAProxy saw the death is right", all(r[4] == r[5] for r in settled),
      [r[1:5] for r in settled if r[4] != r[5]][:5])
cut = [r for r in results if r[4] != r[5]]
check("what the kill cut is an error or a closed connection, never a verdict",
      all(r[4] == b"" or (isinstance(r[4], bytes) and r[4].endswith(b"ERROR")) or
          (isinstance(r[4], tuple) and r[4][0] in (0, 500, 502, 503, 504)) for r in cut), [r[1:5] for r in cut][:5])
print("scale-out: %d requests, %d before the kill, %d cut by it, %d after HAProxy saw it" %
      (len(results), len(before), len(cut), len(settled)))
check("b kept serving", b.p.poll() is None and b.served() > nb)

hap.terminate()
hap.wait(timeout=30)
b.p.send_signal(signal.SIGTERM)
b.p.wait(timeout=30)
if not counts["failed"]:  # kept for a look when something failed
    shutil.rmtree(work, ignore_errors=True)
finish()
