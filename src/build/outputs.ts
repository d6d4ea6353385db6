/**
 * Where a build's result goes: the image store (default, tagged with -t), an archive that
 * `docker load`/`podman load` read (type=docker|oci), the final filesystem as a directory
 * (type=local) or a tar (type=tar).
 */
import { createWriteStream } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import type { Store } from '../store/index.js';
import type { Digest, ImageConfig } from '../image/oci.js';
import type { LayerRef } from '../graph/index.js';
import type { OutputSpec } from './options.js';
import type { EventSink } from '../solver/events.js';
import type { Workspace } from '../solver/workspace.js';
import { DrydockError } from '../util/errors.js';

export interface ExportInput {
  store: Store;
  ws: Workspace;
  config: ImageConfig;
  layers: LayerRef[];
  tags: string[];
  outputs?: OutputSpec[];
  emit: EventSink;
}

export async function exportOutputs(x: ExportInput): Promise<{ imageId: Digest; manifestDigest: Digest; refs: string[] }> {
  const { writeImage } = await import('../image/write.js');
  const outputs = x.outputs?.length ? x.outputs : [{ type: 'image' as const, attrs: {} }];
  const toStore = outputs.some((o) => o.type === 'image');
  const refs = toStore ? [...x.tags, ...outputs.filter((o) => o.type === 'image' && o.name).flatMap((o) => o.name!.split(','))] : [];
  // The manifest and config are always written (they are small and give the image its ID);
  // only an image output gives them a name.
  const { manifestDescriptor, configDigest } = await writeImage(x.store, x.config, x.layers.map((l) => l.descriptor), { refs });
  if (toStore) x.emit({ type: 'export', time: Date.now(), kind: 'image', digest: manifestDescriptor.digest });
  for (const o of outputs) {
    if (o.type === 'image') continue;
    await exportOne(o, x, manifestDescriptor);
    x.emit({ type: 'export', time: Date.now(), kind: o.type, dest: o.dest });
  }
  return { imageId: configDigest, manifestDigest: manifestDescriptor.digest, refs };
}

async function exportOne(o: OutputSpec, x: ExportInput, manifest: import('../image/oci.js').Descriptor): Promise<void> {
  const dest = o.dest!;
  if (o.type === 'local') {
    const { flattenLayers } = await import('../image/flatten.js');
    await flattenLayers(x.store, x.layers.map((l) => l.descriptor), dest);
    return;
  }
  if (o.type === 'tar') {
    const { flattenToTar } = await import('../image/flatten.js');
    const out = dest === '-' ? process.stdout : createWriteStream(dest);
    await pipeline(flattenToTar(x.store, x.layers.map((l) => l.descriptor)), out);
    return;
  }
  if (o.type === 'docker' || o.type === 'oci') {
    const { saveImages } = await import('../image/archive/index.js');
    const names = o.name ? o.name.split(',') : x.tags;
    const archive = await saveImages(x.store, [{ target: manifest, refs: names }], o.type);
    await pipeline(archive, dest === '-' ? process.stdout : createWriteStream(dest));
    return;
  }
  throw new DrydockError('USAGE', `unknown output type ${String((o as OutputSpec).type)}`);
}
