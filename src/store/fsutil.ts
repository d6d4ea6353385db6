/** Small filesystem helpers for crash-safe writes: temp file in the store, fsync, rename. */
import { randomBytes } from 'node:crypto';
import { open, rename, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { DrydockError } from '../util/errors.js';

/** A unique temp path whose name starts with our pid, so GC can tell live temps from dead ones. */
export function tempPath(tmpDir: string, hint = 'tmp'): string {
  return join(tmpDir, `${process.pid}.${randomBytes(6).toString('hex')}.${hint}`);
}

/** Pid encoded in a temp file name by tempPath, if any. */
export function tempOwner(name: string): number | undefined {
  const m = /^(\d+)\./.exec(name);
  return m ? Number(m[1]) : undefined;
}

export { isAlive } from '../util/process.js';

/** Writes `data` to `dest` atomically: readers see the old file or the new one, never a part. */
export async function atomicWrite(tmpDir: string, dest: string, data: Buffer | string): Promise<void> {
  const tmp = tempPath(tmpDir, 'w');
  try {
    const fh = await open(tmp, 'wx', 0o644);
    try {
      await fh.writeFile(data);
      await fh.sync();
    } finally {
      await fh.close();
    }
    await rename(tmp, dest);
  } catch (e) {
    await unlink(tmp).catch(() => {});
    throw storeError(e, `writing ${dest}`);
  }
}

/** Turns filesystem failures into one clear line; leaves DrydockErrors alone. */
export function storeError(e: unknown, doing: string): unknown {
  if (e instanceof DrydockError) return e;
  const err = e as NodeJS.ErrnoException;
  switch (err?.code) {
    case 'ENOSPC':
      return new DrydockError('STORE', `no space left on device while ${doing}`, { cause: e });
    case 'EDQUOT':
      return new DrydockError('STORE', `disk quota exceeded while ${doing}`, { cause: e });
    case 'EACCES':
    case 'EPERM':
    case 'EROFS':
      return new DrydockError('STORE', `permission denied while ${doing}: ${err.message}`, { cause: e });
    default:
      return e;
  }
}

export function isNotFound(e: unknown): boolean {
  return (e as NodeJS.ErrnoException)?.code === 'ENOENT';
}
