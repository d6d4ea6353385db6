/**
 * Layer content sizes (bytes of regular files, what `docker images` adds up), measured once per
 * diffID while the layer's tar streams past for another reason, and remembered in
 * `<root>/cache/sizes/`.
 */
import { Transform, type Readable } from 'node:stream';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { replaceFile } from '../util/replace-file.js';
import type { Digest } from '../image/oci.js';
import { TarContentCounter } from '../archive/content-size.js';

/**
 * Returns `src` passed through unchanged and a promise of the content bytes seen in it. Only
 * tar headers are decoded, so measuring costs next to nothing beside the layer's real work.
 */
export function teeMeasure(src: Readable): { stream: Readable; size: Promise<number> } {
  const counter = new TarContentCounter();
  let broken: unknown;
  let settle!: { resolve: (n: number) => void; reject: (e: unknown) => void };
  const size = new Promise<number>((resolve, reject) => { settle = { resolve, reject }; });
  size.catch(() => { /* surfaced by the consumer of `stream` */ });
  const stream = new Transform({
    highWaterMark: 1 << 20,
    transform(chunk: Buffer, _enc, cb) {
      if (broken === undefined) {
        try { counter.push(chunk); } catch (e) { broken = e; }
      }
      cb(null, chunk);
    },
    flush(cb) {
      if (broken !== undefined) settle.reject(broken);
      else settle.resolve(counter.total);
      cb();
    },
  });
  src.on('error', (e) => { settle.reject(e); stream.destroy(e); });
  return { stream: src.pipe(stream), size };
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
    // Platforms of one build measure a shared layer side by side: write it once (replaceFile gives
    // each writer its own temp file: one name per process raced, the second rename found none).
    if (this.memo.get(diffID) === size) return;
    this.memo.set(diffID, size);
    await replaceFile(join(this.dir, diffID.slice(7)), String(size), { mkdir: true });
  }
}
