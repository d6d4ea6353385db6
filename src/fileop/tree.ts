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
}

interface ParentDir {
  src: string;
  dst: string;
  copied: boolean;
}

export class TreeCopier {
  private readonly inodes = new Map<string, string>();
  private readonly parents: ParentDir[] = [];
  private readonly mayUnexclude: boolean;

  constructor(private readonly opts: TreeCopyOptions) {
    this.mayUnexclude = !!(opts.exclude?.hasExclusions || opts.ignore?.hasExclusions || (opts.ignore && opts.ignore.hasExclusions === undefined));
  }

  /** Copy `src` (host path) to `target` (host path); `comps` is the path below the copied source. */
  async copy(src: string, comps: string, target: string, overwriteMeta: boolean): Promise<void> {
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
    const st = await lstat(src);
    if (!include && !st.isDirectory()) return;
    const targetSt = await lstatOrUndefined(target);
    if (include) await this.createParents(overwriteMeta);
    if (!st.isDirectory() && targetSt) {
      if (targetSt.isDirectory()) throw new DrydockError('CONTEXT', `cannot replace to directory ${target} with file`);
      await rm(target, { force: true });
    }
    let copyInfo = include;
    let restoreTimes = false;
    if (st.isDirectory()) {
      const created = await this.copyDirectory(src, comps, target, st, overwriteMeta, include, excluded);
      if (!overwriteMeta) {
        copyInfo = created;
        restoreTimes = !created;
      }
    } else if (st.isFile()) {
      const linked = st.nlink > 1 ? this.inodes.get(`${st.dev}:${st.ino}`) : undefined;
      if (linked) await link(linked, target);
      else {
        await copyFile(src, target, constants.COPYFILE_FICLONE);
        if (st.nlink > 1) this.inodes.set(`${st.dev}:${st.ino}`, target);
      }
    } else if (st.isSymbolicLink()) {
      await symlink(await readlink(src), target);
    } else if (st.isSocket()) {
      await writeFile(target, ''); // BuildKit copies a socket as an empty stub
    } else {
      await mknod(target, st);
    }
    if (copyInfo) await this.copyInfo(st, target);
    else if (restoreTimes && targetSt) await setTimes(st, target);
  }

  private ignored(src: string): boolean {
    const { ignore, ignoreRoot } = this.opts;
    if (!ignore || ignoreRoot === undefined) return false;
    const rel = relUnder(ignoreRoot, src);
    return rel !== '' && ignore.ignores(rel);
  }

  private async copyDirectory(
    src: string, comps: string, dst: string, st: Stats, overwriteMeta: boolean, include: boolean, excluded: boolean,
  ): Promise<boolean> {
    let created = false;
    const parent: ParentDir = { src, dst, copied: false };
    if (include) {
      created = await copyDirectoryOnly(dst, st, overwriteMeta);
      parent.copied = true;
    }
    this.parents.push(parent);
    try {
      if (excluded && !this.mayUnexclude) return false;
      if (!include && this.opts.include && !this.opts.include.mayMatchBelow(comps)) return created;
      const names = (await readdir(src)).sort();
      for (const name of names) {
        await this.copy(`${src}/${name}`, comps === '' ? name : `${comps}/${name}`, `${dst}/${name}`, true);
      }
    } finally {
      this.parents.pop();
    }
    return created;
  }

  /** Directories skipped by a filter are created once something inside them is copied. */
  private async createParents(overwriteMeta: boolean): Promise<void> {
    for (const p of this.parents) {
      if (p.copied) continue;
      const st = await stat(p.src);
      if (!st.isDirectory()) throw new DrydockError('CONTEXT', `${p.src} is not a directory`);
      if (await copyDirectoryOnly(p.dst, st, overwriteMeta)) await this.copyInfo(st, p.dst);
      p.copied = true;
    }
  }

  private async copyInfo(st: Stats, target: string): Promise<void> {
    const owner = this.opts.owner ?? (this.opts.keepOwnership ? { uid: st.uid, gid: st.gid } : { uid: 0, gid: 0 });
    await lchown(target, owner.uid, owner.gid);
    if (!st.isSymbolicLink()) await chmod(target, applyChmod(this.opts.chmod, st.mode, st.isDirectory()));
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
