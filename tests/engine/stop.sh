#!/usr/bin/env bash
# Stops what tests/engine/setup.sh started, by the pid files it wrote; an
# engine it found already running is left alone.
STATE_DIR="${ENGINE_STATE_DIR:-/tmp/docker-engine-rs-engine}"
for pidfile in "$STATE_DIR/swarm2/dockerd.pid" "$STATE_DIR/swarm/dockerd.pid" "$STATE_DIR/registry-open/registry.pid" "$STATE_DIR/registry-auth/registry.pid" "$STATE_DIR/ssh/sshd.pid" "$STATE_DIR/tls/dockerd.pid" "$STATE_DIR/dockerd.pid"; do
  [ -f "$pidfile" ] || continue
  pid="$(cat "$pidfile")"
  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
    echo "stopping $pid ($pidfile)"
    kill "$pid"
  fi
done
