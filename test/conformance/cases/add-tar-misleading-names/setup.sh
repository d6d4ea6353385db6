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
buf = io.BytesIO()
with tarfile.open(fileobj=buf, mode='w', format=tarfile.USTAR_FORMAT) as t:
    add(t, 'inside.txt', b'from the archive\n', mode=0o644)
open('notes.txt', 'wb').write(buf.getvalue())
open('data.bin', 'wb').write(gzip.compress(buf.getvalue(), mtime=0))
open('fake.tar.gz', 'wb').write(b'just text\n')
open('fake.tar', 'wb').write(b'just text\n')
PY
