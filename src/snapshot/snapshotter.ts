/**
 * openSnapshotter: the layer store plus the driver chosen for this host. `auto` tries an
 * overlay mount once (per store root and boot: the answer is kept in snapshots/driver.json)
 * with the features we rely on (relative lowerdirs, trusted.overlay.* xattrs, whiteout devices),
 * then the same with fuse-overlayfs (rootless before Linux 5.11), and falls back to copying.
 * DRYDOCK_SNAPSHOTTER (or build --snapshotter) forces one.
 */
import { mkdir, writeFile, readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { atomicWrite } from '../store/fsutil.js';
import { hostCalls } from '../util/syscalls.js';
import { DrydockError } from '../util/errors.js';
import { copyPrepare, copyView } from './copy.js';
import { fuseUnavailable, mountFuseOverlay } from './fuse-overlay.js';
import { mountOverlay, overlayPrepare, overlayView, undiffedLayerTar } from './overlay.js';
import { LayerStore, unmount } from './store.js';
import type { SnapshotDriver, Snapshotter } from './types.js';
import { OPAQUE_XATTR, restoreXattrs } from './xattr.js';

const probed = new Map<string, Promise<SnapshotDriver>>();

const DRIVERS: readonly SnapshotDriver[] = ['overlay', 'fuse-overlayfs', 'copy'];

function isDriver(d: unknown): d is SnapshotDriver {
  return DRIVERS.includes(d as SnapshotDriver);
}

async function overlayWorks(store: LayerStore, fuse = false): Promise<boolean> {
  const dir = await store.newTemp();
  const merged = path.join(dir, 'merged');
  let mounted = false;
  try {
    for (const d of ['lower/sub', 'upper', 'work', 'merged']) await mkdir(path.join(dir, d), { recursive: true });
    await writeFile(path.join(dir, 'lower/sub/file'), 'lower');
    await hostCalls().mknodWhiteouts([path.join(dir, 'lower/gone')]);
    await restoreXattrs([{ path: path.join(dir, 'lower/sub'), name: OPAQUE_XATTR, value: Buffer.from('y') }]);
    const rel = path.relative(store.root, dir);
    await (fuse ? mountFuseOverlay : mountOverlay)(store, [path.join(rel, 'lower'), 'empty'], merged, { upper: path.join(dir, 'upper'), work: path.join(dir, 'work') });
    mounted = true;
    await writeFile(path.join(merged, 'sub/file'), 'upper');
    await unmount(merged);
    mounted = false;
    return (await readFile(path.join(dir, 'upper/sub/file'), 'utf8')) === 'upper';
  } catch {
    return false;
  } finally {
    if (mounted) await unmount(merged).catch(() => undefined);
    await rm(dir, { recursive: true, force: true });
  }
}

/** The kernel's id of this boot: a probe's answer holds until the next reboot (new kernel, mounts). */
async function bootId(): Promise<string> {
  return (await readFile('/proc/sys/kernel/random/boot_id', 'utf8').catch(() => '')).trim();
}

/**
 * The probe costs three tool runs (mknod, mount, umount) and an xattr write, more than a whole cached
 * rebuild's own work, so its answer is remembered on disk for this root until the next boot.
 */
async function probeDriver(store: LayerStore): Promise<SnapshotDriver> {
  const file = path.join(store.root, 'driver.json');
  const boot = await bootId();
  const known = await readFile(file, 'utf8').then((t) => JSON.parse(t) as { boot?: string; driver?: string }).catch(() => undefined);
  if (boot && known?.boot === boot && isDriver(known.driver)) return known.driver;
  const fuse = async () => (await fuseUnavailable()) === undefined && (await overlayWorks(store, true));
  const driver: SnapshotDriver = (await overlayWorks(store)) ? 'overlay' : (await fuse()) ? 'fuse-overlayfs' : 'copy';
  if (boot) await atomicWrite(store.root, file, `${JSON.stringify({ boot, driver })}\n`);
  return driver;
}

/** The driver forced by DRYDOCK_SNAPSHOTTER (`auto` or unset: probe); another value is refused. */
function forcedDriver(): SnapshotDriver | undefined {
  const v = process.env.DRYDOCK_SNAPSHOTTER;
  if (v === undefined || v === '' || v === 'auto') return undefined;
  if (!isDriver(v)) throw new DrydockError('USAGE', `DRYDOCK_SNAPSHOTTER=${v}: not a snapshotter (auto, ${DRIVERS.join(', ')})`);
  return v;
}

async function requireFuse(): Promise<void> {
  const why = await fuseUnavailable();
  if (why) throw new DrydockError('USAGE', `snapshotter fuse-overlayfs: ${why}; install it (scripts/setup.sh, Debian package fuse-overlayfs) or use another`);
}

export async function openSnapshotter(storeRoot: string, opts: { driver?: SnapshotDriver | 'auto' } = {}): Promise<Snapshotter> {
  const store = new LayerStore(path.join(path.resolve(storeRoot), 'snapshots'));
  await store.init();
  let driver: SnapshotDriver;
  const forced = isDriver(opts.driver) ? opts.driver : forcedDriver();
  if (forced) {
    driver = forced;
    if (driver === 'fuse-overlayfs') await requireFuse();
  } else {
    let p = probed.get(store.root);
    if (!p) {
      p = probeDriver(store);
      probed.set(store.root, p);
    }
    driver = await p;
  }
  // fuse-overlayfs keeps layers in the overlay format: only the mount differs.
  const overlay = driver !== 'copy';
  const fuse = driver === 'fuse-overlayfs';
  return {
    driver,
    hasLayer: (diffID) => store.has(diffID),
    ensureLayer: (diffID, openTar) => store.ensure(diffID, openTar, overlay),
    prepare: (layers) => (overlay ? overlayPrepare(store, layers, fuse) : copyPrepare(store, layers)),
    view: (layers) => (overlay ? overlayView(store, layers, fuse) : copyView(store, layers)),
    layerTar: (id) => undiffedLayerTar(store, id),
    alias: (diffID, id) => store.alias(diffID, id),
    prune: (keep) => store.prune(keep),
  };
}
