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
with tarfile.open('types.tar', 'w') as t:
    add(t, 'was-dir', b'now a file\n', mode=0o644)
    add(t, 'was-file', type=D, mode=0o711)
    add(t, 'was-file/in', b'i\n', mode=0o644)
    add(t, 'was-link', b'no longer a link\n', mode=0o600)
    add(t, 'merge', type=D, mode=0o755)
    add(t, 'merge/new', b'n\n', mode=0o644)
PY
