#!/bin/sh
# PID 1 ignores signals it has no handler for: trap SIGTERM, stop httpd, exit 0.
httpd -f -p 8080 -h /www &
server=$!
trap 'kill -TERM "$server"; wait "$server"; exit 0' TERM INT
wait "$server"
