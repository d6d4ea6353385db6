/**
 * Cache keys: a step's key is a digest of its parent's key and everything that can change its
 * result (the expanded operation and, for COPY/ADD, the content hash of exactly the selected
 * files). Only layer-producing steps chain: like BuildKit, a LABEL does not invalidate the RUN
 * after it, but an ENV does, because the RUN's environment is part of its operation.
 */
import { createHash } from 'node:crypto';
import type { Digest } from '../image/oci.js';

export type CacheKey = Digest;

/** Version of the key derivation: bump to invalidate every cache record at once. */
const KEY_VERSION = 'drydock.cache.v1';

export function cacheKey(parent: CacheKey | 'scratch', kind: string, op: unknown, inputs: Record<string, string> = {}): CacheKey {
  const h = createHash('sha256');
  h.update(KEY_VERSION).update('\0').update(parent).update('\0').update(kind).update('\0');
  h.update(stableJSON(op)).update('\0').update(stableJSON(inputs));
  return `sha256:${h.digest('hex')}`;
}

/** The key of a base image: its platform manifest digest. */
export function baseKey(manifestDigest: Digest): CacheKey {
  return cacheKey('scratch', 'base', { manifest: manifestDigest });
}

/** JSON with sorted object keys, so equal values give equal bytes. `undefined` fields vanish. */
export function stableJSON(v: unknown): string {
  if (v === null || typeof v !== 'object') return JSON.stringify(v) ?? 'null';
  if (Array.isArray(v)) return `[${v.map((x) => stableJSON(x === undefined ? null : x)).join(',')}]`;
  const o = v as Record<string, unknown>;
  const keys = Object.keys(o).filter((k) => o[k] !== undefined).sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${stableJSON(o[k])}`).join(',')}}`;
}
