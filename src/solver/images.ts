/**
 * Images a build reads: bases (`FROM`) and `COPY --from=<image>` sources. Local store first, as
 * `docker build` does with local images; pulled when missing or when `--pull` asks. Each
 * reference is resolved once per build, however many stages use it.
 */
import type { Store } from '../store/index.js';
import type { Digest, ImageConfig, Platform } from '../image/oci.js';
import type { LayerRef } from '../graph/index.js';
import type { EventSink } from './events.js';
import { DrydockError } from '../util/errors.js';
import { platformMatches } from '../image/platform.js';

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
}

export class ImageResolver {
  private readonly memo = new Map<string, Promise<ResolvedImage>>();

  constructor(private readonly store: Store, private readonly opts: ImageResolverOptions) {}

  resolve(ref: string): Promise<ResolvedImage> {
    let p = this.memo.get(ref);
    if (!p) {
      p = this.load(ref);
      this.memo.set(ref, p);
    }
    return p;
  }

  private async load(ref: string): Promise<ResolvedImage> {
    const { resolveImage } = await import('../image/resolve.js');
    if (!this.opts.pull) {
      const rec = await this.store.images.get(ref);
      if (rec) {
        const img = await resolveImage(this.store, rec.target, this.opts.platform);
        // A local image stored for another platform is not this build's base (--platform): pull.
        const c = img.config;
        if (!c.architecture || platformMatches(this.opts.platform, { os: c.os, architecture: c.architecture, variant: c.variant })) {
          return toResolved(rec.ref, img.manifestDescriptor.digest, img.config, img.manifest.layers, 'local');
        }
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
      pulled = await pullImage(this.store, ref, { ...this.opts.registry, platform: this.opts.platform, signal: this.opts.signal, onProgress });
    } catch (e) {
      if (e instanceof DrydockError) {
        throw new DrydockError(e.code, `${ref}: not in the local store, and pulling failed: ${e.message}`, { cause: e });
      }
      throw e;
    }
    this.opts.emit({ type: 'pull', time: Date.now(), ref, status: 'done', bytes: fetched });
    const img = await resolveImage(this.store, pulled.manifestDescriptor, this.opts.platform);
    return toResolved(pulled.ref, img.manifestDescriptor.digest, img.config, img.manifest.layers, 'pulled');
  }
}

function toResolved(ref: string, digest: Digest, config: ImageConfig, layers: import('../image/oci.js').Descriptor[], source: 'local' | 'pulled'): ResolvedImage {
  const diffIDs = config.rootfs?.diff_ids ?? [];
  if (diffIDs.length !== layers.length) {
    throw new DrydockError('FORMAT', `${ref}: image config lists ${diffIDs.length} layers but the manifest has ${layers.length}`);
  }
  return { ref, manifestDigest: digest, config, source, layers: layers.map((d, i) => ({ descriptor: d, diffID: diffIDs[i] })) };
}
