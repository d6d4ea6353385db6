/**
 * Inline cache (`--cache-to type=inline`): the final image's own step records go into its config,
 * so pushing the image also publishes its cache, and `--cache-from type=registry,ref=IMAGE`
 * reads them back. Layers are named by diffID, so they are found among the image's own layers
 * whatever compression it was pushed with.
 */
import type { Descriptor, ImageConfig, Manifest } from '../image/oci.js';
import type { CacheRecord } from '../graph/index.js';
import { DrydockError } from '../util/errors.js';
import { INLINE_CACHE_FIELD, readRecords, toExported, type CacheConfig, type ImageConfigWithCache } from './format.js';

/** `config` with `records` embedded (records whose layer is not in the image are left out). */
export function withInlineCache(config: ImageConfig, records: CacheRecord[]): ImageConfigWithCache {
  const diffIDs = new Set(config.rootfs.diff_ids);
  const cache: CacheConfig = {
    version: 1,
    platform: { os: config.os, architecture: config.architecture, ...(config.variant ? { variant: config.variant } : {}) },
    records: records.filter((r) => !r.layer || diffIDs.has(r.layer.diffID)).map((r) => toExported(r, true)),
  };
  return { ...config, [INLINE_CACHE_FIELD]: cache };
}

export function inlineRecords(config: ImageConfigWithCache, manifest: Manifest, what: string): CacheRecord[] {
  const cache = config[INLINE_CACHE_FIELD];
  if (!cache) throw new DrydockError('NOT_FOUND', `${what}: the image has no inline cache (build it with --cache-to type=inline)`);
  const diffIDs = config.rootfs?.diff_ids ?? [];
  const layerFor = (l: { diffID: string }): Descriptor | undefined => {
    const i = diffIDs.indexOf(l.diffID as (typeof diffIDs)[number]);
    return i >= 0 ? manifest.layers[i] : undefined;
  };
  return readRecords(cache, layerFor, what);
}
