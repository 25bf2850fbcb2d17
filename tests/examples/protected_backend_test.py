#!/usr/bin/python3
"""Runs examples/protected_backend.cc against a real Gatehouse server.

usage: protected_backend_test.py <gatehouse-binary> <protected_backend-binary>

Signs a user up over HTTP, grants a role with the CLI, and checks that the
example backend (the README's C++ counterpart of the tutorial's Flask app)
answers /get_roles and /get_role_data for a valid session and refuses others.
Prints "N passed, N failed".
"""
import json
import os
import subprocess
import sys
import tempfile
import urllib.error
import urllib.request


def start(argv, marker):
    proc = subprocess.Popen(argv, stdout=subprocess.PIPE, text=True)
    for line in proc.stdout:
        if marker(line):
            return proc, line
    raise RuntimeError("process exited before it was ready: " + " ".join(argv))


def call(url, method="GET", headers=None, body=None):
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(url, data=data, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(req, timeout=10) as r:
            return r.status, json.loads(r.read())
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read())


def main():
    gatehouse, example = sys.argv[1], sys.argv[2]
    passed = failed = 0

    def check(name, cond):
        nonlocal passed, failed
        print(("ok   " if cond else "FAIL ") + name)
        passed, failed = passed + bool(cond), failed + (not cond)

    with tempfile.TemporaryDirectory() as data:
        server, line = start([gatehouse, "serve", "--port", "0", "--data", data],
                             lambda l: '"listening"' in l)
        info = json.loads(line)
        base, pid = f"http://127.0.0.1:{info['port']}", info["project_id"]
        backend = None
        try:
            auth = {"Authorization": f"Bearer {pid}", "Content-Type": "application/json"}
            status, signup = call(f"{base}/v1/auth/password/signup", "POST", auth,
                                  {"loginId": "ex@example.com", "password": "example-pass-1"})
            check("sign-up works", status == 200)
            subprocess.run([gatehouse, "user", "set-roles", "--data", data, "ex@example.com",
                            "teacher"], check=True, capture_output=True)
            status, signin = call(f"{base}/v1/auth/password/signin", "POST", auth,
                                  {"loginId": "ex@example.com", "password": "example-pass-1"})
            session = signin["sessionJwt"]

            backend, line = start([example, base, pid], lambda l: l.startswith("listening on"))
            url = f"http://127.0.0.1:{line.split()[-1]}"
            status, body = call(f"{url}/get_roles", headers={"Authorization": f"Bearer {session}"})
            check("get_roles with a session", status == 200 and body["roles"] == ["teacher"]
                  and body["secretMessage"] == "You are now a trained Descope user!")
            status, body = call(f"{url}/get_role_data",
                                headers={"Authorization": f"Bearer {session}"})
            check("get_role_data for a teacher",
                  status == 200 and body == {"valid_teacher": True, "valid_student": False})
            status, body = call(f"{url}/get_roles")
            check("no token is refused",
                  status == 401 and body == {"error": "❌ invalid session token!"})
            status, body = call(f"{url}/get_roles",
                                headers={"Authorization": f"Bearer {signin['refreshJwt']}"})
            check("a refresh token is not a session", status == 401)
            forged = session[:-4] + ("AAAA" if not session.endswith("AAAA") else "BBBB")
            status, body = call(f"{url}/get_roles", headers={"Authorization": f"Bearer {forged}"})
            check("a forged signature is refused", status == 401)
        finally:
            if backend:
                backend.kill()
                backend.wait()
            server.terminate()
            server.wait(timeout=10)

    print(f"{passed} passed, {failed} failed")
    return 0 if failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
