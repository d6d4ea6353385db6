printf s > setuid && chmod 4755 setuid
