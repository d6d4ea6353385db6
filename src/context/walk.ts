/**
 * The walk behind a context hash, at what the file system costs: one readdir per directory it
 * enters, one lstat per entry it keeps (plain-number Stats, no bigints), nothing at all for what
 * .dockerignore or COPY --exclude hide, unless an exception may re-include something below it
 * (BuildKit's rule: fsutil filter.go, onlyPrefixExcludeExceptions; see PatternMatcher.mayReincludeBelow).
 * Patterns are matched entry by entry only in directories where one could match: below `data/`,
 * a `.dockerignore` of `node_modules` costs nothing per file.
 */
import { lstatSync, readdirSync, type Stats } from 'node:fs';
import { globMatch } from '../fileop/glob.js';
import type { PatternMatcher } from '../fileop/patterns.js';
import type { Pacer } from '../util/sync-fs.js';

/** Called for each entry the walk keeps: its host path, its path relative to the context root, its lstat. */
export type OnEntry = (abs: string, rel: string, st: Stats) => void;

/** What the walk asked of the file system. */
export interface WalkCounts {
  lstat: number;
  readdir: number;
}

export interface WalkFilters {
  /** .dockerignore, matched against paths relative to the context root. */
  ignore?: PatternMatcher;
  /** COPY --exclude, matched against paths below the selection. */
  exclude?: PatternMatcher;
  /** COPY --parents: only entries it matches (paths below the selection) count. */
  include?: PatternMatcher;
}

/** Where a directory's entries need which checks. */
interface Dir {
  skipped: boolean;
  checkIgnore: boolean;
  checkExclude: boolean;
}

export class Walker {
  constructor(
    private readonly onEntry: OnEntry,
    private readonly counts: WalkCounts,
    private readonly pacer: Pacer,
    private readonly f: WalkFilters,
    /** The selection's path relative to the context root ('' for the root itself). */
    private readonly base: string,
  ) {}

  /** Walks the selection at `abs` (already checked visible by selectSource). */
  async walk(abs: string): Promise<void> {
    const st = this.stat(abs);
    this.onEntry(abs, this.base, st);
    if (!st.isDirectory()) return;
    const { ignore, exclude } = this.f;
    const checkIgnore = !!ignore && (this.base === '' ? ignore.patterns.length > 0 : ignore.matches(this.base) || reachesBelow(ignore.patterns, this.base));
    await this.dir(abs, this.base, '', { skipped: false, checkIgnore, checkExclude: !!exclude && exclude.patterns.length > 0 });
  }

  /** `rel`: the directory's path in the context; `sub`: below the selection (made only where a filter needs it). */
  private async dir(abs: string, rel: string, sub: string, d: Dir): Promise<void> {
    const { ignore, exclude, include } = this.f;
    if (d.skipped && include && !include.mayMatchBelow(sub)) return;
    this.counts.readdir++;
    const needSub = d.checkExclude || !!include;
    // in the directory's order: the caller sorts
    for (const n of readdirSync(abs)) {
      const paused = this.pacer.pace();
      if (paused) await paused;
      const cAbs = `${abs}/${n}`;
      const cRel = rel === '' ? n : `${rel}/${n}`;
      const cSub = needSub ? (sub === '' ? n : `${sub}/${n}`) : '';
      const excluded = d.checkExclude && exclude!.matches(cSub);
      const ignored = d.checkIgnore && ignore!.matches(cRel);
      // Hidden, and nothing below it can come back: not even looked at.
      if (excluded && !exclude!.mayReincludeBelow(cSub)) continue;
      if (ignored && !ignore!.mayReincludeBelow(cRel)) continue;
      const skipped = excluded || ignored || (!!include && !include.matches(cSub));
      const st = this.stat(cAbs);
      if (!skipped) this.onEntry(cAbs, cRel, st);
      if (!st.isDirectory()) continue;
      await this.dir(cAbs, cRel, cSub, {
        skipped,
        checkIgnore: d.checkIgnore && (ignored || reachesBelow(ignore!.patterns, cRel)),
        checkExclude: d.checkExclude && (excluded || reachesBelow(exclude!.patterns, cSub)),
      });
    }
  }

  private stat(abs: string): Stats {
    this.counts.lstat++;
    return lstatSync(abs);
  }
}

/**
 * Could one of `patterns` ("!" or not) match a path strictly below directory `dir` other than
 * through `dir` or its parents? If not, every entry below is matched as `dir` is. Patterns with
 * escapes or character classes are assumed to.
 */
export function reachesBelow(patterns: readonly string[], dir: string): boolean {
  const segs = dir === '' ? [] : dir.split('/');
  return patterns.some((raw) => {
    const p = raw.startsWith('!') ? raw.slice(1) : raw;
    if (p.includes('\\') || p.includes('[')) return true;
    const ps = p.split('/');
    for (let i = 0; i < segs.length; i++) {
      if (i >= ps.length) return false; // matches `dir` or a parent, not below them
      if (ps[i]!.includes('**')) return true;
      try {
        if (!globMatch(ps[i]!, segs[i]!)) return false;
      } catch {
        return true;
      }
    }
    return ps.length > segs.length;
  });
}
