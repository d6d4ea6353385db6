python3 - <<'PY'
import io, tarfile
def add(t, name, data=None, **kw):
    i = tarfile.TarInfo(name)
    for k, v in kw.items(): setattr(i, k, v)
    if data is not None:
        i.size = len(data)
        t.addfile(i, io.BytesIO(data))
    else:
        t.addfile(i)
D, L, H, S = tarfile.DIRTYPE, tarfile.SYMTYPE, tarfile.LNKTYPE, tarfile.REGTYPE
import os
os.makedirs('dir/sub')
with tarfile.open('dir/sub/inner.tar', 'w') as t:
    add(t, 'should-not-appear', b'x', mode=0o644)
open('dir/plain', 'w').write('p\n')
PY
