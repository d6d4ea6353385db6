/**
 * Writing an output file (`-o type=docker|oci|tar,dest=…`, `drydock save -o`): into a temp file
 * beside it, renamed into place when complete, so a full disk or a cancelled build never leaves
 * a partial archive where a complete one is expected. `-` is standard output. A destination that
 * exists and is not a regular file (`/dev/null`, a FIFO, a terminal) is written in place, as
 * `docker save -o` does: renaming over it would replace the device with a file.
 */
import { createWriteStream, lstatSync } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { DrydockError } from './errors.js';

export async function writeOutputFile(dest: string, data: Readable): Promise<void> {
  if (dest === '-') return pipeline(data, process.stdout);
  if (isSpecialFile(dest)) return pipeline(data, createWriteStream(dest, { flags: 'w' }));
  const partial = `${dest}.${process.pid}-${randomBytes(4).toString('hex')}.partial`;
  try {
    await pipeline(data, createWriteStream(partial, { flags: 'wx' }));
    await rename(partial, dest);
  } catch (e) {
    await rm(partial, { force: true });
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOSPC') throw new DrydockError('STORE', `no space left on device writing ${dest}`, { cause: e });
    if (code === 'EDQUOT') throw new DrydockError('STORE', `disk quota exceeded writing ${dest}`, { cause: e });
    if (code === 'EACCES' || code === 'EPERM' || code === 'EROFS' || code === 'ENOENT' || code === 'ENOTDIR' || code === 'EISDIR') {
      throw new DrydockError('USAGE', `cannot write ${dest}: ${(e as Error).message.replace(/^[A-Z]+: /, '').replace(/, open .*$/, '')}`, { cause: e });
    }
    throw e;
  }
}

/** A device, FIFO or socket at `dest` (not a symlink to one: that would be renamed over, as a file is). */
function isSpecialFile(dest: string): boolean {
  try {
    const st = lstatSync(dest);
    return st.isCharacterDevice() || st.isBlockDevice() || st.isFIFO() || st.isSocket();
  } catch {
    return false;
  }
}
