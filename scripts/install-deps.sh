#!/usr/bin/env bash
# Installs the Debian packages the build and the tests need, only those missing.
# Usage: scripts/install-deps.sh [build|test|bench|fuzz]...
set -euo pipefail

build_pkgs=(g++ cmake make pkg-config clang-format libboost1.81-dev libboost-json1.81-dev libboost-url1.81-dev
  libssl-dev libsodium-dev libsqlite3-dev libcurl4-openssl-dev libcrack2-dev cracklib-runtime
  libqrencode-dev libpng-dev libcbor-dev libpq-dev zlib1g-dev
  nodejs npm)
test_pkgs=(libgtest-dev libgmock-dev python3 python3-jwt python3-cryptography python3-flask chromium
  python3-aiosmtpd postgresql haproxy)
bench_pkgs=(wrk nginx-light gunicorn python3-flask python3-jwt python3-cryptography gnuplot-nox
  libbenchmark-dev valgrind)
# The fuzz build (make fuzz): clang and its runtime libraries, libFuzzer included.
fuzz_pkgs=(clang libclang-rt-14-dev)

want=("${build_pkgs[@]}")
for group in "$@"; do
  case "$group" in
    build) ;;
    test) want+=("${test_pkgs[@]}") ;;
    bench) want+=("${test_pkgs[@]}" "${bench_pkgs[@]}") ;;
    fuzz) want+=("${fuzz_pkgs[@]}") ;;
    *) echo "install-deps: unknown group '$group'" >&2; exit 2 ;;
  esac
done

missing=()
for p in "${want[@]}"; do
  # nodejs/npm may come from outside Debian (e.g. a newer Node on the machine).
  if [[ $p == nodejs ]] && command -v node >/dev/null; then continue; fi
  if [[ $p == npm ]] && command -v npm >/dev/null; then continue; fi
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if ((${#missing[@]} > 0)); then
  echo "install-deps: installing ${missing[*]}"
  SUDO=""
  if [[ $(id -u) -ne 0 ]]; then SUDO="sudo"; fi
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# The web build (Vite 8) needs Node.js 20.19 or newer; Debian 12's own nodejs is 18.
if ! node -e 'const [a,b]=process.versions.node.split(".").map(Number); process.exit(a>20||(a==20&&b>=19)?0:1)'; then
  echo "install-deps: Node.js $(node --version 2>/dev/null || echo none) found; the web app needs 20.19 or newer" >&2
  exit 1
fi
