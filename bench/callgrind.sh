#!/usr/bin/env bash
# Instructions per request of one build, counted by callgrind: the figure to compare two
# builds by, since it does not move with the machine's load (wrk figures do).
#
#   bench/callgrind.sh GATEHOUSE_BIN [requests] [get_roles|refresh|otp|magiclink|passkey]
#
# Prints `scenario=S requests=N instructions=I per_request=I/N profile=<callgrind file>`;
# read the profile with: callgrind_annotate --inclusive=yes <file> | less
# bench/per_request.py does the work (and counts system calls with --tool strace).
set -euo pipefail
bin="${1:?usage: bench/callgrind.sh GATEHOUSE_BIN [requests] [get_roles|refresh|otp|magiclink|passkey]}"
exec /usr/bin/python3 "$(dirname "$0")/per_request.py" --tool callgrind "$bin" \
  --requests "${2:-5000}" --scenario "${3:-get_roles}"
