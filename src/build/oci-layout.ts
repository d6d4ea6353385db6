/**
 * An image in an OCI image layout directory on disk, for `--build-context NAME=oci-layout://PATH`:
 * the manifest chosen as buildx chooses it (build/opt.go resolveDigest: by digest, else the
 * index.json entry whose `io.containerd.image.name` or `org.opencontainers.image.ref.name` is
 * the tag, else the only entry), and the blobs this build's platform needs copied into the
 * store, each verified against its digest. Nothing is named in the store.
 */
import { createReadStream } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Store } from '../store/index.js';
import { isIndexMediaType, type Descriptor, type Digest, type Index, type Manifest, type Platform } from '../image/oci.js';
import { isDigest } from '../image/digest.js';
import { pickManifest } from '../image/resolve.js';
import { DrydockError } from '../util/errors.js';

export interface LayoutRef {
  path: string;
  tag?: string;
  digest?: Digest;
}

/**
 * `oci-layout://PATH[:TAG][@DIGEST]` (buildx util/ocilayout Parse): a trailing `@sha256:…` is
 * the digest, then a trailing `:TAG` the tag; neither means the tag `latest`.
 */
export function parseLayoutRef(value: string): LayoutRef {
  let path = value.replace(/^oci-layout:\/\//, '');
  let digest: Digest | undefined;
  let tag: string | undefined;
  const at = path.lastIndexOf('@');
  if (at >= 0 && /^[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[a-zA-Z0-9=_-]+$/.test(path.slice(at + 1))) {
    const d = path.slice(at + 1);
    if (!isDigest(d)) throw new DrydockError('USAGE', `invalid digest "${d}" in ${value}`);
    digest = d;
    path = path.slice(0, at);
  }
  const colon = path.lastIndexOf(':');
  if (colon >= 0 && /^[\w][\w.-]{0,127}$/.test(path.slice(colon + 1))) {
    tag = path.slice(colon + 1);
    path = path.slice(0, colon);
  }
  if (!path) throw new DrydockError('USAGE', `${value}: no layout directory`);
  return { path, ...(tag ? { tag } : {}), ...(digest ? { digest } : !tag ? { tag: 'latest' } : {}) };
}

/** Copies the image `ref` names (for `platform`) into the store; its descriptor there. */
export async function importFromLayout(store: Store, ref: LayoutRef, platform: Platform): Promise<Descriptor> {
  const index = await readIndex(ref.path);
  const target = ref.digest ? await byDigest(ref, index) : byTag(ref, index);
  await copyTree(store, ref.path, target, platform);
  return target;
}

async function readIndex(dir: string): Promise<Index> {
  const text = await readFile(join(dir, 'index.json'), 'utf8').catch((e: NodeJS.ErrnoException) => {
    throw new DrydockError('NOT_FOUND', `${dir} is not an OCI image layout: ${e.code === 'ENOENT' ? 'no index.json' : e.message}`);
  });
  try {
    const index = JSON.parse(text) as Index;
    if (!Array.isArray(index.manifests)) throw new Error('no manifests');
    return index;
  } catch (e) {
    throw new DrydockError('FORMAT', `${dir}/index.json: ${(e as Error).message}`);
  }
}

function byTag(ref: LayoutRef, index: Index): Descriptor {
  const named = (key: string) => index.manifests.find((m) => m.annotations?.[key] === ref.tag);
  const found = named('io.containerd.image.name') ?? named('org.opencontainers.image.ref.name') ?? (index.manifests.length === 1 ? index.manifests[0] : undefined);
  if (!found) throw new DrydockError('NOT_FOUND', `oci-layout reference "${ref.path}:${ref.tag}" could not be resolved: no image tagged "${ref.tag}" in ${ref.path}/index.json`);
  return found;
}

/** An index.json entry, or any manifest or index among the blobs (a platform's manifest, say). */
async function byDigest(ref: LayoutRef, index: Index): Promise<Descriptor> {
  const listed = index.manifests.find((m) => m.digest === ref.digest);
  if (listed) return listed;
  const file = blobPath(ref.path, ref.digest!);
  const size = (await stat(file).catch(() => undefined))?.size;
  if (size === undefined) throw new DrydockError('NOT_FOUND', `oci-layout reference "${ref.path}@${ref.digest}": no such blob in the layout`);
  const doc = JSON.parse(await readFile(file, 'utf8')) as { mediaType?: string; manifests?: unknown };
  return { mediaType: doc.mediaType ?? (Array.isArray(doc.manifests) ? 'application/vnd.oci.image.index.v1+json' : 'application/vnd.oci.image.manifest.v1+json'), digest: ref.digest!, size };
}

function blobPath(dir: string, d: Digest): string {
  return join(dir, 'blobs', ...d.split(':'));
}

/** The target, and below an index only the manifest for `platform` with its config and layers. */
async function copyTree(store: Store, dir: string, desc: Descriptor, platform: Platform): Promise<void> {
  await copyBlob(store, dir, desc.digest);
  const doc = await store.content.readJSON<Manifest & Index>(desc.digest);
  if (isIndexMediaType(doc.mediaType ?? desc.mediaType) || Array.isArray(doc.manifests)) {
    return copyTree(store, dir, pickManifest(doc, platform), platform);
  }
  for (const d of [doc.config, ...(doc.layers ?? [])]) await copyBlob(store, dir, d.digest);
}

async function copyBlob(store: Store, dir: string, d: Digest): Promise<void> {
  if (await store.content.has(d)) return;
  const file = blobPath(dir, d);
  if (!(await stat(file).catch(() => undefined))) throw new DrydockError('NOT_FOUND', `${dir}: the OCI layout is missing blob ${d}`);
  await store.content.writeStream(createReadStream(file), { digest: d });
}
