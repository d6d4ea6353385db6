/**
 * Blob uploads (distribution spec "push"): POST to open a session, then either one PUT with
 * the whole blob (monolithic) or PATCHes of fixed-size ranges and a closing PUT (chunked).
 * A failed upload is retried from a fresh session: a half-written session cannot be trusted.
 * Every failure names the blob (`upload blob sha256:…: …`) and, when retried, the attempts made.
 */
import type { Readable } from 'node:stream';
import { DrydockError } from '../util/errors.js';
import type { Descriptor, Digest } from '../image/oci.js';
import { repositoryScope } from './auth/authorizer.js';
import type { RegistryClient, RegistryResponse } from './client.js';
import { countBytes } from './util.js';
import {
  DEFAULT_RETRY, MAX_RETRY_AFTER_MS, RegistryHttpError, afterAttempts, backoff, isRetryableNetworkError, isRetryableStatus,
} from './http.js';

/** Opens the blob's bytes, or a byte range of them (inclusive `end`, as in Content-Range). */
export type BlobSource = (range?: { start: number; end: number }) => Readable;

export interface UploadOptions {
  /** Upload in PATCH chunks of this many bytes when the blob is larger; else one PUT. */
  chunkSize?: number;
  /** Bytes sent so far for this blob. */
  onProgress?: (sent: number) => void;
  signal?: AbortSignal;
}

function location(res: RegistryResponse, what: string, host: string): URL {
  const loc = res.headers.location;
  const value = Array.isArray(loc) ? loc[0] : loc;
  if (!value) throw new DrydockError('REGISTRY', `${host}: ${what}: registry sent no upload location`);
  return new URL(value, res.url);
}

/** POST a new session; `retry: false` inside an upload, whose loop retries the whole upload (not 5 × 5 requests). */
async function openSession(client: RegistryClient, repo: string, what: string, query = '', extraScopes: string[] = [], retry = true): Promise<RegistryResponse> {
  return client.send({
    method: 'POST', path: `/v2/${repo}/blobs/uploads/${query}`,
    scopes: [repositoryScope(repo, ['pull', 'push']), ...extraScopes],
    headers: { 'content-length': '0' }, what, retry,
  });
}

export async function mountBlob(client: RegistryClient, repo: string, digest: Digest, fromRepo: string): Promise<boolean> {
  const query = `?mount=${encodeURIComponent(digest)}&from=${encodeURIComponent(fromRepo)}`;
  const res = await openSession(client, repo, `mount ${digest} from ${fromRepo}`, query, [repositoryScope(fromRepo, ['pull'])]);
  if (res.status === 201) {
    await res.body.dump();
    return true;
  }
  if (res.status === 202) {
    // The registry opened an ordinary upload instead; cancel it, the caller uploads afresh.
    await res.body.dump();
    const loc = location(res, `mount ${digest}`, client.host);
    const del = await client.send({ method: 'DELETE', path: loc, scopes: [repositoryScope(repo, ['pull', 'push'])], retry: false }).catch(() => undefined);
    await del?.body.dump();
    return false;
  }
  return client.fail(res, `mount ${digest} from ${fromRepo}`);
}

export async function uploadBlob(client: RegistryClient, repo: string, desc: Descriptor, source: BlobSource, opts: UploadOptions = {}): Promise<void> {
  const retry = DEFAULT_RETRY;
  for (let attempt = 0; ; attempt++) {
    try {
      await uploadOnce(client, repo, desc, source, opts);
      return;
    } catch (e) {
      const wait = e instanceof RegistryHttpError ? e.retryAfterMs : undefined;
      const transient = isRetryableNetworkError(e) || (e instanceof RegistryHttpError && isRetryableStatus(e.status))
        || (e instanceof DrydockError && e.cause !== undefined && isRetryableNetworkError(e.cause));
      if (!transient || attempt + 1 >= retry.attempts || wait! > MAX_RETRY_AFTER_MS) throw afterAttempts(e, attempt + 1);
      await backoff(retry, attempt, opts.signal, wait);
    }
  }
}

async function uploadOnce(client: RegistryClient, repo: string, desc: Descriptor, source: BlobSource, opts: UploadOptions): Promise<void> {
  const scopes = [repositoryScope(repo, ['pull', 'push'])];
  const what = `upload blob ${desc.digest}`;
  const start = await openSession(client, repo, what, '', [], false);
  if (start.status !== 202) await client.fail(start, what);
  await start.body.dump();
  let loc = location(start, what, client.host);
  const progress = (base: number, n: number) => opts.onProgress?.(base + n);

  const chunk = opts.chunkSize;
  if (chunk && chunk > 0 && desc.size > chunk) {
    for (let offset = 0; offset < desc.size; offset += chunk) {
      const end = Math.min(offset + chunk, desc.size) - 1;
      const res = await client.send({
        method: 'PATCH', path: loc, scopes, retry: false, what,
        headers: { 'content-type': 'application/octet-stream', 'content-range': `${offset}-${end}`, 'content-length': String(end - offset + 1) },
        body: () => countBytes(source({ start: offset, end }), (n) => progress(offset, n)),
      });
      if (res.status !== 202) await client.fail(res, `${what} (bytes ${offset}-${end})`);
      await res.body.dump();
      loc = location(res, what, client.host);
    }
    loc.searchParams.set('digest', desc.digest);
    const done = await client.send({ method: 'PUT', path: loc, scopes, retry: false, headers: { 'content-length': '0' }, what });
    if (done.status !== 201) await client.fail(done, what, done.status === 400 ? 'DIGEST' : 'REGISTRY');
    await done.body.dump();
    client.checkDigestHeader(done, desc.digest, what);
    return;
  }

  loc.searchParams.set('digest', desc.digest);
  const res = await client.send({
    method: 'PUT', path: loc, scopes, retry: false, what,
    headers: { 'content-type': 'application/octet-stream', 'content-length': String(desc.size) },
    body: () => countBytes(source(), (n) => progress(0, n)),
  });
  if (res.status !== 201) await client.fail(res, what, res.status === 400 ? 'DIGEST' : 'REGISTRY');
  await res.body.dump();
  client.checkDigestHeader(res, desc.digest, what);
}
