printf a > a.txt
printf lit > '[ab].txt'
printf q > 'q?.txt'
printf 1 > q1.txt
printf s > 's*.txt'
printf 2 > s2.txt
