/**
 * pullImage: manifest (or index, then the platform's manifest), config and layers into the
 * content store, each blob's digest verified as it is written; then the tag. Content is stored
 * bottom-up (layers, config, manifest, index, ref) so a killed pull leaves no dangling ref.
 * A build's lazy pull (lazyLayers) stores no layer and no ref: the layers are offered instead.
 */
import type { Readable } from 'node:stream';
import { DrydockError } from '../util/errors.js';
import { hostPlatform, isIndexMediaType, isManifestMediaType, type Descriptor, type ImageConfig, type Index, type Manifest } from '../image/oci.js';
import { parseReference, type ImageReference } from '../image/reference.js';
import { pickManifest } from '../image/resolve.js';
import type { Store } from '../store/index.js';
import { RegistryClient } from './client.js';
import { endpointsFor } from './endpoint.js';
import { DEFAULT_RETRY, backoff, isRetryableNetworkError, networkError } from './http.js';
import { endpointOptions } from './settings.js';
import type { PullOptions, TransferEvent } from './types.js';
import { countBytes, endpointsError, mapLimit, withContext } from './util.js';
import { offerBlob } from '../store/lazy.js';

export interface PullResult {
  /** Normalised reference that was tagged: `docker.io/library/busybox:latest`. */
  ref: string;
  /** What the ref points at: the index for multi-platform images, else the manifest. */
  target: Descriptor;
  manifestDescriptor: Descriptor;
  config: ImageConfig;
}

export async function pullImage(store: Store, ref: string, opts: PullOptions = {}): Promise<PullResult> {
  try {
    const r = parseReference(ref);
    const endpoints = endpointsFor(r.domain, await endpointOptions(opts, opts.root ?? store.root));
    let mirrorError: unknown;
    for (const ep of endpoints) {
      const client = new RegistryClient(ep, { configPath: opts.configPath, signal: opts.signal });
      try {
        return await pullFrom(client, store, r, opts);
      } catch (e) {
        if (!ep.mirror) throw endpointsError(mirrorError, e);
        if (e instanceof DrydockError && (e.code === 'CANCELLED' || e.code === 'STORE')) throw e;
        mirrorError ??= e;
      }
    }
    throw mirrorError;
  } catch (e) {
    throw withContext(e, `pull ${ref}`);
  }
}

function parseJSON<T>(bytes: Buffer, what: string): T {
  try {
    return JSON.parse(bytes.toString('utf8')) as T;
  } catch {
    throw new DrydockError('FORMAT', `${what}: invalid JSON`);
  }
}

async function pullFrom(client: RegistryClient, store: Store, r: ImageReference, opts: PullOptions): Promise<PullResult> {
  const repo = r.path;
  const emit = (e: Omit<TransferEvent, 'direction'>) => opts.onProgress?.({ direction: 'pull', ...e });
  const top = await client.getManifest(repo, r.digest ?? r.tag ?? 'latest');
  const target = top.descriptor;
  emit({ phase: 'resolved', digest: target.digest, size: target.size, detail: r.toString() });

  let manifestDescriptor = target;
  let manifestBytes = top.bytes;
  if (isIndexMediaType(target.mediaType)) {
    const index = parseJSON<Index>(top.bytes, `${client.host}: index ${target.digest}`);
    manifestDescriptor = pickManifest(index, opts.platform ?? hostPlatform());
    const child = await client.getManifest(repo, manifestDescriptor.digest);
    manifestBytes = child.bytes;
  }
  if (!isManifestMediaType(manifestDescriptor.mediaType)) {
    throw new DrydockError('FORMAT', `${client.host}: unsupported manifest type ${manifestDescriptor.mediaType} (schema 1 images are not supported)`);
  }
  const manifest = parseJSON<Manifest>(manifestBytes, `${client.host}: manifest ${manifestDescriptor.digest}`);
  if (!manifest.config?.digest || !Array.isArray(manifest.layers)) {
    throw new DrydockError('FORMAT', `${client.host}: manifest ${manifestDescriptor.digest} has no config or layers`);
  }

  const lazy = !!opts.lazyLayers;
  const blobs = lazy ? [manifest.config] : [...manifest.layers, manifest.config];
  await mapLimit(blobs, opts.concurrency ?? 3, (d) => fetchBlob(client, store, repo, d, emit, opts.signal));
  if (lazy) {
    for (const d of manifest.layers) {
      if ((await store.content.size(d.digest)) === d.size) await store.leases.protect(d.digest);
      // fetched later, after the pull has reported done: no progress events then
      else offerBlob(store, d.digest, { fetch: () => fetchBlob(client, store, repo, d, () => {}, opts.signal), from: { host: client.host, repo } });
    }
  }

  await store.content.writeBytes(manifestBytes);
  emit({ phase: 'manifest', digest: manifestDescriptor.digest, size: manifestDescriptor.size });
  if (target.digest !== manifestDescriptor.digest) await store.content.writeBytes(top.bytes);
  if (opts.tag !== false && !lazy) await store.images.put(r.toString(), target);
  const config = await store.content.readJSON<ImageConfig>(manifest.config.digest);
  return { ref: r.toString(), target, manifestDescriptor, config };
}

async function fetchBlob(
  client: RegistryClient, store: Store, repo: string, d: Descriptor,
  emit: (e: Omit<TransferEvent, 'direction'>) => void, signal?: AbortSignal,
): Promise<void> {
  if ((await store.content.size(d.digest)) === d.size) {
    await store.leases.protect(d.digest); // keep it from a concurrent prune until the ref exists
    emit({ phase: 'exists', digest: d.digest, size: d.size });
    return;
  }
  emit({ phase: 'start', digest: d.digest, size: d.size });
  for (let attempt = 0; ; attempt++) {
    let body: Readable | undefined;
    try {
      body = await client.getBlob(repo, d.digest);
      const counted = countBytes(body, (n) => emit({ phase: 'progress', digest: d.digest, size: d.size, current: n }));
      await store.content.writeStream(counted, { digest: d.digest, size: d.size });
      emit({ phase: 'done', digest: d.digest, size: d.size, current: d.size });
      return;
    } catch (e) {
      body?.destroy();
      if (e instanceof DrydockError && e.code === 'DIGEST') {
        throw new DrydockError('DIGEST', `${client.host}: ${repo}@${d.digest}: ${e.message}`, { cause: e });
      }
      // A connection reset mid-body: start the blob again (Docker retries downloads too).
      const transient = isRetryableNetworkError(e) || (e instanceof DrydockError && e.cause !== undefined && isRetryableNetworkError(e.cause));
      if (transient && attempt + 1 < DEFAULT_RETRY.attempts) {
        await backoff(DEFAULT_RETRY, attempt, signal);
        continue;
      }
      throw networkError(client.host, e);
    }
  }
}
