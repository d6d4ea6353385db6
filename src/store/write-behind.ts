/**
 * A file writer for big blobs that flushes behind itself: every `every` bytes it starts an
 * fdatasync in the background, so the disk writes while the producer (tar, gzip, a download)
 * keeps going, and the fsync that ends the file finds little left to do. Writing a 1 GiB layer
 * then costs max(produce, disk) instead of produce + disk. The file is durable when the stream
 * finishes, exactly as with write-then-fsync.
 */
import { open, type FileHandle } from 'node:fs/promises';
import { Writable } from 'node:stream';

const EVERY = 8 << 20;

export class WriteBehindFile extends Writable {
  private fh?: FileHandle;
  private unsynced = 0;
  private flushing?: Promise<void>;
  private flushError?: unknown;

  constructor(private readonly path: string, private readonly mode = 0o644, private readonly every = EVERY) {
    super({ highWaterMark: 1 << 20 });
  }

  override _construct(cb: (e?: Error | null) => void): void {
    open(this.path, 'wx', this.mode).then((fh) => { this.fh = fh; cb(); }, cb);
  }

  override _write(chunk: Buffer, _enc: BufferEncoding, cb: (e?: Error | null) => void): void {
    this.writeAll([chunk]).then(() => cb(), cb);
  }

  override _writev(chunks: Array<{ chunk: Buffer }>, cb: (e?: Error | null) => void): void {
    this.writeAll(chunks.map((c) => c.chunk)).then(() => cb(), cb);
  }

  override _final(cb: (e?: Error | null) => void): void {
    (async () => {
      await this.flushing;
      if (this.flushError) throw this.flushError;
      await this.fh!.sync();
    })().then(() => cb(), cb);
  }

  override _destroy(err: Error | null, cb: (e?: Error | null) => void): void {
    (async () => {
      await this.flushing;
      await this.fh?.close();
    })().then(() => cb(err), (e: Error) => cb(err ?? e));
  }

  private async writeAll(bufs: Buffer[]): Promise<void> {
    if (this.flushError) throw this.flushError;
    let total = bufs.reduce((n, b) => n + b.length, 0);
    const size = total;
    while (total > 0) {
      const { bytesWritten } = await this.fh!.writev(bufs);
      total -= bytesWritten;
      if (total > 0) bufs = skip(bufs, bytesWritten); // a short write (rare on regular files)
    }
    this.unsynced += size;
    if (this.unsynced >= this.every && !this.flushing) {
      this.unsynced = 0;
      this.flushing = this.fh!.datasync().catch((e: unknown) => { this.flushError = e; }).finally(() => { this.flushing = undefined; });
    }
  }
}

function skip(bufs: Buffer[], n: number): Buffer[] {
  const out: Buffer[] = [];
  for (const b of bufs) {
    if (n >= b.length) { n -= b.length; continue; }
    out.push(n > 0 ? b.subarray(n) : b);
    n = 0;
  }
  return out;
}
