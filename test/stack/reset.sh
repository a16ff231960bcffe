#!/usr/bin/env bash
# Back to a server where nothing was ever deployed, with the stack left running:
# no app containers, no release history, both deployments' keys unset, nginx on
# its placeholders. `--servers` does the same on every simulated server instead.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/servers.sh"

need_root
if [ "${1:-}" = --servers ]; then
  for d in "$SERVERS_DIR"/*/; do reset_server "$(basename "$d")"; done
  exit 0
fi
ids=$(docker ps -aq --filter label=docker-hot-deploy.app)
[ -z "$ids" ] || docker rm -f $ids >/dev/null
rm -rf /home/deploy/.docker-hot-deploy # the release histories
redis-cli -p "$REDIS_PORT" DEL /nginx/upstream/app/port /nginx/upstream/staging/port >/dev/null
install_placeholders
reload_placeholders
