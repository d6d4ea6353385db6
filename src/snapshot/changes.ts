/**
 * A layer's changes as data: the list both drivers compute and the tar writer turns into bytes.
 * Order is the tar's order: depth first, a directory before its children, siblings by byte
 * order of their names, a deletion at the place of the name it deletes.
 */
import { readdirSync, type BigIntStats } from 'node:fs';
import { readdir } from 'node:fs/promises';
import type { Xattrs } from './xattr.js';

export type Change =
  | {
      kind: 'add';
      /** Relative to the rootfs, no leading or trailing slash. */
      path: string;
      /** Where to read the file and its metadata on the host. */
      source: string;
      stat: BigIntStats;
      /** Link target of a symlink. */
      linkTarget?: string;
      /** Attributes to record (overlay's own already dropped). */
      xattrs: Xattrs;
      /** A directory that hides everything below it in lower layers. */
      opaque?: boolean;
    }
  | { kind: 'delete'; path: string };

export function compareNames(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

export async function sortedNames(dir: string): Promise<string[]> {
  return (await readdir(dir)).sort(compareNames);
}

export function sortedNamesSync(dir: string): string[] {
  return readdirSync(dir).sort(compareNames);
}

/** `out.push(...items)` without one call argument per item (which overflows the stack past ~100,000). */
export function append<T>(out: T[], items: readonly T[]): void {
  for (const item of items) out.push(item);
}

export function join(rel: string, name: string): string {
  return rel === '' ? name : `${rel}/${name}`;
}

/** Overlay (and layer-store) whiteouts: a character device 0/0. */
export function isWhiteout(st: BigIntStats): boolean {
  return st.isCharacterDevice() && st.rdev === 0n;
}

/**
 * The xattrs a layer records: security.capability alone, as Docker's layer writers do
 * (containerd's archive/tar.go HandleChange, which BuildKit uses, and moby's pkg/archive
 * ReadSecurityXattrToTarHeader). Other xattrs stay on the snapshot, so later steps of the build
 * see them, but they are not part of the image (conformance case copy-xattrs-context).
 */
export function layerXattrs(all: Xattrs | undefined): Xattrs {
  const out: Xattrs = new Map();
  const cap = all?.get(CAPABILITY_XATTR);
  if (cap) out.set(CAPABILITY_XATTR, cap);
  return out;
}

const CAPABILITY_XATTR = 'security.capability';

export function sameXattrs(a: Xattrs, b: Xattrs): boolean {
  if (a.size !== b.size) return false;
  for (const [k, v] of a) {
    const w = b.get(k);
    if (!w || !w.equals(v)) return false;
  }
  return true;
}

/** The metadata a directory entry in a tar carries (mtime to the nanosecond). */
export function sameDirMeta(a: BigIntStats, b: BigIntStats): boolean {
  return a.mode === b.mode && a.uid === b.uid && a.gid === b.gid && a.mtimeNs === b.mtimeNs;
}
