mkdir dir && printf f > dir/file && mkfifo -m 0640 dir/pipe
