/**
 * Content hash of exactly what a COPY/ADD selects from the context: the cache key's input.
 * Like BuildKit's contenthash, each entry counts by its path below the selection, type, mode,
 * owner, link target and content, never its times; a directory is the ordered list of its
 * entries; .dockerignore'd and --exclude'd entries do not count; wildcards select as COPY does.
 */
import { secureJoin } from '../archive/securejoin.js';
import { createHash } from 'node:crypto';
import { createReadStream, lstatSync, readdirSync, readlinkSync, type BigIntStats } from 'node:fs';
import type { Digest } from '../image/oci.js';
// Modules, not the fileop index: hashing runs on every rebuild, the copying code need not load.
import { PatternMatcher } from '../fileop/patterns.js';
import { hiddenByIgnore, selectSource } from '../fileop/sources.js';
import { Pacer, SMALL_FILE, readWholeSync } from '../util/sync-fs.js';
import type { BuildContext } from './open.js';
import type { ContentCache } from './contents.js';
import { HashMemo } from './memo.js';

export interface HashOptions {
  followLinks?: boolean;
  exclude?: string[];
  parents?: boolean;
  /** File for the stat-keyed digest memo (under the store's cache dir). */
  memoPath?: string;
}

export interface HashResult {
  digest: Digest;
  /** Every selected entry, by path in the context, with the digest of its header and content. */
  files: Array<{ path: string; digest: string }>;
  /** Files whose contents were read, and files answered by the memo. */
  stats: { read: number; memoHits: number };
}

interface Found {
  abs: string;
  sub: string;
  st: BigIntStats;
  content?: string;
}

// Large files are streamed, this many at a time; small ones are read with synchronous calls.
const CONCURRENCY = 4;

export async function hashSources(ctx: BuildContext, sources: string[], opts: HashOptions = {}): Promise<HashResult> {
  const memo = await HashMemo.load(opts.memoPath);
  const exclude = opts.exclude?.length ? new PatternMatcher(opts.exclude) : undefined;
  const ignore = ctx.dockerignore.patterns.length ? ctx.dockerignore : undefined;
  const followLinks = opts.followLinks ?? true;
  const stats = { read: 0, memoHits: 0 };
  const top = createHash('sha256');
  const files: HashResult['files'] = [];
  const pacer = new Pacer();
  for (const source of sources) {
    top.update(`src:${source}\n`);
    const selections = await selectSource(ctx.root, source, { ignore, followLinks, parents: opts.parents });
    for (const sel of selections) {
      const start = await secureJoin(ctx.root, sel.path, { followLast: followLinks });
      const found: Found[] = [];
      const walker = new Walker(ctx.root, found, pacer, sel.include, exclude, ignore);
      await walker.visit(start, '');
      found.sort((a, b) => (a.sub < b.sub ? -1 : a.sub > b.sub ? 1 : 0));
      await digestContents(found, memo, stats, pacer, ctx.contents);
      const h = createHash('sha256');
      for (const f of found) {
        const d = entryDigest(f);
        h.update(`${f.sub}\0${d}\n`);
        files.push({ path: relPath(ctx.root, f.abs), digest: d });
      }
      top.update(`sel:${sel.path}\n${h.digest('hex')}\n`);
    }
  }
  await memo.save();
  return { digest: `sha256:${top.digest('hex')}`, files, stats };
}

class Walker {
  private readonly mayUnexclude: boolean;

  constructor(
    private readonly root: string,
    private readonly out: Found[],
    private readonly pacer: Pacer,
    private readonly include?: PatternMatcher,
    private readonly exclude?: PatternMatcher,
    private readonly ignore?: BuildContext['dockerignore'],
  ) {
    this.mayUnexclude = !!exclude?.hasExclusions || (!!ignore && ignore.patterns.some((p) => p.startsWith('!')));
  }

  async visit(abs: string, sub: string): Promise<void> {
    const st = this.entry(abs, sub);
    if (st) await this.visitDir(abs, sub, st.skipped);
  }

  // Files are taken synchronously; only directories cost a promise.
  private async visitDir(abs: string, sub: string, skipped: boolean): Promise<void> {
    if (skipped && this.include && !this.include.mayMatchBelow(sub)) return;
    // the caller sorts what was found
    for (const n of readdirSync(abs)) {
      const paused = this.pacer.pace();
      if (paused) await paused;
      const child = `${abs}/${n}`;
      const childSub = sub === '' ? n : `${sub}/${n}`;
      const dir = this.entry(child, childSub);
      if (dir) await this.visitDir(child, childSub, dir.skipped);
    }
  }

  /** Records the entry unless filtered out; for a directory to walk, whether it was skipped itself. */
  private entry(abs: string, sub: string): { skipped: boolean } | undefined {
    let skipped = false;
    if (sub !== '') {
      const included = this.include ? this.include.matches(sub) : true;
      skipped = !included || !!this.exclude?.matches(sub) || hiddenByIgnore(this.ignore, this.root, abs, false);
      if (skipped && !this.include && !this.mayUnexclude) return undefined;
    }
    const st = lstatSync(abs, { bigint: true });
    if (!skipped) this.out.push({ abs, sub, st });
    return st.isDirectory() ? { skipped } : undefined;
  }
}

async function digestContents(found: Found[], memo: HashMemo, stats: HashResult['stats'], pacer: Pacer, contents?: ContentCache): Promise<void> {
  const large: Found[] = [];
  const done = (f: Found, digest: string) => {
    stats.read++;
    f.content = digest;
    memo.set(f.abs, f.st, digest);
  };
  for (const f of found) {
    if (!f.st.isFile()) continue;
    const known = memo.get(f.abs, f.st);
    if (known) {
      stats.memoHits++;
      f.content = known;
      continue;
    }
    // Small files in one synchronous read; kept for the COPY that may follow.
    const data = f.st.size <= BigInt(SMALL_FILE) ? readWholeSync(f.abs, Number(f.st.size)) : undefined;
    if (data) {
      done(f, createHash('sha256').update(data).digest('hex'));
      contents?.put(f.abs, f.st, data);
      const paused = pacer.pace();
      if (paused) await paused;
    } else large.push(f); // or it changed size since its lstat: the stream reads what is there now
  }
  let next = 0;
  const worker = async () => {
    while (next < large.length) {
      const f = large[next++]!;
      const h = createHash('sha256');
      for await (const chunk of createReadStream(f.abs)) h.update(chunk as Buffer);
      done(f, h.digest('hex'));
    }
  };
  await Promise.all(Array.from({ length: Math.min(CONCURRENCY, large.length) }, worker));
}

function typeOf(st: BigIntStats): string {
  if (st.isFile()) return 'file';
  if (st.isDirectory()) return 'dir';
  if (st.isSymbolicLink()) return 'symlink';
  if (st.isFIFO()) return 'fifo';
  if (st.isCharacterDevice()) return `char:${st.rdev}`;
  if (st.isBlockDevice()) return `block:${st.rdev}`;
  return 'socket';
}

function entryDigest(f: Found): string {
  const link = f.st.isSymbolicLink() ? readlinkSync(f.abs) : '';
  const header = [typeOf(f.st), (f.st.mode & 0o7777n).toString(8), `${f.st.uid}:${f.st.gid}`, link, f.content ?? ''].join('\0');
  return createHash('sha256').update(header).digest('hex');
}

function relPath(root: string, abs: string): string {
  return abs === root ? '.' : abs.startsWith(root + '/') ? abs.slice(root.length + 1) : abs;
}
