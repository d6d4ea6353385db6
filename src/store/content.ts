/**
 * The content store: blobs addressed by sha256 under <root>/blobs/sha256/<hex>. Every blob is
 * written to <root>/tmp, verified, fsynced and renamed into place, so a blob that exists is
 * complete. Reads verify the digest as the bytes go by.
 */
import { createReadStream } from 'node:fs';
import { open, readdir, readFile, rename, stat, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { Transform, type Readable, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createHash } from 'node:crypto';
import { DrydockError } from '../util/errors.js';
import type { Digest } from '../image/oci.js';
import { HashingStream, digestHex, isDigest, sha256 } from '../image/digest.js';
import { isNotFound, storeError, tempPath } from './fsutil.js';
import { WriteBehindFile } from './write-behind.js';

/** Called before a blob becomes visible (or is reused): protects it from a concurrent GC. */
export interface WriteGuard {
  protect(d: Digest): Promise<void>;
}

export class ContentStore {
  readonly dir: string;

  constructor(root: string, private readonly tmpDir: string, private readonly guard: WriteGuard) {
    this.dir = join(root, 'blobs', 'sha256');
  }

  path(d: Digest): string {
    if (!isDigest(d)) throw new DrydockError('FORMAT', `invalid digest ${JSON.stringify(d)}`);
    return join(this.dir, digestHex(d));
  }

  async has(d: Digest): Promise<boolean> {
    return (await this.size(d)) !== undefined;
  }

  async size(d: Digest): Promise<number | undefined> {
    try {
      return (await stat(this.path(d))).size;
    } catch (e) {
      if (isNotFound(e)) return undefined;
      throw e;
    }
  }

  /** Streams a blob; the stream errors (code DIGEST) at its end if the bytes do not match. */
  createReadStream(d: Digest): Readable {
    const verify = new VerifyStream(d);
    const src = createReadStream(this.path(d));
    src.on('error', (e) => verify.destroy(isNotFound(e) ? missing(d) : e));
    return src.pipe(verify);
  }

  async readBytes(d: Digest): Promise<Buffer> {
    let data: Buffer;
    try {
      data = await readFile(this.path(d));
    } catch (e) {
      throw isNotFound(e) ? missing(d) : e;
    }
    if (sha256(data) !== d) throw corrupt(d);
    return data;
  }

  async readJSON<T>(d: Digest): Promise<T> {
    const data = await this.readBytes(d);
    try {
      return JSON.parse(data.toString('utf8')) as T;
    } catch {
      throw new DrydockError('FORMAT', `blob ${d} is not valid JSON`);
    }
  }

  async writeBytes(data: Buffer | string): Promise<{ digest: Digest; size: number }> {
    const buf = typeof data === 'string' ? Buffer.from(data) : data;
    const digest = sha256(buf);
    await this.guard.protect(digest);
    if ((await this.size(digest)) === buf.length) return { digest, size: buf.length };
    const tmp = tempPath(this.tmpDir, 'blob');
    try {
      const fh = await open(tmp, 'wx', 0o644);
      try {
        await fh.writeFile(buf);
        await fh.sync();
      } finally {
        await fh.close();
      }
      await rename(tmp, this.path(digest));
    } catch (e) {
      await unlink(tmp).catch(() => {});
      throw storeError(e, `writing blob ${digest}`);
    }
    return { digest, size: buf.length };
  }

  /** Canonical bytes: compact JSON, as written and as hashed. */
  async writeJSON(obj: unknown): Promise<{ digest: Digest; size: number; bytes: Buffer }> {
    const bytes = Buffer.from(JSON.stringify(obj));
    return { ...(await this.writeBytes(bytes)), bytes };
  }

  /** Streams `src` into the store; with `expected`, a mismatch throws DIGEST and stores nothing. */
  async writeStream(src: Readable, expected: { digest?: Digest; size?: number } = {}): Promise<{ digest: Digest; size: number }> {
    const tmp = tempPath(this.tmpDir, 'blob');
    const hasher = new HashingStream();
    try {
      // Synced as it goes and at its end (WriteBehindFile), before it is renamed into place.
      await pipeline(src, hasher, new WriteBehindFile(tmp));
      const digest = hasher.digest();
      const size = hasher.size;
      if (expected.size !== undefined && expected.size !== size) {
        throw new DrydockError('DIGEST', `size mismatch for ${expected.digest ?? digest}: expected ${expected.size} bytes, got ${size}`);
      }
      if (expected.digest !== undefined && expected.digest !== digest) {
        throw new DrydockError('DIGEST', `digest mismatch: expected ${expected.digest}, got ${digest}`);
      }
      await this.guard.protect(digest);
      await rename(tmp, this.path(digest));
      return { digest, size };
    } catch (e) {
      await unlink(tmp).catch(() => {});
      throw storeError(e, 'writing a blob to the store');
    }
  }

  async delete(d: Digest): Promise<void> {
    await unlink(this.path(d)).catch((e) => {
      if (!isNotFound(e)) throw e;
    });
  }

  async *list(): AsyncIterable<Digest> {
    let names: string[];
    try {
      names = await readdir(this.dir);
    } catch (e) {
      if (isNotFound(e)) return;
      throw e;
    }
    for (const n of names) {
      const d = `sha256:${n}`;
      if (isDigest(d)) yield d;
    }
  }
}

function missing(d: Digest): DrydockError {
  return new DrydockError('NOT_FOUND', `blob ${d} not found in the store`);
}

function corrupt(d: Digest): DrydockError {
  return new DrydockError('DIGEST', `blob ${d} is corrupt (content does not match its digest); run 'drydock fsck --repair'`);
}

/** Passes bytes through and fails at the end if they do not hash to `expected`. */
class VerifyStream extends Transform {
  private readonly hash = createHash('sha256');

  constructor(private readonly expected: Digest) {
    super();
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
    this.hash.update(chunk);
    cb(null, chunk);
  }

  override _flush(cb: TransformCallback): void {
    const got = `sha256:${this.hash.digest('hex')}`;
    cb(got === this.expected ? null : corrupt(this.expected));
  }
}
