truncate -s 32M sparse.img
printf 'head' | dd of=sparse.img conv=notrunc 2>/dev/null
printf 'middle' | dd of=sparse.img bs=1 seek=16777216 conv=notrunc 2>/dev/null
printf 'tail' | dd of=sparse.img bs=1 seek=33554428 conv=notrunc 2>/dev/null
