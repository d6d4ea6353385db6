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
with tarfile.open('t.tar.bz2', 'w:bz2') as t:
    add(t, 'dir', type=D, mode=0o755)
    add(t, 'dir/file', b'bzip2 payload\n', mode=0o640)
PY
