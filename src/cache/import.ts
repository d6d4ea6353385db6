/**
 * Before a build: read every --cache-from source and put them behind the step cache. A source
 * that cannot be read is a warning (the build runs without it), as in buildx.
 */
import type { Store } from '../store/index.js';
import type { Platform } from '../image/oci.js';
import { StepCache } from '../solver/cache.js';
import type { EventSink } from '../solver/events.js';
import { DrydockError } from '../util/errors.js';
import { loadLocalCache } from './local.js';
import { loadRegistryCache } from './registry.js';
import { ImportingStepCache, type CacheSource } from './source.js';
import type { CacheSpec } from './spec.js';
import type { CacheMountLedger } from './mounts/index.js';

export interface CacheImportContext {
  platform: Platform;
  emit: EventSink;
  signal?: AbortSignal;
}

export async function loadCacheSource(store: Store, spec: CacheSpec, ctx: Pick<CacheImportContext, 'platform' | 'signal'>): Promise<CacheSource> {
  if (spec.type === 'registry') return loadRegistryCache(store, spec.ref, ctx.platform, ctx.signal);
  if (spec.type === 'local') return loadLocalCache(spec.dir, spec.tag, ctx.platform);
  throw new DrydockError('USAGE', `--cache-from type=inline: import an image's inline cache with type=registry,ref=IMAGE`);
}

/** The build's step cache: the local one, backed by the imported caches when there are any. */
export async function openBuildCache(store: Store, specs: CacheSpec[] | undefined, ctx: CacheImportContext): Promise<StepCache> {
  if (!specs?.length) return new StepCache(store.root, store);
  const warn = (message: string) => ctx.emit({ type: 'warning', time: Date.now(), message });
  const loaded = await Promise.all(specs.map(async (spec) => {
    try {
      return await loadCacheSource(store, spec, ctx);
    } catch (e) {
      if (e instanceof DrydockError && e.code === 'CANCELLED') throw e;
      const where = spec.type === 'registry' ? spec.ref : spec.type === 'local' ? spec.dir : spec.type;
      warn(`importing cache from ${where}: ${e instanceof DrydockError ? e.message : String(e)}`);
      return undefined;
    }
  }));
  return new ImportingStepCache(store, loaded.filter((s): s is CacheSource => !!s), warn);
}

/** The build's cache mounts' ledger, when a --cache-from brought mounts or a --cache-to asks for them. */
export async function openCacheMounts(store: Store, cache: StepCache, cacheTo: CacheSpec[] | undefined, emit: EventSink): Promise<CacheMountLedger | undefined> {
  const sources = cache instanceof ImportingStepCache ? cache.sources : [];
  if (!sources.some((s) => s.mounts?.length) && !cacheTo?.some((s) => s.mounts)) return undefined;
  const { CacheMountLedger } = await import('./mounts/index.js');
  return new CacheMountLedger(store, sources, (message) => emit({ type: 'warning', time: Date.now(), message }));
}
