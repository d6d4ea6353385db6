/**
 * makeTestImage(): a small synthetic image written straight into a store (gzip layers of
 * random bytes, so every call makes distinct blobs unless `seed` repeats).
 */
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import tar from 'tar-stream';
import { hostPlatform, MediaType, type Descriptor, type Digest, type ImageConfig, type Index, type Platform } from '../../src/image/oci.js';
import { writeLayer } from '../../src/image/layer.js';
import { writeImage } from '../../src/image/write.js';
import type { Store } from '../../src/store/index.js';

export interface TestImageOptions {
  /** Number of layers (default 2). */
  layers?: number;
  /** Bytes of file content per layer (default 4 KiB). */
  layerSize?: number;
  /** Same seed, same bytes (and digests); default random. */
  seed?: string;
  mediaTypes?: 'oci' | 'docker';
  cmd?: string[];
  /** Config os/architecture (default: the host's). */
  platform?: Platform;
}

export interface TestImage {
  manifestDescriptor: Descriptor;
  configDigest: Digest;
  layers: Descriptor[];
}

function bytesFor(seed: string, size: number): Buffer {
  const out = Buffer.alloc(size);
  let block = createHash('sha256').update(seed).digest();
  for (let off = 0; off < size; off += block.length) {
    block.copy(out, off, 0, Math.min(block.length, size - off));
    block = createHash('sha256').update(block).digest();
  }
  return out;
}

function layerTar(name: string, content: Buffer): Readable {
  const pack = tar.pack();
  pack.entry({ name: `data/${name}`, size: content.length, mode: 0o644, mtime: new Date(0), uid: 0, gid: 0 }, content);
  pack.finalize();
  return pack as unknown as Readable;
}

export async function makeTestImage(store: Store, ref: string, opts: TestImageOptions = {}): Promise<TestImage> {
  const seed = opts.seed ?? `${Date.now()}-${Math.random()}`;
  const layers: Descriptor[] = [];
  const diffIDs: Digest[] = [];
  for (let i = 0; i < (opts.layers ?? 2); i++) {
    const { descriptor, diffID } = await writeLayer(store, layerTar(`layer${i}.bin`, bytesFor(`${seed}/${i}`, opts.layerSize ?? 4096)), 'gzip');
    layers.push(descriptor);
    diffIDs.push(diffID);
  }
  const p = opts.platform ?? hostPlatform();
  const config: ImageConfig = {
    architecture: p.architecture,
    os: p.os,
    ...(p.variant ? { variant: p.variant } : {}),
    created: new Date(0).toISOString(),
    config: { Cmd: opts.cmd ?? ['sh'], Env: ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'] },
    rootfs: { type: 'layers', diff_ids: diffIDs },
    history: diffIDs.map((_, i) => ({ created: new Date(0).toISOString(), created_by: `test layer ${i} (${seed})` })),
  };
  const { manifestDescriptor, configDigest } = await writeImage(store, config, layers, { refs: [ref], mediaTypes: opts.mediaTypes });
  return { manifestDescriptor, configDigest, layers };
}

/** A multi-platform index over images made with makeTestImage, tagged `ref`. */
export async function makeTestIndex(store: Store, ref: string, entries: Array<{ image: TestImage; platform: Platform }>): Promise<Descriptor> {
  const index: Index = {
    schemaVersion: 2,
    mediaType: MediaType.OciIndex,
    manifests: entries.map((e) => ({ ...e.image.manifestDescriptor, platform: e.platform })),
  };
  const { digest, size } = await store.content.writeJSON(index);
  const descriptor: Descriptor = { mediaType: MediaType.OciIndex, digest, size };
  await store.images.put(ref, descriptor);
  return descriptor;
}
