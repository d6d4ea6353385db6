/**
 * The snapshotter: layers unpacked once under <storeRoot>/snapshots (keyed by diffID), writable
 * root filesystems prepared on top of them (overlayfs, or copies where overlay cannot mount),
 * and a snapshot's changes turned back into a deterministic OCI layer tar. It receives and
 * produces uncompressed tar streams only; it knows nothing of blobs, registries or Dockerfiles.
 */
export type { ActiveSnapshot, SnapshotDriver, SnapshotView, Snapshotter } from './types.js';
export type { DiffOptions } from './tar-writer.js';
export { openSnapshotter } from './snapshotter.js';
export { hasUnpackedLayer } from './store.js';
