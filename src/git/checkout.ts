/**
 * A git source made concrete: its commit resolved with `git ls-remote` (the cache key, so a
 * moved branch means a new layer), and a shallow checkout of exactly that commit, with
 * submodules, `.git` removed unless --keep-git-dir.
 */
import { mkdtemp, rm, lstat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DrydockError } from '../util/errors.js';
import { git, GitError } from './git.js';
import type { GitSource } from './url.js';

const SHA = /^[0-9a-f]{40}$/;

/** The commit `src.ref` (default HEAD) points at on the remote. */
export async function resolveGitCommit(src: GitSource, opts: { signal?: AbortSignal } = {}): Promise<string> {
  if (src.ref && SHA.test(src.ref)) return src.ref;
  const want = src.ref ?? 'HEAD';
  let out: string;
  try {
    out = await git(['ls-remote', '--', src.remote, want, ...(want === 'HEAD' || want.startsWith('refs/') ? [] : [`refs/heads/${want}`, `refs/tags/${want}`, `refs/tags/${want}^{}`])], opts);
  } catch (e) {
    throw gitFailure(src, e);
  }
  const refs = new Map<string, string>();
  for (const line of out.split('\n')) {
    const [sha, name] = line.split('\t');
    if (sha && name) refs.set(name, sha);
  }
  // an annotated tag's commit is its peeled ^{} entry; branches win over tags, like git itself
  for (const name of [want, `refs/heads/${want}`, `refs/tags/${want}^{}`, `refs/tags/${want}`, `${want}^{}`]) {
    const sha = refs.get(name);
    if (sha) return sha;
  }
  if (/^[0-9a-f]{7,39}$/.test(want)) {
    throw new DrydockError('USAGE', `git source ${src.remote}: "${want}" looks like a short commit; give the full 40-character commit`);
  }
  throw new DrydockError('NOT_FOUND', `git source ${src.remote}: no branch or tag "${want}"`);
}

export interface Checkout {
  /** The directory whose contents the source stands for (the subdir when one was asked). */
  path: string;
  commit: string;
  release(): Promise<void>;
}

/** Checks out `commit` of `src` into a temporary directory. */
export async function checkoutGit(src: GitSource, commit: string, opts: { keepGitDir?: boolean; signal?: AbortSignal } = {}): Promise<Checkout> {
  const dir = await mkdtemp(join(tmpdir(), 'drydock-git-'));
  const release = () => rm(dir, { recursive: true, force: true });
  try {
    const run = (args: string[]) => git(args, { cwd: dir, signal: opts.signal });
    await run(['init', '-q', '.']);
    await run(['remote', 'add', 'origin', src.remote]);
    try {
      await run(['fetch', '-q', '--depth=1', '--no-tags', 'origin', commit]);
    } catch {
      // servers that refuse fetching a bare commit: fetch the ref, then make sure we got that commit
      await run(['fetch', '-q', '--no-tags', 'origin', src.ref ?? 'HEAD']);
    }
    await run(['checkout', '-q', '--detach', commit]);
    if (await exists(join(dir, '.gitmodules'))) await run(['submodule', 'update', '-q', '--init', '--recursive', '--depth=1']);
    if (!opts.keepGitDir) await rm(join(dir, '.git'), { recursive: true, force: true });
    const path = src.subdir ? join(dir, src.subdir) : dir;
    const st = await lstat(path).catch(() => undefined);
    if (!st?.isDirectory()) throw new DrydockError('NOT_FOUND', `git source ${src.remote}: no directory "${src.subdir}" at ${commit.slice(0, 12)}`);
    return { path, commit, release };
  } catch (e) {
    await release();
    throw e instanceof DrydockError ? e : gitFailure(src, e);
  }
}

async function exists(p: string): Promise<boolean> {
  return lstat(p).then(() => true, () => false);
}

function gitFailure(src: GitSource, e: unknown): unknown {
  if (e instanceof GitError) return new DrydockError('NOT_FOUND', `git source ${src.remote}: ${e.detail}`, { cause: e });
  return e;
}
