#!/usr/bin/env bash
# Runs the quickstart example against the local engine, setting one up
# (and the local test image) where it can.
set -euo pipefail
cd "$(dirname "$0")/.."
eval "$(ENGINE_EXTRAS=0 tests/engine/setup.sh)"
exec cargo run -q -p docker-engine --example quickstart -- "$@"
