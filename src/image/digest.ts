/** sha256 digests: validation and hashing helpers shared by the store and the image model. */
import { createHash, type Hash } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';
import { DrydockError } from '../util/errors.js';
import type { Digest } from './oci.js';

const DIGEST_RE = /^sha256:[a-f0-9]{64}$/;

export function isDigest(s: unknown): s is Digest {
  return typeof s === 'string' && DIGEST_RE.test(s);
}

/** Validates `s` as a sha256 digest; anything else is a user error (bad flag, bad archive). */
export function parseDigest(s: string, code: 'USAGE' | 'FORMAT' = 'FORMAT'): Digest {
  if (isDigest(s)) return s;
  if (/^[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[a-fA-F0-9]{32,}$/.test(s)) {
    throw new DrydockError(code, `unsupported digest ${JSON.stringify(s)}: only lowercase sha256 digests are supported`);
  }
  throw new DrydockError(code, `invalid digest ${JSON.stringify(s)}`);
}

export function sha256(data: Buffer | string): Digest {
  return `sha256:${createHash('sha256').update(data).digest('hex')}`;
}

export function digestHex(d: Digest): string {
  return d.slice('sha256:'.length);
}

/** A pass-through stream that hashes and counts what flows through it. */
export class HashingStream extends Transform {
  private readonly hash: Hash = createHash('sha256');
  size = 0;
  private result?: Digest;

  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
    this.hash.update(chunk);
    this.size += chunk.length;
    cb(null, chunk);
  }

  /** Valid once the stream has ended. */
  digest(): Digest {
    this.result ??= `sha256:${this.hash.digest('hex')}`;
    return this.result;
  }
}
