/** A directory tree as a tar stream: sorted, hard links as links, devices, xattrs, numeric owners. */
import { createReadStream } from 'node:fs';
import { lstat, readdir, readlink } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import type { TarHeader, EntryType } from './header.js';
import { tarStream, type TarWriter } from './writer.js';
import { readXattrTree } from './xattr.js';
import type { Stats } from 'node:fs';

export function major(rdev: number): number {
  return ((rdev >> 8) & 0xfff) | (Math.floor(rdev / 2 ** 32) & ~0xfff);
}

export function minor(rdev: number): number {
  return (rdev & 0xff) | ((rdev >> 12) & 0xfff00);
}

function typeOf(st: Stats): EntryType | undefined {
  if (st.isFile()) return 'file';
  if (st.isDirectory()) return 'directory';
  if (st.isSymbolicLink()) return 'symlink';
  if (st.isCharacterDevice()) return 'char';
  if (st.isBlockDevice()) return 'block';
  if (st.isFIFO()) return 'fifo';
  return undefined; // sockets are not archived (as tar does)
}

export function packDirectory(dir: string): Readable {
  return tarStream(async (w) => {
    const xattrs = await readXattrTree(dir);
    const inodes = new Map<string, string>();
    await walk(w, dir, '', xattrs, inodes);
  });
}

async function walk(w: TarWriter, abs: string, rel: string, xattrs: Map<string, Record<string, Buffer>>, inodes: Map<string, string>): Promise<void> {
  const names = (await readdir(abs)).sort();
  for (const name of names) {
    const p = join(abs, name);
    const r = rel ? `${rel}/${name}` : name;
    const st = await lstat(p);
    const type = typeOf(st);
    if (!type) continue;
    const h: TarHeader = { name: type === 'directory' ? `${r}/` : r, type, mode: st.mode & 0o7777, uid: st.uid, gid: st.gid, size: 0, mtime: Math.floor(st.mtimeMs / 1000) };
    const x = xattrs.get(p);
    if (x) h.xattrs = x;
    if (type === 'file' && st.nlink > 1) {
      const key = `${st.dev}:${st.ino}`;
      const first = inodes.get(key);
      if (first !== undefined) {
        await w.add({ ...h, type: 'link', linkname: first });
        continue;
      }
      inodes.set(key, r);
    }
    if (type === 'symlink') h.linkname = await readlink(p);
    if (type === 'char' || type === 'block') {
      h.devmajor = major(st.rdev);
      h.devminor = minor(st.rdev);
    }
    if (type === 'file') {
      h.size = st.size;
      await w.add(h, st.size ? createReadStream(p) : undefined);
    } else await w.add(h);
    if (type === 'directory') await walk(w, p, r, xattrs, inodes);
  }
}
