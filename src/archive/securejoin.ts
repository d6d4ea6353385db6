/**
 * The one chroot-style path resolver: `path` inside `root` as a process chrooted in `root` would
 * see it. Symlinks are followed, absolute targets restart at `root`, `..` stops at it, so the
 * result never leaves `root` (containerd's fs.RootPath, Go's filepath-securejoin). Used wherever
 * drydock writes into or reads from a tree it does not trust: archive extraction, COPY/ADD,
 * the context, RUN's working directory and mount stubs.
 */
import { lstat, readlink } from 'node:fs/promises';
import { DrydockError } from '../util/errors.js';

const MAX_SYMLINKS = 255;

export interface SecureJoinOptions {
  /** Follow a symlink in the last component too (default); false leaves it as the result. */
  followLast?: boolean;
}

/**
 * `path` is cleaned lexically first (`a/../b` is `b`, as containerd's RootPath and Go's
 * filepath.Clean have it); `..` met later, in a symlink's target, climbs from where the link is.
 * Missing components (and everything after one) are kept as written: they are created later.
 */
export async function secureJoin(root: string, path: string, opts: SecureJoinOptions = {}): Promise<string> {
  const followLast = opts.followLast ?? true;
  const queue: string[] = [];
  for (const c of path.split('/')) {
    if (c === '..') queue.pop();
    else if (c !== '' && c !== '.') queue.push(c);
  }
  const resolved: string[] = [];
  let hops = 0;
  let missing = false;
  while (queue.length > 0) {
    const comp = queue.shift()!;
    if (comp === '..') {
      resolved.pop();
      continue;
    }
    if (missing || (queue.length === 0 && !followLast)) {
      resolved.push(comp);
      continue;
    }
    const here = joinRoot(root, [...resolved, comp]);
    let isLink = false;
    try {
      isLink = (await lstat(here)).isSymbolicLink();
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code !== 'ENOENT' && code !== 'ENOTDIR') throw e;
      missing = true;
    }
    if (!isLink) {
      resolved.push(comp);
      continue;
    }
    if (++hops > MAX_SYMLINKS) throw new DrydockError('CONTEXT', `too many levels of symbolic links resolving ${path}`);
    const target = await readlink(here);
    if (target.startsWith('/')) resolved.length = 0;
    queue.unshift(...target.split('/').filter((s) => s !== '' && s !== '.'));
  }
  return joinRoot(root, resolved);
}

function joinRoot(root: string, comps: string[]): string {
  const r = root.length > 1 && root.endsWith('/') ? root.slice(0, -1) : root;
  if (comps.length === 0) return r;
  return (r === '/' ? '' : r) + '/' + comps.join('/');
}
