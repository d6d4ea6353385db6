/**
 * The content tree under an index or manifest: what a push or a layout copy must send, in the
 * order a registry accepts it (blobs, then child manifests, then the root).
 */
import { isIndexMediaType, type Descriptor, type Index, type Manifest } from '../image/oci.js';
import { DrydockError } from '../util/errors.js';

export interface ContentTree {
  /** Config and layer blobs (each once). */
  blobs: Descriptor[];
  /** Manifests below the root, children before parents. */
  manifests: Array<{ descriptor: Descriptor; bytes: Buffer }>;
  root: { descriptor: Descriptor; bytes: Buffer };
}

export async function walkTree(root: Descriptor, read: (d: Descriptor) => Promise<Buffer>): Promise<ContentTree> {
  const blobs = new Map<string, Descriptor>();
  const manifests: ContentTree['manifests'] = [];
  const visit = async (d: Descriptor, depth: number): Promise<Buffer> => {
    if (depth > 4) throw new DrydockError('FORMAT', `index nesting too deep at ${d.digest}`);
    const bytes = await read(d);
    const doc = JSON.parse(bytes.toString('utf8')) as Partial<Manifest & Index>;
    if (isIndexMediaType(d.mediaType) || Array.isArray(doc.manifests)) {
      for (const child of doc.manifests ?? []) manifests.push({ descriptor: child, bytes: await visit(child, depth + 1) });
    } else {
      if (!doc.config || !Array.isArray(doc.layers)) throw new DrydockError('FORMAT', `${d.digest}: not a manifest`);
      for (const b of [doc.config, ...doc.layers]) if (!b.urls?.length) blobs.set(b.digest, b);
    }
    return bytes;
  };
  const bytes = await visit(root, 0);
  return { blobs: [...blobs.values()], manifests, root: { descriptor: root, bytes } };
}
