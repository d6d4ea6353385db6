mkdir dir && printf f > dir/file
python3 -c "import socket; s = socket.socket(socket.AF_UNIX); s.bind('dir/socket.sock')"
chmod 0600 dir/socket.sock
