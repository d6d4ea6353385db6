mkdir -p t/dir
echo new > t/replaced
echo added > t/dir/added
tar -C t -cf over.tar .
rm -r t
