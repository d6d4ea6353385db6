printf a > a.txt
printf lit > '[ab].txt'
