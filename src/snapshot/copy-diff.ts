/**
 * Changes of a copy snapshot: the merged tree compared with the state recorded when it was
 * prepared. A file is changed when its type, mode, owner, size, mtime, link target, device or
 * xattrs differ, or, when only its ctime moved, when its bytes differ from the layer it came
 * from. A directory that was replaced (new inode or birth time, or a non-directory before) is opaque, as
 * overlayfs would make it. Files sharing an inode with a changed file are changed too
 * (overlayfs copies both up), so hard links survive in the layer.
 */
import type { BigIntStats } from 'node:fs';
import { lstat, open, readlink } from 'node:fs/promises';
import path from 'node:path';
import { dumpXattrs, type Xattrs } from './xattr.js';
import { type Change, append, join, layerXattrs, sameDirMeta, sameXattrs, sortedNames } from './changes.js';

export interface RecordedEntry {
  stat: BigIntStats;
  linkTarget?: string;
  xattrs: Xattrs;
  /** For regular files: the layer file it was copied from, to compare bytes with. */
  source?: string;
}

export interface TreeState {
  entries: Map<string, RecordedEntry>;
  children: Map<string, string[]>;
}

/** Records the tree under `root`; `sources` maps relative paths to the layer file each came from. */
export async function recordState(root: string, sources: Map<string, string>): Promise<TreeState> {
  const xattrs = await dumpXattrs(root);
  const entries = new Map<string, RecordedEntry>();
  const children = new Map<string, string[]>();
  const visit = async (rel: string): Promise<void> => {
    const names = await sortedNames(path.join(root, rel));
    children.set(rel, names);
    for (const name of names) {
      const p = join(rel, name);
      const abs = path.join(root, p);
      const st = await lstat(abs, { bigint: true });
      const entry: RecordedEntry = { stat: st, xattrs: layerXattrs(xattrs.get(abs)), source: sources.get(p) };
      if (st.isSymbolicLink()) entry.linkTarget = await readlink(abs);
      entries.set(p, entry);
      if (st.isDirectory()) await visit(p);
    }
  };
  await visit('');
  return { entries, children };
}

// A freed inode number is often reused at once (rm -rf d; mkdir d): the birth time tells them apart.
function sameInode(a: BigIntStats, b: BigIntStats): boolean {
  return a.ino === b.ino && a.birthtimeNs === b.birthtimeNs;
}

function typeBits(st: BigIntStats): bigint {
  return st.mode & 0o170000n;
}

async function sameBytes(a: string, b: string): Promise<boolean> {
  const [fa, fb] = await Promise.all([open(a, 'r'), open(b, 'r')]);
  try {
    const ba = Buffer.alloc(64 * 1024);
    const bb = Buffer.alloc(64 * 1024);
    for (;;) {
      const [ra, rb] = await Promise.all([fa.read(ba, 0, ba.length, null), fb.read(bb, 0, bb.length, null)]);
      if (ra.bytesRead !== rb.bytesRead) return false;
      if (ra.bytesRead === 0) return true;
      if (!ba.subarray(0, ra.bytesRead).equals(bb.subarray(0, rb.bytesRead))) return false;
    }
  } finally {
    await Promise.all([fa.close(), fb.close()]);
  }
}

async function fileChanged(cur: Change & { kind: 'add' }, old: RecordedEntry): Promise<boolean> {
  const a = cur.stat;
  const b = old.stat;
  if (typeBits(a) !== typeBits(b) || a.mode !== b.mode || a.uid !== b.uid || a.gid !== b.gid) return true;
  if (a.size !== b.size || a.mtimeNs !== b.mtimeNs || a.rdev !== b.rdev || cur.linkTarget !== old.linkTarget) return true;
  if (!sameXattrs(cur.xattrs, old.xattrs)) return true;
  if (!a.isFile() || a.ctimeNs === b.ctimeNs) return false;
  // Same size and mtime but touched since: only the bytes can tell (e.g. mtime set back by hand).
  return !old.source || !(await sameBytes(cur.source, old.source));
}

export async function copyChanges(root: string, state: TreeState): Promise<Change[]> {
  const xattrs = await dumpXattrs(root);
  const linked = new Set<bigint>();
  const visit = async (rel: string, fresh: boolean, pass: 1 | 2): Promise<Change[]> => {
    const now = await sortedNames(path.join(root, rel));
    const before = fresh ? [] : (state.children.get(rel) ?? []);
    const names = [...new Set([...now, ...before])].sort((x, y) => Buffer.compare(Buffer.from(x), Buffer.from(y)));
    const present = new Set(now);
    const out: Change[] = [];
    for (const name of names) {
      const p = join(rel, name);
      const old = fresh ? undefined : state.entries.get(p);
      if (!present.has(name)) {
        if (old) out.push({ kind: 'delete', path: p });
        continue;
      }
      const source = path.join(root, p);
      const st = await lstat(source, { bigint: true });
      const cur: Change & { kind: 'add' } = { kind: 'add', path: p, source, stat: st, xattrs: layerXattrs(xattrs.get(source)) };
      if (st.isSymbolicLink()) cur.linkTarget = await readlink(source);
      if (st.isDirectory()) {
        const opaque = !!old && (!old.stat.isDirectory() || !sameInode(old.stat, st));
        const children = await visit(p, fresh || opaque, pass);
        const changed = !old || opaque || children.length > 0 || !sameDirMeta(st, old.stat) || !sameXattrs(cur.xattrs, old.xattrs);
        if (changed) {
          out.push({ ...cur, opaque });
          append(out, children);
        }
        continue;
      }
      const changed = !old || (pass === 2 && linked.has(st.ino)) || (await fileChanged(cur, old));
      if (changed) {
        if (st.nlink > 1n) linked.add(st.ino);
        out.push(cur);
      }
    }
    return out;
  };
  const first = await visit('', false, 1);
  return linked.size === 0 ? first : visit('', false, 2);
}
