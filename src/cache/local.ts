/**
 * Caches in a local OCI image layout (`type=local,dest=DIR` / `src=DIR`): blobs/sha256/*,
 * oci-layout, and index.json whose entries are named by `org.opencontainers.image.ref.name`
 * (the cache's tag, `latest` by default). Other tags in the same directory are kept.
 */
import { createReadStream } from 'node:fs';
import { mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createWriteStream } from 'node:fs';
import { materialize } from '../store/lazy.js';
import type { Store } from '../store/index.js';
import { isIndexMediaType, MediaType, type Descriptor, type Index, type Manifest, type Platform } from '../image/oci.js';
import { digestHex, sha256 } from '../image/digest.js';
import { platformMatches } from '../image/platform.js';
import { DrydockError } from '../util/errors.js';
import { CACHE_ARTIFACT_TYPE, readRecords } from './format.js';
import type { CacheSource } from './source.js';
import { readMounts } from './mounts/format.js';
import { walkTree } from './tree.js';

const REF_NAME = 'org.opencontainers.image.ref.name';

/** Copies the tree under `root` from the store into the layout at `dir`, naming it `tag`. */
export async function writeLayout(store: Store, root: Descriptor, dir: string, tag = 'latest'): Promise<void> {
  const blobDir = join(dir, 'blobs', 'sha256');
  // A layout this export starts is removed if it fails (a full disk): never a directory that looks like half a cache.
  const existed = await stat(dir).then(() => true, () => false);
  try {
    await mkdir(blobDir, { recursive: true });
    const tree = await walkTree(root, (d) => store.content.readBytes(d.digest));
    for (const b of tree.blobs) {
      const path = join(blobDir, digestHex(b.digest));
      if ((await stat(path).catch(() => undefined))?.size === b.size) continue;
      await materialize(store, [b.digest]); // an imported cache's layer, not downloaded yet
      const tmp = `${path}.tmp-${process.pid}`;
      await pipeline(store.content.createReadStream(b.digest), createWriteStream(tmp)).catch(async (e) => {
        await rm(tmp, { force: true });
        throw e;
      });
      await rename(tmp, path);
    }
    for (const m of [...tree.manifests, tree.root]) await atomic(join(blobDir, digestHex(m.descriptor.digest)), m.bytes);
    await atomic(join(dir, 'oci-layout'), Buffer.from(JSON.stringify({ imageLayoutVersion: '1.0.0' })));
    const index = await readIndex(dir).catch(() => undefined);
    const others = (index?.manifests ?? []).filter((d) => d.annotations?.[REF_NAME] !== tag);
    const entry: Descriptor = { mediaType: root.mediaType, digest: root.digest, size: root.size, annotations: { [REF_NAME]: tag } };
    const out: Index = { schemaVersion: 2, mediaType: MediaType.OciIndex, manifests: [...others, entry] };
    await atomic(join(dir, 'index.json'), Buffer.from(JSON.stringify(out)));
  } catch (e) {
    if (!existed) await rm(dir, { recursive: true, force: true });
    if (e instanceof DrydockError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOSPC') throw new DrydockError('STORE', `no space left on device writing the cache to ${dir}`, { cause: e });
    throw new DrydockError('STORE', `writing the cache to ${dir}: ${(e as Error).message}`, { cause: e });
  }
}

export async function loadLocalCache(dir: string, tag = 'latest', platform: Platform): Promise<CacheSource> {
  const name = `local ${dir}`;
  const index = await readIndex(dir).catch((e: NodeJS.ErrnoException) => {
    throw new DrydockError('NOT_FOUND', `${name}: ${e.code === 'ENOENT' ? 'no cache there (index.json missing)' : e.message}`);
  });
  const entry = index.manifests.find((d) => d.annotations?.[REF_NAME] === tag);
  if (!entry) throw new DrydockError('NOT_FOUND', `${name}: no cache tagged "${tag}"`);
  let top = entry;
  if (isIndexMediaType(top.mediaType)) {
    const inner = await readJSON<Index>(dir, top);
    const pick = inner.manifests.find((d) => d.artifactType === CACHE_ARTIFACT_TYPE && platformMatches(platform, d.platform))
      ?? inner.manifests.find((d) => d.artifactType === CACHE_ARTIFACT_TYPE && !d.platform);
    if (!pick) throw new DrydockError('NOT_FOUND', `${name}: no cache for this platform`);
    top = pick;
  }
  const m = await readJSON<Manifest>(dir, top);
  const byDigest = new Map(m.layers.map((l) => [l.digest, l]));
  const cfg = await readJSON(dir, m.config);
  const records = readRecords(cfg, (l) => (l.digest ? byDigest.get(l.digest) : undefined), name);
  return {
    name,
    records,
    mounts: readMounts(cfg, byDigest, name),
    async fetch(layer, store) {
      await store.content.writeStream(createReadStream(blobPath(dir, layer)), { digest: layer.digest, size: layer.size });
    },
    has: (layer) => stat(blobPath(dir, layer)).then(() => true, () => false),
  };
}

function blobPath(dir: string, d: Descriptor): string {
  return join(dir, 'blobs', 'sha256', digestHex(d.digest));
}

async function readIndex(dir: string): Promise<Index> {
  return JSON.parse(await readFile(join(dir, 'index.json'), 'utf8')) as Index;
}

async function readJSON<T>(dir: string, d: Descriptor): Promise<T> {
  const bytes = await readFile(blobPath(dir, d)).catch(() => {
    throw new DrydockError('NOT_FOUND', `local cache ${dir}: blob ${d.digest} is missing`);
  });
  if (sha256(bytes) !== d.digest) throw new DrydockError('DIGEST', `local cache ${dir}: blob ${d.digest} is corrupt`);
  try {
    return JSON.parse(bytes.toString('utf8')) as T;
  } catch {
    throw new DrydockError('FORMAT', `local cache ${dir}: blob ${d.digest} is not JSON`);
  }
}

async function atomic(path: string, bytes: Buffer): Promise<void> {
  const tmp = `${path}.tmp-${process.pid}`;
  try {
    await writeFile(tmp, bytes);
  } catch (e) {
    await rm(tmp, { force: true });
    throw e;
  }
  await rename(tmp, path);
}
