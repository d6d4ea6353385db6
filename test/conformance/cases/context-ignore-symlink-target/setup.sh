ln -s target.txt link-to-target
ln -s other.txt link-to-other
