#!/usr/bin/python3
"""Two Gatehouse nodes on one PostgreSQL database behind HAProxy (issue 15, item 3).

usage: /usr/bin/python3 multinode_test.py PATH/TO/gatehouse URL_FILE

URL_FILE holds the URL of the throwaway PostgreSQL cluster (CTest fixture pg_cluster,
tests/store_contract/pg_cluster.sh). The test makes its own schema there, then starts:

- node A and node B: `gatehouse serve --database-url <cluster>?options=-csearch_path=<schema>`
  on free loopback ports, each with its OWN --data directory and one shared
  --key-encryption-key-file. Everything shared lives in PostgreSQL, the signing keys'
  private halves too (sealed under that key, issue 15 item 2): A starts first and creates
  the keys; B, whose data directory is empty, signs and verifies with them from the store.
- HAProxy (Debian's `haproxy`) on a free loopback port, config generated here: roundrobin
  over A and B, health check GET /readyz every 200 ms.

Then, over real HTTP, it checks: sign-up through the balancer; sign-in on A, refresh on B;
logout on B refused on A (refresh at once; the session JWT within the revocation poll,
measured); a role added on A (management API) in the next refresh on B; a key rotated
with `gatehouse key rotate --force` published and used by B (measured); a login rate limit
counted across both nodes; an OTP generated on A verified on B; and finally kill -9 of A
while a client thread signs users up through HAProxy: B keeps serving and every sign-up
answered 200 exists afterwards (management API user load through B).

Prints "ok"/"FAIL" per check and the measured figures; exits 1 on any failure.
"""

import base64
import json
import os
import selectors
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import traceback
import urllib.error
import urllib.parse
import urllib.request
import uuid

PASSWORD = "Correct-Horse-9-Battery"
WRONG = "Wrong-Password-123"
# Login attempts per login id: 4 run free, the 4th failure locks for 15 minutes.
LIMIT_LOGIN = "4/4/900"


def clean_env():
    return {k: v for k, v in os.environ.items() if not k.startswith("GATEHOUSE_")}


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def psql(url, sql):
    r = subprocess.run(["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", url, "-c", sql],
                       capture_output=True, text=True, timeout=30)
    assert r.returncode == 0, f"psql {sql!r}: {r.stderr}"
    return r.stdout


class Node:
    """One `gatehouse serve` child process."""

    def __init__(self, name, binary, data_dir, db_url, kek):
        self.name, self.binary, self.data_dir, self.db_url = name, binary, data_dir, db_url
        self.proc = subprocess.Popen(
            [binary, "serve", "--port", "0", "--address", "127.0.0.1", "--data", data_dir,
             "--database-url", db_url, "--database-pool", "6", "--key-encryption-key-file", kek,
             "--web-dir", os.path.join(data_dir, "no-web-app"), "--hash-in", "threads",
             "--limit-login", LIMIT_LOGIN, "--limit-signup", "100000/100000/60",
             "--limit-address", "100000/100000/60"],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=clean_env())
        self.output = b""
        listening = self._read_until_listening(20.0)
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
                    raise RuntimeError(f"node {self.name} exited: " + self.output.decode() +
                                       self.proc.stderr.read().decode())
                self.output += chunk
            for line in self.output.decode(errors="replace").splitlines():
                if '"msg":"listening"' in line:
                    sel.close()
                    return json.loads(line)
        self.proc.kill()
        raise RuntimeError(f"node {self.name}: no listening line within {timeout:.0f} s")

    def kill9(self):
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait()
        for t in self.drains:
            t.join()

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        for t in self.drains:
            t.join()


class Balancer:
    """HAProxy in the foreground with a generated config."""

    def __init__(self, directory, nodes):
        self.port = free_port()
        self.config = os.path.join(directory, "haproxy.cfg")
        servers = "\n".join(f"  server {n.name} 127.0.0.1:{n.port} check" for n in nodes)
        with open(self.config, "w") as f:
            f.write(f"""global
  maxconn 512
defaults
  mode http
  timeout connect 1s
  timeout client 30s
  timeout server 30s
  # A connection refused (a dead node) is tried again on the other node.
  retries 3
  option redispatch 1
  retry-on conn-failure empty-response
frontend gatehouse
  bind 127.0.0.1:{self.port}
  default_backend nodes
backend nodes
  balance roundrobin
  option httpchk GET /readyz
  default-server inter 200ms fall 2 rise 1
{servers}
""")
        self.proc = subprocess.Popen(["haproxy", "-f", self.config, "-db"],
                                     stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        self.base = f"http://127.0.0.1:{self.port}"
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError("haproxy exited: " + self.proc.stdout.read().decode())
            try:
                with urllib.request.urlopen(self.base + "/healthz", timeout=2) as r:
                    if r.status == 200:
                        return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("haproxy did not answer within 10 s")

    def stop(self):
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


def request(base, method, path, body=None, authorization=None, timeout=30):
    headers = {}
    if body is not None:
        headers["Content-Type"] = "application/json"
    if authorization:
        headers["Authorization"] = "Bearer " + authorization
    req = urllib.request.Request(base + path, method=method, headers=headers,
                                 data=None if body is None else json.dumps(body).encode())
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:
            return r.status, json.loads(r.read() or b"null")
    except urllib.error.HTTPError as e:
        raw = e.read()
        try:
            return e.code, json.loads(raw or b"null")
        except ValueError:
            return e.code, raw.decode(errors="replace")


def jwt_part(token, index):
    text = token.split(".")[index]
    return json.loads(base64.urlsafe_b64decode(text + "=" * (-len(text) % 4)))


def main():
    if len(sys.argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    binary, url_file = sys.argv[1], sys.argv[2]
    with open(url_file) as f:
        cluster = f.read().strip()
    schema = f"gh_multinode_{os.getpid()}"
    psql(cluster, f"CREATE SCHEMA {schema}")
    db_url = cluster + ("&" if "?" in cluster else "?") + "options=-csearch_path%3D" + schema

    results, figures = [], []

    def check(name, fn):
        started = time.monotonic()
        try:
            fn()
            results.append((name, None))
            print(f"ok   {name} ({time.monotonic() - started:.2f} s)", flush=True)
        except Exception as e:  # noqa: BLE001 - every failure is a test failure
            results.append((name, e))
            print("FAIL " + name + ": " + "".join(traceback.format_exception_only(type(e), e)).strip(),
                  flush=True)

    begun = time.monotonic()
    tmp = tempfile.mkdtemp(prefix="gh-multinode-")
    # One key-encryption key for both nodes (docs/postgres.md, "Several nodes").
    kek = os.path.join(tmp, "kek")
    with open(os.open(kek, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "w") as f:
        f.write(os.urandom(32).hex() + "\n")
    data = os.path.join(tmp, "data-a")
    nodes, lb = [], None
    try:
        a = Node("a", binary, data, db_url, kek)  # creates the signing keys in the store
        nodes.append(a)
        b = Node("b", binary, os.path.join(tmp, "data-b"), db_url, kek)
        nodes.append(b)
        for n in (a, b):
            files = os.listdir(os.path.join(n.data_dir, "keys"))
            assert files == [], (n.name, "no private key lies in a file", files)
        assert a.project_id == b.project_id, (a.project_id, b.project_id)
        pid = a.project_id
        lb = Balancer(tmp, nodes)

        def cli(*args):
            r = subprocess.run([binary, *args, "--data", data, "--database-url", db_url,
                                "--key-encryption-key-file", kek],
                               capture_output=True, text=True, env=clean_env(), timeout=30)
            assert r.returncode == 0, f"gatehouse {' '.join(args)}: exit {r.returncode}: {r.stderr}"
            return r.stdout

        mgmt = pid + ":" + cli("mgmt-key", "create", "--name", "multinode").strip().splitlines()[-1]

        def post(node, path, body, token=None):
            return request(node.base, "POST", path, body, pid + (":" + token if token else ""))

        def get_session(node, path, session):
            return request(node.base, "GET", path, None, session)

        def mgmt_post(node, path, body):
            return request(node.base, "POST", path, body, mgmt)

        def sign_up(node, email):
            return post(node, "/v1/auth/password/signup", {"loginId": email, "password": PASSWORD})

        def sign_in(node, email, password=PASSWORD):
            return post(node, "/v1/auth/password/signin", {"loginId": email, "password": password})

        state = {}

        def sign_up_through_the_balancer():
            email = f"mn-{uuid.uuid4().hex[:8]}@test.example"
            status, body = sign_up(lb, email)
            assert status == 200, (status, body)
            state.update(email=email, user_id=body["user"]["userId"])
            # Both nodes see the user (one database).
            for n in (a, b):
                s, u = request(n.base, "GET", "/v1/mgmt/user?loginId=" + urllib.parse.quote(email),
                               None, mgmt)
                assert s == 200 and u["user"]["userId"] == state["user_id"], (n.name, s, u)
        check("sign-up through HAProxy; the user is loaded on A and on B", sign_up_through_the_balancer)
        if "email" not in state:
            raise RuntimeError("cannot continue without a signed-up user")
        email = state["email"]

        def sign_in_on_a_refresh_on_b():
            status, body = sign_in(a, email)
            assert status == 200, (status, body)
            s, r = post(b, "/v1/auth/refresh", {}, body["refreshJwt"])
            assert s == 200, (s, r)
            assert jwt_part(r["sessionJwt"], 1)["sub"] == state["user_id"]
            assert r["refreshJwt"] != body["refreshJwt"], "B rotated the refresh token"
            s, r2 = post(a, "/v1/auth/refresh", {}, r["refreshJwt"])
            assert s == 200, ("A refreshes the token B issued", s, r2)
            state.update(refresh=r2["refreshJwt"], session=r2["sessionJwt"])
        check("sign-in on A, refresh on B (and B's token on A)", sign_in_on_a_refresh_on_b)

        def logout_on_b_refused_on_a():
            status, body = sign_in(a, email)
            assert status == 200, (status, body)
            refresh, session = body["refreshJwt"], body["sessionJwt"]
            s, r = get_session(a, "/get_roles", session)
            assert s == 200, ("A accepts the session before the logout", s, r)
            s, r = post(b, "/v1/auth/logout", {}, refresh)
            assert s == 200, (s, r)
            logged_out = time.monotonic()
            s, r = post(a, "/v1/auth/refresh", {}, refresh)
            assert s == 401, ("A refuses the logged-out refresh token at once", s, r)
            # The session JWT is checked without the database, against the revocations A
            # polls from the store (every second): it must be refused within that poll.
            while True:
                s, r = get_session(a, "/get_roles", session)
                waited = time.monotonic() - logged_out
                if s == 401:
                    break
                assert s == 200, (s, r)
                assert waited < 3.0, "A still accepts the session JWT 3 s after the logout on B"
                time.sleep(0.02)
            figures.append(f"logout on B -> session JWT refused on A after {waited * 1000:.0f} ms "
                           "(revocation poll: 1 s)")
        check("logout on B: refresh refused on A at once, session JWT within the poll",
              logout_on_b_refused_on_a)

        def role_change_on_a_seen_on_b():
            role = "mn-role-" + uuid.uuid4().hex[:6]
            s, r = mgmt_post(a, "/v1/mgmt/role/create", {"name": role, "description": "multinode"})
            assert s == 200, (s, r)
            s, r = mgmt_post(a, "/v1/mgmt/user/update/role/add", {"loginId": email, "roleNames": [role]})
            assert s == 200, (s, r)
            s, r = post(b, "/v1/auth/refresh", {}, state["refresh"])
            assert s == 200, (s, r)
            roles = jwt_part(r["sessionJwt"], 1).get("roles", [])
            assert role in roles, ("the next refresh on B carries the role", roles)
            state.update(refresh=r["refreshJwt"], session=r["sessionJwt"])
        check("a role added on A (mgmt API) is in the next refresh on B", role_change_on_a_seen_on_b)

        def key_rotated_on_a_used_by_b():
            old_kid = jwt_part(state["session"], 0)["kid"]
            # The CLI acts on the shared database, with A's data directory.
            cli("key", "rotate", "--force")
            rotated = time.monotonic()
            listing = cli("key", "list").strip().splitlines()[1:]
            state_of = {row.split("\t")[1]: row.split("\t")[0] for row in listing}
            assert state_of.get("current") not in (None, old_kid), listing
            assert state_of.get("previous") == old_kid, listing
            new_kid, new_next = state_of["current"], state_of["next"]
            old_session = state["session"]
            seen = {}
            while len(seen) < 2:
                for n in (a, b):
                    if n.name in seen:
                        continue
                    s, r = post(n, "/v1/auth/refresh", {}, state["refresh"])
                    assert s == 200, (n.name, s, r)
                    state.update(refresh=r["refreshJwt"], session=r["sessionJwt"])
                    s, keys = request(n.base, "GET", f"/v2/keys/{pid}")
                    published = {k["kid"] for k in keys["keys"]}
                    # Signs with the new current key and publishes the next one the CLI made.
                    if jwt_part(r["sessionJwt"], 0)["kid"] == new_kid and {new_kid, new_next,
                                                                           old_kid} <= published:
                        seen[n.name] = time.monotonic() - rotated
                        # The other node accepts the session JWT signed with the new key.
                        other = b if n is a else a
                        s, r = get_session(other, "/get_roles", r["sessionJwt"])
                        assert s == 200, (other.name, "accepts the new key's session", s, r)
                assert time.monotonic() - rotated < 5, ("not every node signs with the new key", seen)
                time.sleep(0.05)
            for n in (a, b):
                s, r = get_session(n, "/get_roles", old_session)
                assert s == 200, (n.name, "still accepts a session of the previous key", s, r)
            figures.append("key rotate -> new key published and signing on A after "
                           f"{seen['a'] * 1000:.0f} ms, on B after {seen['b'] * 1000:.0f} ms "
                           "(key poll: 1 s)")
        check("a key rotated with the CLI is published and used by A and B", key_rotated_on_a_used_by_b)

        def rate_limit_across_nodes():
            target = f"mn-guess-{uuid.uuid4().hex[:8]}@test.example"
            s, r = sign_up(lb, target)
            assert s == 200, (s, r)
            # 4 wrong passwords, alternately on A and B: the 4th locks the account (4/4/900),
            # which only happens when both nodes count in the same store.
            for i in range(4):
                s, r = sign_in(a if i % 2 == 0 else b, target, WRONG)
                assert s == 401, (i, s, r)
            for n in (a, b):
                s, r = sign_in(n, target)
                assert s == 429 and r["errorCode"] == "E130429", (
                    f"the right password on {n.name} after the lock", s, r)
        check("wrong passwords split over A and B lock the account on both", rate_limit_across_nodes)

        def otp_from_a_verified_on_b():
            target = f"mn-otp-{uuid.uuid4().hex[:8]}@test.example"
            s, r = mgmt_post(a, "/v1/mgmt/user/create/test", {"loginId": target, "email": target})
            assert s == 200, (s, r)
            s, r = mgmt_post(a, "/v1/mgmt/tests/generate/otp",
                             {"loginId": target, "deliveryMethod": "email"})
            assert s == 200, (s, r)
            code = r["code"]
            s, r = post(b, "/v1/auth/otp/verify/email", {"loginId": target, "code": code})
            assert s == 200, ("B verifies the code A made", s, r)
            assert r["user"]["loginIds"] == [target], r
            s, r = post(a, "/v1/auth/otp/verify/email", {"loginId": target, "code": code})
            assert s != 200, ("the code is spent on A too", s, r)
        check("an OTP made on A is verified on B, then spent on A", otp_from_a_verified_on_b)

        def kill_a_mid_traffic():
            acked, refused, stop = [], [], threading.Event()
            after_kill = []

            def client():
                while not stop.is_set():
                    who = f"mn-load-{uuid.uuid4().hex[:10]}@test.example"
                    try:
                        s, r = sign_up(lb, who)
                    except OSError as e:  # the balancer itself must not fail; record it
                        s, r = -1, str(e)
                    (acked if s == 200 else refused).append((who, s, r, time.monotonic()))

            signup_lines = b'"path":"/v1/auth/password/signup"'
            a_before_load = a.output.count(signup_lines)
            threads = [threading.Thread(target=client) for _ in range(2)]
            for t in threads:
                t.start()
            # Traffic for 1.5 s, and until A has logged a few sign-ups (10 s at most: on a
            # loaded machine each Argon2id hash takes longer).
            started = time.monotonic()
            while time.monotonic() - started < 10 and (
                    time.monotonic() - started < 1.5 or
                    a.output.count(signup_lines) - a_before_load < 3):
                time.sleep(0.05)
            before = len(acked)
            killed = time.monotonic()
            a.kill9()
            served_by_a = a.output.count(signup_lines) - a_before_load

            def late():
                return [x for x in list(acked) if x[3] > killed + 0.5]
            # 3 s more, and until 5 sign-ups have succeeded later than 0.5 s after the kill.
            while time.monotonic() - killed < 15 and (time.monotonic() - killed < 3 or
                                                      len(late()) < 5):
                time.sleep(0.05)
            stop.set()
            for t in threads:
                t.join()
            after_kill = late()
            assert before > 0, "no sign-up succeeded before the kill"
            assert served_by_a > 0, "HAProxy sent no sign-up to A before the kill"
            assert after_kill, "no sign-up succeeded through HAProxy after A was killed"
            s, r = request(b.base, "GET", "/readyz")
            assert s == 200, ("B is ready", s, r)
            missing = []
            for who, _s, _r, _t in acked:
                s, r = request(b.base, "GET", "/v1/mgmt/user?loginId=" + urllib.parse.quote(who),
                               None, mgmt)
                if s != 200:
                    missing.append((who, s))
            assert not missing, ("acknowledged sign-ups lost", missing)
            figures.append(f"kill -9 A mid-traffic: {len(acked)} sign-ups answered 200 "
                           f"({before} before the kill, {served_by_a} of them logged by A; "
                           f"{len(after_kill)} later than 0.5 s after the kill), "
                           f"{len(refused)} refused or failed "
                           f"({sorted({x[1] for x in refused})}), all {len(acked)} acknowledged users "
                           "present on B")
            # A refused sign-up may or may not have been stored (A can die after its commit,
            # before its answer): the client was told it failed, nothing more is promised.
            for who, s, r, t in refused:
                stored, _u = request(b.base, "GET",
                                     "/v1/mgmt/user?loginId=" + urllib.parse.quote(who), None, mgmt)
                print(f"     refused at kill{t - killed:+.2f} s: {s} {str(r)[:60]!r} "
                      f"(user {'stored' if stored == 200 else 'not stored'})")
        check("kill -9 A while signing up through HAProxy: B serves, no acknowledged sign-up lost",
              kill_a_mid_traffic)
    except Exception:  # noqa: BLE001 - setup failure
        results.append(("setup", sys.exc_info()[1]))
        traceback.print_exc()
    finally:
        if lb:
            lb.stop()
        for n in nodes:
            n.stop()
        for n in nodes:
            if any(x for _n, x in results) and n.errors:
                print(f"--- node {n.name} stderr (tail)\n" + n.errors.decode(errors="replace")[-2000:])
        subprocess.run(["rm", "-rf", tmp])
        try:
            psql(cluster, f"SET client_min_messages = warning; DROP SCHEMA {schema} CASCADE")
        except AssertionError as e:
            print(e)

    for f in figures:
        print("measured: " + f)
    failed = sum(1 for _n, e in results if e)
    print(f"{len(results) - failed} passed, {failed} failed in {time.monotonic() - begun:.1f} s")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
