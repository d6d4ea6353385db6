/**
 * Build contexts for the scenarios, generated into the bench's work dir. Contents are
 * deterministic (seeded) except the 1 GB file, which is random so that it does not compress.
 */
import { randomFillSync } from 'node:crypto';
import { cp, mkdir, readFile, writeFile, open } from 'node:fs/promises';
import path from 'node:path';
import { repoRoot } from '../test/helpers/paths.js';

/** A copy of examples/go-hello (multi-stage: golang:1.19 builder, busybox runtime). */
export async function goContext(dir: string): Promise<string> {
  await cp(path.join(repoRoot, 'examples', 'go-hello'), dir, { recursive: true });
  return dir;
}

/** Makes the n-th one-file change to the Go example: a new greeting, a fresh mtime. */
export async function editGoSource(dir: string, n: number): Promise<void> {
  const file = path.join(dir, 'main.go');
  const text = await readFile(file, 'utf8');
  const edited = text.replace(/greeting := "hello from drydock[^"]*"/, `greeting := "hello from drydock (edit ${n})"`);
  if (edited === text && !text.includes(`(edit ${n})`)) throw new Error(`${file}: the greeting line to edit is gone`);
  await writeFile(file, edited);
}

/**
 * Writes `count` deterministic files of 64 B to 2 KiB (xorshift from `seed`) into 100-file
 * directories `d000…` under `dir`, their numbers padded to `digits`.
 */
export async function writeSmallFiles(dir: string, count: number, seed: number, digits: number): Promise<void> {
  const next = () => { seed ^= seed << 13; seed ^= seed >>> 17; seed ^= seed << 5; return seed >>> 0; };
  for (let d = 0; d * 100 < count; d++) {
    const sub = path.join(dir, `d${String(d).padStart(digits, '0')}`);
    await mkdir(sub, { recursive: true });
    const writes: Promise<void>[] = [];
    for (let f = d * 100; f < Math.min(count, (d + 1) * 100); f++) {
      const size = 64 + (next() % 1985);
      writes.push(writeFile(path.join(sub, `f${f}.txt`), `${f}:`.padEnd(size, String.fromCharCode(97 + (next() % 26)))));
    }
    await Promise.all(writes);
  }
}

/** `count` small files (64 B to 2 KiB) in 100-file directories, copied whole by the Dockerfile. */
export async function manyFilesContext(dir: string, count: number): Promise<string> {
  await writeSmallFiles(path.join(dir, 'files'), count, 0x2545f491, 3);
  await writeFile(path.join(dir, 'Dockerfile'), 'FROM busybox:latest\nCOPY . /data/\n');
  return dir;
}

/** One `mb` MiB file of random bytes, COPYed into the image. */
export async function bigFileContext(dir: string, mb: number): Promise<string> {
  await mkdir(dir, { recursive: true });
  const f = await open(path.join(dir, 'big.bin'), 'w');
  try {
    const chunk = Buffer.alloc(1 << 20);
    for (let i = 0; i < mb; i++) await f.write(randomFillSync(chunk));
  } finally {
    await f.close();
  }
  await writeFile(path.join(dir, 'Dockerfile'), 'FROM busybox:latest\nCOPY big.bin /data/big.bin\n');
  return dir;
}

/** A RUN that writes one `mb` MiB file of random bytes. */
export async function runBigContext(dir: string, mb: number): Promise<string> {
  await mkdir(dir, { recursive: true });
  await writeFile(path.join(dir, 'Dockerfile'), `FROM busybox:latest\nRUN head -c ${mb * 1024 * 1024} /dev/urandom > /big.bin\n`);
  return dir;
}
