/**
 * Streaming tar reader: an async generator of entries whose bodies stream from the source.
 * A body the consumer leaves unread is skipped when it asks for the next entry.
 */
import type { Readable } from 'node:stream';
import { DrydockError } from '../../util/errors.js';
import { BLOCK, applyPax, decodeHeader, isZeroBlock, padding, parsePax, type TarHeader } from './header.js';

export interface TarEntry {
  header: TarHeader;
  /** The entry's bytes; read it before asking for the next entry (or leave it to be skipped). */
  body: AsyncIterable<Buffer>;
}

const MAX_META = 16 << 20; // PAX / GNU long-name records larger than this are not plausible

class ByteSource {
  private buf: Buffer = Buffer.alloc(0);
  private done = false;
  readonly it: AsyncIterator<Buffer | string>;
  consumed = 0;

  constructor(src: AsyncIterable<Buffer | string>) {
    this.it = src[Symbol.asyncIterator]();
  }

  async fill(n: number): Promise<boolean> {
    while (this.buf.length < n && !this.done) {
      const r = await this.it.next();
      if (r.done) this.done = true;
      else {
        const chunk = typeof r.value === 'string' ? Buffer.from(r.value) : r.value;
        this.buf = this.buf.length ? Buffer.concat([this.buf, chunk]) : chunk;
      }
    }
    return this.buf.length >= n;
  }

  get available(): number {
    return this.buf.length;
  }

  take(n: number): Buffer {
    const out = this.buf.subarray(0, n);
    this.buf = this.buf.subarray(n);
    this.consumed += out.length;
    return out;
  }

  /** Reads up to `n` bytes as they arrive. */
  async *stream(n: number): AsyncGenerator<Buffer> {
    let left = n;
    while (left > 0) {
      if (this.buf.length === 0 && !(await this.fill(1))) throw truncated();
      const chunk = this.take(Math.min(left, this.buf.length));
      left -= chunk.length;
      yield chunk;
    }
  }

  async exact(n: number): Promise<Buffer> {
    if (!(await this.fill(n))) throw truncated();
    return Buffer.from(this.take(n));
  }

  async skip(n: number): Promise<void> {
    for await (const _ of this.stream(n)) {
      /* discard */
    }
  }
}

function truncated(): DrydockError {
  return new DrydockError('FORMAT', 'unexpected end of tar archive (truncated?)');
}

export async function* readTar(src: Readable | AsyncIterable<Buffer>): AsyncGenerator<TarEntry> {
  const s = new ByteSource(src);
  let finished = false;
  try {
    yield* entries(s);
    finished = true;
    // Read to the end: trailing padding, and so a verifying source gets to check its digest.
    while (!(await s.it.next()).done) {
      /* discard */
    }
  } finally {
    if (!finished) await s.it.return?.();
  }
}

async function* entries(s: ByteSource): AsyncGenerator<TarEntry> {
  let pax = new Map<string, Buffer>();
  const globalPax = new Map<string, Buffer>();
  let longName: string | undefined;
  let longLink: string | undefined;
  let first = true;
  for (;;) {
    if (!(await s.fill(BLOCK))) {
      if (s.available === 0 && !first) return; // EOF at a header boundary: tolerated like Go's reader
      if (first) throw new DrydockError('FORMAT', s.available === 0 ? 'empty archive' : 'not a tar archive');
      throw truncated();
    }
    const block = s.take(BLOCK);
    if (isZeroBlock(block)) return;
    let raw;
    try {
      raw = decodeHeader(block);
    } catch (e) {
      if (first) throw new DrydockError('FORMAT', 'not a tar archive');
      throw e;
    }
    first = false;
    const { typeflag, header } = raw;
    const metaSize = header.size + padding(header.size);
    if (typeflag === 'x' || typeflag === 'g' || typeflag === 'L' || typeflag === 'K') {
      if (header.size > MAX_META) throw new DrydockError('FORMAT', 'tar extended header too large');
      const data = (await s.exact(metaSize)).subarray(0, header.size);
      if (typeflag === 'x') pax = parsePax(data);
      else if (typeflag === 'g') for (const [k, v] of parsePax(data)) globalPax.set(k, v);
      else {
        const str = data.toString('utf8').replace(/\0.*$/s, '');
        if (typeflag === 'L') longName = str;
        else longLink = str;
      }
      continue;
    }
    if (!'01234567\0'.includes(typeflag)) {
      throw new DrydockError('FORMAT', `unsupported tar entry type ${JSON.stringify(typeflag)} for ${header.name}`);
    }
    if (longName !== undefined) header.name = longName;
    if (longLink !== undefined) header.linkname = longLink;
    if (globalPax.size) applyPax(header, globalPax);
    if (pax.size) applyPax(header, pax);
    pax = new Map();
    longName = longLink = undefined;
    // Only regular files carry data; other types are header-only whatever their size field says (as in Go).
    const size = header.type === 'file' ? header.size : 0;
    if (header.type !== 'file') header.size = 0;
    const startAt = s.consumed;
    yield { header, body: s.stream(size) };
    await s.skip(size - (s.consumed - startAt) + padding(size));
  }
}
