/**
 * COPY and ADD: files from the context, a stage or an image into the stage's filesystem, and
 * ADD's URLs and git repositories. The Docker rules themselves live in src/fileop and src/git.
 */
import type { CopyOp } from '../../graph/index.js';
import type { BuildContext } from '../../context/index.js';
import type { StepRuntime } from './types.js';
import { isGitURL } from '../../git/url.js';

/** A remote ADD source (http(s) download or git repository): not read from `from`. */
export function isURL(s: string): boolean {
  return /^https?:\/\//i.test(s) || isGitURL(s);
}

export async function executeCopy(op: CopyOp, rootfs: string, rt: StepRuntime, ctx: BuildContext | undefined): Promise<void> {
  const { copyInto, fetchURL } = await import('../../fileop/index.js');
  const urls = op.isAdd ? op.sources.filter(isURL) : [];
  const local = op.sources.filter((s) => !urls.includes(s));
  for (const url of urls) {
    if (isGitURL(url)) {
      await addGit(url, op, rootfs, rt);
      continue;
    }
    await fetchURL(url, rootfs, op.dest, { checksum: op.checksum, chown: op.chown, chmod: op.chmod, signal: rt.signal });
  }
  if (local.length === 0 && !op.heredocs?.length) return;
  const src = await rt.sourceRoot(op.from);
  const context = src.isContext ? src.context ?? ctx : undefined;
  try {
    await copyInto({
      srcRoot: src.path,
      sources: local,
      dest: op.dest,
      destRoot: rootfs,
      chown: op.chown,
      chmod: op.chmod,
      ignore: context?.dockerignore,
      keepOwnership: !src.isContext, // BuildKit keeps owners for COPY --from; context files arrive as 0:0
      exclude: op.exclude,
      parents: op.parents,
      isAdd: op.isAdd,
      heredocs: op.heredocs,
      contents: context?.contents,
    });
  } finally {
    await src.release();
  }
}

/** What identifies ADD's remote sources in the step's cache key: the commit each git source resolves to now. */
export async function remoteKeyInputs(op: CopyOp, signal?: AbortSignal): Promise<Record<string, string>> {
  const inputs: Record<string, string> = {};
  for (const s of op.sources.filter(isGitURL)) inputs[`git ${s}`] = await gitCommit(s, signal);
  return inputs;
}

// One resolution per source and build (a build's steps share its abort signal): the commit the
// cache key was made from is the one checked out, even if the branch moves meanwhile.
const resolved = new WeakMap<AbortSignal, Map<string, Promise<string>>>();

async function gitCommit(url: string, signal?: AbortSignal): Promise<string> {
  const { parseGitURL, resolveGitCommit } = await import('../../git/index.js');
  if (!signal) return resolveGitCommit(parseGitURL(url));
  let memo = resolved.get(signal);
  if (!memo) resolved.set(signal, (memo = new Map()));
  let p = memo.get(url);
  if (!p) {
    p = resolveGitCommit(parseGitURL(url), { signal });
    memo.set(url, p);
    p.catch(() => memo!.delete(url));
  }
  return p;
}

/** ADD <git repository>: the tree of the resolved commit (or its subdir) copied into dest, owned 0:0 unless --chown. */
async function addGit(url: string, op: CopyOp, rootfs: string, rt: StepRuntime): Promise<void> {
  const [{ parseGitURL, checkoutGit }, { copyInto }, { DrydockError }] = await Promise.all([
    import('../../git/index.js'), import('../../fileop/index.js'), import('../../util/errors.js'),
  ]);
  const src = parseGitURL(url);
  const commit = await gitCommit(url, rt.signal);
  if (op.checksum && !commit.startsWith(op.checksum)) {
    throw new DrydockError('DIGEST', `expected checksum to match ${op.checksum}, got ${commit}`, { location: rt.location });
  }
  const checkout = await checkoutGit(src, commit, { keepGitDir: op.keepGitDir, signal: rt.signal });
  try {
    await copyInto({ srcRoot: checkout.path, sources: ['.'], dest: op.dest, destRoot: rootfs, chown: op.chown, chmod: op.chmod, exclude: op.exclude, allowWildcards: false });
  } finally {
    await checkout.release();
  }
}
