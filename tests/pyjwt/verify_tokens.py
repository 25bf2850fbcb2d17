#!/usr/bin/python3
"""Third-party check of gatehouse tokens with PyJWT (what the Descope Python SDK uses).

usage: /usr/bin/python3 verify_tokens.py PATH/TO/gatehouse

Starts `gatehouse serve` on a free port with a temporary data directory, signs up
a user over HTTP, fetches the JWKS with jwt.PyJWKClient from /v2/keys/<projectId>
and verifies the session and refresh JWTs with jwt.decode(..., algorithms=["RS256"],
issuer=<projectId>, leeway=5); then keeps one PyJWKClient verifying fresh and older tokens
on another thread while `gatehouse key rotate --force` runs twice (zero failures). Prints
"N passed, N failed"; exits 1 on any failure.
Needs Debian's python3-jwt (>= 2.6) and python3-cryptography.
"""

import base64
import json
import os
import selectors
import signal
import subprocess
import sys
import tempfile
import threading
import time
import traceback
import urllib.error
import urllib.request
import uuid

try:
    import jwt
except ImportError:  # pragma: no cover - environment problem, not a test failure
    print("python3-jwt is missing: apt-get install python3-jwt python3-cryptography", file=sys.stderr)
    sys.exit(2)

PASSWORD = "Correct-Horse-9-Battery"


def clean_env():
    return {k: v for k, v in os.environ.items() if not k.startswith("GATEHOUSE_")}


class Server:
    def __init__(self, binary, data_dir):
        self.binary, self.data_dir = binary, data_dir
        env = clean_env()
        self.proc = subprocess.Popen(
            [binary, "serve", "--port", "0", "--address", "127.0.0.1", "--data", data_dir,
             "--web-dir", os.path.join(data_dir, "no-web-app")],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
        self.output = b""
        listening = self._read_until_listening(10.0)
        self.port = listening["port"]
        self.project_id = listening["project_id"]
        self.base = f"http://127.0.0.1:{self.port}"
        # The server logs every request: keep reading, or a full pipe stalls it.
        self.errors = b""
        self.drains = [threading.Thread(target=self._drain, args=("output", self.proc.stdout)),
                       threading.Thread(target=self._drain, args=("errors", self.proc.stderr))]
        for t in self.drains:
            t.start()

    def _drain(self, attr, pipe):
        while chunk := os.read(pipe.fileno(), 65536):
            setattr(self, attr, getattr(self, attr) + chunk)

    def _read_until_listening(self, timeout):
        sel = selectors.DefaultSelector()
        sel.register(self.proc.stdout, selectors.EVENT_READ)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for _key, _ in sel.select(timeout=0.1):
                chunk = os.read(self.proc.stdout.fileno(), 65536)
                if not chunk:
                    raise RuntimeError("server exited: " + self.output.decode() + self.proc.stderr.read().decode())
                self.output += chunk
            for line in self.output.decode(errors="replace").splitlines():
                if '"msg":"listening"' in line:
                    sel.close()
                    return json.loads(line)
        self.proc.kill()
        raise RuntimeError("no listening line within %.0f s: %s" % (timeout, self.output.decode()))

    def cli(self, *args):
        """Runs `gatehouse ARGS --data DIR` (another process, as an operator would)."""
        r = subprocess.run([self.binary, *args, "--data", self.data_dir], capture_output=True,
                           text=True, env=clean_env(), timeout=30)
        assert r.returncode == 0, f"gatehouse {' '.join(args)}: exit {r.returncode}: {r.stderr}"
        return r.stdout

    def key_states(self):
        rows = self.cli("key", "list").strip().splitlines()[1:]
        return {row.split("\t")[0]: row.split("\t")[1] for row in rows}

    def stop(self):
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        for t in self.drains:
            t.join()
        return self.proc.returncode if self.proc.returncode >= 0 else -1


def post(base, path, body, authorization):
    req = urllib.request.Request(
        base + path, data=json.dumps(body).encode(), method="POST",
        headers={"Content-Type": "application/json", "Authorization": "Bearer " + authorization})
    try:
        with urllib.request.urlopen(req, timeout=30) as r:
            return r.status, json.load(r)
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read() or b"null")


def b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def b64url_decode(text):
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def jwks_client(url):
    # PyJWT >= 2.7 takes request headers (some servers refuse urllib's default
    # User-Agent); 2.6 does not. Gatehouse accepts either.
    try:
        return jwt.PyJWKClient(url, headers={"User-Agent": "gatehouse-pyjwt-test"})
    except TypeError:
        return jwt.PyJWKClient(url)


def main():
    if len(sys.argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    binary = sys.argv[1]
    results = []

    def check(name, fn):
        try:
            fn()
            results.append((name, None))
            print("ok   " + name)
        except Exception as e:  # noqa: BLE001 - every failure is a test failure
            results.append((name, e))
            print("FAIL " + name + ": " + "".join(traceback.format_exception_only(type(e), e)).strip())

    with tempfile.TemporaryDirectory(prefix="gh-pyjwt-") as tmp:
        server = Server(binary, os.path.join(tmp, "data"))
        pid, base = server.project_id, server.base
        state = {}
        try:
            def sign_up():
                email = f"pyjwt-{uuid.uuid4().hex[:8]}@test.example"
                status, body = post(base, "/v1/auth/password/signup",
                                    {"loginId": email, "password": PASSWORD, "user": {"name": "Py Jwt"}}, pid)
                assert status == 200, (status, body)
                state.update(email=email, session=body["sessionJwt"], refresh=body["refreshJwt"],
                             user_id=body["user"]["userId"])
            check("sign-up over HTTP", sign_up)
            if "session" not in state:
                raise RuntimeError("cannot continue without a signed-up user")

            client = jwks_client(f"{base}/v2/keys/{pid}")

            def jwks():
                assert client.get_signing_keys(), "no signing keys"
                for k in client.fetch_data()["keys"]:
                    for field in ("kid", "kty", "alg", "use"):
                        assert k.get(field), f"key without {field}: {k}"
                    assert k["alg"] == "RS256" and k["use"] == "sig", k
                    assert "d" not in k, "private key published"
                header = jwt.get_unverified_header(state["session"])
                key = client.get_signing_key_from_jwt(state["session"])
                assert key.key_id == header["kid"], (key.key_id, header)
                state["key"] = key.key
            check("PyJWKClient finds the signing key by kid", jwks)
            key = state.get("key")

            def decode(token):
                return jwt.decode(token, key, algorithms=["RS256"], issuer=pid, leeway=5,
                                  options={"require": ["exp", "iat", "iss", "sub"]})

            def session_token():
                claims = decode(state["session"])
                assert claims["drn"] == "DS", claims
                assert claims["sub"] == state["user_id"], claims
                assert claims["iss"] == pid, claims
                assert "aud" not in claims, claims
                assert claims["exp"] - claims["iat"] == 600, claims
                assert isinstance(claims.get("roles"), list), claims
                assert isinstance(claims.get("permissions"), list), claims
                assert isinstance(claims.get("tenants"), dict), claims
                assert claims.get("amr") == ["pwd"], claims
            check("session JWT verifies (RS256, issuer, drn DS)", session_token)

            def refresh_token():
                claims = decode(state["refresh"])
                assert claims["drn"] == "DSR", claims
                assert claims["sub"] == state["user_id"], claims
                assert claims.get("jti"), claims
            check("refresh JWT verifies (drn DSR)", refresh_token)

            def refreshed_tokens():
                status, body = post(base, "/v1/auth/refresh", {}, pid + ":" + state["refresh"])
                assert status == 200, (status, body)
                assert decode(body["sessionJwt"])["drn"] == "DS"
                assert decode(body["refreshJwt"])["drn"] == "DSR"
                status, body = post(base, "/v1/auth/password/signin",
                                    {"loginId": state["email"], "password": PASSWORD}, pid)
                assert status == 200, (status, body)
                assert decode(body["sessionJwt"])["sub"] == state["user_id"]
            check("refreshed and signed-in tokens verify", refreshed_tokens)

            def tampered_payload():
                h, p, s = state["session"].split(".")
                claims = json.loads(b64url_decode(p))
                claims["roles"] = ["teacher"]
                forged = ".".join([h, b64url(json.dumps(claims).encode()), s])
                try:
                    decode(forged)
                except jwt.InvalidSignatureError:
                    return
                raise AssertionError("a token with changed claims verified")
            check("changed claims fail (InvalidSignatureError)", tampered_payload)

            def tampered_signature():
                h, p, s = state["session"].split(".")
                sig = bytearray(b64url_decode(s))
                sig[10] ^= 0x01
                try:
                    decode(".".join([h, p, b64url(bytes(sig))]))
                except jwt.InvalidSignatureError:
                    return
                raise AssertionError("a token with a changed signature verified")
            check("changed signature fails", tampered_signature)

            def alg_none():
                h, p, _s = state["session"].split(".")
                header = json.loads(b64url_decode(h))
                header["alg"] = "none"
                forged = ".".join([b64url(json.dumps(header).encode()), p, ""])
                try:
                    decode(forged)
                except jwt.InvalidTokenError:
                    return
                raise AssertionError("an unsigned token verified")
            check("alg none is refused", alg_none)

            def wrong_issuer():
                try:
                    jwt.decode(state["session"], key, algorithms=["RS256"], issuer="P" + "0" * 27, leeway=5)
                except jwt.InvalidIssuerError:
                    return
                raise AssertionError("token verified for another project")
            check("another project's issuer is refused", wrong_issuer)

            def rotation_mid_traffic():
                # One PyJWKClient, as an app backend keeps it, verifying on a thread of its
                # own while the keys rotate underneath it. It learns a key either from a
                # fetch made after the key was published or by re-fetching on an unknown kid.
                rotating = jwks_client(f"{base}/v2/keys/{pid}")

                def verify(token):
                    key = rotating.get_signing_key_from_jwt(token).key
                    return jwt.decode(token, key, algorithms=["RS256"], issuer=pid, leeway=5)

                status, body = post(base, "/v1/auth/password/signin",
                                    {"loginId": state["email"], "password": PASSWORD}, pid)
                assert status == 200, (status, body)
                first, refresh = body["sessionJwt"], body["refreshJwt"]
                verify(first)
                seen, failures, stop = set(), [], threading.Event()
                rounds = [0]

                def traffic():
                    nonlocal refresh
                    while not stop.is_set() and len(failures) < 10:
                        try:
                            status, body = post(base, "/v1/auth/refresh", {}, pid + ":" + refresh)
                            assert status == 200, (status, body)
                            refresh = body["refreshJwt"]
                            verify(body["sessionJwt"])
                            verify(refresh)
                            verify(first)  # signed before any rotation
                            seen.add(jwt.get_unverified_header(body["sessionJwt"])["kid"])
                            rounds[0] += 1
                        except Exception as e:  # noqa: BLE001 - counted, reported below
                            failures.append(repr(e))

                def wait_for(done, what):
                    deadline = time.monotonic() + 30
                    while time.monotonic() < deadline and not failures:
                        if done():
                            return
                        time.sleep(0.05)
                    assert not failures, failures
                    raise AssertionError("never happened: " + what + " (rounds %d, kids seen %s)" % (rounds[0], seen))

                states = server.key_states()
                k1 = next(k for k, v in states.items() if v == "current")
                thread = threading.Thread(target=traffic)
                thread.start()
                try:
                    wait_for(lambda: rounds[0] >= 3, "traffic before the rotation")
                    for _ in range(2):
                        upcoming = next(k for k, v in server.key_states().items() if v == "next")
                        server.cli("key", "rotate", "--force")
                        wait_for(lambda: upcoming in seen, "tokens signed by " + upcoming)
                        target = rounds[0] + 3
                        wait_for(lambda: rounds[0] >= target, "traffic after the rotation")
                finally:
                    stop.set()
                    thread.join()
                assert not failures, failures
                assert k1 in seen and len(seen) == 3, seen
            check("PyJWKClient keeps verifying across two rotations made mid-traffic", rotation_mid_traffic)
        finally:
            rc = server.stop()

        def clean_stop():
            assert rc == 0, f"exit status {rc}"
        check("server exits 0 on SIGTERM", clean_stop)

        def no_secrets_in_logs():
            logs = (server.output + server.errors).decode(errors="replace")
            for secret in (PASSWORD, state.get("session"), state.get("refresh")):
                if secret:
                    assert secret not in logs, "secret found in server output"
        check("server output holds no password or token", no_secrets_in_logs)

    failed = sum(1 for _n, e in results if e is not None)
    print(f"{len(results) - failed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
