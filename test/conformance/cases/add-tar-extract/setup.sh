mkdir -p t/dir/sub
echo one > t/dir/one
echo two > t/dir/sub/two
chmod 700 t/dir/sub
chmod 4755 t/dir/one
ln -s one t/dir/link
ln t/dir/one t/dir/hard
tar -C t --owner=123 --group=456 --numeric-owner -cf plain.tar dir
tar -C t -czf gz.tar.gz dir
rm -r t
echo not an archive > notarchive.txt
