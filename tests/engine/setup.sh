#!/usr/bin/env bash
# Makes a real Docker Engine reachable for the tests, and builds the local
# test image. Safe to run again: it reuses an engine that already answers.
#
#   eval "$(tests/engine/setup.sh)"    # prints the exports below on success
#
# Besides the main engine, where it can (as root) it also starts, for the
# transport tests, each with its own state under $ENGINE_STATE_DIR:
# - a second dockerd on 127.0.0.1 with --tlsverify and certificates made
#   here (own socket, pid file, data-root and exec-root; it shares docker0
#   and never runs containers: `--bridge none` would delete docker0), and
# - sshd on 127.0.0.1 with a key made here, through which
#   `docker system dial-stdio` reaches the main engine, and
# - two local registries (Debian's docker-registry) on 127.0.0.1, one open
#   and one with htpasswd basic auth (a user and password made here).
# Exports: DOCKER_HOST, DOCKER_ENGINE_RS_TLS_HOST, DOCKER_ENGINE_RS_TLS_CERTS
# (a directory with ca.pem, cert.pem, key.pem), DOCKER_ENGINE_RS_WRONG_CA,
# DOCKER_ENGINE_RS_SSH_HOST, DOCKER_ENGINE_RS_SSH_PROGRAM,
# DOCKER_ENGINE_RS_REGISTRY (open, host:port), DOCKER_ENGINE_RS_REGISTRY_AUTH
# (basic auth, host:port), DOCKER_ENGINE_RS_REGISTRY_USER,
# DOCKER_ENGINE_RS_REGISTRY_PASSWORD.
# - two more dockerds for the swarm tests (never the main engine in swarm
#   mode), each with its own socket, pid file, data-root, exec-root and
#   bridge (dre-sw0-TAG, dre-sw1-TAG, TAG from the state directory;
#   docker_gwbridge made on each with its own interface, dre-gw0/1-TAG,
#   before any swarm exists), --iptables=false,
#   the test image loaded. They start in no swarm: the tests init, join and
#   leave. Exports DOCKER_ENGINE_RS_SWARM_HOST, DOCKER_ENGINE_RS_SWARM2_HOST
#   and DOCKER_ENGINE_RS_SWARM_RESTART, DOCKER_ENGINE_RS_SWARM2_RESTART
#   (scripts that restart each, by its pid file: for the autolock test,
#   and to recover an engine whose leave hangs).
# tests/engine/stop.sh stops what this script started (by pid file only).
#
# Order: the engine DOCKER_HOST names, else the default socket, else (as root
# on Debian) install docker.io and start dockerd with its own pid file.
# No registry is reachable from these machines, so the test image is built
# FROM scratch around Debian's busybox-static. Its tag changes with its
# Dockerfile, so an old build is never taken for the current one.
set -euo pipefail

TEST_IMAGE="${TEST_IMAGE:-docker-engine-rs-test/busybox:2}"
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
  # The image has no libraries: only a statically linked busybox runs in it.
  if ! dpkg -s busybox-static >/dev/null 2>&1; then
    if [ "$(id -u)" != 0 ]; then log "busybox-static is missing and this is not root"; exit 1; fi
    [ -f "$STATE_DIR/apt-updated" ] || { mkdir -p "$STATE_DIR"; apt-get update -qq >&2 && touch "$STATE_DIR/apt-updated"; }
    log "installing busybox-static"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq busybox-static >&2
  fi
  ctx="$(mktemp -d)"
  cp "$(dpkg -L busybox-static | grep -m1 '/bin/busybox$')" "$ctx/busybox"
  cat >"$ctx/Dockerfile" <<'DOCKERFILE'
FROM scratch
COPY busybox /bin/busybox
RUN ["/bin/busybox", "--install", "-s", "/bin"]
RUN ["/bin/sh", "-c", "mkdir -p /tmp /var/tmp /srv /root /home && chmod 1777 /tmp /var/tmp"]
LABEL org.docker-engine-rs.test=true
CMD ["sh"]
DOCKERFILE
  log "building $TEST_IMAGE"
  DOCKER_BUILDKIT=0 docker build -q -t "$TEST_IMAGE" "$ctx" >&2
  rm -rf "$ctx"
fi
echo "export DOCKER_HOST=$host"

TLS_PORT="${TLS_PORT:-23760}"
SSH_PORT="${SSH_PORT:-22022}"

make_certs() { # $1: dir
  local d="$1"
  mkdir -p "$d/client"
  (
    cd "$d"
    openssl req -x509 -newkey rsa:2048 -nodes -days 30 -subj "/CN=docker-engine-rs test CA" \
      -keyout ca-key.pem -out ca.pem 2>/dev/null
    openssl req -x509 -newkey rsa:2048 -nodes -days 30 -subj "/CN=unrelated CA" \
      -keyout wrong-ca-key.pem -out wrong-ca.pem 2>/dev/null
    openssl req -newkey rsa:2048 -nodes -subj "/CN=localhost" -keyout server-key.pem -out server.csr 2>/dev/null
    printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n' >server.ext
    openssl x509 -req -in server.csr -CA ca.pem -CAkey ca-key.pem -CAcreateserial -days 30 \
      -extfile server.ext -out server-cert.pem 2>/dev/null
    openssl req -newkey rsa:2048 -nodes -subj "/CN=client" -keyout client/key.pem -out client.csr 2>/dev/null
    printf 'extendedKeyUsage=clientAuth\n' >client.ext
    openssl x509 -req -in client.csr -CA ca.pem -CAkey ca-key.pem -CAcreateserial -days 30 \
      -extfile client.ext -out client/cert.pem 2>/dev/null
    cp ca.pem client/ca.pem
  )
}

tls_answers() {
  local d="$STATE_DIR/tls"
  DOCKER_HOST="tcp://127.0.0.1:$TLS_PORT" DOCKER_TLS_VERIFY=1 DOCKER_CERT_PATH="$d/client" \
    timeout 10 docker version --format '{{.Server.APIVersion}}' >/dev/null 2>&1
}

start_tls_engine() {
  local d="$STATE_DIR/tls"
  command -v openssl >/dev/null 2>&1 || need_pkg openssl openssl
  [ -f "$d/client/cert.pem" ] || make_certs "$d"
  if ! tls_answers; then
    log "starting the TLS engine on 127.0.0.1:$TLS_PORT (log: $d/dockerd.log)"
    mkdir -p "$d/data" "$d/exec"
    nohup dockerd --tlsverify --tlscacert "$d/ca.pem" --tlscert "$d/server-cert.pem" --tlskey "$d/server-key.pem" \
      -H "tcp://127.0.0.1:$TLS_PORT" -H "unix://$d/docker.sock" \
      --data-root "$d/data" --exec-root "$d/exec" --pidfile "$d/dockerd.pid" \
      --iptables=false --ip-masq=false \
      >"$d/dockerd.log" 2>&1 </dev/null &
    for _ in $(seq 1 60); do tls_answers && break; sleep 1; done
    tls_answers || { log "the TLS engine did not come up:"; tail -20 "$d/dockerd.log" >&2; return 1; }
  fi
  echo "export DOCKER_ENGINE_RS_TLS_HOST=tcp://127.0.0.1:$TLS_PORT"
  echo "export DOCKER_ENGINE_RS_TLS_CERTS=$d/client"
  echo "export DOCKER_ENGINE_RS_WRONG_CA=$d/wrong-ca.pem"
}

start_sshd() {
  local d="$STATE_DIR/ssh"
  need_pkg sshd openssh-server || [ -x /usr/sbin/sshd ] || return 1
  mkdir -p "$d" /run/sshd
  chmod 700 "$d"
  [ -f "$d/host_ed25519" ] || ssh-keygen -q -t ed25519 -N '' -f "$d/host_ed25519"
  [ -f "$d/client_ed25519" ] || ssh-keygen -q -t ed25519 -N '' -f "$d/client_ed25519"
  cp "$d/client_ed25519.pub" "$d/authorized_keys"
  cat >"$d/sshd_config" <<SSHD
Port $SSH_PORT
ListenAddress 127.0.0.1
HostKey $d/host_ed25519
PidFile $d/sshd.pid
AuthorizedKeysFile $d/authorized_keys
PermitRootLogin prohibit-password
PasswordAuthentication no
KbdInteractiveAuthentication no
StrictModes no
UsePAM no
SSHD
  cat >"$d/ssh_config" <<SSHC
Host *
  IdentityFile $d/client_ed25519
  IdentitiesOnly yes
  StrictHostKeyChecking no
  UserKnownHostsFile /dev/null
  LogLevel ERROR
  BatchMode yes
SSHC
  printf '#!/bin/sh\nexec ssh -F %s "$@"\n' "$d/ssh_config" >"$d/ssh"
  chmod +x "$d/ssh"
  if ! "$d/ssh" -p "$SSH_PORT" root@127.0.0.1 true 2>/dev/null; then
    log "starting sshd on 127.0.0.1:$SSH_PORT"
    "$(command -v sshd || echo /usr/sbin/sshd)" -f "$d/sshd_config" -E "$d/sshd.log"
    for _ in $(seq 1 20); do "$d/ssh" -p "$SSH_PORT" root@127.0.0.1 true 2>/dev/null && break; sleep 0.5; done
    "$d/ssh" -p "$SSH_PORT" root@127.0.0.1 true || { log "sshd did not come up"; tail -20 "$d/sshd.log" >&2; return 1; }
  fi
  echo "export DOCKER_ENGINE_RS_SSH_HOST=ssh://root@127.0.0.1:$SSH_PORT"
  echo "export DOCKER_ENGINE_RS_SSH_PROGRAM=$d/ssh"
}

# A swarm engine: $1 name (swarm, swarm2), $2 bridge, $3 bridge address,
# $4 docker_gwbridge interface, $5 its subnet. Its start command goes into
# $d/run.sh (also what restart.sh runs after stopping it by pid file).
start_swarm_engine() {
  local name="$1" br="$2" addr="$3" gw="$4" gwnet="$5"
  local d="$STATE_DIR/$name" sock="$STATE_DIR/$name/docker.sock"
  mkdir -p "$d/data" "$d/exec"
  if ! ip link show "$br" >/dev/null 2>&1; then
    ip link add "$br" type bridge
    ip addr add "$addr" dev "$br"
  fi
  ip link set "$br" up
  cat >"$d/run.sh" <<RUN
#!/bin/sh
# Starts the $name test engine (made by tests/engine/setup.sh).
nohup dockerd -H "unix://$sock" --data-root "$d/data" --exec-root "$d/exec" \\
  --pidfile "$d/dockerd.pid" --bridge "$br" --iptables=false --ip-masq=false \\
  >>"$d/dockerd.log" 2>&1 </dev/null &
for _ in \$(seq 1 60); do
  DOCKER_HOST="unix://$sock" timeout 10 docker version >/dev/null 2>&1 && exit 0
  sleep 1
done
echo "the $name engine did not come up" >&2; tail -20 "$d/dockerd.log" >&2; exit 1
RUN
  cat >"$d/restart.sh" <<RESTART
#!/bin/sh
# Stops the $name test engine by its pid file and starts it again.
pid="\$(cat "$d/dockerd.pid" 2>/dev/null)"
if [ -n "\$pid" ] && kill -0 "\$pid" 2>/dev/null; then
  kill "\$pid"
  # dockerd may take its shutdown timeout (15 s) and more; it removes its
  # pid file last.
  for _ in \$(seq 1 180); do
    kill -0 "\$pid" 2>/dev/null || [ -f "$d/dockerd.pid" ] || break
    sleep 0.5
  done
fi
exec "$d/run.sh"
RESTART
  chmod +x "$d/run.sh" "$d/restart.sh"
  if ! answers "unix://$sock"; then
    log "starting the $name engine on $sock (log: $d/dockerd.log)"
    "$d/run.sh" || return 1
  fi
  local h="unix://$sock"
  if ! DOCKER_HOST="$h" docker network inspect docker_gwbridge >/dev/null 2>&1; then
    DOCKER_HOST="$h" docker network create --subnet "$gwnet" \
      -o com.docker.network.bridge.name="$gw" \
      -o com.docker.network.bridge.enable_icc=false \
      -o com.docker.network.bridge.enable_ip_masquerade=false \
      docker_gwbridge >/dev/null
  fi
  if ! DOCKER_HOST="$h" docker image inspect "$TEST_IMAGE" >/dev/null 2>&1; then
    docker save "$TEST_IMAGE" | DOCKER_HOST="$h" docker load -q >&2
  fi
  echo "$h"
}

start_swarm_engines() {
  local h1 h2 tag n
  command -v ip >/dev/null 2>&1 || need_pkg ip iproute2
  # Bridge names and subnets of this state directory's engines, so that two
  # setups on one machine (a CI run beside a session's) never share one.
  tag="$(printf '%s' "$STATE_DIR" | sha256sum | cut -c1-4)"
  n=$(( (16#$tag % 60) * 4 ))
  h1="$(start_swarm_engine swarm "dre-sw0-$tag" "172.30.$n.1/24" "dre-gw0-$tag" "172.30.$((n + 2)).0/24")" || return 1
  echo "export DOCKER_ENGINE_RS_SWARM_HOST=$h1"
  echo "export DOCKER_ENGINE_RS_SWARM_RESTART=$STATE_DIR/swarm/restart.sh"
  h2="$(start_swarm_engine swarm2 "dre-sw1-$tag" "172.30.$((n + 1)).1/24" "dre-gw1-$tag" "172.30.$((n + 3)).0/24")" || return 0
  echo "export DOCKER_ENGINE_RS_SWARM2_HOST=$h2"
  echo "export DOCKER_ENGINE_RS_SWARM2_RESTART=$STATE_DIR/swarm2/restart.sh"
}

REGISTRY_PORT="${DRE_REGISTRY_PORT:-25000}"
REGISTRY_AUTH_PORT="${DRE_REGISTRY_AUTH_PORT:-25001}"
REGISTRY_USER=docker-engine-rs
REGISTRY_PASSWORD=registry-test-password

registry_answers() { # $1: port; any HTTP answer on /v2/ (401 included)
  curl -s -o /dev/null -m 5 -w '%{http_code}' "http://127.0.0.1:$1/v2/" 2>/dev/null | grep -qE '^(200|401)$'
}

# Two local registries (Debian's docker-registry): one open, one behind
# htpasswd basic auth. The engine talks plain HTTP to 127.0.0.1 registries
# without configuration.
start_registry() { # $1: name, $2: port, $3: "auth" or ""
  local d="$STATE_DIR/registry-$1"
  mkdir -p "$d/data"
  if ! registry_answers "$2"; then
    need_pkg docker-registry docker-registry || return 1
    {
      echo "version: 0.1"
      echo "log: {level: warn}"
      echo "storage:"
      echo "  filesystem: {rootdirectory: $d/data}"
      echo "  delete: {enabled: true}"
      echo "http: {addr: 127.0.0.1:$2}"
      if [ "$3" = auth ]; then
        need_pkg htpasswd apache2-utils || return 1
        htpasswd -Bbn "$REGISTRY_USER" "$REGISTRY_PASSWORD" >"$d/htpasswd" 2>/dev/null
        echo "auth:"
        echo "  htpasswd: {realm: docker-engine-rs, path: $d/htpasswd}"
      fi
    } >"$d/config.yml"
    log "starting the $1 registry on 127.0.0.1:$2 (log: $d/registry.log)"
    # The registry reads REGISTRY_* variables as configuration: none of
    # the caller's may leak into it.
    nohup env $(env | awk -F= '/^REGISTRY_/ {printf "-u %s ", $1}') \
      docker-registry serve "$d/config.yml" >"$d/registry.log" 2>&1 </dev/null &
    echo $! >"$d/registry.pid"
    for _ in $(seq 1 30); do registry_answers "$2" && break; sleep 0.5; done
    registry_answers "$2" || { log "the $1 registry did not come up:"; tail -20 "$d/registry.log" >&2; return 1; }
  fi
}

start_registries() {
  command -v curl >/dev/null 2>&1 || need_pkg curl curl || return 1
  start_registry open "$REGISTRY_PORT" "" || return 1
  start_registry auth "$REGISTRY_AUTH_PORT" auth || return 1
  echo "export DOCKER_ENGINE_RS_REGISTRY=127.0.0.1:$REGISTRY_PORT"
  echo "export DOCKER_ENGINE_RS_REGISTRY_AUTH=127.0.0.1:$REGISTRY_AUTH_PORT"
  echo "export DOCKER_ENGINE_RS_REGISTRY_USER=$REGISTRY_USER"
  echo "export DOCKER_ENGINE_RS_REGISTRY_PASSWORD=$REGISTRY_PASSWORD"
}

if [ "$(id -u)" = 0 ] && [ "${ENGINE_EXTRAS:-1}" = 1 ]; then
  start_tls_engine || log "no TLS engine: the TLS tests will not run"
  start_sshd || log "no sshd: the ssh tests will not run"
  start_registries || log "no registries: the registry tests will not run"
  start_swarm_engines || log "no swarm engine: the swarm tests will not run"
elif [ "${ENGINE_EXTRAS:-1}" = 1 ]; then
  log "not root: no TLS engine, no sshd, no registries, no swarm engines (their tests will skip outside CI)"
fi
