/**
 * Cache mounts into a cache export: each mount the build used (or those `mounts=ID1:ID2` picks)
 * is listed, cut into chunks (walk.ts), each chunk packed once (pack.ts) and stored; its index
 * blob names them. Mounts over the size limit are left out with a warning.
 */
import { dirname, join } from 'node:path';
import { lstat } from 'node:fs/promises';
import type { Store } from '../../store/index.js';
import type { Descriptor, Digest } from '../../image/oci.js';
import type { UsedCacheMount } from '../../solver/ops/cache-mount.js';
import { formatBytes } from '../../util/units.js';
import { DrydockError } from '../../util/errors.js';
import { mapLimit } from '../../registry/util.js';
import { chunkDescriptor, MOUNT_INDEX_MEDIA_TYPE, parseMountIndex, type ExportedMount, type MountIndex } from './format.js';
import type { CacheMountLedger } from './ledger.js';
import { ChunkMemo } from './pack.js';
import { chunkEntries, listMount } from './walk.js';

/** 1 GiB: a mount larger than this is not exported unless `mounts-max-size=` allows it. */
export const DEFAULT_MOUNT_MAX_SIZE = 1 << 30;

export interface MountExport {
  mounts: ExportedMount[];
  /** Index and chunk blobs, for the manifest's layers. */
  layers: Descriptor[];
}

export async function exportMounts(store: Store, used: UsedCacheMount[], opts: { select: true | string[]; maxSize?: number }, warn: (m: string) => void): Promise<MountExport> {
  const out: MountExport = { mounts: [], layers: [] };
  const seen = new Set<Digest>();
  for (const m of used) {
    if (opts.select !== true && !opts.select.includes(m.id)) continue;
    let one: Awaited<ReturnType<typeof exportMount>>;
    try {
      one = await exportMount(store, m, opts.maxSize ?? DEFAULT_MOUNT_MAX_SIZE, warn);
    } catch (e) {
      // A shared cache another build writes meanwhile ("file changed while being archived"):
      // that mount stays out of this export; the layers and other mounts still go.
      if (e instanceof DrydockError && e.code === 'CANCELLED') throw e;
      warn(`cache mount ${m.id} not exported: ${e instanceof Error ? e.message : String(e)}`);
      continue;
    }
    if (!one) continue;
    out.mounts.push(one.mount);
    for (const d of one.layers) if (!seen.has(d.digest)) { seen.add(d.digest); out.layers.push(d); }
  }
  return out;
}

async function exportMount(store: Store, m: UsedCacheMount, limit: number, warn: (m: string) => void): Promise<{ mount: ExportedMount; layers: Descriptor[] } | undefined> {
  const root = await lstat(m.dir).catch(() => undefined);
  if (!root?.isDirectory()) return undefined;
  // sharing=locked: nobody else writes while it is read, as while a RUN uses it
  const lock = m.sharing === 'locked' ? await (await import('../../store/lock.js')).acquireLock(`${m.dir}.lock`) : undefined;
  try {
    const listed = await listMount(m.dir, limit);
    if ('over' in listed) {
      warn(`cache mount ${m.id} not exported: more than ${formatBytes(limit)} (raise mounts-max-size=)`);
      return undefined;
    }
    const memo = await ChunkMemo.open(join(dirname(m.dir), 'export-memo.json'));
    const chunks = await mapLimit(chunkEntries(listed.entries), 2, (c) => memo.blob(store, c));
    await memo.save(new Set(chunks.map((c) => c.digest)));
    const dirTimes = Object.fromEntries(listed.entries.filter((e) => e.type === 'directory').map((e) => [e.path, Math.floor(e.st.mtimeMs / 1000)]));
    const index: MountIndex = { version: 1, id: m.id, name: m.name, root: { mode: root.mode & 0o7777, uid: root.uid, gid: root.gid }, chunks, dirTimes };
    const idx = await store.content.writeBytes(JSON.stringify(index));
    // Kept as GC roots until the next export of this mount: "already present" for the next build.
    await store.lease(`cache-mount-${m.name}`, [idx.digest, ...chunks.map((c) => c.digest)]);
    return {
      mount: { id: m.id, name: m.name, index: idx.digest, bytes: listed.bytes, entries: listed.entries.length },
      layers: [{ mediaType: MOUNT_INDEX_MEDIA_TYPE, digest: idx.digest, size: idx.size }, ...chunks.map(chunkDescriptor)],
    };
  } finally {
    await lock?.release();
  }
}

/**
 * The mounts a --cache-to carries: those the build used (as `select` picks), plus imported ones
 * the build did not touch when the export goes back where they came from (`dest`, a source
 * name), so a fully cached CI run does not drop them; their blobs are there already.
 */
export async function mountsForExport(store: Store, ledger: CacheMountLedger, opts: { select: true | string[]; maxSize?: number; dest: string }, warn: (m: string) => void): Promise<MountExport> {
  const out = await exportMounts(store, ledger.used, opts, warn);
  const have = new Set(out.mounts.map((m) => m.name));
  const seen = new Set(out.layers.map((d) => d.digest));
  for (const m of ledger.unusedImports()) {
    if (m.source.name !== opts.dest || have.has(m.mount.name)) continue;
    if (opts.select !== true && !opts.select.includes(m.mount.id)) continue;
    // The index names the chunks: it is needed to list them as layers (a small blob).
    if (!(await store.content.has(m.index.digest))) await m.source.fetch(m.index, store);
    const idx = parseMountIndex(await store.content.readBytes(m.index.digest), m.source.name);
    out.mounts.push(m.mount);
    for (const d of [m.index, ...idx.chunks.map(chunkDescriptor)]) if (!seen.has(d.digest)) { seen.add(d.digest); out.layers.push(d); }
    have.add(m.mount.name);
  }
  return out;
}
