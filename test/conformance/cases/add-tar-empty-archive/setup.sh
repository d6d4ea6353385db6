dd if=/dev/zero of=empty.tar bs=512 count=20 2>/dev/null
