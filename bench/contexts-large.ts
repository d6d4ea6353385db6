/**
 * Large build contexts for the no-op rebuild scenarios (issue 18): `files` small files in
 * 100-file directories under data/, COPYed by name, optionally beside a node_modules/ tree that
 * .dockerignore excludes. Contents are deterministic, so both builders see the same bytes.
 */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { writeSmallFiles } from './contexts.js';

export interface LargeContextOptions {
  /** Files under data/, copied by `COPY data /data/`. */
  files: number;
  /** Files under node_modules/, excluded by .dockerignore (none by default). */
  excluded?: number;
}

export async function largeContext(dir: string, opts: LargeContextOptions): Promise<string> {
  await writeSmallFiles(path.join(dir, 'data'), opts.files, 0x2545f491, 4);
  if (opts.excluded) {
    await writeSmallFiles(path.join(dir, 'node_modules'), opts.excluded, 0x1b873593, 4);
    await writeFile(path.join(dir, '.dockerignore'), 'node_modules\n');
  }
  await writeFile(path.join(dir, 'Dockerfile'), 'FROM busybox:latest\nCOPY data /data/\n');
  return dir;
}

/** The n-th edit of one file in the middle of data/: new bytes, a new mtime. */
export async function editLargeContext(dir: string, n: number): Promise<void> {
  await writeFile(path.join(dir, 'data', 'd0100', 'f10000.txt'), `edit ${n}\n`);
}
