#!/usr/bin/env bash
# Makes a real Docker Engine reachable for the tests, and builds the local
# test image. Safe to run again: it reuses an engine that already answers.
#
#   tests/engine/setup.sh          # prints `export DOCKER_HOST=...` on success
#
# Order: the engine DOCKER_HOST names, else the default socket, else (as root
# on Debian) install docker.io and start dockerd with its own pid file.
# No registry is reachable from these machines, so the test image is built
# FROM scratch around Debian's busybox-static.
set -euo pipefail

TEST_IMAGE="${TEST_IMAGE:-docker-engine-rs-test/busybox:latest}"
STATE_DIR="${ENGINE_STATE_DIR:-/tmp/docker-engine-rs-engine}"
SOCK_DEFAULT=/var/run/docker.sock

log() { echo "engine: $*" >&2; }

answers() { # $1: docker host
  DOCKER_HOST="$1" timeout 10 docker version --format '{{.Server.APIVersion}}' >/dev/null 2>&1
}

need_pkg() { # $1: command, $2: package
  command -v "$1" >/dev/null 2>&1 && return 0
  if [ "$(id -u)" != 0 ]; then
    log "$1 is missing and this is not root: install $2"; return 1
  fi
  if [ ! -f "$STATE_DIR/apt-updated" ]; then
    mkdir -p "$STATE_DIR"
    apt-get update -qq >&2 && touch "$STATE_DIR/apt-updated"
  fi
  log "installing $2"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$2" >&2
}

host="${DOCKER_HOST:-unix://$SOCK_DEFAULT}"
if command -v docker >/dev/null 2>&1 && answers "$host"; then
  log "using the engine at $host"
else
  need_pkg dockerd docker.io
  need_pkg docker docker.io
  if [ -n "${DOCKER_HOST:-}" ] && [ "$DOCKER_HOST" != "unix://$SOCK_DEFAULT" ]; then
    log "DOCKER_HOST=$DOCKER_HOST does not answer; starting a local engine on $SOCK_DEFAULT instead"
  fi
  mkdir -p "$STATE_DIR"
  log "starting dockerd (log: $STATE_DIR/dockerd.log)"
  # Our own pid file, so that only this dockerd is ever stopped by us.
  nohup dockerd --host "unix://$SOCK_DEFAULT" --pidfile "$STATE_DIR/dockerd.pid" \
    >"$STATE_DIR/dockerd.log" 2>&1 </dev/null &
  host="unix://$SOCK_DEFAULT"
  for _ in $(seq 1 60); do
    answers "$host" && break
    sleep 1
  done
  answers "$host" || { log "dockerd did not come up:"; tail -20 "$STATE_DIR/dockerd.log" >&2; exit 1; }
  log "dockerd is up"
fi
export DOCKER_HOST="$host"

if ! docker image inspect "$TEST_IMAGE" >/dev/null 2>&1; then
  need_pkg busybox busybox-static
  ctx="$(mktemp -d)"
  cp "$(command -v busybox)" "$ctx/busybox"
  cat >"$ctx/Dockerfile" <<'DOCKERFILE'
FROM scratch
COPY busybox /bin/busybox
RUN ["/bin/busybox", "--install", "-s", "/bin"]
LABEL org.docker-engine-rs.test=true
CMD ["sh"]
DOCKERFILE
  log "building $TEST_IMAGE"
  DOCKER_BUILDKIT=0 docker build -q -t "$TEST_IMAGE" "$ctx" >&2
  rm -rf "$ctx"
fi
echo "export DOCKER_HOST=$host"
