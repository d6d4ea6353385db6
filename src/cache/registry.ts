/**
 * Caches (and build outputs) in a registry: push a content tree from the store under a tag, and
 * read a cache back — a drydock cache artifact, or an image whose config carries an inline cache.
 */
import { Readable } from 'node:stream';
import type { Store } from '../store/index.js';
import { isIndexMediaType, type Descriptor, type Digest, type ImageConfig, type Index, type Manifest, type Platform } from '../image/oci.js';
import { parseReference } from '../image/reference.js';
import { pickManifest } from '../image/resolve.js';
import { platformMatches } from '../image/platform.js';
// Types only: the registry client (and undici) loads when a registry cache is used, not on every build.
import type { RegistryClient } from '../registry/index.js';
import { DrydockError } from '../util/errors.js';
import { CACHE_ARTIFACT_TYPE, CACHE_CONFIG_MEDIA_TYPE, readRecords } from './format.js';
import { inlineRecords } from './inline.js';
import { readMounts } from './mounts/format.js';
import type { CacheSource } from './source.js';
import { walkTree } from './tree.js';

export interface RemoteTarget {
  client: RegistryClient;
  repo: string;
  /** Tag or digest. */
  reference: string;
  /** The reference as the user wrote it, normalised. */
  name: string;
  /** The `/v2/` probe, started when the target is made: pushTree awaits it (its error, not a second probe). */
  ready: Promise<string>;
}

/** A client for `ref`'s registry (never a pull mirror: caches and pushes go to the named registry). */
export async function remoteTarget(store: Store, ref: string, signal?: AbortSignal): Promise<RemoteTarget> {
  const r = parseReference(ref);
  const { RegistryClient, endpointOptions, endpointsFor } = await import('../registry/index.js');
  const endpoint = endpointsFor(r.domain, await endpointOptions({ mirrors: {} }, store.root)).find((e) => !e.mirror)!;
  const client = new RegistryClient(endpoint, { signal });
  // The probe's round trip overlaps whatever the caller does before its first request.
  const ready = client.ping();
  ready.catch(() => undefined);
  return { client, repo: r.path, reference: r.digest ?? r.tag ?? 'latest', name: r.toString(), ready };
}

/** Pushes the tree under `root` (all of it in the store) and tags the root `t.reference`. */
export async function pushTree(store: Store, t: RemoteTarget, root: Descriptor): Promise<Digest> {
  await t.ready;
  const tree = await walkTree(root, (d) => store.content.readBytes(d.digest));
  // Blobs in parallel (skipped, mounted or uploaded as they are), then manifests, the tag last.
  const { pushBlobs } = await import('../registry/index.js');
  await pushBlobs(store, t.client, { domain: parseReference(t.name).domain, repo: t.repo }, tree.blobs);
  for (const m of tree.manifests) await t.client.putManifest(t.repo, m.descriptor.digest, m.bytes, m.descriptor.mediaType);
  return t.client.putManifest(t.repo, t.reference, tree.root.bytes, tree.root.descriptor.mediaType);
}

/** The cache at `ref` for `platform`: a drydock cache artifact, or an image's inline cache. */
export async function loadRegistryCache(store: Store, ref: string, platform: Platform, signal?: AbortSignal): Promise<CacheSource> {
  const t = await remoteTarget(store, ref, signal);
  const name = `registry ${t.name}`;
  const top = await t.client.getManifest(t.repo, t.reference);
  let manifest = top;
  if (isIndexMediaType(top.descriptor.mediaType)) {
    const index = parseJSON<Index>(top.bytes, name);
    const entries = index.manifests.filter((d) => d.artifactType === CACHE_ARTIFACT_TYPE);
    const pick = entries.length
      ? entries.find((d) => platformMatches(platform, d.platform)) ?? entries.find((d) => !d.platform)
      : pickManifest(index, platform);
    if (!pick) throw new DrydockError('NOT_FOUND', `${name}: no cache for this platform`);
    manifest = await t.client.getManifest(t.repo, pick.digest);
  }
  const m = parseJSON<Manifest>(manifest.bytes, name);
  if (!m.config || !Array.isArray(m.layers)) throw new DrydockError('FORMAT', `${name}: not a manifest`);
  const configBytes = await readBlob(t, m.config);
  const fetch = async (layer: Descriptor, s: Store) => {
    await s.content.writeStream(await t.client.getBlob(t.repo, layer.digest), { digest: layer.digest, size: layer.size });
  };
  // Layers are fetched lazily (cache/source.ts): a HEAD says at lookup whether one still can be.
  const lazy = { fetch, has: async (l: Descriptor) => (await t.client.blobExists(t.repo, l.digest)) !== undefined, location: { host: t.client.host, repo: t.repo } };
  if (m.config.mediaType === CACHE_CONFIG_MEDIA_TYPE) {
    const byDigest = new Map(m.layers.map((l) => [l.digest, l]));
    const cfg = parseJSON(configBytes, name);
    const records = readRecords(cfg, (l) => (l.digest ? byDigest.get(l.digest) : undefined), name);
    return { name, records, ...lazy, mounts: readMounts(cfg, byDigest, name) };
  }
  return { name, records: inlineRecords(parseJSON<ImageConfig>(configBytes, name), m, name), ...lazy };
}

async function readBlob(t: RemoteTarget, d: Descriptor): Promise<Buffer> {
  if (d.size > 64 * 1024 * 1024) throw new DrydockError('FORMAT', `${t.name}: config blob of ${d.size} bytes is too large`);
  const chunks: Buffer[] = [];
  for await (const c of (await t.client.getBlob(t.repo, d.digest)) as Readable) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

function parseJSON<T>(bytes: Buffer, what: string): T {
  try {
    return JSON.parse(bytes.toString('utf8')) as T;
  } catch {
    throw new DrydockError('FORMAT', `${what}: invalid JSON`);
  }
}
