#!/usr/bin/env bash
# Builds and runs an application outside the workspace against the crates
# as `cargo package` makes them (no path into the repository, no ../shared,
# no workspace), with reqwest's default features on and off and the SDK with and
# without TLS, and checks that `cargo publish --dry-run` accepts both crates.
#
#   tests/downstream/run.sh        # needs DOCKER_HOST (tests/engine/setup.sh)
set -euo pipefail
cd "$(dirname "$0")/../.."
root="$PWD"
work="$root/target/downstream"
rm -rf "$work/crates" "$work/app-"*
mkdir -p "$work/crates"

rm -f target/package/docker-engine-*.crate
cargo publish --dry-run --workspace --exclude xtask --no-verify --allow-dirty --quiet 2>&1 \
  | grep -v -e '^warning: ignoring ' -e 'aborting upload due to dry run' >&2 || true
cargo package --workspace --exclude xtask --no-verify --allow-dirty --quiet 2>/dev/null
for crate in target/package/docker-engine-raw-*.crate target/package/docker-engine-[0-9]*.crate; do
  tar xzf "$crate" -C "$work/crates"
done
raw="$(ls -d "$work"/crates/docker-engine-raw-*)"
sdk="$(ls -d "$work"/crates/docker-engine-[0-9]*)"

# reqwest's default features on or off, beside the SDK with or without TLS.
for combo in "true tls" "false tls" "true none" "false none"; do
  read -r defaults tls <<<"$combo"
  features='[]'
  [ "$tls" = tls ] && features='["tls"]'
  app="$work/app-reqwest-defaults-$defaults-sdk-$tls"
  mkdir -p "$app"
  cp -r tests/downstream/app/src "$app/"
  # Start from the workspace's lock file: the same versions as the tests.
  cp Cargo.lock "$app/"
  cat >"$app/Cargo.toml" <<TOML
[package]
name = "downstream-app"
version = "0.0.0"
edition = "2021"
publish = false

[workspace]

[dependencies]
docker-engine = { path = "$sdk", features = $features }
reqwest = { version = "0.13", default-features = $defaults }
rustls = "0.23"
tokio = { version = "1", features = ["rt-multi-thread", "macros", "net", "io-util"] }

[patch.crates-io]
docker-engine-raw = { path = "$raw" }
TOML
  echo "downstream: reqwest default-features = $defaults, SDK features = $features" >&2
  # The workspace's target directory: the dependencies are already built.
  (cd "$app" && CARGO_TARGET_DIR="$root/target" cargo run --quiet --bin downstream-app)
done
