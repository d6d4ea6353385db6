/**
 * Path helpers with Go's semantics (path.Clean, path.Split), because Docker's rules are written
 * in terms of them and Node's `path.posix.normalize` differs on trailing slashes and "".
 */

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
