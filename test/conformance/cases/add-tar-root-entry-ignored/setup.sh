python3 - <<'PY'
import io, tarfile
with tarfile.open('root.tar', 'w') as t:
    for name, kind, data, mode in [('.', tarfile.DIRTYPE, None, 0o700), ('./sub', tarfile.DIRTYPE, None, 0o750), ('./sub/f', tarfile.REGTYPE, b'f\n', 0o640)]:
        i = tarfile.TarInfo(name); i.type = kind; i.mode = mode; i.uid = 5; i.gid = 6
        if data is not None:
            i.size = len(data); t.addfile(i, io.BytesIO(data))
        else:
            t.addfile(i)
PY
