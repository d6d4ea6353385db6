/**
 * `drydock save`: images as one tar stream. Both formats are an OCI image layout (oci-layout,
 * index.json, blobs/sha256/*) with blobs copied as stored; 'docker' adds the manifest.json that
 * `docker load` (any version), `podman load` and skopeo's docker-archive: read — the layout
 * Docker 25+ writes itself. Blobs stream from the store and are verified as they go.
 */
import type { Readable } from 'node:stream';
import { DrydockError } from '../../util/errors.js';
import type { Store } from '../../store/index.js';
import { children } from '../../store/gc.js';
import { resolveFromContent } from '../resolve.js';
import { parseReference } from '../reference.js';
import { tarStream, type TarWriter } from '../../archive/writer.js';
import type { Descriptor, Digest, Platform } from '../oci.js';

export type ArchiveFormat = 'docker' | 'oci';

interface SavedImage {
  refs: string[];
  /** What index.json points at: the whole index when every platform is present, else the host manifest. */
  target: Descriptor;
  config: Descriptor;
  layers: Descriptor[];
  blobs: Digest[];
  /** Written into the index.json entry (builds for an explicit --platform). */
  platform?: Platform;
}

async function allPresent(store: Store, root: Digest): Promise<Digest[] | undefined> {
  const out: Digest[] = [];
  const seen = new Set<Digest>();
  const stack = [root];
  while (stack.length) {
    const d = stack.pop()!;
    if (seen.has(d)) continue;
    seen.add(d);
    if (!(await store.content.has(d))) return undefined;
    out.push(d);
    stack.push(...(await children(store, d)));
  }
  return out;
}

/** A stored image by name or id, or (for build outputs) a manifest with the names to give it. */
export type SaveSource = string | {
  target: Descriptor; refs: string[]; platform?: Platform;
  /** For an index target: the platform whose image manifest.json names (default `platform`, else the host's). */
  pick?: Platform;
};

async function collect(store: Store, names: SaveSource[]): Promise<SavedImage[]> {
  const byTarget = new Map<Digest, SavedImage>();
  for (const src of names) {
    if (typeof src !== 'string') {
      const img = await resolveFromContent(store.content, src.target, src.pick ?? src.platform);
      const blobs = await allPresent(store, src.target.digest);
      if (!blobs) throw new DrydockError('STORE', `image ${src.target.digest} is incomplete in the store; run 'drydock fsck'`);
      const refs = src.refs.map((r) => parseReference(r).toString());
      byTarget.set(src.target.digest, { refs, target: src.target, config: img.configDescriptor, layers: img.manifest.layers, blobs, platform: src.platform });
      continue;
    }
    const name = src;
    const rec = await store.images.get(name);
    if (!rec) throw new DrydockError('NOT_FOUND', `No such image: ${name}`);
    const img = await resolveFromContent(store.content, rec.target);
    let target = rec.target;
    let blobs = await allPresent(store, rec.target.digest);
    if (!blobs) {
      target = img.manifestDescriptor;
      blobs = await allPresent(store, target.digest);
      if (!blobs) throw new DrydockError('STORE', `image ${name} is incomplete in the store; run 'drydock fsck'`);
    }
    // A name that is an id or a digest reference saves the image without a tag, as docker does.
    let ref: string | undefined;
    try {
      const r = parseReference(name);
      if (r.toString() === rec.ref || (!r.digest && rec.ref === r.toString())) ref = rec.ref;
    } catch {
      ref = undefined;
    }
    const saved = byTarget.get(target.digest) ?? { refs: [], target, config: img.configDescriptor, layers: img.manifest.layers, blobs };
    if (ref && !saved.refs.includes(ref)) saved.refs.push(ref);
    byTarget.set(target.digest, saved);
  }
  return [...byTarget.values()];
}

export async function saveImages(store: Store, names: SaveSource[], format: ArchiveFormat = 'docker'): Promise<Readable> {
  if (names.length === 0) throw new DrydockError('USAGE', 'save needs at least one image');
  const images = await collect(store, names);
  return tarStream((w) => writeArchive(store, w, images, format));
}

const dirHeader = (name: string) => ({ name, type: 'directory' as const, mode: 0o755, uid: 0, gid: 0, size: 0, mtime: 0 });
const fileHeader = (name: string, size: number) => ({ name, type: 'file' as const, mode: 0o644, uid: 0, gid: 0, size, mtime: 0 });

async function writeArchive(store: Store, w: TarWriter, images: SavedImage[], format: ArchiveFormat): Promise<void> {
  const json = async (name: string, v: unknown) => {
    const b = Buffer.from(JSON.stringify(v));
    await w.add(fileHeader(name, b.length), b);
  };
  await w.add(dirHeader('blobs/'));
  await w.add(dirHeader('blobs/sha256/'));
  const written = new Set<Digest>();
  for (const img of images) {
    for (const d of img.blobs) {
      if (written.has(d)) continue;
      written.add(d);
      const size = await store.content.size(d);
      if (size === undefined) throw new DrydockError('STORE', `blob ${d} disappeared from the store`);
      await w.add(fileHeader(`blobs/sha256/${d.slice(7)}`, size), store.content.createReadStream(d));
    }
  }
  await json('oci-layout', { imageLayoutVersion: '1.0.0' });
  const manifests: Descriptor[] = [];
  for (const img of images) {
    const base = { mediaType: img.target.mediaType, digest: img.target.digest, size: img.target.size, ...(img.platform ? { platform: img.platform } : {}) };
    // the target's own annotations (a build's manifest-descriptor annotations) stay on its entries
    const own = img.target.annotations;
    if (img.refs.length === 0) manifests.push(own ? { ...base, annotations: own } : base);
    for (const ref of img.refs) {
      const r = parseReference(ref);
      manifests.push({ ...base, annotations: { ...own, 'io.containerd.image.name': ref, 'org.opencontainers.image.ref.name': r.tag ?? r.digest ?? 'latest' } });
    }
  }
  await json('index.json', { schemaVersion: 2, mediaType: 'application/vnd.oci.image.index.v1+json', manifests });
  if (format === 'docker') {
    await json('manifest.json', images.map((img) => ({
      Config: `blobs/sha256/${img.config.digest.slice(7)}`,
      RepoTags: img.refs.map((r) => parseReference(r).familiar()).filter((r) => !r.includes('@')),
      Layers: img.layers.map((l) => `blobs/sha256/${l.digest.slice(7)}`),
    })));
  }
}
