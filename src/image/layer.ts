/** Layer codecs: one streaming pass computes the diffID (tar) and the blob digest (compressed). */
import type { Readable } from 'node:stream';
import type { Store } from '../store/index.js';
import { HashingStream } from './digest.js';
import { compressor, decompressor, through } from './compression.js';
import { MediaType, layerCompression, type Compression, type Descriptor, type Digest } from './oci.js';

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
  const diff = new HashingStream();
  const stream = through(through(tar, diff), compressor(compression));
  const { digest, size } = await store.content.writeStream(stream);
  return { descriptor: { mediaType: layerMediaType(compression), digest, size }, diffID: diff.digest() };
}

/** The uncompressed tar stream of a stored layer (verified against its blob digest). */
export function openLayerTar(store: Store, layer: Descriptor): Readable {
  return decompress(store.content.createReadStream(layer.digest), layerCompression(layer.mediaType));
}
