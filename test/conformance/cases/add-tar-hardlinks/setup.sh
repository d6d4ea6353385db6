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
    add(t, 'a', type=D, mode=0o755)
    add(t, 'a/orig', b'shared content\n', mode=0o644)
    add(t, 'a/same-dir', type=H, linkname='a/orig')
    add(t, 'b', type=D, mode=0o755)
    add(t, 'b/other-dir', type=H, linkname='a/orig')
    add(t, 'solo', b'solo\n', mode=0o600)
PY
