#!/bin/sh
# A slow request (seconds from the query string, 3 by default): in flight while a deploy retires this container.
sleep "${QUERY_STRING:-3}"
printf 'Content-Type: text/plain\r\n\r\n%s slow\n' "$(cat /www/index.html)"
