/**
 * gzip that does not spend time on what will not compress. The input is cut into fixed 1 MiB
 * blocks. Runs of blocks whose bytes look random (compressed files, encrypted or random data)
 * become gzip members of stored deflate blocks, written here at copy speed; the other runs go
 * through zlib at the asked level (which on random data burns ~40 ms of CPU per MiB to save
 * nothing). Concatenated members are one valid gzip stream (RFC 1952 §2.2, read by Go,
 * containerd, Docker, pigz, Node, Python — eStargz layers rely on it too). Decisions depend on
 * each block's bytes only, so equal input gives equal output whatever the stream's chunking,
 * and input with no random-looking block gives exactly zlib's single member, as before.
 */
import { once } from 'node:events';
import { Transform, type TransformCallback } from 'node:stream';
import * as zlib from 'node:zlib';

export const GZIP_BLOCK = 1 << 20;
const SAMPLE = 16 * 1024;
/** Bits per byte above which a block is tried for compressibility (random data: ~7.99). */
const ENTROPY_BITS = 7.9;
/** A trial compression saving less than this fraction means: store the block. */
const MIN_SAVING = 0.02;
const STORED_MAX = 0xffff;
/** ID1 ID2 CM=deflate FLG=0 MTIME=0 XFL=0 OS=unix, as zlib writes it. */
const MEMBER_HEADER = Buffer.from([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3]);
/** An empty final stored block: BFINAL=1 BTYPE=00, LEN=0, NLEN=0xffff. */
const FINAL_BLOCK = Buffer.from([1, 0, 0, 0xff, 0xff]);

/** Order-0 entropy (bits per byte) of `b`. */
function entropy(b: Buffer): number {
  const counts = new Uint32Array(256);
  for (let i = 0; i < b.length; i++) counts[b[i]!]!++;
  let h = 0;
  for (const c of counts) {
    if (c === 0) continue;
    const p = c / b.length;
    h -= p * Math.log2(p);
  }
  return h;
}

/**
 * True when the block will not compress: a sample from its middle has near-maximal byte
 * entropy and a quick trial deflate of it saves almost nothing (high entropy alone misses
 * data that repeats within the window).
 */
export function looksIncompressible(block: Buffer): boolean {
  if (block.length < SAMPLE * 4) return false;
  const mid = Math.floor((block.length - SAMPLE) / 2);
  const sample = block.subarray(mid, mid + SAMPLE);
  if (entropy(sample) < ENTROPY_BITS) return false;
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
  /** The open zlib member (a run of compressible blocks). */
  private gz?: zlib.Gzip;
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
      if (!this.started) this.openGzip(); // empty input: zlib's empty member, as before
      this.closeStored();
      await this.closeGzip();
    })().then(() => cb(), cb);
  }

  override _destroy(err: Error | null, cb: (e: Error | null) => void): void {
    this.gz?.destroy();
    cb(err);
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
        await this.closeGzip();
        this.store(block);
      } else {
        this.closeStored();
        const gz = this.gz ?? this.openGzip();
        // zlib works on the thread pool while the next block gathers; its own buffer bounds it.
        if (!gz.write(block)) await once(gz, 'drain');
      }
    }
  }

  private openGzip(): zlib.Gzip {
    // A few blocks may queue (stream options reach zlib's Transform; @types/node omits them).
    const gz = zlib.createGzip({ level: this.level, writableHighWaterMark: 4 * GZIP_BLOCK } as zlib.ZlibOptions);
    gz.on('data', (c: Buffer) => this.push(c));
    gz.on('error', (e) => this.destroy(e));
    this.gz = gz;
    return gz;
  }

  private async closeGzip(): Promise<void> {
    const gz = this.gz;
    if (!gz) return;
    this.gz = undefined;
    await new Promise<void>((resolve) => { gz.once('end', resolve); gz.end(); });
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
    const trailer = Buffer.alloc(8);
    trailer.writeUInt32LE(this.stored.crc >>> 0, 0);
    trailer.writeUInt32LE(this.stored.size, 4);
    this.push(Buffer.concat([FINAL_BLOCK, trailer]));
    this.stored = undefined;
  }
}
