#!/bin/sh
set -e

# first arg is `-f` or `--some-option`: run kv-server with it
if [ "${1#-}" != "$1" ]; then
	set -- kv-server "$@"
fi

# allow the container to be started with `--user`; drop to kv if started as root
if [ "$1" = 'kv-server' ] && [ "$(id -u)" = '0' ]; then
	find . \! -user kv -exec chown kv '{}' +
	exec setpriv --reuid=kv --regid=kv --init-groups "$@"
fi

exec "$@"
