#!/usr/bin/env bash
# Runs every libFuzzer target of the fuzz build (tests/fuzz) for a while; `make fuzz`.
#   scripts/fuzz.sh BUILD_DIR SECONDS [target...]
# Each target starts from its checked-in seeds (tests/fuzz/<target>/corpus, read only) and
# keeps what it finds in BUILD_DIR/fuzz-work/<target>, so a longer run resumes from there.
# A crash, leak, UB report or timeout stops with its input in BUILD_DIR/fuzz-artifacts:
# reproduce with `BUILD_DIR/tests/fuzz/fuzz_<target> <file>`, then add it to the seeds and fix.
set -euo pipefail
cd "$(dirname "$0")/.."
dir=${1:?build dir}
seconds=${2:?seconds per target}
shift 2
targets=("$@")
if ((${#targets[@]} == 0)); then targets=(jwt jwks router http_request api); fi
mkdir -p "$dir/fuzz-artifacts"
for t in "${targets[@]}"; do
  work="$dir/fuzz-work/$t"
  mkdir -p "$work"
  echo "fuzz: $t for ${seconds}s"
  # -timeout: one input taking over 10 s is a finding (a hang); -rss_limit_mb: so is a
  # process over 2 GiB. Output goes to a log, the summary to the terminal.
  if ! "$dir/tests/fuzz/fuzz_$t" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
      -print_final_stats=1 -artifact_prefix="$dir/fuzz-artifacts/$t-" \
      "$work" "tests/fuzz/$t/corpus" >"$dir/fuzz-$t.log" 2>&1; then
    tail -n 60 "$dir/fuzz-$t.log" >&2
    echo "fuzz: $t FAILED; input in $dir/fuzz-artifacts/, log $dir/fuzz-$t.log" >&2
    exit 1
  fi
  grep -E '^stat::number_of_executed_units|^stat::peak_rss_mb' "$dir/fuzz-$t.log" | tr '\n' ' '
  echo
done
