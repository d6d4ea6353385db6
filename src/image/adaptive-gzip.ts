/**
 * gzip that does not spend time on what will not compress, and uses every core on what will.
 * The input is cut into fixed 1 MiB blocks. Runs of blocks whose bytes look random (compressed
 * files, encrypted or random data) become gzip members of stored deflate blocks, written here at
 * copy speed; the other runs go through zlib at the asked level (which on random data burns
 * ~40 ms of CPU per MiB to save nothing). A compressible run is one gzip member made as pigz
 * makes it: its 128 KiB pieces are deflated at once on libuv's thread pool, each primed with the
 * 32 KiB of input before it (so the ratio is a single stream's, within a fraction of a percent)
 * and ended with a sync flush, so the pieces concatenate into one deflate stream. Concatenated
 * members are one valid gzip stream (RFC 1952 §2.2, read by Go, containerd, Docker, pigz, Node,
 * Python — eStargz layers rely on it too). Decisions and pieces depend on the bytes' offsets
 * only, so equal input gives equal output whatever the stream's chunking or the threads' timing.
 */
import { Transform, type TransformCallback } from 'node:stream';
import * as zlib from 'node:zlib';

export const GZIP_BLOCK = 1 << 20;
/** The pieces of a compressible block deflated in parallel, and the window each is primed with. */
const PIECE = 128 * 1024;
const WINDOW = 32 * 1024;
/**
 * Pieces in flight at most: two blocks' worth, so the next block's pieces are queued before the
 * last of this one's finish (with one block's worth, a layer's short last block waited for its
 * first piece: ~4 ms of one idle core at the end of a 1.3 MB layer). The thread pool runs 4 at once.
 */
const IN_FLIGHT = 2 * (GZIP_BLOCK / PIECE);
const SAMPLE = 16 * 1024;
/** A trial compression saving less than this fraction means: store the block. */
const MIN_SAVING = 0.02;
const STORED_MAX = 0xffff;
/** ID1 ID2 CM=deflate FLG=0 MTIME=0 XFL=0 OS=unix, as zlib writes it. */
const MEMBER_HEADER = Buffer.from([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3]);
/** An empty final stored block: BFINAL=1 BTYPE=00, LEN=0, NLEN=0xffff. */
const FINAL_BLOCK = Buffer.from([1, 0, 0, 0xff, 0xff]);

/**
 * True when the block will not compress: a quick trial deflate of a sample from its middle saves
 * almost nothing. (~0.1-0.3 ms of native code per block; a byte-entropy pre-check in JS costs
 * more than that while a one-shot CLI still runs it in the interpreter, and misses data that
 * repeats within the window anyway.)
 */
export function looksIncompressible(block: Buffer): boolean {
  if (block.length < SAMPLE * 4) return false;
  const mid = Math.floor((block.length - SAMPLE) / 2);
  const sample = block.subarray(mid, mid + SAMPLE);
  return zlib.deflateRawSync(sample, { level: 1 }).length > sample.length * (1 - MIN_SAVING);
}

/** CRC-32 (gzip's): zlib's native one where Node has it (20.15+), else a table-driven loop. */
export function crc32(data: Buffer, value = 0): number {
  // Looked up here, not at load: zlib then loads only when something is compressed.
  const native = (zlib as { crc32?: (d: Buffer, v: number) => number }).crc32;
  return native ? native(data, value) : crc32Table(data, value);
}

let table: Int32Array | undefined;
export function crc32Table(data: Buffer, value = 0): number {
  if (!table) {
    table = new Int32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      table[n] = c;
    }
  }
  let c = ~value;
  for (let i = 0; i < data.length; i++) c = table[(c ^ data[i]!) & 0xff]! ^ (c >>> 8);
  return ~c >>> 0;
}

export class AdaptiveGzip extends Transform {
  private readonly parts: Buffer[] = [];
  private partBytes = 0;
  /** The open deflated member (a run of compressible blocks): its CRC, length, the input's last window, pieces in flight. */
  private deflated?: { crc: number; size: number; window: Buffer; pending: Array<Promise<Buffer>> };
  /** The open stored member: its CRC and length so far. */
  private stored?: { crc: number; size: number };
  private started = false;

  constructor(private readonly level: number = zlib.constants.Z_DEFAULT_COMPRESSION) {
    super();
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
    this.parts.push(chunk);
    this.partBytes += chunk.length;
    this.drain(GZIP_BLOCK).then(() => cb(), cb);
  }

  override _flush(cb: TransformCallback): void {
    (async () => {
      await this.drain(1);
      if (!this.started) this.openDeflated(); // empty input: an empty member
      this.closeStored();
      await this.closeDeflated();
    })().then(() => cb(), cb);
  }

  /** Encodes whole blocks while at least `min` bytes wait (1 at the end: the short last block too). */
  private async drain(min: number): Promise<void> {
    while (this.partBytes >= min && this.partBytes > 0) {
      const all = this.parts.length === 1 ? this.parts[0]! : Buffer.concat(this.parts);
      const block = all.subarray(0, Math.min(GZIP_BLOCK, all.length));
      this.parts.length = 0;
      if (all.length > block.length) this.parts.push(all.subarray(block.length));
      this.partBytes = all.length - block.length;
      this.started = true;
      if (looksIncompressible(block)) {
        await this.closeDeflated();
        this.store(block);
      } else {
        this.closeStored();
        await this.deflate(block);
      }
    }
  }

  private openDeflated(): NonNullable<AdaptiveGzip['deflated']> {
    this.push(MEMBER_HEADER);
    this.deflated = { crc: 0, size: 0, window: Buffer.alloc(0), pending: [] };
    return this.deflated;
  }

  /** Starts the block's pieces on the thread pool; pushes finished ones in order while too many are in flight. */
  private async deflate(block: Buffer): Promise<void> {
    const m = this.deflated ?? this.openDeflated();
    m.crc = crc32(block, m.crc);
    m.size = (m.size + block.length) % 2 ** 32;
    for (let off = 0; off < block.length; off += PIECE) {
      const piece = block.subarray(off, off + PIECE);
      const opts: zlib.ZlibOptions = { level: this.level, finishFlush: zlib.constants.Z_SYNC_FLUSH };
      if (m.window.length > 0) opts.dictionary = m.window;
      const job = new Promise<Buffer>((resolve, reject) => zlib.deflateRaw(piece, opts, (e, out) => (e ? reject(e) : resolve(out))));
      job.catch(() => { /* awaited in order below; a failure surfaces there */ });
      m.pending.push(job);
      // The next piece's window: the last 32 KiB of input so far (copied: the block's memory is reused upstream).
      m.window = piece.length >= WINDOW ? Buffer.from(piece.subarray(piece.length - WINDOW)) : Buffer.concat([m.window, piece]).subarray(-WINDOW);
      while (m.pending.length > IN_FLIGHT) this.push(await m.pending.shift()!);
    }
  }

  private async closeDeflated(): Promise<void> {
    const m = this.deflated;
    if (!m) return;
    this.deflated = undefined;
    try {
      for (const p of m.pending) this.push(await p);
    } finally {
      m.pending.length = 0;
    }
    this.push(Buffer.concat([FINAL_BLOCK, this.trailer(m)]));
  }

  private store(block: Buffer): void {
    if (!this.stored) {
      this.push(MEMBER_HEADER);
      this.stored = { crc: 0, size: 0 };
    }
    for (let off = 0; off < block.length; off += STORED_MAX) {
      const data = block.subarray(off, off + STORED_MAX);
      const head = Buffer.alloc(5);
      head.writeUInt16LE(data.length, 1); // byte 0: BFINAL=0 BTYPE=00, padded to the byte
      head.writeUInt16LE(~data.length & 0xffff, 3);
      this.push(head);
      this.push(data);
    }
    this.stored.crc = crc32(block, this.stored.crc);
    this.stored.size = (this.stored.size + block.length) % 2 ** 32;
  }

  private closeStored(): void {
    if (!this.stored) return;
    this.push(Buffer.concat([FINAL_BLOCK, this.trailer(this.stored)]));
    this.stored = undefined;
  }

  private trailer(m: { crc: number; size: number }): Buffer {
    const trailer = Buffer.alloc(8);
    trailer.writeUInt32LE(m.crc >>> 0, 0);
    trailer.writeUInt32LE(m.size, 4);
    return trailer;
  }
}
