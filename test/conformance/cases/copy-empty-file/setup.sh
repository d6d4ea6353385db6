mkdir dir && : > empty && : > dir/also-empty && chmod 0600 dir/also-empty
