# testCopySymlinks' context, plus links that COPY . keeps as they are
echo -n bar-contents > bar
ln -s bar foo
mkdir -p sub other
echo -n lfile-contents > sub/lfile
ln -s subfile sub/l0
echo -n subfile-contents > sub/subfile
ln -s second sub/l1
ln -s baz sub/second
echo -n baz-contents > sub/baz
ln -s /etc/passwd other/absolute
ln -s nowhere other/dangling
ln -s ../sub other/dirlink
