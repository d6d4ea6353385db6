/**
 * pushImage: blobs first (skipped when the registry has them, mounted from another repository
 * of the same registry when possible, else uploaded), then manifests, children before the index.
 * pushBlobs is that first half, shared with cache exports and `-o type=registry` (cache/registry.ts).
 */
import { createReadStream } from 'node:fs';
import { appendFile, mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DrydockError } from '../util/errors.js';
import { hostPlatform, isIndexMediaType, type Descriptor, type Digest, type Index, type Manifest } from '../image/oci.js';
import { parseReference } from '../image/reference.js';
import { pickManifest } from '../image/resolve.js';
import type { Store } from '../store/index.js';
import { RegistryClient } from './client.js';
import { endpointsFor } from './endpoint.js';
import { endpointOptions } from './settings.js';
import type { PushOptions, TransferEvent } from './types.js';
import { mapLimit, withContext } from './util.js';
import { materialize, offeredBlob } from '../store/lazy.js';

interface PushPlan {
  /** Manifests to send by digest before the top one (children of an index). */
  children: Array<{ descriptor: Descriptor; manifest: Manifest }>;
  top: { descriptor: Descriptor; bytes: Buffer };
  blobs: Descriptor[];
}

export async function pushImage(store: Store, localRef: string, remoteRef: string = localRef, opts: PushOptions = {}): Promise<{ digest: Digest }> {
  try {
    const record = await store.images.get(localRef);
    if (!record) throw new DrydockError('NOT_FOUND', `no such image ${localRef} in the store`);
    const dst = parseReference(remoteRef);
    const endpoint = endpointsFor(dst.domain, await endpointOptions({ ...opts, mirrors: {} }, opts.root ?? store.root))
      .find((e) => !e.mirror)!;
    const client = new RegistryClient(endpoint, { configPath: opts.configPath, signal: opts.signal });
    const repo = dst.path;
    const emit = (e: Omit<TransferEvent, 'direction'>) => opts.onProgress?.({ direction: 'push', ...e });

    const plan = await planPush(store, record.target);
    await pushBlobs(store, client, { domain: dst.domain, repo }, plan.blobs, opts);
    for (const child of plan.children) {
      const bytes = await store.content.readBytes(child.descriptor.digest);
      await client.putManifest(repo, child.descriptor.digest, bytes, child.descriptor.mediaType);
      emit({ phase: 'manifest', digest: child.descriptor.digest, size: bytes.length });
    }
    if (dst.digest && dst.digest !== plan.top.descriptor.digest) {
      throw new DrydockError('USAGE', `${remoteRef}: the image's digest is ${plan.top.descriptor.digest}`);
    }
    const digest = await client.putManifest(repo, dst.digest ?? dst.tag ?? 'latest', plan.top.bytes, plan.top.descriptor.mediaType);
    emit({ phase: 'manifest', digest, size: plan.top.bytes.length, detail: dst.toString() });
    return { digest };
  } catch (e) {
    throw withContext(e, `push ${remoteRef}`);
  }
}

/** What to send: the whole index when every child is in the store, else the host platform's manifest. */
async function planPush(store: Store, target: Descriptor): Promise<PushPlan> {
  const blobs = new Map<Digest, Descriptor>();
  const addManifest = (m: Manifest) => {
    for (const d of [m.config, ...m.layers]) if (!d.urls?.length) blobs.set(d.digest, d);
  };
  const topBytes = await store.content.readBytes(target.digest);
  if (!isIndexMediaType(target.mediaType)) {
    addManifest(JSON.parse(topBytes.toString('utf8')) as Manifest);
    return { children: [], top: { descriptor: target, bytes: topBytes }, blobs: [...blobs.values()] };
  }
  const index = JSON.parse(topBytes.toString('utf8')) as Index;
  const present = await Promise.all(index.manifests.map((d) => store.content.has(d.digest)));
  if (present.every(Boolean)) {
    const children: PushPlan['children'] = [];
    for (const d of index.manifests) {
      const m = await store.content.readJSON<Manifest>(d.digest);
      addManifest(m);
      children.push({ descriptor: d, manifest: m });
    }
    return { children, top: { descriptor: target, bytes: topBytes }, blobs: [...blobs.values()] };
  }
  // A pulled multi-platform image holds one platform's content: push that, as Docker does.
  const picked = pickManifest(index, hostPlatform());
  const bytes = await store.content.readBytes(picked.digest);
  addManifest(JSON.parse(bytes.toString('utf8')) as Manifest);
  const { platform: _p, annotations: _a, ...descriptor } = picked;
  return { children: [], top: { descriptor, bytes }, blobs: [...blobs.values()] };
}

/**
 * Sends `blobs` to `repo` before any manifest names them, at most `concurrency` (5) at a time as
 * the registry and the link allow: each is skipped when the registry has it (HEAD), mounted when
 * it is known in another repository of the same registry (an image of the store, or where
 * drydock pushed it before), else uploaded from the store as it is (never recompressed).
 */
export async function pushBlobs(store: Store, client: RegistryClient, to: { domain: string; repo: string }, blobs: Descriptor[], opts: PushOptions = {}): Promise<void> {
  const { repo } = to;
  const emit = (e: Omit<TransferEvent, 'direction'>) => opts.onProgress?.({ direction: 'push', ...e });
  // Mount candidates are only needed for a blob the registry lacks: read while the HEADs are out.
  const mounts = opts.mountFrom ? undefined : mountSources(store, to.domain, repo);
  mounts?.catch(() => undefined);
  await mapLimit(blobs, opts.concurrency ?? 5, async (d) => {
    const from = async () => {
      if (opts.mountFrom) return opts.mountFrom;
      // An imported cache's layer not downloaded yet: mounted from the cache's repository when it is on this registry.
      const offer = offeredBlob(store, d.digest)?.from;
      return [...new Set([...((await mounts)?.get(d.digest) ?? []), ...(await pushedTo(store.root, client.host, d.digest)), ...(offer?.host === client.host ? [offer.repo] : [])])];
    };
    await pushBlob(client, store, repo, d, from, opts, emit);
    await notePushed(store.root, client.host, repo, d.digest);
  });
}

/**
 * Where drydock has put each blob (`<root>/registry/blobs/<digest>`: a `host/repo` per line), as
 * containerd labels content with its distribution sources: the next push to another repository
 * of that registry mounts instead of uploading (an image pushed, then its cache exported).
 */
async function notePushed(root: string, host: string, repo: string, digest: Digest): Promise<void> {
  const line = `${host}/${repo}\n`;
  const file = join(root, 'registry', 'blobs', digest.replace(/^sha256:/, ''));
  const known = await readFile(file, 'utf8').catch(() => '');
  if (known.split('\n').includes(line.trimEnd())) return;
  await mkdir(join(root, 'registry', 'blobs'), { recursive: true });
  await appendFile(file, line); // one short line: atomic beside concurrent pushes
}

/** Repositories of `host` that drydock put `digest` in, the latest first (at most 3). */
async function pushedTo(root: string, host: string, digest: Digest): Promise<string[]> {
  const known = await readFile(join(root, 'registry', 'blobs', digest.replace(/^sha256:/, '')), 'utf8').catch(() => '');
  return known.split('\n').filter((l) => l.startsWith(`${host}/`)).map((l) => l.slice(host.length + 1)).reverse().slice(0, 3);
}

/** blob digest -> other repositories of the same registry that we pulled or pushed it as (mount candidates). */
async function mountSources(store: Store, domain: string, repo: string): Promise<Map<Digest, string[]>> {
  const out = new Map<Digest, string[]>();
  for (const rec of await store.images.list()) {
    let r;
    try {
      r = parseReference(rec.ref);
    } catch {
      continue;
    }
    if (r.domain !== domain || r.path === repo) continue;
    try {
      const manifests: Descriptor[] = [rec.target];
      if (isIndexMediaType(rec.target.mediaType)) {
        const index = await store.content.readJSON<Index>(rec.target.digest);
        manifests.splice(0, 1, ...index.manifests);
      }
      for (const md of manifests) {
        if (!(await store.content.has(md.digest))) continue;
        const m = await store.content.readJSON<Manifest>(md.digest);
        for (const d of [m.config, ...m.layers]) {
          const list = out.get(d.digest) ?? [];
          if (!list.includes(r.path) && list.length < 3) list.push(r.path);
          out.set(d.digest, list);
        }
      }
    } catch {
      // an unreadable local image only costs us a mount candidate
    }
  }
  return out;
}

async function pushBlob(
  client: RegistryClient, store: Store, repo: string, d: Descriptor, mountFrom: () => Promise<string[]>, opts: PushOptions,
  emit: (e: Omit<TransferEvent, 'direction'>) => void,
): Promise<void> {
  if ((await client.blobExists(repo, d.digest)) !== undefined) {
    emit({ phase: 'exists', digest: d.digest, size: d.size });
    return;
  }
  for (const from of await mountFrom()) {
    if (from === repo) continue;
    if (await client.mountBlob(repo, d.digest, from)) {
      emit({ phase: 'mounted', digest: d.digest, size: d.size, detail: from });
      return;
    }
  }
  await materialize(store, [d.digest]);
  const size = await store.content.size(d.digest);
  if (size === undefined) throw new DrydockError('NOT_FOUND', `blob ${d.digest} is not in the store (image content is incomplete)`);
  if (size !== d.size) throw new DrydockError('DIGEST', `blob ${d.digest} in the store is ${size} bytes, the manifest says ${d.size}`);
  emit({ phase: 'start', digest: d.digest, size: d.size });
  await client.uploadBlob(repo, d, (range) => {
    // Whole blobs are verified as they are read; chunk ranges are read raw.
    return range ? createReadStream(store.content.path(d.digest), range) : store.content.createReadStream(d.digest);
  }, {
    chunkSize: opts.chunkSize,
    signal: opts.signal,
    onProgress: (n) => emit({ phase: 'progress', digest: d.digest, size: d.size, current: n }),
  });
  emit({ phase: 'done', digest: d.digest, size: d.size, current: d.size });
}
