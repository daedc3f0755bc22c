#!/usr/bin/env python3
"""Load benchmark: concurrent INSTREAM clients against crible serve and clamd, in one run.

usage: bench/serve.py [--crible build-release/crible] [--baseline OTHER/crible] [--clients 8] [--rounds 3]
                      [--repeat 3] [--corpus mixed,attachments] [--markdown OUT]

--baseline adds another build of crible (an earlier commit's) as a row:
before and after, in the same run.

The same files go to both daemons, each request on its own connection as
Rspamd and Nextcloud send them (zINSTREAM, the file as one chunk, the
zero terminator, the reply read to NUL).  The requests are sent by
bench/clamd_load.c (built as clamd-load next to crible): on a two-core
machine the client shares the CPU with the daemon, and a Python client
took a tenth of it.

Two corpora, each run on its own (--corpus picks):
  mixed        files from this machine (documentation, programs,
               libraries, compressed files, configuration, up to 1 MiB
               each) and crible's generated samples (archives, documents,
               pages, executables, bombs): 32 KiB on average, many of a
               few KiB, where the fixed cost of a request dominates;
  attachments  what a mail gateway or a proxy carries: files of 32 KiB
               to 4 MiB from this machine (PDF, PNG, JPEG, SVG, gzip,
               JAR, wheels, fonts, shared libraries, HTML, JavaScript),
               where the cost of reading the content dominates.
clamd runs with a one-signature database (no signature
feed is reachable here), so its cost with the full feed is higher,
never lower.  clamd runs twice: as Debian configures it (it writes each
stream to a file in its TemporaryDirectory, /tmp by default, on disk),
and with that directory on tmpfs (/dev/shm), its best case.  All run
with scans at once = 2 per core.  The daemons take turns, --repeat times
each (crible, clamd, clamd on tmpfs, crible, ...), and the median run of
each is reported: clamd's throughput with /tmp on this machine's disk
moved by a factor of three from run to run.

Reported per daemon: requests per second, p50 and p99 latency, and the
peak memory of the daemon and every process under it (crible: the
supervisor, the broker and its workers), as PSS (a page shared by forked
workers counted once in all), sampled every 50 ms.
"""
import argparse, glob, os, shutil, subprocess, sys, tempfile, threading, time

ap = argparse.ArgumentParser()
ap.add_argument("--crible", default="build-release/crible")
ap.add_argument("--gen", default="build-release/tests/crible-gen")
ap.add_argument("--load", default="build-release/clamd-load")
ap.add_argument("--clients", type=int, default=8)
ap.add_argument("--rounds", type=int, default=3)
ap.add_argument("--repeat", type=int, default=3)
ap.add_argument("--baseline")
ap.add_argument("--corpus", default="mixed,attachments")
ap.add_argument("--markdown")
a = ap.parse_args()
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "integration"))
import harness  # noqa: E402  (the tests' clamd client and port helpers)
free_port = harness.free_port
crible = os.path.abspath(a.crible)
work = tempfile.mkdtemp(prefix="crible-bench-serve-")
cores = os.cpu_count() or 2


def sized(paths, lo, hi):
    out = []
    for p in paths:
        try:
            if os.path.isfile(p) and not os.path.islink(p) and lo <= os.path.getsize(p) <= hi:
                out.append(p)
        except OSError:
            pass
    return out


def corpus_mixed():
    subprocess.run([os.path.abspath(a.gen), os.path.join(work, "samples")], check=True, capture_output=True)
    files = [p for p in sorted(glob.glob(os.path.join(work, "samples", "*"))) if not p.endswith("scenarios.tsv")]
    for pattern in ("/usr/share/doc/*/copyright", "/usr/share/doc/*/*.gz", "/usr/bin/*", "/usr/lib/x86_64-linux-gnu/*.so*",
                    "/usr/share/common-licenses/*", "/etc/*.conf"):
        files += sized(sorted(glob.glob(pattern))[:60], 1, 1 << 20)
    return files


def corpus_attachments():
    """Up to 40 files of each type, 32 KiB to 4 MiB, found under /usr/share and /usr/lib in name order."""
    want = ("pdf", "png", "jpg", "svg", "gz", "jar", "whl", "ttf", "so", "html", "js")
    found = {e: [] for e in want}
    for root in ("/usr/share", "/usr/lib"):
        for d, dirs, names in os.walk(root):
            dirs.sort()
            for n in sorted(names):
                e = n.rsplit(".", 1)[-1]
                if e in found and len(found[e]) < 40:
                    found[e] += sized([os.path.join(d, n)], 32 << 10, 4 << 20)
    return [p for e in want for p in found[e]]


def wait_port(port, proc, secs=120):
    if not harness.wait_port(port, secs, proc):
        sys.exit("the daemon did not listen (exit status %s)" % proc.poll())


def instream(port, body):
    return harness.instream(port, body, timeout=120) + b"\0"


def tree_rss(pid):
    """Proportional resident KiB (PSS: shared pages split between sharers) of pid and its descendants."""
    total, todo = 0, [pid]
    while todo:
        p = todo.pop()
        try:
            for l in open("/proc/%d/smaps_rollup" % p):
                if l.startswith("Pss:"):
                    total += int(l.split()[1])
            kids = open("/proc/%d/task/%d/children" % (p, p)).read().split()
            todo += [int(k) for k in kids]
        except OSError:
            pass
    return total


def load(port, pid):
    """Runs clamd-load against port while sampling the memory of pid's process tree."""
    peak, done = [0], threading.Event()

    def sampler():
        while not done.is_set():
            peak[0] = max(peak[0], tree_rss(pid))
            time.sleep(0.05)
    threading.Thread(target=sampler, daemon=True).start()
    out = subprocess.run([os.path.abspath(a.load), str(port), str(a.clients), str(a.rounds), listfile],
                         check=True, capture_output=True, text=True).stdout.split()
    done.set()
    n, errors, wall, p50, p99 = int(out[0]), int(out[1]), float(out[2]), float(out[3]), float(out[4])
    return {"rps": n / wall, "p50": p50, "p99": p99, "rss": peak[0] / 1024, "errors": errors, "n": n}


def run_daemon(argv, port):
    """Starts a daemon listening on port, warms it with one request, loads it; its results."""
    p = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wait_port(port, p)
    instream(port, b"warm up")
    r = load(port, p.pid)
    p.terminate()
    p.wait()
    return r


# clamd with a one-signature database
db = os.path.join(work, "db")
os.makedirs(db)
open(os.path.join(db, "bench.ndb"), "w").write("Bench.OneSignature:0:*:%s\n" % b"crible bench: no file holds this".hex())
ktmp_disk = tempfile.mkdtemp(prefix="crible-bench-clamd-", dir="/tmp")
ktmp_shm = tempfile.mkdtemp(prefix="crible-bench-clamd-", dir="/dev/shm" if os.path.isdir("/dev/shm") else None)


def run_crible(exe=crible):
    port = free_port()
    return run_daemon([exe, "serve", "--clamd", "127.0.0.1:%d" % port, "--max-scans", str(2 * cores)], port)


def run_clamd(ktmp):
    kport = free_port()
    conf = os.path.join(work, "clamd.conf")
    open(conf, "w").write("Foreground yes\nTCPSocket %d\nTCPAddr 127.0.0.1\nDatabaseDirectory %s\nMaxThreads %d\n"
                          "StreamMaxLength 100M\nTemporaryDirectory %s\nLogFile %s\nPidFile %s\n"
                          % (kport, db, 2 * cores, ktmp, os.path.join(work, "clamd.log"), os.path.join(work, "clamd.pid")))
    if not os.geteuid():
        open(conf, "a").write("User root\n")
    return run_daemon(["clamd", "-c", conf], kport)


def median_run(runs):
    """The run with the median throughput; its memory is the peak over all runs."""
    r = dict(sorted(runs, key=lambda x: x["rps"])[len(runs) // 2])
    r["rss"] = max(x["rss"] for x in runs)
    r["errors"] = sum(x["errors"] for x in runs)
    r["n"] = sum(x["n"] for x in runs)
    return r


md = []
for name in a.corpus.split(","):
    paths = {"mixed": corpus_mixed, "attachments": corpus_attachments}[name]()
    listfile = os.path.join(work, "list")
    open(listfile, "w").write("".join(p + "\n" for p in paths))
    size = sum(map(os.path.getsize, paths))
    head = "corpus %s: %d files, %.1f MiB (%.0f KiB on average); %d clients, %d rounds" % (
        name, len(paths), size / 1048576, size / 1024 / len(paths), a.clients, a.rounds)
    print(head, flush=True)
    runs_c, runs_k, runs_s, runs_b = [], [], [], []
    for k in range(a.repeat):
        if a.baseline:
            runs_b.append(run_crible(os.path.abspath(a.baseline)))
            print("run %d: baseline crible %.1f req/s" % (k + 1, runs_b[-1]["rps"]), flush=True)
        runs_c.append(run_crible())
        runs_k.append(run_clamd(ktmp_disk))
        runs_s.append(run_clamd(ktmp_shm))
        print("run %d: crible %.1f req/s, clamd %.1f req/s, clamd on tmpfs %.1f req/s" %
              (k + 1, runs_c[-1]["rps"], runs_k[-1]["rps"], runs_s[-1]["rps"]), flush=True)
    res_c, res_k, res_s = median_run(runs_c), median_run(runs_k), median_run(runs_s)
    rows = [("crible serve", res_c), ("clamd (1 signature, temporary files in /tmp)", res_k),
            ("clamd (1 signature, temporary files on tmpfs)", res_s)]
    if runs_b:
        rows.insert(1, ("crible serve, baseline (%s)" % a.baseline, median_run(runs_b)))
    for label, r in rows:
        print("%-46s %7.1f req/s  p50 %6.1f ms  p99 %7.1f ms  peak PSS %6.1f MiB  errors %d of %d" %
              (label, r["rps"], r["p50"], r["p99"], r["rss"], r["errors"], r["n"]), flush=True)
    ratio, ratio_s = res_c["rps"] / res_k["rps"], res_c["rps"] / res_s["rps"]
    print("throughput crible / clamd: %.2f (clamd on tmpfs: %.2f)" % (ratio, ratio_s), flush=True)
    md.append("Corpus **%s**: %d files, %.1f MiB, %.0f KiB on average.\n\n" % (name, len(paths), size / 1048576,
                                                                         size / 1024 / len(paths)))
    md.append("| daemon | requests/s | p50 | p99 | peak PSS (all processes) | errors |\n|---|---:|---:|---:|---:|---:|\n")
    for label, r in rows:
        md.append("| %s | %.1f | %.1f ms | %.1f ms | %.1f MiB | %d of %d |\n" %
                  (label, r["rps"], r["p50"], r["p99"], r["rss"], r["errors"], r["n"]))
    md.append("\nThroughput crible / clamd: **%.2f**; crible / clamd on tmpfs: **%.2f** (median runs).  Every run, "
              "requests/s: crible %s; clamd %s; clamd on tmpfs %s.\n\n" %
              (ratio, ratio_s, ", ".join("%.0f" % r["rps"] for r in runs_c), ", ".join("%.0f" % r["rps"] for r in runs_k),
               ", ".join("%.0f" % r["rps"] for r in runs_s)))
if a.markdown:
    open(a.markdown, "w").write("".join(md))
shutil.rmtree(work, ignore_errors=True)
shutil.rmtree(ktmp_disk, ignore_errors=True)
shutil.rmtree(ktmp_shm, ignore_errors=True)
