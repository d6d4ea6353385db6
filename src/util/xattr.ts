/**
 * Extended attributes, read and written with the l*xattr system calls (never following a
 * symlink) through @napi-rs/xattr, a prebuilt N-API binding from npm: Node has no xattr API.
 * These replace getfattr/setfattr processes, which cost a spawn (~5 ms in a big Node process)
 * per snapshot diff, commit, probe and copy. Calls are synchronous: each is one system call
 * (a few microseconds), like the other small-file calls (util/sync-fs.ts).
 */
import { readdirSync } from 'node:fs';
import { constants } from 'node:os';
import path from 'node:path';
import { getAttributeSync, listAttributesSync, removeAttributeSync, setAttributeSync } from '@napi-rs/xattr';

/** name → raw value, for one file. */
export type Xattrs = Map<string, Buffer>;

/** The errno behind a binding error ("... (os error 95)"), named as Node names it (os.constants.errno). */
function errnoCode(e: unknown): string | undefined {
  const n = /\(os error (\d+)\)/.exec((e as Error)?.message ?? '')?.[1];
  if (n === undefined) return undefined;
  const names = Object.entries(constants.errno).filter(([, v]) => v === Number(n)).map(([k]) => k);
  // 95 is both ENOTSUP and EOPNOTSUPP on Linux: one name for it, as Node's errors use.
  return names.includes('EOPNOTSUPP') ? 'EOPNOTSUPP' : names[0];
}

/** An Error carrying the errno's code (`EPERM`...), so callers can tell causes apart. */
function xattrError(e: unknown, what: string): NodeJS.ErrnoException {
  const err: NodeJS.ErrnoException = new Error(`${what}: ${(e as Error)?.message ?? e}`, { cause: e });
  const code = errnoCode(e);
  if (code) err.code = code;
  return err;
}

/**
 * The attributes of `file` itself (a symlink's own, not its target's). A file that vanished, or a
 * filesystem without xattrs, has none.
 */
export function readXattrs(file: string): Xattrs {
  const out: Xattrs = new Map();
  let names: string[];
  try {
    names = listAttributesSync(file);
  } catch (e) {
    const code = errnoCode(e);
    if (code === 'ENOENT' || code === 'EOPNOTSUPP' || code === 'ENOTDIR') return out;
    throw xattrError(e, `listing the extended attributes of ${file}`);
  }
  for (const name of names) {
    let value: Buffer | null;
    try {
      value = getAttributeSync(file, name);
    } catch (e) {
      const code = errnoCode(e);
      if (code === 'ENOENT' || code === 'ENODATA') continue; // removed meanwhile
      throw xattrError(e, `reading extended attribute ${name} of ${file}`);
    }
    if (value !== null) out.set(name, value);
  }
  return out;
}

/**
 * Every attribute of every entry under `root` (root included, symlinks not followed), keyed by
 * absolute path; entries without attributes are absent.
 */
export function readXattrTree(root: string): Map<string, Xattrs> {
  const out = new Map<string, Xattrs>();
  const visit = (p: string, isDir: boolean) => {
    const x = readXattrs(p);
    if (x.size) out.set(p, x);
    if (!isDir) return;
    let entries;
    try {
      entries = readdirSync(p, { withFileTypes: true });
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'ENOTDIR') return; // vanished, or replaced by a file
      throw e;
    }
    for (const d of entries) visit(path.join(p, d.name), d.isDirectory());
  };
  visit(root, true);
  return out;
}

/** Sets one attribute on `file` itself (a symlink's own). */
export function writeXattr(file: string, name: string, value: Buffer): void {
  try {
    setAttributeSync(file, name, value);
  } catch (e) {
    throw xattrError(e, `setting extended attribute ${name} on ${file}`);
  }
}

/** Removes one attribute from `file` itself; one it does not have is no error. */
export function removeXattr(file: string, name: string): void {
  try {
    removeAttributeSync(file, name);
  } catch (e) {
    if (errnoCode(e) !== 'ENODATA') throw xattrError(e, `removing extended attribute ${name} from ${file}`);
  }
}
