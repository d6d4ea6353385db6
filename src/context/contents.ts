/**
 * Bytes of small context files read while hashing a COPY's sources, kept for that COPY if it
 * runs (its step was not cached), so a cold COPY reads each file of the context once. An entry
 * serves only while the file's lstat still shows the same inode, size, mtime and ctime; even a
 * change the stat cannot show leaves the copy consistent with the cache key it was hashed for.
 */
import type { Stats } from 'node:fs';

interface Entry {
  ino: number;
  size: number;
  mtimeMs: number;
  ctimeMs: number;
  data: Buffer;
}

/** 64 MiB: a context of many small files fits; beyond it the copy reads the files again. */
const DEFAULT_BUDGET = 64 * 1024 * 1024;

export class ContentCache {
  private readonly entries = new Map<string, Entry>();
  private bytes = 0;

  constructor(private readonly budget = DEFAULT_BUDGET) {}

  /** Keep `data`, the content of `path` as `st` describes it, if the budget allows. */
  put(path: string, st: Stats, data: Buffer): void {
    if (this.entries.has(path) || this.bytes + data.length > this.budget) return;
    this.bytes += data.length;
    this.entries.set(path, { ino: st.ino, size: data.length, mtimeMs: st.mtimeMs, ctimeMs: st.ctimeMs, data });
  }

  /** The kept content of `path` if `st` (an lstat taken now) shows the same file, unchanged. */
  get(path: string, st: Stats): Buffer | undefined {
    const e = this.entries.get(path);
    if (!e || e.ino !== st.ino || e.size !== st.size) return undefined;
    if (e.mtimeMs !== st.mtimeMs || e.ctimeMs !== st.ctimeMs) return undefined;
    return e.data;
  }

  clear(): void {
    this.entries.clear();
    this.bytes = 0;
  }
}
