/**
 * Imported caches behind the StepCache interface: a lookup tries the local records first, then
 * the imported ones; an imported hit becomes a local record, and its layer blob is offered to
 * the store (store/lazy.ts), downloaded only when a later step, an output or an export needs
 * its bytes: the builder stage of a cached multi-stage build is never downloaded.
 */
import type { Descriptor, Digest } from '../image/oci.js';
import type { CacheKey, CacheRecord } from '../graph/index.js';
import { layerAvailable } from '../solver/workspace.js';
import type { Store } from '../store/index.js';
import { StepCache } from '../solver/cache.js';
import { DrydockError } from '../util/errors.js';
import { offerBlob, offeredBlob } from '../store/lazy.js';
import type { ExportedMount } from './mounts/format.js';

/** A cache read from somewhere: its records, and a way to get their layer blobs. */
export interface CacheSource {
  /** For messages: `registry 127.0.0.1:5000/app:cache`. */
  name: string;
  records: CacheRecord[];
  /** Copies a layer blob into the store (digest verified). */
  fetch(layer: Descriptor, store: Store): Promise<void>;
  /** Whether it can still deliver a blob (a registry's HEAD): one it cannot is a miss, never a failed build. */
  has?(layer: Descriptor): Promise<boolean>;
  /** The registry repository it is in: a push to that registry mounts its blobs (registry/push.ts). */
  location?: { host: string; repo: string };
  /** Cache mounts it holds (src/cache/mounts), restored only when a RUN mounts them. */
  mounts?: Array<{ mount: ExportedMount; index: Descriptor }>;
}

export class ImportingStepCache extends StepCache {
  private readonly remote = new Map<CacheKey, { rec: CacheRecord; source: CacheSource }>();
  private readonly checked = new Map<Digest, Promise<boolean>>();

  constructor(private readonly store: Store, readonly sources: CacheSource[], private readonly warn: (message: string) => void = () => {}) {
    super(store.root, store);
    // The first source that has a key wins, as with buildx's --cache-from order.
    for (const source of sources) {
      for (const rec of source.records) if (!this.remote.has(rec.key)) this.remote.set(rec.key, { rec, source });
    }
  }

  /** The imported records (the first source's where several have a key). */
  get imported(): CacheRecord[] {
    return [...this.remote.values()].map((r) => r.rec);
  }

  /** How many records the imported caches offer. */
  get importedRecords(): number {
    return this.remote.size;
  }

  override async get(key: CacheKey): Promise<CacheRecord | undefined> {
    const local = await super.get(key);
    if (local && (!local.layer || (await layerAvailable(this.store, local.layer)))) return local;
    const hit = this.remote.get(key);
    if (!hit) return local;
    const layer = hit.rec.layer?.descriptor;
    if (layer && !(await this.store.content.has(layer.digest)) && !offeredBlob(this.store, layer.digest)) {
      try {
        if (!(await this.deliverable(layer, hit.source))) throw new DrydockError('NOT_FOUND', `blob ${layer.digest} is gone`);
      } catch (e) {
        // A cache that cannot deliver is a miss, never a failed build.
        this.warn(`cache import from ${hit.source.name}: ${e instanceof DrydockError ? e.message : String(e)}; running the step instead`);
        this.remote.delete(key);
        return local;
      }
    }
    const { trace: _trace, ...rec } = hit.rec; // the trace is for --explain (kept in cache/traces), not the step cache
    if (layer && !(await this.store.content.has(layer.digest))) {
      // The record becomes local with its blob (never one naming a blob the store lacks: fsck).
      const source = hit.source;
      offerBlob(this.store, layer.digest, {
        fetch: async () => { await source.fetch(layer, this.store); await this.put(rec); },
        ...(source.location ? { from: source.location } : {}),
      });
      return rec;
    }
    await this.put(rec);
    return rec;
  }

  private deliverable(d: Descriptor, source: CacheSource): Promise<boolean> {
    if (!source.has) return Promise.resolve(true);
    let p = this.checked.get(d.digest);
    if (!p) this.checked.set(d.digest, (p = source.has(d)));
    return p;
  }
}
