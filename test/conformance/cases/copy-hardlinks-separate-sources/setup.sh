printf shared > a
ln a b
mkdir dir
printf inner > dir/x
ln dir/x dir/y
ln dir/x dir/z
