echo x > '[x].txt'
echo abc > 'abc.txt'
echo aXc > 'aXc.txt'
