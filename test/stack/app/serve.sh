#!/bin/sh
if [ "$(cat /behaviour)" = crash ]; then
  echo "hello: cannot start: DATABASE_URL is not set" >&2
  exit 3
fi
# A server whose own configuration is broken (UNREADY in its env-file) cannot start there.
if [ -n "${UNREADY:-}" ]; then
  echo "hello: cannot start: $UNREADY" >&2
  exit 3
fi
if [ "$(cat /behaviour)" = crashlater ]; then
  httpd -f -p 8080 -h /www &
  sleep 5
  echo "hello: lost the connection to the database" >&2
  exit 4
fi
# PID 1 ignores signals it has no handler for: trap SIGTERM, stop httpd, exit 0.
httpd -f -p 8080 -h /www &
server=$!
trap 'kill -TERM "$server"; wait "$server"; exit 0' TERM INT
wait "$server"
