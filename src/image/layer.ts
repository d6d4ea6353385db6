/** Layer codecs: one streaming pass computes the diffID (tar) and the blob digest (compressed). */
import type { Readable, TransformCallback } from 'node:stream';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DrydockError } from '../util/errors.js';
import { replaceFile } from '../util/replace-file.js';
import type { Store } from '../store/index.js';
import { HashingStream } from './digest.js';
import { materialize } from '../store/lazy.js';
import { compressor, decompressor, through } from './compression.js';
import { MediaType, layerCompression, type Compression, type Descriptor, type Digest } from './oci.js';

const LAYER_TYPES: string[] = [MediaType.OciLayer, MediaType.OciLayerGzip, MediaType.OciLayerZstd, MediaType.DockerLayer, MediaType.DockerLayerGzip];

export function decompress(src: Readable, compression: Compression): Readable {
  return through(src, decompressor(compression));
}

export function layerMediaType(c: Compression, style: 'oci' | 'docker' = 'oci'): string {
  if (style === 'docker') {
    if (c === 'gzip') return MediaType.DockerLayerGzip;
    if (c === 'uncompressed') return MediaType.DockerLayer;
  }
  return c === 'gzip' ? MediaType.OciLayerGzip : c === 'zstd' ? MediaType.OciLayerZstd : MediaType.OciLayer;
}

export async function writeLayer(store: Store, tar: Readable, compression: Compression): Promise<{ descriptor: Descriptor; diffID: Digest }> {
  if (compression === 'uncompressed') {
    // The blob is the tar itself: its digest is the diffID (one hash, no second pass).
    const { digest, size } = await store.content.writeStream(tar);
    return { descriptor: { mediaType: layerMediaType(compression), digest, size }, diffID: digest };
  }
  const diff = new HashingStream();
  const stream = through(through(tar, diff), compressor(compression));
  const { digest, size } = await store.content.writeStream(stream);
  return { descriptor: { mediaType: layerMediaType(compression), digest, size }, diffID: diff.digest() };
}

/**
 * The uncompressed tar stream of a stored layer, verified against its blob digest and, given
 * `diffID`, against that too: the stream fails at its end when the content is another layer's
 * (an image config that lies would otherwise fill the snapshot store's entry for that diffID).
 */
export function openLayerTar(store: Store, layer: Descriptor, diffID?: Digest): Readable {
  const tar = decompress(store.content.createReadStream(layer.digest), layerCompression(layer.mediaType));
  return diffID ? through(tar, new DiffIDCheck(diffID)) : tar;
}

class DiffIDCheck extends HashingStream {
  constructor(private readonly diffID: Digest) {
    super();
  }

  override _flush(cb: TransformCallback): void {
    const got = this.digest();
    cb(got === this.diffID ? null : new DrydockError('DIGEST', `layer content ${got} does not match the diffID ${this.diffID} its image config names`));
  }
}

/**
 * A stored layer in `to` compression (itself when it already is, or when it is not a tar layer):
 * decompress, compress again, store the new blob. The diffID does not change, so the image config
 * (and the image ID) stay the same; only manifests' descriptors differ.
 */
export async function recompressLayer(store: Store, d: Descriptor, to: Compression, level?: number): Promise<Descriptor> {
  if (!LAYER_TYPES.includes(d.mediaType)) return d;
  const from = layerCompression(d.mediaType);
  if (from === to) return d;
  const style = d.mediaType.startsWith('application/vnd.docker.') ? 'docker' : 'oci';
  // Converted once per store: the next export (a cache sent on every CI run) reuses the blob.
  const memo = join(store.root, 'cache', 'converted', `${d.digest.replace(/^sha256:/, '')}.${to}.${level ?? 'default'}.json`);
  try {
    const known = JSON.parse(await readFile(memo, 'utf8')) as { digest: Digest; size: number };
    if (await store.content.has(known.digest)) return { mediaType: layerMediaType(to, style), digest: known.digest, size: known.size };
  } catch { /* not converted yet */ }
  await materialize(store, [d.digest]);
  const { digest, size } = await store.content.writeStream(through(decompress(store.content.createReadStream(d.digest), from), compressor(to, level)));
  await replaceFile(memo, JSON.stringify({ digest, size }), { mkdir: true });
  return { mediaType: layerMediaType(to, style), digest, size };
}
