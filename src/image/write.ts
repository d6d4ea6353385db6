/** Commits an image: config and manifest blobs, then the references that name it. */
import type { Store } from '../store/index.js';
import { layerCompression, MediaType, type Descriptor, type Digest, type ImageConfig, type Manifest } from './oci.js';
import { layerMediaType } from './layer.js';

export interface WriteImageOptions {
  refs?: string[];
  annotations?: Record<string, string>;
  /** 'oci' (default) or Docker schema2 media types. */
  mediaTypes?: 'oci' | 'docker';
}

export async function writeImage(store: Store, config: ImageConfig, layers: Descriptor[], opts: WriteImageOptions = {}): Promise<{ manifestDescriptor: Descriptor; configDigest: Digest }> {
  const docker = opts.mediaTypes === 'docker';
  const cfg = await store.content.writeJSON(config);
  const manifest: Manifest = {
    schemaVersion: 2,
    mediaType: docker ? MediaType.DockerManifest : MediaType.OciManifest,
    config: { mediaType: docker ? MediaType.DockerConfig : MediaType.OciConfig, digest: cfg.digest, size: cfg.size },
    layers: layers.map((l) => ({ ...l, mediaType: convertLayerType(l.mediaType, docker) })),
    ...(opts.annotations && Object.keys(opts.annotations).length ? { annotations: opts.annotations } : {}),
  };
  const m = await store.content.writeJSON(manifest);
  const manifestDescriptor: Descriptor = { mediaType: manifest.mediaType!, digest: m.digest, size: m.size };
  for (const ref of opts.refs ?? []) await store.images.put(ref, manifestDescriptor);
  return { manifestDescriptor, configDigest: cfg.digest };
}

function convertLayerType(mt: string, docker: boolean): string {
  // Foreign/non-tar layer types are kept as they are.
  const known: string[] = [MediaType.OciLayer, MediaType.OciLayerGzip, MediaType.OciLayerZstd, MediaType.DockerLayer, MediaType.DockerLayerGzip];
  if (!known.includes(mt)) return mt;
  return layerMediaType(layerCompression(mt), docker ? 'docker' : 'oci');
}
