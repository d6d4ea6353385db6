/**
 * Images around a hostile layer, for the hostile-archive tests: busybox's layer below it (so a
 * build can RUN on top), pushed to a registry, written as a `docker save` archive, or swapped
 * into a cache export; and where a store keeps an unpacked layer.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { openStore, type Store } from '../../../src/store/index.js';
import { resolveImage } from '../../../src/image/resolve.js';
import { writeImage } from '../../../src/image/write.js';
import { hostPlatform, MediaType, type Descriptor, type Digest, type ImageConfig } from '../../../src/image/oci.js';
import { pushImage } from '../../../src/registry/index.js';
import { fixtureImage } from '../../helpers/fixtures.js';
import { diffIDOf, TarBuilder } from '../../helpers/hostile-tars.js';
import { tmpStoreRoot } from '../../helpers/store.js';

/** A layer blob as it travels: compressed bytes, their media type, and the tar's digest. */
export interface LayerBlob {
  blob: Buffer;
  mediaType: string;
  diffID: Digest;
}

export function gzipLayer(tar: Buffer): LayerBlob {
  return { blob: gzipSync(tar), mediaType: MediaType.OciLayerGzip, diffID: diffIDOf(tar) };
}

export interface Busybox {
  layer: Descriptor;
  diffID: Digest;
  blob: Buffer;
}

/** busybox's one layer, from the fixture put into `store`. */
export async function busyboxLayer(store: Store): Promise<Busybox> {
  const img = await resolveImage(store, await fixtureImage(store, 'busybox', 'busybox:latest'));
  assert.equal(img.manifest.layers.length, 1);
  const layer = img.manifest.layers[0]!;
  return { layer, diffID: img.config.rootfs.diff_ids[0]!, blob: readFileSync(store.content.path(layer.digest)) };
}

function imageConfig(diffIDs: Digest[]): ImageConfig {
  const p = hostPlatform();
  return {
    architecture: p.architecture, os: p.os, created: new Date(0).toISOString(),
    config: { Cmd: ['sh'], Env: ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'] },
    rootfs: { type: 'layers', diff_ids: diffIDs },
    history: diffIDs.map(() => ({ created: new Date(0).toISOString(), created_by: 'hostile' })),
  };
}

/** busybox's layer, then `layer`, tagged `ref` in `store` and pushed there (a registry reference). */
export function pushHostile(store: Store, busybox: Busybox, layer: LayerBlob, ref: string): Promise<void> {
  return pushLayers(store, [{ blob: busybox.blob, mediaType: busybox.layer.mediaType, diffID: busybox.diffID }, layer], ref);
}

/** An image of `layers` (each with the diffID its config claims), tagged `ref` in `store` and pushed. */
export async function pushLayers(store: Store, layers: LayerBlob[], ref: string): Promise<void> {
  const descriptors = [];
  for (const l of layers) descriptors.push({ mediaType: l.mediaType, ...(await store.content.writeBytes(l.blob)) });
  await writeImage(store, imageConfig(layers.map((l) => l.diffID)), descriptors, { refs: [ref] });
  await pushImage(store, ref);
}

/** A `docker save` archive of busybox's layer and `layer`, tagged `tag`. */
export function dockerArchive(busybox: Busybox, layer: LayerBlob, tag: string): Buffer {
  const config = JSON.stringify(imageConfig([busybox.diffID, layer.diffID]));
  const manifest = JSON.stringify([{ Config: 'config.json', RepoTags: [tag], Layers: ['busybox/layer.tar', 'hostile/layer.tar'] }]);
  return new TarBuilder()
    .file('busybox/layer.tar', busybox.blob)
    .file('hostile/layer.tar', layer.blob)
    .file('config.json', config)
    .file('manifest.json', manifest)
    .done();
}

/** A new store (under `parent`, default the temp dir) with busybox:latest in it. */
export async function storeWithBusybox(parent?: string): Promise<string> {
  const root = parent ? path.join(parent, `store-${Math.random().toString(36).slice(2, 8)}`) : await tmpStoreRoot();
  await fixtureImage(await openStore(root), 'busybox', 'busybox:latest');
  return root;
}

/** The directory a store unpacked the layer `diffID` into. */
export function layerFs(root: string, diffID: string): string {
  return path.join(root, 'snapshots', 'layers', diffID.slice(7), 'fs');
}

/** Whether the store has unpacked the layer `diffID`. */
export function hasLayer(root: string, diffID: string): boolean {
  try {
    readFileSync(path.join(layerFs(root, diffID), '..', 'meta.json'));
    return true;
  } catch {
    return false;
  }
}

/** A Dockerfile with one stage per id whose RUN a cache export records; `swapCacheLayers` finds them by `echo <id> > /marker`. */
export function cacheStage(id: string): string {
  return `FROM busybox AS s-${id}\nRUN echo ${id} > /marker\n`;
}
