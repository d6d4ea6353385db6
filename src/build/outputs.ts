/**
 * Where a build's result goes: the image store (default, tagged with -t; `push=true` also pushes
 * those names), a registry without storing (type=registry), an archive that `docker load`/
 * `podman load` read (type=docker|oci, optionally re-compressed), the final filesystem as a
 * directory (type=local) or a tar (type=tar). Any number of them in one build. Image outputs
 * may carry OCI annotations (`annotation.KEY=V` attributes, ./annotations.ts).
 */
import { writeOutputFile } from '../util/output-file.js';
import type { Store } from '../store/index.js';
import type { Digest, ImageConfig, Platform } from '../image/oci.js';
import type { LayerRef } from '../graph/index.js';
import type { OutputSpec } from './options.js';
import type { EventSink } from '../solver/events.js';
import type { Workspace } from '../solver/workspace.js';
import { DrydockError } from '../util/errors.js';
import { outputLayers, outputManifest, platformIndex, pushOutput, withDescriptorAnnotations, type OutputImage } from './output-image.js';
import { imageAnnotations } from './annotations.js';

export interface ExportInput {
  store: Store;
  ws: Workspace;
  config: ImageConfig;
  layers: LayerRef[];
  tags: string[];
  outputs?: OutputSpec[];
  emit: EventSink;
  /** The explicit --platform: archives and registry pushes name it in their index. */
  platform?: Platform;
  /** Layers this build made (`compression=` converts these; `force-compression=true` all). */
  builtLayers?: Set<Digest>;
  signal?: AbortSignal;
  /** A multi-platform build: every platform's image (`config`/`layers` are the first's); one index is exported (./output-index.ts). */
  platforms?: PlatformImageInput[];
}

export interface PlatformImageInput {
  config: ImageConfig;
  layers: LayerRef[];
  builtLayers?: Set<Digest>;
}

export interface ExportResult {
  /** The image ID (config digest); a multi-platform image's is its index digest. */
  imageId: Digest;
  manifestDigest: Digest;
  refs: string[];
  /** A multi-platform image's platforms, in build order. */
  platforms?: Array<{ platform: string; imageId: Digest; manifestDigest: Digest }>;
}

export async function exportOutputs(x: ExportInput): Promise<ExportResult> {
  if (x.platforms && x.platforms.length > 1) return (await import('./output-index.js')).exportIndexOutputs(x, x.platforms);
  const { writeImage } = await import('../image/write.js');
  const outputs = x.outputs?.length ? x.outputs : [{ type: 'image' as const, attrs: {} }];
  const toStore = outputs.some((o) => o.type === 'image');
  const refs = toStore ? [...x.tags, ...outputs.filter((o) => o.type === 'image' && o.name).flatMap((o) => o.name!.split(','))] : [];
  // Annotations are checked before anything is written. The stored manifest carries those of the
  // image output (else of the first output that sends an image), so the reported digest is theirs.
  const platform = imagePlatform(x.config);
  const annotated = outputs.filter((o) => o.type !== 'local' && o.type !== 'tar').map((o) => imageAnnotations(o.attrs, platform, `output type=${o.type}`));
  const stored = (toStore ? imageAnnotations(outputs.find((o) => o.type === 'image')!.attrs, platform, 'output type=image') : annotated[0]) ?? { manifest: {}, manifestDescriptor: {} };
  // The manifest and config are always written (they are small and give the image its ID);
  // only an image output gives them a name.
  // `-o type=image,compression=zstd`: the store keeps the converted layers; the other outputs start from them.
  const imageOutput = outputs.find((o) => o.type === 'image');
  const storedLayers = imageOutput ? await outputLayers(imageOutput, x) : x.layers.map((l) => l.descriptor);
  const layers = x.layers.map((l, i) => ({ ...l, descriptor: storedLayers[i]! }));
  const builtLayers = new Set([...(x.builtLayers ?? []), ...storedLayers.filter((d, i) => d.digest !== x.layers[i]!.descriptor.digest).map((d) => d.digest)]);
  const { manifestDescriptor, configDigest } = await writeImage(x.store, x.config, storedLayers, { annotations: stored.manifest });
  for (const ref of refs) await x.store.images.put(ref, withDescriptorAnnotations(manifestDescriptor, stored.manifestDescriptor));
  if (toStore) x.emit({ type: 'export', time: Date.now(), kind: 'image', digest: manifestDescriptor.digest });
  const image: OutputImage = { store: x.store, config: x.config, layers, manifest: manifestDescriptor, annotations: stored.manifest, platform, builtLayers };
  await eachOutput(outputs, refs, x, image, exportOne);
  return { imageId: configDigest, manifestDigest: manifestDescriptor.digest, refs };
}

/**
 * Every output in turn. `type=image` is the store, already written: it only pushes, when
 * `push=true`, as `type=registry` to the image's names.
 */
export async function eachOutput<I>(outputs: OutputSpec[], refs: string[], x: ExportInput, image: I,
  one: (o: OutputSpec, x: ExportInput, image: I) => Promise<void>): Promise<void> {
  for (const o of outputs) {
    if (o.type !== 'image') await one(o, x, image);
    else if (o.attrs.push === 'true') {
      if (!refs.length) throw new DrydockError('USAGE', 'output type=image,push=true needs a name (-t NAME or name=NAME)');
      await one({ ...o, type: 'registry', name: refs.join(',') }, x, image);
    }
  }
}

export function imagePlatform(config: ImageConfig): Platform {
  return { os: config.os, architecture: config.architecture, ...(config.variant ? { variant: config.variant } : {}) };
}

async function exportOne(o: OutputSpec, x: ExportInput, image: OutputImage): Promise<void> {
  const dest = o.dest!;
  const done = (digest?: Digest) => x.emit({ type: 'export', time: Date.now(), kind: o.type, dest: o.dest ?? o.name, ...(digest ? { digest } : {}) });
  if (o.type === 'local') {
    const { flattenLayers } = await import('../image/flatten.js');
    await flattenLayers(x.store, x.layers.map((l) => l.descriptor), dest);
    return done();
  }
  if (o.type === 'tar') {
    const { flattenToTar } = await import('../image/flatten.js');
    await writeOutputFile(dest, flattenToTar(x.store, x.layers.map((l) => l.descriptor)));
    return done();
  }
  if (o.type === 'registry') {
    const m = await outputManifest(o, image);
    const root = x.platform ? await platformIndex(x.store, m, x.platform) : m;
    const names = o.name!.split(',').map((n) => n.trim()).filter(Boolean);
    return done(await pushOutput(x.store, root, names, x.signal));
  }
  if (o.type === 'docker' || o.type === 'oci') {
    const { saveImages } = await import('../image/archive/index.js');
    const names = o.name ? o.name.split(',') : x.tags;
    const target = await outputManifest(o, image);
    const archive = await saveImages(x.store, [{ target, refs: names, ...(x.platform ? { platform: x.platform } : {}) }], o.type);
    await writeOutputFile(dest, archive);
    return done(target.digest);
  }
  throw new DrydockError('USAGE', `unknown output type ${String((o as OutputSpec).type)}`);
}
