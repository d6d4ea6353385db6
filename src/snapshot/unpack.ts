/**
 * A layer unpacked in overlayfs's format: GNU tar extracts it (src/archive/gnu.ts), then OCI
 * whiteouts become overlay whiteouts: `.wh.x` → char device 0/0 `x`, `.wh..wh..opq` →
 * `trusted.overlay.opaque=y` on its directory.
 */
import { lstat, readdir, unlink } from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { OPAQUE_MARKER, WHITEOUT_PREFIX, gnuExtract } from '../archive/index.js';
import { hostCalls } from '../util/syscalls.js';
import { OPAQUE_XATTR, restoreXattrs } from './xattr.js';

/** Unpacks a layer tar into `dest` (made empty by the caller), whiteouts still OCI files; `open` may be called twice. */
export function extractTar(open: () => Readable | Promise<Readable>, dest: string): Promise<void> {
  return gnuExtract(open, dest);
}

export interface UnpackResult {
  /** Directories (relative, '' for the root) marked opaque by this layer. */
  opaque: string[];
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
