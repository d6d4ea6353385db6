ln -s /etc/passwd abs-link
ln -s /etc/passwd dir/abs
ln -s ../../../../etc/passwd dir/climb
