/**
 * An imported cache mount into a new cache directory: its index blob, then the chunks the store
 * does not have yet (downloaded in parallel, digests verified), extracted in order with the one
 * safe extractor, so owners, modes, times and symlinks come back as they were.
 */
import { chown, chmod, lstat, mkdir, utimes } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { createGunzip } from 'node:zlib';
import type { Store } from '../../store/index.js';
import type { Descriptor } from '../../image/oci.js';
import { extractTar, secureJoin } from '../../archive/index.js';
import { mapLimit } from '../../registry/util.js';
import type { CacheSource } from '../source.js';
import { chunkDescriptor, parseMountIndex, type MountIndex } from './format.js';
import { ChunkMemo } from './pack.js';
import { chunkEntries, listMount } from './walk.js';

export async function restoreMount(store: Store, index: Descriptor, source: CacheSource, dest: string): Promise<{ chunks: number; fetched: number }> {
  const what = `${source.name}: cache mount`;
  if (!(await store.content.has(index.digest))) await source.fetch(index, store);
  const idx = parseMountIndex(await store.content.readBytes(index.digest), what);
  let fetched = 0;
  await mapLimit(idx.chunks, 4, async (c) => {
    if (await store.content.has(c.digest)) return;
    await source.fetch(chunkDescriptor(c), store);
    fetched++;
  });
  // GC roots before anything else runs: the blobs stay for the next restore or export
  await store.lease(`cache-mount-${idx.name}`, [index.digest, ...idx.chunks.map((c) => c.digest)]);
  await mkdir(dest);
  for (const c of idx.chunks) {
    const gz = createGunzip({ chunkSize: 1 << 20 });
    const src = store.content.createReadStream(c.digest);
    src.on('error', (e) => gz.destroy(e));
    await extractTar(src.pipe(gz), dest);
  }
  for (const [rel, t] of Object.entries(idx.dirTimes ?? {})) {
    const p = await secureJoin(dest, rel);
    if ((await lstat(p).catch(() => undefined))?.isDirectory()) await utimes(p, t, t);
  }
  await chown(dest, idx.root.uid, idx.root.gid);
  await chmod(dest, idx.root.mode);
  await seedMemo(dest, idx);
  return { chunks: idx.chunks.length, fetched };
}

/**
 * The restored files pack into the chunks they came from: noted in the export memo, so this
 * machine's next export packs only the chunks its RUNs changed (checked: same boundaries, same paths).
 */
async function seedMemo(dest: string, idx: MountIndex): Promise<void> {
  const listed = await listMount(dest, Infinity);
  if ('over' in listed) return;
  const chunks = chunkEntries(listed.entries);
  const same = chunks.length === idx.chunks.length
    && chunks.every((c, i) => c.length === idx.chunks[i]!.paths.length && c.every((e, j) => e.path === idx.chunks[i]!.paths[j]));
  if (!same) return;
  const memo = await ChunkMemo.open(join(dirname(dest), 'export-memo.json'));
  chunks.forEach((c, i) => memo.set(c, idx.chunks[i]!));
  await memo.save(new Set(idx.chunks.map((c) => c.digest)));
}
