#!/usr/bin/env bash
# A short run of every fuzz target (cargo fuzz on the nightly toolchain),
# seeded with its committed inputs. Installs cargo-fuzz if it is missing.
#   tests/fuzz-smoke.sh [SECONDS]      # 10 s per target by default
set -euo pipefail
cd "$(dirname "$0")/.."
if ! cargo +nightly --version >/dev/null 2>&1; then
  echo "fuzz smoke: no nightly toolchain (rustup toolchain install nightly)" >&2
  exit 1
fi
if ! cargo fuzz --version >/dev/null 2>&1; then
  echo "fuzz smoke: installing cargo-fuzz" >&2
  cargo install cargo-fuzz --locked --quiet
fi
(cd fuzz && cargo +nightly fuzz build -O >/dev/null 2>&1) || (cd fuzz && cargo +nightly fuzz build -O)
fuzz/run-all.sh "${1:-10}"
