#!/usr/bin/env bash
# Gatehouse benchmarks. See bench/README.md.
#
#   bench/run.sh                 full run (make bench): builds build/bench, measures for
#                                about 12 minutes (4 more with PostgreSQL), writes bench/RESULTS.md,
#                                bench/results.json and bench/throughput.svg
#   bench/run.sh --smoke         every scenario once, 1 s, in parallel (make test): about
#                                13 s, writes nothing in the tree, ends with "N passed, N
#                                failed" and exits non-zero if a scenario fails
#   bench/run.sh --only get_roles --repeat 1 --baseline /path/to/old/gatehouse
#                                a subset, with an older build measured as a peer
#
# Environment: GATEHOUSE_BIN (server binary; the full run builds its own unless set),
# GH_MICRO_BIN (micro-benchmark binary; gh_hash_rate is taken from the same directory), BENCH_BUILD_DIR (default build/bench),
# JOBS (compile jobs, default 2). Other flags: bench/harness.py --help.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$here")"
smoke=0
for arg in "$@"; do
  [[ "$arg" == "--smoke" ]] && smoke=1
done

missing=()
for tool in wrk nginx gunicorn gnuplot; do
  command -v "$tool" >/dev/null 2>&1 || [[ -x "/usr/sbin/$tool" ]] || missing+=("$tool")
done
/usr/bin/python3 -c 'import flask, jwt, cryptography' 2>/dev/null ||
  missing+=("python3-flask/python3-jwt")
if ((${#missing[@]})); then
  echo "bench: missing ${missing[*]} -- run: scripts/install-deps.sh bench" >&2
  echo "       (Debian: wrk nginx-light gunicorn python3-flask python3-jwt gnuplot-nox)" >&2
  exit 2
fi

bin="${GATEHOUSE_BIN:-}"
micro="${GH_MICRO_BIN:-}"
if ((smoke)); then
  # make test has just built the server; use it as is.
  if [[ -z "$bin" ]]; then
    for candidate in "$root/build/gatehouse" "$root/build/release/gatehouse"; do
      [[ -x "$candidate" ]] && { bin="$candidate"; break; }
    done
  fi
  if [[ -z "$micro" ]]; then
    for candidate in "$(dirname "${bin:-/nonexistent}")/bench/gh_micro_bench" \
      "$root/build/release/bench/gh_micro_bench" "$root/build/bench/bench/gh_micro_bench"; do
      [[ -x "$candidate" ]] && { micro="$candidate"; break; }
    done
  fi
else
  build="${BENCH_BUILD_DIR:-$root/build/bench}"
  if [[ ! -f "$build/CMakeCache.txt" ]]; then
    cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Release -DGH_BUILD_TESTS=OFF \
      -DGH_BUILD_BENCH=ON >/dev/null
  fi
  targets=(--target gh_micro_bench --target gh_hash_rate)
  [[ -z "$bin" ]] && targets+=(--target gatehouse)
  cmake --build "$build" -j "${JOBS:-2}" "${targets[@]}"
  bin="${bin:-$build/gatehouse}"
  micro="${micro:-$build/bench/gh_micro_bench}"
fi
if [[ -z "$bin" || ! -x "$bin" ]]; then
  echo "bench: no gatehouse binary (build it first, or set GATEHOUSE_BIN)" >&2
  exit 2
fi

# A password sign-in through the sign-up-or-in flow against a direct one, in one run (a few
# seconds; docs/flows.md): bench/flow_cost.json.
# The smoke checks it runs and writes nothing in the tree.
if ((smoke)); then
  /usr/bin/python3 "$here/flow_cost.py" --bin "$bin" -n 3 >/dev/null
else
  /usr/bin/python3 "$here/flow_cost.py" --bin "$bin" -n 20 | tee "$here/flow_cost.json"
fi

# harness.py stops everything it started (try/finally and SIGINT/SIGTERM handlers); exec
# hands it this process so a Ctrl-C or a kill reaches it directly.
exec /usr/bin/python3 "$here/harness.py" --gatehouse "$bin" ${micro:+--micro "$micro"} "$@"
