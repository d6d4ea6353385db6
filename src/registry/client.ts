/**
 * RegistryClient: one registry endpoint, spoken to over the OCI distribution API. It owns the
 * scheme probe (`/v2/`), authentication (via Authorizer), redirects and retries; manifest and
 * blob methods on top return data or throw one-line DrydockErrors.
 */
import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import type { Dispatcher } from 'undici';
import { request } from './undici.js';
import type { IncomingHttpHeaders } from 'node:http';
import { DrydockError, type ErrorCode } from '../util/errors.js';
import { MediaType, type Descriptor, type Digest } from '../image/oci.js';
import { Authorizer, repositoryScope } from './auth/authorizer.js';
import { getCredentials } from './auth/dockerconfig.js';
import type { Credentials } from './auth/types.js';
import type { Endpoint } from './endpoint.js';
import {
  DEFAULT_RETRY, DEFAULT_TIMEOUT_MS, MAX_RETRY_AFTER_MS, Watchdog, afterAttempts, backoff, dispatcher, isRetryableNetworkError,
  isRetryableStatus, networkError, registryErrorText, retryAfterMs, RegistryHttpError, type RetryPolicy,
} from './http.js';
import { mountBlob, uploadBlob, type BlobSource, type UploadOptions } from './upload.js';

export const MANIFEST_ACCEPT = [MediaType.OciIndex, MediaType.OciManifest, MediaType.DockerManifestList, MediaType.DockerManifest].join(', ');
/** Docker refuses manifests over 4 MiB; so do we, rather than buffer something unbounded. */
const MAX_MANIFEST = 4 * 1024 * 1024;
const USER_AGENT = 'drydock/0.1';

export interface ClientOptions {
  configPath?: string;
  /** Use these instead of reading the Docker config (e.g. `drydock login` checking a password). */
  credentials?: Credentials;
  signal?: AbortSignal;
  retry?: RetryPolicy;
}

export type Method = 'GET' | 'HEAD' | 'PUT' | 'POST' | 'PATCH' | 'DELETE';

export interface SendRequest {
  method: Method;
  /** `/v2/...` relative to the endpoint, or an absolute URL (upload locations). */
  path: string | URL;
  scopes: string[];
  headers?: Record<string, string>;
  /** A factory, so a retried request can send the body again. */
  body?: () => Buffer | Readable;
  /** Retry on resets and 5xx (default true). Blob uploads retry a whole upload instead. */
  retry?: boolean;
  /** What this request does, for messages: `put manifest app:1`. */
  what?: string;
}

export interface RegistryResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: Dispatcher.ResponseData['body'];
  url: URL;
  /** Requests sent for this answer (more than 1 when resets or 5xx were retried). */
  attempts: number;
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);

export class RegistryClient {
  private base: Promise<string> | undefined;
  private readonly auth: Authorizer;
  private readonly retry: RetryPolicy;

  constructor(readonly endpoint: Endpoint, private readonly opts: ClientOptions = {}) {
    this.retry = opts.retry ?? DEFAULT_RETRY;
    this.auth = new Authorizer({
      host: endpoint.host,
      credentials: async () => opts.credentials ?? (await getCredentials(endpoint.domain, opts.configPath)),
      dispatcher: (url) => dispatcher(url.protocol !== 'https:' || endpoint.tlsVerify),
      signal: opts.signal,
      timeoutMs: endpoint.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    });
  }

  /** host[:port] as shown in messages. */
  get host(): string {
    return this.endpoint.host;
  }

  /** The idle timeout: a request with no byte either way for this long is stalled. */
  get timeoutMs(): number {
    return this.endpoint.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  }

  private get dispatcher(): Dispatcher {
    return dispatcher(this.endpoint.tlsVerify);
  }

  /** Probe `/v2/` once: picks the scheme and learns the auth challenge. Returns the base URL. */
  ping(): Promise<string> {
    this.base ??= this.probe().catch((e: unknown) => {
      this.base = undefined;
      throw e;
    });
    return this.base;
  }

  private async probe(): Promise<string> {
    let lastError: unknown;
    let tries = 0;
    for (const scheme of this.endpoint.schemes) {
      const base = `${scheme}://${this.endpoint.host}`;
      for (let attempt = 0; ; attempt++) {
        try {
          const res = await request(`${base}/v2/`, {
            method: 'GET', headers: { 'user-agent': USER_AGENT }, dispatcher: this.dispatcher, signal: this.opts.signal,
            headersTimeout: this.timeoutMs, bodyTimeout: this.timeoutMs,
          });
          await res.body.dump();
          if (isRetryableStatus(res.statusCode) && attempt + 1 < this.retry.attempts) {
            await backoff(this.retry, attempt, this.opts.signal);
            continue;
          }
          if (res.statusCode === 401) this.auth.setChallenge(res.headers['www-authenticate']);
          return base;
        } catch (e) {
          if (isRetryableNetworkError(e) && attempt + 1 < this.retry.attempts) {
            await backoff(this.retry, attempt, this.opts.signal);
            continue;
          }
          lastError = e;
          tries = attempt + 1;
          break; // next scheme (https -> http for insecure registries)
        }
      }
    }
    throw afterAttempts(networkError(this.host, lastError, undefined, this.timeoutMs), tries);
  }

  /** Send with auth, redirects and retries. 401/403 throw; every other status is returned. */
  async send(req: SendRequest): Promise<RegistryResponse> {
    const base = await this.ping();
    let url = typeof req.path === 'string' && req.path.startsWith('/') ? new URL(base + req.path) : new URL(req.path);
    let method = req.method;
    let body = req.body;
    let authRetried = false;
    let redirects = 0;
    for (let attempt = 0; ; ) {
      const headers: Record<string, string> = { 'user-agent': USER_AGENT, ...req.headers };
      // Credentials never follow a redirect to another origin (blob storage, CDNs).
      const ours = url.origin === new URL(base).origin;
      const authorization = ours ? await this.auth.header(req.scopes) : undefined;
      if (authorization) headers.authorization = authorization;
      let res: Dispatcher.ResponseData;
      // Our own idle timer until the answer's headers (undici's headersTimeout would also count
      // a long upload); undici's bodyTimeout from then on.
      const watchdog = new Watchdog(this.timeoutMs);
      const signal = this.opts.signal ? AbortSignal.any([this.opts.signal, watchdog.signal]) : watchdog.signal;
      try {
        const b = body?.();
        res = await request(url, {
          method, headers, body: b === undefined || Buffer.isBuffer(b) ? b : watchdog.tap(b), signal,
          headersTimeout: 0, bodyTimeout: this.timeoutMs,
          dispatcher: ours ? this.dispatcher : dispatcher(url.protocol !== 'https:' || this.endpoint.tlsVerify),
        });
      } catch (err) {
        const e = watchdog.fired ? watchdog.signal.reason : err;
        if (req.retry !== false && isRetryableNetworkError(e) && attempt + 1 < this.retry.attempts) {
          await backoff(this.retry, attempt++, this.opts.signal);
          continue;
        }
        throw afterAttempts(networkError(this.host, e, req.what, this.timeoutMs), attempt + 1);
      } finally {
        watchdog.clear();
      }
      const status = res.statusCode;
      if (REDIRECTS.has(status) && res.headers.location && redirects < 10) {
        await res.body.dump();
        url = new URL(String(res.headers.location), url);
        redirects++;
        if (status === 303) { method = method === 'HEAD' ? 'HEAD' : 'GET'; body = undefined; }
        continue;
      }
      if (status === 401 && ours) {
        const text = await res.body.text();
        const hadBearer = authorization?.startsWith('Bearer ') ?? false;
        this.auth.setChallenge(res.headers['www-authenticate']);
        if (!authRetried && (authorization === undefined || hadBearer)) {
          authRetried = true;
          this.auth.invalidate(req.scopes);
          const nowAuth = await this.auth.header(req.scopes);
          if (nowAuth !== undefined) continue;
        }
        throw await this.unauthorized(text, authorization, res.headers['www-authenticate']);
      }
      if (status === 403) {
        const { text } = registryErrorText(await res.body.text());
        throw new DrydockError('AUTH', `${this.host}: denied: ${text || 'requested access to the resource is denied'}`);
      }
      const wait = retryAfterMs(res.headers['retry-after']);
      if (req.retry !== false && isRetryableStatus(status) && attempt + 1 < this.retry.attempts && !(wait! > MAX_RETRY_AFTER_MS)) {
        await res.body.dump();
        await backoff(this.retry, attempt++, this.opts.signal, wait);
        continue;
      }
      return { status, headers: res.headers, body: res.body, url, attempts: attempt + 1 };
    }
  }

  private async unauthorized(body: string, authorization: string | undefined, challenge: string | string[] | undefined): Promise<DrydockError> {
    const { text } = registryErrorText(body);
    if (!(await this.auth.hasCredentials())) {
      return new DrydockError('AUTH', `${this.host}: unauthorized: ${text || 'authentication required'} (not logged in; run: drydock login ${this.endpoint.domain})`);
    }
    if (authorization?.startsWith('Basic ')) return new DrydockError('AUTH', `${this.host}: unauthorized: incorrect username or password`);
    const scopeError = /error="?insufficient_scope/.test(String(challenge ?? ''));
    return new DrydockError('AUTH', `${this.host}: ${scopeError ? 'denied: requested access to the resource is denied' : `unauthorized: ${text || 'authentication required'}`}`);
  }

  /** Throw the registry's error for an unexpected status (saying how often it was tried, and a long Retry-After). */
  async fail(res: RegistryResponse, what: string, code: ErrorCode = 'REGISTRY'): Promise<never> {
    const { text } = registryErrorText(await res.body.text().catch(() => ''));
    const wait = retryAfterMs(res.headers['retry-after']);
    const later = wait !== undefined && wait > MAX_RETRY_AFTER_MS ? ` (rate limited: retry after ${Math.ceil(wait / 1000)}s)` : '';
    const error = new RegistryHttpError(code, `${this.host}: ${what}: ${text || `HTTP ${res.status}`}${later}`, res.status, wait);
    throw afterAttempts(error, res.attempts);
  }

  /** Refuse an answer whose Docker-Content-Digest is not what we sent: the registry stored something else. */
  checkDigestHeader(res: RegistryResponse, expected: Digest, what: string): void {
    const got = headerValue(res.headers['docker-content-digest']);
    if (got !== undefined && got !== expected) {
      throw new DrydockError('DIGEST', `${this.host}: ${what}: the registry stored ${got} (Docker-Content-Digest), not ${expected}`);
    }
  }

  // ---- manifests ----

  async getManifest(repo: string, reference: string): Promise<{ bytes: Buffer; descriptor: Descriptor }> {
    const res = await this.send({ method: 'GET', path: `/v2/${repo}/manifests/${reference}`, scopes: [repositoryScope(repo, ['pull'])], headers: { accept: MANIFEST_ACCEPT } });
    if (res.status === 404) {
      await res.body.dump();
      throw new DrydockError('NOT_FOUND', `${this.host}: manifest for ${repo}${refSep(reference)}${reference} not found: manifest unknown`);
    }
    if (res.status !== 200) await this.fail(res, `get manifest ${repo}${refSep(reference)}${reference}`);
    const bytes = await readLimited(res.body, MAX_MANIFEST, `${this.host}: manifest ${repo}:${reference}`);
    const digest = sha256(bytes);
    if (reference.startsWith('sha256:') && reference !== digest) {
      throw new DrydockError('DIGEST', `${this.host}: manifest ${repo}@${reference}: digest mismatch (got ${digest})`);
    }
    return { bytes, descriptor: { mediaType: manifestMediaType(bytes, res.headers['content-type']), digest, size: bytes.length } };
  }

  /** The manifest's descriptor without its body (HEAD), or undefined when the registry has none. */
  async headManifest(repo: string, reference: string): Promise<Descriptor | undefined> {
    const res = await this.send({ method: 'HEAD', path: `/v2/${repo}/manifests/${reference}`, scopes: [repositoryScope(repo, ['pull'])], headers: { accept: MANIFEST_ACCEPT } });
    await res.body.dump();
    if (res.status === 404) return undefined;
    if (res.status !== 200) await this.fail(res, `head manifest ${repo}${refSep(reference)}${reference}`);
    const digest = headerValue(res.headers['docker-content-digest']);
    const type = headerValue(res.headers['content-type'])?.split(';')[0]?.trim();
    const size = Number(headerValue(res.headers['content-length']));
    if (digest?.startsWith('sha256:') && type && Number.isFinite(size)) return { mediaType: type, digest: digest as Digest, size };
    // Some registries omit the digest on HEAD: fall back to fetching the manifest.
    return (await this.getManifest(repo, reference)).descriptor;
  }

  async putManifest(repo: string, reference: string, bytes: Buffer, mediaType: string): Promise<Digest> {
    const what = `put manifest ${repo}${refSep(reference)}${reference}`;
    const res = await this.send({
      method: 'PUT', path: `/v2/${repo}/manifests/${reference}`, scopes: [repositoryScope(repo, ['pull', 'push'])],
      headers: { 'content-type': mediaType, 'content-length': String(bytes.length) }, body: () => bytes, what,
    });
    if (res.status !== 201 && res.status !== 200) await this.fail(res, what);
    await res.body.dump();
    const digest = sha256(bytes);
    this.checkDigestHeader(res, digest, what);
    return digest;
  }

  // ---- blobs ----

  /** The blob's size when the repository has it, else undefined. */
  async blobExists(repo: string, digest: Digest): Promise<number | undefined> {
    const res = await this.send({ method: 'HEAD', path: `/v2/${repo}/blobs/${digest}`, scopes: [repositoryScope(repo, ['pull'])], what: `head blob ${digest}` });
    await res.body.dump();
    if (res.status === 404) return undefined;
    if (res.status !== 200) await this.fail(res, `head blob ${digest}`);
    return Number(headerValue(res.headers['content-length']) ?? NaN);
  }

  /** A stream of the blob's bytes (unverified: the content store checks the digest as it writes). */
  async getBlob(repo: string, digest: Digest): Promise<Readable> {
    const res = await this.send({ method: 'GET', path: `/v2/${repo}/blobs/${digest}`, scopes: [repositoryScope(repo, ['pull'])] });
    if (res.status === 404) {
      await res.body.dump();
      throw new DrydockError('NOT_FOUND', `${this.host}: blob ${digest} not found in ${repo}: blob unknown`);
    }
    if (res.status !== 200) await this.fail(res, `get blob ${digest}`);
    return res.body;
  }

  uploadBlob(repo: string, desc: Descriptor, source: BlobSource, opts?: UploadOptions): Promise<void> {
    return uploadBlob(this, repo, desc, source, opts);
  }

  /** Cross-repository mount; false when the registry would rather have the bytes. */
  mountBlob(repo: string, digest: Digest, fromRepo: string): Promise<boolean> {
    return mountBlob(this, repo, digest, fromRepo);
  }
}

export function sha256(bytes: Buffer): Digest {
  return `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
}

function refSep(reference: string): string {
  return reference.includes(':') ? '@' : ':';
}

function headerValue(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v[0] : v;
}

/** The media type a manifest declares, else the Content-Type, else guessed from its shape. */
function manifestMediaType(bytes: Buffer, contentType: string | string[] | undefined): string {
  let parsed: { mediaType?: string; manifests?: unknown; config?: unknown } = {};
  try {
    parsed = JSON.parse(bytes.toString('utf8')) as typeof parsed;
  } catch {
    // left to the caller, which fails on invalid JSON with context
  }
  if (typeof parsed.mediaType === 'string' && parsed.mediaType) return parsed.mediaType;
  const ct = headerValue(contentType)?.split(';')[0]?.trim();
  if (ct && ct !== 'application/json' && ct !== 'text/plain') return ct;
  return Array.isArray(parsed.manifests) ? MediaType.OciIndex : MediaType.OciManifest;
}

async function readLimited(body: AsyncIterable<Buffer>, limit: number, what: string): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let n = 0;
  for await (const c of body) {
    n += c.length;
    if (n > limit) throw new DrydockError('REGISTRY', `${what}: larger than ${limit} bytes`);
    chunks.push(c);
  }
  return Buffer.concat(chunks);
}
