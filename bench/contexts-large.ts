/**
 * Large build contexts for the no-op rebuild scenarios (issue 18): `files` small files in
 * 100-file directories under data/, COPYed by name, optionally beside a node_modules/ tree that
 * .dockerignore excludes. Contents are deterministic, so both builders see the same bytes.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';

export interface LargeContextOptions {
  /** Files under data/, copied by `COPY data /data/`. */
  files: number;
  /** Files under node_modules/, excluded by .dockerignore (none by default). */
  excluded?: number;
}

/** Writes `count` files of 64 B to 2 KiB into 100-file directories under `dir`. */
async function fill(dir: string, count: number, seed: number): Promise<void> {
  const next = () => { seed ^= seed << 13; seed ^= seed >>> 17; seed ^= seed << 5; return seed >>> 0; };
  for (let d = 0; d * 100 < count; d++) {
    const sub = path.join(dir, `d${String(d).padStart(4, '0')}`);
    await mkdir(sub, { recursive: true });
    const writes: Promise<void>[] = [];
    for (let f = d * 100; f < Math.min(count, (d + 1) * 100); f++) {
      const size = 64 + (next() % 1985);
      writes.push(writeFile(path.join(sub, `f${f}.txt`), `${f}:`.padEnd(size, String.fromCharCode(97 + (next() % 26)))));
    }
    await Promise.all(writes);
  }
}

export async function largeContext(dir: string, opts: LargeContextOptions): Promise<string> {
  await fill(path.join(dir, 'data'), opts.files, 0x2545f491);
  if (opts.excluded) {
    await fill(path.join(dir, 'node_modules'), opts.excluded, 0x1b873593);
    await writeFile(path.join(dir, '.dockerignore'), 'node_modules\n');
  }
  await writeFile(path.join(dir, 'Dockerfile'), 'FROM busybox:latest\nCOPY data /data/\n');
  return dir;
}

/** The n-th edit of one file in the middle of data/: new bytes, a new mtime. */
export async function editLargeContext(dir: string, n: number): Promise<void> {
  await writeFile(path.join(dir, 'data', 'd0100', 'f10000.txt'), `edit ${n}\n`);
}
