#!/usr/bin/env bash
# The part of the official redis image's docker-entrypoint.sh that compose.yml relies on: options alone become
# redis-server's, and the server runs as the redis user. Protected mode is off unless the command line sets it,
# as the official image builds Redis with it off.
set -Eeuo pipefail

if [[ ${1:0:1} == - || $1 == *.conf ]]; then
  set -- redis-server "$@"
fi
if [[ $1 == redis-server ]]; then
  if [[ " $* " != *" --protected-mode "* ]]; then
    set -- "$@" --protected-mode no
  fi
  if [[ $(id -u) == 0 ]]; then
    chown -R redis:redis /data 2>/dev/null || true
    exec setpriv --reuid=redis --regid=redis --init-groups "$@"
  fi
fi
exec "$@"
