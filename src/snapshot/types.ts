/** The snapshotter's contract: layers unpacked once, root filesystems prepared on top of them. */
import type { Readable } from 'node:stream';
import type { Digest } from '../image/oci.js';
import type { DiffOptions } from './tar-writer.js';

export type SnapshotDriver = 'overlay' | 'fuse-overlayfs' | 'copy';

export interface Snapshotter {
  readonly driver: SnapshotDriver;
  hasLayer(diffID: Digest): Promise<boolean>;
  /** Unpack a layer (uncompressed tar, OCI whiteouts) once; keyed by its diffID; concurrency-safe. */
  ensureLayer(diffID: Digest, openTar: () => Readable | Promise<Readable>): Promise<void>;
  /** A writable root filesystem on top of `layers` (bottom first, by diffID). */
  prepare(layers: Digest[]): Promise<ActiveSnapshot>;
  /** A read-only view of `layers` (for COPY --from sources, RUN --mount=from): no copy on overlay. */
  view(layers: Digest[]): Promise<SnapshotView>;
  /**
   * The uncompressed tar of a layer committed with `commitUndiffed`, made from its directory and
   * the layers it was made on (which `prune` keeps as long as it keeps the layer).
   */
  layerTar(id: Digest): Readable;
  /** Makes the layer `id` also known as `diffID` (its tar's digest, once made). */
  alias(diffID: Digest, id: Digest): Promise<void>;
  /** Removes every layer not in `keep` that no live snapshot uses (keeping what kept layers need). */
  prune(keep: Set<Digest>): Promise<void>;
}

export interface SnapshotView {
  readonly path: string;
  release(): Promise<void>;
}

export interface ActiveSnapshot {
  /** Where to run / copy into. */
  readonly rootfs: string;
  /**
   * The changes since prepare() as an uncompressed layer tar: new/changed files, OCI whiteouts
   * for deletions, opaque dirs; metadata (mode, uid/gid, xattrs, hard links, symlinks, devices)
   * preserved; entries sorted; mtimes clamped to sourceDateEpoch when given. Deterministic bytes.
   */
  diff(opts?: DiffOptions): Readable;
  /** Turn this snapshot's changes into the committed layer `diffID` (on overlay the upperdir becomes the layer dir). */
  commit(diffID: Digest): Promise<void>;
  /**
   * Overlay only: make this snapshot's changes the layer `id` without computing its diff (an
   * intermediate stage's step: its tar is made later, if ever, by `layerTar`). Returns the bytes of
   * file content the layer holds.
   */
  commitUndiffed?(id: Digest, opts?: DiffOptions): Promise<{ size: number }>;
  /** Unmount and remove (after commit, or to discard). */
  release(): Promise<void>;
}
