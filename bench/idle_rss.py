#!/usr/bin/python3
"""Idle memory of a fresh `gatehouse serve` (bench/README.md, "Idle RSS").

    bench/idle_rss.py BINARY [--starts N] [-- SERVE FLAGS...]
    bench/idle_rss.py build/release/gatehouse --starts 5
    bench/idle_rss.py build/release/gatehouse -- --smtp-host 127.0.0.1

Starts the server N times (default 5) with the default configuration (SQLite in a
temporary data directory, development mailer) plus the flags given, waits for its first
200 on /healthz and 2 s more, and prints per start the server's VmRSS, each hashing
helper's Private_Clean + Private_Dirty and their sum as harness.rss_kib counts it, and
which of libpq, libcurl, gnutls, krb5 and LDAP the server maps. Sends no other request.
"""
import argparse
import os
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness as h  # noqa: E402

WATCHED = ("libpq", "libcurl", "libgnutls", "libkrb5", "libldap")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("binary")
    ap.add_argument("--starts", type=int, default=5)
    argv, serve_flags = sys.argv[1:], []
    if "--" in argv:
        argv, serve_flags = argv[:argv.index("--")], argv[argv.index("--") + 1:]
    a = ap.parse_args(argv)
    for _ in range(a.starts):
        with tempfile.TemporaryDirectory(prefix="gh-idle-rss-") as tmp:
            port = h.free_port()
            proc = subprocess.Popen(
                [a.binary, "serve", "--address", h.HOST, "--port", str(port),
                 "--data", os.path.join(tmp, "data")] + serve_flags,
                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            try:
                h.wait_ready(port, "/healthz", proc, 20.0)
                time.sleep(2.0)
                server = h.proc_kib(f"/proc/{proc.pid}/status", "VmRSS")
                helpers = [sum(h.proc_kib(f"/proc/{c}/smaps_rollup", k) or 0
                               for k in ("Private_Clean", "Private_Dirty"))
                           for c in h.children(proc.pid)]
                total = h.rss_kib(proc.pid)
                with open(f"/proc/{proc.pid}/maps") as f:
                    maps = f.read()
                mapped = [lib for lib in WATCHED if lib in maps]
                print(f"server {server} KiB, helpers {helpers} KiB private, rss_kib {total} KiB "
                      f"({total / 1024:.1f} MiB); maps {', '.join(mapped) or 'none of them'}",
                      flush=True)
            finally:
                proc.terminate()
                proc.wait(timeout=20)
    return 0


if __name__ == "__main__":
    sys.exit(main())
