/**
 * Rewrites a `--cache-to type=local` export (docs/cache.md: index.json → cache index → manifest →
 * config of step records) so that chosen records name another layer blob: the blob is added,
 * and every document above it is rewritten with its new digest, as the format requires.
 */
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Descriptor, Index, Manifest } from '../../../src/image/oci.js';
import type { CacheConfig } from '../../../src/cache/index.js';

export interface LayerSwap {
  blob: Buffer;
  diffID: string;
  mediaType: string;
}

const REF_NAME = 'org.opencontainers.image.ref.name';

function blobPath(dir: string, digest: string): string {
  return path.join(dir, 'blobs', 'sha256', digest.slice(7));
}

function readJSON<T>(dir: string, d: Descriptor): T {
  return JSON.parse(readFileSync(blobPath(dir, d.digest), 'utf8')) as T;
}

/** Stores `bytes` in the layout; returns its digest and size. */
function put(dir: string, bytes: Buffer): { digest: `sha256:${string}`; size: number } {
  const digest = `sha256:${createHash('sha256').update(bytes).digest('hex')}` as const;
  writeFileSync(blobPath(dir, digest), bytes);
  return { digest, size: bytes.length };
}

/** Replaces the layer of each record `pick` answers for (by its history text); returns how many. */
export function swapCacheLayers(dir: string, pick: (createdBy: string) => LayerSwap | undefined): number {
  const index = JSON.parse(readFileSync(path.join(dir, 'index.json'), 'utf8')) as Index;
  const entry = index.manifests.find((d) => d.annotations?.[REF_NAME] === 'latest')!;
  const inner = readJSON<Index>(dir, entry);
  const mIdx = inner.manifests.findIndex((d) => d.artifactType);
  const manifest = readJSON<Manifest>(dir, inner.manifests[mIdx]!);
  const config = readJSON<CacheConfig>(dir, manifest.config);
  let swapped = 0;
  for (const rec of config.records) {
    const s = rec.layer && pick(rec.createdBy);
    if (!s || !rec.layer) continue;
    const b = put(dir, s.blob);
    const old = rec.layer.digest;
    rec.layer = { digest: b.digest, diffID: s.diffID as `sha256:${string}`, size: b.size };
    manifest.layers = manifest.layers.map((l) => (l.digest === old ? { mediaType: s.mediaType, ...b } : l));
    swapped++;
  }
  manifest.config = { ...manifest.config, ...put(dir, Buffer.from(JSON.stringify(config))) };
  inner.manifests[mIdx] = { ...inner.manifests[mIdx]!, ...put(dir, Buffer.from(JSON.stringify(manifest))) };
  Object.assign(entry, put(dir, Buffer.from(JSON.stringify(inner))));
  writeFileSync(path.join(dir, 'index.json'), JSON.stringify(index));
  return swapped;
}
