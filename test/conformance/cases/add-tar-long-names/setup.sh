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
long = '/'.join(['d' * 60, 'e' * 60, 'f' * 60]) + '/' + 'n' * 120
for fmt, name in [(tarfile.GNU_FORMAT, 'gnu.tar'), (tarfile.PAX_FORMAT, 'pax.tar')]:
    with tarfile.open(name, 'w', format=fmt) as t:
        add(t, long, b'long\n', mode=0o644)
        add(t, 'link-' + 'l' * 110, type=L, linkname=long)
        add(t, 'h' * 150, type=H, linkname=long)
        add(t, 'ünïcödé-日本語', b'u\n', mode=0o644)
PY
