mkdir -p odd/ro-dir odd/wx-dir
printf 0 > odd/none && chmod 0000 odd/none
printf 7 > odd/all && chmod 0777 odd/all
printf w > odd/write-only && chmod 0222 odd/write-only
printf x > odd/exec-only && chmod 0111 odd/exec-only
printf i > odd/ro-dir/inner && chmod 0400 odd/ro-dir/inner
chmod 0500 odd/ro-dir
chmod 0300 odd/wx-dir
