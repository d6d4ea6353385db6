/**
 * Imported caches behind the StepCache interface: a lookup tries the local records first, then
 * the imported ones; an imported hit has its layer blob copied into the content store on first
 * use (only the steps that actually hit are downloaded) and becomes a local record.
 */
import type { Descriptor, Digest } from '../image/oci.js';
import type { CacheKey, CacheRecord } from '../graph/index.js';
import { layerAvailable } from '../solver/workspace.js';
import type { Store } from '../store/index.js';
import { StepCache } from '../solver/cache.js';
import { DrydockError } from '../util/errors.js';
import type { ExportedMount } from './mounts/format.js';

/** A cache read from somewhere: its records, and a way to get their layer blobs. */
export interface CacheSource {
  /** For messages: `registry 127.0.0.1:5000/app:cache`. */
  name: string;
  records: CacheRecord[];
  /** Copies a layer blob into the store (digest verified). */
  fetch(layer: Descriptor, store: Store): Promise<void>;
  /** Cache mounts it holds (src/cache/mounts), restored only when a RUN mounts them. */
  mounts?: Array<{ mount: ExportedMount; index: Descriptor }>;
}

export class ImportingStepCache extends StepCache {
  private readonly remote = new Map<CacheKey, { rec: CacheRecord; source: CacheSource }>();
  private readonly fetching = new Map<Digest, Promise<void>>();

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
    if (hit.rec.layer) {
      try {
        await this.blob(hit.rec.layer.descriptor, hit.source);
      } catch (e) {
        // A cache that cannot deliver is a miss, never a failed build.
        this.warn(`cache import from ${hit.source.name}: ${e instanceof DrydockError ? e.message : String(e)}; running the step instead`);
        this.remote.delete(key);
        return local;
      }
    }
    const { trace: _trace, ...rec } = hit.rec; // the trace is for --explain (kept in cache/traces), not the step cache
    await this.put(rec);
    return rec;
  }

  private blob(d: Descriptor, source: CacheSource): Promise<void> {
    let p = this.fetching.get(d.digest);
    if (!p) {
      p = this.store.content.has(d.digest).then((has) => (has ? undefined : source.fetch(d, this.store)));
      p.catch(() => this.fetching.delete(d.digest));
      this.fetching.set(d.digest, p);
    }
    return p;
  }
}
