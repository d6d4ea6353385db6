/**
 * Exclude/include patterns with the semantics of moby/patternmatcher, which BuildKit uses for
 * .dockerignore, COPY --exclude and COPY --parents: `*` and `?` stop at "/", `**` spans
 * directories, a leading "!" re-includes, the last matching pattern wins, and a pattern that
 * matches a parent directory matches everything below it.
 */
import { DrydockError } from '../util/errors.js';
import { globMatch } from './glob.js';
import { cleanPath } from './paths.js';

/** What COPY needs from a .dockerignore (or any exclude list). Paths are slash paths relative to the context root. */
export interface IgnoreMatcher {
  /** True when `relPath` is excluded (itself or through a parent directory). */
  ignores(relPath: string, isDir?: boolean): boolean;
  /** The cleaned patterns, in order, "!" kept. */
  patterns: string[];
}

type MatchKind = 'exact' | 'prefix' | 'suffix' | 'regexp';

interface Pattern {
  text: string;
  exclusion: boolean;
  dirs: number;
  kind: MatchKind;
  re?: RegExp;
}

export class PatternMatcher implements IgnoreMatcher {
  readonly patterns: string[];
  private readonly compiled: Pattern[];
  /** True when some pattern starts with "!". */
  readonly hasExclusions: boolean;

  constructor(patterns: readonly string[]) {
    this.compiled = [];
    this.patterns = [];
    for (let p of patterns) {
      p = p.trim();
      if (p === '') continue;
      p = cleanPath(p);
      let exclusion = false;
      if (p.startsWith('!')) {
        if (p.length === 1) throw new DrydockError('USAGE', 'illegal exclusion pattern: "!"');
        exclusion = true;
        p = p.slice(1);
      }
      globMatch(p, '.'); // syntax check, as patternmatcher does with filepath.Match
      this.compiled.push({ text: p, exclusion, dirs: p.split('/').length, ...compile(p) });
      this.patterns.push(exclusion ? '!' + p : p);
    }
    this.hasExclusions = this.compiled.some((p) => p.exclusion);
  }

  /**
   * Could a "!" pattern re-include something below `dir`, which these patterns exclude? When no
   * exception has a wildcard, only one that names a path below `dir` can; otherwise assume so.
   * BuildKit skips the walk of such a directory (fsutil filter.go, onlyPrefixExcludeExceptions).
   */
  mayReincludeBelow(dir: string): boolean {
    this.prefixExceptions ??= this.compiled.filter((p) => p.exclusion).map((p) => p.text.replace(/\/\*\*$/, '').replace(/\/\*$/, ''));
    const dirSlash = dir + '/';
    return this.prefixExceptions.some((p) => /[*[\]?^\\]/.test(p) || (p + '/').startsWith(dirSlash));
  }

  private prefixExceptions?: string[];

  get empty(): boolean {
    return this.compiled.length === 0;
  }

  /** patternmatcher's MatchesOrParentMatches. */
  matches(file: string): boolean {
    file = cleanPath(file);
    const slash = file.lastIndexOf('/');
    const parentDirs = slash < 0 ? [] : file.slice(0, slash).split('/');
    let matched = false;
    for (const pat of this.compiled) {
      if (pat.exclusion !== matched) continue;
      let match = matchOne(pat, file);
      for (let i = 0; !match && i < parentDirs.length; i++) {
        match = matchOne(pat, parentDirs.slice(0, i + 1).join('/'));
      }
      if (match) matched = !pat.exclusion;
    }
    return matched;
  }

  ignores(relPath: string): boolean {
    const p = cleanPath(relPath.replace(/^\/+/, ''));
    if (p === '.' || p === '') return false;
    return this.matches(p);
  }

  /**
   * Could anything below directory `dir` match an inclusion pattern? Lets walkers skip
   * subtrees that an include list (COPY --parents) can never reach.
   */
  mayMatchBelow(dir: string): boolean {
    const segs = dir === '' ? [] : cleanPath(dir).split('/');
    return this.compiled.some((pat) => {
      if (pat.exclusion) return false;
      const psegs = pat.text.split('/');
      for (let i = 0; i < segs.length; i++) {
        const ps = psegs[i];
        if (ps === undefined) return true; // the pattern matched a parent: all below is in
        if (ps.includes('**')) return true;
        try {
          if (!globMatch(ps, segs[i]!)) return false;
        } catch {
          return true;
        }
      }
      return true;
    });
  }
}

function matchOne(p: Pattern, path: string): boolean {
  switch (p.kind) {
    case 'exact':
      return path === p.text;
    case 'prefix':
      return path.startsWith(p.text.slice(0, -2));
    case 'suffix': {
      const suffix = p.text.slice(2);
      if (path.endsWith(suffix)) return true;
      return suffix.startsWith('/') && path === suffix.slice(1);
    }
    case 'regexp':
      return p.re!.test(path);
  }
}

const ESCAPE = new Set(['.', '+', '(', ')', '|', '{', '}', '$']);

/** patternmatcher's Pattern.compile: classify, and build a RegExp when needed. */
function compile(pattern: string): { kind: MatchKind; re?: RegExp } {
  let re = '^';
  let kind: MatchKind = 'exact';
  const chars = Array.from(pattern);
  for (let i = 0, n = 0; i < chars.length; i++, n++) {
    const ch = chars[i]!;
    if (ch === '*') {
      if (chars[i + 1] === '*') {
        i++;
        if (chars[i + 1] === '/') i++; // "**/" is "**"
        if (i + 1 >= chars.length) {
          if (kind === 'exact') kind = 'prefix';
          else {
            re += '.*';
            kind = 'regexp';
          }
        } else {
          re += '(.*/)?';
          kind = 'regexp';
        }
        if (n === 0) kind = 'suffix';
      } else {
        re += '[^/]*';
        kind = 'regexp';
      }
    } else if (ch === '?') {
      re += '[^/]';
      kind = 'regexp';
    } else if (ESCAPE.has(ch)) {
      re += '\\' + ch;
    } else if (ch === '\\') {
      if (i + 1 < chars.length) {
        re += '\\' + chars[++i];
        kind = 'regexp';
      } else re += '\\\\';
    } else if (ch === '[' || ch === ']') {
      re += ch;
      kind = 'regexp';
    } else re += ch;
  }
  if (kind !== 'regexp') return { kind };
  try {
    return { kind, re: new RegExp(re + '$', 's') };
  } catch {
    throw new DrydockError('USAGE', `syntax error in pattern: ${JSON.stringify(pattern)}`);
  }
}
