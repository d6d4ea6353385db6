/**
 * Path helpers with Go's semantics (path.Clean, path.Split), because Docker's rules are written
 * in terms of them and Node's `path.posix.normalize` differs on trailing slashes and "".
 */
import { lstat, readlink } from 'node:fs/promises';
import { DrydockError } from '../util/errors.js';

/** Go's path.Clean: lexical, no trailing slash, "" → ".", "/.." → "/". */
export function cleanPath(p: string): string {
  if (p === '') return '.';
  const rooted = p.startsWith('/');
  const out: string[] = [];
  for (const seg of p.split('/')) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..') {
      if (out.length > 0 && out[out.length - 1] !== '..') out.pop();
      else if (!rooted) out.push('..');
      continue;
    }
    out.push(seg);
  }
  const joined = out.join('/');
  if (rooted) return '/' + joined;
  return joined === '' ? '.' : joined;
}

/** Go's path.Split: dir keeps its trailing slash; file is the last element (may be ""). */
export function splitPath(p: string): [dir: string, file: string] {
  const i = p.lastIndexOf('/');
  return [p.slice(0, i + 1), p.slice(i + 1)];
}

/** Go's path.Base. */
export function baseName(p: string): string {
  if (p === '') return '.';
  const trimmed = p.replace(/\/+$/, '');
  if (trimmed === '') return '/';
  return trimmed.slice(trimmed.lastIndexOf('/') + 1);
}

/**
 * A source path as BuildKit's file backend cleans it: absolute, `..` clamped at the root,
 * a trailing "/" or "/." kept because it can change what is selected.
 */
export function cleanSourcePath(s: string): string {
  let out = cleanPath('/' + s);
  if (s.endsWith('/.')) {
    if (out !== '/') out += '/';
    out += '.';
  } else if (s.endsWith('/') && out !== '/') {
    out += '/';
  }
  return out;
}

const MAX_SYMLINKS = 255;

/**
 * Resolve `p` inside `root` as if `root` were "/": symlinks (absolute or relative) are followed
 * but can never lead outside `root`, and ".." stops at it (containerd's fs.RootPath).
 * With `followLast: false` a final symlink is left as is. Missing components are kept verbatim.
 */
export async function resolveInRoot(root: string, p: string, opts: { followLast?: boolean } = {}): Promise<string> {
  const followLast = opts.followLast ?? true;
  const queue = cleanPath('/' + p).split('/').filter((s) => s !== '');
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
      if (!isNotFound(e)) throw e;
      missing = true;
    }
    if (!isLink) {
      resolved.push(comp);
      continue;
    }
    if (++hops > MAX_SYMLINKS) throw new DrydockError('CONTEXT', `too many levels of symbolic links resolving ${p}`);
    const target = await readlink(here);
    if (target.startsWith('/')) resolved.length = 0;
    queue.unshift(...target.split('/').filter((s) => s !== '' && s !== '.'));
  }
  return joinRoot(root, resolved);
}

function joinRoot(root: string, comps: string[]): string {
  const r = root.endsWith('/') && root !== '/' ? root.slice(0, -1) : root;
  if (comps.length === 0) return r;
  return (r === '/' ? '' : r) + '/' + comps.join('/');
}

export function isNotFound(e: unknown): boolean {
  const code = (e as NodeJS.ErrnoException | undefined)?.code;
  return code === 'ENOENT' || code === 'ENOTDIR';
}

/** `rel` of `abs` under `root` as a slash path without leading "/" ("" for the root itself). */
export function relUnder(root: string, abs: string): string {
  const r = root.endsWith('/') ? root : root + '/';
  if (abs === root || abs + '/' === r) return '';
  return abs.startsWith(r) ? abs.slice(r.length) : abs;
}
