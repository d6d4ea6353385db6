/** Disk usage by image, as `docker system df -v`: shared blobs are counted once in the total. */
import type { Digest } from '../image/oci.js';
import type { Store } from './index.js';
import { blobBytes, gcRoots, reachable } from './gc.js';

export interface ImageUsage {
  refs: string[];
  /** Manifest or index digest the refs point at. */
  target: Digest;
  /** Every blob of the image. */
  size: number;
  /** Part of `size` also used by another image. */
  shared: number;
  /** Part of `size` only this image uses: what removing it frees. */
  unique: number;
}

export interface DiskUsage {
  images: ImageUsage[];
  /** All blobs in the store. */
  totalBytes: number;
  /** Blobs no image or lease needs (what `drydock prune` frees). */
  reclaimableBytes: number;
}

export async function diskUsage(store: Store): Promise<DiskUsage> {
  const byTarget = new Map<Digest, string[]>();
  for (const r of await store.images.list()) byTarget.set(r.target.digest, [...(byTarget.get(r.target.digest) ?? []), r.ref]);
  const blobsOf = new Map<Digest, Set<Digest>>();
  const users = new Map<Digest, number>();
  for (const t of byTarget.keys()) {
    const set = await reachable(store, [t]);
    blobsOf.set(t, set);
    for (const d of set) users.set(d, (users.get(d) ?? 0) + 1);
  }
  const images: ImageUsage[] = [];
  for (const [t, refs] of byTarget) {
    const set = blobsOf.get(t)!;
    const size = await blobBytes(store, set);
    const unique = await blobBytes(store, [...set].filter((d) => users.get(d) === 1));
    images.push({ refs, target: t, size, shared: size - unique, unique });
  }
  const all: Digest[] = [];
  for await (const d of store.content.list()) all.push(d);
  const live = await reachable(store, await gcRoots(store));
  return {
    images,
    totalBytes: await blobBytes(store, all),
    reclaimableBytes: await blobBytes(store, all.filter((d) => !live.has(d))),
  };
}
