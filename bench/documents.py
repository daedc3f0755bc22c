#!/usr/bin/env python3
"""Documents: crible against clamscan with its macro and document scanning on, one run.

usage: bench/documents.py [--crible build/crible] [--gen build/tests/crible-gen] [--runs 3]
                          [--work /tmp/crible-bench] [--markdown OUT]

The corpus, built by this script:
  - every Office, PDF, RTF, OneNote, Outlook and shortcut sample crible-gen
    writes (hostile ones and their benign twins), 40 copies each under
    different names;
  - 150 Word documents (.docx) of 40 to 400 KB of text, 150 PDFs of 10 to
    60 compressed pages, 100 RTF files with an embedded picture each,
    made of words from /usr/share/dict or the system's documentation;
  - the PDFs Debian ships under /usr/share.

clamscan runs with --alert-macros=yes --scan-ole2=yes --scan-pdf=yes
--scan-archive=yes and a one-signature database (no feed is reachable
here): the work it does is the parsing, as with the feed; with the feed it
would only cost more.  Peak RSS from GNU time.
"""
import argparse, glob, os, random, shutil, subprocess, time, zipfile, zlib

ap = argparse.ArgumentParser()
ap.add_argument("--crible", default="build/crible")
ap.add_argument("--gen", default="build/tests/crible-gen")
ap.add_argument("--runs", type=int, default=3)
ap.add_argument("--work", default="/tmp/crible-bench")
ap.add_argument("--markdown")
a = ap.parse_args()
W = lambda *p: os.path.join(a.work, *p)
os.makedirs(a.work, exist_ok=True)


def timed(cmd):
    rss = W("rss-docs")
    t0 = time.perf_counter()
    subprocess.run(["/usr/bin/time", "-f", "%M", "-o", rss] + cmd, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL)
    return time.perf_counter() - t0, int(open(rss).read().split()[-1])


def best(cmd):
    r = sorted(timed(cmd) for _ in range(a.runs))
    return r[len(r) // 2][0], max(x[1] for x in r)


def words():
    for p in ("/usr/share/dict/words", "/usr/share/common-licenses/GPL-3"):
        if os.path.exists(p):
            return open(p, errors="replace").read().split()
    return ("lorem ipsum dolor sit amet consectetur adipiscing elit sed do eiusmod tempor " * 50).split()


def text(rng, ws, n):
    return " ".join(rng.choice(ws) for _ in range(n)).replace("&", "and").replace("<", "").replace(">", "")


def docx(path, body):
    ct = ('<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
          '<Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" '
          'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>')
    paras = "".join("<w:p><w:r><w:t>%s</w:t></w:r></w:p>" % body[i:i + 400] for i in range(0, len(body), 400))
    doc = ('<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>%s'
           '</w:body></w:document>' % paras)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", ct)
        z.writestr("_rels/.rels", "<Relationships/>")
        z.writestr("word/document.xml", doc)


def pdf(path, pages):
    out = [b"%PDF-1.7\n"]
    objs = []
    kids = " ".join("%d 0 R" % (3 + 2 * i) for i in range(len(pages)))
    objs.append(b"<< /Type /Catalog /Pages 2 0 R >>")
    objs.append(("<< /Type /Pages /Kids [%s] /Count %d >>" % (kids, len(pages))).encode())
    for i, t in enumerate(pages):
        objs.append(("<< /Type /Page /Parent 2 0 R /Contents %d 0 R >>" % (4 + 2 * i)).encode())
        content = ("BT /F1 10 Tf 50 750 Td (%s) Tj ET" % t.replace("(", "").replace(")", "")).encode()
        z = zlib.compress(content)
        objs.append(b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(z) + z + b"\nendstream")
    for i, o in enumerate(objs):
        out.append(b"%d 0 obj\n" % (i + 1) + o + b"\nendobj\n")
    out.append(b"trailer\n<< /Root 1 0 R >>\n%%EOF\n")
    open(path, "wb").write(b"".join(out))


corpus = W("documents")
if not os.path.isdir(corpus):
    os.makedirs(corpus)
    gen = W("documents-gen")
    shutil.rmtree(gen, ignore_errors=True)
    subprocess.run([a.gen, gen], check=True, stdout=subprocess.DEVNULL)
    exts = (".doc", ".xls", ".msg", ".rtf", ".pdf", ".one", ".docx", ".docm", ".xlsx", ".odt", ".lnk", ".bin")
    samples = [p for p in sorted(glob.glob(os.path.join(gen, "*"))) if p.endswith(exts)]
    for k in range(40):
        for p in samples:
            b = os.path.basename(p)
            shutil.copy(p, os.path.join(corpus, "%02d-%s" % (k, b)))
    rng = random.Random(8)
    ws = words()
    for i in range(150):
        docx(os.path.join(corpus, "report%03d.docx" % i), text(rng, ws, rng.randint(6000, 60000)))
        pdf(os.path.join(corpus, "paper%03d.pdf" % i), [text(rng, ws, 400) for _ in range(rng.randint(10, 60))])
    png = bytes.fromhex("89504e470d0a1a0a0000000d49484452") + os.urandom(2000)
    for i in range(100):
        body = text(rng, ws, rng.randint(3000, 20000))
        open(os.path.join(corpus, "letter%03d.rtf" % i), "w").write(
            "{\\rtf1\\ansi{\\fonttbl{\\f0 Calibri;}}\\pard %s\\par{\\pict\\pngblip %s}}\n" % (body, png.hex()))
    for p in glob.glob("/usr/share/**/*.pdf", recursive=True):
        shutil.copy(p, os.path.join(corpus, "debian-" + os.path.basename(p)))

n = sum(len(f) for _, _, f in os.walk(corpus))
size = sum(os.path.getsize(os.path.join(d, f)) for d, _, fs in os.walk(corpus) for f in fs)
db = W("bench-docs.ndb")
open(db, "w").write("Crible.Bench.Marker:0:*:6372696265626563686d61726b6572\n")
clam = ["clamscan", "-r", "--no-summary", "--infected", "--alert-macros=yes", "--scan-ole2=yes",
        "--scan-pdf=yes", "--scan-archive=yes", "-d", db, corpus]
cr = best([os.path.abspath(a.crible), "scan", "--json", corpus])
cr1 = best([os.path.abspath(a.crible), "scan", "--json", "-j", "1", corpus])
cs = best(clam)
lines = [
    "Corpus: %d files, %.1f MB (crible-gen's documents ×40, 150 .docx, 150 PDFs, 100 RTF, Debian's PDFs); "
    "median of %d runs, %d cores." % (n, size / 1e6, a.runs, os.cpu_count()),
    "",
    "| tool | seconds | peak RSS | clamscan / crible |",
    "|---|---:|---:|---:|",
    "| crible scan --json (all cores) | %.3f | %.1f MB | %.1f× |" % (cr[0], cr[1] / 1024, cs[0] / cr[0]),
    "| crible scan --json -j 1 | %.3f | %.1f MB | %.1f× |" % (cr1[0], cr1[1] / 1024, cs[0] / cr1[0]),
    "| clamscan -r --alert-macros=yes --scan-ole2 --scan-pdf, one-signature database | %.3f | %.1f MB | |"
    % (cs[0], cs[1] / 1024),
    "",
]
report = "\n".join(lines)
print(report)
if a.markdown:
    open(a.markdown, "w").write(report)
