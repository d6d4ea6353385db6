/**
 * Which entries a COPY/ADD source selects, decided before anything is written (BuildKit does it
 * while computing the cache key): wildcards expanded, .dockerignore'd entries invisible,
 * `--parents` turned into a root plus an include pattern, missing literal paths an error.
 */
import { secureJoin } from '../archive/securejoin.js';
import { lstat } from 'node:fs/promises';
import { DrydockError } from '../util/errors.js';
import { containsWildcards, resolveWildcards } from './glob.js';
import { cleanPath, cleanSourcePath, isNotFound, relUnder } from './paths.js';
import { PatternMatcher, type IgnoreMatcher } from './patterns.js';

export interface Selection {
  /** Directory the path is inside of (context dir, stage rootfs, heredoc scratch dir). */
  root: string;
  /** Absolute path inside `root`, cleaned (not yet symlink-resolved). */
  path: string;
  /** COPY --parents: only entries matching this are copied, with their path kept. */
  include?: PatternMatcher;
}

export interface SelectOptions {
  ignore?: IgnoreMatcher;
  parents?: boolean;
  followLinks?: boolean;
  /** Expand wildcards (default true). */
  wildcards?: boolean;
}

export function notFound(path: string): DrydockError {
  return new DrydockError('NOT_FOUND', `failed to compute cache key: ${JSON.stringify(cleanPath(path))}: not found`);
}

/** Is `abs` (a host path under `root`) hidden by the .dockerignore? Directories that may hold re-included entries are not. */
export function hiddenByIgnore(ignore: IgnoreMatcher | undefined, root: string, abs: string, isDir: boolean): boolean {
  if (!ignore || ignore.patterns.length === 0) return false;
  const rel = relUnder(root, abs);
  if (rel === '' || !ignore.ignores(rel, isDir)) return false;
  const hasExclusions = (ignore as { hasExclusions?: boolean }).hasExclusions ?? ignore.patterns.some((p) => p.startsWith('!'));
  return !(isDir && hasExclusions);
}

export async function selectSource(root: string, source: string, opts: SelectOptions = {}): Promise<Selection[]> {
  const followLinks = opts.followLinks ?? true;
  let src = source;
  let include: PatternMatcher | undefined;
  let required: string | undefined;
  if (opts.parents) {
    const pivot = src.indexOf('/./');
    let pattern: string;
    if (pivot < 0) {
      pattern = src;
      src = '/';
    } else {
      pattern = src.slice(pivot + 3);
      src = src.slice(0, pivot);
    }
    pattern = cleanPath('/' + pattern).slice(1);
    include = new PatternMatcher([pattern]);
    if (!containsWildcards(src) && !containsWildcards(pattern)) required = cleanPath(`/${src}/${pattern}`);
  }
  const path = cleanSourcePath(src);
  const skip = (rel: string, isDir: boolean) => hiddenByIgnore(opts.ignore, root, `${root}/${rel}`, isDir);
  if (required !== undefined && !(await exists(root, required, followLinks, opts.ignore))) throw notFound(required);
  if ((opts.wildcards ?? true) && containsWildcards(path)) {
    const matches = await resolveWildcards(root, path, { followLinks, skip });
    return matches.map((m) => ({ root, path: m, include }));
  }
  if (!(await exists(root, path, followLinks, opts.ignore))) throw notFound(path);
  return [{ root, path: cleanPath(path), include }];
}

async function exists(root: string, path: string, followLinks: boolean, ignore?: IgnoreMatcher): Promise<boolean> {
  const abs = await secureJoin(root, path, { followLast: followLinks });
  try {
    const st = await lstat(abs);
    return !hiddenByIgnore(ignore, root, abs, st.isDirectory());
  } catch (e) {
    if (isNotFound(e)) return false;
    throw e;
  }
}
