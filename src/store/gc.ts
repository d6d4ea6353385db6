/**
 * Garbage collection: mark from the roots (image references, named leases, live process leases)
 * through manifests and indexes, sweep what is left. Runs under <root>/gc.lock; writers wait for
 * it before a blob becomes visible, and lease it first, so nothing in flight is taken (see
 * docs/store.md). snapshots/ and cache/ belong to other modules and are never touched here.
 */
import { readdir, stat, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import type { Descriptor, Digest } from '../image/oci.js';
import { isDigest } from '../image/digest.js';
import type { Store } from './index.js';
import { withLock } from './lock.js';
import { isAlive, tempOwner } from './fsutil.js';

const MAX_JSON = 8 << 20;

/** Digests a blob refers to, if it is a manifest or an index (anything else is a leaf). */
export async function children(store: Store, d: Digest): Promise<Digest[]> {
  const size = await store.content.size(d);
  if (size === undefined || size > MAX_JSON) return [];
  let doc: { config?: Descriptor; layers?: Descriptor[]; manifests?: Descriptor[]; blobs?: Descriptor[] };
  try {
    const bytes = await store.content.readBytes(d);
    if (bytes[0] !== 0x7b) return [];
    doc = JSON.parse(bytes.toString('utf8')) as typeof doc;
  } catch {
    return [];
  }
  if (doc === null || typeof doc !== 'object') return [];
  const out: Digest[] = [];
  const add = (x: Descriptor | undefined) => {
    if (x && isDigest(x.digest)) out.push(x.digest);
  };
  add(doc.config);
  for (const list of [doc.layers, doc.manifests, doc.blobs]) if (Array.isArray(list)) list.forEach(add);
  return out;
}

/** Everything reachable from `roots`. */
export async function reachable(store: Store, roots: Iterable<Digest>): Promise<Set<Digest>> {
  const marked = new Set<Digest>();
  const stack = [...roots];
  while (stack.length) {
    const d = stack.pop()!;
    if (marked.has(d)) continue;
    marked.add(d);
    for (const c of await children(store, d)) if (!marked.has(c)) stack.push(c);
  }
  return marked;
}

export async function gcRoots(store: Store): Promise<Set<Digest>> {
  const roots = await store.leases.roots();
  for (const r of await store.images.list()) roots.add(r.target.digest);
  return roots;
}

export interface GcResult {
  removed: Digest[];
  reclaimedBytes: number;
  removedTemps: number;
}

export interface GcOptions {
  /** Only consider these blobs for removal (what `rm` untagged); default: every blob. */
  candidates?: Set<Digest>;
  dryRun?: boolean;
}

export async function collectGarbage(store: Store, opts: GcOptions = {}): Promise<GcResult> {
  return withLock(store.gcLockPath, async () => {
    // List before reading roots: a blob renamed in after the listing is simply not swept, and one
    // listed was leased by its writer before it appeared (see docs/store.md).
    const blobs: Digest[] = [];
    for await (const d of store.content.list()) if (!opts.candidates || opts.candidates.has(d)) blobs.push(d);
    const live = await reachable(store, await gcRoots(store));
    const result: GcResult = { removed: [], reclaimedBytes: 0, removedTemps: 0 };
    for (const d of blobs) {
      if (live.has(d)) continue;
      result.reclaimedBytes += (await store.content.size(d)) ?? 0;
      result.removed.push(d);
      if (!opts.dryRun) {
        await store.content.delete(d);
        // An image's build record (report/record.ts) goes with its config: nothing can read it after.
        await unlink(join(store.root, 'reports', `${d.slice('sha256:'.length)}.json`)).catch(() => {});
      }
    }
    if (!opts.dryRun && !opts.candidates) result.removedTemps = await removeStaleTemps(store);
    return result;
  });
}

/** Temp files of processes that died (kill -9 mid-write); returns how many were removed. */
export async function removeStaleTemps(store: Store, dryRun = false): Promise<number> {
  let n = 0;
  const names = await readdir(store.tmpDir).catch(() => [] as string[]);
  for (const name of names) {
    const pid = tempOwner(name);
    if (pid !== undefined && isAlive(pid)) continue;
    n++;
    if (!dryRun) await unlink(join(store.tmpDir, name)).catch(() => {});
  }
  // Lock staging files (gc.lock.<pid>.<token>) left by a killed taker.
  for (const name of await readdir(store.root).catch(() => [] as string[])) {
    const m = /^gc\.lock\.(\d+)\./.exec(name);
    if (m && !isAlive(Number(m[1]))) {
      n++;
      if (!dryRun) await unlink(join(store.root, name)).catch(() => {});
    }
  }
  return n;
}

/** Total bytes of the given blobs that exist. */
export async function blobBytes(store: Store, digests: Iterable<Digest>): Promise<number> {
  let total = 0;
  for (const d of digests) {
    try {
      total += (await stat(store.content.path(d))).size;
    } catch {
      /* missing */
    }
  }
  return total;
}

/** Build-cache pruners (the build engine registers one); `drydock prune --cache` runs them. */
export type CachePruner = (store: Store) => Promise<{ reclaimedBytes: number }>;
const cachePruners: CachePruner[] = [];

export function registerCachePruner(fn: CachePruner): void {
  cachePruners.push(fn);
}

export function registeredCachePruners(): readonly CachePruner[] {
  return cachePruners;
}
