chmod 755 docker-entrypoint.sh
