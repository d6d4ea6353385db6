/**
 * A chunk of a cache mount as a content-addressed blob: a tar of its entries (numeric owners,
 * modes, mtimes in seconds, symlinks as links) gzipped at level 1, byte-for-byte the same for the
 * same files on any machine, so a chunk that did not change has the digest the registry has.
 */
import { createReadStream } from 'node:fs';
import { readFile, rename, writeFile } from 'node:fs/promises';
import { createGzip } from 'node:zlib';
import type { Store } from '../../store/index.js';
import type { Digest } from '../../image/oci.js';
import { tarStream, type TarHeader } from '../../archive/index.js';
import { chunkFingerprint, type MountEntry } from './walk.js';

export interface PackedChunk { digest: Digest; size: number; bytes: number; paths: string[] }

export function packChunk(store: Store, chunk: MountEntry[]): Promise<{ digest: Digest; size: number }> {
  const tar = tarStream(async (w) => {
    for (const e of chunk) {
      const h: TarHeader = {
        name: e.type === 'directory' ? `${e.path}/` : e.path, type: e.type, mode: e.st.mode & 0o7777,
        uid: e.st.uid, gid: e.st.gid, size: 0, mtime: Math.floor(e.st.mtimeMs / 1000),
      };
      if (e.linkname !== undefined) h.linkname = e.linkname;
      if (e.type === 'file') {
        h.size = e.st.size;
        await w.add(h, e.st.size ? createReadStream(e.abs) : undefined);
      } else await w.add(h);
    }
  });
  const gz = createGzip({ level: 1 });
  tar.on('error', (err) => gz.destroy(err));
  return store.content.writeStream(tar.pipe(gz));
}

/** Chunks packed before, by fingerprint (kept beside the cache directory; a memo only). */
export class ChunkMemo {
  private constructor(private readonly path: string, private readonly map: Record<string, { digest: Digest; size: number }>) {}

  static async open(path: string): Promise<ChunkMemo> {
    const map = await readFile(path, 'utf8').then((t) => JSON.parse(t) as Record<string, { digest: Digest; size: number }>, () => ({}));
    return new ChunkMemo(path, map);
  }

  /** The chunk's blob, packing it only when the memo has none still in the store. */
  async blob(store: Store, chunk: MountEntry[]): Promise<PackedChunk> {
    const fp = chunkFingerprint(chunk);
    let b = this.map[fp];
    if (!b || !(await store.content.has(b.digest))) b = this.map[fp] = await packChunk(store, chunk);
    const bytes = chunk.reduce((n, e) => n + (e.type === 'file' ? e.st.size : 0), 0);
    return { digest: b.digest, size: b.size, bytes, paths: chunk.map((e) => e.path) };
  }

  /** Notes that `chunk`'s files, as they are, pack into `blob` (a restore extracted them from it). */
  set(chunk: MountEntry[], blob: { digest: Digest; size: number }): void {
    this.map[chunkFingerprint(chunk)] = { digest: blob.digest, size: blob.size };
  }

  /** Keeps only `fingerprints` of this export (the memo does not grow without end). */
  async save(keep: Set<Digest>): Promise<void> {
    const out = Object.fromEntries(Object.entries(this.map).filter(([, b]) => keep.has(b.digest)));
    const tmp = `${this.path}.tmp-${process.pid}`;
    await writeFile(tmp, JSON.stringify(out));
    await rename(tmp, this.path);
  }
}
