/**
 * After a build: send the step records it used (and their layer blobs) to each --cache-to
 * destination, or (type=inline) put them into the image config before the image is written.
 */
import type { Store } from '../store/index.js';
import type { Descriptor, ImageConfig, Index, Platform } from '../image/oci.js';
import { MediaType } from '../image/oci.js';
import { gzipRecords } from '../solver/compress.js';
import { isSnapshotLayer, type CacheKey, type CacheRecord, type StageResult } from '../graph/index.js';
import type { StepCache } from '../solver/cache.js';
import type { EventSink } from '../solver/events.js';
import { DrydockError } from '../util/errors.js';
import { cacheArtifact } from './format.js';
import { withInlineCache } from './inline.js';
import { writeLayout } from './local.js';
import { recompressLayer } from '../image/layer.js';
import { pushTree, remoteTarget } from './registry.js';
import type { CacheMode, CacheSpec } from './spec.js';
import type { CacheMountLedger } from './mounts/index.js';

export interface CacheExportInput {
  store: Store;
  cache: StepCache;
  /** Every stage the build ran. */
  stages: StageResult[];
  /** The stage whose image is the result. */
  target: StageResult;
  platform: Platform;
  emit: EventSink;
  signal?: AbortSignal;
  /** The build's cache mounts, for `mounts=` (src/cache/mounts). */
  mounts?: CacheMountLedger;
}

/** The records a cache of `mode` holds, read back from the step cache, in build order. */
export async function collectRecords(x: Pick<CacheExportInput, 'cache' | 'stages' | 'target'>, mode: CacheMode): Promise<CacheRecord[]> {
  const keys = new Set<CacheKey>(x.target.used ?? []);
  if (mode === 'max') for (const s of x.stages) for (const k of s.used ?? []) keys.add(k);
  const out: CacheRecord[] = [];
  for (const k of keys) {
    const rec = await x.cache.get(k);
    if (rec) out.push(rec); // a record pruned meanwhile only makes the cache smaller
  }
  return out;
}

/** The image config with the final image's records inline, when a --cache-to asks for it. */
export async function applyInlineCache(specs: CacheSpec[] | undefined, config: ImageConfig, x: Pick<CacheExportInput, 'cache' | 'stages' | 'target'>): Promise<ImageConfig> {
  if (!specs?.some((s) => s.type === 'inline')) return config;
  return withInlineCache(config, await collectRecords(x, 'min'));
}

/**
 * Sends the build's records to each --cache-to. A multi-platform build passes each platform's
 * input: one cache index then holds a manifest per platform, which --cache-from picks by platform.
 */
export async function exportCaches(specs: CacheSpec[] | undefined, input: CacheExportInput | CacheExportInput[]): Promise<void> {
  const inputs = Array.isArray(input) ? input : [input];
  const x = inputs[0]!;
  for (const spec of specs ?? []) {
    if (spec.type === 'inline') continue;
    const dest = spec.type === 'registry' ? spec.ref : spec.dir;
    try {
      await exportOne(spec, inputs);
      x.emit({ type: 'export', time: Date.now(), kind: `cache-${spec.type}`, dest });
    } catch (e) {
      if (!(e instanceof DrydockError) || e.code === 'CANCELLED') throw e;
      const message = `cache export to ${dest}: ${e.message}`;
      if (!spec.ignoreError) throw new DrydockError(e.code, message, { cause: e.cause ?? e, exitCode: e.exitCode });
      x.emit({ type: 'warning', time: Date.now(), message: `${message} (ignored: ignore-error=true)` });
    }
  }
}

async function exportOne(spec: Exclude<CacheSpec, { type: 'inline' }>, inputs: CacheExportInput[]): Promise<void> {
  const x = inputs[0]!;
  // The registry client loads and probes `/v2/` while the artifact is written.
  const target = spec.type === 'registry' ? remoteTarget(x.store, spec.ref, x.signal) : undefined;
  target?.catch(() => undefined);
  const entries: Descriptor[] = [];
  let index: Buffer | undefined;
  for (const one of inputs) {
    index = await writeArtifact(spec, one);
    entries.push(...(JSON.parse(index.toString('utf8')) as Index).manifests);
  }
  if (inputs.length > 1) index = Buffer.from(JSON.stringify({ ...(JSON.parse(index!.toString('utf8')) as Index), manifests: entries }));
  const idx = await x.store.content.writeBytes(index!);
  const root = { mediaType: MediaType.OciIndex, digest: idx.digest, size: idx.size };
  if (spec.type === 'registry') {
    await pushTree(x.store, (await target)!, root);
  } else {
    await writeLayout(x.store, root, spec.dir, spec.tag);
  }
}

/** One platform's cache artifact (config, manifest, blobs) into the store; the one-entry index naming it. */
async function writeArtifact(spec: Exclude<CacheSpec, { type: 'inline' }>, x: CacheExportInput): Promise<Buffer> {
  let records = await collectRecords(x, spec.mode ?? 'min');
  // Intermediate stages' layers are kept as snapshots: a cache sent elsewhere gets them stored
  // gzipped (once: the records are rewritten), or in the compression it asks for.
  if (!spec.compression) records = await gzipRecords(x.store, x.cache, records);
  else {
    records = await gzipRecords(x.store, x.cache, records, undefined, (l) => isSnapshotLayer(l.descriptor));
    const to = spec.compression;
    records = await Promise.all(records.map(async (r) => (r.layer
      ? { ...r, layer: { ...r.layer, descriptor: await recompressLayer(x.store, r.layer.descriptor, to, spec.compressionLevel) } }
      : r)));
  }
  const { withTraces } = await import('../solver/explain.js');
  const art = cacheArtifact(await withTraces(x.store.root, records), x.platform, await exportedMounts(spec, x));
  await x.store.content.writeBytes(art.config);
  const m = await x.store.content.writeBytes(art.manifest);
  return art.index({ mediaType: MediaType.OciManifest, digest: m.digest, size: m.size });
}

/** The cache mounts' blobs a `mounts=` export carries (none without it). */
async function exportedMounts(spec: Exclude<CacheSpec, { type: 'inline' }>, x: CacheExportInput) {
  if (!spec.mounts || !x.mounts) return undefined;
  const { mountsForExport } = await import('./mounts/index.js');
  const { parseReference } = await import('../image/reference.js');
  const dest = spec.type === 'registry' ? `registry ${parseReference(spec.ref).toString()}` : `local ${spec.dir}`;
  const warn = (message: string) => x.emit({ type: 'warning', time: Date.now(), message });
  return mountsForExport(x.store, x.mounts, { select: spec.mounts, maxSize: spec.mountsMaxSize, dest }, warn);
}
