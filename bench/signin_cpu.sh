#!/usr/bin/env bash
# CPU time per sign-in, split between the server process and its password hashing helpers:
# steadier than throughput on a shared machine, and it says where a sign-in's cost goes.
#
#   bench/signin_cpu.sh [gatehouse binary] [seconds] [connections] [extra serve flags...]
#   bench/signin_cpu.sh build/bench/gatehouse 8 32
#   bench/signin_cpu.sh build/bench/gatehouse 8 32 --hash-in threads
#
# Prints sign-ins/s, then ms of CPU per sign-in for the server and for the helpers (from
# /proc/<pid>/stat before and after the wrk run), and the share of both cores they used.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
bin="${1:-$here/../build/bench/gatehouse}"
seconds="${2:-8}"
conns="${3:-32}"
shift $(($# < 3 ? $# : 3))
command -v wrk >/dev/null || { echo "signin_cpu: needs wrk (scripts/install-deps.sh bench)" >&2; exit 2; }
[[ -x "$bin" ]] || { echo "signin_cpu: no gatehouse binary at $bin" >&2; exit 2; }

work="$(mktemp -d)"
port=$((20000 + RANDOM % 20000))
server=""
cleanup() {
  [[ -n "$server" ]] && kill "$server" 2>/dev/null && wait "$server" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT

password="Bench-password-1"
echo "$password" | "$bin" user add --data "$work/data" --project-id Pbench --email bench@example.com \
  --password-stdin >/dev/null
"$bin" serve --address 127.0.0.1 --port "$port" --data "$work/data" --project-id Pbench \
  --web-dir "$work/none" "$@" >/dev/null 2>"$work/err" &
server=$!
for _ in $(seq 100); do
  curl -fs "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break
  sleep 0.05
done

ticks() {  # user + system clock ticks of the given processes
  local sum=0 p
  for p in "$@"; do
    sum=$((sum + $(awk '{sub(/.*\) /, ""); print $12 + $13}' "/proc/$p/stat")))
  done
  echo "$sum"
}
helpers=$(pgrep -P "$server" | tr '\n' ' ' || true)
s0=$(ticks "$server")
h0=$(ticks $helpers)
out=$(GH_BENCH_BODY="{\"loginId\":\"bench@example.com\",\"password\":\"$password\"}" \
  GH_BENCH_AUTH="Bearer Pbench" wrk -t1 -c"$conns" -d"${seconds}s" --timeout 60s \
  -s "$here/lua/post_json.lua" "http://127.0.0.1:$port/v1/auth/password/signin")
s1=$(ticks "$server")
h1=$(ticks $helpers)
requests=$(awk '/requests in/ {print $1}' <<<"$out")
hz=$(getconf CLK_TCK)
awk -v r="$requests" -v s="$seconds" -v sv=$((s1 - s0)) -v hv=$((h1 - h0)) -v hz="$hz" \
  -v cores="$(nproc)" 'BEGIN {
    printf "%.1f sign-ins/s; CPU per sign-in: server %.2f ms, helpers %.2f ms; both cores used %.0f %%\n",
      r / s, 1000 * sv / hz / r, 1000 * hv / hz / r, 100 * (sv + hv) / hz / (s * cores)
  }'
