/**
 * drydock's cache format (docs/cache.md). A cache is an OCI artifact any registry or OCI layout
 * can hold:
 *   index (OCI image index, artifactType CACHE_ARTIFACT_TYPE)
 *     └─ manifest per platform (OCI image manifest, artifactType CACHE_ARTIFACT_TYPE)
 *          ├─ config: CacheConfig (CACHE_CONFIG_MEDIA_TYPE) — the step records
 *          └─ layers: the layer blobs those records produce
 * Inline caches put the same CacheConfig into the image config under INLINE_CACHE_FIELD, with
 * layers found by diffID among the image's own layers.
 */
import { MediaType, type Descriptor, type Digest, type ImageConfig, type Index, type Manifest, type Platform } from '../image/oci.js';
import type { CacheKey, CacheRecord } from '../graph/index.js';
import { isDigest, sha256 } from '../image/digest.js';
import { DrydockError } from '../util/errors.js';
import type { ExportedMount } from './mounts/format.js';

export const CACHE_ARTIFACT_TYPE = 'application/vnd.drydock.cache.v1';
export const CACHE_CONFIG_MEDIA_TYPE = 'application/vnd.drydock.cache.config.v1+json';
export const INLINE_CACHE_FIELD = 'drydock.cache.v1';

/** One step record as exported: its key, its history time and text, and its layer when it has one. */
export interface ExportedRecord {
  key: CacheKey;
  created: string;
  createdBy: string;
  /** `digest` names a blob of the artifact; inline records have only the diffID. */
  layer?: { digest?: Digest; diffID: Digest; size?: number };
  /** What made it, for `--explain` on the importing machine (src/solver/explain.ts checks it). */
  trace?: unknown;
}

export interface CacheConfig {
  version: 1;
  /** The platform the records were built for (the keys already pin the base image digest). */
  platform?: Platform;
  records: ExportedRecord[];
  /** Cache mounts' contents (src/cache/mounts): their index and chunk blobs are layers too. */
  mounts?: ExportedMount[];
}

/** An image config that carries an inline cache. */
export type ImageConfigWithCache = ImageConfig & { [INLINE_CACHE_FIELD]?: CacheConfig };

export function toExported(rec: CacheRecord, inline = false): ExportedRecord {
  const out: ExportedRecord = { key: rec.key, created: rec.created, createdBy: rec.createdBy };
  if (rec.layer) {
    out.layer = { diffID: rec.layer.diffID, ...(inline ? {} : { digest: rec.layer.descriptor.digest }), ...(rec.layer.size !== undefined ? { size: rec.layer.size } : {}) };
  }
  if (rec.trace !== undefined && !inline) out.trace = rec.trace;
  return out;
}

/** The artifact's three JSON documents for `records` over `layers` (each layer blob once). */
export function cacheArtifact(records: CacheRecord[], platform: Platform, mounts?: { mounts: ExportedMount[]; layers: Descriptor[] }): { config: Buffer; manifest: Buffer; index: (manifest: Descriptor) => Buffer; layers: Descriptor[] } {
  const layers = new Map<Digest, Descriptor>();
  for (const r of records) {
    if (r.layer) layers.set(r.layer.descriptor.digest, { mediaType: r.layer.descriptor.mediaType, digest: r.layer.descriptor.digest, size: r.layer.descriptor.size });
  }
  for (const d of mounts?.layers ?? []) layers.set(d.digest, { mediaType: d.mediaType, digest: d.digest, size: d.size });
  const cfg: CacheConfig = { version: 1, platform, records: records.map((r) => toExported(r)), ...(mounts?.mounts.length ? { mounts: mounts.mounts } : {}) };
  const config = Buffer.from(JSON.stringify(cfg));
  const manifest: Manifest = {
    schemaVersion: 2,
    mediaType: MediaType.OciManifest,
    artifactType: CACHE_ARTIFACT_TYPE,
    config: { mediaType: CACHE_CONFIG_MEDIA_TYPE, digest: sha256(config), size: config.length },
    layers: [...layers.values()],
  };
  const index = (m: Descriptor): Buffer => {
    const idx: Index = {
      schemaVersion: 2,
      mediaType: MediaType.OciIndex,
      artifactType: CACHE_ARTIFACT_TYPE,
      manifests: [{ mediaType: MediaType.OciManifest, digest: m.digest, size: m.size, artifactType: CACHE_ARTIFACT_TYPE, platform }],
    };
    return Buffer.from(JSON.stringify(idx));
  };
  return { config, manifest: Buffer.from(JSON.stringify(manifest)), index, layers: [...layers.values()] };
}

/** Records of a cache config, each layer resolved to a descriptor (`layerFor` knows the blobs). */
export function readRecords(raw: unknown, layerFor: (l: NonNullable<ExportedRecord['layer']>) => Descriptor | undefined, what: string): CacheRecord[] {
  const cfg = raw as Partial<CacheConfig> | undefined;
  if (!cfg || typeof cfg !== 'object' || cfg.version !== 1 || !Array.isArray(cfg.records)) {
    throw new DrydockError('FORMAT', `${what}: not a drydock cache (version 1) config`);
  }
  const out: CacheRecord[] = [];
  for (const r of cfg.records) {
    if (!r || !isDigest(r.key) || typeof r.created !== 'string' || typeof r.createdBy !== 'string') {
      throw new DrydockError('FORMAT', `${what}: malformed cache record ${JSON.stringify(r).slice(0, 120)}`);
    }
    const rec: CacheRecord = { key: r.key, created: r.created, createdBy: r.createdBy, ...(r.trace !== undefined ? { trace: r.trace } : {}) };
    if (r.layer) {
      if (!isDigest(r.layer.diffID)) throw new DrydockError('FORMAT', `${what}: record ${r.key} has a malformed layer`);
      const descriptor = layerFor(r.layer);
      if (!descriptor) throw new DrydockError('FORMAT', `${what}: record ${r.key} names a layer the cache does not hold`);
      rec.layer = { descriptor, diffID: r.layer.diffID, ...(typeof r.layer.size === 'number' ? { size: r.layer.size } : {}) };
    }
    out.push(rec);
  }
  return out;
}
