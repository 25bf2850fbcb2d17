#!/usr/bin/env python3
"""Per-request costs of one gatehouse build that do not move with the machine's load:
instructions (callgrind), system calls (strace -c) or CPU time and blocking (cpu), for one
request kind at a time.

    bench/per_request.py --tool callgrind|strace|cpu BIN [--requests N] [--scenario S]

S is get_roles (a cached session check), refresh (each one rotates), otp or magiclink
(each spends a code / link minted for its own test user), or passkey (each finishes a
WebAuthn sign-in that bench/softkey.py started and answered). The server runs on 127.0.0.1
with a fresh data directory; what a scenario needs is prepared, 200 requests warm it up,
then the tool counts exactly N requests (4 keep-alive connections) and prints

    scenario=S requests=N instructions=I per_request=I/N profile=<callgrind file>
or
    scenario=S requests=N syscalls: pwrite64=… pread64=… fcntl=… (per request) table=<file>
or
    scenario=S requests=N cpu_us=… user_us=… sys_us=… blocks=… (per request)

cpu: the server's user + system CPU time (all threads, /proc/PID/stat) and its threads'
voluntary context switches (each a wait: a lock, a disk write, an idle worker) over the N
requests; one request at a time, so CPU per request barely moves with other load.

--database-url URL runs the server (and its setup commands) on that PostgreSQL database
instead of SQLite; it must be empty (a fresh one per run: the tool makes its own keys).
With --tool cpu the line then adds db_us, the CPU time of every `postgres` process on the
machine over the same requests (the backends and the server's own helpers), so run it
where no other PostgreSQL works meanwhile.

Compare two builds with the same N and scenario. wrk figures (bench/harness.py) are the
throughput; these say where a difference comes from."""
import argparse
import http.client
import json
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

PROJECT = "PperRequestBench000000000000000"
SCENARIOS = ("get_roles", "refresh", "otp", "magiclink", "passkey")


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


class Client:
    def __init__(self, port, conns=4):
        self.conns = [http.client.HTTPConnection("127.0.0.1", port, timeout=60)
                      for _ in range(conns)]

    def send(self, i, method, path, body=None, auth=PROJECT):
        c = self.conns[i % len(self.conns)]
        c.request(method, path, body=None if body is None else json.dumps(body),
                  headers={"Authorization": "Bearer " + auth,
                           "Content-Type": "application/json"})
        r = c.getresponse()
        data = r.read()
        if r.status != 200:
            sys.exit(f"per_request: {method} {path} answered {r.status}: {data[:200]!r}")
        return json.loads(data) if data else {}


def prepare(scenario, client, port, mgmt, password, k):
    """k request thunks for `scenario`, made before counting starts."""
    if scenario == "get_roles":
        token = client.send(0, "POST", "/v1/auth/password/signin",
                            {"loginId": "pr@bench.local", "password": password})["sessionJwt"]
        return [lambda i: client.send(i, "GET", "/get_roles", auth=token)] * k
    if scenario == "refresh":
        chain = [client.send(0, "POST", "/v1/auth/password/signin",
                             {"loginId": "pr@bench.local", "password": password})["refreshJwt"]]

        def rotate(i):  # one chain: each refresh carries the new token on
            chain[0] = client.send(i, "POST", "/v1/auth/refresh", {},
                                   auth=f"{PROJECT}:{chain[0]}")["refreshJwt"]
        return [rotate] * k
    if scenario in ("otp", "magiclink"):
        users = [f"pr{prepare.users + i}@bench.local" for i in range(k)]
        prepare.users += k
        bodies = []
        for i, u in enumerate(users):
            client.send(i, "POST", "/v1/mgmt/user/create/test",
                        {"loginId": u, "email": u, "verifiedEmail": True}, auth=mgmt)
            if scenario == "otp":
                a = client.send(i, "POST", "/v1/mgmt/tests/generate/otp",
                                {"loginId": u, "deliveryMethod": "email"}, auth=mgmt)
                bodies.append(("/v1/auth/otp/verify/email", {"loginId": u, "code": a["code"]}))
            else:
                a = client.send(i, "POST", "/v1/mgmt/tests/generate/magiclink",
                                {"loginId": u, "deliveryMethod": "email",
                                 "URI": f"http://localhost:{port}/verify"}, auth=mgmt)
                token = re.search(r"[?&]t=([^&#]+)", a["link"]).group(1)
                bodies.append(("/v1/auth/magiclink/verify", {"token": token}))
        return [lambda i, b=b: client.send(i, "POST", b[0], b[1]) for b in bodies]
    # passkey: started and answered now, finished while counting
    import softkey
    origin = f"http://localhost:{port}"
    if not prepare.key:
        prepare.key = softkey.SoftKey("localhost", origin)
        st = client.send(0, "POST", "/v1/auth/webauthn/signup/start",
                         {"user": {"loginId": "pk@bench.local"}, "origin": origin})
        client.send(0, "POST", "/v1/auth/webauthn/signup/finish",
                    {"transactionId": st["transactionId"],
                     "response": prepare.key.create(st["options"])})
    finishes = []
    for i in range(k):
        st = client.send(i, "POST", "/v1/auth/webauthn/signin/start",
                         {"loginId": "pk@bench.local", "origin": origin})
        finishes.append({"transactionId": st["transactionId"],
                         "response": prepare.key.get(st["options"])})
    return [lambda i, f=f: client.send(i, "POST", "/v1/auth/webauthn/signin/finish", f)
            for f in finishes]


prepare.users = 0
prepare.key = None


def wait_ready(port, proc, log):
    deadline = time.monotonic() + 60  # valgrind starts slowly
    while True:
        try:
            c = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
            c.request("GET", "/healthz")
            c.getresponse().read()
            c.close()
            return
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                sys.exit(f"per_request: the server did not start; see {log}")
            time.sleep(0.2)


def strace_table(path):
    """{syscall: calls} from strace -c's summary table."""
    calls = {}
    with open(path) as f:
        for line in f:
            cols = line.split()
            # % time, seconds, usecs/call, calls, [errors,] syscall
            if len(cols) >= 5 and re.fullmatch(r"[\d.]+", cols[0]) and cols[3].isdigit():
                calls[cols[-1]] = int(cols[3])
    return calls


def cpu_sample(pid):
    """(user ticks, system ticks, voluntary context switches of all threads) of pid."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    user, sys_ = int(fields[11]), int(fields[12])
    switches = 0
    for tid in os.listdir(f"/proc/{pid}/task"):
        try:
            with open(f"/proc/{pid}/task/{tid}/status") as f:
                for line in f:
                    if line.startswith("voluntary_ctxt_switches:"):
                        switches += int(line.split()[1])
        except FileNotFoundError:
            pass
    return user, sys_, switches


def postgres_ticks():
    """User + system ticks of every process named postgres (see --database-url)."""
    total = 0
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            with open(f"/proc/{pid}/stat") as f:
                head, tail = f.read().rsplit(")", 1)
        except (FileNotFoundError, ProcessLookupError):
            continue
        if head.split("(", 1)[1] == "postgres":
            fields = tail.split()
            total += int(fields[11]) + int(fields[12])
    return total


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("binary")
    p.add_argument("--tool", choices=("callgrind", "strace", "cpu"), required=True)
    p.add_argument("--requests", type=int, default=1000)
    p.add_argument("--scenario", choices=SCENARIOS, default="get_roles")
    p.add_argument("--database-url", default="",
                   help="an empty PostgreSQL database to run on instead of SQLite")
    a = p.parse_args()
    binary = os.path.realpath(a.binary)
    need = {"callgrind": "valgrind", "strace": "strace", "cpu": "true"}[a.tool]
    if subprocess.run(["sh", "-c", f"command -v {need}"], capture_output=True).returncode:
        sys.exit(f"per_request: {need} is not installed")

    work = tempfile.mkdtemp(prefix="gh-per-request-")
    data = os.path.join(work, "data")
    password = "PerRequest-" + os.urandom(6).hex() + "-Pw0"
    common = ["--data", data, "--project-id", PROJECT]
    if a.database_url:
        common += ["--database-url", a.database_url]
    subprocess.run([binary, "user", "add", *common, "--email", "pr@bench.local",
                    "--password-stdin", "--roles", "teacher"], input=password + "\n",
                   text=True, check=True, capture_output=True)
    mgmt_key = subprocess.run([binary, "mgmt-key", "create", *common, "--name", "bench"],
                              text=True, check=True, capture_output=True).stdout.split()[-1]
    mgmt = f"{PROJECT}:{mgmt_key}"
    port = free_port()
    # --hash-in threads: under valgrind the hashing helper would be valgrind itself; the
    # counted requests never hash anyway.
    serve = [binary, "serve", *common, "--hash-in", "threads", "--address", "127.0.0.1",
             "--port", str(port), "--session-ttl", "3600", "--web-dir",
             os.path.join(work, "no-web")]
    log = os.path.join(work, "server.log")
    if a.tool == "callgrind":
        serve = ["valgrind", "--tool=callgrind", "--instr-atstart=no",
                 f"--callgrind-out-file={work}/callgrind.out.%p"] + serve
    with open(log, "wb") as err:
        proc = subprocess.Popen(serve, stdout=subprocess.DEVNULL, stderr=err)
    try:
        wait_ready(port, proc, log)
        client = Client(port)
        warm = prepare(a.scenario, client, port, mgmt, password, 200)
        for i, f in enumerate(warm):
            f(i)
        counted = prepare(a.scenario, client, port, mgmt, password, a.requests)
        if a.tool == "callgrind":
            pid = str(proc.pid)
            subprocess.run(["callgrind_control", "-z", pid], check=True, capture_output=True)
            subprocess.run(["callgrind_control", "-i", "on", pid], check=True,
                           capture_output=True)
            for i, f in enumerate(counted):
                f(i)
            subprocess.run(["callgrind_control", "-i", "off", pid], check=True,
                           capture_output=True)
            subprocess.run(["callgrind_control", "-d", pid], check=True, capture_output=True)
            profile = f"{work}/callgrind.out.{pid}.1"
            out = subprocess.run(["callgrind_annotate", profile], capture_output=True,
                                 text=True).stdout
            m = re.search(r"([\d,]+)\s+\(100.0%\)\s+PROGRAM TOTALS", out) or re.search(
                r"([\d,]+)\s+PROGRAM TOTALS", out)
            total = int(m.group(1).replace(",", ""))
            print(f"scenario={a.scenario} requests={a.requests} instructions={total} "
                  f"per_request={total // a.requests} profile={profile}")
        elif a.tool == "cpu":
            before, db_before = cpu_sample(proc.pid), postgres_ticks()
            for i, f in enumerate(counted):
                f(i)
            time.sleep(0.3)  # the audit flusher's batch (≤ 100 ms) belongs to these requests
            after, db_after = cpu_sample(proc.pid), postgres_ticks()
            tick = os.sysconf("SC_CLK_TCK")
            user, sys_, blocks = ((after[k] - before[k]) for k in range(3))
            per = lambda ticks: ticks * 1e6 / tick / a.requests  # noqa: E731
            print(f"scenario={a.scenario} requests={a.requests} cpu_us={per(user + sys_):.0f} "
                  f"user_us={per(user):.0f} sys_us={per(sys_):.0f} "
                  f"blocks={blocks / a.requests:.1f}" +
                  (f" db_us={per(db_after - db_before):.0f}" if a.database_url else "") +
                  " (per request)")
        else:
            table = os.path.join(work, "strace.txt")
            tids = os.listdir(f"/proc/{proc.pid}/task")
            st = subprocess.Popen(["strace", "-c", "-o", table] +
                                  [w for t in tids for w in ("-p", t)],
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            time.sleep(1.0)  # attached to every thread before the first counted request
            for i, f in enumerate(counted):
                f(i)
            time.sleep(0.3)  # the audit flusher's batch (≤ 100 ms) belongs to these requests
            st.send_signal(signal.SIGINT)
            st.wait()
            calls = strace_table(table)
            keys = ("pwrite64", "pread64", "fcntl", "fdatasync", "futex", "write", "read")
            per = " ".join(f"{k}={calls.get(k, 0) / a.requests:.1f}" for k in keys)
            print(f"scenario={a.scenario} requests={a.requests} syscalls per request: {per} "
                  f"table={table}")
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()


if __name__ == "__main__":
    main()
