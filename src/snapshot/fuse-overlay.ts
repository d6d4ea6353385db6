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
import { spawn, type ChildProcess } from 'node:child_process';
import { constants } from 'node:fs';
import { access, lstat, readdir, stat, unlink } from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { DrydockError } from '../util/errors.js';
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

/** A mounted fuse-overlayfs: drydock's own child, serving one target until it is unmounted. */
interface FuseServer {
  child: ChildProcess;
  exited: Promise<void>;
  stderr: () => string;
}

const servers = new Map<string, FuseServer>();
const MOUNT_WAIT_MS = 30_000;
const EXIT_WAIT_MS = 10_000;

/**
 * Mounts `lowers` (relative to the store root, top first) with an optional upper on `target`.
 * Run in the store root with relative paths: no quoting of the user's store path in -o.
 * fuse-overlayfs runs in the foreground (-f) as drydock's child, not as the daemon it makes of
 * itself otherwise (libfuse's fuse_daemonize: fork, the parent exits): containers/storage
 * (drivers/overlay/overlay.go, mountProgram) and containerd's snapshotter (the mount.fuse3
 * helper, containerd/containerd#3765) let it daemonize, so once unmounted it exits as an orphan
 * of PID 1, and where nothing there reaps (drydock as a pod's PID 1) zombies pile up
 * (moby/moby#42635, containers/storage#1654). The child is reaped by fuseUnmounted().
 */
export async function mountFuseOverlay(store: LayerStore, lowers: string[], target: string, upper?: { upper: string; work: string }): Promise<void> {
  const rel = (p: string) => path.relative(store.root, path.resolve(store.root, p));
  const opts = [`lowerdir=${lowers.map(rel).join(':')}`];
  if (upper) opts.push(`upperdir=${rel(upper.upper)}`, `workdir=${rel(upper.work)}`);
  const mountpoint = path.resolve(target);
  const before = (await stat(mountpoint)).dev;
  // Its own session (detached: setsid, as the daemon it would be): a Ctrl-C at the terminal goes to
  // drydock, which cancels and unmounts, not to the server under a RUN that is still being stopped.
  const child = spawn(FUSE_OVERLAYFS, ['-f', '-o', opts.join(','), mountpoint], { cwd: store.root, stdio: ['ignore', 'ignore', 'pipe'], detached: true });
  let err = '';
  // Its last words only: a long-lived server may warn now and then.
  child.stderr!.setEncoding('utf8').on('data', (d: string) => { err = (err + d).slice(-4096); });
  let done: { code: number | null; signal: NodeJS.Signals | null; error?: Error } | undefined;
  const exited = new Promise<void>((resolve) => {
    child.once('error', (error) => { done = { code: null, signal: null, error }; resolve(); });
    child.once('close', (code, signal) => { done ??= { code, signal }; resolve(); });
  });
  const server: FuseServer = { child, exited, stderr: () => err.trim().replace(/\s*\n\s*/g, '; ') };
  // The mount is there when the target's device changes (FUSE gives it its own st_dev).
  const deadline = Date.now() + MOUNT_WAIT_MS;
  for (let wait = 1; ; wait = Math.min(wait * 2, 50)) {
    if (done) {
      const why = done.error ? done.error.message : done.signal ?? `exit ${done.code}`;
      throw new DrydockError('STORE', `${FUSE_OVERLAYFS} could not mount ${mountpoint} (${why}): ${server.stderr() || 'no message'}`);
    }
    if ((await stat(mountpoint).catch(() => undefined))?.dev !== before) break;
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      await exited;
      throw new DrydockError('STORE', `${FUSE_OVERLAYFS} did not mount ${mountpoint} within ${MOUNT_WAIT_MS / 1000} s: ${server.stderr() || 'no message'}`);
    }
    await sleep(wait);
  }
  servers.set(mountpoint, server);
  // A mount left for the next open's recovery must not keep this process alive.
  child.unref();
  (child.stderr as unknown as { unref?: () => void }).unref?.();
}

/**
 * After `target` is unmounted: waits for its fuse-overlayfs to exit (the kernel ends the FUSE
 * session at unmount, and the server then returns) so that drydock reaps it. Where a lazy unmount
 * left files open it is stopped (libfuse ends its loop on SIGTERM). Nothing for other mounts.
 */
export async function fuseUnmounted(target: string): Promise<void> {
  const mountpoint = path.resolve(target);
  const server = servers.get(mountpoint);
  if (!server) return;
  servers.delete(mountpoint);
  server.child.ref();
  const timeout = (ms: number) => sleep(ms, 'timeout' as const, { ref: false });
  if ((await Promise.race([server.exited, timeout(EXIT_WAIT_MS)])) === 'timeout') {
    server.child.kill('SIGTERM');
    if ((await Promise.race([server.exited, timeout(EXIT_WAIT_MS)])) === 'timeout') server.child.kill('SIGKILL');
    await server.exited;
  }
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
