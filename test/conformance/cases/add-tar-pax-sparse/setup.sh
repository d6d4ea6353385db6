truncate -s 8M sparse.img
printf 'start' | dd of=sparse.img conv=notrunc 2>/dev/null
printf 'end' | dd of=sparse.img bs=1 seek=8388605 conv=notrunc 2>/dev/null
tar --sparse --format=posix --owner=0 --group=0 --numeric-owner --mtime=@0 --pax-option=delete=atime,delete=ctime -cf pax.tar sparse.img
rm sparse.img
