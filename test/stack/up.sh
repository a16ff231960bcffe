#!/usr/bin/env bash
# Brings up, on loopback, the stack a user's server runs: dockerd, a Docker
# registry with the test images, sshd with a `deploy` user, Redis with keyspace
# notifications, nginx and the confd stand-in, configured from examples/host/.
# Idempotent: what already runs is left running. Needs root (Debian/Ubuntu).
# `--servers N` also starts N simulated servers for multi-server tests (servers.sh).
set -euo pipefail
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/servers.sh"
SERVERS=0
while [ $# -gt 0 ]; do
  case $1 in
    --servers) SERVERS=${2:?--servers needs a count}; shift 2 ;;
    *) echo "usage: up.sh [--servers N]" >&2; exit 2 ;;
  esac
done
[[ $SERVERS =~ ^[0-9]$ ]] || { echo "--servers: $SERVERS is not a count from 0 to 9" >&2; exit 2; }

need_root
install_packages
mkdir -p "$STACK"
start_dockerd
start_registry
build_images
start_sshd
start_redis
use_setup
install_host_files
start_nginx
start_watchers
write_stack_json
[ "$SERVERS" -eq 0 ] || start_servers "$SERVERS"
echo "stack up: nginx http://127.0.0.1:$NGINX_PORT, ssh deploy@127.0.0.1:$SSH_PORT, redis 127.0.0.1:$REDIS_PORT, registry $REGISTRY"
[ "$SERVERS" -eq 0 ] || echo "servers: $(for n in $(seq "$SERVERS"); do printf 'deploy@%s ' "$(server_addr "$n")"; done)(registry $SERVERS_REGISTRY)"
