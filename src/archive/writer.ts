/** Streaming tar writer with backpressure: entries go out as a Readable, bodies are never buffered. */
import { once } from 'node:events';
import { PassThrough, type Readable } from 'node:stream';
import { DrydockError } from '../util/errors.js';
import { BLOCK, encodeHeader, padding, sparseMap, type TarHeader } from './header.js';

export class TarWriter {
  /** The archive bytes; pipe this somewhere before adding entries. */
  readonly output: PassThrough = new PassThrough({ highWaterMark: 1 << 20 });

  private async write(b: Buffer): Promise<void> {
    if (this.output.destroyed) throw new DrydockError('CANCELLED', 'tar output closed');
    if (!this.output.write(b)) {
      // Whichever of the two comes first, the other's listeners (and its `error` listener) go
      // too: exporting an image's filesystem waits here thousands of times on the one stream.
      const ac = new AbortController();
      await Promise.race([once(this.output, 'drain', { signal: ac.signal }), once(this.output, 'close', { signal: ac.signal })]).finally(() => ac.abort());
    }
  }

  /**
   * Adds one entry; `body` must yield exactly `header.size` bytes (regular files only), or for a
   * sparse file (`header.sparse`) its data segments, which are stored in PAX sparse format 1.0.
   */
  async add(header: TarHeader, body?: Readable | AsyncIterable<Buffer> | Buffer): Promise<void> {
    const encoded = encodeHeader(header);
    await this.write(encoded);
    if (header.type !== 'file') return;
    const expected = header.sparse ? header.sparse.reduce((a, s) => a + s.length, 0) : header.size;
    // The sparse map went out with the header: it counts towards the entry's padding.
    const stored = header.sparse ? expected + sparseMap(header.sparse).length : header.size;
    let n = 0;
    if (body) {
      const chunks: AsyncIterable<Buffer> | Buffer[] = Buffer.isBuffer(body) ? [body] : body;
      for await (const chunk of chunks) {
        n += chunk.length;
        if (n > expected) throw new DrydockError('INTERNAL', `${header.name}: file grew while being archived`);
        await this.write(chunk);
      }
    }
    if (n !== expected) throw new DrydockError('INTERNAL', `${header.name}: expected ${expected} bytes, got ${n} (file changed while being archived?)`);
    const pad = padding(stored);
    if (pad) await this.write(Buffer.alloc(pad));
  }

  /** Writes the end-of-archive marker and ends the output. */
  async finish(): Promise<void> {
    await this.write(Buffer.alloc(BLOCK * 2));
    this.output.end();
  }

  /** Aborts the output with an error (the consumer sees it). */
  abort(e: unknown): void {
    this.output.destroy(e instanceof Error ? e : new Error(String(e)));
  }
}

/** Runs `produce` against a new writer and returns its output stream; errors abort the stream. */
export function tarStream(produce: (w: TarWriter) => Promise<void>): Readable {
  const w = new TarWriter();
  produce(w).then(() => w.finish()).catch((e) => w.abort(e));
  return w.output;
}
