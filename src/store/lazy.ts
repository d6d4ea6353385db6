/**
 * Blobs a store can have on demand: the layers of cache records imported with --cache-from are
 * offered here, not downloaded, and fetched only when their bytes are needed — a later step
 * builds on them, an output or --load stores them, an export sends them — as BuildKit's lazy
 * blobs are. A multi-stage build whose builder stage hits the cache never downloads its layers.
 * Offers live for one process (one build): the next build imports its caches anew.
 */
import type { Digest } from '../image/oci.js';
import type { Store } from './index.js';

export interface LazyBlob {
  /** Copies the blob into the store (digest verified). */
  fetch(): Promise<void>;
  /** The registry repository that holds it (`host`, `repo`): a push there mounts it, bytes unseen. */
  from?: { host: string; repo: string };
}

const offers = new WeakMap<Store, Map<Digest, LazyBlob>>();
const fetching = new WeakMap<Store, Map<Digest, Promise<void>>>();

export function offerBlob(store: Store, digest: Digest, blob: LazyBlob): void {
  let m = offers.get(store);
  if (!m) offers.set(store, (m = new Map()));
  if (!m.has(digest)) m.set(digest, blob);
}

/** The offer for a blob the store may not hold yet. */
export function offeredBlob(store: Store, digest: Digest): LazyBlob | undefined {
  return offers.get(store)?.get(digest);
}

/** Makes sure the store holds each of `digests` that was offered (fetching each once); others are left as they are. */
export async function materialize(store: Store, digests: Iterable<Digest>): Promise<void> {
  const jobs: Promise<void>[] = [];
  for (const d of new Set(digests)) {
    const offer = offeredBlob(store, d);
    if (!offer) continue;
    let m = fetching.get(store);
    if (!m) fetching.set(store, (m = new Map()));
    let p = m.get(d);
    if (!p) {
      p = store.content.has(d).then((has) => (has ? undefined : offer.fetch()));
      p.catch(() => m!.delete(d)); // a failed fetch may be tried again
      m.set(d, p);
    }
    jobs.push(p);
  }
  await Promise.all(jobs);
}
