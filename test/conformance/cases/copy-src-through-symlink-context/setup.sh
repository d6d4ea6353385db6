mkdir sub
printf contents > sub/foo
ln -s sub link
