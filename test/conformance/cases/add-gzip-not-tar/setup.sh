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
import gzip
open('plain.txt.gz', 'wb').write(gzip.compress(b'hello, not a tar\n' * 40, mtime=0))
with tarfile.open('t.tar.gz', 'w:gz') as t:
    add(t, 'x', b'x\n', mode=0o644)
PY
