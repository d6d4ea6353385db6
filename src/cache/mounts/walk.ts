/**
 * A cache mount's files as a sorted list, cut into chunks by a content-defined rule: a chunk
 * ends after an entry whose path hash has its low bits zero (once the chunk holds MIN bytes),
 * or at MAX bytes. Boundaries depend on paths alone, so a changed file changes only its chunk
 * and an added or removed one only its chunk and, at worst, the next.
 */
import { lstat, readdir, readlink } from 'node:fs/promises';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import type { Stats } from 'node:fs';

export interface MountEntry {
  /** Relative path, '/'-separated. */
  path: string;
  abs: string;
  type: 'file' | 'directory' | 'symlink';
  st: Stats;
  linkname?: string;
}

export const CHUNK_MIN = 1 << 20;
export const CHUNK_MAX = 8 << 20;
const CUT_MASK = 0xf;

/** Every file, directory and symlink under `dir`, parents before children, names sorted. Others (sockets, devices) are skipped. */
export async function listMount(dir: string, limit: number): Promise<{ entries: MountEntry[]; bytes: number } | { over: number }> {
  const entries: MountEntry[] = [];
  let bytes = 0;
  const walk = async (abs: string, rel: string): Promise<boolean> => {
    for (const name of (await readdir(abs)).sort()) {
      const p = join(abs, name);
      const r = rel ? `${rel}/${name}` : name;
      const st = await lstat(p).catch(() => undefined); // gone meanwhile (a shared mount in use)
      if (!st) continue;
      const type = st.isFile() ? 'file' : st.isDirectory() ? 'directory' : st.isSymbolicLink() ? 'symlink' : undefined;
      if (!type) continue;
      const e: MountEntry = { path: r, abs: p, type, st };
      if (type === 'symlink') e.linkname = await readlink(p);
      if (type === 'file') bytes += st.size;
      if (bytes > limit) return false;
      entries.push(e);
      if (type === 'directory' && !(await walk(p, r))) return false;
    }
    return true;
  };
  return (await walk(dir, '')) ? { entries, bytes } : { over: bytes };
}

export function chunkEntries(entries: MountEntry[], min = CHUNK_MIN, max = CHUNK_MAX): MountEntry[][] {
  const out: MountEntry[][] = [];
  let cur: MountEntry[] = [];
  let bytes = 0;
  for (const e of entries) {
    cur.push(e);
    bytes += 512 + (e.type === 'file' ? Math.ceil(e.st.size / 512) * 512 : 0);
    if (bytes >= max || (bytes >= min && (createHash('sha1').update(e.path).digest()[0]! & CUT_MASK) === 0)) {
      out.push(cur);
      cur = [];
      bytes = 0;
    }
  }
  if (cur.length) out.push(cur);
  return out;
}

/** What a chunk's blob depends on, from metadata alone: an unchanged chunk is not packed again. */
export function chunkFingerprint(chunk: MountEntry[]): string {
  const h = createHash('sha256');
  for (const e of chunk) {
    h.update(JSON.stringify([e.path, e.type, e.st.mode, e.st.uid, e.st.gid, e.st.size, e.st.mtimeMs, e.st.ino, e.st.ctimeMs, e.linkname ?? '']));
  }
  return h.digest('hex');
}
