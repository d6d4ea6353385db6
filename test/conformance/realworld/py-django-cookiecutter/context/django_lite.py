"""The few Django management commands this project uses: test, compilemessages, collectstatic."""
import hashlib
import importlib
import os
import shutil
import struct
import sys
import unittest
from pathlib import Path


def settings():
    return importlib.import_module(os.environ.get("DJANGO_SETTINGS_MODULE", "config.settings.production"))


def _unquote(s):
    return s.strip()[1:-1].encode().decode("unicode_escape").encode("latin-1").decode("utf-8")


def compile_po(text):
    """A .po catalog as GNU .mo bytes (what msgfmt writes), entries sorted by msgid."""
    messages, msgid, msgstr, field = {}, None, None, None
    for line in text.splitlines() + [""]:
        line = line.strip()
        if line.startswith("msgid "):
            if msgid is not None:
                messages[msgid] = msgstr
            msgid, msgstr, field = _unquote(line[6:]), "", "id"
        elif line.startswith("msgstr "):
            msgstr, field = _unquote(line[7:]), "str"
        elif line.startswith('"'):
            if field == "id":
                msgid += _unquote(line)
            else:
                msgstr += _unquote(line)
    if msgid is not None:
        messages[msgid] = msgstr
    keys = sorted(messages)
    ids = [k.encode() for k in keys]
    strs = [messages[k].encode() for k in keys]
    n = len(keys)
    ids_off = 7 * 4 + 16 * n
    strs_off = ids_off + sum(len(i) + 1 for i in ids)
    out = struct.pack("<7I", 0x950412DE, 0, n, 7 * 4, 7 * 4 + 8 * n, 0, 0)
    pos = ids_off
    for i in ids:
        out += struct.pack("<2I", len(i), pos)
        pos += len(i) + 1
    pos = strs_off
    for s in strs:
        out += struct.pack("<2I", len(s), pos)
        pos += len(s) + 1
    return out + b"".join(i + b"\0" for i in ids) + b"".join(s + b"\0" for s in strs)


def compilemessages():
    for root in settings().LOCALE_PATHS:
        for po in sorted(Path(root).rglob("*.po")):
            po.with_suffix(".mo").write_bytes(compile_po(po.read_text(encoding="utf-8")))
            print(f"processing file {po.name} in {po.parent}")


def collectstatic():
    """Copies static files to STATIC_ROOT under content-hashed names, with a manifest (ManifestStaticFilesStorage)."""
    s = settings()
    root = Path(s.STATIC_ROOT)
    manifest = {}
    for source in s.STATICFILES_DIRS:
        for f in sorted(p for p in Path(source).rglob("*") if p.is_file()):
            rel = f.relative_to(source).as_posix()
            digest = hashlib.md5(f.read_bytes()).hexdigest()[:12]
            hashed = f"{rel.rsplit('.', 1)[0]}.{digest}.{rel.rsplit('.', 1)[1]}"
            for name in (rel, hashed):
                (root / name).parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(f, root / name)
            manifest[rel] = hashed
    lines = ",\n".join(f'    "{k}": "{v}"' for k, v in sorted(manifest.items()))
    (root / "staticfiles.json").write_text("{\n  \"paths\": {\n" + lines + "\n  },\n  \"version\": \"1.1\"\n}\n")
    print(f"{len(manifest)} static files copied to '{root}'.")


def main(argv):
    command = argv[1] if len(argv) > 1 else "help"
    if command == "test":
        result = unittest.TextTestRunner(verbosity=2).run(unittest.defaultTestLoader.discover("blog/tests", top_level_dir="."))
        sys.exit(0 if result.wasSuccessful() else 1)
    if command == "compilemessages":
        return compilemessages()
    if command == "collectstatic":
        return collectstatic()
    print("Available subcommands: test, compilemessages, collectstatic")
