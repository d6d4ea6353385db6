/**
 * Whether this process is drydock's rootless re-execution (reexec.ts sets DRYDOCK_ROOTLESS to the
 * host uid it maps to root), and where such a process keeps its runtime state.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { DrydockError } from '../util/errors.js';

export const ROOTLESS_ENV = 'DRYDOCK_ROOTLESS';

/**
 * The host uid we run as when rootless; undefined as real root. Re-executed by reexec.ts, or
 * started as root of a user namespace someone else made (`podman unshare`, rootlesskit, the
 * typed API in such a process) whose root is a user outside.
 */
export function rootlessUid(): number | undefined {
  const v = process.env[ROOTLESS_ENV];
  if (v && /^\d+$/.test(v)) return Number(v);
  if (process.getuid?.() !== 0 || !inUserNamespace()) return undefined;
  const root = idMaps().uid.find((m) => m.inside === 0);
  return root && root.outside !== 0 ? root.outside : undefined;
}

export function isRootless(): boolean {
  return rootlessUid() !== undefined;
}

/**
 * runc state and bundles: $XDG_RUNTIME_DIR/drydock (a per-user tmpfs under systemd), else a
 * per-user directory in /dev/shm (memory, as the bundles' secrets require), as rootless BuildKit
 * keeps its state in $XDG_RUNTIME_DIR.
 */
export function rootlessRuntimeDir(uid = rootlessUid() ?? process.getuid?.() ?? 0): string {
  const xdg = process.env.XDG_RUNTIME_DIR;
  return xdg ? path.join(xdg, 'drydock') : `/dev/shm/drydock-${uid}`;
}

let cachedMaps: { uid: IdMap[]; gid: IdMap[] } | undefined;

export interface IdMap {
  inside: number;
  outside: number;
  count: number;
}

function readMap(file: string): IdMap[] {
  const text = (() => {
    try {
      return readFileSync(file, 'utf8');
    } catch {
      return '0 0 4294967295';
    }
  })();
  return text.split('\n').filter((l) => l.trim()).map((l) => {
    const [inside, outside, count] = l.trim().split(/\s+/).map(Number);
    return { inside: inside!, outside: outside!, count: count! };
  });
}

/** This process's user namespace maps (/proc/self/{uid,gid}_map). */
export function idMaps(): { uid: IdMap[]; gid: IdMap[] } {
  cachedMaps ??= { uid: readMap('/proc/self/uid_map'), gid: readMap('/proc/self/gid_map') };
  return cachedMaps;
}

/** In a user namespace other than the host's (the initial one maps every id to itself). */
export function inUserNamespace(): boolean {
  const m = idMaps().uid;
  return !(m.length === 1 && m[0]!.inside === 0 && m[0]!.outside === 0 && m[0]!.count === 4294967295);
}

/** "0-65536" for the ids a map covers, inside. */
export function describeMap(maps: IdMap[]): string {
  const max = Math.max(...maps.map((m) => m.inside + m.count - 1));
  const contiguous = maps.reduce((n, m) => n + m.count, 0) === max + 1 && maps.some((m) => m.inside === 0);
  return contiguous ? `0-${max}` : maps.map((m) => `${m.inside}-${m.inside + m.count - 1}`).join(',');
}

export function idMapped(maps: IdMap[], id: number): boolean {
  return maps.some((m) => id >= m.inside && id < m.inside + m.count);
}

/**
 * Makes the rootless runtime dir and checks it is ours alone: /dev/shm is writable by every user,
 * and the bundles in it hold secret values, so a directory someone else made there (or a symlink
 * to one) is refused, not used.
 */
export async function privateRuntimeDir(dir = rootlessRuntimeDir()): Promise<string> {
  const { mkdir, lstat } = await import('node:fs/promises');
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const st = await lstat(dir);
  const me = process.getuid?.() ?? 0;
  if (!st.isDirectory() || st.uid !== me || (st.mode & 0o077) !== 0) {
    throw new DrydockError('USAGE', `rootless: ${dir} is not a private directory of this user (a symlink, another owner, or open to others); remove it, or set XDG_RUNTIME_DIR`);
  }
  return dir;
}
