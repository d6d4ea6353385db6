/**
 * The one safe extractor: a tar stream into a directory, as if the directory were `/` (moby's
 * chrootarchive.Untar, containerd's archive.Apply). Every archive drydock unpacks goes through
 * it: image layers, ADD, a context on stdin, flatten, load and import.
 *
 * - Names are cleaned; one that climbs above the root is refused. Parents resolve inside the
 *   root, following symlinks the archive made as a chroot would, so nothing is written outside.
 * - A symlink is written as its text; a hard link must name an entry already extracted.
 * - An existing entry is replaced unless both are directories (merged).
 * - Owners, modes (setuid/setgid/sticky), xattrs (security.capability included), times
 *   (directories last), devices, FIFOs and sparse files are restored.
 * - `whiteouts: 'overlay'` (layers) turns OCI whiteouts into overlayfs's: `.wh.x` → a 0/0 char
 *   device `x`, `.wh..wh..opq` → its directory reported opaque (the snapshotter marks it);
 *   `'keep'` (ADD) leaves them as files.
 */
import {
  closeSync, fchmodSync, fchownSync, ftruncateSync, futimesSync, lchownSync, linkSync, lstatSync, lutimesSync, mkdirSync, chmodSync,
  openSync, readdirSync, rmSync, symlinkSync, writeSync, type Stats,
} from 'node:fs';
import type { Readable } from 'node:stream';
import { DrydockError } from '../util/errors.js';
import { Pacer } from '../util/sync-fs.js';
import { hostCalls } from '../util/syscalls.js';
import type { TarHeader } from './header.js';
import { readTar } from './reader.js';
import { secureJoin } from './securejoin.js';
import { setXattrs } from './xattr.js';
import { inUserNamespace } from '../rootless/env.js';
import { requireMapped } from '../rootless/ids.js';

export const WHITEOUT_PREFIX = '.wh.';
export const OPAQUE_MARKER = '.wh..wh..opq';

export interface ExtractOptions {
  /** Owner for every entry (ADD --chown); default: the archive's, when running as root. */
  owner?: { uid: number; gid: number };
  /** OCI whiteouts: kept as files (default) or made overlayfs whiteouts. */
  whiteouts?: 'keep' | 'overlay';
  /** The archive's root entry (`./`) gives the destination its metadata (layers); default: skipped (ADD). */
  rootMetadata?: boolean;
  /**
   * ADD: a name or hard link target that climbs above the root stops at it, as `..` does in a
   * chroot of the destination (BuildKit's chrootarchive.Untar); default: refused.
   */
  clampNames?: boolean;
}

export interface ExtractResult {
  /** Directories (relative, '' for the root) an overlay-mode extraction marked opaque. */
  opaque: string[];
}

/** A tar entry name as a path under the root: '' for the root; throws when it climbs out, unless `clamp`. */
export function entryPath(name: string, clamp = false): string {
  const out: string[] = [];
  for (const part of name.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (out.length === 0 && clamp) continue;
      if (out.length === 0) throw new DrydockError('FORMAT', `tar entry ${JSON.stringify(name)} is outside of the destination`);
      out.pop();
    } else out.push(part);
  }
  return out.join('/');
}

// The filesystem calls are synchronous and fd-based (paced: the event loop gets in every 20 ms):
// an entry costs a handful of system calls, where the promise API's trip through libuv's pool per
// call made unpacking a 21,000-file layer four times slower than GNU tar.
export async function extractTar(src: Readable | AsyncIterable<Buffer>, dest: string, opts: ExtractOptions = {}): Promise<ExtractResult> {
  mkdirSync(dest, { recursive: true });
  const x = new Extraction(dest, opts);
  const pacer = new Pacer();
  for await (const entry of readTar(src, { sparse: 'segments' })) {
    try {
      await x.entry(entry.header, entry.body);
    } catch (e) {
      throw x.explain(e, entry.header.name);
    }
    const paused = pacer.pace();
    if (paused) await paused;
  }
  return x.finish();
}

function lstatOrUndefined(p: string): Stats | undefined {
  try {
    return lstatSync(p);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
    throw e;
  }
}

class Extraction {
  private readonly sameOwner: boolean;
  private readonly userns = inUserNamespace();
  /** Directories whose metadata is applied last, and overlay whiteouts made last (absolute paths). */
  private dirs: Array<[string, TarHeader]> = [];
  private whiteouts: string[] = [];
  /** Directories (absolute) an overlay-mode extraction marks opaque. */
  private opaque: string[] = [];
  /** Parent dirs resolved without symlinks: rel → abs. Cleared below a path an entry replaces. */
  private readonly plainDirs = new Map<string, string>();
  /** Paths this extraction made: in an empty destination, nothing else can be in the way. */
  private readonly created = new Set<string>();
  private readonly startedEmpty: boolean;

  constructor(private readonly dest: string, private readonly opts: ExtractOptions) {
    this.sameOwner = opts.owner !== undefined || process.getuid?.() === 0;
    this.startedEmpty = readdirSync(dest).length === 0;
  }

  async entry(h: TarHeader, body: AsyncIterable<Buffer>): Promise<void> {
    const rel = entryPath(h.name, this.opts.clampNames);
    if (rel === '') {
      if (this.opts.rootMetadata && h.type === 'directory') this.dirs.push([this.dest, h]);
      return;
    }
    const slash = rel.lastIndexOf('/');
    const parentRel = slash < 0 ? '' : rel.slice(0, slash);
    const base = rel.slice(slash + 1);
    const parent = await this.parent(parentRel);
    if (this.opts.whiteouts === 'overlay' && base.startsWith(WHITEOUT_PREFIX)) {
      if (base === OPAQUE_MARKER) this.opaque.push(parent);
      else if (!base.startsWith(`${WHITEOUT_PREFIX}${WHITEOUT_PREFIX}`)) this.whiteouts.push(`${parent}/${base.slice(WHITEOUT_PREFIX.length)}`);
      return;
    }
    const target = `${parent}/${base}`;
    const existing = this.startedEmpty && !this.created.has(target) ? undefined : lstatOrUndefined(target);
    if (existing && !(existing.isDirectory() && h.type === 'directory')) {
      rmSync(target, { recursive: true, force: true });
      this.forget(target);
    }
    this.created.add(target);
    switch (h.type) {
      case 'directory':
        if (!existing?.isDirectory()) mkdirSync(target, { mode: 0o700 });
        this.dirs.push([target, h]); // its metadata last: creating its children changes its time
        return;
      case 'file':
        await this.file(target, h, body);
        return;
      case 'symlink':
        symlinkSync(h.linkname ?? '', target);
        break;
      case 'link': {
        const from = await secureJoin(this.dest, entryPath(h.linkname ?? '', this.opts.clampNames), { followLast: false });
        const st = lstatOrUndefined(from);
        if (!st) throw new DrydockError('FORMAT', `hard link ${JSON.stringify(h.name)} -> ${JSON.stringify(h.linkname)}: no such entry before it in the archive`);
        if (st.isDirectory()) throw new DrydockError('FORMAT', `hard link ${JSON.stringify(h.name)} -> ${JSON.stringify(h.linkname)}: a directory`);
        linkSync(from, target);
        return; // a hard link shares its target's metadata
      }
      case 'char':
      case 'block':
      case 'fifo':
        if (!(await makeNode(target, h))) return;
        break;
    }
    this.pathMetadata(target, h);
  }

  /** The directory `rel` (created 0755 where missing), resolved inside the root. */
  private async parent(rel: string): Promise<string> {
    if (rel === '') return this.dest;
    const known = this.plainDirs.get(rel);
    if (known) return known;
    const abs = await secureJoin(this.dest, rel);
    const st = lstatOrUndefined(abs);
    if (!st) {
      mkdirSync(abs, { recursive: true, mode: 0o755 });
      for (let d = abs; d.length > this.dest.length && !this.created.has(d); d = d.slice(0, d.lastIndexOf('/'))) this.created.add(d);
    }
    else if (!st.isDirectory()) throw new DrydockError('FORMAT', `${JSON.stringify(rel)} is not a directory`);
    if (abs === `${this.dest}/${rel}`) this.plainDirs.set(rel, abs);
    return abs;
  }

  /**
   * An entry replaced `abs` (resolved, so whatever name reached it): parents resolved through it
   * may now resolve elsewhere, and work left for the end (directory metadata, whiteouts) at or
   * under it would follow whatever replaced it, a symlink to the host included.
   */
  private forget(abs: string): void {
    const under = (p: string) => p === abs || p.startsWith(`${abs}/`);
    for (const [k, v] of this.plainDirs) if (under(v)) this.plainDirs.delete(k);
    this.dirs = this.dirs.filter(([p]) => !under(p));
    this.whiteouts = this.whiteouts.filter((p) => !under(p));
    this.opaque = this.opaque.filter((p) => !under(p));
  }

  private owner(h: TarHeader): { uid: number; gid: number } | undefined {
    if (!this.sameOwner) return undefined;
    const owner = this.opts.owner ?? { uid: h.uid, gid: h.gid };
    // Rootless: an id the user namespace does not map fails here by name, not as chown's EINVAL.
    if (this.userns) requireMapped(owner, `tar entry "${h.name}"`);
    return owner;
  }

  private async file(path: string, h: TarHeader, body: AsyncIterable<Buffer>): Promise<void> {
    const fd = openSync(path, 'wx', 0o600);
    try {
      if (h.sparse) {
        // Only the data segments are written, at their offsets: the holes stay holes.
        let seg = 0;
        let inSeg = 0;
        for await (const chunk of body) {
          for (let off = 0; off < chunk.length;) {
            const s = h.sparse[seg]!;
            const n = Math.min(chunk.length - off, s.length - inSeg);
            writeSync(fd, chunk, off, n, s.offset + inSeg);
            off += n;
            inSeg += n;
            if (inSeg === s.length) { seg++; inSeg = 0; }
          }
        }
        ftruncateSync(fd, h.size);
      } else {
        for await (const chunk of body) for (let off = 0; off < chunk.length;) off += writeSync(fd, chunk, off);
      }
      const owner = this.owner(h);
      if (owner) fchownSync(fd, owner.uid, owner.gid);
      fchmodSync(fd, h.mode & 0o7777); // after chown, which clears setuid bits
      if (h.xattrs) setXattrs(path, h.xattrs);
      futimesSync(fd, h.mtime, h.mtime);
    } finally {
      closeSync(fd);
    }
  }

  private pathMetadata(path: string, h: TarHeader): void {
    const owner = this.owner(h);
    if (owner) lchownSync(path, owner.uid, owner.gid);
    if (h.type !== 'symlink') chmodSync(path, h.mode & 0o7777);
    if (h.xattrs) setXattrs(path, h.xattrs);
    lutimesSync(path, h.mtime, h.mtime);
  }

  async finish(): Promise<ExtractResult> {
    // A whiteout next to an entry of the same name in one layer: the entry wins.
    await hostCalls().mknodWhiteouts(this.whiteouts.filter((w) => !this.created.has(w)));
    // Directory metadata last, deepest first: creating their children changed their times.
    for (const [p, h] of this.dirs.reverse()) this.pathMetadata(p, h);
    return { opaque: this.opaque.map((p) => (p === this.dest ? '' : p.slice(this.dest.length + 1))) };
  }

  /** One line naming the entry, for what the filesystem said (a name too long, a full disk…). */
  explain(e: unknown, name: string): Error {
    // secureJoin's own error (a symlink loop) is said of the entry it was resolving.
    if (e instanceof DrydockError && e.code === 'CONTEXT') return new DrydockError('FORMAT', `extracting ${JSON.stringify(shorten(name))}: ${e.message}`, { cause: e });
    if (e instanceof DrydockError) return e;
    const code = (e as NodeJS.ErrnoException).code;
    const shown = shorten(name);
    const why = code === 'ENAMETOOLONG' ? 'name too long' : code === 'ENOSPC' ? 'no space left on device' : code === 'EDQUOT' ? 'disk quota exceeded' : (e as Error).message;
    return new DrydockError(code === 'ENOSPC' || code === 'EDQUOT' ? 'STORE' : 'FORMAT', `extracting ${JSON.stringify(shown)}: ${why}`, { cause: e });
  }
}

function shorten(name: string): string {
  return name.length > 120 ? `${name.slice(0, 60)}…${name.slice(-40)}` : name;
}

/**
 * Devices need root of the host (an unprivileged or user-namespace extraction skips them, as
 * rootless Docker and containerd's archive do); false when skipped.
 */
async function makeNode(path: string, h: TarHeader): Promise<boolean> {
  try {
    await hostCalls().mknod(path, h.type as 'char' | 'block' | 'fifo', h.devmajor ?? 0, h.devminor ?? 0);
    return true;
  } catch (e) {
    if ((process.getuid?.() === 0 && !inUserNamespace()) || h.type === 'fifo') throw e;
    return false;
  }
}
