/**
 * The build context: a directory used in place, or a tar stream (`docker build - < ctx.tar`,
 * optionally compressed) extracted to a private temporary directory that `release()` removes.
 */
import { mkdtemp, realpath, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { once } from 'node:events';
import type { Readable } from 'node:stream';
import { DrydockError } from '../util/errors.js';
import { loadDockerignore, type IgnoreMatcher } from './dockerignore.js';
import { ContentCache } from './contents.js';

export interface BuildContext {
  /** A directory holding the context's files. */
  root: string;
  dockerignore: IgnoreMatcher;
  /** Small files' bytes read by hashSources, for the copy that follows (see contents.ts). */
  contents?: ContentCache;
  release(): Promise<void>;
}

export type ContextSource = { dir: string } | { tar: Readable };

export async function openContext(source: ContextSource, opts: { dockerfilePath?: string } = {}): Promise<BuildContext> {
  if ('dir' in source) {
    let root: string;
    try {
      root = await realpath(source.dir);
      if (!(await stat(root)).isDirectory()) throw new Error('not a directory');
    } catch (e) {
      throw new DrydockError('CONTEXT', `unable to prepare context: path ${JSON.stringify(source.dir)} not found`, { cause: e });
    }
    const dockerignore = await loadDockerignore(root, opts.dockerfilePath);
    const contents = new ContentCache();
    return { root, dockerignore, contents, release: async () => contents.clear() };
  }
  const root = await mkdtemp(`${tmpdir()}/drydock-context-`);
  const release = () => rm(root, { recursive: true, force: true });
  try {
    const { head, stream } = await peek(source.tar, 16);
    // Loaded here: a directory context (every rebuild's case) needs no tar code.
    const [{ extractTar }, { decompress, detectCompression }] = await Promise.all([import('../archive/index.js'), import('../fileop/decompress.js')]);
    await extractTar(decompress(stream, detectCompression(head)), root);
    const dockerignore = await loadDockerignore(root, opts.dockerfilePath);
    const contents = new ContentCache();
    return { root, dockerignore, contents, release: () => (contents.clear(), release()) };
  } catch (e) {
    await release();
    if (e instanceof DrydockError && e.code !== 'FORMAT') throw e;
    throw new DrydockError('CONTEXT', `unable to read the build context from the tar stream: ${(e as Error).message}`, { cause: e });
  }
}

/** The first `n` bytes of a stream (fewer if it is shorter), pushed back so the stream still yields everything. */
async function peek(input: Readable, n: number): Promise<{ head: Buffer; stream: Readable }> {
  const chunks: Buffer[] = [];
  let len = 0;
  let ended = input.readableEnded;
  const onEnd = () => (ended = true);
  input.once('end', onEnd);
  try {
    while (len < n && !ended) {
      const chunk = input.read() as Buffer | null;
      if (chunk !== null) {
        chunks.push(chunk);
        len += chunk.length;
        continue;
      }
      const ac = new AbortController();
      await Promise.race([once(input, 'readable', { signal: ac.signal }), once(input, 'end', { signal: ac.signal })]).finally(() => ac.abort());
    }
  } finally {
    input.off('end', onEnd);
  }
  const head = Buffer.concat(chunks);
  if (head.length > 0) input.unshift(head);
  return { head: head.subarray(0, n), stream: input };
}
