/**
 * Layers of intermediate stages are stored uncompressed (stage.ts): only the cache and the
 * snapshotter read them, and a builder stage's compile output is the layer most worth not
 * gzipping. When such a layer does end up in an exported image (a later `--target` of that stage,
 * or a cache hit from a build where its stage was intermediate), it is gzipped here, once: its
 * step record is rewritten to the gzipped blob, so the next build finds it compressed.
 */
import type { CacheRecord, LayerRef, StageResult } from '../graph/index.js';
import { recompressLayer } from '../image/layer.js';
import { layerCompression, type Digest } from '../image/oci.js';
import type { StepCache } from './cache.js';
import type { Workspace } from './workspace.js';
import type { Store } from '../store/index.js';

const isUncompressed = (l: LayerRef) => layerCompression(l.descriptor.mediaType) === 'uncompressed';

/** `r` with every uncompressed layer its own steps made gzipped (base image layers stay as they are). */
export async function compressForImage(ws: Workspace, cache: StepCache, r: StageResult): Promise<StageResult> {
  if (!r.layers.some(isUncompressed)) return r;
  const records: CacheRecord[] = [];
  for (const key of r.used ?? []) {
    const rec = await cache.get(key);
    if (rec) records.push(rec);
  }
  const gzipped = new Map<Digest, LayerRef>();
  for (const rec of await gzipRecords(ws.store, cache, records)) if (rec.layer) gzipped.set(rec.layer.diffID, rec.layer);
  return { ...r, layers: r.layers.map((l) => (isUncompressed(l) && gzipped.get(l.diffID)) || l) };
}

/** The records with their uncompressed layers gzipped, each such record rewritten in the step cache. */
export async function gzipRecords(store: Store, cache: StepCache, records: CacheRecord[]): Promise<CacheRecord[]> {
  const out: CacheRecord[] = [];
  for (const rec of records) {
    if (!rec.layer || !isUncompressed(rec.layer)) {
      out.push(rec);
      continue;
    }
    const gzipped = { ...rec, layer: { ...rec.layer, descriptor: await recompressLayer(store, rec.layer.descriptor, 'gzip') } };
    await cache.put(gzipped);
    out.push(gzipped);
  }
  return out;
}
