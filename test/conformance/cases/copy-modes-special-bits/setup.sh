mkdir -p modes/sticky modes/sgid-dir
printf u > modes/suid && chmod 4755 modes/suid
printf g > modes/sgid && chmod 2711 modes/sgid
printf s > modes/all && chmod 7777 modes/all
chmod 1777 modes/sticky
chmod 2775 modes/sgid-dir
