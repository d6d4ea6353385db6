/**
 * fsck: re-hash every blob, check that every reference's image (host platform) is complete, then
 * the snapshots, step records, leases, locks and build records (fsck-state.ts), and find
 * leftovers of killed processes. --repair removes what is corrupt, dangling or left over. Runs
 * under the GC lock so it never races a prune.
 */
import { createReadStream } from 'node:fs';
import { unlink } from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';
import { isIndexMediaType, type Descriptor, type Digest } from '../image/oci.js';
import { HashingStream } from '../image/digest.js';
import { resolveFromContent, resolvePlatforms } from '../image/resolve.js';
import type { Store } from './index.js';
import { withLock } from './lock.js';
import { removeStaleTemps } from './gc.js';
import { checkState, type Finding } from './fsck-state.js';
import { Writable } from 'node:stream';

export interface FsckReport {
  blobsChecked: number;
  corruptBlobs: Digest[];
  /** References whose image cannot be fully read: target or a blob it needs is missing or corrupt. */
  danglingRefs: Array<{ ref: string; reason: string }>;
  invalidRefFiles: string[];
  staleTemps: number;
  /** Snapshots, step records, leases, locks and build records found broken or left over. */
  findings: Finding[];
  repaired: boolean;
  /** No corrupt blobs, no dangling references, no findings but harmless leftovers (as stale temps). */
  ok: boolean;
}

async function hashFile(path: string): Promise<Digest> {
  const h = new HashingStream();
  await pipeline(createReadStream(path), h, new Writable({ write: (_c, _e, cb) => cb() }));
  return h.digest();
}

export async function fsck(store: Store, opts: { repair?: boolean } = {}): Promise<FsckReport> {
  const check = () => checkStore(store, opts);
  try {
    return await withLock(store.gcLockPath, check);
  } catch (e) {
    // A full disk has no room for the lock file: the read-only check still runs (a repair needs the lock).
    if (opts.repair || (e as NodeJS.ErrnoException).code !== 'ENOSPC') throw e;
    return check();
  }
}

async function checkStore(store: Store, opts: { repair?: boolean }): Promise<FsckReport> {
  {
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
    const findings = await checkState(store, !!opts.repair);
    return {
      blobsChecked: checked,
      corruptBlobs: corrupt,
      danglingRefs: dangling,
      invalidRefFiles: invalid,
      staleTemps,
      findings,
      repaired: !!opts.repair,
      ok: corrupt.length === 0 && dangling.length === 0 && invalid.length === 0 && findings.every((f) => f.harmless),
    };
  }
}

/**
 * Why a reference is dangling, if it is. An index may hold only some of its platforms (a pull or
 * a build fetches one, as containerd keeps partial indexes): each platform whose manifest is
 * there must be whole, and at least one must be.
 */
async function checkImage(store: Store, target: Descriptor, corrupt: Set<Digest>): Promise<string | undefined> {
  try {
    const images = isIndexMediaType(target.mediaType) ? await resolvePlatforms(store.content, target) : [await resolveFromContent(store.content, target)];
    if (corrupt.has(target.digest)) return `blob ${target.digest} is corrupt`;
    if (images.length === 0) return `index ${target.digest}: none of its platforms' manifests is in the store`;
    for (const img of images) {
      for (const d of [img.manifestDescriptor.digest, img.configDescriptor.digest, ...img.manifest.layers.map((l) => l.digest)]) {
        if (corrupt.has(d)) return `blob ${d} is corrupt`;
        if (!(await store.content.has(d))) return `blob ${d} is missing`;
      }
    }
    return undefined;
  } catch (e) {
    return e instanceof Error ? e.message : String(e);
  }
}
