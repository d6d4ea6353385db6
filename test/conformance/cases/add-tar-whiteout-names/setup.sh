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
with tarfile.open('wh.tar', 'w') as t:
    add(t, '.wh.victim', b'', mode=0o644)
    add(t, 'opq', type=D, mode=0o755)
    add(t, 'opq/.wh..wh..opq', b'', mode=0o644)
    add(t, 'opq/new', b'new\n', mode=0o644)
PY
