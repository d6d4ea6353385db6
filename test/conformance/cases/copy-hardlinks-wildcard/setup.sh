printf linked > h1
ln h1 h2
ln h1 h3
printf alone > h4
