/**
 * Layer unpack through GNU tar: the one place drydock runs an extractor other than extract.ts.
 * bench/unpack.ts measures both on the golang base layer (21,000 entries, 600 MB): GNU tar in its
 * own process takes about half the wall time and ~1.6 s less CPU, so layers keep it
 * (docs/archive.md). Its guards match extract.ts's: it refuses names and hard link targets that
 * climb out (`..`), makes absolute names relative, and creates symlinks whose targets are
 * absolute or climb only at the end, so no entry is ever written through one; a refused member
 * fails the unpack (tar exits non-zero) instead of being skipped.
 */
import { spawn } from 'node:child_process';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { DrydockError } from '../util/errors.js';

export async function gnuExtract(tar: Readable, dest: string): Promise<void> {
  const args = ['-x', '-f', '-', '-C', dest, '--numeric-owner', '--same-owner', '--same-permissions',
    '--xattrs', '--xattrs-include=*', '--warning=no-unknown-keyword', '--warning=no-timestamp'];
  const child = spawn('tar', args, { stdio: ['pipe', 'ignore', 'pipe'] });
  const err: Buffer[] = [];
  child.stderr.on('data', (b: Buffer) => err.push(b));
  const exited = new Promise<number | null>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve(code));
  });
  try {
    await pipeline(tar, child.stdin);
  } catch (e) {
    // GNU tar stops reading at the end-of-archive marker, so record padding after it (tar-made
    // layers have up to 10 KiB) can meet a closed pipe: that is success if tar itself succeeded.
    if (!closedByReader(e)) {
      child.kill('SIGKILL');
      await exited.catch(() => undefined);
      throw e;
    }
  }
  const code = await exited;
  if (code !== 0) {
    // tar's first complaint, on one line: the member it refused or what the filesystem said.
    const first = Buffer.concat(err).toString().split('\n').map((l) => l.replace(/^tar: /, '').trim()).find((l) => l && !/^Exiting with failure/.test(l));
    throw new DrydockError('FORMAT', `tar: ${first ?? `exit ${code}`}`);
  }
}

function closedByReader(e: unknown): boolean {
  const code = (e as NodeJS.ErrnoException).code;
  return code === 'EPIPE' || code === 'ERR_STREAM_PREMATURE_CLOSE';
}
