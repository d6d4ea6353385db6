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
with tarfile.open('t.tar', 'w') as t:
    add(t, 'foo', b'content0', mode=0o644, uid=7, gid=8)
    add(t, 'sub', type=D, mode=0o750, uid=7, gid=8)
    add(t, 'sub/bar', b'bar', mode=0o600, uid=7, gid=8)
PY
