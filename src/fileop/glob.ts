/**
 * COPY/ADD source wildcards: Go's path.Match syntax (`*`, `?`, `[a-z]`, `[^x]`, `\` escapes),
 * matched one path element at a time, as BuildKit resolves them (fsutil ResolveWildcards).
 */
import { secureJoin } from '../archive/securejoin.js';
import { lstat, readdir } from 'node:fs/promises';
import { DrydockError } from '../util/errors.js';
import { cleanPath, relUnder } from './paths.js';

export function containsWildcards(name: string): boolean {
  for (let i = 0; i < name.length; i++) {
    const ch = name[i];
    if (ch === '\\') i++;
    else if (ch === '*' || ch === '?' || ch === '[') return true;
  }
  return false;
}

const cache = new Map<string, RegExp>();

/** Go's path.Match: does `name` match the whole of `pattern`? Throws on a malformed pattern. */
export function globMatch(pattern: string, name: string): boolean {
  let re = cache.get(pattern);
  if (!re) {
    re = globToRegExp(pattern);
    if (cache.size > 1000) cache.clear();
    cache.set(pattern, re);
  }
  return re.test(name);
}

function badPattern(pattern: string): DrydockError {
  return new DrydockError('USAGE', `syntax error in pattern: ${JSON.stringify(pattern)}`);
}

function escapeRe(ch: string): string {
  return /[\\^$.*+?()[\]{}|/]/.test(ch) ? '\\' + ch : ch;
}

function escapeClass(ch: string): string {
  return /[\\^\]\[-]/.test(ch) ? '\\' + ch : ch;
}

function globToRegExp(pattern: string): RegExp {
  let out = '^';
  const chars = Array.from(pattern);
  for (let i = 0; i < chars.length; i++) {
    const ch = chars[i]!;
    if (ch === '*') out += '[^/]*';
    else if (ch === '?') out += '[^/]';
    else if (ch === '\\') {
      if (i + 1 >= chars.length) throw badPattern(pattern);
      out += escapeRe(chars[++i]!);
    } else if (ch === '[') {
      i++;
      let negated = false;
      if (chars[i] === '^') {
        negated = true;
        i++;
      }
      const ranges: string[] = [];
      let n = 0;
      for (;;) {
        if (i >= chars.length) throw badPattern(pattern);
        if (chars[i] === ']' && n > 0) break;
        const lo = classChar(chars, i, pattern);
        i = lo.next;
        let hi = lo;
        if (chars[i] === '-') {
          hi = classChar(chars, i + 1, pattern);
          i = hi.next;
        }
        n++;
        // Go tolerates an inverted range (it never matches); a JS RegExp would throw.
        if (lo.ch <= hi.ch) ranges.push(lo.ch === hi.ch ? escapeClass(lo.ch) : `${escapeClass(lo.ch)}-${escapeClass(hi.ch)}`);
      }
      if (ranges.length === 0) out += negated ? '[\\s\\S]' : '(?!)';
      else out += `[${negated ? '^' : ''}${ranges.join('')}]`;
    } else out += escapeRe(ch);
  }
  return new RegExp(out + '$', 'su');
}

function classChar(chars: string[], i: number, pattern: string): { ch: string; next: number } {
  let ch = chars[i];
  if (ch === undefined || ch === '-' || ch === ']') throw badPattern(pattern);
  if (ch === '\\') {
    i++;
    ch = chars[i];
    if (ch === undefined) throw badPattern(pattern);
  }
  return { ch, next: i + 1 };
}

/** Split at the first element holding a wildcard: ("/a/b", "c*\/d"). */
export function splitWildcards(p: string): [literal: string, pattern: string] {
  const parts = cleanPath(p).split('/');
  const lit: string[] = [];
  const pat: string[] = [];
  for (const part of parts) {
    if (pat.length === 0 && !containsWildcards(part)) lit.push(part);
    else pat.push(part);
  }
  const literal = lit.length === 1 && lit[0] === '' ? '/' : lit.join('/');
  return [literal === '' ? '.' : literal, pat.join('/')];
}

/**
 * Expand `src` (absolute inside `root`) to the root-relative paths it selects, in lexical walk
 * order; a directory that matches is not descended into. `skip` hides entries (.dockerignore).
 * The literal prefix follows symlinks inside `root` when `followLinks`.
 */
export async function resolveWildcards(
  root: string,
  src: string,
  opts: { followLinks?: boolean; skip?: (rel: string, isDir: boolean) => boolean } = {},
): Promise<string[]> {
  const [literal, pattern] = splitWildcards(src);
  if (pattern === '') return [cleanPath(src)];
  const base = await secureJoin(root, literal, { followLast: opts.followLinks ?? false });
  const segs = pattern.split('/');
  const out: string[] = [];
  const walk = async (dir: string, depth: number): Promise<void> => {
    let names: string[];
    try {
      names = (await readdir(dir)).sort();
    } catch {
      return;
    }
    for (const name of names) {
      if (!globMatch(segs[depth]!, name)) continue;
      const abs = `${dir}/${name}`;
      const st = await lstat(abs);
      const rel = relUnder(root, abs);
      if (opts.skip?.(rel, st.isDirectory())) continue;
      if (depth === segs.length - 1) out.push('/' + rel);
      else if (st.isDirectory()) await walk(abs, depth + 1);
    }
  };
  try {
    if (!(await lstat(base)).isDirectory()) return [];
  } catch {
    return [];
  }
  await walk(base === '/' ? '' : base, 0);
  return out;
}
