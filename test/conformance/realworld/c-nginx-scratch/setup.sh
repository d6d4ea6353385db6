chmod 755 configure
