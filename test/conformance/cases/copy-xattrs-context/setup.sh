python3 - <<'PY'
import os
os.makedirs('dir/sub')
open('dir/file', 'w').write('x\n')
os.setxattr('dir/file', 'user.note', b'hello')
os.setxattr('dir/sub', 'user.dir', b'\x00\x01binary')
PY
