#!/usr/bin/env bash
# Runs every example against the local engine (the test command calls it
# after tests/engine/setup.sh; each example removes what it made).
set -euo pipefail
cd "$(dirname "$0")/.."
run() { echo "example: $*" >&2; cargo run -q -p docker-engine --example "$@"; }
run quickstart
run exec_archive
run build_progress
run networks_volumes
run events
if [ -n "${DOCKER_ENGINE_RS_REGISTRY:-}" ]; then
  run images_registry -- "$DOCKER_ENGINE_RS_REGISTRY"
else
  echo "example: images_registry skipped (no DOCKER_ENGINE_RS_REGISTRY)" >&2
  [ -z "${CI:-}" ] || exit 1
fi
# The swarm example on the swarm test engine (never the main engine).
if [ -n "${DOCKER_ENGINE_RS_SWARM_HOST:-}" ]; then
  DOCKER_HOST="$DOCKER_ENGINE_RS_SWARM_HOST" run swarm_services -- --init
else
  echo "example: swarm_services skipped (no DOCKER_ENGINE_RS_SWARM_HOST)" >&2
  [ -z "${CI:-}" ] || exit 1
fi
