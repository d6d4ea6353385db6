mkdir dir && printf n > "dir/$(printf 'a\nb')" && printf t > "dir/$(printf 'c\td')"
