/**
 * Changes of an overlay snapshot, read from its upperdir alone (no walk of the merged rootfs):
 * everything that is not a directory is there because it was written, chmod-ed or created;
 * a char 0/0 device is a deletion; a directory is a change when it is opaque, new, has other
 * metadata than the lower one it hides, or contains changes.
 */
import { lstatSync, readdirSync, readlinkSync, type BigIntStats } from 'node:fs';
import { lstat } from 'node:fs/promises';
import path from 'node:path';
import { Pacer } from '../util/sync-fs.js';
import { readXattrs } from '../util/xattr.js';
import { fuseOpaque, fuseUpperNames } from './fuse-overlay.js';
import { OPAQUE_XATTR, type Xattrs } from './xattr.js';
import { type Change, append, compareNames, isWhiteout, join, layerXattrs, sameDirMeta, sameXattrs, sortedNamesSync } from './changes.js';

export interface LowerLayer {
  /** The layer's directory (overlay format). */
  dir: string;
  /** Directories this layer marks opaque (relative paths). */
  opaque: ReadonlySet<string>;
}

async function tryLstat(p: string): Promise<BigIntStats | undefined> {
  try {
    return await lstat(p, { bigint: true });
  } catch {
    return undefined;
  }
}

/** The entry `rel` as the lower layers (top first) show it, or undefined if hidden or absent. */
export async function lowerEntry(lowers: LowerLayer[], rel: string): Promise<{ stat: BigIntStats; path: string } | undefined> {
  for (const layer of lowers) {
    const p = path.join(layer.dir, rel);
    const st = await tryLstat(p);
    if (st) return isWhiteout(st) ? undefined : { stat: st, path: p };
    // Absent here: lower layers still show through unless an ancestor here hides them.
    for (let a = path.posix.dirname(rel); ; a = path.posix.dirname(a)) {
      const anc = a === '.' ? '' : a;
      const ast = await tryLstat(path.join(layer.dir, anc));
      if (ast) {
        if (!ast.isDirectory() || layer.opaque.has(anc)) return undefined;
        break;
      }
      if (anc === '') break;
    }
  }
  return undefined;
}

// The upperdir is walked with synchronous calls (paced): one entry per file written, most of them
// small; each entry's xattrs are read as it is visited (one llistxattr, usually empty).
// `fuse`: the upperdir of a mounted fuse-overlayfs, with its own markers (fuse-overlay.ts).
export async function overlayChanges(upper: string, lowers: LowerLayer[], opts: { fuse?: boolean } = {}): Promise<Change[]> {
  const pacer = new Pacer();
  // `fresh`: the directory is not in any lower layer (or is opaque), so nothing below it is either:
  // no lookups there (Go's build cache alone makes 256 directories, most of them empty).
  const visit = async (rel: string, fresh: boolean): Promise<Change[]> => {
    const out: Change[] = [];
    const names = sortedNamesSync(path.join(upper, rel));
    for (const { name, deleted } of opts.fuse ? fuseUpperNames(names) : names.map((n) => ({ name: n, deleted: false }))) {
      const p = join(rel, name);
      const source = path.join(upper, p);
      await pacer.pace();
      if (deleted) {
        out.push({ kind: 'delete', path: p });
        continue;
      }
      const st = lstatSync(source, { bigint: true });
      if (isWhiteout(st)) {
        out.push({ kind: 'delete', path: p });
        continue;
      }
      const all = readXattrs(source);
      const entry: Change = { kind: 'add', path: p, source, stat: st, xattrs: layerXattrs(all) };
      if (st.isSymbolicLink()) entry.linkTarget = readlinkSync(source);
      if (!st.isDirectory()) {
        out.push(entry);
        continue;
      }
      const lower = fresh ? undefined : await lowerEntry(lowers, p);
      // fuse-overlayfs marks every mkdir opaque; only one that hides something below is (as the kernel's).
      const opaque = opts.fuse ? lower !== undefined && fuseOpaque(all, readdirSync(source)) : all.get(OPAQUE_XATTR)?.toString() === 'y';
      const lowerDir = lower?.stat.isDirectory() ? lower : undefined;
      const children = await visit(p, opaque || !lowerDir);
      if (opaque || children.length > 0 || !lowerDir || (await dirDiffers(lowerDir, st, entry.xattrs))) {
        out.push({ ...entry, opaque });
        append(out, children);
      }
    }
    return out;
  };
  return visit('', false);
}

// A directory copied up only for a mount stub (its mtime restored since) is not a change.
async function dirDiffers(lower: { stat: BigIntStats; path: string }, st: BigIntStats, xattrs: Xattrs): Promise<boolean> {
  if (!sameDirMeta(st, lower.stat)) return true;
  const lowerXattrs = layerXattrs(readXattrs(lower.path));
  return !sameXattrs(xattrs, lowerXattrs);
}

/**
 * What committing an upperdir as a layer without its diff needs to know, from one walk of the
 * upperdir alone: the bytes of file content its tar will hold (each regular file once, however
 * many hard links it has, as the tar writer stores them) and the directories it makes opaque.
 * Order does not matter here, so names are not sorted; only regular files are lstat-ed.
 */
export async function upperSummary(upper: string): Promise<{ size: number; opaque: string[] }> {
  const pacer = new Pacer();
  const seen = new Set<number>();
  const opaque: string[] = [];
  let size = 0;
  const visit = async (rel: string): Promise<void> => {
    for (const entry of readdirSync(path.join(upper, rel), { withFileTypes: true })) {
      const p = join(rel, entry.name);
      await pacer.pace();
      if (entry.isFile()) {
        const st = lstatSync(path.join(upper, p));
        if (st.nlink > 1) {
          if (seen.has(st.ino)) continue;
          seen.add(st.ino);
        }
        size += st.size;
      } else if (entry.isDirectory()) {
        if (readXattrs(path.join(upper, p)).get(OPAQUE_XATTR)?.toString() === 'y') opaque.push(p);
        await visit(p);
      }
    }
  };
  await visit('');
  return { size, opaque: opaque.sort(compareNames) };
}
