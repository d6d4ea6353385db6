/**
 * The overlay driver: layers are overlayfs lowerdirs, a snapshot is an upperdir on top, the
 * upperdir is the layer's diff (read without walking the rootfs) and, on commit, the new
 * layer itself. Lowerdirs are the short `l/<short>` links: absolute in a mount(2) call when they
 * fit the one-page option limit (~60 layers), else relative, from the snapshots dir as Docker's
 * overlay2 does them (~200 layers fit).
 */
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import type { Digest } from '../image/oci.js';
import { DrydockError } from '../util/errors.js';
import { hostCalls } from '../util/syscalls.js';
import { runTool } from '../util/tool.js';
import { OPAQUE_XATTR, USERXATTR, dumpXattrs } from './xattr.js';
import { fuseUnmounted, mountFuseOverlay, normalizeFuseUpper } from './fuse-overlay.js';
import { lowerEntry, overlayChanges, upperSummary, type LowerLayer } from './overlay-diff.js';
import type { LayerMeta, LayerStore } from './store.js';
import { writeLayerTar, type DiffOptions } from './tar-writer.js';
import type { ActiveSnapshot, SnapshotView } from './types.js';

// Features that would make the upperdir something else than a plain diff (redirects, metadata-only copy-ups, origin index).
function featureOptions(): string[] {
  const params = '/sys/module/overlay/parameters';
  // With userxattr the kernel refuses redirect_dir=off (only `nofollow`: neither made nor followed).
  return ['index', 'redirect_dir', 'metacopy'].filter((p) => existsSync(path.join(params, p))).map((p) => (p === 'redirect_dir' && USERXATTR ? `${p}=nofollow` : `${p}=off`));
}

/**
 * `volatile` (Linux 5.10+): overlayfs skips syncing the upper filesystem, so unmounting a step's
 * snapshot does not wait for a syncfs of the whole disk (tens of ms per step, seconds after a
 * RUN that wrote a big file) and fsyncs inside RUN (dpkg's) cost nothing. A snapshot is a cache
 * of its layer: the layer's blob is what is fsynced, as Docker's overlay2 does not sync layer
 * directories either.
 */
export function volatileSupported(release = os.release()): boolean {
  const m = /^(\d+)\.(\d+)/.exec(release);
  return !!m && (Number(m[1]) > 5 || (Number(m[1]) === 5 && Number(m[2]) >= 10));
}

/** The kernel reads mount options from one page, its terminating NUL included. */
const MOUNT_DATA_MAX = 4095;

/**
 * Mounts an overlay of `lowers` (paths relative to the store root, top first) on `target`. With
 * absolute paths when they fit in the option page, by a system call (util/syscalls.ts); else
 * with relative ones, by the `mount` tool run in the store root (a call cannot have a working
 * directory of its own: the process's is every thread's).
 */
export async function mountOverlay(store: LayerStore, lowers: string[], target: string, upper?: { upper: string; work: string }): Promise<void> {
  const options = (dir: (p: string) => string) => {
    const opts = [`lowerdir=${lowers.map(dir).join(':')}`];
    if (upper) opts.push(`upperdir=${dir(upper.upper)}`, `workdir=${dir(upper.work)}`);
    if (upper && volatileSupported()) opts.push('volatile');
    opts.push(...featureOptions());
    if (USERXATTR) opts.push('userxattr');
    return opts.join(',');
  };
  const absolute = options((p) => path.resolve(store.root, p));
  if (absolute.length <= MOUNT_DATA_MAX) return hostCalls().mount('overlay', target, absolute);
  const relative = options((p) => path.relative(store.root, path.resolve(store.root, p)));
  if (relative.length > MOUNT_DATA_MAX) throw new DrydockError('STORE', `too many layers to mount (${lowers.length})`);
  await runTool('mount', ['-t', 'overlay', 'overlay', '-o', relative, target], { cwd: store.root });
}

/**
 * The layers top first, each once. Layers are stored by digest, so two steps with identical diffs
 * (two `RUN true`, a base image that repeats its empty layer) are one directory, and overlayfs
 * refuses a directory listed twice among its lowerdirs (ELOOP). Only the topmost occurrence is
 * kept: it re-applies everything the lower one did over whatever lies between, so the merged view
 * is the same (containerd avoids the case by keying snapshots by chain ID instead).
 */
export function topFirstUnique(layers: readonly Digest[]): Digest[] {
  return [...new Set([...layers].reverse())];
}

async function lowerLayers(store: LayerStore, layers: Digest[]): Promise<LowerLayer[]> {
  const out: LowerLayer[] = [];
  for (const l of topFirstUnique(layers)) out.push({ dir: store.fsDir(l), opaque: new Set((await store.meta(l)).opaque) });
  return out;
}

async function requireLayers(store: LayerStore, layers: Digest[]): Promise<void> {
  for (const l of layers) if (!(await store.has(l))) throw new DrydockError('STORE', `layer ${l} is not unpacked`);
}

// Top layer first, as lowerdir= lists them; the empty dir at the bottom lets 0 or 1 layers mount too.
function lowerdirs(store: LayerStore, layers: Digest[]): string[] {
  return [...topFirstUnique(layers).map((l) => store.shortLink(l)), 'empty'];
}

/** The mount of a driver: the kernel's overlayfs, or fuse-overlayfs (`fuse`, fuse-overlay.ts). */
function mounter(fuse: boolean): typeof mountOverlay {
  return fuse ? mountFuseOverlay : mountOverlay;
}

export async function overlayPrepare(store: LayerStore, layers: Digest[], fuse = false): Promise<ActiveSnapshot> {
  await requireLayers(store, layers);
  const dir = await store.newActive(layers);
  // The upperdir is made where a layer dir has its files, so that committing is one rename of
  // `layer/` (with its meta.json) into layers/.
  const layerDir = path.join(dir, 'layer');
  const upper = path.join(layerDir, 'fs');
  const work = path.join(dir, 'work');
  const merged = path.join(dir, 'merged');
  try {
    for (const d of [layerDir, upper, work, merged]) await mkdir(d, { mode: 0o755 });
    await mounter(fuse)(store, lowerdirs(store, layers), merged, { upper, work });
  } catch (e) {
    await store.removeActive(dir);
    throw e;
  }
  let mounted = true;
  let released = false;
  const unmountForCommit = async () => {
    if (released) throw new Error('snapshot already released');
    if (mounted) {
      await hostCalls().unmount(merged);
      if (fuse) await fuseUnmounted(merged);
      mounted = false;
      // A layer dir is in the overlay format whichever driver made it (the next boot may probe another).
      if (fuse) {
        const lowers = await lowerLayers(store, layers);
        await normalizeFuseUpper(upper, async (rel) => (await lowerEntry(lowers, rel)) !== undefined);
      }
    }
  };
  // The upperdir becomes the layer's directory, by one rename into place.
  const adoptUpper = (id: Digest, meta: LayerMeta) => store.adopt(id, layerDir, meta);
  /** Opaque directories the diff found (the root never is), so commit need not read xattrs again. */
  let opaqueSeen: string[] | undefined;
  return {
    rootfs: merged,
    diff(opts?: DiffOptions): Readable {
      return Readable.from(
        (async function* () {
          const changes = await overlayChanges(upper, await lowerLayers(store, layers), { fuse: fuse && mounted });
          opaqueSeen = changes.flatMap((c) => (c.kind === 'add' && c.opaque ? [c.path] : []));
          yield* writeLayerTar(changes, opts);
        })(),
        { objectMode: false },
      );
    },
    async commit(diffID: Digest): Promise<void> {
      await unmountForCommit();
      const opaque = opaqueSeen ?? [...(await dumpXattrs(upper))]
        .filter(([, x]) => x.get(OPAQUE_XATTR)?.toString() === 'y')
        .map(([p]) => path.relative(upper, p));
      await adoptUpper(diffID, { opaque });
    },
    async commitUndiffed(id: Digest, opts?: DiffOptions): Promise<{ size: number }> {
      await unmountForCommit();
      const { size, opaque } = await upperSummary(upper);
      await adoptUpper(id, { opaque, parents: layers, ...(opts?.sourceDateEpoch !== undefined ? { sourceDateEpoch: opts.sourceDateEpoch } : {}) });
      return { size };
    },
    async release(): Promise<void> {
      if (released) return;
      released = true;
      await store.removeActive(dir, { mounted });
    },
  };
}

export async function overlayView(store: LayerStore, layers: Digest[], fuse = false): Promise<SnapshotView> {
  await requireLayers(store, layers);
  const dir = await store.newActive(layers);
  const merged = path.join(dir, 'merged');
  try {
    await mkdir(merged);
    await mounter(fuse)(store, lowerdirs(store, layers), merged);
  } catch (e) {
    await store.removeActive(dir);
    throw e;
  }
  return { path: merged, release: () => store.removeActive(dir) };
}

/**
 * The tar of a layer committed without a diff (`commitUndiffed`): its directory, the upperdir it
 * was, diffed against the layers it was made on, exactly as `diff()` would have before the commit
 * (the same walk and writer over the same files), so its digest is the one `diff()` would have had.
 */
export function undiffedLayerTar(store: LayerStore, id: Digest): Readable {
  return Readable.from(
    (async function* () {
      const meta = await store.meta(id).catch(() => undefined);
      if (!meta?.parents) throw new DrydockError('STORE', `layer ${id} is not a snapshot committed without its diff`);
      for (const p of meta.parents) {
        if (!(await store.has(p))) throw new DrydockError('STORE', `layer ${id} cannot be read: the layer ${p} it was made on is no longer unpacked`);
      }
      const changes = await overlayChanges(store.fsDir(id), await lowerLayers(store, meta.parents));
      yield* writeLayerTar(changes, meta.sourceDateEpoch !== undefined ? { sourceDateEpoch: meta.sourceDateEpoch } : {});
    })(),
    { objectMode: false },
  );
}
