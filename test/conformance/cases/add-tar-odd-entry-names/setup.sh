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
with tarfile.open('odd.tar', 'w') as t:
    add(t, '/abs/file', b'a\n', mode=0o644)
    add(t, './dot/file', b'd\n', mode=0o644)
    add(t, 'many//slashes///file', b'm\n', mode=0o644)
    add(t, 'in/../out/file', b'o\n', mode=0o644)
PY
