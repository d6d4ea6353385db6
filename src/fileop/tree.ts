/**
 * The recursive copier behind COPY/ADD (BuildKit's fsutil copier, `cp -a` semantics): symlinks
 * copied as symlinks, hard links kept within one source, modes and times preserved, owners
 * reset to 0:0 (context) or kept (stages), include/exclude/.dockerignore filters applied while
 * walking so excluded subtrees are never read.
 */
import { closeSync, constants, fchmodSync, fchownSync, futimesSync, lchownSync, linkSync, lstatSync, chmodSync, lutimesSync, mkdirSync, openSync, readdirSync, readlinkSync, rmSync, statSync, symlinkSync, writeFileSync, writeSync } from 'node:fs';
import type { Stats } from 'node:fs';
import { copyFile, lstat } from 'node:fs/promises';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { DrydockError } from '../util/errors.js';
import { Pacer, SMALL_FILE, readWholeSync } from '../util/sync-fs.js';
import { applyChmod, type Chmod } from './mode.js';
import type { Owner } from './owner.js';
import { isNotFound, relUnder } from './paths.js';
import type { IgnoreMatcher, PatternMatcher } from './patterns.js';

const run = promisify(execFile);

/** File contents already read (the context's, while hashing), by source path, valid while `st` shows the same file. */
export interface ContentSource {
  get(path: string, st: Stats): Buffer | undefined;
}

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
  ignore?: IgnoreMatcher & { hasExclusions?: boolean; mayReincludeBelow?(dir: string): boolean };
  ignoreRoot?: string;
  /** Filled with every `source → target` copied (for the xattr pass). */
  record?: Map<string, string>;
  /** Bytes of source files read before, used instead of reading them again. */
  contents?: ContentSource;
}

interface ParentDir {
  src: string;
  dst: string;
  copied: boolean;
}

const CREATE = constants.O_WRONLY | constants.O_CREAT | constants.O_TRUNC;

/**
 * Entries are copied one at a time, depth first in name order, with synchronous calls (paced):
 * for many small files that is several times faster than concurrent promise calls, and files
 * created in one directory by several threads at once only contend for its lock. Files above
 * SMALL_FILE are copied by copyFile (a reflink where the file system can).
 */
export class TreeCopier {
  // first copy of each multiply-linked inode; later names become hard links to it
  private readonly inodes = new Map<string, string>();
  private readonly mayUnexclude: boolean;
  private readonly pacer = new Pacer();

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
      if (!include && !this.opts.include && !this.reincludable(src, comps)) return;
    }
    const paused = this.pacer.pace();
    if (paused) await paused;
    const st = parents.length ? lstatOrUndefinedSync(src) : lstatSync(src);
    // Listed, yet gone on lookup: an overlay whiteout in a directory only one layer has (Go's
    // Readdir, under BuildKit's copy, skips such an entry too).
    if (!st) return;
    if (!include && !st.isDirectory()) return;
    if (st.isDirectory()) {
      const targetSt = lstatOrUndefinedSync(target);
      if (include) this.createParents(parents, overwriteMeta);
      if (include) this.opts.record?.set(src, target);
      const created = await this.copyDirectory(src, comps, target, st, overwriteMeta, include, excluded, parents);
      if (!overwriteMeta ? created : include) this.copyInfo(st, target);
      else if (!overwriteMeta && targetSt) setTimes(st, target);
      return;
    }
    this.createParents(parents, overwriteMeta);
    await this.copyNonDir(src, target, st, fresh);
  }

  private async copyNonDir(src: string, target: string, st: Stats, fresh: boolean): Promise<void> {
    this.opts.record?.set(src, target);
    const targetSt = fresh ? undefined : lstatOrUndefinedSync(target);
    if (targetSt) {
      if (targetSt.isDirectory()) throw new DrydockError('CONTEXT', `cannot replace to directory ${target} with file`);
      rmSync(target, { force: true });
    }
    if (st.isFile()) {
      const key = `${st.dev}:${st.ino}`;
      const first = st.nlink > 1 ? this.inodes.get(key) : undefined;
      if (first !== undefined) linkSync(first, target);
      else {
        if (st.nlink > 1) this.inodes.set(key, target);
        const data = st.size <= SMALL_FILE ? (this.opts.contents?.get(src, st) ?? readWholeSync(src, st.size)) : undefined;
        if (data) return this.writeFile(target, data, st);
        // large, or it changed size since its lstat: copy what is there now
        await copyFile(src, target, constants.COPYFILE_FICLONE);
        return this.copyInfo(st, target, true);
      }
    } else if (st.isSymbolicLink()) {
      symlinkSync(readlinkSync(src), target);
    } else if (st.isSocket()) {
      writeFileSync(target, ''); // BuildKit copies a socket as an empty stub
    } else {
      await mknod(target, st);
    }
    this.copyInfo(st, target);
  }

  /** A new regular file with `data`, then what copyInfo gives, through one descriptor. */
  private writeFile(target: string, data: Buffer, st: Stats): void {
    const owner = this.ownerOf(st);
    const fd = openSync(target, CREATE, st.mode & 0o777);
    try {
      for (let off = 0; off < data.length; ) off += writeSync(fd, data, off, data.length - off);
      // always chown: a setgid parent directory may have given a new file another group;
      // chmod after it (chown clears set-id bits; the umask took bits at open)
      fchownSync(fd, owner.uid, owner.gid);
      fchmodSync(fd, applyChmod(this.opts.chmod, st.mode, false));
      futimesSync(fd, st.atimeMs / 1000, st.mtimeMs / 1000);
    } finally {
      closeSync(fd);
    }
  }

  /** May an exception re-include something below this excluded entry? If not, it is not walked (BuildKit's fsutil rule). */
  private reincludable(src: string, comps: string): boolean {
    if (!this.mayUnexclude) return false;
    const { exclude, ignore, ignoreRoot } = this.opts;
    if (exclude?.matches(comps) && !exclude.mayReincludeBelow(comps)) return false;
    return !(this.ignored(src) && ignore?.mayReincludeBelow && !ignore.mayReincludeBelow(relUnder(ignoreRoot!, src)));
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
      created = copyDirectoryOnly(dst, st, overwriteMeta);
      parent.copied = true;
    }
    if (excluded && !this.reincludable(src, comps)) return false;
    if (!include && this.opts.include && !this.opts.include.mayMatchBelow(comps)) return created;
    const chain = [...parents, parent];
    for (const name of readdirSync(src).sort()) {
      await this.copyEntry(`${src}/${name}`, comps === '' ? name : `${comps}/${name}`, `${dst}/${name}`, true, chain, created);
    }
    return created;
  }

  /** Directories skipped by a filter are created once something inside them is copied. */
  private createParents(parents: readonly ParentDir[], overwriteMeta: boolean): void {
    for (const p of parents) {
      if (p.copied) continue;
      const st = statSync(p.src);
      if (!st.isDirectory()) throw new DrydockError('CONTEXT', `${p.src} is not a directory`);
      if (copyDirectoryOnly(p.dst, st, overwriteMeta)) this.copyInfo(st, p.dst);
      this.opts.record?.set(p.src, p.dst);
      p.copied = true;
    }
  }

  private ownerOf(st: Stats): Owner {
    return this.opts.owner ?? (this.opts.keepOwnership ? { uid: st.uid, gid: st.gid } : { uid: 0, gid: 0 });
  }

  /** Owner, mode and times of a copied entry; `copied`: a regular file just written by copyFile. */
  private copyInfo(st: Stats, target: string, copied = false): void {
    const owner = this.ownerOf(st);
    // always chown: a setgid parent directory may have given a new file another group
    lchownSync(target, owner.uid, owner.gid);
    // copyFile gave the source's exact mode; chown only clears set-id bits
    const modeKept = copied && !this.opts.chmod && (st.mode & 0o7000) === 0;
    if (!st.isSymbolicLink() && !modeKept) chmodSync(target, applyChmod(this.opts.chmod, st.mode, st.isDirectory()));
    setTimes(st, target);
  }
}

function copyDirectoryOnly(dst: string, st: Stats, overwriteMeta: boolean): boolean {
  const existing = lstatOrUndefinedSync(dst);
  if (!existing) {
    mkdirSync(dst, { mode: st.mode & 0o7777 });
    return true;
  }
  if (!existing.isDirectory()) throw new DrydockError('CONTEXT', `cannot copy to non-directory: ${dst}`);
  if (overwriteMeta) chmodSync(dst, st.mode & 0o7777);
  return false;
}

function setTimes(st: Stats, target: string): void {
  lutimesSync(target, st.atimeMs / 1000, st.mtimeMs / 1000);
}

function lstatOrUndefinedSync(p: string): Stats | undefined {
  try {
    return lstatSync(p);
  } catch (e) {
    if (isNotFound(e)) return undefined;
    throw e;
  }
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
