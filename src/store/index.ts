/**
 * The store: one root directory shared safely by any number of drydock processes.
 *   <root>/blobs/sha256/<hex>   content store (OCI layout style), see content.ts
 *   <root>/refs/<hash>.json     image references -> manifest/index descriptors, see images.ts
 *   <root>/leases/<name>.json   extra GC roots other modules write: {"digests":[...]}
 *   <root>/snapshots/, cache/   owned by the snapshotter and the build engine; GC never touches them
 *   <root>/tmp/                 temp files (same filesystem, for rename)
 * Crash safety and GC are described in docs/store.md.
 */
import { mkdir } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Digest } from '../image/oci.js';
import { ContentStore } from './content.js';
import { ImageStore } from './images.js';
import { Leases } from './leases.js';
import { storeError } from './fsutil.js';
import { isRootless } from '../rootless/env.js';

export { ContentStore, type WriteGuard } from './content.js';
export { ImageStore, type ImageRecord } from './images.js';
export { withLock, acquireLock, isLocked, type Lock } from './lock.js';
export { atomicWrite, tempPath } from './fsutil.js';

export interface Store {
  root: string;
  content: ContentStore;
  images: ImageStore;
  tmpDir: string;
  /** Makes `digests` (and everything they reference) GC roots under `name` until unleased. */
  lease(name: string, digests: Digest[]): Promise<void>;
  unlease(name: string): Promise<void>;
  /** Held by prune/fsck while they delete; writers wait for it before a blob becomes visible. */
  readonly gcLockPath: string;
  readonly leases: Leases;
}

/** --root is passed by the CLI; otherwise $DRYDOCK_ROOT, /var/lib/drydock as root, $XDG_DATA_HOME/drydock. */
export function defaultRoot(): string {
  if (process.env.DRYDOCK_ROOT) return resolve(process.env.DRYDOCK_ROOT);
  // A rootless drydock is root in its user namespace only (src/rootless): its store is the user's.
  if (process.getuid?.() === 0 && !isRootless()) return '/var/lib/drydock';
  const data = process.env.XDG_DATA_HOME || join(homedir(), '.local', 'share');
  return join(data, 'drydock');
}

export async function openStore(root: string = defaultRoot()): Promise<Store> {
  const abs = resolve(root);
  const tmpDir = join(abs, 'tmp');
  try {
    for (const d of ['blobs/sha256', 'refs', 'leases', 'tmp']) await mkdir(join(abs, d), { recursive: true });
  } catch (e) {
    throw storeError(e, `creating the store at ${abs}`);
  }
  const gcLockPath = join(abs, 'gc.lock');
  const leases = new Leases(join(abs, 'leases'), tmpDir, gcLockPath);
  const content = new ContentStore(abs, tmpDir, leases);
  const images = new ImageStore(abs, tmpDir, content);
  return {
    root: abs,
    content,
    images,
    tmpDir,
    gcLockPath,
    leases,
    lease: (name, digests) => leases.put(name, digests),
    unlease: (name) => leases.remove(name),
  };
}
export { collectGarbage, reachable, gcRoots, registerCachePruner, registeredCachePruners, type GcResult, type CachePruner } from './gc.js';
export { fsck, type FsckReport } from './fsck.js';
export { diskUsage, type DiskUsage, type ImageUsage } from './usage.js';
export { removeImages, type RemoveResult } from './remove.js';
export { humanSize, timeAgo } from './human.js';
