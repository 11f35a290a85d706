#!/usr/bin/env bash
# Runs every fuzz target for SECONDS (default 60) each, seeded with its
# committed inputs (fuzz/regressions/TARGET, read only; new inputs go to
# fuzz/corpus/TARGET), and prints one line per target: runs, coverage,
# corpus size. Exits non-zero if any target failed (the failing input is
# in fuzz/artifacts/TARGET).
#   fuzz/run-all.sh 300          # every target
#   fuzz/run-all.sh 60 demux     # some
set -uo pipefail
cd "$(dirname "$0")"
secs="${1:-60}"
shift || true
targets="${*:-$(cargo +nightly fuzz list)}"
failed=0
for t in $targets; do
  log="$(mktemp)"
  mkdir -p "corpus/$t"
  cargo +nightly fuzz run -O "$t" "corpus/$t" "regressions/$t" -- \
    -max_total_time="$secs" -rss_limit_mb=2048 -timeout=20 >"$log" 2>&1
  status=$?
  stats="$(grep -E '^#[0-9]+.*(DONE|pulse)' "$log" | tail -1)"
  echo "$t: exit $status; $stats"
  if [ "$status" != 0 ]; then
    failed=1
    tail -40 "$log"
  fi
  rm -f "$log"
done
exit "$failed"
