/**
 * Writing an output file (`-o type=docker|oci|tar,dest=…`, `drydock save -o`): into a temp file
 * beside it, renamed into place when complete, so a full disk or a cancelled build never leaves
 * a partial archive where a complete one is expected. `-` is standard output.
 */
import { createWriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { DrydockError } from './errors.js';

export async function writeOutputFile(dest: string, data: Readable): Promise<void> {
  if (dest === '-') return pipeline(data, process.stdout);
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
