/**
 * ADD <http(s) URL>: download to a scratch file named after the URL path's last element
 * (`__unnamed__` when it has none; the Dockerfile frontend names it, so Content-Disposition is
 * not used), mode 0600, mtime from Last-Modified (else the epoch), verify --checksum, then copy
 * it like any file (never extracted).
 */
import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm, utimes } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { DrydockError } from '../util/errors.js';
import { copyInto } from './copy.js';
import { baseName } from './paths.js';

export interface FetchOptions {
  checksum?: string;
  chown?: string;
  chmod?: string;
  signal?: AbortSignal;
}

const ALGOS: Record<string, { node: string; hexLen: number }> = {
  sha256: { node: 'sha256', hexLen: 64 },
  sha384: { node: 'sha384', hexLen: 96 },
  sha512: { node: 'sha512', hexLen: 128 },
};

function parseChecksum(checksum: string): { algo: string; hex: string } {
  const colon = checksum.indexOf(':');
  const algo = colon < 0 ? '' : checksum.slice(0, colon);
  const hex = checksum.slice(colon + 1);
  const spec = ALGOS[algo];
  if (colon < 0) throw new DrydockError('USAGE', `invalid checksum digest format: ${checksum}`);
  if (!spec) throw new DrydockError('USAGE', `unsupported digest algorithm: ${algo}`);
  if (!/^[a-f0-9]+$/.test(hex) || hex.length !== spec.hexLen) throw new DrydockError('USAGE', `invalid checksum digest length: ${checksum}`);
  return { algo, hex };
}

/** The file name BuildKit's Dockerfile frontend gives a URL source. */
export function urlFileName(url: string): string {
  try {
    const base = baseName(decodeURIComponent(new URL(url).pathname));
    if (base !== '.' && base !== '..' && base !== '/' && base !== '') return base;
  } catch {
    // unparsable URL: fall through
  }
  return '__unnamed__';
}

export async function fetchURL(url: string, destRoot: string, dest: string, opts: FetchOptions = {}): Promise<void> {
  const want = opts.checksum ? parseChecksum(opts.checksum) : undefined;
  let res: Response;
  try {
    // undici's own fetch, through the pool that trusts the CAs drydock defers (util/tls-trust.ts).
    const [{ fetch }, { dispatcher }] = await Promise.all([import('undici'), import('../registry/http.js')]);
    res = await fetch(url, { signal: opts.signal, redirect: 'follow', dispatcher: dispatcher(true) }) as unknown as Response;
  } catch (e) {
    if (opts.signal?.aborted) throw new DrydockError('CANCELLED', `download of ${url} cancelled`, { cause: e });
    throw new DrydockError('NOT_FOUND', `failed to load ${url}: ${(e as Error).cause ?? (e as Error).message}`, { cause: e });
  }
  if (res.status < 200 || res.status >= 400 || !res.body) {
    await res.body?.cancel();
    throw new DrydockError('NOT_FOUND', `failed to load ${url}: invalid response status ${res.status}`);
  }
  const dir = await mkdtemp(`${tmpdir()}/drydock-url-`);
  try {
    const name = urlFileName(url);
    const file = `${dir}/${name}`;
    const hash = createHash(ALGOS[want?.algo ?? 'sha256']!.node);
    const tee = new Transform({
      transform(chunk: Buffer, _enc, cb) {
        hash.update(chunk);
        cb(null, chunk);
      },
    });
    await pipeline(Readable.fromWeb(res.body as import('node:stream/web').ReadableStream), tee, createWriteStream(file, { mode: 0o600 }), {
      signal: opts.signal,
    });
    const got = hash.digest('hex');
    if (want && got !== want.hex) {
      throw new DrydockError('DIGEST', `digest mismatch for ${url}: ${want.algo}:${got} (expected: ${opts.checksum})`);
    }
    const lastModified = res.headers.get('last-modified');
    const parsed = lastModified ? Date.parse(lastModified) : NaN;
    const mtime = Number.isNaN(parsed) ? 0 : parsed / 1000;
    await utimes(file, mtime, mtime);
    await copyInto({ srcRoot: dir, sources: ['/' + name], dest, destRoot, chown: opts.chown, chmod: opts.chmod, followSymlinksInSource: false, allowWildcards: false });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
