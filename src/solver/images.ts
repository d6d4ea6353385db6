/**
 * Images a build reads: bases (`FROM`) and `COPY --from=<image>` sources. Local store first, as
 * `docker build` does with local images; pulled when missing or when `--pull` asks. Each
 * reference is resolved once per build, however many stages use it.
 */
import type { Store } from '../store/index.js';
import { isIndexMediaType, type Descriptor, type Digest, type ImageConfig, type Platform } from '../image/oci.js';
import { parseReference } from '../image/reference.js';
import type { LayerRef } from '../graph/index.js';
import type { EventSink } from './events.js';
import { DrydockError } from '../util/errors.js';
import { formatPlatform, normalizePlatform, platformMatches } from '../image/platform.js';

export interface ResolvedImage {
  ref: string;
  manifestDigest: Digest;
  config: ImageConfig;
  layers: LayerRef[];
  source: 'local' | 'pulled';
}

export interface ImageResolverOptions {
  pull: boolean;
  platform: Platform;
  registry?: import('../registry/index.js').RegistryOptions;
  emit: EventSink;
  signal?: AbortSignal;
  /** Resolutions shared with other resolvers of the build (a multi-platform build's platforms). */
  memo?: Map<string, Promise<ResolvedImage>>;
  /**
   * Pull a base's manifest and config only, its layers when a step needs them (registry/pull.ts
   * lazyLayers): with an imported cache, a stage that hits at every step never downloads its base.
   */
  lazyLayers?: boolean;
}

export class ImageResolver {
  private readonly memo: Map<string, Promise<ResolvedImage>>;
  /** Images pulled lazily, not tagged yet (tagComplete). */
  private readonly untagged: Array<{ ref: string; target: Descriptor; layers: Descriptor[] }> = [];

  constructor(private readonly store: Store, private readonly opts: ImageResolverOptions) {
    this.memo = opts.memo ?? new Map();
  }

  /** The image for `platform` (default the build's): a `FROM --platform=$BUILDPLATFORM` base is the host's. */
  resolve(ref: string, platform: Platform = this.opts.platform): Promise<ResolvedImage> {
    const key = `${formatPlatform(normalizePlatform(platform))} ${ref}`;
    let p = this.memo.get(key);
    if (!p) {
      p = this.load(ref, platform);
      this.memo.set(key, p);
    }
    return p;
  }

  /**
   * Tags the bases pulled lazily whose layers the build has fetched since (a step ran on them, an
   * output stored them), as a pull would have; one still incomplete stays untagged, so no ref
   * names content the store lacks (fsck) and the next build resolves it again.
   */
  async tagComplete(): Promise<void> {
    for (const u of this.untagged.splice(0)) {
      let complete = true;
      for (const l of u.layers) if (!(await this.store.content.has(l.digest))) complete = false;
      if (complete) await this.store.images.put(u.ref, u.target);
    }
  }

  private async load(ref: string, platform: Platform): Promise<ResolvedImage> {
    const { resolveImage } = await import('../image/resolve.js');
    let indexRef: string | undefined;
    if (!this.opts.pull) {
      const rec = await this.store.images.get(ref);
      if (rec) {
        const img = await localImage(this.store, rec.target, platform);
        if (img) return toResolved(rec.ref, img.manifestDescriptor.digest, img.config, img.manifest.layers, 'local');
        // A tag on an index of which only other platforms were fetched: fetch this one, by the
        // index's digest so the tag keeps the index it names (containerd keeps partial indexes too).
        if (isIndexMediaType(rec.target.mediaType)) indexRef = byDigest(rec.ref, rec.target.digest);
      }
    }
    const { pullImage } = await import('../registry/index.js');
    this.opts.emit({ type: 'pull', time: Date.now(), ref, status: 'start' });
    let pulled;
    let fetched = 0;
    // Byte counts for progress bars: blobs already in the store ('exists') report nothing.
    const onProgress = (t: import('../registry/index.js').TransferEvent) => {
      if (t.phase !== 'start' && t.phase !== 'progress' && t.phase !== 'done') return;
      if (t.phase === 'done') fetched += t.size ?? 0;
      this.opts.emit({ type: 'pull', time: Date.now(), ref, status: 'progress', layer: t.digest, current: t.current ?? 0, total: t.size });
    };
    try {
      // Not for one more platform of a tagged index: the tag would name a manifest whose layers the store lacks.
      const lazyLayers = !!this.opts.lazyLayers && !indexRef;
      pulled = await pullImage(this.store, indexRef ?? ref, { ...this.opts.registry, platform, signal: this.opts.signal, onProgress, lazyLayers, ...(indexRef ? { tag: false } : {}) });
    } catch (e) {
      if (e instanceof DrydockError) {
        const what = indexRef ? `has no ${formatPlatform(platform)} image in the local store, and fetching it failed` : 'not in the local store, and pulling failed';
        throw new DrydockError(e.code, `${ref}: ${what}: ${e.message}`, { cause: e });
      }
      throw e;
    }
    this.opts.emit({ type: 'pull', time: Date.now(), ref, status: 'done', bytes: fetched });
    const img = await resolveImage(this.store, pulled.manifestDescriptor, platform);
    if (this.opts.lazyLayers && !indexRef) this.untagged.push({ ref: pulled.ref, target: pulled.target, layers: img.manifest.layers });
    return toResolved(indexRef ? ref : pulled.ref, img.manifestDescriptor.digest, img.config, img.manifest.layers, 'pulled');
  }
}

/**
 * The stored image for `platform`, when the store has all of it: an index's entry for the
 * platform with its manifest, config and layers, or a single image of that platform.
 */
async function localImage(store: Store, target: Descriptor, platform: Platform) {
  const { resolveImage } = await import('../image/resolve.js');
  let img;
  try {
    img = await resolveImage(store, target, platform);
  } catch (e) {
    if (e instanceof DrydockError && e.code === 'NOT_FOUND') return undefined;
    throw e;
  }
  // A local image stored for another platform is not this build's base (--platform): pull.
  const c = img.config;
  if (c.architecture && !platformMatches(platform, { os: c.os, architecture: c.architecture, variant: c.variant })) return undefined;
  for (const l of img.manifest.layers) if (!(await store.content.has(l.digest))) return undefined;
  return img;
}

function byDigest(ref: string, digest: Digest): string {
  const r = parseReference(ref);
  return `${r.domain}/${r.path}@${digest}`;
}

function toResolved(ref: string, digest: Digest, config: ImageConfig, layers: import('../image/oci.js').Descriptor[], source: 'local' | 'pulled'): ResolvedImage {
  const diffIDs = config.rootfs?.diff_ids ?? [];
  if (diffIDs.length !== layers.length) {
    throw new DrydockError('FORMAT', `${ref}: image config lists ${diffIDs.length} layers but the manifest has ${layers.length}`);
  }
  return { ref, manifestDigest: digest, config, source, layers: layers.map((d, i) => ({ descriptor: d, diffID: diffIDs[i] })) };
}
