echo shared > a
ln a b
mkdir d
ln a d/c
echo other > e
