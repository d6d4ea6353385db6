python3 - <<'PY'
import hashlib
with open('big.bin', 'wb') as f:
    block = hashlib.sha256(b'drydock').digest() * 32768  # 1 MiB, not all zeros
    for i in range(50):
        f.write(bytes([i]) + block[1:])
PY
chmod 0640 big.bin
