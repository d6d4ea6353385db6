/**
 * Streaming tar reader: an async generator of entries whose bodies stream from the source.
 * A body the consumer leaves unread is skipped when it asks for the next entry. Sparse files
 * (old GNU 'S' entries, PAX formats 0.1 and 1.0) come with their holes expanded into zeros, or,
 * with `sparse: 'segments'`, as their data segments and a map (what an extractor wants).
 */
import type { Readable } from 'node:stream';
import { DrydockError } from '../util/errors.js';
import {
  BLOCK, applyPax, checkSparse, decodeHeader, gnuSparse, gnuSparseExtension, isZeroBlock, padding, pairs, parsePax, paxSparse,
  type SparseSegment, type TarHeader,
} from './header.js';

export interface TarEntry {
  header: TarHeader;
  /** The entry's bytes; read it before asking for the next entry (or leave it to be skipped). */
  body: AsyncIterable<Buffer>;
}

const MAX_META = 16 << 20; // PAX / GNU long-name records larger than this are not plausible
const MAX_SPARSE_SEGMENTS = 1 << 20;

export interface ReadOptions {
  /** `expand` (default): a sparse file's body is its whole content; `segments`: its data segments, `header.sparse` the map. */
  sparse?: 'expand' | 'segments';
}

class ByteSource {
  private buf: Buffer = Buffer.alloc(0);
  private done = false;
  readonly it: AsyncIterator<Buffer | string>;
  consumed = 0;

  constructor(src: AsyncIterable<Buffer | string>) {
    this.it = src[Symbol.asyncIterator]();
  }

  /** The part of a chunk not yet in `buf` (see fill). */
  private rest: Buffer | undefined;

  async fill(n: number): Promise<boolean> {
    while (this.buf.length < n) {
      const chunk = this.rest ?? (await this.nextChunk());
      this.rest = undefined;
      if (!chunk) break;
      if (this.buf.length === 0) {
        this.buf = chunk;
        continue;
      }
      // Only what is missing is copied (a header straddling two chunks), not the whole next chunk.
      const need = n - this.buf.length;
      if (chunk.length > need) this.rest = chunk.subarray(need);
      this.buf = Buffer.concat([this.buf, chunk.subarray(0, need)]);
    }
    return this.buf.length >= n;
  }

  private async nextChunk(): Promise<Buffer | undefined> {
    if (this.done) return undefined;
    const r = await this.it.next();
    if (r.done) {
      this.done = true;
      return undefined;
    }
    return typeof r.value === 'string' ? Buffer.from(r.value) : r.value;
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

/** A size that is negative or not a whole number (a base-256 -1, a PAX `size=-5` or `1.5`) is refused, as Go refuses it. */
function checkSize(h: TarHeader): void {
  if (!Number.isSafeInteger(h.size) || h.size < 0) throw new DrydockError('FORMAT', `invalid size in tar header for ${JSON.stringify(h.name)}`);
}

function truncated(): DrydockError {
  return new DrydockError('FORMAT', 'unexpected end of tar archive (truncated?)');
}

export async function* readTar(src: Readable | AsyncIterable<Buffer>, opts: ReadOptions = {}): AsyncGenerator<TarEntry> {
  const s = new ByteSource(src);
  let finished = false;
  try {
    yield* entries(s, opts.sparse ?? 'expand');
    finished = true;
    // Read to the end: trailing padding, and so a verifying source gets to check its digest.
    while (!(await s.it.next()).done) {
      /* discard */
    }
  } finally {
    if (!finished) await s.it.return?.();
  }
}

async function* entries(s: ByteSource, sparseMode: 'expand' | 'segments'): AsyncGenerator<TarEntry> {
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
    checkSize(header);
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
    if (!'01234567\0S'.includes(typeflag)) {
      throw new DrydockError('FORMAT', `unsupported tar entry type ${JSON.stringify(typeflag)} for ${header.name}`);
    }
    // Old GNU sparse: the map is in the header and extension blocks after it.
    let sparse: { realSize: number; map?: SparseSegment[] } | undefined;
    if (typeflag === 'S') {
      const g = gnuSparse(block);
      const map = g.segments;
      for (let ext = g.extended; ext;) {
        const e = gnuSparseExtension(await s.exact(BLOCK));
        map.push(...e.segments);
        if (map.length > MAX_SPARSE_SEGMENTS) throw new DrydockError('FORMAT', 'tar sparse map too large');
        ext = e.extended;
      }
      sparse = { realSize: g.realSize, map };
    }
    if (longName !== undefined) header.name = longName;
    if (longLink !== undefined) header.linkname = longLink;
    const merged = globalPax.size ? new Map([...globalPax, ...pax]) : pax;
    if (merged.size) {
      applyPax(header, merged);
      checkSize(header);
      sparse = paxSparse(merged) ?? sparse;
    }
    pax = new Map();
    longName = longLink = undefined;
    // Only regular files carry data; other types are header-only whatever their size field says (as in Go).
    const size = header.type === 'file' ? header.size : 0;
    if (header.type !== 'file') {
      header.size = 0;
      sparse = undefined;
    }
    const startAt = s.consumed;
    if (sparse) {
      // PAX 1.0: the map leads the data, as decimal lines padded to a block.
      const map = sparse.map ?? (await readSparseMap(s));
      const stored = size - (s.consumed - startAt);
      if (map.reduce((a, m) => a + m.length, 0) !== stored) throw new DrydockError('FORMAT', `invalid sparse map for ${JSON.stringify(header.name)} in tar`);
      checkSparse(map, sparse.realSize, header.name);
      header.size = sparse.realSize;
      if (sparseMode === 'segments') yield { header: { ...header, sparse: map }, body: s.stream(stored) };
      else yield { header, body: expandHoles(s.stream(stored), map, sparse.realSize) };
      await s.skip(size - (s.consumed - startAt) + padding(size));
      continue;
    }
    yield { header, body: s.stream(size) };
    await s.skip(size - (s.consumed - startAt) + padding(size));
  }
}

/** The PAX 1.0 sparse map at the start of an entry's data: count, then offset/length pairs, one per line. */
async function readSparseMap(s: ByteSource): Promise<SparseSegment[]> {
  const nums: number[] = [];
  let want = -1;
  let line = '';
  while (want < 0 || nums.length < want * 2) {
    const block = await s.exact(BLOCK);
    for (const ch of block.toString('latin1')) {
      if (want >= 0 && nums.length >= want * 2) break;
      if (ch !== '\n') {
        if (line.length > 20 || !/[0-9]/.test(ch)) throw new DrydockError('FORMAT', 'invalid sparse map in tar');
        line += ch;
        continue;
      }
      const n = Number(line);
      line = '';
      if (want < 0) {
        if (!Number.isSafeInteger(n) || n > MAX_SPARSE_SEGMENTS) throw new DrydockError('FORMAT', 'invalid sparse map in tar');
        want = n;
      } else nums.push(n);
    }
  }
  return pairs(nums);
}

/** A sparse file's whole content: its segments with zeros in the holes. */
async function* expandHoles(data: AsyncIterable<Buffer>, map: SparseSegment[], realSize: number): AsyncGenerator<Buffer> {
  const it = data[Symbol.asyncIterator]();
  let pending: Buffer = Buffer.alloc(0);
  let pos = 0;
  const zeros = function* (n: number) {
    for (let left = n; left > 0; left -= 1 << 20) yield Buffer.alloc(Math.min(left, 1 << 20));
  };
  for (const seg of map) {
    yield* zeros(seg.offset - pos);
    let left = seg.length;
    while (left > 0) {
      if (pending.length === 0) {
        const r = await it.next();
        if (r.done) throw truncated();
        pending = r.value;
      }
      const chunk = pending.subarray(0, Math.min(left, pending.length));
      pending = pending.subarray(chunk.length);
      left -= chunk.length;
      yield chunk;
    }
    pos = seg.offset + seg.length;
  }
  yield* zeros(realSize - pos);
}
