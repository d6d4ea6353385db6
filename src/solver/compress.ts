/**
 * Layers of intermediate stages are kept as snapshots only (stage.ts, workspace.ts): only the
 * cache and the snapshotter read them, and a builder stage's compile output is the layer most
 * worth not turning into a tar, hashing and writing out. When such a layer does end up in an
 * exported image (a later `--target` of that stage, or a cache hit from a build where its stage
 * was intermediate) or in a cache export, its tar is made from the snapshot here, once, and
 * stored gzipped under its real diffID; its step record is rewritten to that blob, so the next
 * build finds it stored. Layers stored uncompressed (by the copy driver, or by drydock before
 * snapshot layers) are gzipped the same way.
 */
import { isSnapshotLayer, type CacheRecord, type LayerRef, type StageResult } from '../graph/index.js';
import { recompressLayer, writeLayer } from '../image/layer.js';
import { layerCompression, type Digest } from '../image/oci.js';
import type { StepCache } from './cache.js';
import type { Workspace } from './workspace.js';
import type { Store } from '../store/index.js';
import type { Snapshotter } from '../snapshot/index.js';
import { LayerSizes } from './layer-size.js';

/** A layer with no gzipped blob yet: a snapshot layer, or an uncompressed blob. */
export const needsGzip = (l: LayerRef): boolean => isSnapshotLayer(l.descriptor) || layerCompression(l.descriptor.mediaType) === 'uncompressed';

/** `r` with every layer its own steps kept as a snapshot or uncompressed stored gzipped (base image layers stay as they are). */
export async function compressForImage(ws: Workspace, cache: StepCache, r: StageResult): Promise<StageResult> {
  if (!r.layers.some(needsGzip)) return r;
  const records: CacheRecord[] = [];
  for (const key of r.used ?? []) {
    const rec = await cache.get(key);
    if (rec?.layer && needsGzip(rec.layer)) records.push(rec);
  }
  const stored = new Map<Digest, LayerRef>();
  const gzipped = await gzipRecords(ws.store, cache, records, ws.snapshotter);
  records.forEach((rec, i) => stored.set(rec.layer!.diffID, gzipped[i]!.layer!));
  const layers: LayerRef[] = [];
  for (const l of r.layers) {
    const done = stored.get(l.diffID);
    if (done) layers.push(done);
    // A snapshot layer no record holds any more (pruned meanwhile): stored all the same.
    else if (isSnapshotLayer(l.descriptor)) layers.push({ ...(await storeSnapshotLayer(ws.store, ws.snapshotter, l)), ...(l.size !== undefined ? { size: l.size } : {}) });
    else layers.push(l);
  }
  // A snapshot layer's id becomes its diffID in the image config.
  return { ...r, layers, config: { ...r.config, rootfs: { ...r.config.rootfs, diff_ids: layers.map((l) => l.diffID) } } };
}

/**
 * The records with their snapshot or uncompressed layers (or those of them `which` picks) stored
 * gzipped, each such record rewritten in the step cache.
 */
export async function gzipRecords(store: Store, cache: StepCache, records: CacheRecord[], snapshotter?: Snapshotter, which = needsGzip): Promise<CacheRecord[]> {
  const out: CacheRecord[] = [];
  for (const rec of records) {
    if (!rec.layer || !which(rec.layer)) {
      out.push(rec);
      continue;
    }
    let layer: LayerRef;
    if (isSnapshotLayer(rec.layer.descriptor)) {
      snapshotter ??= await (await import('../snapshot/index.js')).openSnapshotter(store.root);
      layer = { ...rec.layer, ...(await storeSnapshotLayer(store, snapshotter, rec.layer)) };
    } else {
      layer = { ...rec.layer, descriptor: await recompressLayer(store, rec.layer.descriptor, 'gzip') };
    }
    const gzipped = { ...rec, layer };
    await cache.put(gzipped);
    out.push(gzipped);
  }
  return out;
}

/** Makes a snapshot layer's tar, stores it gzipped, and names the snapshot by the tar's digest too. */
async function storeSnapshotLayer(store: Store, snapshotter: Snapshotter, l: LayerRef): Promise<{ descriptor: LayerRef['descriptor']; diffID: Digest }> {
  const { descriptor, diffID } = await writeLayer(store, snapshotter.layerTar(l.diffID), 'gzip');
  await snapshotter.alias(diffID, l.diffID);
  if (l.size !== undefined) await new LayerSizes(store.root).set(diffID, l.size);
  return { descriptor, diffID };
}
