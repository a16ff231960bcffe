#!/usr/bin/env bash
# Brings up, on loopback, the stack a user's server runs: dockerd, a Docker
# registry with the test images, sshd with a `deploy` user, Redis with keyspace
# notifications, nginx and the confd stand-in, configured from examples/host/.
# Idempotent: what already runs is left running. Needs root (Debian/Ubuntu).
set -euo pipefail
source "$(dirname "$0")/lib.sh"

need_root
install_packages
mkdir -p "$STACK"
start_dockerd
start_registry
build_images
start_sshd
start_redis
install_host_files
start_nginx
start_watcher
write_stack_json
echo "stack up: nginx http://127.0.0.1:$NGINX_PORT, ssh deploy@127.0.0.1:$SSH_PORT, redis 127.0.0.1:$REDIS_PORT, registry $REGISTRY"
