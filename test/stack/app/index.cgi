#!/bin/sh
# BEHAVIOUR=broken: the site's pages fail while its health path answers (the most ordinary bad release).
echo 'hello: ERROR: relation "orders" does not exist' >&2
printf 'Status: 500 Internal Server Error\r\nContent-Type: text/plain\r\n\r\nbroken\n'
