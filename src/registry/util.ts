/** Small helpers the pull and push paths share. */
import { Transform, type Readable } from 'node:stream';
import { DrydockError } from '../util/errors.js';

/** Runs `fn` over `items` with at most `limit` in flight; the first failure rejects (others finish). */
export async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  let failed: { e: unknown } | undefined;
  const worker = async () => {
    while (!failed && next < items.length) {
      const i = next++;
      try {
        results[i] = await fn(items[i]!);
      } catch (e) {
        failed ??= { e };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  if (failed) throw failed.e;
  return results;
}

/** `pull busybox: <message>`: the operation and what the user typed, in front of a lower-level error. */
export function withContext(e: unknown, what: string): unknown {
  if (!(e instanceof DrydockError)) return e;
  return new DrydockError(e.code, `${what}: ${e.message}`, { cause: e.cause ?? e, exitCode: e.exitCode });
}

/** Passes bytes through, reporting the running total (at most every 256 KiB, and at the end). */
export function countBytes(src: Readable, report: (n: number) => void): Readable {
  let n = 0;
  let lastReported = 0;
  // A Transform, not a 'data' listener: listening would start the flow before the consumer attaches.
  const out = new Transform({
    transform(chunk: Buffer, _enc, cb) {
      n += chunk.length;
      if (n - lastReported >= 256 * 1024) { lastReported = n; report(n); }
      cb(null, chunk);
    },
    flush(cb) {
      if (n !== lastReported) report(n);
      cb();
    },
  });
  src.on('error', (e) => out.destroy(e));
  return src.pipe(out);
}

/**
 * The error to report when the mirrors and then the registry itself failed: a mirror's definite
 * answer (unknown image, denied) beats "docker.io unreachable"; two network failures are both told.
 */
export function endpointsError(mirrorError: unknown, directError: unknown): unknown {
  if (!(mirrorError instanceof DrydockError) || !(directError instanceof DrydockError) || directError.code !== 'REGISTRY') return directError;
  if (mirrorError.code !== 'REGISTRY') return mirrorError;
  return new DrydockError('REGISTRY', `${mirrorError.message} (then ${directError.message})`, { cause: mirrorError });
}
