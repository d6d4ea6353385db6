/**
 * openSnapshotter: the layer store plus the driver chosen for this host. `auto` tries an
 * overlay mount once (per store root and boot: the answer is kept in snapshots/driver.json)
 * with the features we rely on (relative lowerdirs, trusted.overlay.* xattrs, whiteout devices)
 * and falls back to copying.
 */
import { mkdir, writeFile, readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { atomicWrite } from '../store/fsutil.js';
import { hostCalls } from '../util/syscalls.js';
import { copyPrepare, copyView } from './copy.js';
import { mountOverlay, overlayPrepare, overlayView, undiffedLayerTar } from './overlay.js';
import { LayerStore, unmount } from './store.js';
import type { SnapshotDriver, Snapshotter } from './types.js';
import { OPAQUE_XATTR, restoreXattrs } from './xattr.js';

const probed = new Map<string, Promise<SnapshotDriver>>();

async function overlayWorks(store: LayerStore): Promise<boolean> {
  const dir = await store.newTemp();
  const merged = path.join(dir, 'merged');
  let mounted = false;
  try {
    for (const d of ['lower/sub', 'upper', 'work', 'merged']) await mkdir(path.join(dir, d), { recursive: true });
    await writeFile(path.join(dir, 'lower/sub/file'), 'lower');
    await hostCalls().mknodWhiteouts([path.join(dir, 'lower/gone')]);
    await restoreXattrs([{ path: path.join(dir, 'lower/sub'), name: OPAQUE_XATTR, value: Buffer.from('y') }]);
    const rel = path.relative(store.root, dir);
    await mountOverlay(store, [path.join(rel, 'lower'), 'empty'], merged, { upper: path.join(dir, 'upper'), work: path.join(dir, 'work') });
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
  if (boot && known?.boot === boot && (known.driver === 'overlay' || known.driver === 'copy')) return known.driver;
  const driver: SnapshotDriver = (await overlayWorks(store)) ? 'overlay' : 'copy';
  if (boot) await atomicWrite(store.root, file, `${JSON.stringify({ boot, driver })}\n`);
  return driver;
}

export async function openSnapshotter(storeRoot: string, opts: { driver?: SnapshotDriver | 'auto' } = {}): Promise<Snapshotter> {
  const store = new LayerStore(path.join(path.resolve(storeRoot), 'snapshots'));
  await store.init();
  let driver: SnapshotDriver;
  if (opts.driver === 'overlay' || opts.driver === 'copy') driver = opts.driver;
  else {
    let p = probed.get(store.root);
    if (!p) {
      p = probeDriver(store);
      probed.set(store.root, p);
    }
    driver = await p;
  }
  const overlay = driver === 'overlay';
  return {
    driver,
    hasLayer: (diffID) => store.has(diffID),
    ensureLayer: (diffID, openTar) => store.ensure(diffID, openTar, overlay),
    prepare: (layers) => (overlay ? overlayPrepare(store, layers) : copyPrepare(store, layers)),
    view: (layers) => (overlay ? overlayView(store, layers) : copyView(store, layers)),
    layerTar: (id) => undiffedLayerTar(store, id),
    alias: (diffID, id) => store.alias(diffID, id),
    prune: (keep) => store.prune(keep),
  };
}
