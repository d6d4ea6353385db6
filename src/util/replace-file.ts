/**
 * Replaces a file's contents as a whole: written to a temp file beside it, unique per write (the
 * platforms of one build, or concurrent builds, may write the same file at once: each renames its
 * own), then renamed over it, so readers see the old contents or the new. No fsync: for caches and
 * memos whose loss costs only recomputation; the store's own records use store/fsutil.ts's
 * atomicWrite.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';

export async function replaceFile(file: string, data: string, opts: { mkdir?: boolean } = {}): Promise<void> {
  if (opts.mkdir) await mkdir(dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    await writeFile(tmp, data);
    await rename(tmp, file);
  } catch (e) {
    await rm(tmp, { force: true });
    throw e;
  }
}
