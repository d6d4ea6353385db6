/**
 * Layer content sizes (bytes of regular files, what `docker images` adds up), measured once per
 * diffID while the layer's tar streams past for another reason, and remembered in
 * `<root>/cache/sizes/`.
 */
import { PassThrough, type Readable } from 'node:stream';
import { mkdir, readFile, writeFile, rename } from 'node:fs/promises';
import { join } from 'node:path';
import tar from 'tar-stream';
import type { Digest } from '../image/oci.js';

/** Returns a pass-through copy of `src` and a promise of the content bytes seen in it. */
export function teeMeasure(src: Readable): { stream: Readable; size: Promise<number> } {
  const out = new PassThrough({ highWaterMark: 1 << 20 });
  const probe = new PassThrough({ highWaterMark: 1 << 20 });
  const extract = tar.extract();
  let total = 0;
  const size = new Promise<number>((resolve, reject) => {
    extract.on('entry', (header, body, next) => {
      if (header.type === 'file' || header.type === 'contiguous-file') total += header.size ?? 0;
      body.on('end', next);
      body.resume();
    });
    extract.on('finish', () => resolve(total));
    extract.on('error', reject);
  });
  size.catch(() => { /* surfaced by the consumer of `stream` */ });
  probe.pipe(extract);
  src.on('data', (chunk: Buffer) => {
    const a = out.write(chunk);
    const b = probe.write(chunk);
    if (!a || !b) {
      src.pause();
      let waiting = (a ? 0 : 1) + (b ? 0 : 1);
      const resume = () => { if (--waiting === 0) src.resume(); };
      if (!a) out.once('drain', resume);
      if (!b) probe.once('drain', resume);
    }
  });
  src.on('end', () => { out.end(); probe.end(); });
  src.on('error', (e) => { out.destroy(e); probe.destroy(e); });
  return { stream: out, size };
}

export class LayerSizes {
  private readonly dir: string;
  private readonly memo = new Map<string, number>();

  constructor(storeRoot: string) {
    this.dir = join(storeRoot, 'cache', 'sizes');
  }

  async get(diffID: Digest): Promise<number | undefined> {
    const hit = this.memo.get(diffID);
    if (hit !== undefined) return hit;
    try {
      const n = Number(await readFile(join(this.dir, diffID.slice(7)), 'utf8'));
      if (Number.isFinite(n)) { this.memo.set(diffID, n); return n; }
    } catch { /* unknown */ }
    return undefined;
  }

  async set(diffID: Digest, size: number): Promise<void> {
    this.memo.set(diffID, size);
    await mkdir(this.dir, { recursive: true });
    const f = join(this.dir, diffID.slice(7));
    await writeFile(`${f}.${process.pid}.tmp`, String(size));
    await rename(`${f}.${process.pid}.tmp`, f);
  }
}
