#!/usr/bin/python3
"""The server loads libpq and libcurl only when its configuration needs them
(src/server/lazy_libs.h; bench/README.md "Idle RSS": they and what they pull in —
gnutls, krb5, LDAP — cost 5 MB of an idle server's memory and 0.7 MB of each hashing
helper's).

usage: /usr/bin/python3 lazy_libs_test.py PATH/TO/gatehouse

Checks that
  - the binary does not link them: not in readelf's NEEDED, nor anywhere in ldd's list;
  - with both made unloadable (a directory on LD_LIBRARY_PATH holding an empty
    libpq.so.5 and libcurl.so.4), a default server (SQLite, development mailer) starts,
    signs a user up (the hashing helpers at work) and maps neither library, in the server
    or its helpers;
  - with them unloadable, every configuration that needs one fails at start with an error
    naming the library and the loader's reason, and exits 1 instead of crashing:
    --database-url, --smtp-host, serve --validator, migrate sqlite-to-postgres;
  - with the real libraries, migrate sqlite-to-postgres reaches libpq (a refused
    connection, reported by libpq).
Prints "N passed, N failed"; exits 1 on any failure.
"""

import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import traceback
import urllib.error
import urllib.request

PASSWORD = "Correct-Horse-9-Battery"
PROJECT = "Plazylibs"
LAZY = ("libpq.so", "libcurl.so")
# What libpq and libcurl brought into every process before (bench/README.md).
PULLED_IN = ("libgnutls", "libkrb5", "libldap", "libp11-kit")

results = {"passed": 0, "failed": 0}


def check(name, fn):
    try:
        fn()
        results["passed"] += 1
        print(f"PASS {name}")
    except Exception:  # noqa: BLE001 - report every failure and go on
        results["failed"] += 1
        print(f"FAIL {name}\n{traceback.format_exc()}")


def clean_env(broken_dir=None):
    env = {k: v for k, v in os.environ.items() if not k.startswith("GATEHOUSE_")}
    env.pop("LD_LIBRARY_PATH", None)
    if broken_dir:
        env["LD_LIBRARY_PATH"] = broken_dir
    return env


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def request(port, method, path, body=None):
    req = urllib.request.Request(
        f"http://127.0.0.1:{port}{path}", method=method,
        data=json.dumps(body).encode() if body is not None else None,
        headers={"Content-Type": "application/json", "Authorization": "Bearer " + PROJECT})
    try:
        with urllib.request.urlopen(req, timeout=30) as r:
            return r.status, r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.read()


def children(pid):
    out = []
    for e in os.listdir("/proc"):
        if e.isdigit():
            try:
                with open(f"/proc/{e}/stat") as f:
                    if f.read().rsplit(")", 1)[1].split()[1] == str(pid):
                        out.append(int(e))
            except (OSError, IndexError):
                pass
    return out


def mapped_libraries(pid):
    with open(f"/proc/{pid}/maps") as f:
        return {line.split()[-1].rsplit("/", 1)[-1] for line in f if "/" in line}


def run(binary, args, env, timeout=60):
    return subprocess.run([binary] + args, capture_output=True, text=True, env=env,
                          timeout=timeout)


def main():
    if len(sys.argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    binary = os.path.abspath(sys.argv[1])

    def not_linked():
        dyn = subprocess.run(["readelf", "-d", binary], capture_output=True, text=True,
                             check=True).stdout
        needed = [l for l in dyn.splitlines() if "(NEEDED)" in l]
        assert needed, "readelf shows no NEEDED entries at all:\n" + dyn
        bad = [l for l in needed if any(lib in l for lib in LAZY)]
        assert not bad, "linked directly again (src/server/lazy_libs.cc):\n" + "\n".join(bad)
        ldd = subprocess.run(["ldd", binary], capture_output=True, text=True, check=True).stdout
        bad = [l.strip() for l in ldd.splitlines() if any(lib in l for lib in LAZY + PULLED_IN)]
        assert not bad, "loaded with the program:\n" + "\n".join(bad)
    check("the binary links neither libpq nor libcurl", not_linked)

    with tempfile.TemporaryDirectory(prefix="gh-lazy-libs-") as tmp:
        broken = os.path.join(tmp, "broken-libs")
        os.mkdir(broken)
        for name in ("libpq.so.5", "libcurl.so.4"):
            open(os.path.join(broken, name), "wb").close()
        env_broken = clean_env(broken)

        def default_server_without_them():
            data = os.path.join(tmp, "default")
            port = free_port()
            with open(os.path.join(tmp, "default.err"), "w+") as err:
                proc = subprocess.Popen(
                    [binary, "serve", "--address", "127.0.0.1", "--port", str(port),
                     "--data", data, "--project-id", PROJECT,
                     "--web-dir", os.path.join(tmp, "no-web-app")],
                    stdout=subprocess.DEVNULL, stderr=err, env=env_broken)
                try:
                    deadline = time.monotonic() + 20
                    while True:
                        assert proc.poll() is None, f"exited with {proc.returncode}"
                        assert time.monotonic() < deadline, "not ready within 20 s"
                        try:
                            if request(port, "GET", "/healthz")[0] == 200:
                                break
                        except OSError:
                            time.sleep(0.05)
                    status, body = request(port, "POST", "/v1/auth/password/signup",
                                           {"loginId": "lazy@test.example", "password": PASSWORD})
                    assert status == 200, (status, body)
                    assert "sessionJwt" in json.loads(body), body
                    helpers = children(proc.pid)
                    assert len(helpers) == 2, f"expected two hashing helpers, found {helpers}"
                    for pid in [proc.pid] + helpers:
                        libs = mapped_libraries(pid)
                        bad = sorted(l for l in libs if l.startswith(LAZY + PULLED_IN))
                        assert not bad, f"process {pid} maps {bad}"
                finally:
                    proc.send_signal(signal.SIGTERM)
                    proc.wait(timeout=20)
                err.seek(0)
                assert proc.returncode == 0, f"exit {proc.returncode}: {err.read()[-2000:]}"
        check("default server runs without libpq and libcurl", default_server_without_them)

        def fails_clearly(args, library, label):
            def test():
                r = run(binary, args, env_broken)
                assert r.returncode == 1, (r.returncode, r.stderr[-2000:])
                assert library in r.stderr, r.stderr[-2000:]
                assert "file too short" in r.stderr, r.stderr[-2000:]  # dlerror()'s reason
                assert label in r.stderr, r.stderr[-2000:]
            return test

        def data(name):
            return os.path.join(tmp, name)  # made (private) by the command

        serve = ["serve", "--address", "127.0.0.1", "--port", "0", "--project-id", PROJECT]
        check("--database-url without libpq", fails_clearly(
            serve + ["--data", data("pg"), "--database-url", "postgres://127.0.0.1:1/none"],
            "libpq.so.5", "--database-url"))
        check("--smtp-host without libcurl", fails_clearly(
            serve + ["--data", data("smtp"), "--smtp-host", "127.0.0.1"],
            "libcurl.so.4", "--smtp-host"))
        check("--validator without libcurl", fails_clearly(
            serve + ["--validator", "--issuer-url", "http://127.0.0.1:1"],
            "libcurl.so.4", "--validator"))
        check("migrate sqlite-to-postgres without libpq", fails_clearly(
            ["migrate", "sqlite-to-postgres", "--data", data("migrate"),
             "--database-url", "postgres://127.0.0.1:1/none"],
            "libpq.so.5", "postgres"))

        def migrate_reaches_libpq():
            # The default server above made a database; nothing listens on port 1.
            r = run(binary, ["migrate", "sqlite-to-postgres", "--data",
                             os.path.join(tmp, "default"),
                             "--database-url", "postgres://127.0.0.1:1/none"], clean_env())
            assert r.returncode == 1, (r.returncode, r.stderr[-2000:])
            assert "libpq.so.5" not in r.stderr, r.stderr[-2000:]
            assert "127.0.0.1" in r.stderr and "port 1" in r.stderr, r.stderr[-2000:]
        check("migrate reaches libpq when it is installed", migrate_reaches_libpq)

    print(f"{results['passed']} passed, {results['failed']} failed")
    return 1 if results["failed"] else 0


if __name__ == "__main__":
    sys.exit(main())
