#!/usr/bin/env bash
# Runs every fuzz target for SECONDS (default 60) each and prints one line
# per target: runs, coverage, corpus size, and whether it crashed.
#   fuzz/run-all.sh 300
set -uo pipefail
cd "$(dirname "$0")"
secs="${1:-60}"
for t in $(cargo +nightly fuzz list); do
  log="$(mktemp)"
  cargo +nightly fuzz run -O "$t" -- -max_total_time="$secs" -rss_limit_mb=2048 >"$log" 2>&1
  status=$?
  stats="$(grep -E '^#[0-9]+.*(DONE|pulse)' "$log" | tail -1)"
  echo "$t: exit $status; $stats"
  [ "$status" = 0 ] || tail -40 "$log"
  rm -f "$log"
done
