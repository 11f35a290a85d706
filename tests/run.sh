#!/usr/bin/env bash
# The whole test suite: a real engine, the spec freshness check, formatting,
# lints, documentation and every test of the workspace.
set -euo pipefail
cd "$(dirname "$0")/.."
eval "$(tests/engine/setup.sh)"
cargo xtask regen --check
cargo fmt --all --check
cargo clippy --workspace --all-targets -- -D warnings
cargo clippy -p docker-engine --no-default-features --all-targets -- -D warnings
cargo clippy -p docker-engine --all-features --all-targets -- -D warnings
RUSTDOCFLAGS="-D warnings" cargo doc --workspace --no-deps --quiet --features docker-engine/tls
# With TLS (off by default): its tests need it.
cargo test --workspace --features docker-engine/tls
# The SDK without its default features (no TLS, no simd-json), and the
# decode tests through serde_json alone.
cargo test -p docker-engine --no-default-features
cargo test -p docker-engine-raw --no-default-features --test decode
# The blocking client (its feature is off by default).
cargo test -p docker-engine --features blocking --test blocking
cargo test -p docker-engine --features blocking --doc -- blocking
# An application outside the workspace, built from the packaged crates next
# to its own reqwest (default features on and off) and rustls.
tests/downstream/run.sh
# One runnable example per area, against the local engine.
tests/examples.sh
# Every fuzz target for 5 seconds (nightly, cargo-fuzz).
tests/fuzz-smoke.sh 5
