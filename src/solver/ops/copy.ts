/**
 * COPY and ADD: files from the context, a stage or an image into the stage's filesystem, and
 * ADD's URLs. The Docker rules themselves live in src/fileop.
 */
import type { CopyOp } from '../../graph/index.js';
import type { BuildContext } from '../../context/index.js';
import type { StepRuntime } from './types.js';

export function isURL(s: string): boolean {
  return /^https?:\/\//i.test(s);
}

export async function executeCopy(op: CopyOp, rootfs: string, rt: StepRuntime, ctx: BuildContext | undefined): Promise<void> {
  const { copyInto, fetchURL } = await import('../../fileop/index.js');
  const urls = op.isAdd ? op.sources.filter(isURL) : [];
  const local = op.sources.filter((s) => !urls.includes(s));
  for (const url of urls) {
    await fetchURL(url, rootfs, op.dest, { checksum: op.checksum, chown: op.chown, chmod: op.chmod, signal: rt.signal });
  }
  if (local.length === 0 && !op.heredocs?.length) return;
  const src = await rt.sourceRoot(op.from);
  try {
    await copyInto({
      srcRoot: src.path,
      sources: local,
      dest: op.dest,
      destRoot: rootfs,
      chown: op.chown,
      chmod: op.chmod,
      ignore: src.isContext ? ctx?.dockerignore : undefined,
      keepOwnership: !src.isContext, // BuildKit keeps owners for COPY --from; context files arrive as 0:0
      exclude: op.exclude,
      parents: op.parents,
      isAdd: op.isAdd,
      heredocs: op.heredocs,
    });
  } finally {
    await src.release();
  }
}
