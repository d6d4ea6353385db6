/**
 * The fuse-overlayfs driver: the overlay driver's layout (layers as lowerdirs, the upperdir as
 * the diff and then the layer), mounted by fuse-overlayfs (a FUSE daemon) where the kernel's
 * overlayfs cannot mount in a user namespace (before Linux 5.11), as rootless Podman, buildah and
 * containerd's fuse-overlayfs snapshotter do. It reads the layer dirs as they are (whiteout
 * devices, the overlay opaque xattr). What it writes in the upperdir differs a little, and is made
 * the overlay format before the upperdir becomes a layer (normalizeFuseUpper):
 *   - a deletion is a char 0/0 device where mknod works (in a user namespace since Linux 5.8),
 *     else a file `.wh.<name>`;
 *   - an opaque directory has `user.fuseoverlayfs.opaque` (or trusted.overlay.opaque as real root)
 *     and a file `.wh..wh..opq` in it, and fuse-overlayfs 1.x leaves a 0/0 device `.wh..opq` too.
 * (github.com/containers/fuse-overlayfs src/whiteout.rs, src/xattr.rs.)
 * Ownership is exact: run as root of the namespace, it creates files with the caller's ids and
 * mounts with allow_other,default_permissions by itself.
 */
import { constants } from 'node:fs';
import { access, lstat, readdir, unlink } from 'node:fs/promises';
import path from 'node:path';
import { hostCalls } from '../util/syscalls.js';
import { runTool } from '../util/tool.js';
import { readXattrs, removeXattr } from '../util/xattr.js';
import { compareNames } from './changes.js';
import type { LayerStore } from './store.js';
import { OPAQUE_XATTR, restoreXattrs, type Xattrs } from './xattr.js';

export const FUSE_OVERLAYFS = 'fuse-overlayfs';
const WH = '.wh.';
/** fuse-overlayfs's marker of an opaque directory, where it could not set an xattr (and besides). */
export const OPAQUE_SENTINEL = '.wh..wh..opq';
const OPAQUE_XATTRS = ['user.fuseoverlayfs.opaque', 'trusted.overlay.opaque', 'user.overlay.opaque'];

/** An upperdir entry name fuse-overlayfs uses for bookkeeping (`.wh.*`): not a file of the rootfs. */
export function isFuseMarker(name: string): boolean {
  return name.startsWith(WH);
}

/**
 * An upperdir's names as the rootfs has them, sorted: the markers left out, a `.wh.<name>` file
 * as a deletion of <name> (a file created after a deletion replaces its whiteout).
 */
export function fuseUpperNames(names: readonly string[]): Array<{ name: string; deleted: boolean }> {
  const present = new Set(names.filter((n) => !isFuseMarker(n)));
  const out = [...present].map((name) => ({ name, deleted: false }));
  for (const n of names) {
    const target = fuseWhiteoutTarget(n);
    if (target !== undefined && !present.has(target)) out.push({ name: target, deleted: true });
  }
  return out.sort((a, b) => compareNames(a.name, b.name));
}

/** The name a `.wh.<name>` file deletes (undefined for the opaque markers). */
export function fuseWhiteoutTarget(name: string): string | undefined {
  if (!name.startsWith(WH) || name === OPAQUE_SENTINEL || name === '.wh..opq') return undefined;
  const target = name.slice(WH.length);
  return target === '' || target.startsWith(WH) ? undefined : target;
}

/** Whether fuse-overlayfs marked an upper directory (with these xattrs and entries) opaque. */
export function fuseOpaque(all: Xattrs, names: readonly string[]): boolean {
  return OPAQUE_XATTRS.some((x) => all.get(x)?.toString() === 'y') || names.includes(OPAQUE_SENTINEL);
}

/** Why fuse-overlayfs cannot be used here, or undefined. */
export async function fuseUnavailable(): Promise<string | undefined> {
  if (await runTool('sh', ['-c', `command -v ${FUSE_OVERLAYFS}`]).then(() => false, () => true)) return `${FUSE_OVERLAYFS} is not installed`;
  // Often 0600 in containers and minimal VMs (udev makes it 0666 on Debian hosts).
  if (await access('/dev/fuse', constants.R_OK | constants.W_OK).then(() => false, () => true)) return '/dev/fuse cannot be opened (it must be 0666, as udev makes it)';
  return undefined;
}

/**
 * Mounts `lowers` (relative to the store root, top first) with an optional upper on `target`.
 * Run in the store root with relative paths: no quoting of the user's store path in -o.
 */
export async function mountFuseOverlay(store: LayerStore, lowers: string[], target: string, upper?: { upper: string; work: string }): Promise<void> {
  const rel = (p: string) => path.relative(store.root, path.resolve(store.root, p));
  const opts = [`lowerdir=${lowers.map(rel).join(':')}`];
  if (upper) opts.push(`upperdir=${rel(upper.upper)}`, `workdir=${rel(upper.work)}`);
  await runTool(FUSE_OVERLAYFS, ['-o', opts.join(','), path.resolve(target)], { cwd: store.root });
}

/**
 * Turns an unmounted fuse-overlayfs upperdir into the overlay format of layer dirs: `.wh.<name>`
 * files become whiteout devices, the markers go, and a directory it marked opaque keeps only the
 * overlay opaque xattr, and only where the lower layers have something there (`hasLower`): it
 * marks every directory made by mkdir opaque, the kernel only one made where a whiteout was.
 */
export async function normalizeFuseUpper(upper: string, hasLower: (rel: string) => Promise<boolean>): Promise<void> {
  const visit = async (rel: string): Promise<void> => {
    const dir = path.join(upper, rel);
    const names = await readdir(dir);
    const all = readXattrs(dir);
    if (rel !== '' && fuseOpaque(all, names)) {
      for (const x of OPAQUE_XATTRS) if (all.has(x)) removeXattr(dir, x);
      if (await hasLower(rel)) await restoreXattrs([{ path: dir, name: OPAQUE_XATTR, value: Buffer.from('y') }]);
    }
    for (const name of names) {
      const p = path.join(dir, name);
      if (isFuseMarker(name)) {
        const target = fuseWhiteoutTarget(name);
        await unlink(p);
        if (target !== undefined && !names.includes(target)) await hostCalls().mknodWhiteouts([path.join(dir, target)]);
      } else if ((await lstat(p)).isDirectory()) await visit(rel === '' ? name : `${rel}/${name}`);
    }
  };
  await visit('');
}
