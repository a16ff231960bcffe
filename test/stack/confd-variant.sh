#!/usr/bin/env bash
# Restarts the stack's confd as a variant, for tests of a confd slower than the switch:
#   confd-variant.sh check-delay SECONDS   every check_cmd sleeps SECONDS first (a slow config check)
#   confd-variant.sh interval SECONDS      polls every SECONDS instead of -watch
#   confd-variant.sh standard              the stack's own confd again
set -euo pipefail
source "$(dirname "$0")/lib.sh"

need_root
stop_pidfile "$STACK/watcher.pid"
case "${1:-}" in
  check-delay)
    variant=$STACK/confd-slow-check
    rm -rf "$variant" && cp -r "$CONFDIR" "$variant"
    sed -i "s#^check_cmd = \"#check_cmd = \"sleep $2 \&\& #" "$variant"/conf.d/*.toml
    daemon watcher "${CONFD[@]}" -backend redis -node "127.0.0.1:$REDIS_PORT" -confdir "$variant" -log-level info -watch
    wait_for "confd (${CONFD[0]})" 20 confd_subscribed ;;
  interval)
    daemon watcher "${CONFD[@]}" "${CONFD_FLAGS[@]}" -interval "$2"
    sleep 1 ;;
  standard)
    start_watcher ;;
  *)
    echo "usage: $0 check-delay SECONDS | interval SECONDS | standard" >&2
    exit 2 ;;
esac
