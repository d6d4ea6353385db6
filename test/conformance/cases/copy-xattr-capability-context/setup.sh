python3 - <<'PY'
import os, struct
os.makedirs('bin')
open('bin/server', 'w').write('#!/bin/sh\n')
os.chmod('bin/server', 0o755)
# vfs_cap_data v2: effective flag, cap_net_bind_service (bit 10) permitted
os.setxattr('bin/server', 'security.capability', struct.pack('<IIIII', 0x02000001, 1 << 10, 0, 0, 0))
open('bin/plain', 'w').write('p\n')
PY
