#!/usr/bin/python3
"""Gatehouse benchmark harness (started by bench/run.sh; see bench/README.md).

Starts everything it measures on 127.0.0.1 -- gatehouse, the tutorial's Flask backend
under gunicorn, nginx serving the same JSON body -- drives them with wrk, stops them all
again, and writes RESULTS.md, results.json and throughput.svg.

Peers run in the same run, interleaved per connection count, so the ratios survive a noisy
machine. Every loop here is bounded by a deadline or a count, every child process is
stopped on exit (normal end, exception, SIGINT/SIGTERM), and nothing listens beyond
loopback.

Only the standard library and Debian's packages (wrk, nginx-light, gunicorn, python3-flask,
python3-jwt, gnuplot-nox): run it with /usr/bin/python3.
"""

import argparse
import base64
import concurrent.futures
import datetime
import http.client
import json
import os
import random
import re
import secrets
import shutil
import signal
import socket
import statistics
import string
import subprocess
import sys
import tempfile
import threading
import time

import report  # bench/report.py, next to this file

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
LUA = os.path.join(HERE, "lua")
HOST = "127.0.0.1"

# The body /get_roles answers for a teacher; nginx serves exactly these bytes.
ROLES_BODY = '{"secretMessage":"You are now a trained Descope user!","roles":["teacher"]}'


def log(msg):
    print(f"[bench {time.strftime('%H:%M:%S')}] {msg}", flush=True)


class BenchError(Exception):
    pass


# ---------------------------------------------------------------------------------------
# Processes: everything started goes through here and is stopped by stop_all().


class Procs:
    def __init__(self):
        self.live = []  # (name, Popen, own process group)
        self.cleanups = []  # (name, callable): undone after the processes, latest first
        self.lock = threading.Lock()

    def defer(self, name, fn):
        """Runs fn in stop_all, after every process is stopped: what a helper script
        started and stops itself (the PostgreSQL cluster)."""
        with self.lock:
            self.cleanups.append((name, fn))

    def start(self, name, cmd, group=False, **kw):
        p = subprocess.Popen(cmd, start_new_session=group, **kw)
        with self.lock:
            self.live.append((name, p, group))
        return p

    def stop(self, p, sig=signal.SIGTERM, wait_s=10.0):
        with self.lock:
            entry = next((e for e in self.live if e[1] is p), None)
        if entry is None:
            return
        name, p, group = entry
        if p.poll() is None:
            try:
                # A group is only ever one we created (start_new_session), addressed by id.
                if group:
                    os.killpg(p.pid, sig)
                else:
                    p.send_signal(sig)
            except ProcessLookupError:
                pass
            try:
                p.wait(timeout=wait_s)
            except subprocess.TimeoutExpired:
                try:
                    if group:
                        os.killpg(p.pid, signal.SIGKILL)
                    else:
                        p.kill()
                except ProcessLookupError:
                    pass
                p.wait(timeout=5)
        with self.lock:
            self.live = [e for e in self.live if e[1] is not p]

    def stop_all(self):
        with self.lock:
            procs = [e[1] for e in reversed(self.live)]
        for p in procs:
            self.stop(p)
        while True:
            with self.lock:
                if not self.cleanups:
                    break
                name, fn = self.cleanups.pop()
            try:
                fn()
            except Exception as e:  # noqa: BLE001 -- the others must still run
                log(f"cleanup of {name} failed: {e}")


PROCS = Procs()


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def http_request(port, method, path, headers=None, body=None, timeout=10.0):
    conn = http.client.HTTPConnection(HOST, port, timeout=timeout)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        resp = conn.getresponse()
        return resp.status, resp.read()
    finally:
        conn.close()


def db_leases(port):
    """The node's gatehouse_db_pool_leases_total (GET /metrics): leases of its database
    pool's connections so far, one per store call or transaction."""
    status, body = http_request(port, "GET", "/metrics")
    check(status == 200, f"/metrics answered {status}")
    m = re.search(rb"^gatehouse_db_pool_leases_total (\S+)$", body, re.M)
    check(m is not None, "/metrics has no gatehouse_db_pool_leases_total")
    return float(m.group(1))


def wait_ready(port, path, proc, deadline_s, poll_s=0.001):
    """Polls until GET path answers 200. Returns seconds waited; raises on timeout."""
    start = time.monotonic()
    while time.monotonic() - start < deadline_s:
        if proc is not None and proc.poll() is not None:
            raise BenchError(f"process exited with {proc.returncode} before it was ready")
        try:
            status, _ = http_request(port, "GET", path, timeout=1.0)
            if status == 200:
                return time.monotonic() - start
        except OSError:
            pass
        time.sleep(poll_s)
    raise BenchError(f"127.0.0.1:{port}{path} not ready after {deadline_s} s")


def proc_kib(path, field):
    try:
        with open(path) as f:
            for line in f:
                if line.startswith(field + ":"):
                    return int(line.split()[1])
    except OSError:
        pass
    return None


def stat_fields(pid):
    """Fields of /proc/<pid>/stat after "(comm)" (state, parent pid, …; utime and stime
    are [11] and [12]), or None once the process is gone."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return None


def children(pid):
    """Child processes of pid: the server's password hashing helpers."""
    return [int(e) for e in os.listdir("/proc")
            if e.isdigit() and (stat_fields(e) or [None, None])[1] == str(pid)]


def rss_kib(pid, field="VmRSS"):
    """Memory of the server: its own VmRSS plus what its hashing helpers hold alone
    (Private_Clean + Private_Dirty; the library pages they share with the server are in
    its RSS already). With field="VmHWM": the peaks, helpers' whole peaks added."""
    own = proc_kib(f"/proc/{pid}/status", field)
    if own is None:
        return None
    for c in children(pid):
        if field == "VmRSS":
            own += sum(proc_kib(f"/proc/{c}/smaps_rollup", k) or 0
                       for k in ("Private_Clean", "Private_Dirty"))
        else:
            own += proc_kib(f"/proc/{c}/status", field) or 0
    return own


def cpu_seconds(pid):
    """CPU time of a process and its children (the server's hashing helpers), or None
    once it is gone."""
    own = stat_fields(pid)
    if own is None:
        return None
    fields = [own] + [f for f in map(stat_fields, children(pid)) if f]
    return sum(int(f[11]) + int(f[12]) for f in fields) / os.sysconf("SC_CLK_TCK")


def wait_idle(pid, limit=60.0):
    """Waits until a server and its hashing helpers use under a tenth of a core for
    0.3 s (at most `limit` s): wrk stops with requests still queued in the server, and a
    sign-in server goes on hashing them for up to a couple of seconds after wrk has
    gone."""
    end, quiet, last = time.monotonic() + limit, 0, cpu_seconds(pid)
    while time.monotonic() < end and last is not None and quiet < 3:
        time.sleep(0.1)
        now = cpu_seconds(pid)
        quiet = quiet + 1 if now is not None and now - last < 0.01 else 0
        last = now


class RssSampler:
    """Max rss_kib of the server while a block runs (sampled every 50 ms)."""

    def __init__(self, pid):
        self.pid, self.max_kib, self._stop = pid, 0, threading.Event()

    def __enter__(self):
        self._t = threading.Thread(target=self._run, daemon=True)
        self._t.start()
        return self

    def _run(self):
        while not self._stop.is_set():
            v = rss_kib(self.pid)
            if v:
                self.max_kib = max(self.max_kib, v)
            self._stop.wait(0.05)

    def __exit__(self, *exc):
        self._stop.set()
        self._t.join(timeout=2)


def machine_jiffies():
    """(busy, all) clock ticks of every core since boot (/proc/stat, guest time being
    inside user time already)."""
    with open("/proc/stat") as f:
        v = [int(x) for x in f.readline().split()[1:9]]
    return sum(v) - v[3] - v[4], sum(v)  # idle and iowait are not busy


class CpuSplit:
    """Cores each process used while a block ran: `pids` maps a name to a pid, counted
    with its children (cpu_seconds: a server's hashing helpers, PostgreSQL's backends);
    "wrk" is what the harness's own finished children used meanwhile (getrusage; wrk, when
    nothing else runs beside it), "machine" the busy cores of the whole machine
    (/proc/stat) and "other" the rest of it: the harness, and anything else on the
    machine."""

    def __init__(self, pids):
        self.pids, self.cores = pids, {}

    @staticmethod
    def _children_s():
        import resource
        r = resource.getrusage(resource.RUSAGE_CHILDREN)
        return r.ru_utime + r.ru_stime

    def __enter__(self):
        self.t0, self.m0, self.c0 = time.monotonic(), machine_jiffies(), self._children_s()
        self.p0 = {n: cpu_seconds(p) for n, p in self.pids.items()}
        return self

    def __exit__(self, *exc):
        wall = time.monotonic() - self.t0
        p1 = {n: cpu_seconds(p) for n, p in self.pids.items()}
        m1, c1 = machine_jiffies(), self._children_s()
        if not wall:
            return
        for n in self.pids:
            if self.p0[n] is not None and p1[n] is not None:
                self.cores[n] = (p1[n] - self.p0[n]) / wall
        self.cores["wrk"] = (c1 - self.c0) / wall
        busy, total = m1[0] - self.m0[0], m1[1] - self.m0[1]
        ncpu = os.cpu_count() or 1
        self.cores["machine"] = ncpu * busy / total if total else 0.0
        self.cores["other"] = max(0.0, self.cores["machine"] - sum(
            v for k, v in self.cores.items() if k != "machine"))


class IdleConnections:
    """n keep-alive HTTP/1.1 connections to port, each having had one answered request
    (GET /healthz), then left idle while the block runs. Afterwards `closed` counts those
    the server closed meanwhile and `failed` those that never got their answer."""

    def __init__(self, port, n, batch=500):
        self.port, self.n, self.batch = port, n, batch
        self.socks, self.failed, self.closed = [], 0, 0

    def __enter__(self):
        import resource
        soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
        want = self.n + 1024
        if soft < want:
            if hard != resource.RLIM_INFINITY and hard < want:
                raise BenchError(f"{self.n} idle connections need {want} descriptors; the hard "
                                 f"limit is {hard} (ulimit -Hn)")
            resource.setrlimit(resource.RLIMIT_NOFILE, (want, hard))
        request = b"GET /healthz HTTP/1.1\r\nHost: bench\r\n\r\n"
        for start in range(0, self.n, self.batch):
            batch = []
            for _ in range(min(self.batch, self.n - start)):
                s = socket.create_connection((HOST, self.port), timeout=30)
                s.sendall(request)
                batch.append(s)
            for s in batch:  # each answer read whole, so the connection is idle after
                try:
                    head = b""
                    while b"\r\n\r\n" not in head:
                        chunk = s.recv(4096)
                        if not chunk:
                            raise OSError("closed")
                        head += chunk
                    length = int(re.search(rb"(?i)content-length:\s*(\d+)", head).group(1))
                    body = head.split(b"\r\n\r\n", 1)[1]
                    while len(body) < length:
                        chunk = s.recv(4096)
                        if not chunk:
                            raise OSError("closed")
                        body += chunk
                    if not head.startswith(b"HTTP/1.1 200"):
                        raise OSError(head[:40])
                    self.socks.append(s)
                except (OSError, AttributeError):
                    self.failed += 1
                    s.close()
        return self

    def __exit__(self, *exc):
        import select
        poller = select.poll()
        by_fd = {s.fileno(): s for s in self.socks}
        for fd in by_fd:
            poller.register(fd, select.POLLIN)
        for fd, _ in poller.poll(0):  # readable while idle: EOF or a reset
            try:
                if by_fd[fd].recv(1, socket.MSG_DONTWAIT) == b"":
                    self.closed += 1
            except OSError:
                self.closed += 1
        for s in self.socks:
            s.close()


# ---------------------------------------------------------------------------------------
# Servers


class Gatehouse:
    def __init__(self, binary, workdir, args, name="gatehouse"):
        self.binary, self.args, self.name = binary, args, name
        self.data = os.path.join(workdir, "gh-data")
        self.errlog = os.path.join(workdir, f"{name}.stderr")
        self.project_id = "P" + "".join(
            secrets.choice(string.ascii_letters + string.digits) for _ in range(27))
        self.password = "Bench-" + secrets.token_urlsafe(12)
        self.login_id = "teacher@bench.local"
        self.users_lock = threading.Lock()  # test users and passkeys, made once
        self.env = dict(os.environ)
        self.env["GATEHOUSE_ARGON2_MEMORY_KIB"] = str(args.argon2_memory_kib)
        self.env["GATEHOUSE_ARGON2_ITERATIONS"] = str(args.argon2_iterations)
        if args.database_url:
            # Every gatehouse of the run (server and CLI) on this PostgreSQL database.
            self.env["GATEHOUSE_DATABASE_URL"] = args.database_url
        self.proc, self.port = None, None
        self.bodies = None
        self.trusts_proxies = False
        self.caps_connections = False

    def cli(self, *words, stdin=None):
        cmd = [self.binary, *words, "--data", self.data, "--project-id", self.project_id]
        r = subprocess.run(cmd, input=stdin, capture_output=True, text=True, env=self.env,
                           timeout=60)
        if r.returncode != 0:
            raise BenchError(f"{' '.join(cmd[:3])} failed: {r.stderr.strip()}")
        return r.stdout

    def create_users(self):
        self.cli("user", "add", "--email", self.login_id, "--password-stdin", "--roles",
                 "teacher", stdin=self.password + "\n")

    def sign_up_accounts(self, n, workdir):
        """Signs up n accounts over the API and writes their sign-in bodies to a file, one
        JSON a line: sign-in scenarios spread over them (bench/lua/post_json.lua)."""
        with concurrent.futures.ThreadPoolExecutor(max_workers=4) as ex:
            bodies = list(ex.map(lambda i: self.sign_up(f"signer{i}@bench.local"), range(n)))
        self.bodies = os.path.join(workdir, f"{self.name}-signin-bodies.txt")
        with open(self.bodies, "w") as f:
            f.write("\n".join(bodies) + "\n")

    def sign_up(self, login_id):
        """Signs up one account with the bench password; returns its sign-in body."""
        body = {"loginId": login_id, "password": self.password}
        status, answer = http_request(
            self.port, "POST", "/v1/auth/password/signup",
            headers={"Authorization": f"Bearer {self.project_id}",
                     "Content-Type": "application/json"},
            body=json.dumps(dict(body, user={"name": login_id.split("@")[0]})), timeout=60)
        if status != 200:
            raise BenchError(f"sign-up of {login_id} answered {status}: {answer[:200]!r}")
        return json.dumps(body)

    def mgmt_auth(self):
        """`Bearer <project>:<key>` for a management key made once through the CLI."""
        if not getattr(self, "_mgmt_auth", None):
            key = self.cli("mgmt-key", "create", "--name", "bench").strip().split()[-1]
            self._mgmt_auth = f"Bearer {self.project_id}:{key}"
        return self._mgmt_auth

    def post_many(self, path, bodies, parallel=4, auth=None):
        """POSTs every body (JSON-able) with `auth` (default: the management key) over
        `parallel` keep-alive connections; returns the parsed answers in order. Any non-200
        fails the run."""
        auth = auth or self.mgmt_auth()
        chunks = [bodies[i::parallel] for i in range(parallel)]

        def send(chunk):
            conn = http.client.HTTPConnection(HOST, self.port, timeout=60)
            out = []
            try:
                for b in chunk:
                    conn.request("POST", path, body=json.dumps(b),
                                 headers={"Authorization": auth,
                                          "Content-Type": "application/json"})
                    r = conn.getresponse()
                    data = r.read()
                    if r.status != 200:
                        raise BenchError(f"{path} answered {r.status}: {data[:200]!r}")
                    out.append(json.loads(data))
            finally:
                conn.close()
            return out

        with concurrent.futures.ThreadPoolExecutor(max_workers=parallel) as ex:
            answers = list(ex.map(send, chunks))
        # Back into the order of `bodies`.
        merged = [None] * len(bodies)
        for i, chunk in enumerate(answers):
            merged[i::parallel] = chunk
        return merged

    def create_test_users(self, n):
        """n test users (Descope's test-user helpers mint their codes and links without
        mail, /v1/mgmt/tests/generate/…): the one-time scenarios spend one code each. Their
        email is verified, as it is from a user's second code sign-in on (the first one
        verifies it, one more write). The smoke runs scenarios side by side: one at a time
        here, or two would create the same users."""
        with self.users_lock:
            have = getattr(self, "test_users", [])
            new = [f"otp{i}@bench.local" for i in range(len(have), n)]
            self.post_many("/v1/mgmt/user/create/test",
                           [{"loginId": u, "email": u, "verifiedEmail": True} for u in new])
            self.test_users = have + new
            return self.test_users[:n]

    def one_time_bodies(self, kind, n, path):
        """Mints one fresh code (kind "otp") or magic link ("magiclink") for each of n test
        users and writes the verify bodies to `path`, one JSON a line."""
        users = self.create_test_users(n)
        if kind == "otp":
            answers = self.post_many("/v1/mgmt/tests/generate/otp",
                                     [{"loginId": u, "deliveryMethod": "email"} for u in users])
            bodies = [{"loginId": u, "code": a["code"]} for u, a in zip(users, answers)]
        else:
            uri = f"http://localhost:{self.port}/verify"  # under the base URL
            answers = self.post_many("/v1/mgmt/tests/generate/magiclink",
                                     [{"loginId": u, "deliveryMethod": "email", "URI": uri}
                                      for u in users])
            bodies = [{"token": re.search(r"[?&]t=([^&#]+)", a["link"]).group(1)}
                      for a in answers]
        with open(path, "w") as f:
            f.write("\n".join(json.dumps(b) for b in bodies) + "\n")

    def passkey_ceremonies(self, n, path):
        """n WebAuthn sign-in ceremonies, each started (`signin/start`) and answered by a
        software passkey (bench/softkey.py) now, their `signin/finish` bodies written to
        `path`, one JSON a line; a challenge lives 300 s, more than a run needs. The passkeys
        belong to 8 accounts registered once; their sign counter stays 0, as many platform
        passkeys report, so finishes may arrive in any order."""
        import softkey  # bench/softkey.py; needs python3-cryptography
        origin = f"http://localhost:{self.port}"
        project = f"Bearer {self.project_id}"
        with self.users_lock:  # registered once, as create_test_users
            self._register_passkeys(softkey, origin, project)
        picks = [self.passkeys[i % len(self.passkeys)] for i in range(n)]
        starts = self.post_many("/v1/auth/webauthn/signin/start",
                                [{"loginId": login, "origin": origin} for login, _ in picks],
                                auth=project)
        with open(path, "w") as f:
            for (_, key), st in zip(picks, starts):
                f.write(json.dumps({"transactionId": st["transactionId"],
                                    "response": key.get(st["options"])}) + "\n")

    def _register_passkeys(self, softkey, origin, project):
        if not getattr(self, "passkeys", None):
            self.passkeys = []
            for i in range(8):
                login = f"passkey{i}@bench.local"
                key = softkey.SoftKey("localhost", origin)
                start = self.post_many("/v1/auth/webauthn/signup/start",
                                       [{"user": {"loginId": login, "name": f"Passkey {i}"},
                                         "origin": origin}], parallel=1, auth=project)[0]
                self.post_many("/v1/auth/webauthn/signup/finish",
                               [{"transactionId": start["transactionId"],
                                 "response": key.create(start["options"])}],
                               parallel=1, auth=project)
                self.passkeys.append((login, key))

    def supports(self, flag):
        r = subprocess.run([self.binary, "serve", "--help"], capture_output=True, text=True,
                           env=self.env, timeout=30)
        return flag in r.stdout + r.stderr

    def serve_cmd(self, data, port):
        a = self.args
        return [self.binary, "serve", "--address", HOST, "--port", str(port), "--data", data,
                "--project-id", self.project_id, "--web-dir", os.path.join(data, "no-web"),
                "--session-ttl", "3600", "--refresh-grace", "300",
                "--io-threads", str(a.io_threads), "--workers", str(a.workers),
                "--hash-concurrency", str(a.hash_concurrency)] + (
                    # Only when asked: a --baseline binary may predate the flag.
                    ["--hash-in", a.hash_in] if a.hash_in != "processes" else []) + (
                    # A smoke checks the plumbing: hashing at normal priority, so a busy
                    # machine cannot starve every sign-in out of its short window.
                    ["--worker-nice", "0"] if a.smoke else []) + (
                    # The flood scenario's attacker sends X-Forwarded-For, as a client
                    # behind a proxy on this host would.
                    ["--trusted-proxies", HOST] if self.trusts_proxies else []) + (
                    # Every client here is 127.0.0.1: lift the per-address cap (256 by default)
                    # above what the scenarios open at once.
                    ["--max-connections", "16384", "--max-connections-per-ip", "16384"]
                    if self.caps_connections else [])

    def start(self, data=None):
        """Starts serve; returns seconds from process start to the first 200 of /healthz."""
        port = free_port()
        # One JSON line per request goes to stdout: /dev/null keeps disk I/O out of the
        # figures (the formatting and the write(2) still happen).
        with open(self.errlog, "ab") as err, open(os.devnull, "wb") as out:
            t0 = time.monotonic()
            proc = PROCS.start(self.name, self.serve_cmd(data or self.data, port),
                               stdout=out, stderr=err, env=self.env)
            try:
                wait_ready(port, "/healthz", proc, 20.0)
            except BenchError as e:
                PROCS.stop(proc)
                with open(self.errlog, errors="replace") as f:
                    tail = f.read()[-500:].strip()
                raise BenchError(f"{self.name} ({self.binary}): {e}: {tail}") from e
            ready = time.monotonic() - t0
        if data is None:
            self.proc, self.port = proc, port
        else:
            PROCS.stop(proc)
        return ready

    def stop(self):
        if self.proc:
            PROCS.stop(self.proc)
            self.proc = None

    def signin(self, port=None):
        status, body = http_request(
            port or self.port, "POST", "/v1/auth/password/signin",
            headers={"Authorization": f"Bearer {self.project_id}",
                     "Content-Type": "application/json"},
            body=json.dumps({"loginId": self.login_id, "password": self.password}),
            timeout=60)
        if status != 200:
            raise BenchError(f"sign-in answered {status}: {body[:200]!r}")
        d = json.loads(body)
        return d["sessionJwt"], d["refreshJwt"]

    def signins(self, n, parallel=4):
        with concurrent.futures.ThreadPoolExecutor(max_workers=parallel) as ex:
            return list(ex.map(lambda _: self.signin(), range(n)))


class Validator:
    """gatehouse serve --validator: the tutorial API with no database, checking sessions
    against the keys the measured gatehouse publishes (docs/operations.md)."""

    def __init__(self, gh, workdir, args):
        self.gh, self.args = gh, args
        self.errlog = os.path.join(workdir, "validator.stderr")
        self.proc, self.port = None, None

    def start(self):
        a = self.args
        port = free_port()
        cmd = [self.gh.binary, "serve", "--validator",
               "--issuer-url", f"http://{HOST}:{self.gh.port}",
               "--project-id", self.gh.project_id, "--address", HOST, "--port", str(port),
               "--web-dir", os.path.join(self.gh.data, "no-web"),
               "--io-threads", str(a.io_threads), "--workers", str(a.workers)]
        with open(self.errlog, "ab") as err, open(os.devnull, "wb") as out:
            proc = PROCS.start("validator", cmd, stdout=out, stderr=err, env=self.gh.env)
        try:
            wait_ready(port, "/readyz", proc, 20.0, poll_s=0.01)
        except BenchError as e:
            PROCS.stop(proc)
            raise BenchError(f"validator: {e}") from e
        self.proc, self.port = proc, port


PG_BIN = os.environ.get("GATEHOUSE_PG_BIN", "/usr/lib/postgresql/15/bin")
PG_CLUSTER = os.path.join(ROOT, "tests", "store_contract", "pg_cluster.sh")


def pg_missing():
    """Why no PostgreSQL scenario can run here, or None."""
    if not os.access(os.path.join(PG_BIN, "initdb"), os.X_OK):
        return f"no PostgreSQL server in {PG_BIN} (apt-get install postgresql)"
    if not os.path.exists(PG_CLUSTER):
        return f"no {PG_CLUSTER}"
    return None


def haproxy_binary():
    return shutil.which("haproxy") or next(
        (p for p in ("/usr/sbin/haproxy",) if os.access(p, os.X_OK)), None)


class PgCluster:
    """A throwaway PostgreSQL cluster (tests/store_contract/pg_cluster.sh: initdb, fsync
    off, a free loopback port), stopped and removed by PROCS.stop_all."""

    def __init__(self, workdir):
        self.state = os.path.join(workdir, "pg")
        self.url, self.postmaster = None, None

    def start(self):
        def stop():
            subprocess.run(["bash", PG_CLUSTER, "stop", self.state], capture_output=True,
                           timeout=60)
            log("postgresql: cluster stopped and removed")

        # Registered first: a start interrupted half-way is stopped too (stop does nothing
        # when there is nothing to stop).
        PROCS.defer("postgresql", stop)
        t0 = time.monotonic()
        r = subprocess.run(["bash", PG_CLUSTER, "start", self.state], capture_output=True,
                           text=True, timeout=120)
        if r.returncode != 0:
            raise BenchError(f"pg_cluster.sh start failed: {r.stderr.strip()[-500:]}")
        with open(os.path.join(self.state, "url")) as f:
            self.url = f.read().strip()
        with open(os.path.join(self.state, "cluster")) as f:
            with open(os.path.join(f.read().strip(), "data", "postmaster.pid")) as pidf:
                self.postmaster = int(pidf.readline())
        # The URL's password is the throwaway cluster's, but a log line needs only where.
        log(f"postgresql: throwaway cluster on {self.url.rsplit('@', 1)[-1]} "
            f"(started in {time.monotonic() - t0:.1f} s)")


class Haproxy:
    """HAProxy in front of gatehouse nodes on loopback: round robin, keep-alive and
    connection reuse towards the nodes, health check GET /readyz (as
    tests/multinode/multinode_test.py starts it)."""

    def __init__(self, workdir, ports):
        self.port, self.proc = free_port(), None
        self.config = os.path.join(workdir, "haproxy.cfg")
        self.errlog = os.path.join(workdir, "haproxy.stderr")
        servers = "\n".join(f"  server node{i} {HOST}:{p} check" for i, p in enumerate(ports))
        with open(self.config, "w") as f:
            f.write(f"""global
  maxconn 4096
defaults
  mode http
  option http-keep-alive
  timeout connect 2s
  timeout client 60s
  timeout server 60s
  timeout http-keep-alive 60s
frontend gatehouse
  bind {HOST}:{self.port}
  default_backend nodes
backend nodes
  balance roundrobin
  http-reuse always
  option httpchk GET /readyz
  default-server inter 1s fall 3 rise 1
{servers}
""")

    def start(self):
        with open(self.errlog, "ab") as err:
            self.proc = PROCS.start("haproxy", [haproxy_binary(), "-f", self.config, "-db"],
                                    stdout=subprocess.DEVNULL, stderr=err)
        try:
            wait_ready(self.port, "/healthz", self.proc, 10.0, poll_s=0.01)
        except BenchError as e:
            with open(self.errlog, errors="replace") as f:
                raise BenchError(f"haproxy: {e}: {f.read()[-500:].strip()}") from e


class Nginx:
    def __init__(self, workdir):
        self.prefix = os.path.join(workdir, "nginx")
        os.makedirs(os.path.join(self.prefix, "www"))
        os.makedirs(os.path.join(self.prefix, "tmp"))
        # nginx workers run as nobody: they must be able to read the file.
        for d in (workdir, self.prefix, os.path.join(self.prefix, "www")):
            os.chmod(d, 0o755)
        path = os.path.join(self.prefix, "www", "get_roles.json")
        with open(path, "w") as f:
            f.write(ROLES_BODY)
        os.chmod(path, 0o644)
        self.port, self.proc = free_port(), None

    def start(self):
        with open(os.path.join(HERE, "peers", "nginx", "nginx.conf.in")) as f:
            conf = f.read().replace("@PREFIX@", self.prefix).replace("@PORT@", str(self.port))
        cpath = os.path.join(self.prefix, "nginx.conf")
        with open(cpath, "w") as f:
            f.write(conf)
        nginx = shutil.which("nginx") or "/usr/sbin/nginx"
        self.proc = PROCS.start("nginx", [nginx, "-p", self.prefix, "-c", cpath,
                                          "-e", os.path.join(self.prefix, "error.log"),
                                          "-g", "daemon off;"], group=True,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wait_ready(self.port, "/get_roles", self.proc, 10.0, poll_s=0.01)


class Flask:
    def __init__(self, workdir, project_id, gatehouse_port, workers):
        self.port, self.proc, self.workers = free_port(), None, workers
        self.env = dict(os.environ, DESCOPE_PROJECT_ID=project_id,
                        DESCOPE_BASE_URI=f"http://{HOST}:{gatehouse_port}")
        self.errlog = os.path.join(workdir, "flask.stderr")

    def start(self):
        gunicorn = shutil.which("gunicorn", path="/usr/bin") or "gunicorn"
        with open(self.errlog, "ab") as err:
            self.proc = PROCS.start(
                "flask", ["/usr/bin/python3", gunicorn, "--workers", str(self.workers),
                          "--bind", f"{HOST}:{self.port}", "--chdir",
                          os.path.join(HERE, "peers", "flask"), "app:app"],
                group=True, stdout=subprocess.DEVNULL, stderr=err, env=self.env)
            # /get_roles without a token is the tutorial's 401: wait for any answer.
            start = time.monotonic()
            while True:
                if self.proc.poll() is not None:
                    raise BenchError("gunicorn exited; see " + self.errlog)
                try:
                    http_request(self.port, "GET", "/get_roles", timeout=1.0)
                    break
                except OSError:
                    if time.monotonic() - start > 20:
                        raise BenchError("gunicorn not ready after 20 s")
                    time.sleep(0.02)


# ---------------------------------------------------------------------------------------
# wrk


def run_wrk(port, path, conns, duration, headers=(), scripts=(), env=None, timeout="10s",
            threads=None):
    threads = threads or max(1, min(conns, 2))
    parts = [os.path.join(LUA, s) for s in scripts] + [os.path.join(LUA, "report.lua")]
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as f:
        for p in parts:
            with open(p) as src:
                f.write(src.read() + "\n")
        script = f.name
    cmd = ["wrk", "-t", str(threads), "-c", str(conns), "-d", f"{duration}s", "--timeout",
           timeout, "-s", script]
    for h in headers:
        cmd += ["-H", h]
    cmd.append(f"http://{HOST}:{port}{path}")
    wenv = dict(os.environ, GH_BENCH_THREADS=str(threads), **(env or {}))
    try:
        r = subprocess.run(cmd, capture_output=True, text=True, env=wenv,
                           timeout=duration + 60)
    finally:
        os.unlink(script)
    m = re.search(r"^GH_BENCH_RESULT (\{.*\})$", r.stdout, re.M)
    if r.returncode != 0 or not m:
        raise BenchError(f"wrk failed ({r.returncode}): {r.stderr.strip() or r.stdout[-300:]}")
    d = json.loads(m.group(1))
    d["rps"] = d["requests"] / (d["duration_us"] / 1e6) if d["duration_us"] else 0.0
    d["conns"] = conns
    d["socket_errors"] = (d["connect_errors"] + d["read_errors"] + d["write_errors"] +
                          d["timeouts"])
    return d


# ---------------------------------------------------------------------------------------
# Raw Argon2id rate: bench/hash_rate.cc (gh_hash_rate) runs libsodium's
# crypto_pwhash_str_verify, the call the server makes per sign-in, in N single-threaded
# processes (as the server's helpers, --hash-in processes) or N threads of one process
# (--hash-in threads); with --signs 2 it also signs the two RS256 JWTs every sign-in
# returns.


def hash_rate(binary, n, processes, seconds, iterations, memory_kib, signs=0):
    cmd = [binary, "--processes" if processes else "--threads", str(n), "--seconds",
           str(seconds), "--iterations", str(iterations), "--memory-kib", str(memory_kib),
           "--signs", str(signs)]
    r = subprocess.run(cmd, capture_output=True, text=True, timeout=seconds + 60)
    if r.returncode != 0:
        raise BenchError(f"gh_hash_rate failed ({r.returncode}): {r.stderr.strip()}")
    return json.loads(r.stdout)


# ---------------------------------------------------------------------------------------
# The run


def forge(token):
    """Same header and claims, signature bytes changed: parses, fails verification."""
    head, payload, sig = token.split(".")
    mid = len(sig) // 2
    flipped = "A" if sig[mid] != "A" else "B"
    return f"{head}.{payload}.{sig[:mid]}{flipped}{sig[mid + 1:]}"


def forge_kid(token):
    """A well-formed token naming a key the server does not have: no key to verify with."""
    head, payload, sig = token.split(".")
    header = json.loads(base64.urlsafe_b64decode(head + "=" * (-len(head) % 4)))
    header["kid"] = "forged-" + header["kid"]
    head = base64.urlsafe_b64encode(json.dumps(header).encode()).rstrip(b"=").decode()
    return f"{head}.{payload}.{sig}"


# /get_roles variants: a valid session token, none, one whose signature was changed (its
# kid names the real key: one RSA verification that fails) and one naming an unknown key
# (rejected before any public-key operation). Flask runs the first three.
VARIANTS = ("valid", "none", "forged", "forged-kid")


def variants_for(target):
    return VARIANTS if target != "flask" else VARIANTS[:3]


def check(cond, msg):
    if not cond:
        raise BenchError(msg)


class Bench:
    def __init__(self, args):
        self.args = args
        self.results = {"scenarios": [], "startup": {}, "rss": {}, "argon2": [], "mixed": [],
                        "micro": None, "failures": [], "skipped": []}
        self.lock = threading.Lock()
        # The PostgreSQL cluster and the nodes on it, started once by the first scenario
        # that needs them.
        self.pg_lock = threading.RLock()
        self.cluster, self.pg, self.nodes = None, None, None

    def record(self, scenario, target, variant, d, rep):
        d = dict(d, scenario=scenario, target=target, variant=variant, rep=rep)
        with self.lock:
            self.results["scenarios"].append(d)
        log(f"{scenario:<9} {target:<11} {variant:<10} c={d['conns']:<3} "
            f"{d['rps']:>10.1f} req/s  p50 {d['p50_us'] / 1000:.2f} ms  "
            f"p99 {d['p99_us'] / 1000:.2f} ms  non-2xx {d['status_errors']}  "
            f"sock-err {d['socket_errors']}")
        return d

    # -- setup -------------------------------------------------------------------------

    def setup(self, workdir):
        a = self.args
        self.gh = Gatehouse(a.gatehouse, workdir, a)
        log("gatehouse: cold start (empty data directory: creates keys and database)")
        # On PostgreSQL the database outlives the data directory, which still holds the
        # private halves of the keys the database names: cold-start on the directory the
        # later runs use.
        cold_dir = self.gh.data if a.database_url else os.path.join(workdir, "cold-data")
        self.results["startup"]["cold_ms"] = self.gh.start(data=cold_dir) * 1000
        self.gh.create_users()
        self.gh.trusts_proxies = self.gh.supports("--trusted-proxies")
        self.gh.caps_connections = self.gh.supports("--max-connections-per-ip")
        warm = [self.gh.start(data=self.gh.data) * 1000 for _ in range(a.startups)]
        self.results["startup"]["warm_ms"] = warm
        self.results["startup"]["warm_median_ms"] = statistics.median(warm)
        log(f"start to first 200 /healthz: cold {self.results['startup']['cold_ms']:.1f} ms, "
            f"warm median {statistics.median(warm):.1f} ms of {len(warm)}")
        self.gh.start()
        self.results["rss"]["ready_kib"] = rss_kib(self.gh.proc.pid)
        self.gh.sign_up_accounts(a.accounts, workdir)
        self.session, self.refresh = self.gh.signin()
        self.forged = forge(self.session)
        self.forged_kid = forge_kid(self.session)

        self.baseline = None
        if a.baseline:
            # Its own database (an older build may not read a newer schema) and so its own
            # signing keys (where a build keeps them has changed: key files, then sealed in
            # the store): the same project id, and tokens it signed itself.
            self.baseline = Gatehouse(a.baseline, workdir, a, name="baseline")
            self.baseline.data = os.path.join(workdir, "baseline-data")
            os.makedirs(self.baseline.data, mode=0o700)
            self.baseline.project_id = self.gh.project_id
            self.baseline.login_id, self.baseline.password = self.gh.login_id, self.gh.password
            self.baseline.create_users()
            self.baseline.start()
            self.baseline.sign_up_accounts(a.accounts, workdir)
            session, _ = self.baseline.signin()
            self.baseline_tokens = {"session": session, "forged": forge(session),
                                    "forged_kid": forge_kid(session)}

        # A validator node beside it, when the build has them (a --baseline may not).
        self.validator = None
        if self.gh.supports("--issuer-url"):
            self.validator = Validator(self.gh, workdir, a)
            self.validator.start()

        self.nginx = Nginx(workdir)
        self.nginx.start()
        self.flask = Flask(workdir, self.gh.project_id, self.gh.port, a.flask_workers)
        self.flask.start()
        self.preflight()
        time.sleep(0.3)
        self.results["rss"]["idle_kib"] = rss_kib(self.gh.proc.pid)

    def targets(self):
        t = [("gatehouse", self.gh.port)]
        if self.validator:
            t.append(("validator", self.validator.port))
        if self.baseline:
            t.append(("baseline", self.baseline.port))
        t.append(("flask", self.flask.port))
        return t

    def variant_headers(self, variant, target="gatehouse"):
        """The request headers of a /get_roles variant; a --baseline build checks tokens it
        signed itself (everyone else, the gatehouse node's)."""
        t = (self.baseline_tokens if target == "baseline" else
             {"session": self.session, "forged": self.forged, "forged_kid": self.forged_kid})
        return {"valid": [f"Authorization: Bearer {t['session']}"], "none": [],
                "forged": [f"Authorization: Bearer {t['forged']}"],
                "forged-kid": [f"Authorization: Bearer {t['forged_kid']}"]}[variant]

    def preflight(self):
        """Every peer answers the same thing before anything is timed."""
        s, body = http_request(self.nginx.port, "GET", "/get_roles")
        check(s == 200 and body.decode() == ROLES_BODY, f"nginx answered {s} {body[:100]!r}")
        want = json.loads(ROLES_BODY)
        for name, port in self.targets():
            for path, expect in (("/get_roles", want),
                                 ("/get_role_data", {"valid_teacher": True,
                                                     "valid_student": False})):
                for variant in variants_for(name):
                    hdrs = dict(h.split(": ", 1) for h in self.variant_headers(variant, name))
                    s, body = http_request(port, "GET", path, headers=hdrs)
                    if variant == "valid":
                        check(s == 200 and json.loads(body) == expect,
                              f"{name} {path} valid: {s} {body[:200]!r}")
                    else:
                        check(s == 401 and json.loads(body) ==
                              {"error": "❌ invalid session token!"},
                              f"{name} {path} {variant}: {s} {body[:200]!r}")

    # -- scenarios ---------------------------------------------------------------------

    def get_roles(self, target, port, variant, conns, rep, duration=None):
        d = run_wrk(port, "/get_roles", conns, duration or self.args.duration,
                    headers=self.variant_headers(variant, target))
        return self.record("get_roles", target, variant, d, rep)

    def static(self, conns, rep):
        d = run_wrk(self.nginx.port, "/get_roles", conns, self.args.duration)
        return self.record("get_roles", "nginx", "static", d, rep)

    def refresh_run(self, conns, rep, server=None, scenario="refresh", port=None,
                    target=None, cpu=None):
        """Refreshes at `conns` for a run: one session signed in per connection on
        `server`, refreshed through `port` (default: the server's own; HAProxy in front of
        two nodes for the twonode scenario). With cpu={name: pid}, returns the run and its
        CpuSplit."""
        gh = server or self.gh
        tokens = [r for _, r in gh.signins(conns)]
        path = os.path.join(self.workdir, f"refresh-{target or gh.name}-{conns}-{rep}.txt")
        with open(path, "w") as f:
            f.write("\n".join(tokens) + "\n")
        with CpuSplit(cpu or {}) as split:
            d = run_wrk(port or gh.port, "/v1/auth/refresh", conns, self.args.duration,
                        scripts=["refresh.lua"],
                        env={"GH_BENCH_TOKENS": path, "GH_BENCH_PROJECT": gh.project_id})
        d = self.record(scenario, target or gh.name, "rotate", d, rep)
        return (d, split.cores) if cpu else d

    def idle_server(self):
        """A second gatehouse on the first one's data directory (its keys, accounts and
        sessions), started once, for the idle-connection scenario."""
        if getattr(self, "idle_node", None):
            return self.idle_node
        gh = Gatehouse(self.gh.binary, self.workdir, self.args, name="gatehouse-idle")
        gh.data, gh.project_id = self.gh.data, self.gh.project_id
        gh.trusts_proxies, gh.caps_connections = self.gh.trusts_proxies, \
            self.gh.caps_connections
        gh.start()
        self.idle_node = gh
        return gh

    def idle_run(self, conns, rep, idle):
        """/get_roles at `conns` alone, then again while `idle` other keep-alive connections
        are open (10,000 by default): throughput, the server's memory, and that none of
        the idle ones was dropped. On a node of its own (idle_server): the memory the idle
        connections leave behind would otherwise count in the first node's RSS figures of
        the rounds after."""
        a = self.args
        gh = self.idle_server()
        alone = self.record("idle", "gatehouse", "alone",
                            run_wrk(gh.port, "/get_roles", conns, a.duration,
                                    headers=self.variant_headers("valid")), rep)
        rss_before = rss_kib(gh.proc.pid)
        t0 = time.monotonic()
        with IdleConnections(gh.port, idle) as held:
            opened_s = time.monotonic() - t0
            with RssSampler(gh.proc.pid) as rss:
                d = run_wrk(gh.port, "/get_roles", conns, a.duration,
                            headers=self.variant_headers("valid"))
        loaded = self.record("idle", "gatehouse", "with-idle", d, rep)
        entry = {"conns": conns, "rep": rep, "idle": idle, "opened": len(held.socks),
                 "failed": held.failed, "closed": held.closed, "open_s": opened_s,
                 "alone_rps": alone["rps"], "loaded_rps": loaded["rps"],
                 "ratio": loaded["rps"] / alone["rps"] if alone["rps"] else 0.0,
                 "rss_before_kib": rss_before, "rss_max_kib": rss.max_kib,
                 "errors": d["status_errors"] + d["socket_errors"] + held.failed + held.closed}
        with self.lock:
            self.results.setdefault("idle", []).append(entry)
        log(f"idle      {len(held.socks)} of {idle} idle connections held (opened in "
            f"{opened_s:.1f} s, {held.failed} failed, {held.closed} dropped): "
            f"{entry['ratio']:.2f} of the throughput without them, server RSS "
            f"{rss.max_kib / 1024:.1f} MiB (before {rss_before / 1024:.1f} MiB)")
        return entry

    def refresh_raw(self, rep, alg="RS256"):
        """gh_refresh_rate (bench/refresh_rate.cc): a refresh's verification, row read,
        two signatures and rotation in SQLite, in as many threads as the server has
        workers; None when the binary is not there (an older build)."""
        a = self.args
        if not a.refresh_rate or not os.path.exists(a.refresh_rate):
            return None
        seconds = 1 if a.smoke else a.hash_duration
        r = subprocess.run([a.refresh_rate, "--threads", str(a.workers), "--seconds",
                            str(seconds), "--alg", alg],
                           capture_output=True, text=True, timeout=seconds + 60)
        if r.returncode != 0:
            raise BenchError(f"gh_refresh_rate failed ({r.returncode}): {r.stderr.strip()}")
        d = json.loads(r.stdout)
        d["rep"] = rep
        with self.lock:
            self.results.setdefault("refresh_raw", []).append(d)
        log(f"refresh   raw ({a.workers} threads, {alg}) {d['rate']:.1f}/s")
        return d

    def refresh_pair(self, conns, rep, server=None, alg="RS256"):
        """A refresh run between two raw-rate measurements (refresh_raw): the ratio of a
        pair survives the machine's load changing from one minute to the next."""
        before = self.refresh_raw(rep, alg)
        d = self.refresh_run(conns, rep, server)
        after = self.refresh_raw(rep, alg)
        if before and after:
            raw = (before["rate"] + after["rate"]) / 2
            pair = {"conns": conns, "rep": rep, "alg": alg, "refresh_rps": d["rps"],
                    "raw_rate": raw, "ratio": d["rps"] / raw if raw else 0.0}
            with self.lock:
                self.results.setdefault("refresh_pairs", []).append(pair)
            log(f"refresh   {pair['ratio']:.2f} of the raw rate ({alg}, {raw:.1f}/s)")
        return d

    def es256_server(self):
        """A second gatehouse signing ES256 (--signing-alg ES256) on its own data
        directory, started once, with the same accounts as the first."""
        if getattr(self, "es256", None):
            return self.es256
        gh = Gatehouse(self.gh.binary, self.workdir, self.args, name="gatehouse-es256")
        gh.data = os.path.join(self.workdir, "gh-es256-data")
        # The environment, not a serve flag: the CLI that adds the users opens the keys
        # first and must make them ES256 too.
        gh.env["GATEHOUSE_SIGNING_ALG"] = "ES256"
        gh.trusts_proxies, gh.caps_connections = self.gh.trusts_proxies, \
            self.gh.caps_connections
        gh.create_users()
        gh.start()
        gh.sign_up_accounts(self.args.accounts, self.workdir)
        session, _ = gh.signin()
        check(json.loads(base64.urlsafe_b64decode(session.split(".")[0] + "=="))["alg"] ==
              "ES256", "the ES256 node did not sign ES256")
        self.es256 = gh
        return gh

    def es256_run(self, conns, rep):
        """Refresh, then sign-in, on the ES256 node at `conns`; the RS256 figures are the
        refresh and signin scenarios of the same round."""
        gh = self.es256_server()
        self.refresh_pair(conns, rep, gh, "ES256")
        d = self.signin_wrk(conns, self.args.signin_duration, gh)
        check(d["status_errors"] == 0,
              f"ES256 sign-in at {conns} connections: {d['status_errors']} non-2xx answers")
        wait_idle(gh.proc.pid)
        return self.record("signin", gh.name, "argon2id", d, rep)

    def one_time_run(self, kind, conns, rep):
        """Email-code or magic-link verify: each request spends one code or link minted just
        before for its own test user (bench/lua/one_time.lua sends each body once). The
        pool is sized from this round's refresh rate at the same connection count, twice
        over: a verify answered 401 would mean the pool ran dry, and fails the run."""
        a = self.args
        refresh = [d for d in self.results["scenarios"] if d["scenario"] == "refresh" and
                   d["conns"] == conns and d["rep"] == rep]
        rate = refresh[-1]["rps"] if refresh else 2000.0
        n = max(200, int(rate * 2 * a.duration) + 10 * conns)
        path = os.path.join(self.workdir, f"{kind}-{conns}-{rep}.txt")
        self.gh.one_time_bodies(kind, n, path)
        route = "/v1/auth/otp/verify/email" if kind == "otp" else "/v1/auth/magiclink/verify"
        d = run_wrk(self.gh.port, route, conns, a.duration, scripts=["one_time.lua"],
                    env={"GH_BENCH_BODIES": path,
                         "GH_BENCH_AUTH": f"Bearer {self.gh.project_id}"})
        check(d["status_errors"] == 0,
              f"{kind} verify at {conns} connections: {d['status_errors']} non-2xx answers "
              f"({n} codes minted)")
        return self.record(kind, "gatehouse", "verify", d, rep)

    def passkey_run(self, conns, rep):
        """WebAuthn sign-in finish: verify an ES256 assertion against a stored passkey,
        spend the ceremony's challenge, sign a session and refresh JWT. Each request finishes
        one ceremony started just before (bench/lua/one_time.lua sends each body once);
        sized like one_time_run, so a 401 means the pool ran dry and fails the run."""
        a = self.args
        refresh = [d for d in self.results["scenarios"] if d["scenario"] == "refresh" and
                   d["conns"] == conns and d["rep"] == rep]
        rate = refresh[-1]["rps"] if refresh else 2000.0
        n = max(200, int(rate * 2 * a.duration) + 10 * conns)
        path = os.path.join(self.workdir, f"passkey-{conns}-{rep}.txt")
        self.gh.passkey_ceremonies(n, path)
        d = run_wrk(self.gh.port, "/v1/auth/webauthn/signin/finish", conns, a.duration,
                    scripts=["one_time.lua"],
                    env={"GH_BENCH_BODIES": path,
                         "GH_BENCH_AUTH": f"Bearer {self.gh.project_id}"})
        check(d["status_errors"] == 0,
              f"passkey sign-in at {conns} connections: {d['status_errors']} non-2xx answers "
              f"({n} ceremonies started)")
        return self.record("webauthn", "gatehouse", "finish", d, rep)

    def signin_wrk(self, conns, duration, server=None, bodies=None, forwarded=""):
        server = server or self.gh
        return run_wrk(server.port, "/v1/auth/password/signin", conns, duration,
                       scripts=["post_json.lua"], timeout="60s",
                       threads=1 if conns < 64 else 2,
                       env={"GH_BENCH_BODIES": bodies or server.bodies,
                            "GH_BENCH_AUTH": f"Bearer {server.project_id}",
                            "GH_BENCH_FORWARDED": forwarded})

    def signin_run(self, conns, rep, server=None):
        server = server or self.gh
        d = self.signin_wrk(conns, self.args.signin_duration, server)
        check(d["status_errors"] == 0,
              f"sign-in on {server.name} at {conns} connections: {d['status_errors']} "
              "non-2xx answers")
        wait_idle(server.proc.pid)  # the raw rate after it must have the cores to itself
        return self.record("signin", server.name, "argon2id", d, rep)

    def signin_pair(self, conns, rep, server=None):
        """Sign-ins at `conns` between raw-rate measurements hashing the way the server
        does (--hash-in: processes or threads), as many at once as it does (1 for one
        connection): the ratio of a pair survives the machine's load changing from one
        minute to the next. Hashing and signing a sign-in's two RS256 JWTs, and nothing
        else, gives the floor Descope's format sets."""
        threads = 1 if conns == 1 else self.args.hash_concurrency
        before = [self.hash_rate(threads, rep, 0), self.hash_rate(threads, rep, 2)]
        d = self.signin_run(conns, rep, server)
        after = [self.hash_rate(threads, rep, 2), self.hash_rate(threads, rep, 0)]
        raw = (before[0]["rate"] + after[1]["rate"]) / 2
        signed = (before[1]["rate"] + after[0]["rate"]) / 2
        pair = {"conns": conns, "rep": rep, "threads": threads, "signin_rps": d["rps"],
                "raw_rate": raw, "ratio": d["rps"] / raw if raw else 0.0,
                "signed_rate": signed, "signed_ratio": signed / raw if raw else 0.0}
        # The PostgreSQL node's pairs are kept apart: the sign-in tables are the SQLite
        # node's.
        key = "signin_pairs" if server is None else f"signin_pairs_{server.name}"
        with self.lock:
            self.results.setdefault(key, []).append(pair)
        log(f"signin    {d['target']}: {pair['ratio']:.2f} of the raw rate ({self.hashers(threads)}, "
            f"{raw:.1f}/s); hash + 2 RS256 signatures "
            f"{pair['signed_ratio']:.2f}")
        return pair

    def hash_rate(self, threads, rep, signs):
        a = self.args
        r = hash_rate(a.hash_rate, threads, a.hash_in == "processes", a.hash_duration,
                      a.argon2_iterations, a.argon2_memory_kib, signs)
        r["rep"] = rep
        with self.lock:
            self.results["argon2"].append(r)
        log(f"argon2id  raw ({self.hashers(threads)}"
            f"{', 2 signatures per hash' if signs else ''}) {r['rate']:.1f} hashes/s")
        return r

    def hashers(self, n):
        return report.hashers(n, self.args.hash_in)

    def mixed(self, server_name, conns, rep):
        """/get_roles at `conns` alone, then again while sign-ins hash at full load."""
        server = self.gh if server_name == "gatehouse" else self.baseline
        a = self.args
        idle = self.record("mixed", server_name, "idle",
                           run_wrk(server.port, "/get_roles", conns, a.duration,
                                   headers=self.variant_headers("valid", server_name)), rep)
        box = {}

        lead = 0.3 if a.smoke else 1.5  # let the sign-in queue fill and the workers hash

        def load():
            box["signin"] = self.signin_wrk(a.mixed_signin_conns,
                                            a.duration + int(2 * lead + 0.99), server)

        t = threading.Thread(target=load)
        t.start()
        time.sleep(lead)
        d = run_wrk(server.port, "/get_roles", conns, a.duration,
                    headers=self.variant_headers("valid", server_name))
        t.join(timeout=a.duration + 90)
        wait_idle(server.proc.pid)  # the next scenario gets an idle server
        loaded = self.record("mixed", server_name, "loaded", d, rep)
        sd = box.get("signin")
        entry = {"target": server_name, "conns": conns, "rep": rep, "idle_rps": idle["rps"],
                 "loaded_rps": loaded["rps"], "loaded_p99_us": loaded["p99_us"],
                 "loaded_status_errors": loaded["status_errors"],
                 "signin_rps": sd["rps"] if sd else None,
                 "ratio": loaded["rps"] / idle["rps"] if idle["rps"] else 0.0}
        with self.lock:
            self.results["mixed"].append(entry)
        log(f"mixed     {server_name}: {entry['ratio']:.2f} of idle while sign-ins ran at "
            f"{entry['signin_rps'] or 0:.1f}/s")
        return entry

    SMTP_DELAY_MS = 50  # a relay across a network: connect, EHLO, MAIL, RCPT, DATA

    def mailing_server(self):
        """A second gatehouse that mails through SMTP, started once: an SMTP sink
        (tests/support/smtp_sink.py, Debian's python3-aiosmtpd) answers each message
        SMTP_DELAY_MS late, as a relay does, so a send waits on network I/O as it would in
        production. It serves the first server's data directory (two processes on one
        SQLite database), so the same sessions verify on both."""
        with self.gh.users_lock:
            if getattr(self, "mailing", None):
                return self.mailing
            sink_dir = os.path.join(self.workdir, "smtp-sink")
            sink = PROCS.start("smtp sink", [
                "/usr/bin/python3", os.path.join(HERE, "..", "tests", "support", "smtp_sink.py"),
                sink_dir, "--delay-ms", str(self.SMTP_DELAY_MS)],
                stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
            line = sink.stdout.readline().split()
            check(len(line) == 2 and line[0] == "PORT",
                  "the SMTP sink did not start (python3-aiosmtpd missing?)")
            m = Gatehouse(self.gh.binary, self.workdir, self.args, name="mailing")
            m.data, m.project_id = self.gh.data, self.gh.project_id  # a second node
            m.trusts_proxies, m.caps_connections = self.gh.trusts_proxies, \
                self.gh.caps_connections
            m.env.update({"GATEHOUSE_SMTP_HOST": HOST, "GATEHOUSE_SMTP_PORT": line[1],
                          "GATEHOUSE_SMTP_TLS": "none",
                          "GATEHOUSE_SMTP_FROM": "gatehouse@bench.local",
                          # Each send is for a new login id, so it counts as a sign-up from
                          # 127.0.0.1: the default 1,000 an hour ran out in a second round.
                          "GATEHOUSE_LIMIT_SIGNUP": "1000000/1000000/60"})
            m.start()
            self.mailing = m
            return m

    def sending(self, conns, rep):
        """/get_roles at `conns` while a second wrk keeps 4 email-code sends in flight
        (bench/lua/send_codes.lua: a new login id each, so no send limit refuses them),
        each mailed through SMTP to a sink that answers like a relay (mailing_server).
        Compared with nginx static at the same connection count in the same round."""
        a, gh = self.args, self.mailing_server()
        box = {}
        lead = 0.3 if a.smoke else 1.0

        def load():
            box["send"] = run_wrk(gh.port, "/v1/auth/otp/signup-in/email", 4,
                                  a.duration + int(2 * lead + 0.99), scripts=["send_codes.lua"],
                                  env={"GH_BENCH_AUTH": f"Bearer {gh.project_id}",
                                       "GH_BENCH_RUN": f"{conns}x{rep}x{time.time_ns()}"})

        t = threading.Thread(target=load)
        t.start()
        time.sleep(lead)
        d = run_wrk(gh.port, "/get_roles", conns, a.duration,
                    headers=self.variant_headers("valid"))
        t.join(timeout=a.duration + 90)
        sent = box.get("send")
        check(sent is not None and sent["requests"] > 0 and sent["status_errors"] == 0,
              f"email-code sends beside /get_roles: "
              f"{sent['status_errors'] if sent else '?'} non-2xx of "
              f"{sent['requests'] if sent else 0}")
        log(f"sending   gatehouse: codes mailed at {sent['rps']:.0f}/s through SMTP "
            f"({self.SMTP_DELAY_MS} ms relay) beside /get_roles")
        wait_idle(gh.proc.pid)
        return self.record("sending", "gatehouse", "loaded", d, rep)

    def flood(self, variant, rep):
        """Other users' sign-ins and refreshes alone, then again while an attacker floods
        sign-ins with wrong passwords from one address: `account` guesses one account's
        password, `spray` tries one password on ever new login ids (unknown accounts are
        hashed all the same). The rate limits must refuse the flood before it reaches the
        hashers, so the others' p99 stays near idle."""
        a, gh = self.args, self.gh
        if variant == "spray" and not gh.trusts_proxies:
            raise BenchError("the spray flood needs --trusted-proxies (X-Forwarded-For): "
                             "from the users' own address it would throttle them too")
        guesses = os.path.join(self.workdir, f"flood-{variant}-{rep}.txt")
        with open(guesses, "w") as f:
            for i in range(1000):
                login = "victim@bench.local" if variant == "account" else \
                    f"nobody{rep}-{i}@bench.local"
                f.write(json.dumps({"loginId": login, "password": f"guess-{i}"}) + "\n")
        if variant == "account" and not getattr(gh, "victim", None):
            gh.victim = gh.sign_up("victim@bench.local")

        def legit(label):
            box = {}

            def signins():
                box["signin"] = self.signin_wrk(a.flood_signin_conns, a.duration)

            tokens = [r for _, r in gh.signins(a.flood_refresh_conns)]
            path = os.path.join(self.workdir, f"flood-refresh-{variant}-{rep}-{label}.txt")
            with open(path, "w") as f:
                f.write("\n".join(tokens) + "\n")
            t = threading.Thread(target=signins)
            t.start()
            box["refresh"] = run_wrk(gh.port, "/v1/auth/refresh", a.flood_refresh_conns,
                                     a.duration, scripts=["refresh.lua"],
                                     env={"GH_BENCH_TOKENS": path,
                                          "GH_BENCH_PROJECT": gh.project_id})
            t.join(timeout=a.duration + 90)
            for k in ("signin", "refresh"):
                check(k in box and box[k]["status_errors"] == 0,
                      f"flood {variant}: other users' {k} failed ({label}): {box.get(k)}")
                self.record("flood", "gatehouse", f"{variant}/{label}/{k}", box[k], rep)
            return box

        idle = legit("idle")
        wait_idle(gh.proc.pid)
        attack = {}
        lead = 0.3 if a.smoke else 1.5  # the first guesses are hashed, then refused

        def flood():
            attack["d"] = self.signin_wrk(a.flood_conns, a.duration + int(2 * lead + 0.99),
                                          bodies=guesses, forwarded="203.0.113.66"
                                          if gh.trusts_proxies else "")

        t = threading.Thread(target=flood)
        t.start()
        time.sleep(lead)
        loaded = legit("flood")
        t.join(timeout=a.duration + 90)
        wait_idle(gh.proc.pid)
        d = attack.get("d") or {}
        entry = {"variant": variant, "rep": rep, "attack_rps": d.get("rps", 0.0),
                 "attack_refused": d.get("status_errors", 0),
                 "attack_requests": d.get("requests", 0)}
        for k in ("signin", "refresh"):
            entry[f"{k}_idle_p99_us"] = idle[k]["p99_us"]
            entry[f"{k}_flood_p99_us"] = loaded[k]["p99_us"]
            entry[f"{k}_idle_rps"] = idle[k]["rps"]
            entry[f"{k}_flood_rps"] = loaded[k]["rps"]
            entry[f"{k}_p99_ratio"] = (loaded[k]["p99_us"] / idle[k]["p99_us"]
                                       if idle[k]["p99_us"] else 0.0)
        with self.lock:
            self.results.setdefault("flood", []).append(entry)
        log(f"flood     {variant}: {entry['attack_rps']:.0f} guesses/s "
            f"({entry['attack_refused']} of {entry['attack_requests']} refused); others' p99 "
            f"sign-in {entry['signin_p99_ratio']:.2f} ×, refresh "
            f"{entry['refresh_p99_ratio']:.2f} × idle")
        return entry

    def micro(self):
        a = self.args
        if not a.micro or not os.path.exists(a.micro):
            log("micro-benchmarks: binary not built, skipped")
            return None
        cmd = [a.micro, "--benchmark_format=json",
               f"--benchmark_min_time={0.01 if a.smoke else 0.5}"]
        r = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
        if r.returncode != 0:
            raise BenchError(f"micro-benchmarks failed: {r.stderr[-300:]}")
        data = json.loads(r.stdout)
        rows = [{"name": b["name"], "ns": b["real_time"] if b.get("time_unit") == "ns"
                 else b["real_time"] * {"us": 1e3, "ms": 1e6, "s": 1e9}[b["time_unit"]],
                 "items_per_second": b.get("items_per_second")}
                for b in data["benchmarks"] if b.get("run_type", "iteration") == "iteration"]
        self.results["micro"] = rows
        log(f"micro-benchmarks: {len(rows)} results")
        return rows

    # -- PostgreSQL and two nodes (issue 15) -------------------------------------------

    def pg_server(self):
        """A gatehouse on a throwaway PostgreSQL cluster, beside the SQLite one: its own
        data directory, project and accounts, the same flags; started once. When the build
        seals its signing keys in the store (--key-encryption-key-file), the key-encryption
        key is a file of the run's, so a second node with its own data directory can open
        them (twonode_servers)."""
        with self.pg_lock:
            if self.pg:
                return self.pg
            self.cluster = PgCluster(self.workdir)
            self.cluster.start()
            gh = Gatehouse(self.gh.binary, self.workdir, self.args, name="gatehouse-pg")
            gh.data = os.path.join(self.workdir, "gh-pg-data")
            gh.env["GATEHOUSE_DATABASE_URL"] = self.cluster.url
            gh.kek = gh.supports("--key-encryption-key-file")
            if gh.kek:
                path = os.path.join(self.workdir, "kek")
                with open(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600),
                          "w") as f:
                    f.write(secrets.token_hex(32) + "\n")
                gh.env["GATEHOUSE_KEY_ENCRYPTION_KEY_FILE"] = path
            gh.trusts_proxies, gh.caps_connections = self.gh.trusts_proxies, \
                self.gh.caps_connections
            gh.create_users()
            gh.start()
            gh.sign_up_accounts(self.args.accounts, self.workdir)
            gh.session, _ = gh.signin()
            self.pg = gh
            return gh

    def twonode_servers(self):
        """A second node on the PostgreSQL node's database and project, and HAProxy in
        front of both; started once. The second node has its own data directory and the
        same key-encryption key file when the build seals its keys in the store (as
        tests/multinode/multinode_test.py starts its nodes); with an older build it shares
        the first node's data directory, where the private halves of the keys are files."""
        with self.pg_lock:
            if self.nodes:
                return self.nodes
            a = self.pg_server()
            b = Gatehouse(a.binary, self.workdir, self.args, name="gatehouse-pg-b")
            b.env, b.project_id = dict(a.env), a.project_id
            b.login_id, b.password, b.bodies = a.login_id, a.password, a.bodies
            b.data = os.path.join(self.workdir, "gh-pg-b-data") if a.kek else a.data
            b.trusts_proxies, b.caps_connections = a.trusts_proxies, a.caps_connections
            b.start()
            # A's session verifies on B: both sign with the keys in one place.
            s, body = http_request(b.port, "GET", "/get_roles",
                                   headers={"Authorization": f"Bearer {a.session}"})
            check(s == 200, f"node B refused node A's session: {s} {body[:200]!r}")
            lb = Haproxy(self.workdir, [a.port, b.port])
            lb.start()
            log(f"twonode: nodes on :{a.port} and :{b.port} behind HAProxy on :{lb.port} "
                f"({'own data directories, one KEK file' if a.kek else 'one data directory'})")
            self.nodes = (a, b, lb)
            return self.nodes

    def pg_run(self, conns, rep):
        """The PostgreSQL node against its peers in one round: refresh against the SQLite
        node's (target ≥ 0.70), password sign-in against the raw Argon2id rate
        (signin_pair, target ≥ 0.90), /get_roles with a valid session against nginx static
        (target ≥ 1.0) while PostgreSQL's CPU shows no query per request."""
        a, pg = self.args, self.pg_server()
        runs, cpu = {}, {}
        order = [("sqlite", self.gh), ("postgresql", pg)]
        for engine, server in order if rep % 2 == 0 else reversed(order):
            d, cpu[engine] = self.refresh_run(
                conns, rep, server, scenario="pg",
                cpu={"node": server.proc.pid, "postgresql": self.cluster.postmaster})
            check(d["status_errors"] == 0,
                  f"refresh on {engine} at {conns} connections: {d['status_errors']} non-2xx")
            runs[engine] = d
        entry = {"conns": conns, "rep": rep, "sqlite_refresh_rps": runs["sqlite"]["rps"],
                 "pg_refresh_rps": runs["postgresql"]["rps"], "refresh_cpu": cpu}
        entry["refresh_ratio"] = (entry["pg_refresh_rps"] / entry["sqlite_refresh_rps"]
                                  if entry["sqlite_refresh_rps"] else 0.0)
        log(f"pg        refresh {entry['refresh_ratio']:.2f} of SQLite's; cores: " +
            "; ".join(f"{e}: " + ", ".join(f"{n} {v:.2f}" for n, v in c.items())
                      for e, c in cpu.items()))
        pair = self.signin_pair(conns, rep, pg)
        entry.update(signin_rps=pair["signin_rps"], raw_rate=pair["raw_rate"],
                     signin_ratio=pair["ratio"], hashers=pair["threads"])
        static = run_wrk(self.nginx.port, "/get_roles", conns, a.duration)
        self.record("pg", "nginx", "static", static, rep)
        leases = db_leases(pg.port)
        with CpuSplit({"postgresql": self.cluster.postmaster}) as cpu:
            d = run_wrk(pg.port, "/get_roles", conns, a.duration,
                        headers=[f"Authorization: Bearer {pg.session}"])
        leases = db_leases(pg.port) - leases
        check(d["status_errors"] == 0,
              f"/get_roles on the PostgreSQL node: {d['status_errors']} non-2xx")
        self.record("pg", "gatehouse-pg", "get_roles", d, rep)
        entry.update(get_roles_rps=d["rps"], nginx_rps=static["rps"],
                     get_roles_ratio=d["rps"] / static["rps"] if static["rps"] else 0.0,
                     get_roles_requests=d["requests"],
                     pg_cores=cpu.cores.get("postgresql"), db_leases=leases)
        with self.lock:
            self.results.setdefault("pg", []).append(entry)
        log(f"pg        /get_roles {entry['get_roles_ratio']:.2f} × nginx static; "
            f"{leases:.0f} database leases for {d['requests']} requests; PostgreSQL "
            f"meanwhile {100 * (entry['pg_cores'] or 0):.1f} % of a core")
        return entry

    def twonode_run(self, conns, rep):
        """Two PostgreSQL nodes behind HAProxy against one of them alone, in one round:
        refresh and /get_roles at `conns`, each alone first or through HAProxy first in
        turn, with the cores each process used meanwhile (CpuSplit): on one machine the
        two nodes share its cores, so their total can only match one node's, and the
        split shows where the cores went. Any non-2xx fails the run."""
        a, b, lb = self.twonode_servers()
        pids = {"node A": a.proc.pid, "node B": b.proc.pid, "haproxy": lb.proc.pid,
                "postgresql": self.cluster.postmaster}
        entry = {"conns": conns, "rep": rep, "cpu": {}}
        order = [("one", a.port), ("two", lb.port)]
        for label, port in order if rep % 2 == 0 else reversed(order):
            target = "one-node" if label == "one" else "haproxy"
            d, cores = self.refresh_run(conns, rep, a, scenario="twonode", port=port,
                                        target=target, cpu=pids)
            entry[f"refresh_{label}"], entry["cpu"][f"refresh_{label}"] = d["rps"], cores
            entry[f"refresh_{label}_errors"] = d["status_errors"] + d["socket_errors"]
            check(d["status_errors"] == 0,
                  f"refresh through {target} at {conns} connections: {d['status_errors']} "
                  "non-2xx")
        for label, port in order if rep % 2 == 0 else reversed(order):
            target = "one-node" if label == "one" else "haproxy"
            with CpuSplit(pids) as cpu:
                d = run_wrk(port, "/get_roles", conns, self.args.duration,
                            headers=[f"Authorization: Bearer {a.session}"])
            self.record("twonode", target, "get_roles", d, rep)
            entry[f"get_roles_{label}"], entry["cpu"][f"get_roles_{label}"] = d["rps"], \
                cpu.cores
            entry[f"get_roles_{label}_errors"] = d["status_errors"] + d["socket_errors"]
            check(d["status_errors"] == 0,
                  f"/get_roles through {target} at {conns} connections: "
                  f"{d['status_errors']} non-2xx")
        for k in ("refresh", "get_roles"):
            entry[f"{k}_ratio"] = entry[f"{k}_two"] / entry[f"{k}_one"] if entry[
                f"{k}_one"] else 0.0
        with self.lock:
            self.results.setdefault("twonode", []).append(entry)
        for k in ("refresh", "get_roles"):
            c = entry["cpu"][f"{k}_two"]
            log(f"twonode   {k}: {entry[f'{k}_ratio']:.2f} of one node; cores: " +
                ", ".join(f"{n} {v:.2f}" for n, v in c.items()))
        return entry

    # -- drivers -----------------------------------------------------------------------

    def run(self):
        a = self.args
        self.workdir = tempfile.mkdtemp(prefix="gh-bench-")
        if not a.hash_rate or not os.path.exists(a.hash_rate):
            raise BenchError(f"no gh_hash_rate binary at {a.hash_rate} (built with "
                             "-DGH_BUILD_BENCH=ON, next to gh_micro_bench)")
        self.results["meta"] = meta(a)
        try:
            self.setup(self.workdir)
            if a.smoke:
                self.run_smoke()
            else:
                self.run_full()
            self.results["rss"]["peak_kib"] = rss_kib(self.gh.proc.pid, "VmHWM")
            self.results["rss"]["end_kib"] = rss_kib(self.gh.proc.pid)
        finally:
            PROCS.stop_all()
            if not a.keep:
                shutil.rmtree(self.workdir, ignore_errors=True)
        self.results["meta"]["loadavg_end"] = os.getloadavg()
        self.results["meta"]["finished"] = datetime.datetime.now().isoformat(timespec="seconds")
        return self.results

    def run_full(self):
        a = self.args
        log("warm-up: 1 s per server")
        for name, port in self.targets():
            run_wrk(port, "/get_roles", 32, 1, headers=self.variant_headers("valid", name))
        run_wrk(self.nginx.port, "/get_roles", 32, 1)
        only = set(a.only.split(",")) if a.only else None
        want = lambda s: only is None or s in only  # noqa: E731
        c32 = 32 if 32 in a.conns else max(a.conns)  # issue 15's figures are at 32
        want_pg, want_twonode = self.engines_available(want("pg"), want("twonode"))
        for rep in range(a.repeat):
            log(f"round {rep + 1} of {a.repeat}")
            if want("get_roles"):
                for c in a.conns:
                    self.static(c, rep)
                    for name, port in self.targets():
                        for variant in variants_for(name):
                            if name == "gatehouse" and variant == "valid" and c == max(a.conns):
                                with RssSampler(self.gh.proc.pid) as s:
                                    self.get_roles(name, port, variant, c, rep)
                                self.results["rss"].setdefault("at_max_conns_kib", []).append(
                                    s.max_kib)
                            else:
                                self.get_roles(name, port, variant, c, rep)
            if want("refresh"):
                for c in a.conns:
                    self.refresh_pair(c, rep)
            if want("passwordless"):
                for c in a.conns:
                    self.one_time_run("otp", c, rep)
                    self.one_time_run("magiclink", c, rep)
                    self.passkey_run(c, rep)
                for c in a.conns:
                    if not any(d["scenario"] == "get_roles" and d["target"] == "nginx" and
                               d["conns"] == c and d["rep"] == rep
                               for d in self.results["scenarios"]):
                        self.static(c, rep)  # the peer, when get_roles did not run
                    self.sending(c, rep)
            if want("signin"):
                for c in a.conns:
                    self.signin_pair(c, rep)
            if want("idle"):
                self.idle_run(32, rep, a.idle_connections)
            if want("es256"):
                for c in a.conns:
                    if not want("refresh"):
                        self.refresh_pair(c, rep)  # the RS256 figure of the same round
                    if not want("signin"):
                        self.signin_run(c, rep)
                    self.es256_run(c, rep)
            if want("mixed"):
                self.mixed("gatehouse", 32, rep)
                if self.baseline:
                    self.mixed("baseline", 32, rep)
            if want("flood"):
                self.flood("account", rep)
                if self.gh.trusts_proxies:
                    self.flood("spray", rep)
            if want_pg:
                self.pg_run(c32, rep)
            if want_twonode:
                self.twonode_run(c32, rep)
        if want("micro"):
            self.micro()

    def engines_available(self, pg, twonode):
        """Whether the pg and twonode scenarios asked for can run here; a line for each
        that cannot (and a note in RESULTS.md)."""
        why = pg_missing()
        if self.args.database_url:
            why = "the measured node runs on --database-url: no SQLite node to compare with"
        out = []
        for name, wanted, reason in (
                ("pg", pg, why),
                ("twonode", twonode, why or (None if haproxy_binary() else
                                             "no haproxy (apt-get install haproxy)"))):
            if wanted and reason:
                log(f"{name}: skipped: {reason}")
                self.results["skipped"].append(f"{name}: {reason}")
            out.append(wanted and not reason)
        return out

    def run_smoke(self):
        """Every scenario once, 1 s each, side by side: checks the plumbing, not speed."""
        ok_2xx = lambda d: d["requests"] > 0 and d["status_errors"] == 0  # noqa: E731
        all_401 = lambda d: d["requests"] > 0 and d["status_errors"] == d["requests"]  # noqa
        jobs = [("nginx static", lambda: self.static(1, 0), ok_2xx)]
        for name, port in self.targets():
            for variant in variants_for(name):
                jobs.append((f"{name} get_roles {variant}",
                             lambda n=name, p=port, v=variant: self.get_roles(n, p, v, 1, 0),
                             ok_2xx if variant == "valid" else all_401))
        jobs.append(("refresh + raw refresh rate", lambda: self.refresh_pair(2, 0), ok_2xx))
        jobs.append(("get_roles beside idle connections", lambda: self.idle_run(2, 0, 200),
                     lambda d: d["opened"] == 200 and d["errors"] == 0 and d["loaded_rps"] > 0))
        jobs.append(("otp verify", lambda: self.one_time_run("otp", 2, 0), ok_2xx))
        jobs.append(("magic-link verify", lambda: self.one_time_run("magiclink", 2, 0), ok_2xx))
        jobs.append(("passkey sign-in", lambda: self.passkey_run(2, 0), ok_2xx))
        jobs.append(("protected while codes are mailed", lambda: self.sending(2, 0), ok_2xx))
        # The PostgreSQL scenarios start a cluster (2-5 s) and their nodes while the others
        # run; a machine without PostgreSQL (or haproxy) skips them with a line.
        want_pg, want_twonode = self.engines_available(True, True)
        if want_pg:
            jobs.append(("PostgreSQL node: refresh, sign-in, protected",
                         lambda: self.pg_run(2, 0),
                         lambda d: min(d["pg_refresh_rps"], d["sqlite_refresh_rps"],
                                       d["signin_rps"], d["get_roles_rps"]) > 0))
        if want_twonode:
            jobs.append(("two PostgreSQL nodes behind HAProxy", lambda: self.twonode_run(2, 0),
                         lambda d: min(d["refresh_one"], d["refresh_two"], d["get_roles_one"],
                                       d["get_roles_two"]) > 0))
        # The sign-in scenarios run after the others, one at a time: side by side with
        # the request floods, the low-priority workers (nice 10) may not finish a single
        # hash inside a smoke's short window.
        hashing = [("signin + raw argon2id", lambda: self.signin_pair(1, 0),
                    lambda d: d["signin_rps"] > 0 and d["raw_rate"] > 0),
                   ("ES256 refresh and sign-in", lambda: self.es256_run(1, 0), ok_2xx),
                   ("protected under sign-in load", lambda: self.mixed("gatehouse", 2, 0),
                    lambda d: d["idle_rps"] > 0 and d["loaded_rps"] > 0 and
                    (d["signin_rps"] or 0) > 0 and d["loaded_status_errors"] == 0),
                   ("others during a wrong-password flood", lambda: self.flood("account", 0),
                    lambda d: d["attack_refused"] > 0 and d["signin_flood_rps"] > 0 and
                    d["refresh_flood_rps"] > 0)]

        def run_job(job):
            name, fn, valid = job
            try:
                r = fn()
                if not valid(r):
                    return name, f"no or wrong numbers: {json.dumps(r)[:300]}"
                return name, None
            except Exception as e:  # noqa: BLE001 -- reported per scenario
                return name, f"{type(e).__name__}: {e}"

        with concurrent.futures.ThreadPoolExecutor(max_workers=len(jobs)) as ex:
            outcomes = list(ex.map(run_job, jobs))
        outcomes += [run_job(job) for job in hashing]
        if self.args.micro and os.path.exists(self.args.micro):
            try:
                rows = self.micro()
                outcomes.append(("micro-benchmarks", None if rows else "no results"))
            except Exception as e:  # noqa: BLE001
                outcomes.append(("micro-benchmarks", str(e)))
        for name, err in outcomes:
            if err:
                self.results["failures"].append(f"{name}: {err}")
        self.results["smoke"] = [{"scenario": n, "error": e} for n, e in outcomes]


def meta(a):
    def sh(cmd):
        try:
            return subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT,
                                  timeout=10).stdout.strip()
        except Exception:  # noqa: BLE001
            return ""

    cpu = ""
    try:
        with open("/proc/cpuinfo") as f:
            cpu = next((ln.split(":", 1)[1].strip() for ln in f if ln.startswith("model name")),
                       "")
    except OSError:
        pass
    return {
        "started": datetime.datetime.now().isoformat(timespec="seconds"),
        "cpus": os.cpu_count(), "cpu": cpu, "kernel": os.uname().release,
        "commit": sh(["git", "rev-parse", "--short", "HEAD"]),
        # bench/flow_cost.json is written by bench/run.sh just before this run, so it does
        # not count as a change to the code measured.
        "dirty": bool(sh(["git", "status", "--porcelain", "--untracked-files=no", "--", ":/",
                          ":(top,exclude)bench/flow_cost.json"])),
        "wrk": sh(["wrk", "-v"]).splitlines()[0] if sh(["wrk", "-v"]) else "",
        "nginx": sh(["nginx", "-v"]) or subprocess.run(["nginx", "-v"], capture_output=True,
                                                        text=True).stderr.strip(),
        "loadavg_start": os.getloadavg(),
        "config": {"duration_s": a.duration, "signin_duration_s": a.signin_duration,
                   "repeat": a.repeat, "conns": a.conns, "io_threads": a.io_threads,
                   "workers": a.workers, "hash_concurrency": a.hash_concurrency,
                   "hash_in": a.hash_in,
                   "flask_workers": a.flask_workers,
                   "argon2_memory_kib": a.argon2_memory_kib,
                   "argon2_iterations": a.argon2_iterations,
                   "mixed_signin_conns": a.mixed_signin_conns, "accounts": a.accounts,
                   "flood_conns": a.flood_conns, "flood_signin_conns": a.flood_signin_conns,
                   "flood_refresh_conns": a.flood_refresh_conns,
                   "baseline": a.baseline or None},
    }


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--gatehouse", required=True, help="gatehouse binary")
    p.add_argument("--baseline", help="a second gatehouse binary measured as a peer "
                                      "(before/after comparisons of a change)")
    p.add_argument("--micro", help="gh_micro_bench binary (Google Benchmark)")
    p.add_argument("--hash-rate", help="gh_hash_rate binary (default: next to --micro)")
    p.add_argument("--refresh-rate", help="gh_refresh_rate binary (default: next to --micro)")
    p.add_argument("--smoke", action="store_true",
                   help="every scenario once, 1 s, in parallel; writes nothing in the tree")
    p.add_argument("--out", help="directory for RESULTS.md, results.json and the chart "
                                 "(default: bench/ for a full run, a temporary one for --smoke)")
    p.add_argument("--only", help="comma-separated subset: get_roles,refresh,passwordless,"
                   "signin,es256,idle,mixed,flood,pg,twonode,micro (pg and twonode need "
                   "PostgreSQL 15's server binaries; twonode also haproxy)")
    p.add_argument("--idle-connections", type=int, default=10000,
                   help="idle keep-alive connections held open in the idle scenario")
    p.add_argument("--database-url", default="",
                   help="run gatehouse on this PostgreSQL (an empty database or schema; "
                        "default: SQLite in the data directory)")
    p.add_argument("--duration", type=int, default=5, help="seconds per wrk run")
    p.add_argument("--signin-duration", type=int, default=10)
    p.add_argument("--hash-duration", type=float, default=3.0)
    p.add_argument("--repeat", type=int, default=3, help="rounds; tables show the median")
    p.add_argument("--conns", default="1,32,256")
    p.add_argument("--startups", type=int, default=5, help="warm starts timed")
    p.add_argument("--io-threads", type=int, default=os.cpu_count() or 1)
    p.add_argument("--workers", type=int, default=os.cpu_count() or 2)
    p.add_argument("--hash-concurrency", type=int, default=os.cpu_count() or 2,
                   help="Argon2id hashes at once in the server, and hashers of the raw rate")
    p.add_argument("--hash-in", choices=["processes", "threads"], default="processes",
                   help="where the server hashes (serve --hash-in); the raw rate hashes "
                        "the same way")
    p.add_argument("--flask-workers", type=int, default=os.cpu_count() or 2,
                   help="gunicorn workers (one per core)")
    p.add_argument("--argon2-memory-kib", type=int, default=19456)
    p.add_argument("--argon2-iterations", type=int, default=2)
    p.add_argument("--mixed-signin-conns", type=int, default=32)
    p.add_argument("--accounts", type=int, default=64,
                   help="accounts the sign-in scenarios spread over (signed up at start)")
    p.add_argument("--flood-conns", type=int, default=64,
                   help="the attacker's connections in the flood scenario")
    p.add_argument("--flood-signin-conns", type=int, default=4,
                   help="other users' sign-ins in flight during the flood")
    p.add_argument("--flood-refresh-conns", type=int, default=8,
                   help="other users' refreshes in flight during the flood")
    p.add_argument("--keep", action="store_true", help="keep the temporary work directory")
    a = p.parse_args()
    a.conns = [int(c) for c in a.conns.split(",")]
    if not a.hash_rate and a.micro:
        a.hash_rate = os.path.join(os.path.dirname(a.micro), "gh_hash_rate")
    if not a.refresh_rate and a.micro:
        a.refresh_rate = os.path.join(os.path.dirname(a.micro), "gh_refresh_rate")
    if a.smoke:
        # Sign-ins get 3 s: in a smoke every scenario runs at once, and one sign-in can wait
        # over a second behind the loaded scenario's, which left a 1 s window empty.
        a.duration, a.signin_duration, a.hash_duration, a.repeat, a.startups = 1, 3, 0.5, 1, 1
        a.accounts, a.flood_conns = min(a.accounts, 8), min(a.flood_conns, 8)

    def on_signal(signum, _frame):
        raise SystemExit(128 + signum)

    for s in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(s, on_signal)

    started = time.monotonic()
    bench = Bench(a)
    try:
        results = bench.run()
    except BenchError as e:
        log(f"FAILED: {e}")
        if a.smoke:
            print("0 passed, 1 failed (setup: start, users or preflight)")
        return 1
    finally:
        PROCS.stop_all()

    out = a.out or (tempfile.mkdtemp(prefix="gh-bench-smoke-") if a.smoke else HERE)
    os.makedirs(out, exist_ok=True)
    report.write(results, out, smoke=a.smoke)
    log(f"wrote {out}/RESULTS.md, results.json, throughput.svg "
        f"in {time.monotonic() - started:.1f} s")
    if a.smoke:
        smoke = results.get("smoke", [])
        failed = [s for s in smoke if s["error"]]
        for s in failed:
            log(f"FAIL {s['scenario']}: {s['error']}")
        print(f"{len(smoke) - len(failed)} passed, {len(failed)} failed")
        if not a.out:
            shutil.rmtree(out, ignore_errors=True)
        return 1 if failed or not smoke else 0
    return 0


if __name__ == "__main__":
    sys.dont_write_bytecode = True  # no __pycache__ in the source tree
    sys.path.insert(0, HERE)
    sys.exit(main())
