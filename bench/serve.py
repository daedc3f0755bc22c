#!/usr/bin/env python3
"""Load benchmark: concurrent INSTREAM clients against crible serve and clamd, in one run.

usage: bench/serve.py [--crible build-release/crible] [--baseline OTHER/crible] [--clients 8] [--rounds 3]
                      [--repeat 3] [--markdown OUT]

--baseline adds another build of crible (an earlier commit's) as a row:
before and after, in the same run.

The same files go to both daemons, each request on its own connection as
Rspamd and Nextcloud send them (zINSTREAM, the file as one chunk, the
zero terminator, the reply read to NUL).  The requests are sent by
bench/clamd_load.c (built as clamd-load next to crible): on a two-core
machine the client shares the CPU with the daemon, and a Python client
took a tenth of it.  The corpus: files from this
machine (documentation, programs, libraries, compressed files, up to
1 MiB each) and crible's generated samples (archives, documents, pages,
executables).  clamd runs with a one-signature database (no signature
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
ap.add_argument("--markdown")
a = ap.parse_args()
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "integration"))
import harness  # noqa: E402  (the tests' clamd client and port helpers)
free_port = harness.free_port
crible = os.path.abspath(a.crible)
work = tempfile.mkdtemp(prefix="crible-bench-serve-")
cores = os.cpu_count() or 2


def corpus():
    files = []
    subprocess.run([os.path.abspath(a.gen), os.path.join(work, "samples")], check=True, capture_output=True)
    files += sorted(glob.glob(os.path.join(work, "samples", "*")))
    for pattern in ("/usr/share/doc/*/copyright", "/usr/share/doc/*/*.gz", "/usr/bin/*", "/usr/lib/x86_64-linux-gnu/*.so*",
                    "/usr/share/common-licenses/*", "/etc/*.conf"):
        for p in sorted(glob.glob(pattern))[:60]:
            try:
                if os.path.isfile(p) and not os.path.islink(p) and 0 < os.path.getsize(p) <= (1 << 20):
                    files.append(p)
            except OSError:
                pass
    return [p for p in files if not p.endswith("scenarios.tsv")]


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


paths = corpus()
listfile = os.path.join(work, "list")
open(listfile, "w").write("".join(p + "\n" for p in paths))
size = sum(map(os.path.getsize, paths))
print("corpus: %d files, %.1f MiB; %d clients, %d rounds" % (len(paths), size / 1048576, a.clients, a.rounds), flush=True)

def run_daemon(argv, port):
    """Starts a daemon listening on port, warms it with one request, loads it; its results."""
    p = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wait_port(port, p)
    instream(port, b"warm up")
    r = load(port, p.pid)
    p.terminate()
    p.wait()
    return r


def run_crible(exe=crible):
    port = free_port()
    return run_daemon([exe, "serve", "--clamd", "127.0.0.1:%d" % port, "--max-scans", str(2 * cores)], port)


# clamd with a one-signature database
db = os.path.join(work, "db")
os.makedirs(db)
open(os.path.join(db, "bench.ndb"), "w").write("Bench.OneSignature:0:*:%s\n" % b"crible bench: no file holds this".hex())
ktmp_disk = tempfile.mkdtemp(prefix="crible-bench-clamd-", dir="/tmp")
ktmp_shm = tempfile.mkdtemp(prefix="crible-bench-clamd-", dir="/dev/shm" if os.path.isdir("/dev/shm") else None)


def run_clamd(ktmp):
    kport = free_port()
    conf = os.path.join(work, "clamd.conf")
    open(conf, "w").write("Foreground yes\nTCPSocket %d\nTCPAddr 127.0.0.1\nDatabaseDirectory %s\nMaxThreads %d\n"
                          "StreamMaxLength 100M\nTemporaryDirectory %s\nLogFile %s\nPidFile %s\n"
                          % (kport, db, 2 * cores, ktmp, os.path.join(work, "clamd.log"), os.path.join(work, "clamd.pid")))
    if not os.geteuid():
        open(conf, "a").write("User root\n")
    return run_daemon(["clamd", "-c", conf], kport)


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


def median_run(runs):
    """The run with the median throughput; its memory is the peak over all runs."""
    r = dict(sorted(runs, key=lambda x: x["rps"])[len(runs) // 2])
    r["rss"] = max(x["rss"] for x in runs)
    r["errors"] = sum(x["errors"] for x in runs)
    r["n"] = sum(x["n"] for x in runs)
    return r


res_c, res_k, res_s = median_run(runs_c), median_run(runs_k), median_run(runs_s)
rows = [("crible serve", res_c), ("clamd (1 signature, temporary files in /tmp)", res_k),
        ("clamd (1 signature, temporary files on tmpfs)", res_s)]
if runs_b:
    rows.insert(1, ("crible serve, baseline (%s)" % a.baseline, median_run(runs_b)))
for name, r in rows:
    print("%-46s %7.1f req/s  p50 %6.1f ms  p99 %7.1f ms  peak PSS %6.1f MiB  errors %d of %d" %
          (name, r["rps"], r["p50"], r["p99"], r["rss"], r["errors"], r["n"]), flush=True)
ratio = res_c["rps"] / res_k["rps"]
ratio_s = res_c["rps"] / res_s["rps"]
print("throughput crible / clamd: %.2f (clamd on tmpfs: %.2f)" % (ratio, ratio_s))
if a.markdown:
    with open(a.markdown, "w") as f:
        f.write("| daemon | requests/s | p50 | p99 | peak PSS (all processes) | errors |\n|---|---:|---:|---:|---:|---:|\n")
        for name, r in rows:
            f.write("| %s | %.1f | %.1f ms | %.1f ms | %.1f MiB | %d of %d |\n" %
                    (name, r["rps"], r["p50"], r["p99"], r["rss"], r["errors"], r["n"]))
        f.write("\nThroughput crible / clamd: **%.2f**; crible / clamd on tmpfs: **%.2f** (median runs).  Every run, "
                "requests/s: crible %s; clamd %s; clamd on tmpfs %s.\n" %
                (ratio, ratio_s, ", ".join("%.0f" % r["rps"] for r in runs_c), ", ".join("%.0f" % r["rps"] for r in runs_k),
                 ", ".join("%.0f" % r["rps"] for r in runs_s)))
shutil.rmtree(work, ignore_errors=True)
shutil.rmtree(ktmp_disk, ignore_errors=True)
shutil.rmtree(ktmp_shm, ignore_errors=True)
