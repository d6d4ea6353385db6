printf s > "with space.txt" && mkdir "dir with space" && printf i > "dir with space/in side"
