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
with tarfile.open('links.tar', 'w') as t:
    add(t, 'real', type=D, mode=0o755)
    add(t, 'real/file', b'f\n', mode=0o644)
    add(t, 'rel', type=L, linkname='real/file')
    add(t, 'abs', type=L, linkname='/etc/passwd')
    add(t, 'dangling', type=L, linkname='no/such/thing')
    add(t, 'dirlink', type=L, linkname='real')
PY
