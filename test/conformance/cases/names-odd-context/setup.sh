mkdir -p "dir with spaces" "ünïcödé" "star*dir"
echo a > "dir with spaces/file name.txt"
echo b > "ünïcödé/日本語.txt"
echo c > "star*dir/q?mark[1].txt"
echo d > ./-dash
echo e > "$(printf 'new\nline')"
echo f > "tab	name"
echo g > ' leading'
