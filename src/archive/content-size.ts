/**
 * Counting a tar stream's content bytes (the sizes of its regular files) as it flows past,
 * without copying it: headers are decoded, bodies are skipped by arithmetic. A layer of
 * 600 MB costs a few thousand header decodes instead of a second parse of every byte.
 */
import { DrydockError } from '../util/errors.js';
import { BLOCK, applyPax, decodeHeader, isZeroBlock, padding, parsePax } from './header.js';

const MAX_META = 16 << 20; // PAX / GNU long-name records larger than this are not plausible

export class TarContentCounter {
  /** Bytes of regular files seen so far. */
  total = 0;
  /** The end-of-archive blocks were seen (trailing bytes are ignored). */
  ended = false;
  private skip = 0;
  private header = Buffer.alloc(BLOCK);
  private headerFill = 0;
  private meta?: { typeflag: string; size: number; chunks: Buffer[]; got: number };
  private pax = new Map<string, Buffer>();
  private readonly globalPax = new Map<string, Buffer>();

  /** Feeds the next bytes of the archive; throws FORMAT on a broken header. */
  push(chunk: Buffer): void {
    let off = 0;
    while (off < chunk.length && !this.ended) {
      if (this.meta) {
        const n = Math.min(chunk.length - off, this.meta.size - this.meta.got);
        this.meta.chunks.push(chunk.subarray(off, off + n));
        this.meta.got += n;
        off += n;
        if (this.meta.got === this.meta.size) this.endMeta();
        continue;
      }
      if (this.skip > 0) {
        const n = Math.min(chunk.length - off, this.skip);
        this.skip -= n;
        off += n;
        continue;
      }
      const n = Math.min(chunk.length - off, BLOCK - this.headerFill);
      chunk.copy(this.header, this.headerFill, off, off + n);
      this.headerFill += n;
      off += n;
      if (this.headerFill === BLOCK) {
        this.headerFill = 0;
        this.onHeader(this.header);
      }
    }
  }

  private onHeader(block: Buffer): void {
    if (isZeroBlock(block)) {
      this.ended = true;
      return;
    }
    const { typeflag, header } = decodeHeader(block);
    if (typeflag === 'x' || typeflag === 'g' || typeflag === 'L' || typeflag === 'K') {
      if (header.size > MAX_META) throw new DrydockError('FORMAT', 'tar extended header too large');
      this.meta = { typeflag, size: header.size, chunks: [], got: 0 };
      this.skip = padding(header.size);
      if (header.size === 0) this.endMeta();
      return;
    }
    if (this.globalPax.size) applyPax(header, this.globalPax);
    if (this.pax.size) applyPax(header, this.pax);
    this.pax = new Map();
    // Only regular files carry data; other types are header-only whatever their size field says.
    const size = header.type === 'file' ? header.size : 0;
    this.total += size;
    this.skip = size + padding(size);
  }

  private endMeta(): void {
    const { typeflag, chunks } = this.meta!;
    this.meta = undefined;
    if (typeflag === 'x') this.pax = parsePax(Buffer.concat(chunks));
    else if (typeflag === 'g') for (const [k, v] of parsePax(Buffer.concat(chunks))) this.globalPax.set(k, v);
    // 'L' / 'K' (GNU long names) change no size.
  }
}
