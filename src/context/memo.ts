/**
 * A stat-keyed memo of file content digests, so a no-op rebuild of a large context reads no file
 * contents: (path, size, mtime, ctime, inode) → sha256. Kept as a JSON file written atomically
 * (temp file + rename) and shared in-process per file. A digest is only memoised once the file's
 * ctime is safely in the past, since timestamps tick coarsely and a same-size rewrite within one
 * tick would otherwise look unchanged ("racily clean", as git calls it).
 */
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { BigIntStats } from 'node:fs';

type Entry = [size: string, mtimeNs: string, ctimeNs: string, ino: string, digest: string];

interface MemoFile {
  version: 1;
  entries: Record<string, Entry>;
}

// Linux file times come from a coarse clock (a jiffy, up to 10 ms); stay well clear of it.
const RACY_NS = 50_000_000n;
const MAX_ENTRIES = 1_000_000;

export class HashMemo {
  private dirty = false;
  hits = 0;
  misses = 0;

  private constructor(
    readonly file: string | undefined,
    private readonly entries: Map<string, Entry>,
  ) {}

  private static readonly open = new Map<string, Promise<HashMemo>>();

  /** The memo stored at `file` (one shared instance per file in this process); in-memory only without a file. */
  static load(file?: string): Promise<HashMemo> {
    if (!file) return Promise.resolve(new HashMemo(undefined, new Map()));
    let memo = HashMemo.open.get(file);
    if (!memo) {
      memo = readMemo(file).then((entries) => new HashMemo(file, entries));
      HashMemo.open.set(file, memo);
    }
    return memo;
  }

  get(p: string, st: BigIntStats): string | undefined {
    const e = this.entries.get(p);
    if (e && e[0] === String(st.size) && e[1] === String(st.mtimeNs) && e[2] === String(st.ctimeNs) && e[3] === String(st.ino)) {
      this.hits++;
      return e[4];
    }
    this.misses++;
    return undefined;
  }

  set(p: string, st: BigIntStats, digest: string): void {
    const now = BigInt(Date.now()) * 1_000_000n;
    if (now - st.ctimeNs < RACY_NS || now - st.mtimeNs < RACY_NS) {
      this.entries.delete(p);
      return;
    }
    this.entries.set(p, [String(st.size), String(st.mtimeNs), String(st.ctimeNs), String(st.ino), digest]);
    this.dirty = true;
  }

  async save(): Promise<void> {
    if (!this.file || !this.dirty) return;
    this.dirty = false;
    if (this.entries.size > MAX_ENTRIES) this.entries.clear();
    const data: MemoFile = { version: 1, entries: Object.fromEntries(this.entries) };
    await mkdir(path.dirname(this.file), { recursive: true });
    const tmp = `${this.file}.tmp-${process.pid}-${Math.random().toString(36).slice(2)}`;
    await writeFile(tmp, JSON.stringify(data));
    await rename(tmp, this.file);
  }
}

async function readMemo(file: string): Promise<Map<string, Entry>> {
  try {
    const data = JSON.parse(await readFile(file, 'utf8')) as Partial<MemoFile>;
    if (data.version === 1 && data.entries && typeof data.entries === 'object') return new Map(Object.entries(data.entries));
  } catch {
    // missing or damaged: start empty, it is only a cache
  }
  return new Map();
}
