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
with tarfile.open('own.tar', 'w', format=tarfile.PAX_FORMAT) as t:
    add(t, 'd', type=D, mode=0o1770, uid=1234, gid=5678, uname='root', gname='root')
    add(t, 'd/suid', b's\n', mode=0o4755, uid=0, gid=0, uname='nobody', gname='nobody')
    add(t, 'd/sgid', b'g\n', mode=0o2711, uid=42, gid=43)
    add(t, 'd/none', b'n\n', mode=0o000, uid=65534, gid=65534)
    add(t, 'd/big-ids', b'b\n', mode=0o644, uid=3000000, gid=3000001)
PY
