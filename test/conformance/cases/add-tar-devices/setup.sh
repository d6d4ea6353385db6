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
with tarfile.open('dev.tar', 'w') as t:
    add(t, 'null', type=tarfile.CHRTYPE, devmajor=1, devminor=3, mode=0o666)
    add(t, 'loop9', type=tarfile.BLKTYPE, devmajor=7, devminor=9, mode=0o660, gid=6)
    add(t, 'pipe', type=tarfile.FIFOTYPE, mode=0o620)
PY
