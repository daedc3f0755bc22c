#!/usr/bin/env python3
"""Thread-local storage of crible's binaries stays small.

usage: check_tls.py BINARY...

glibc zeroes a thread's whole static TLS block when the thread starts.
A 1 MiB `static _Thread_local` buffer in the library once cost the
daemon 2.7 MiB of memset per connection thread (it starts one per
connection), and any program linking libcrible the same per thread.
Buffers belong on the stack or the heap; this fails past 4 KiB.
"""
import subprocess, sys

LIMIT = 4096
bad = 0
for path in sys.argv[1:]:
    out = subprocess.run(["readelf", "-lW", path], capture_output=True, text=True, check=True).stdout
    size = 0
    for line in out.splitlines():
        f = line.split()
        if f and f[0] == "TLS":
            size = int(f[5], 16)  # MemSiz
    ok = size <= LIMIT
    bad += not ok
    print("%s: %d bytes of TLS%s" % (path, size, "" if ok else " (more than %d)" % LIMIT))
sys.exit(1 if bad else 0)
