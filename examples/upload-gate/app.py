#!/usr/bin/env python3
"""upload-gate: a Flask upload form that asks crible before it keeps a file.

The browser's `accept=` attribute and a file name prove nothing: any
client can POST any bytes under any name (Streamlit's st.file_uploader
checked types only in the browser, and a Python script renamed .txt
reached the server).  This app checks on the server: every uploaded
file goes to crible serve's HTTP API (POST /v1/scan) with its name, its
declared Content-Type and the form's accept list, and is written to
disk only when crible answers "allow".  Anything else -- a block, a
warn, crible unreachable, an answer that is not the expected JSON -- and
nothing of the request is kept.

Settings (environment):
  CRIBLE_URL     crible serve's HTTP address      (http://127.0.0.1:8080)
  CRIBLE_TOKEN   its http_token, when it has one   (none)
  GATE_ACCEPT    the accept list, as crible reads it (MIME types,
                 wildcards, extensions)           (image/png,image/jpeg,application/pdf)
  GATE_DIR       where accepted files are written  (./uploads)
  GATE_ALLOW_WARN=1  keep files crible judged "warn" too (off)
  GATE_MAX_BYTES largest request                   (20 MiB)

Run:  python3 app.py --port 5000   (crible serve --http 127.0.0.1:8080 beside it)
"""
import argparse, hashlib, json, os, re, urllib.error, urllib.parse, urllib.request

from flask import Flask, jsonify, request

app = Flask(__name__)
CRIBLE_URL = os.environ.get("CRIBLE_URL", "http://127.0.0.1:8080").rstrip("/")
CRIBLE_TOKEN = os.environ.get("CRIBLE_TOKEN")
ACCEPT = os.environ.get("GATE_ACCEPT", "image/png,image/jpeg,application/pdf")
UPLOAD_DIR = os.path.abspath(os.environ.get("GATE_DIR", "uploads"))
ALLOW_WARN = os.environ.get("GATE_ALLOW_WARN") == "1"
app.config["MAX_CONTENT_LENGTH"] = int(os.environ.get("GATE_MAX_BYTES", str(20 << 20)))

FORM = """<!doctype html>
<title>upload</title>
<form method="post" action="/upload" enctype="multipart/form-data">
  <input type="file" name="file" multiple accept="{accept}">
  <button>send</button>
</form>
"""


class CribleUnavailable(Exception):
    pass


def ask_crible(data, name, content_type):
    """crible's JSON answer for one file; CribleUnavailable when there is none to trust."""
    query = urllib.parse.urlencode({"name": name, "accept": ACCEPT})
    req = urllib.request.Request(CRIBLE_URL + "/v1/scan?" + query, data=data, method="POST")
    req.add_header("Content-Type", content_type or "application/octet-stream")
    if CRIBLE_TOKEN:
        req.add_header("Authorization", "Bearer " + CRIBLE_TOKEN)
    try:
        with urllib.request.urlopen(req, timeout=60) as r:
            answer = json.loads(r.read())
    except (urllib.error.URLError, OSError, ValueError) as e:
        raise CribleUnavailable(str(e))
    if not isinstance(answer, dict) or answer.get("verdict") not in ("allow", "warn", "block"):
        raise CribleUnavailable("no verdict in crible's answer")
    return answer


def stored_name(name, data):
    """The name the file is kept under: its hash, and its extension when that is plain."""
    ext = os.path.splitext(name)[1].lower()
    if not re.fullmatch(r"\.[a-z0-9]{1,8}", ext):
        ext = ""
    return hashlib.sha256(data).hexdigest() + ext


@app.get("/")
def form():
    return FORM.format(accept=ACCEPT)


@app.post("/upload")
def upload():
    files = request.files.getlist("file")
    if not files:
        return jsonify(error="no file in the form"), 400
    judged = []
    for f in files:
        data = f.read()
        try:
            answer = ask_crible(data, f.filename or "upload", f.mimetype)
        except CribleUnavailable as e:
            app.logger.error("crible: %s", e)
            return jsonify(error="the upload could not be checked; nothing was kept"), 503
        judged.append((f.filename, data, answer))
    keep = ("allow", "warn") if ALLOW_WARN else ("allow",)
    refused = [{"file": n, "verdict": a["verdict"], "findings": sorted({x["id"] for x in a.get("findings", [])})}
               for n, _, a in judged if a["verdict"] not in keep]
    if refused:
        # All or nothing: one refused file and none of the request is kept.
        return jsonify(refused=refused), 422
    os.makedirs(UPLOAD_DIR, exist_ok=True)
    kept = []
    for name, data, answer in judged:
        target = stored_name(name or "", data)
        fd = os.open(os.path.join(UPLOAD_DIR, target), os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_NOFOLLOW, 0o640)
        with os.fdopen(fd, "wb") as out:
            out.write(data)
        kept.append({"file": name, "stored": target, "type": answer.get("type", {}).get("mime")})
    return jsonify(kept=kept), 200


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--port", type=int, default=5000)
    a = ap.parse_args()
    app.run(host=a.host, port=a.port)
