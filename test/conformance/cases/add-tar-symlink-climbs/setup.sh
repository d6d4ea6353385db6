mkdir -p t1 t2/pkg
ln -s ../tmp/target t1/symlink
ln -s ../../../etc/passwd t2/pkg/up
tar -C t1 -cf top.tar .
tar -C t2 -cf deep.tar .
rm -r t1 t2
