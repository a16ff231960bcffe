#!/bin/sh
if [ "$(cat /behaviour)" = error500 ]; then
  printf 'Status: 500 Internal Server Error\r\nContent-Type: text/plain\r\n\r\ndatabase unreachable\n'
else
  printf 'Content-Type: text/plain\r\n\r\nok\n'
fi
