/**
 * A stat-keyed memo of file digests, so a no-op rebuild of a large context reads no file
 * contents and hashes nothing: (path, size, mtime, ctime, inode) → the content's sha256 and the
 * entry's digest (content plus mode and owner, see hash.ts). A digest is only memoised once the
 * file's mtime and ctime are safely in the past, since timestamps tick coarsely and a same-size
 * rewrite within one tick would otherwise look unchanged ("racily clean", as git calls it).
 *
 * One binary file per context directory (fileFor), read part by part into the arrays that keep
 * it: a header, every entry's numbers as float64s, its two digests as bytes, then the paths as
 * one text split on NUL (a 20,000-entry memo loads in a few milliseconds, where 20,000 JSON
 * objects took ~50 ms and their garbage more). Entries are kept in the order the last walk
 * asked for them, so the next walk finds each at a cursor. Written atomically (temp file +
 * rename) when something changed; shared in-process per file, so a build reads it once.
 */
import { createHash } from 'node:crypto';
import { closeSync, fstatSync, mkdirSync, openSync, readdirSync, readSync, renameSync, rmSync, statSync, writeFileSync, type Stats } from 'node:fs';
import path from 'node:path';

const MAGIC = 'DDMEMO\x04\n';
const HEADER = 16; // magic, count (u32), path bytes (u32)
/** Per entry: size, mtimeMs, ctimeMs, ino, mode, uid, gid (Stats' plain numbers), when last used. */
const NUMS = 8;
/** Per entry: the content's sha256, then the entry's digest. */
const DIGESTS = 64;

// Linux file times come from a coarse clock (a jiffy, up to 10 ms); stay well clear of it.
const RACY_MS = 50;
const MAX_ENTRIES = 1_000_000;
/** An entry no saving build has used for this long goes (a file deleted from the context). */
const UNUSED_MS = 7 * 24 * 3600 * 1000;

/** The fields of an lstat the memo keys on; fs.Stats has them all. */
export type MemoStat = Pick<Stats, 'size' | 'mtimeMs' | 'ctimeMs' | 'ino' | 'mode' | 'uid' | 'gid'>;

export class HashMemo {
  private dirty = false;
  hits = 0;
  misses = 0;
  /** Path → slot, built on the first lookup the saved order does not answer. */
  private index?: Map<string, number>;
  /**
   * Entries are saved in the order the last walk asked for them, so a walk of an unchanged
   * tree finds each at `cursor`, the slot after the last one found: no map to build or hash.
   */
  private cursor = 0;
  private outOfOrder = 0;
  /** Paths looked up since the last save, in order. */
  private readonly asked: string[] = [];
  /** 1 for each slot found or set in this process. */
  private used: Uint8Array;

  private constructor(
    readonly file: string | undefined,
    private nums: Float64Array,
    private digests: Buffer,
    private readonly paths: string[],
  ) {
    this.used = new Uint8Array(nums.length / NUMS);
  }

  private static readonly open = new Map<string, Promise<HashMemo>>();

  /**
   * The memo file for the context at `root`, beside `base` (the store's memo path, its `.json`
   * dropped): one per context, so a build loads only its own context's entries, and builds of
   * different contexts never overwrite each other's.
   */
  static fileFor(base: string, root: string): string {
    return path.join(base.replace(/\.json$/, ''), `${createHash('sha256').update(root).digest('hex').slice(0, 32)}.bin`);
  }

  /** The memo stored at `file` (one shared instance per file in this process); in-memory only without a file. */
  static load(file?: string): Promise<HashMemo> {
    if (!file) return Promise.resolve(HashMemo.empty(undefined));
    let memo = HashMemo.open.get(file);
    if (!memo) {
      memo = Promise.resolve(HashMemo.read(file));
      HashMemo.open.set(file, memo);
    }
    return memo;
  }

  private static empty(file: string | undefined): HashMemo {
    return new HashMemo(file, new Float64Array(64 * NUMS), Buffer.alloc(64 * DIGESTS), []);
  }

  /** Reads each part straight into the array that keeps it: no copy of a whole file in memory. */
  private static read(file: string): HashMemo {
    let fd: number;
    try {
      fd = openSync(file, 'r');
    } catch {
      return HashMemo.empty(file); // missing: start empty, it is only a cache
    }
    try {
      const size = fstatSync(fd).size;
      const head = Buffer.alloc(HEADER);
      if (size < HEADER || readSync(fd, head, 0, HEADER, 0) !== HEADER || head.toString('latin1', 0, 8) !== MAGIC) return HashMemo.empty(file);
      const count = head.readUInt32LE(8);
      const pathBytes = head.readUInt32LE(12);
      if (count === 0 || size !== HEADER + count * (NUMS * 8 + DIGESTS) + pathBytes) return HashMemo.empty(file); // damaged
      const nums = new Float64Array(count * NUMS);
      const digests = Buffer.allocUnsafe(count * DIGESTS);
      const text = Buffer.allocUnsafe(pathBytes);
      let pos = HEADER;
      for (const part of [new Uint8Array(nums.buffer), digests, text]) {
        if (readSync(fd, part, 0, part.length, pos) !== part.length) return HashMemo.empty(file);
        pos += part.length;
      }
      const paths = text.toString('utf8').split('\0');
      if (paths.length !== count) return HashMemo.empty(file);
      return new HashMemo(file, nums, digests, paths);
    } finally {
      closeSync(fd);
    }
  }

  /**
   * The memo's slot for `p` when `st` shows the file it was taken for (same size, mtime, ctime
   * and inode), else -1. `contentAt` and `entryAt` read the slot.
   */
  find(p: string, st: MemoStat): number {
    let i: number | undefined = this.cursor;
    if (this.paths[i] !== p) {
      i = this.slotOf(p);
      if (i !== undefined) this.outOfOrder++;
    }
    this.asked.push(p);
    if (i !== undefined) {
      this.cursor = i + 1;
      const n = this.nums;
      const k = i * NUMS;
      if (n[k] === st.size && n[k + 1] === st.mtimeMs && n[k + 2] === st.ctimeMs && n[k + 3] === st.ino) {
        this.hits++;
        this.used[i] = 1;
        return i;
      }
    }
    this.misses++;
    return -1;
  }

  contentAt(i: number): string {
    return this.digests.toString('hex', i * DIGESTS, i * DIGESTS + 32);
  }

  /** The entry digest kept in slot `i`, if it was taken with the mode and owner `st` shows. */
  entryAt(i: number, st: MemoStat): string | undefined {
    const n = this.nums;
    const k = i * NUMS;
    if (n[k + 4] !== st.mode || n[k + 5] !== st.uid || n[k + 6] !== st.gid) return undefined;
    return this.digests.toString('hex', i * DIGESTS + 32, (i + 1) * DIGESTS);
  }

  /** Remembers `p`'s digests (hex) for `st`, unless its times are too recent to trust (then forgets it). */
  set(p: string, st: MemoStat, content: string, entry?: string): void {
    const now = Date.now();
    let i = this.slotOf(p);
    if (now - st.ctimeMs < RACY_MS || now - st.mtimeMs < RACY_MS) {
      if (i !== undefined) {
        this.nums[i * NUMS] = -1; // matches no size; dropped when saved
        this.dirty = true;
      }
      return;
    }
    if (i === undefined) {
      i = this.paths.length;
      if ((i + 1) * NUMS > this.nums.length) {
        const nums = new Float64Array(Math.max(this.nums.length * 2, 64 * NUMS));
        nums.set(this.nums);
        this.nums = nums;
        const digests = Buffer.alloc(nums.length / NUMS * DIGESTS);
        this.digests.copy(digests);
        this.digests = digests;
        const used = new Uint8Array(nums.length / NUMS);
        used.set(this.used);
        this.used = used;
      }
      this.index!.set(p, i);
      this.paths.push(p);
    }
    const k = i * NUMS;
    const n = this.nums;
    n[k] = st.size; n[k + 1] = st.mtimeMs; n[k + 2] = st.ctimeMs; n[k + 3] = st.ino;
    // without an entry digest, a mode that matches nothing
    n[k + 4] = entry === undefined ? -1 : st.mode; n[k + 5] = st.uid; n[k + 6] = st.gid;
    this.used[i] = 1;
    this.digests.write(content, i * DIGESTS, 32, 'hex');
    if (entry !== undefined) this.digests.write(entry, i * DIGESTS + 32, 32, 'hex');
    this.dirty = true;
  }

  private slotOf(p: string): number | undefined {
    if (!this.index) {
      this.index = new Map();
      for (let i = 0; i < this.paths.length; i++) this.index.set(this.paths[i]!, i);
    }
    return this.index.get(p);
  }

  /** Writes the memo if it changed, or if the walk found most entries out of their saved order. */
  async save(): Promise<void> {
    const reorder = this.outOfOrder > 64 && this.outOfOrder * 4 > this.hits;
    const asked = this.asked.splice(0, this.asked.length);
    if (!this.file || !(this.dirty || reorder)) return;
    this.dirty = false;
    this.outOfOrder = 0;
    const live: number[] = [];
    const now = Date.now();
    const taken = new Uint8Array(this.paths.length);
    const keep = (i: number | undefined) => {
      if (i === undefined || taken[i]) return;
      taken[i] = 1;
      const k = i * NUMS;
      if (this.used[i]) this.nums[k + 7] = now;
      if (this.nums[k]! >= 0 && now - this.nums[k + 7]! < UNUSED_MS) live.push(i);
    };
    for (const p of asked) keep(this.slotOf(p));
    for (let i = 0; i < this.paths.length; i++) keep(i);
    if (live.length > MAX_ENTRIES) live.length = 0;
    const nums = new Float64Array(live.length * NUMS);
    const digests = Buffer.alloc(live.length * DIGESTS);
    const paths: string[] = [];
    live.forEach((i, j) => {
      nums.set(this.nums.subarray(i * NUMS, (i + 1) * NUMS), j * NUMS);
      this.digests.copy(digests, j * DIGESTS, i * DIGESTS, (i + 1) * DIGESTS);
      paths.push(this.paths[i]!);
    });
    const text = Buffer.from(paths.join('\0'), 'utf8');
    const head = Buffer.alloc(HEADER);
    head.write(MAGIC, 0, 'latin1');
    head.writeUInt32LE(live.length, 8);
    head.writeUInt32LE(text.length, 12);
    mkdirSync(path.dirname(this.file), { recursive: true });
    const tmp = `${this.file}.tmp-${process.pid}-${Math.random().toString(36).slice(2)}`;
    writeFileSync(tmp, Buffer.concat([head, Buffer.from(nums.buffer), digests, text]));
    renameSync(tmp, this.file);
    pruneMemos(path.dirname(this.file));
  }
}

/** Contexts come and go (a tar context is a new directory each build): the least recently saved memos beyond this many are removed. */
const MAX_MEMOS = 64;

function pruneMemos(dir: string): void {
  const names = readdirSync(dir).filter((n) => n.endsWith('.bin'));
  if (names.length <= MAX_MEMOS) return;
  const aged = names.map((n) => ({ n, t: statSync(path.join(dir, n), { throwIfNoEntry: false })?.mtimeMs ?? 0 })).sort((a, b) => a.t - b.t);
  for (const { n } of aged.slice(0, names.length - MAX_MEMOS)) rmSync(path.join(dir, n), { force: true });
}
