/**
 * Keeping the build cache in bounds: least-recently-used step records are dropped until the
 * layers they hold fit the limit (`prune --cache --keep-storage`, or `build-cache.max-size` in
 * `<root>/config.json`, applied after each build), and unpacked snapshots that no image and no
 * cache record uses any more are removed.
 */
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Store } from '../store/index.js';
import type { Digest, Index, Manifest, ImageConfig } from '../image/oci.js';
import { isIndexMediaType } from '../image/oci.js';
import { StepCache } from './cache.js';
import { parseSize } from '../util/units.js';
import { DrydockError } from '../util/errors.js';

export interface CachePruneResult {
  records: number;
  /** Blob bytes the dropped records held (freed by the GC unless an image still uses them). */
  bytes: number;
}

/** Drops step records, oldest use first, until the rest hold at most `keepBytes` (all when undefined). */
export async function pruneStepCache(store: Store, opts: { keepBytes?: number; dryRun?: boolean } = {}): Promise<CachePruneResult> {
  const cache = new StepCache(store.root, store);
  const entries: Array<{ key: Digest; used: number; blob?: Digest; size: number }> = [];
  for await (const rec of cache.list()) {
    entries.push({ key: rec.key, used: (await cache.lastUsed(rec.key)) ?? 0, blob: rec.layer?.descriptor.digest, size: rec.layer?.descriptor.size ?? 0 });
  }
  entries.sort((a, b) => b.used - a.used); // most recently used first
  const kept = new Set<Digest>();
  let keptBytes = 0;
  const result: CachePruneResult = { records: 0, bytes: 0 };
  for (const e of entries) {
    const extra = e.blob && !kept.has(e.blob) ? e.size : 0;
    if (opts.keepBytes !== undefined && keptBytes + extra <= opts.keepBytes) {
      if (e.blob) kept.add(e.blob);
      keptBytes += extra;
      continue;
    }
    result.records++;
    if (e.blob && !kept.has(e.blob)) result.bytes += e.size;
    if (!opts.dryRun) {
      await cache.delete(e.key);
      // Its --explain trace goes with it (explain.ts; the parent's `.next` list skips a missing one).
      await rm(join(store.root, 'cache', 'traces', `${e.key.replace(/^sha256:/, '')}.json`), { force: true });
    }
  }
  return result;
}

/** Removes unpacked layers that no image in the store and no cache record needs. */
export async function pruneSnapshots(store: Store): Promise<void> {
  const { openSnapshotter } = await import('../snapshot/index.js');
  const keep = new Set<Digest>();
  const addImage = async (d: Digest, mediaType?: string) => {
    if (!(await store.content.has(d))) return;
    if (isIndexMediaType(mediaType)) {
      for (const m of (await store.content.readJSON<Index>(d)).manifests) await addImage(m.digest, m.mediaType);
      return;
    }
    const m = await store.content.readJSON<Manifest>(d);
    if (!(await store.content.has(m.config.digest))) return;
    for (const id of (await store.content.readJSON<ImageConfig>(m.config.digest)).rootfs?.diff_ids ?? []) keep.add(id);
  };
  for (const rec of await store.images.list()) await addImage(rec.target.digest, rec.target.mediaType);
  for await (const rec of new StepCache(store.root, store).list()) if (rec.layer) keep.add(rec.layer.diffID);
  const snapshotter = await openSnapshotter(store.root, { driver: 'auto' });
  await snapshotter.prune(keep);
}

/** `build-cache.max-size` from `<root>/config.json`, if set. */
export async function configuredCacheLimit(root: string): Promise<number | undefined> {
  let text: string;
  try { text = await readFile(join(root, 'config.json'), 'utf8'); } catch { return undefined; }
  let cfg: { 'build-cache'?: { 'max-size'?: string | number } };
  try { cfg = JSON.parse(text); } catch (e) { throw new DrydockError('USAGE', `${join(root, 'config.json')}: ${(e as Error).message}`); }
  const v = cfg['build-cache']?.['max-size'];
  if (v === undefined) return undefined;
  try { return typeof v === 'number' ? v : parseSize(v); } catch (e) {
    throw new DrydockError('USAGE', `${join(root, 'config.json')}: build-cache.max-size: ${(e as Error).message}`);
  }
}
