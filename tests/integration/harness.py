"""What the integration tests share: counted checks and running the command."""
import io, os, socket, struct, subprocess, sys, tarfile, time

counts = {"passed": 0, "failed": 0}


def check(name, cond, info=""):
    """Counts one check; a failure prints its name and what was seen."""
    if cond:
        counts["passed"] += 1
    else:
        counts["failed"] += 1
        print("FAIL %s %s" % (name, str(info)[:600]))


def runner(crible):
    """run(args, stdin=None, env=None, timeout=120) -> (exit status, stdout, stderr) of crible ARGS."""
    def run(args, stdin=None, env=None, timeout=120):
        p = subprocess.run([crible] + args, input=stdin, capture_output=True, timeout=timeout, env=env)
        return p.returncode, p.stdout.decode("utf-8", "replace"), p.stderr.decode("utf-8", "replace")
    return run


def pty_drain(master, proc, secs=120):
    """What a child writes to a pty's slave side, until it closes it or exits (at most SECS)."""
    import select
    got = b""
    deadline = time.time() + secs
    while time.time() < deadline:
        r, _, _ = select.select([master], [], [], 0.5)
        if not r:
            if proc.poll() is None:
                continue
            if not select.select([master], [], [], 0.1)[0]:
                break
        try:
            chunk = os.read(master, 65536)
        except OSError:  # EIO: every slave descriptor is closed
            break
        if not chunk:
            break
        got += chunk
    return got


EICAR = b"X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"


def gen_samples(gen, tmp):
    """Every sample crible-gen writes, in TMP/samples, sorted by path."""
    sdir = os.path.join(tmp, "samples")
    os.mkdir(sdir)
    subprocess.run([gen, sdir], check=True, capture_output=True)
    return sorted(os.path.join(sdir, f) for f in os.listdir(sdir))


def tar_add(tf, name, data):
    """A regular member NAME holding DATA in the open tarfile TF."""
    ti = tarfile.TarInfo(name)
    ti.size = len(data)
    tf.addfile(ti, io.BytesIO(data))


def ar_write(path, members):
    """An ar archive (a .deb's outer layer) at PATH holding (name, bytes) MEMBERS in order."""
    with open(path, "wb") as f:
        f.write(b"!<arch>\n")
        for name, body in members:
            f.write(("%-16s%-12d%-6d%-6d%-8s%-10d`\n" % (name, 0, 0, 0, "100644", len(body))).encode())
            f.write(body + (b"\n" if len(body) & 1 else b""))


def free_port():
    """A TCP port on 127.0.0.1 that nothing listens on now."""
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    p = s.getsockname()[1]
    s.close()
    return p


def wait_port(port, secs=60, proc=None):
    """True once 127.0.0.1:PORT accepts a connection; False after SECS or when PROC has exited."""
    for _ in range(int(secs * 20)):
        if proc is not None and proc.poll() is not None:
            return False
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return True
        except OSError:
            time.sleep(0.05)
    return False


def instream(port, body, timeout=30):
    """zINSTREAM as Rspamd sends it (one chunk, the zero terminator); the reply read to NUL, without it.

    b'' when the connection is refused or cut before the reply."""
    try:
        s = socket.create_connection(("127.0.0.1", port), timeout=timeout)
        s.sendall(b"zINSTREAM\0" + struct.pack(">I", len(body)) + body + b"\0\0\0\0")
        out = b""
        while not out.endswith(b"\0"):
            d = s.recv(4096)
            if not d:
                break
            out += d
        s.close()
        return out.rstrip(b"\0")
    except OSError:
        return b""


def finish():
    """Prints 'N passed, N failed' and exits 1 when anything failed."""
    print("%d passed, %d failed" % (counts["passed"], counts["failed"]))
    sys.exit(1 if counts["failed"] else 0)
