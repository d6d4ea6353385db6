import type { Descriptor, Digest, ImageConfig } from '../image/oci.js';
import type { CacheKey } from './keys.js';

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
