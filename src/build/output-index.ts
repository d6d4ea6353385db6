/**
 * The outputs of a multi-platform build: one image per platform under one OCI index, as
 * BuildKit's image exporter writes it (exporter/containerimage/writer.go, the isMap path).
 *   image     the index in the store, tagged; `drydock images` lists each platform
 *   registry  the index and every manifest (and `type=image,push=true`)
 *   oci       the index in the archive's index.json
 *   docker    one platform (`platform=os/arch` or the host's): docker 20.10 loads one image
 *   local/tar each platform's files under `os_arch[_variant]/`, as BuildKit's local exporter
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { writeOutputFile } from '../util/output-file.js';
import { hostPlatform, MediaType, type Descriptor, type Digest, type Index, type Platform } from '../image/oci.js';
import { formatPlatform, normalizePlatform, parsePlatform, platformMatches } from '../image/platform.js';
import type { OutputSpec } from './options.js';
import { DrydockError } from '../util/errors.js';
import { imageAnnotations, indexAnnotations } from './annotations.js';
import { outputManifest, pushOutput, withDescriptorAnnotations, type OutputImage } from './output-image.js';
import { eachOutput, imagePlatform, type ExportInput, type ExportResult, type PlatformImageInput } from './outputs.js';
import { platformDir } from './multi-platform.js';

export async function exportIndexOutputs(x: ExportInput, platforms: PlatformImageInput[]): Promise<ExportResult> {
  const { writeImage } = await import('../image/write.js');
  const outputs = x.outputs?.length ? x.outputs : [{ type: 'image' as const, attrs: {} }];
  const toStore = outputs.some((o) => o.type === 'image');
  const refs = toStore ? [...x.tags, ...outputs.filter((o) => o.type === 'image' && o.name).flatMap((o) => o.name!.split(','))] : [];
  const storedAttrs = (outputs.find((o) => o.type === 'image') ?? outputs.find((o) => o.type !== 'local' && o.type !== 'tar'))?.attrs ?? {};
  const images: OutputImage[] = [];
  const ids: Digest[] = [];
  for (const p of platforms) {
    const platform = imagePlatform(p.config);
    const ann = imageAnnotations(storedAttrs, platform, 'output', { index: true });
    const { manifestDescriptor, configDigest } = await writeImage(x.store, p.config, p.layers.map((l) => l.descriptor), { annotations: ann.manifest });
    ids.push(configDigest);
    images.push({ store: x.store, config: p.config, layers: p.layers, manifest: withDescriptorAnnotations(manifestDescriptor, ann.manifestDescriptor), annotations: ann.manifest, platform, builtLayers: p.builtLayers });
  }
  const stored = await writeIndex(x, images.map((i) => i.manifest), images, storedAttrs);
  for (const ref of refs) await x.store.images.put(ref, stored);
  if (toStore) x.emit({ type: 'export', time: Date.now(), kind: 'image', digest: stored.digest });

  await eachOutput(outputs, refs, x, images, exportOne);
  return {
    imageId: stored.digest, manifestDigest: stored.digest, refs,
    platforms: images.map((i, k) => ({ platform: formatPlatform(i.platform), imageId: ids[k]!, manifestDigest: i.manifest.digest })),
  };
}

/** An OCI index over `manifests`, each entry naming its image's platform. */
async function writeIndex(x: ExportInput, manifests: Descriptor[], images: OutputImage[], attrs: Record<string, string>): Promise<Descriptor> {
  const ann = indexAnnotations(attrs);
  const index: Index = {
    schemaVersion: 2,
    mediaType: MediaType.OciIndex,
    manifests: manifests.map((m, i) => ({ ...m, platform: images[i]!.platform })),
    ...(Object.keys(ann.index).length ? { annotations: ann.index } : {}),
  };
  const { digest, size } = await x.store.content.writeJSON(index);
  return withDescriptorAnnotations({ mediaType: MediaType.OciIndex, digest, size }, ann.indexDescriptor);
}

/** The output's own manifests (re-compressed or annotated as it asks) under its own index. */
async function outputIndex(o: OutputSpec, x: ExportInput, images: OutputImage[]): Promise<Descriptor> {
  const manifests = [];
  for (const img of images) manifests.push(await outputManifest({ ...o, attrs: withoutIndexAttrs(o.attrs) }, img));
  return writeIndex(x, manifests, images, o.attrs);
}

function withoutIndexAttrs(attrs: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(attrs).filter(([k]) => !/^annotation-index(-descriptor)?[.[]/.test(k)));
}

async function exportOne(o: OutputSpec, x: ExportInput, images: OutputImage[]): Promise<void> {
  const done = (digest?: Digest) => x.emit({ type: 'export', time: Date.now(), kind: o.type, dest: o.dest ?? o.name, ...(digest ? { digest } : {}) });
  if (o.type === 'local' || o.type === 'tar') {
    const { flattenLayers } = await import('../image/flatten.js');
    if (o.type === 'local') {
      for (const img of images) await flattenLayers(x.store, img.layers.map((l) => l.descriptor), join(o.dest!, platformDir(img.platform)));
      return done();
    }
    const tmp = await mkdtemp(join(x.store.root, 'tmp', 'output-'));
    try {
      for (const img of images) await flattenLayers(x.store, img.layers.map((l) => l.descriptor), join(tmp, platformDir(img.platform)));
      const { packDirectory } = await import('../archive/pack.js');
      await writeOutputFile(o.dest!, packDirectory(tmp));
    } finally {
      await rm(tmp, { recursive: true, force: true });
    }
    return done();
  }
  if (o.type === 'registry') {
    const root = await outputIndex(o, x, images);
    const names = o.name!.split(',').map((n) => n.trim()).filter(Boolean);
    return done(await pushOutput(x.store, root, names, x.signal));
  }
  const { saveImages } = await import('../image/archive/index.js');
  const names = o.name ? o.name.split(',') : x.tags;
  if (o.type === 'oci') {
    const root = await outputIndex(o, x, images);
    await writeOutputFile(o.dest!, await saveImages(x.store, [{ target: root, refs: names, pick: images[0]!.platform }], 'oci'));
    return done(root.digest);
  }
  if (o.type === 'docker') {
    const img = dockerPlatform(o, images);
    const target = await outputManifest({ ...o, attrs: withoutIndexAttrs(o.attrs) }, img);
    await writeOutputFile(o.dest!, await saveImages(x.store, [{ target, refs: names, platform: img.platform }], 'docker'));
    return done(target.digest);
  }
  throw new DrydockError('USAGE', `unknown output type ${String((o as OutputSpec).type)}`);
}

/** `type=docker` holds one image: the `platform=` attribute's, else the host's. */
function dockerPlatform(o: OutputSpec, images: OutputImage[]): OutputImage {
  const built = images.map((i) => formatPlatform(i.platform)).join(', ');
  let want: Platform = hostPlatform();
  if (o.attrs.platform) {
    const p = parsePlatform(o.attrs.platform);
    if (!p) throw new DrydockError('USAGE', `output type=docker: invalid platform "${o.attrs.platform}": expected os/arch[/variant]`);
    want = normalizePlatform(p);
  }
  const img = images.find((i) => platformMatches(want, i.platform));
  if (!img) {
    throw new DrydockError('USAGE', o.attrs.platform
      ? `output type=docker,platform=${o.attrs.platform}: the build made no such image (platforms: ${built})`
      : `output type=docker holds one platform's image, and this build made none for the host (${formatPlatform(want)}): add platform=OS/ARCH, one of ${built}`);
  }
  return img;
}
