python3 - <<'PY'
import os
for d in range(40):
    p = f'tree/d{d:02}'
    os.makedirs(p)
    for f in range(50):
        with open(f'{p}/f{f:02}', 'w') as fh:
            fh.write(f'{d}/{f}\n' * (f + 1))
        os.chmod(f'{p}/f{f:02}', 0o600 if f % 3 == 0 else 0o644)
PY
