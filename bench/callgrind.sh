#!/usr/bin/env bash
# Instructions per cached GET /get_roles (or per POST /v1/auth/refresh), counted by
# callgrind: the figure to compare two builds by, since it does not move with the
# machine's load (wrk figures do).
#
#   bench/callgrind.sh build/bench/gatehouse [requests] [get_roles|refresh|passkey]
#
# Starts the server under valgrind on 127.0.0.1 with a fresh data directory, signs in
# once, warms up, turns instrumentation on for exactly N requests (default 5000, over 4
# keep-alive connections; for `passkey`, N WebAuthn sign-in finishes whose ceremonies were
# started and answered by bench/softkey.py before counting began), dumps, stops the server, and prints
#   requests=N instructions=I per_request=I/N profile=<callgrind file>
# Read the profile with: callgrind_annotate --inclusive=yes <file> | less
set -euo pipefail

bin="$(realpath "${1:?usage: bench/callgrind.sh GATEHOUSE_BIN [requests] [get_roles|refresh|passkey]}")"
requests="${2:-5000}"
scenario="${3:-get_roles}"
case "$scenario" in get_roles|refresh|passkey) ;; *) echo "callgrind.sh: unknown scenario $scenario" >&2; exit 2;; esac
command -v valgrind >/dev/null || { echo "callgrind.sh: valgrind is not installed" >&2; exit 2; }

work="$(mktemp -d /tmp/gh-callgrind-XXXXXX)"
vpid=""
cleanup() {
  if [[ -n "$vpid" ]] && kill -0 "$vpid" 2>/dev/null; then
    kill "$vpid" 2>/dev/null || true
    wait "$vpid" 2>/dev/null || true
  fi
}
trap cleanup EXIT

project="PcallgrindBench0000000000000000"
password="Callgrind-$RANDOM-Passw0rd"
port="$(/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
echo "$password" | "$bin" user add --data "$work/data" --project-id "$project" \
  --email cg@bench.local --password-stdin --roles teacher >/dev/null

# --hash-in threads: helper processes are the binary run again through /proc/self/exe,
# which under valgrind is valgrind itself; the measured request never hashes anyway.
valgrind --tool=callgrind --instr-atstart=no --callgrind-out-file="$work/callgrind.out.%p" \
  "$bin" serve --hash-in threads --address 127.0.0.1 --port "$port" --data "$work/data" --project-id "$project" \
  --session-ttl 3600 --web-dir "$work/no-web" >/dev/null 2>"$work/valgrind.log" &
vpid=$!

PYTHONPATH="$(dirname "$0")" /usr/bin/python3 - "$port" "$project" "$password" "$requests" "$vpid" "$work" "$scenario" <<'PY'
import http.client, json, subprocess, sys, time
port, project, password, n, vpid, work, scenario = sys.argv[1:8]
port, n = int(port), int(n)
deadline = time.monotonic() + 60
while True:  # valgrind starts slowly; bounded by the deadline
    try:
        c = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        c.request("GET", "/healthz"); c.getresponse().read(); c.close()
        break
    except OSError:
        if time.monotonic() > deadline:
            sys.exit("server did not start; see " + work + "/valgrind.log")
        time.sleep(0.2)
c = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
c.request("POST", "/v1/auth/password/signin",
          body=json.dumps({"loginId": "cg@bench.local", "password": password}),
          headers={"Authorization": "Bearer " + project, "Content-Type": "application/json"})
r = c.getresponse(); body = r.read()
assert r.status == 200, body
token = json.loads(body)["sessionJwt"]
refresh = [json.loads(body)["refreshJwt"]]
conns = [http.client.HTTPConnection("127.0.0.1", port, timeout=10) for _ in range(4)]
def post(cc, path, body):
    cc.request("POST", path, body=json.dumps(body),
               headers={"Authorization": "Bearer " + project, "Content-Type": "application/json"})
    rr = cc.getresponse(); b = rr.read()
    assert rr.status == 200, (path, rr.status, b)
    return json.loads(b)
finishes = []
def ceremonies(k):  # passkey: started and answered now, finished while counting
    import softkey
    origin = f"http://localhost:{port}"
    if not ceremonies.key:
        ceremonies.key = softkey.SoftKey("localhost", origin)
        st = post(conns[0], "/v1/auth/webauthn/signup/start",
                  {"user": {"loginId": "pk@bench.local"}, "origin": origin})
        post(conns[0], "/v1/auth/webauthn/signup/finish",
             {"transactionId": st["transactionId"], "response": ceremonies.key.create(st["options"])})
    for i in range(k):
        st = post(conns[i % 4], "/v1/auth/webauthn/signin/start",
                  {"loginId": "pk@bench.local", "origin": origin})
        finishes.append({"transactionId": st["transactionId"],
                         "response": ceremonies.key.get(st["options"])})
ceremonies.key = None
def run(k):
    if scenario == "passkey":
        ceremonies(k)
        subprocess.run(["callgrind_control", "-i", "on", vpid], check=True, capture_output=True)
        for i in range(k):
            post(conns[i % 4], "/v1/auth/webauthn/signin/finish", finishes.pop())
        return
    for i in range(k):
        cc = conns[i % 4]
        if scenario == "refresh":  # each refresh rotates: carry the new token on
            cc.request("POST", "/v1/auth/refresh", body="{}",
                       headers={"Authorization": f"Bearer {project}:{refresh[0]}"})
        else:
            cc.request("GET", "/get_roles", headers={"Authorization": "Bearer " + token})
        rr = cc.getresponse(); b = rr.read()
        assert rr.status == 200, (rr.status, b)
        if scenario == "refresh":
            refresh[0] = json.loads(b)["refreshJwt"]
run(200)  # warm-up: connections open, token cached
subprocess.run(["callgrind_control", "-i", "off", vpid], check=True, capture_output=True)
subprocess.run(["callgrind_control", "-z", vpid], check=True, capture_output=True)
if scenario != "passkey":
    subprocess.run(["callgrind_control", "-i", "on", vpid], check=True, capture_output=True)
run(n)
subprocess.run(["callgrind_control", "-i", "off", vpid], check=True, capture_output=True)
subprocess.run(["callgrind_control", "-d", vpid], check=True, capture_output=True)
PY

profile="$work/callgrind.out.$vpid.1"
total="$(callgrind_annotate "$profile" 2>/dev/null | awk '/PROGRAM TOTALS/ {gsub(",", "", $1); print $1}')"
echo "scenario=$scenario requests=$requests instructions=$total per_request=$((total / requests)) profile=$profile"
