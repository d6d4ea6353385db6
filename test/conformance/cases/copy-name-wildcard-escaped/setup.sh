printf a > a.txt
printf lit > '[ab].txt'
printf x > '[ab]-x.txt'
