/**
 * The two things every filesystem step needs: the layers below it unpacked, and a way to run
 * some work in a fresh writable snapshot and turn its changes into a stored layer.
 */
import type { Store } from '../store/index.js';
import type { Snapshotter } from '../snapshot/index.js';
import { SNAPSHOT_LAYER, isSnapshotLayer, type LayerRef } from '../graph/index.js';
import type { Compression, Descriptor, Digest, Platform } from '../image/oci.js';
import { randomBytes } from 'node:crypto';
import { resolveImage } from '../image/resolve.js';
import { hasUnpackedLayer } from '../snapshot/store.js';
import { DrydockError } from '../util/errors.js';
import { materialize, offeredBlob } from '../store/lazy.js';
import { openLayerTar, writeLayer } from '../image/layer.js';
import { LayerSizes, teeMeasure } from './layer-size.js';

export interface Workspace {
  store: Store;
  snapshotter: Snapshotter;
  sizes: LayerSizes;
  sourceDateEpoch?: number;
}

/** Make sure each layer is unpacked in the snapshotter (measuring its size on the way). */
export async function ensureLayers(ws: Workspace, layers: LayerRef[]): Promise<void> {
  const missing: LayerRef[] = [];
  for (const l of layers) {
    if (await ws.snapshotter.hasLayer(l.diffID)) continue;
    if (isSnapshotLayer(l.descriptor)) throw new DrydockError('STORE', `layer ${l.diffID} is no longer in the store (pruned?)`);
    missing.push(l);
  }
  // A lazily pulled base's or an imported cache's layers: their bytes are needed now, fetched together.
  await materialize(ws.store, missing.map((l) => l.descriptor.digest));
  for (const l of missing) {
    await ws.snapshotter.ensureLayer(l.diffID, () => {
      const { stream, size } = teeMeasure(openLayerTar(ws.store, l.descriptor, l.diffID));
      size.then((n) => ws.sizes.set(l.diffID, n)).catch(() => { /* size stays unknown */ });
      return stream;
    });
  }
}

/**
 * Unpacks an image's layers for `platform` (the host's by default), as `docker pull` and
 * `docker load` leave an image ready to build on. An image with no manifest for the platform is
 * left packed: nothing here could run it.
 */
export async function unpackImage(store: Store, target: Descriptor, platform?: Platform): Promise<void> {
  let img;
  try {
    img = await resolveImage(store, target, platform);
  } catch (e) {
    if (e instanceof DrydockError && e.code === 'NOT_FOUND') return;
    throw e;
  }
  const { openSnapshotter } = await import('../snapshot/index.js');
  const ws = { store, snapshotter: await openSnapshotter(store.root), sizes: new LayerSizes(store.root) };
  await ensureLayers(ws, img.manifest.layers.map((descriptor, i) => ({ descriptor, diffID: img.config.rootfs.diff_ids[i]! })));
}

/** A read-only view of `layers` (COPY --from sources). */
export async function viewLayers(ws: Workspace, layers: LayerRef[]) {
  await ensureLayers(ws, layers);
  return ws.snapshotter.view(layers.map((l) => l.diffID));
}

/** Whether a cache record's layer can still be used: its blob (or an imported cache's offer of it), or for a snapshot layer its snapshot, is in the store. */
export async function layerAvailable(store: Store, l: LayerRef): Promise<boolean> {
  if (isSnapshotLayer(l.descriptor)) return hasUnpackedLayer(store.root, l.diffID);
  return !!offeredBlob(store, l.descriptor.digest) || store.content.has(l.descriptor.digest);
}

/**
 * How a step's layer is kept: a blob in `compression` (gzip for layers bound for an image), or
 * `snapshot` for the layers of intermediate stages, which only the cache and the snapshotter
 * read: committed without a diff, their tar made only if an export needs it (compress.ts). The
 * copy driver has no upperdir to keep as the layer, so there they are uncompressed blobs.
 */
export type LayerForm = Compression | 'snapshot';

/** Run `work` in a writable snapshot on top of `layers`; its changes become the returned layer, kept as `form`. */
export async function layerStep(ws: Workspace, layers: LayerRef[], work: (rootfs: string) => Promise<void>, form: LayerForm = 'gzip'): Promise<LayerRef> {
  await ensureLayers(ws, layers);
  const active = await ws.snapshotter.prepare(layers.map((l) => l.diffID));
  try {
    await work(active.rootfs);
    if (form === 'snapshot' && active.commitUndiffed) {
      const id = `sha256:${randomBytes(32).toString('hex')}` as Digest;
      const { size } = await active.commitUndiffed(id, { sourceDateEpoch: ws.sourceDateEpoch });
      await ws.sizes.set(id, size);
      return { descriptor: { mediaType: SNAPSHOT_LAYER, digest: id, size }, diffID: id, size };
    }
    const compression = form === 'snapshot' ? 'uncompressed' : form;
    const { stream, size } = teeMeasure(active.diff({ sourceDateEpoch: ws.sourceDateEpoch }));
    const { descriptor, diffID } = await writeLayer(ws.store, stream, compression);
    const bytes = await size;
    await active.commit(diffID);
    await ws.sizes.set(diffID, bytes);
    return { descriptor, diffID, size: bytes };
  } finally {
    await active.release();
  }
}

/** Content bytes of a layer, measuring it if it was never measured. */
export async function layerSize(ws: Workspace, l: LayerRef): Promise<number> {
  if (l.size !== undefined) return l.size;
  const known = await ws.sizes.get(l.diffID);
  if (known !== undefined) return known;
  // A layer not fetched yet (a lazily pulled base, an imported cache) is not downloaded to be
  // measured: its compressed size stands in until its bytes are here.
  if (!isSnapshotLayer(l.descriptor) && offeredBlob(ws.store, l.descriptor.digest) && !(await ws.store.content.has(l.descriptor.digest))) return l.descriptor.size;
  const { stream, size } = teeMeasure(isSnapshotLayer(l.descriptor) ? ws.snapshotter.layerTar(l.diffID) : openLayerTar(ws.store, l.descriptor));
  stream.resume();
  const n = await size;
  await ws.sizes.set(l.diffID, n);
  return n;
}
