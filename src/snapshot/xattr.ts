/**
 * The snapshotter's view of extended attributes: whole-tree dumps for diffs, and overlayfs's own
 * attributes (opaque directories), which are bookkeeping and never part of a layer.
 */
import { inUserNamespace } from '../rootless/env.js';
import { readXattrTree, writeXattr, type Xattrs } from '../util/xattr.js';

export type { Xattrs };

/**
 * overlayfs keeps its attributes in trusted.overlay.*; in a user namespace (rootless), where
 * trusted.* cannot be written, it is mounted with `userxattr` and uses user.overlay.* (Linux 5.11+).
 */
export const USERXATTR = inUserNamespace();
const PREFIX = USERXATTR ? 'user.overlay.' : 'trusted.overlay.';

/** overlayfs's own bookkeeping (opaque, origin, impure, redirect, uuid): never part of a layer. */
export function isOverlayXattr(name: string): boolean {
  return name.startsWith(PREFIX);
}

export const OPAQUE_XATTR = `${PREFIX}opaque`;

/**
 * Every xattr of every file under `root` (not following symlinks), keyed by absolute path;
 * files without xattrs are absent.
 */
export async function dumpXattrs(root: string): Promise<Map<string, Xattrs>> {
  return readXattrTree(root);
}

/** Sets attributes on many files (on symlinks themselves, not their targets). */
export async function restoreXattrs(entries: Array<{ path: string; name: string; value: Buffer }>): Promise<void> {
  for (const e of entries) writeXattr(e.path, e.name, e.value);
}
