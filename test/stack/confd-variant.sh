#!/usr/bin/env bash
# Restarts the stack's confd as a variant, for tests of a confd slower than the switch:
#   confd-variant.sh check-delay SECONDS   every check_cmd sleeps SECONDS first (a slow config check)
#   confd-variant.sh interval SECONDS      polls every SECONDS instead of -watch
#   confd-variant.sh shared                one confd for app and staging (the recipe of earlier READMEs)
#   confd-variant.sh standard              the stack's own confds again
set -euo pipefail
source "$(dirname "$0")/lib.sh"

need_root
stop_pidfile "$STACK/watcher.pid"
case "${1:-}" in
  check-delay)
    variant=$STACK/confd-slow-check
    rm -rf "$variant" && cp -r "$CONFDIR" "$variant"
    sed -i "s#^check_cmd = \"#check_cmd = \"sleep $2 \&\& #" "$variant"/conf.d/*.toml
    start_confd watcher "$variant" -watch ;;
  interval)
    start_confd watcher "$CONFDIR" -interval "$2" ;;
  shared)
    stop_pidfile "$STACK/watcher-staging.pid"
    variant=$STACK/confd-shared
    rm -rf "$variant" && cp -r "$CONFDIR" "$variant" && cp -r "$STAGING_CONFDIR/." "$variant"
    start_confd watcher "$variant" -watch ;;
  standard)
    start_watchers ;;
  *)
    echo "usage: $0 check-delay SECONDS | interval SECONDS | shared | standard" >&2
    exit 2 ;;
esac
