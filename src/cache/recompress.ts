/**
 * Re-compressing a stored layer (cache exports and archive outputs that ask for another
 * compression): decompress, compress again, store the new blob. The diffID does not change, so
 * the image config — and the image ID — stay the same; only the manifest's descriptors differ.
 */
import type { Store } from '../store/index.js';
import { compressor, through } from '../image/compression.js';
import { decompress, layerMediaType } from '../image/layer.js';
import { layerCompression, MediaType, type Compression, type Descriptor } from '../image/oci.js';

const LAYER_TYPES: string[] = [MediaType.OciLayer, MediaType.OciLayerGzip, MediaType.OciLayerZstd, MediaType.DockerLayer, MediaType.DockerLayerGzip];

/** The layer in `to` compression (itself when it already is, or when it is not a tar layer). */
export async function recompressLayer(store: Store, d: Descriptor, to: Compression, level?: number): Promise<Descriptor> {
  if (!LAYER_TYPES.includes(d.mediaType)) return d;
  const from = layerCompression(d.mediaType);
  if (from === to) return d;
  const tar = decompress(store.content.createReadStream(d.digest), from);
  const { digest, size } = await store.content.writeStream(through(tar, compressor(to, level)));
  const style = d.mediaType.startsWith('application/vnd.docker.') ? 'docker' : 'oci';
  return { mediaType: layerMediaType(to, style), digest, size };
}
