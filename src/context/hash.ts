/**
 * Content hash of exactly what a COPY/ADD selects from the context: the cache key's input.
 * Like BuildKit's contenthash, each entry counts by its path below the selection, type, mode,
 * owner, link target and content, never its times; a directory is the ordered list of its
 * entries; .dockerignore'd and --exclude'd entries do not count; wildcards select as COPY does.
 */
import { secureJoin } from '../archive/securejoin.js';
import { createHash } from 'node:crypto';
import { createReadStream, readlinkSync, type Stats } from 'node:fs';
import type { Digest } from '../image/oci.js';
// Modules, not the fileop index: hashing runs on every rebuild, the copying code need not load.
import { PatternMatcher } from '../fileop/patterns.js';
import { relUnder } from '../fileop/paths.js';
import { selectSource } from '../fileop/sources.js';
import { Pacer, SMALL_FILE, readWholeSync } from '../util/sync-fs.js';
import type { BuildContext } from './open.js';
import type { ContentCache } from './contents.js';
import { HashMemo } from './memo.js';
import { Walker, type WalkCounts } from './walk.js';

/**
 * An entry of a selection, by its path in the context (which sorts as its path below the
 * selection does): its digest, or where and what to read (a file the memo did not know).
 */
interface Found {
  rel: string;
  digest?: string;
  abs?: string;
  st?: Stats;
}

export interface HashOptions {
  followLinks?: boolean;
  exclude?: string[];
  parents?: boolean;
  /** The store's memo path: each context's memo is a file beside it (HashMemo.fileFor). */
  memoPath?: string;
}

export interface HashResult {
  digest: Digest;
  /** Every selected entry, by path in the context, with the digest of its header and content. */
  files: Array<{ path: string; digest: string }>;
  /** Files whose contents were read, files answered by the memo, and the walk's lstat and readdir calls. */
  stats: { read: number; memoHits: number } & WalkCounts;
}

// Large files are streamed, this many at a time; small ones are read with synchronous calls.
const CONCURRENCY = 4;
// The selection's hash is fed in pieces of about this many characters, not one call per entry.
const CHUNK = 1 << 16;

export async function hashSources(ctx: BuildContext, sources: string[], opts: HashOptions = {}): Promise<HashResult> {
  const ignore = ctx.dockerignore.patterns.length ? asMatcher(ctx.dockerignore) : undefined;
  const run: HashRun = {
    ctx,
    memo: await HashMemo.load(opts.memoPath && HashMemo.fileFor(opts.memoPath, ctx.root)),
    ignore,
    exclude: opts.exclude?.length ? new PatternMatcher(opts.exclude) : undefined,
    stats: { read: 0, memoHits: 0, lstat: 0, readdir: 0 },
    files: [],
    pacer: new Pacer(),
    headers: new Map(),
  };
  const followLinks = opts.followLinks ?? true;
  const top = createHash('sha256');
  for (const source of sources) {
    top.update(`src:${source}\n`);
    const selections = await selectSource(ctx.root, source, { ignore, followLinks, parents: opts.parents });
    for (const sel of selections) {
      const start = await secureJoin(ctx.root, sel.path, { followLast: followLinks });
      top.update(`sel:${sel.path}\n${await hashSelection(run, start, sel.include)}\n`);
    }
  }
  await run.memo.save();
  return { digest: `sha256:${top.digest('hex')}`, files: run.files, stats: run.stats };
}

/** One hashSources call's state, shared by its selections. */
interface HashRun {
  ctx: BuildContext;
  /** The context's own memo, keyed by path in the context. */
  memo: HashMemo;
  ignore?: PatternMatcher;
  exclude?: PatternMatcher;
  stats: HashResult['stats'];
  files: HashResult['files'];
  pacer: Pacer;
  /** Digests of content-less entries (directories) by header. */
  headers: Map<string, string>;
}

/** The hex digest of the selection at `start`: its entries, sorted, each by path below it and digest. */
async function hashSelection(run: HashRun, start: string, include?: PatternMatcher): Promise<string> {
  const { memo, stats } = run;
  const base = relUnder(run.ctx.root, start);
  const found: Found[] = [];
  // Only what must be read keeps its lstat: a 200,000-file walk holds paths and digests.
  const onEntry = (abs: string, rel: string, st: Stats) => {
    if (!st.isFile()) return void found.push({ rel, digest: entryDigest(abs, st, undefined, run.headers) });
    const slot = memo.find(rel, st);
    if (slot < 0) return void found.push({ rel, abs, st });
    stats.memoHits++;
    let digest = memo.entryAt(slot, st);
    if (digest === undefined) {
      const content = memo.contentAt(slot);
      memo.set(rel, st, content, (digest = entryDigest(abs, st, content)));
    }
    found.push({ rel, digest });
  };
  await new Walker(onEntry, stats, run.pacer, { ignore: run.ignore, exclude: run.exclude, include }, base).walk(start);
  found.sort((a, b) => (a.rel < b.rel ? -1 : a.rel > b.rel ? 1 : 0));
  await digestContents(found.filter((f) => f.digest === undefined), memo, stats, run.pacer, run.ctx.contents);
  const h = createHash('sha256');
  let chunk = '';
  const cut = base === '' ? 0 : base.length + 1;
  for (const f of found) {
    const d = f.digest!;
    chunk += `${f.rel === base ? '' : f.rel.slice(cut)}\0${d}\n`;
    if (chunk.length > CHUNK) {
      h.update(chunk);
      chunk = '';
    }
    run.files.push({ path: f.rel || '.', digest: d });
  }
  return h.update(chunk).digest('hex');
}

function asMatcher(m: BuildContext['dockerignore']): PatternMatcher {
  return m instanceof PatternMatcher ? m : new PatternMatcher(m.patterns);
}

/** Reads and hashes the files in `todo` (each with its lstat), setting their digests. */
async function digestContents(todo: Found[], memo: HashMemo, stats: HashResult['stats'], pacer: Pacer, contents?: ContentCache): Promise<void> {
  const large: Found[] = [];
  const done = (f: Found, content: string) => {
    stats.read++;
    f.digest = entryDigest(f.abs!, f.st!, content);
    memo.set(f.rel, f.st!, content, f.digest);
  };
  for (const f of todo) {
    const st = f.st!;
    // Small files in one synchronous read; kept for the COPY that may follow.
    const data = st.size <= SMALL_FILE ? readWholeSync(f.abs!, st.size) : undefined;
    if (data) {
      done(f, createHash('sha256').update(data).digest('hex'));
      contents?.put(f.abs!, st, data);
      const paused = pacer.pace();
      if (paused) await paused;
    } else large.push(f); // or it changed size since its lstat: the stream reads what is there now
  }
  let next = 0;
  const worker = async () => {
    while (next < large.length) {
      const f = large[next++]!;
      const h = createHash('sha256');
      for await (const chunk of createReadStream(f.abs!)) h.update(chunk as Buffer);
      done(f, h.digest('hex'));
    }
  };
  await Promise.all(Array.from({ length: Math.min(CONCURRENCY, large.length) }, worker));
}

function typeOf(st: Stats): string {
  if (st.isFile()) return 'file';
  if (st.isDirectory()) return 'dir';
  if (st.isSymbolicLink()) return 'symlink';
  if (st.isFIFO()) return 'fifo';
  if (st.isCharacterDevice()) return `char:${st.rdev}`;
  if (st.isBlockDevice()) return `block:${st.rdev}`;
  return 'socket';
}

/**
 * The digest of an entry's header (type, mode, owner, link target) and content digest. Entries
 * without content or link (directories) share it by header: `headers` keeps those.
 */
function entryDigest(abs: string, st: Stats, content?: string, headers?: Map<string, string>): string {
  const link = st.isSymbolicLink() ? readlinkSync(abs) : '';
  const header = [typeOf(st), (st.mode & 0o7777).toString(8), `${st.uid}:${st.gid}`, link, content ?? ''].join('\0');
  const shared = headers && link === '' && content === undefined;
  const known = shared ? headers.get(header) : undefined;
  if (known) return known;
  const d = createHash('sha256').update(header).digest('hex');
  if (shared) headers.set(header, d);
  return d;
}
