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
with tarfile.open('rootfs.tar', 'w') as t:
    add(t, 'run/', type=D, mode=0o755)
    add(t, 'var/', type=D, mode=0o755)
    add(t, 'var/run', type=L, linkname='/run', mode=0o777)
with tarfile.open('payload.tar', 'w') as t:
    for d in ['var/run/act/', 'var/run/act/actions/', 'var/run/act/actions/broad/', 'var/run/act/actions/broad/.git/']:
        add(t, d, type=D, mode=0o755)
    add(t, 'var/run/act/actions/broad/.git/HEAD', b'ref: refs/heads/main\n', mode=0o644)
    add(t, 'var/run/act/actions/broad/.git/HEAD.link', type=H, linkname='var/run/act/actions/broad/.git/HEAD', mode=0o644)
PY
