chmod 755 docker/root/usr/bin/entrypoint docker/root/etc/s6/gitea/run
