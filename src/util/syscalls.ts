/**
 * The Linux system calls drydock needs and Node has no API for: mount(2) and umount2(2) for
 * overlay snapshots, utimensat(2) on a symlink to the nanosecond, mknodat(2) for overlay
 * whiteouts. They are called in-process, into the C library, through koffi (an FFI whose
 * prebuilt binaries come from npm): a spawned `mount` or `umount` costs 3-10 ms in a big Node
 * process, the call itself a fraction of one, and a build mounts and unmounts at every step.
 * Where koffi cannot load (a platform it has no binary for, a broken install), the host tools
 * run instead (mount, umount, touch, mknod): `hostCalls('tools')`, also what tests compare with.
 *
 * Paths are made absolute first: a call never depends on the process's working directory, which
 * is shared by every thread (a mount with relative lowerdirs, as overlay2 makes them to fit the
 * one-page option limit, runs the `mount` tool with its own working directory instead).
 */
import path from 'node:path';
import { getSystemErrorMap } from 'node:util';
import koffi from 'koffi';
import { runTool } from './tool.js';

export interface HostCalls {
  readonly kind: 'ffi' | 'tools';
  /** mount(2) of a filesystem without a device (overlay, tmpfs...) with its option string. */
  mount(fstype: string, target: string, data: string): Promise<void>;
  /** umount2(2); `detach` is MNT_DETACH (`umount -l`): gone now, freed when no longer busy. */
  unmount(target: string, opts?: { detach?: boolean }): Promise<void>;
  /** Sets a path's mtime to the nanosecond, not following a symlink (fs.lutimes takes a double and rounds). */
  setMtimeNs(p: string, mtimeNs: bigint): Promise<void>;
  /** Makes overlay whiteouts: character devices 0/0, mode 0666 less the umask (as `mknod p c 0 0`). */
  mknodWhiteouts(paths: string[]): Promise<void>;
  /** mknod(2) of a device or FIFO (mode 0600 less the umask; the caller sets the real mode after). */
  mknod(p: string, type: 'char' | 'block' | 'fifo', major: number, minor: number): Promise<void>;
}

const AT_FDCWD = -100;
const AT_SYMLINK_NOFOLLOW = 0x100;
const MNT_DETACH = 2;
const UTIME_OMIT = (1n << 30n) - 2n;
const S_IFCHR = 0o020000;
const S_IFBLK = 0o060000;
const S_IFIFO = 0o010000;
const NODE_TYPES = { char: S_IFCHR, block: S_IFBLK, fifo: S_IFIFO } as const;

/** Linux's dev_t from major and minor (glibc's makedev). */
function makedev(major: number, minor: number): bigint {
  const ma = BigInt(major);
  const mi = BigInt(minor);
  return ((ma & 0xfffn) << 8n) | ((ma & ~0xfffn) << 32n) | (mi & 0xffn) | ((mi & ~0xffn) << 12n);
}

/** Whole seconds (rounded down, as a timespec's are) and the nanoseconds past them. */
function splitNs(ns: bigint): [bigint, bigint] {
  const nsec = ((ns % 1_000_000_000n) + 1_000_000_000n) % 1_000_000_000n;
  return [(ns - nsec) / 1_000_000_000n, nsec];
}

/** An Error as Node's own fs errors are: `code` is the errno's name, the message names the call. */
function errnoError(errno: number, call: string, p: string): NodeJS.ErrnoException {
  const [code, message] = getSystemErrorMap().get(-errno) ?? [`E${errno}`, `error ${errno}`];
  const err: NodeJS.ErrnoException = new Error(`${code}: ${message}, ${call} '${p}'`);
  err.code = code;
  err.errno = errno;
  err.path = p;
  err.syscall = call;
  return err;
}

function ffiCalls(): HostCalls {
  const libc = koffi.load(null); // the process's own symbols: Node links the C library
  const mount = libc.func('int mount(const char *source, const char *target, const char *fstype, unsigned long flags, const char *data)');
  const umount2 = libc.func('int umount2(const char *target, int flags)');
  const utimensat = libc.func('int utimensat(int dirfd, const char *path, const int64_t *times, int flags)');
  const mknodat = libc.func('int mknodat(int dirfd, const char *path, unsigned int mode, uint64_t dev)');
  // errno is per thread: a call made on a worker thread (koffi's async) loses it, so a failed
  // asynchronous unmount is repeated synchronously to learn why (a failing umount2 changes nothing).
  const umountAsync = (target: string, flags: number) =>
    new Promise<number>((resolve, reject) => umount2.async(target, flags, (err: unknown, r: number) => (err ? reject(err) : resolve(r))));
  return {
    kind: 'ffi',
    async mount(fstype, target, data) {
      const t = path.resolve(target);
      if (mount(fstype, t, fstype, 0, data) !== 0) throw errnoError(koffi.errno(), 'mount', t);
    },
    async unmount(target, opts) {
      const t = path.resolve(target);
      const flags = opts?.detach ? MNT_DETACH : 0;
      // On a worker thread: unmounting a snapshot that is not volatile syncs its filesystem.
      if ((await umountAsync(t, flags)) === 0) return;
      if (umount2(t, flags) !== 0) throw errnoError(koffi.errno(), 'umount', t);
    },
    async setMtimeNs(p, mtimeNs) {
      const f = path.resolve(p);
      const [sec, nsec] = splitNs(mtimeNs);
      const times = new BigInt64Array([0n, UTIME_OMIT, sec, nsec]);
      if (utimensat(AT_FDCWD, f, times, AT_SYMLINK_NOFOLLOW) !== 0) throw errnoError(koffi.errno(), 'utimensat', f);
    },
    async mknodWhiteouts(paths) {
      for (const p of paths) {
        const f = path.resolve(p);
        if (mknodat(AT_FDCWD, f, S_IFCHR | 0o666, 0n) !== 0) throw errnoError(koffi.errno(), 'mknod', f);
      }
    },
    async mknod(p, type, major, minor) {
      const f = path.resolve(p);
      if (mknodat(AT_FDCWD, f, NODE_TYPES[type] | 0o600, type === 'fifo' ? 0n : makedev(major, minor)) !== 0) throw errnoError(koffi.errno(), 'mknod', f);
    },
  };
}

const toolCalls: HostCalls = {
  kind: 'tools',
  async mount(fstype, target, data) {
    await runTool('mount', ['-t', fstype, fstype, '-o', data, target]);
  },
  async unmount(target, opts) {
    await runTool('umount', [...(opts?.detach ? ['-l'] : []), target]);
  },
  async setMtimeNs(p, mtimeNs) {
    // touch reads `@-1.5` as 1.5 s before the epoch: sign, then the magnitude's seconds and fraction.
    const abs = mtimeNs < 0n ? -mtimeNs : mtimeNs;
    const stamp = `@${mtimeNs < 0n ? '-' : ''}${abs / 1_000_000_000n}.${(abs % 1_000_000_000n).toString().padStart(9, '0')}`;
    await runTool('touch', ['-m', '-h', '-d', stamp, p]);
  },
  async mknodWhiteouts(paths) {
    for (let i = 0; i < paths.length; i += 500) {
      await runTool('sh', ['-c', 'for p in "$@"; do mknod "$p" c 0 0 || exit 1; done', 'sh', ...paths.slice(i, i + 500)]);
    }
  },
  async mknod(p, type, major, minor) {
    await runTool('mknod', ['-m', '600', '--', p, type === 'char' ? 'c' : type === 'block' ? 'b' : 'p', ...(type === 'fifo' ? [] : [String(major), String(minor)])]);
  },
};

let chosen: HostCalls | undefined;

/**
 * The implementation in use: in-process calls when koffi loads here, else the tools. `kind`
 * asks for one (tests run both); asking for `ffi` where it cannot load throws.
 */
export function hostCalls(kind?: 'ffi' | 'tools'): HostCalls {
  if (kind === 'tools') return toolCalls;
  if (kind === 'ffi') return ffiCalls();
  if (!chosen) {
    try {
      chosen = ffiCalls();
    } catch {
      chosen = toolCalls;
    }
  }
  return chosen;
}
