#!/usr/bin/env python3
"""Server time of a password sign-in through the sign-up-or-in flow against a direct
POST /v1/auth/password/signin, in one run (issue: the flow may cost at most 10 % more).

    bench/flow_cost.py [--bin build/release/gatehouse] [-n 30]

Starts a server on a fresh data directory, signs one account in n times each way
(alternating, so drift hits both), and adds up the server's own duration_us of every request
(from its request log): a flow sign-in is start + next(continue) + next(signIn).
ratio_parts_median adds the medians of those three requests, so one slow hash on a shared
machine moves it less than the median of whole flows."""
import argparse, json, os, subprocess, sys, tempfile, threading, time, urllib.request

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", default="build/release/gatehouse")
    ap.add_argument("-n", type=int, default=30)
    a = ap.parse_args()
    data = tempfile.mkdtemp(prefix="gh-flowcost-")
    os.chmod(data, 0o700)
    proc = subprocess.Popen([a.bin, "serve", "--port", "0", "--address", "127.0.0.1", "--data", data,
                             "--web-dir", "/nonexistent"], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    lines, ready = [], threading.Event()
    info = {}
    def read():
        for line in proc.stdout:
            try:
                j = json.loads(line)
            except ValueError:
                continue
            if j.get("msg") == "listening":
                info.update(port=j["port"], pid=j["project_id"]); ready.set()
            if j.get("msg") == "request":
                lines.append(j)
    threading.Thread(target=read, daemon=True).start()
    if not ready.wait(30):
        sys.exit("server did not start")
    base, pid = f"http://127.0.0.1:{info['port']}", info["pid"]
    def post(path, body):
        req = urllib.request.Request(base + path, json.dumps(body).encode(),
                                     {"Authorization": f"Bearer {pid}", "Content-Type": "application/json"})
        with urllib.request.urlopen(req) as r:
            return json.loads(r.read())
    email, pw = "bench.flow@example.com", "correct horse battery staple"
    post("/v1/auth/password/signup", {"loginId": email, "password": pw})
    marks = {"direct": [], "flow": []}
    parts = {"start": [], "continue": [], "signIn": []}
    for _ in range(a.n):
        for way in ("direct", "flow"):
            start = len(lines)
            if way == "direct":
                post("/v1/auth/password/signin", {"loginId": email, "password": pw})
                want = 1
            else:
                s = post("/v1/flow/start", {"flowId": "sign-up-or-in"})
                s = post("/v1/flow/next", {"executionId": s["executionId"], "stepId": s["stepId"],
                                           "interactionId": "continue", "input": {"email": email}})
                d = post("/v1/flow/next", {"executionId": s["executionId"], "stepId": s["stepId"],
                                           "interactionId": "signIn", "input": {"password": pw}})
                assert d["status"] == "completed", d
                want = 3
            deadline = time.time() + 5
            while len(lines) < start + want and time.time() < deadline:
                time.sleep(0.005)
            got = [j["duration_us"] for j in lines[start:start + want]]
            marks[way].append(sum(got))
            if way == "flow" and len(got) == 3:
                for k, v in zip(("start", "continue", "signIn"), got):
                    parts[k].append(v)
    proc.terminate(); proc.wait(10)
    med = lambda v: sorted(v)[len(v) // 2]
    d, f = med(marks["direct"]), med(marks["flow"])
    print(json.dumps({"n": a.n, "direct_us_median": d, "flow_us_median": f,
                      "direct_us_total": sum(marks["direct"]), "flow_us_total": sum(marks["flow"]),
                      "ratio_median": round(f / d, 3),
                      # Per-request medians: less moved by one slow hash than a sum's median.
                      "flow_parts_us_median": {k: med(v) for k, v in parts.items()},
                      "ratio_parts_median": round(sum(med(v) for v in parts.values()) / d, 3),
                      "ratio_total": round(sum(marks["flow"]) / sum(marks["direct"]), 3)}))

if __name__ == "__main__":
    main()
