/**
 * `drydock load`: `docker save` archives (classic and Docker 25+ layouts) and OCI image layouts,
 * as a tar (optionally gzip/zstd compressed) or an OCI layout directory. One streaming pass
 * stores every file as a blob; the manifests are read afterwards, so entry order does not matter.
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { join, posix } from 'node:path';
import { Readable } from 'node:stream';
import { DrydockError } from '../../util/errors.js';
import type { Store } from '../../store/index.js';
import { isDigest } from '../digest.js';
import { autoDecompress } from '../sniff.js';
import { layerMediaType } from '../layer.js';
import { resolveFromContent } from '../resolve.js';
import { parseReference } from '../reference.js';
import { readTar } from '../../archive/reader.js';
import { entryPath as cleanPath } from '../../archive/extract.js';
import { MediaType, type Descriptor, type Digest, type ImageConfig, type Index, type Manifest } from '../oci.js';
import { ingestBlob, type IngestedBlob } from './ingest.js';
import { children } from '../../store/gc.js';

export interface LoadedImage {
  /** Normalised references tagged (empty for an untagged image, kept under a lease). */
  refs: string[];
  target: Descriptor;
  configDigest: Digest;
}

interface DockerManifestEntry {
  Config: string;
  RepoTags?: string[] | null;
  Layers: string[];
}

const METADATA = new Set(['manifest.json', 'index.json', 'oci-layout', 'repositories']);

/** Loads from a file, a directory (OCI layout), or a stream (stdin). */
export async function loadArchive(store: Store, input: string | Readable): Promise<LoadedImage[]> {
  if (typeof input === 'string') {
    const st = await stat(input).catch(() => undefined);
    if (!st) throw new DrydockError('NOT_FOUND', `${input}: no such file or directory`);
    if (st.isDirectory()) return loadLayoutDir(store, input);
    input = createReadStream(input);
  }
  const files = new Map<string, IngestedBlob>();
  const links = new Map<string, string>();
  let any = false;
  for await (const e of readTar(await autoDecompress(input))) {
    any = true;
    const p = cleanPath(e.header.name);
    if (e.header.type === 'symlink' || e.header.type === 'link') {
      const target = e.header.type === 'symlink' ? posix.join(posix.dirname(p), e.header.linkname ?? '') : e.header.linkname ?? '';
      links.set(p, cleanPath(target));
      continue;
    }
    if (e.header.type !== 'file') continue;
    const m = /^blobs\/sha256\/([a-f0-9]{64})$/.exec(p);
    const expected = m ? { digest: `sha256:${m[1]}` as Digest, size: e.header.size } : { size: e.header.size };
    files.set(p, await ingestBlob(store, Readable.from(e.body), expected));
  }
  if (!any) throw new DrydockError('FORMAT', 'empty archive');
  const file = (p: string): IngestedBlob | undefined => {
    for (let i = 0, q = cleanPath(p); i < 16; i++) {
      const f = files.get(q);
      if (f) return f;
      const l = links.get(q);
      if (l === undefined) return undefined;
      q = l;
    }
    return undefined;
  };
  const manifestJson = file('manifest.json');
  if (manifestJson) return loadDocker(store, await store.content.readJSON<DockerManifestEntry[]>(manifestJson.digest), file);
  const indexJson = file('index.json');
  if (indexJson) return loadIndex(store, await store.content.readJSON<Index>(indexJson.digest), (d) => file(`blobs/sha256/${d.slice(7)}`));
  throw new DrydockError('FORMAT', 'not a docker or OCI image archive (no manifest.json or index.json)');
}

async function loadDocker(store: Store, entries: DockerManifestEntry[], file: (p: string) => IngestedBlob | undefined): Promise<LoadedImage[]> {
  if (!Array.isArray(entries)) throw new DrydockError('FORMAT', 'invalid manifest.json in archive');
  const out: LoadedImage[] = [];
  for (const entry of entries) {
    const cfgBlob = file(entry.Config ?? '');
    if (!cfgBlob) throw new DrydockError('FORMAT', `archive is missing image config ${entry.Config}`);
    const config = await store.content.readJSON<ImageConfig>(cfgBlob.digest);
    const diffIDs = config.rootfs?.diff_ids ?? [];
    if (!Array.isArray(entry.Layers) || diffIDs.length !== entry.Layers.length) {
      throw new DrydockError('FORMAT', `archive manifest for ${entry.Config} lists ${entry.Layers?.length ?? 0} layers but its config has ${diffIDs.length}`);
    }
    const layers: Descriptor[] = entry.Layers.map((p, i) => {
      const b = file(p);
      if (!b) throw new DrydockError('FORMAT', `archive is missing layer ${p}`);
      if (b.diffID !== diffIDs[i]) throw new DrydockError('DIGEST', `layer ${p} does not match its diffID: expected ${diffIDs[i]}, got ${b.diffID}`);
      return { mediaType: layerMediaType(b.compression, b.compression === 'zstd' ? 'oci' : 'docker'), digest: b.digest, size: b.size };
    });
    const zstd = layers.some((l) => l.mediaType === MediaType.OciLayerZstd);
    const manifest: Manifest = {
      schemaVersion: 2,
      mediaType: zstd ? MediaType.OciManifest : MediaType.DockerManifest,
      config: { mediaType: zstd ? MediaType.OciConfig : MediaType.DockerConfig, digest: cfgBlob.digest, size: cfgBlob.size },
      layers: zstd ? layers.map((l) => ({ ...l, mediaType: layerMediaType(l.mediaType.endsWith('zstd') ? 'zstd' : l.mediaType.endsWith('gzip') ? 'gzip' : 'uncompressed') })) : layers,
    };
    const m = await store.content.writeJSON(manifest);
    const target: Descriptor = { mediaType: manifest.mediaType!, digest: m.digest, size: m.size };
    const refs = await tag(store, target, (entry.RepoTags ?? []).map((t) => parseReference(t).toString()), cfgBlob.digest);
    out.push({ refs, target, configDigest: cfgBlob.digest });
  }
  return out;
}

async function loadIndex(store: Store, index: Index, blob: (d: Digest) => IngestedBlob | undefined): Promise<LoadedImage[]> {
  if (!Array.isArray(index?.manifests)) throw new DrydockError('FORMAT', 'invalid index.json in archive');
  const out: LoadedImage[] = [];
  for (const desc of index.manifests) {
    if (!isDigest(desc.digest) || !blob(desc.digest)) throw new DrydockError('FORMAT', `archive is missing blob ${desc.digest}`);
    const img = await resolveFromContent(store.content, desc);
    for (const [i, l] of img.manifest.layers.entries()) {
      const b = blob(l.digest);
      if (!b) throw new DrydockError('FORMAT', `archive is missing layer ${l.digest}`);
      if (b.diffID !== img.config.rootfs.diff_ids[i]) throw new DrydockError('DIGEST', `layer ${l.digest} does not match its diffID ${img.config.rootfs.diff_ids[i]}`);
    }
    const target: Descriptor = { mediaType: desc.mediaType, digest: desc.digest, size: desc.size };
    out.push({ refs: await tag(store, target, refNames(desc), img.configDescriptor.digest), target, configDigest: img.configDescriptor.digest });
  }
  return out;
}

/** The names an OCI index entry carries: containerd's full name, or a ref.name that is a full reference. */
function refNames(desc: Descriptor): string[] {
  const a = desc.annotations ?? {};
  for (const n of [a['io.containerd.image.name'], a['org.opencontainers.image.ref.name']]) {
    if (!n) continue;
    try {
      const r = parseReference(n);
      if (n.includes('/') || n.includes(':') || a['io.containerd.image.name'] === n) return [r.toString()];
    } catch {
      /* a bare tag: no repository to put it in */
    }
  }
  return [];
}

async function tag(store: Store, target: Descriptor, refs: string[], configDigest: Digest): Promise<string[]> {
  for (const r of refs) await store.images.put(r, target);
  // An untagged image is kept under a lease named after its id, as docker keeps <none> images.
  if (refs.length === 0) await store.lease(`untagged-${configDigest.slice(7)}`, [target.digest]);
  return refs;
}

/** An OCI image layout directory: every blob reachable from index.json is copied and verified. */
async function loadLayoutDir(store: Store, dir: string): Promise<LoadedImage[]> {
  const indexPath = join(dir, 'index.json');
  if (!(await stat(indexPath).catch(() => undefined))) throw new DrydockError('FORMAT', `${dir} is not an OCI image layout (no index.json)`);
  const indexBlob = await ingestBlob(store, createReadStream(indexPath));
  const index = await store.content.readJSON<Index>(indexBlob.digest);
  const loaded = new Map<Digest, IngestedBlob>();
  const copy = async (d: Digest): Promise<void> => {
    if (loaded.has(d)) return;
    const p = join(dir, 'blobs', 'sha256', d.slice(7));
    if (!(await stat(p).catch(() => undefined))) return; // other platforms may be absent
    loaded.set(d, await ingestBlob(store, createReadStream(p), { digest: d }));
  };
  const stack = (index.manifests ?? []).map((m) => m.digest);
  while (stack.length) {
    const d = stack.pop()!;
    if (loaded.has(d) || !isDigest(d)) continue;
    await copy(d);
    if (loaded.has(d)) stack.push(...(await children(store, d)));
  }
  return loadIndex(store, index, (d) => loaded.get(d));
}
