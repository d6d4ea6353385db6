/**
 * Unpacking one layer tar into a directory in overlayfs's format: GNU tar extracts (ownership,
 * modes, xattrs, devices, hard links; it refuses `..` and holds back symlinks that point outside
 * until the end), then OCI whiteouts become overlay whiteouts: `.wh.x` → char device 0/0 `x`,
 * `.wh..wh..opq` → `trusted.overlay.opaque=y` on its directory.
 */
import { spawn } from 'node:child_process';
import { lstat, readdir, unlink } from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { hostCalls } from '../util/syscalls.js';
import { OPAQUE_XATTR, restoreXattrs } from './xattr.js';

export const WHITEOUT_PREFIX = '.wh.';
export const OPAQUE_MARKER = '.wh..wh..opq';

export interface UnpackResult {
  /** Directories (relative, '' for the root) marked opaque by this layer. */
  opaque: string[];
}

export async function extractTar(tar: Readable, dest: string): Promise<void> {
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
  if (code !== 0) throw new Error(`tar: extracting layer failed (exit ${code}): ${Buffer.concat(err).toString().trim()}`);
}

function closedByReader(e: unknown): boolean {
  const code = (e as NodeJS.ErrnoException).code;
  return code === 'EPIPE' || code === 'ERR_STREAM_PREMATURE_CLOSE';
}

/** Converts OCI whiteout files under `root` to overlay whiteouts, keeping directory mtimes. */
export async function convertWhiteouts(root: string, opts: { setOpaqueXattr: boolean }): Promise<UnpackResult> {
  const opaque: string[] = [];
  const whiteouts: string[] = [];
  const touched = new Map<string, bigint>();
  const walk = async (rel: string): Promise<void> => {
    const dir = path.join(root, rel);
    const entries = await readdir(dir, { withFileTypes: true });
    const names = new Set(entries.map((e) => e.name));
    for (const e of entries) {
      if (e.name.startsWith(WHITEOUT_PREFIX)) {
        if (!touched.has(dir)) touched.set(dir, (await lstat(dir, { bigint: true })).mtimeNs);
        await unlink(path.join(dir, e.name));
        if (e.name === OPAQUE_MARKER) opaque.push(rel);
        else {
          const target = e.name.slice(WHITEOUT_PREFIX.length);
          // A whiteout next to an entry of the same name in one layer: the entry wins.
          if (!names.has(target)) whiteouts.push(path.join(dir, target));
        }
      } else if (e.isDirectory()) {
        await walk(path.join(rel, e.name));
      }
    }
  };
  await walk('');
  await hostCalls().mknodWhiteouts(whiteouts);
  if (opts.setOpaqueXattr) {
    await restoreXattrs(opaque.map((rel) => ({ path: path.join(root, rel), name: OPAQUE_XATTR, value: Buffer.from('y') })));
  }
  for (const [dir, mtimeNs] of touched) await hostCalls().setMtimeNs(dir, mtimeNs);
  return { opaque };
}
