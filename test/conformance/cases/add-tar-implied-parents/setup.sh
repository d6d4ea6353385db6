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
with tarfile.open('t.tar.gz', 'w:gz') as t:
    add(t, 'etc/dnf/', type=D, mode=0o700)
    add(t, 'etc/dnf/dnf.conf', b'content0', mode=0o644)
    add(t, 'opt/no/dir/entries/file', b'deep', mode=0o600)
PY
