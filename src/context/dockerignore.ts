/**
 * .dockerignore with Docker's rules (moby/patternmatcher/ignorefile): "#" comments, blank lines
 * skipped, patterns trimmed and cleaned, a leading "/" dropped, "!" exceptions, "**", a match on
 * a directory covering everything below it. `<Dockerfile>.dockerignore` beside the Dockerfile
 * wins over the context's .dockerignore, as in BuildKit.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { DrydockError } from '../util/errors.js';
import { PatternMatcher, type IgnoreMatcher } from '../fileop/patterns.js';
import { cleanPath } from '../fileop/paths.js';

/** The patterns of an ignore file's text, normalised as ignorefile.ReadAll does. */
export function parseDockerignore(text: string): string[] {
  const out: string[] = [];
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  for (const raw of lines) {
    if (raw.startsWith('#')) continue;
    let pattern = raw.trim();
    if (pattern === '') continue;
    const invert = pattern.startsWith('!');
    if (invert) pattern = pattern.slice(1).trim();
    if (pattern.length > 0) {
      pattern = cleanPath(pattern);
      if (pattern.length > 1 && pattern.startsWith('/')) pattern = pattern.slice(1);
    }
    out.push(invert ? '!' + pattern : pattern);
  }
  return out;
}

/** An IgnoreMatcher for the given patterns (an empty list ignores nothing). */
export function createIgnoreMatcher(patterns: readonly string[]): PatternMatcher {
  return new PatternMatcher(patterns);
}

/**
 * The .dockerignore that applies to a build: `<dockerfilePath>.dockerignore` if it exists, else
 * `<contextDir>/.dockerignore`, else none. `dockerfilePath` may be relative to `contextDir`.
 */
export async function loadDockerignore(contextDir: string, dockerfilePath?: string): Promise<PatternMatcher> {
  const candidates: string[] = [];
  if (dockerfilePath && dockerfilePath !== '-') candidates.push(path.resolve(contextDir, dockerfilePath) + '.dockerignore');
  candidates.push(path.join(contextDir, '.dockerignore'));
  for (const file of candidates) {
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'ENOTDIR') continue;
      throw new DrydockError('CONTEXT', `failed to read ${path.basename(file)}: ${(e as Error).message}`, { cause: e });
    }
    try {
      return createIgnoreMatcher(parseDockerignore(text));
    } catch (e) {
      throw new DrydockError('CONTEXT', `failed parsing ${path.basename(file)}: ${(e as Error).message}`, { cause: e });
    }
  }
  return createIgnoreMatcher([]);
}

export type { IgnoreMatcher };
