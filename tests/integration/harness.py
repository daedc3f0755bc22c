"""What the integration tests share: counted checks and running the command."""
import subprocess, sys

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


def finish():
    """Prints 'N passed, N failed' and exits 1 when anything failed."""
    print("%d passed, %d failed" % (counts["passed"], counts["failed"]))
    sys.exit(1 if counts["failed"] else 0)
