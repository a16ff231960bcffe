# Simulated servers for multi-server tests, sourced after lib.sh: each one a
# network namespace on a private subnet that only this machine reaches (a
# bridge and veth pairs), with its own mount and PID namespaces so that it has
# its own /run (docker.sock, nginx.pid), /etc/nginx, /home and process table,
# and its own dockerd, sshd, Redis, nginx and confd, set up from examples/host
# like the loopback server.
# shellcheck shell=bash
SERVERS_DIR=$STACK/servers
SUBNET=10.213.77
BRIDGE=dhd-br0
# The registry as the servers see it: a second registry process on the bridge
# address, serving the same storage as the loopback one.
SERVERS_REGISTRY=$SUBNET.1:5000
server_addr() { echo "$SUBNET.$((10 + $1))"; }
# What the stack's bastion may forward to, beside the loopback server (lib.sh).
SERVERS_SSH=$(for n in $(seq 9); do printf '%s:22 ' "$(server_addr "$n")"; done)
SERVERS_SSH=${SERVERS_SSH% }
server_dir() { echo "$SERVERS_DIR/$1"; }
holder_pid() { cat "$(server_dir "$1")/holder.pid" 2>/dev/null; }

# Runs a command on server N: in its network, mount and PID namespaces.
on_server() { # on_server N COMMAND...
  local n=$1; shift
  nsenter -t "$(holder_pid "$n")" -n -m -p --wd=/ -- "$@"
}

server_daemon() { # server_daemon N NAME COMMAND...: like daemon, on server N
  local n=$1 name=$2; shift 2
  setsid nohup nsenter -t "$(holder_pid "$n")" -n -m -p --wd="$REPO" -- "$@" >"$(server_dir "$n")/$name.log" 2>&1 < /dev/null &
}

start_bridge() {
  ip link show "$BRIDGE" >/dev/null 2>&1 && return 0
  ip link add "$BRIDGE" type bridge
  ip addr add "$SUBNET.1/24" dev "$BRIDGE"
  ip link set "$BRIDGE" up
}

start_servers_registry() {
  port_open_on "$SUBNET.1" 5000 && return 0
  sed "s/addr: .*/addr: $SERVERS_REGISTRY/" "$STACK/registry.yml" > "$STACK/registry-servers.yml"
  daemon registry-servers /usr/bin/docker-registry serve "$STACK/registry-servers.yml"
  wait_for "registry on $SERVERS_REGISTRY" 30 port_open_on "$SUBNET.1" 5000
}

has_children() { [ -n "$(cat "/proc/$1/task/$1/children" 2>/dev/null)" ]; }

# The namespaces, held by an init (docker-init reaps orphans) whose death ends
# everything in them.
start_namespaces() { # start_namespaces N
  local n=$1 d addr ns=dhd-srv$1 unshare_pid
  d=$(server_dir "$n") addr=$(server_addr "$n")
  alive "$d/holder.pid" && return 0
  # An earlier holder died (killed, or the machine restarted) and everything in its namespaces with it:
  # its runtime files go, as after a reboot (a stale unshare.pid, docker.pid or socket would be trusted).
  rm -rf "$d/run" "$d/unshare.pid" "$d/holder.pid"
  mkdir -p "$d"/{run,etc-nginx,log-nginx,home,redis-data,confd/conf.d,confd/templates}
  ip netns add "$ns" 2>/dev/null || true
  if ! ip link show "dhd-v$n" >/dev/null 2>&1; then
    ip link add "dhd-v$n" type veth peer name eth0 netns "$ns"
    ip link set "dhd-v$n" master "$BRIDGE" up
  fi
  ip -n "$ns" addr replace "$addr/24" dev eth0
  ip -n "$ns" link set eth0 up
  ip -n "$ns" link set lo up
  # What the server owns: /etc/nginx (the upstream confd renders), /var/log/nginx (its access-log), /run and /home.
  cp -a /etc/nginx/. "$d/etc-nginx/"
  rm -f "$d/etc-nginx/conf.d/staging-upstream.conf"
  cp "$HOST_FILES/nginx/app-upstream.conf" "$d/etc-nginx/conf.d/app-upstream.conf"
  install -d -m 755 "$d/home/deploy" && install -d -m 700 "$d/home/deploy/.ssh"
  cp /home/deploy/.ssh/authorized_keys "$d/home/deploy/.ssh/"
  chown -R deploy:deploy "$d/home/deploy"
  install -d -m 755 "$d/run/sshd"
  setsid nohup sh -c 'echo $$ > "$1/unshare.pid"; exec nsenter --net="/run/netns/$2" unshare --mount --pid --fork --mount-proc --propagation private \
    sh -c "mount --bind $1/run /run && mount --bind $1/etc-nginx /etc/nginx && mount --bind $1/log-nginx /var/log/nginx && mount --bind $1/home /home && exec /usr/bin/docker-init -- sleep infinity"' \
    sh "$d" "$ns" > "$d/holder.log" 2>&1 < /dev/null &
  wait_for "server $n" 5 test -s "$d/unshare.pid"
  unshare_pid=$(cat "$d/unshare.pid")
  wait_for "namespaces of server $n" 10 has_children "$unshare_pid"
  # nsenter targets the namespaces' init, the child unshare forked.
  tr -d ' ' < "/proc/$unshare_pid/task/$unshare_pid/children" > "$d/holder.pid"
  wait_for "the mounts of server $n" 10 on_server "$n" test -d /run/sshd
}

# Whether the daemon of a pid file in server N's /run runs (a killed one leaves its file).
server_alive() { # server_alive N PIDFILE
  on_server "$1" sh -c '[ -f "$1" ] && kill -0 "$(cat "$1")"' sh "$2" 2>/dev/null
}

start_server() { # start_server N
  local n=$1 d addr
  d=$(server_dir "$n") addr=$(server_addr "$n")
  start_namespaces "$n"
  # dockerd, with its state under the server's directory and /run.
  if ! on_server "$n" docker info >/dev/null 2>&1; then
    server_daemon "$n" dockerd /usr/sbin/dockerd --data-root "$d/docker" --insecure-registry "$SERVERS_REGISTRY" --cgroup-parent "dhd-srv$n"
  fi
  # sshd on the server's address, with host keys of its own.
  for t in ed25519 rsa; do [ -f "$d/ssh_host_${t}_key" ] || ssh-keygen -q -t "$t" -N '' -C "server$n" -f "$d/ssh_host_${t}_key"; done
  printf '%s\n' "Port 22" "ListenAddress $addr" "HostKey $d/ssh_host_ed25519_key" "HostKey $d/ssh_host_rsa_key" \
    "PidFile /run/sshd.pid" "AllowUsers deploy" "PubkeyAuthentication yes" "PasswordAuthentication no" \
    "KbdInteractiveAuthentication no" "PermitRootLogin no" "UsePAM no" "AllowTcpForwarding yes" "MaxSessions 32" > "$d/sshd_config"
  server_alive "$n" /run/sshd.pid || on_server "$n" /usr/sbin/sshd -f "$d/sshd_config" -E "$d/sshd.log"
  # Redis as in the host setup, on the server's loopback.
  sed -e "s#^pidfile .*#pidfile /run/redis.pid#" -e "s#^logfile .*#logfile $d/redis.log#" -e "s#^dir .*#dir $d/redis-data#" \
    -e '/^tls-\|^user /d' "$STACK/redis.conf" > "$d/redis.conf"
  server_alive "$n" /run/redis.pid || on_server "$n" redis-server "$d/redis.conf"
  # nginx on its loopback (the probes) and its address (load from this machine).
  sed -e "s#error_log .*#error_log $d/nginx-error.log warn;#" -e "/$STAGING_PORT\|staging/d" \
    -e "s#listen 127.0.0.1:$NGINX_PORT;#listen 127.0.0.1:$NGINX_PORT; listen $addr:$NGINX_PORT;#" <(nginx_conf reload) > "$d/nginx.conf"
  server_alive "$n" /run/nginx.pid || on_server "$n" /usr/sbin/nginx -c "$d/nginx.conf"
  # confd with the app's resource only.
  cp "$HOST_FILES/confd/conf.d/app.toml" "$d/confd/conf.d/"
  cp "$HOST_FILES/confd/templates/app-upstream.conf.tmpl" "$d/confd/templates/"
}

# Started once every server's Redis runs; its pid kept in the server's /run.
start_server_confd() { # start_server_confd N
  local n=$1 d
  d=$(server_dir "$n")
  server_alive "$n" /run/confd.pid && return 0
  server_daemon "$n" confd sh -c 'echo $$ > /run/confd.pid; exec "$@"' sh "${CONFD[@]}" -backend redis -node "127.0.0.1:$REDIS_PORT" -confdir "$d/confd" -log-level info -watch
  wait_for "confd on server $n" 20 on_server "$n" sh -c "[ \"\$(redis-cli -p $REDIS_PORT PUBSUB NUMPAT)\" -gt 0 ]" || { cat "$d/confd.log"; exit 1; }
}

start_servers() { # start_servers COUNT
  local count=$1 n
  start_bridge
  start_servers_registry
  for n in $(seq "$count"); do start_server "$n"; done
  for n in $(seq "$count"); do
    wait_for "dockerd on server $n" 60 on_server "$n" docker info >/dev/null 2>&1 || { tail -20 "$(server_dir "$n")/dockerd.log"; exit 1; }
    wait_for "sshd on server $n" 10 port_open_on "$(server_addr "$n")" 22
    start_server_confd "$n"
  done
  write_servers_json "$count"
}

write_servers_json() { # write_servers_json COUNT
  local count=$1 n d addr entries=()
  for n in $(seq "$count"); do
    d=$(server_dir "$n") addr=$(server_addr "$n")
    entries+=("{ \"index\": $n, \"host\": \"$addr\", \"holderPid\": $(holder_pid "$n"), \"dir\": \"$d\",
      \"knownHosts\": \"$addr $(cut -d' ' -f1,2 "$d/ssh_host_ed25519_key.pub")\",
      \"fingerprint\": \"$(ssh-keygen -l -E sha256 -f "$d/ssh_host_ed25519_key.pub" | awk '{print $2}')\",
      \"nginxUrl\": \"http://$addr:$NGINX_PORT/\" }")
  done
  local IFS=,
  printf '{ "imageRepo": "%s/hello", "servers": [%s] }\n' "$SERVERS_REGISTRY" "${entries[*]}" > "$STACK/servers.json"
}

stop_servers() {
  local d n
  for d in "$SERVERS_DIR"/*/; do
    [ -d "$d" ] || continue
    n=$(basename "$d")
    stop_pidfile "$d/holder.pid" # the namespaces' init: everything in them ends with it
    ip netns del "dhd-srv$n" 2>/dev/null
    ip link del "dhd-v$n" 2>/dev/null
  done
  stop_pidfile "$STACK/registry-servers.pid"
  ip link del "$BRIDGE" 2>/dev/null
  rm -rf "$SERVERS_DIR" "$STACK/servers.json"
  return 0
}

# Server N as if nothing was ever deployed: no app containers, no release
# history, the key unset, nginx on its placeholder, confd running.
reset_server() { # reset_server N
  local n=$1 d
  d=$(server_dir "$n")
  on_server "$n" sh -c 'ids=$(docker ps -aq --filter label=docker-hot-deploy.app); [ -z "$ids" ] || docker rm -f $ids >/dev/null'
  rm -rf "$d/home/deploy/.docker-hot-deploy"
  on_server "$n" redis-cli -p "$REDIS_PORT" DEL /nginx/upstream/app/port >/dev/null
  cp "$HOST_FILES/nginx/app-upstream.conf" "$d/etc-nginx/conf.d/app-upstream.conf"
  on_server "$n" /usr/sbin/nginx -c "$d/nginx.conf" -s reload 2>/dev/null
  start_server_confd "$n"
}
