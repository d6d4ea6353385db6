/**
 * fsck: re-hash every blob, check that every reference's image (host platform) is complete, and
 * find leftovers of killed processes. --repair removes corrupt blobs, dangling references and
 * stale temp files. Runs under the GC lock so it never races a prune.
 */
import { createReadStream } from 'node:fs';
import { unlink } from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';
import type { Digest } from '../image/oci.js';
import { HashingStream } from '../image/digest.js';
import { resolveFromContent } from '../image/resolve.js';
import type { Store } from './index.js';
import { withLock } from './lock.js';
import { removeStaleTemps } from './gc.js';
import { Writable } from 'node:stream';

export interface FsckReport {
  blobsChecked: number;
  corruptBlobs: Digest[];
  /** References whose image cannot be fully read: target or a blob it needs is missing or corrupt. */
  danglingRefs: Array<{ ref: string; reason: string }>;
  invalidRefFiles: string[];
  staleTemps: number;
  repaired: boolean;
  /** No corrupt blobs and no dangling references (stale temps are harmless garbage). */
  ok: boolean;
}

async function hashFile(path: string): Promise<Digest> {
  const h = new HashingStream();
  await pipeline(createReadStream(path), h, new Writable({ write: (_c, _e, cb) => cb() }));
  return h.digest();
}

export async function fsck(store: Store, opts: { repair?: boolean } = {}): Promise<FsckReport> {
  return withLock(store.gcLockPath, async () => {
    const corrupt: Digest[] = [];
    let checked = 0;
    for await (const d of store.content.list()) {
      checked++;
      const got = await hashFile(store.content.path(d)).catch(() => undefined);
      if (got !== d) corrupt.push(d);
    }
    if (opts.repair) for (const d of corrupt) await store.content.delete(d);

    const dangling: FsckReport['danglingRefs'] = [];
    for (const rec of await store.images.list()) {
      const reason = await checkImage(store, rec.target, new Set(corrupt));
      if (reason) {
        dangling.push({ ref: rec.ref, reason });
        if (opts.repair) await store.images.delete(rec.ref);
      }
    }
    const invalid = await store.images.invalidFiles();
    if (opts.repair) for (const f of invalid) await unlink(f).catch(() => {});
    const staleTemps = await removeStaleTemps(store, !opts.repair);
    return {
      blobsChecked: checked,
      corruptBlobs: corrupt,
      danglingRefs: dangling,
      invalidRefFiles: invalid,
      staleTemps,
      repaired: !!opts.repair,
      ok: corrupt.length === 0 && dangling.length === 0 && invalid.length === 0,
    };
  });
}

async function checkImage(store: Store, target: { digest: Digest; mediaType: string; size: number }, corrupt: Set<Digest>): Promise<string | undefined> {
  try {
    const img = await resolveFromContent(store.content, target);
    for (const d of [img.manifestDescriptor.digest, img.configDescriptor.digest, ...img.manifest.layers.map((l) => l.digest)]) {
      if (corrupt.has(d)) return `blob ${d} is corrupt`;
      if (!(await store.content.has(d))) return `blob ${d} is missing`;
    }
    return undefined;
  } catch (e) {
    return e instanceof Error ? e.message : String(e);
  }
}
