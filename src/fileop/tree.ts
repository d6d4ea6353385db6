/**
 * The recursive copier behind COPY/ADD (BuildKit's fsutil copier, `cp -a` semantics): symlinks
 * copied as symlinks, hard links kept within one source, modes and times preserved, owners
 * reset to 0:0 (context) or kept (stages), include/exclude/.dockerignore filters applied while
 * walking so excluded subtrees are never read.
 */
import { constants } from 'node:fs';
import type { Stats } from 'node:fs';
import { chmod, copyFile, lchown, link, lstat, lutimes, mkdir, readdir, readlink, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { DrydockError } from '../util/errors.js';
import { applyChmod, type Chmod } from './mode.js';
import type { Owner } from './owner.js';
import { isNotFound, relUnder } from './paths.js';
import type { IgnoreMatcher, PatternMatcher } from './patterns.js';

const run = promisify(execFile);

export interface TreeCopyOptions {
  /** --chown: every copied entry gets this owner. */
  owner?: Owner;
  /** Without --chown: keep the source's uid/gid (stage/image sources) instead of 0:0 (context). */
  keepOwnership?: boolean;
  chmod?: Chmod;
  /** COPY --parents selection, relative to the copied source. */
  include?: PatternMatcher;
  /** COPY --exclude, relative to the copied source. */
  exclude?: PatternMatcher;
  /** .dockerignore, relative to `ignoreRoot`. */
  ignore?: IgnoreMatcher & { hasExclusions?: boolean };
  ignoreRoot?: string;
  /** Filled with every `source → target` copied (for the xattr pass). */
  record?: Map<string, string>;
}

interface ParentDir {
  src: string;
  dst: string;
  copied: boolean;
  creating?: Promise<void>;
}

// Entries are copied concurrently (bounded), which matters for contexts of many small files.
const CONCURRENCY = 16;

/** A counting semaphore: at most `n` holders at once. */
class Limiter {
  private waiting: Array<() => void> = [];
  constructor(private free: number) {}
  async run<T>(fn: () => Promise<T>): Promise<T> {
    if (this.free > 0) this.free--;
    else await new Promise<void>((resolve) => this.waiting.push(resolve));
    try {
      return await fn();
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.free++;
    }
  }
}

export class TreeCopier {
  // first copy of each multiply-linked inode; later names become hard links to it
  private readonly inodes = new Map<string, Promise<string>>();
  private readonly limiter = new Limiter(CONCURRENCY);
  private readonly mayUnexclude: boolean;

  constructor(private readonly opts: TreeCopyOptions) {
    this.mayUnexclude = !!(opts.exclude?.hasExclusions || opts.ignore?.hasExclusions || (opts.ignore && opts.ignore.hasExclusions === undefined));
  }

  /** Copy `src` (host path) to `target` (host path); `comps` is the path below the copied source. */
  copy(src: string, comps: string, target: string, overwriteMeta: boolean): Promise<void> {
    return this.copyEntry(src, comps, target, overwriteMeta, [], false);
  }

  /** `fresh`: the target's directory was just created by this copy, so the target cannot exist. */
  private async copyEntry(
    src: string, comps: string, target: string, overwriteMeta: boolean, parents: readonly ParentDir[], fresh: boolean,
  ): Promise<void> {
    let include = true;
    let excluded = false;
    if (comps !== '') {
      if (this.opts.include) include = this.opts.include.matches(comps);
      if (this.opts.exclude?.matches(comps) || this.ignored(src)) {
        include = false;
        excluded = true;
      }
      if (!include && !this.opts.include && !this.mayUnexclude) return;
    }
    const st = await this.limiter.run(() => lstat(src));
    if (!include && !st.isDirectory()) return;
    if (st.isDirectory()) {
      const targetSt = await lstatOrUndefined(target);
      if (include) await this.createParents(parents, overwriteMeta);
      if (include) this.opts.record?.set(src, target);
      const created = await this.copyDirectory(src, comps, target, st, overwriteMeta, include, excluded, parents);
      if (!overwriteMeta ? created : include) await this.copyInfo(st, target);
      else if (!overwriteMeta && targetSt) await setTimes(st, target);
      return;
    }
    await this.createParents(parents, overwriteMeta);
    await this.limiter.run(() => this.copyNonDir(src, target, st, fresh));
  }

  private async copyNonDir(src: string, target: string, st: Stats, fresh: boolean): Promise<void> {
    this.opts.record?.set(src, target);
    const targetSt = fresh ? undefined : await lstatOrUndefined(target);
    if (targetSt) {
      if (targetSt.isDirectory()) throw new DrydockError('CONTEXT', `cannot replace to directory ${target} with file`);
      await rm(target, { force: true });
    }
    if (st.isFile()) {
      const key = `${st.dev}:${st.ino}`;
      const first = st.nlink > 1 ? this.inodes.get(key) : undefined;
      if (first) await link(await first, target);
      else {
        const done = copyFile(src, target, constants.COPYFILE_FICLONE).then(() => target);
        if (st.nlink > 1) this.inodes.set(key, done);
        await done;
        return this.copyInfo(st, target, true);
      }
    } else if (st.isSymbolicLink()) {
      await symlink(await readlink(src), target);
    } else if (st.isSocket()) {
      await writeFile(target, ''); // BuildKit copies a socket as an empty stub
    } else {
      await mknod(target, st);
    }
    await this.copyInfo(st, target);
  }

  private ignored(src: string): boolean {
    const { ignore, ignoreRoot } = this.opts;
    if (!ignore || ignoreRoot === undefined) return false;
    const rel = relUnder(ignoreRoot, src);
    return rel !== '' && ignore.ignores(rel);
  }

  private async copyDirectory(
    src: string, comps: string, dst: string, st: Stats, overwriteMeta: boolean, include: boolean, excluded: boolean,
    parents: readonly ParentDir[],
  ): Promise<boolean> {
    let created = false;
    const parent: ParentDir = { src, dst, copied: false };
    if (include) {
      created = await copyDirectoryOnly(dst, st, overwriteMeta);
      parent.copied = true;
    }
    if (excluded && !this.mayUnexclude) return false;
    if (!include && this.opts.include && !this.opts.include.mayMatchBelow(comps)) return created;
    const chain = [...parents, parent];
    const names = (await this.limiter.run(() => readdir(src))).sort();
    await Promise.all(
      names.map((name) =>
        this.copyEntry(`${src}/${name}`, comps === '' ? name : `${comps}/${name}`, `${dst}/${name}`, true, chain, created),
      ),
    );
    return created;
  }

  /** Directories skipped by a filter are created once something inside them is copied. */
  private async createParents(parents: readonly ParentDir[], overwriteMeta: boolean): Promise<void> {
    for (const p of parents) {
      if (p.copied) continue;
      p.creating ??= (async () => {
        const st = await stat(p.src);
        if (!st.isDirectory()) throw new DrydockError('CONTEXT', `${p.src} is not a directory`);
        if (await copyDirectoryOnly(p.dst, st, overwriteMeta)) await this.copyInfo(st, p.dst);
        this.opts.record?.set(p.src, p.dst);
        p.copied = true;
      })();
      await p.creating;
    }
  }

  /** Owner, mode and times of a copied entry; `copied`: a regular file just written by copyFile. */
  private async copyInfo(st: Stats, target: string, copied = false): Promise<void> {
    const owner = this.opts.owner ?? (this.opts.keepOwnership ? { uid: st.uid, gid: st.gid } : { uid: 0, gid: 0 });
    // always chown: a setgid parent directory may have given a new file another group
    await lchown(target, owner.uid, owner.gid);
    // copyFile gave the source's exact mode; chown only clears set-id bits
    const modeKept = copied && !this.opts.chmod && (st.mode & 0o7000) === 0;
    if (!st.isSymbolicLink() && !modeKept) await chmod(target, applyChmod(this.opts.chmod, st.mode, st.isDirectory()));
    await setTimes(st, target);
  }
}

async function copyDirectoryOnly(dst: string, st: Stats, overwriteMeta: boolean): Promise<boolean> {
  const existing = await lstatOrUndefined(dst);
  if (!existing) {
    await mkdir(dst, { mode: st.mode & 0o7777 });
    return true;
  }
  if (!existing.isDirectory()) throw new DrydockError('CONTEXT', `cannot copy to non-directory: ${dst}`);
  if (overwriteMeta) await chmod(dst, st.mode & 0o7777);
  return false;
}

async function setTimes(st: Stats, target: string): Promise<void> {
  await lutimes(target, st.atimeMs / 1000, st.mtimeMs / 1000);
}

export async function lstatOrUndefined(p: string): Promise<Stats | undefined> {
  try {
    return await lstat(p);
  } catch (e) {
    if (isNotFound(e)) return undefined;
    throw e;
  }
}

async function mknod(target: string, st: Stats): Promise<void> {
  const major = Math.floor(st.rdev / 256) & 0xfff;
  const minor = (st.rdev & 0xff) | ((Math.floor(st.rdev / 4096) & 0xfff00));
  const args = st.isFIFO() ? [target, 'p'] : [target, st.isCharacterDevice() ? 'c' : 'b', String(major), String(minor)];
  try {
    await run('mknod', args);
  } catch (e) {
    throw new DrydockError('CONTEXT', `failed to create device ${target}: ${(e as Error).message}`, { cause: e });
  }
}
