import type { Descriptor, Digest, ImageConfig } from '../image/oci.js';
import type { CacheKey } from './keys.js';

/**
 * The media type of a layer kept only as a snapshot: a step of an intermediate stage, whose
 * changes were committed without being made into a tar (BuildKit keeps such layers as
 * snapshots too). Its descriptor's digest and its diffID are the snapshot's id, not a content
 * digest; no blob exists. When an image or a cache export needs the layer, its tar is made from
 * the snapshot (snapshotter `layerTar`) and stored as a blob: see solver/compress.ts.
 */
export const SNAPSHOT_LAYER = 'application/vnd.drydock.layer.snapshot.v1';

export function isSnapshotLayer(d: Descriptor): boolean {
  return d.mediaType === SNAPSHOT_LAYER;
}

/** One layer of a built or pulled image: the stored (compressed) blob and its uncompressed identity. */
export interface LayerRef {
  descriptor: Descriptor;
  diffID: Digest;
  /** Bytes of file content in the layer (what `docker images` adds up), when known. */
  size?: number;
}

/** What a cache key resolves to. Config-only steps have no layer but keep their creation time. */
export interface CacheRecord {
  key: CacheKey;
  created: string;
  createdBy: string;
  layer?: LayerRef;
  /** In a cache export: what made the record, for --explain elsewhere (src/solver/explain.ts; opaque here). */
  trace?: unknown;
}

/** The result of a stage (or a base image): everything the next stage or an exporter needs. */
export interface StageResult {
  key: CacheKey;
  config: ImageConfig;
  layers: LayerRef[];
  /** How many of the stage's own steps came from the cache. */
  cachedSteps: number;
  steps: number;
  /** Every cache record the stage's image rests on (its base stage's, then its own layer and
   *  config steps), in order: what a cache export of this stage sends. */
  used?: CacheKey[];
}
