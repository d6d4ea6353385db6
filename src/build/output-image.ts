/**
 * The image as an output sends it: layers re-compressed when `compression=` asks (only the
 * layers this build made, unless `force-compression=true`, as in BuildKit) or annotated as the
 * output asks, and — for a registry push with an explicit --platform — wrapped in an index that
 * names the platform.
 */
import type { Store } from '../store/index.js';
import { MediaType, type Descriptor, type Digest, type ImageConfig, type Index, type Platform } from '../image/oci.js';
import type { LayerRef } from '../graph/index.js';
import { parseCompressionAttrs, pushTree, remoteTarget } from '../cache/index.js';
import { recompressLayer } from '../image/layer.js';
import type { OutputSpec } from './options.js';
import { imageAnnotations } from './annotations.js';

export interface OutputImage {
  store: Store;
  config: ImageConfig;
  layers: LayerRef[];
  /** The manifest written for the store, and the annotations it carries. */
  manifest: Descriptor;
  annotations: Record<string, string>;
  /** The image's platform (platform-qualified annotations apply when they name it). */
  platform: Platform;
  builtLayers?: Set<Digest>;
}

/**
 * The manifest this output sends: the stored one, or one over re-compressed layers or with
 * other annotations; its descriptor carries the output's `manifest-descriptor` annotations.
 */
export async function outputManifest(o: OutputSpec, x: OutputImage): Promise<Descriptor> {
  const layers = await outputLayers(o, x);
  const ann = imageAnnotations(o.attrs, x.platform, `output type=${o.type}`);
  if (layers.every((d, i) => d.digest === x.layers[i]!.descriptor.digest) && sameRecord(ann.manifest, x.annotations)) {
    return withDescriptorAnnotations(x.manifest, ann.manifestDescriptor);
  }
  const { writeImage } = await import('../image/write.js');
  return withDescriptorAnnotations((await writeImage(x.store, x.config, layers, { annotations: ann.manifest })).manifestDescriptor, ann.manifestDescriptor);
}

/** The layers `o` sends: those this build made (all, with force-compression=true) in its `compression=`. */
export async function outputLayers(o: OutputSpec, x: Pick<OutputImage, 'store' | 'layers' | 'builtLayers'>): Promise<Descriptor[]> {
  const c = parseCompressionAttrs((k) => o.attrs[k], `output type=${o.type}`);
  const to = c.compression;
  // An archive for `docker load`: Docker 20.10 cannot read zstd layers (a zstd base image's), so they go as gzip.
  if (!to && o.type === 'docker') return Promise.all(x.layers.map((l) => (l.descriptor.mediaType === MediaType.OciLayerZstd ? recompressLayer(x.store, l.descriptor, 'gzip') : l.descriptor)));
  if (!to) return x.layers.map((l) => l.descriptor);
  return Promise.all(x.layers.map((l) => (c.forceCompression || x.builtLayers?.has(l.descriptor.digest)
    ? recompressLayer(x.store, l.descriptor, to, c.compressionLevel)
    : l.descriptor)));
}

export function withDescriptorAnnotations(d: Descriptor, annotations: Record<string, string>): Descriptor {
  return Object.keys(annotations).length ? { ...d, annotations: { ...d.annotations, ...annotations } } : d;
}

function sameRecord(a: Record<string, string>, b: Record<string, string>): boolean {
  const ka = Object.keys(a);
  return ka.length === Object.keys(b).length && ka.every((k) => b[k] === a[k]);
}

/** A one-entry OCI index naming `manifest`'s platform. */
export async function platformIndex(store: Store, manifest: Descriptor, platform: Platform): Promise<Descriptor> {
  const index: Index = {
    schemaVersion: 2,
    mediaType: MediaType.OciIndex,
    manifests: [{ mediaType: manifest.mediaType, digest: manifest.digest, size: manifest.size, platform, ...(manifest.annotations ? { annotations: manifest.annotations } : {}) }],
  };
  const { digest, size } = await store.content.writeJSON(index);
  return { mediaType: MediaType.OciIndex, digest, size };
}

/** `-o type=registry,name=...` (and `type=image,push=true`): push to each name; the pushed digest. */
export async function pushOutput(store: Store, root: Descriptor, names: string[], signal?: AbortSignal): Promise<Digest> {
  let digest = root.digest;
  for (const name of names) digest = await pushTree(store, await remoteTarget(store, name, signal), root);
  return digest;
}
