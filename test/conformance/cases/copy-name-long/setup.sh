n=$(printf '%0255d' 0 | tr 0 n)
mkdir long && printf max > "long/$n"
d=long
for i in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20; do d="$d/$(printf '%060d' $i)"; done
mkdir -p "$d" && printf deep > "$d/leaf"
