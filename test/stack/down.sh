#!/usr/bin/env bash
# Tears the stack down: stops every service up.sh started, removes the test
# containers and the stack's state. Installed packages stay.
set -uo pipefail
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/servers.sh"

need_root
stop_servers
stop_pidfile "$STACK/watcher.pid"
stop_pidfile "$STACK/watcher-staging.pid"
[ -f /run/nginx.pid ] && /usr/sbin/nginx -c "$STACK/nginx.conf" -s stop 2>/dev/null
stop_pidfile "$STACK/sshd.pid"
stop_pidfile "$STACK/bastion.pid"
stop_pidfile "$STACK/redis.pid"
if docker info >/dev/null 2>&1; then
  ids=$(docker ps -aq --filter label=docker-hot-deploy.app)
  [ -n "$ids" ] && docker rm -f $ids >/dev/null
fi
stop_pidfile "$STACK/registry.pid"
stop_pidfile "$STACK/dockerd.pid"
# What confd rendered, in either setup.
rm -f /etc/nginx/conf.d/app-upstream.conf /etc/nginx/conf.d/staging-upstream.conf /etc/nginx/dhd/app.peer /etc/nginx/dhd/staging.peer
rm -rf /home/deploy/.docker-hot-deploy # the release histories
rm -rf "$STACK"
echo "stack down"
