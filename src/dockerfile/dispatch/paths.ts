/** Linux path rules BuildKit applies to WORKDIR and COPY destinations (util/system/path.go). */
import { posix } from 'node:path';

/** Go's `path.Join`: joined and cleaned (no trailing slash). */
export function goJoin(...parts: string[]): string {
  const joined = parts.filter((p) => p !== '').join('/');
  if (joined === '') return '';
  const n = posix.normalize(joined);
  return n.length > 1 && n.endsWith('/') ? n.slice(0, -1) : n;
}

/** BuildKit's `NormalizePath`: relative paths join the parent; absolute ones are kept as written. */
export function normalizePath(parent: string, p: string, keepSlash: boolean): string {
  if (parent === '') parent = '/';
  if (!parent.startsWith('/')) parent = goJoin('/', parent);
  const orig = p;
  if (p === '') p = parent;
  if (!p.startsWith('/')) p = goJoin(parent, p);
  if (keepSlash) {
    if (orig.endsWith('/') && !p.endsWith('/')) p += '/';
    else if (orig.endsWith('/.')) {
      if (p !== '/') p += '/';
      p += '.';
    }
  }
  return p;
}

/** WORKDIR: the new working directory given the current one. */
export function normalizeWorkdir(current: string, wd: string): string {
  return normalizePath(current, wd, false);
}

/** COPY/ADD destination against the working directory; a trailing `/` is kept. */
export function destRelativeToWorkdir(workdir: string, dest: string): string {
  if (dest.startsWith('/')) return normalizePath('/', dest, true);
  if (dest === '.' || dest === '') dest = './';
  return normalizePath(workdir, dest, true);
}
