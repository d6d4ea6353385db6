mkdir -p empty tree/a/b tree/c && chmod 0711 tree/a/b && chmod 0750 tree/c
