/**
 * `buildEvents(opts)`: a build whose events can be read with `for await`. It is `build()`
 * itself (the CLI's code path) with an `onEvent` that queues; the queue replays from the first
 * event for every iterator, so late readers miss nothing.
 */
import { build, type BuildResult } from '../build/build.js';
import type { BuildOptions } from '../build/options.js';
import type { BuildEvent } from '../solver/events.js';
import { DrydockError } from '../util/errors.js';

export interface BuildRun extends AsyncIterable<BuildEvent> {
  /** Settles with the build: its result, or its error (a DrydockError with code `CANCELLED` when stopped). */
  readonly result: Promise<BuildResult>;
  /** Stops the build: running containers are killed, `result` rejects with `CANCELLED`. */
  cancel(reason?: unknown): void;
}

/**
 * Starts a build and returns it as an async iterable of its events. Iteration ends after
 * `build-done`, or throws the build's error after the last event. Leaving the loop early
 * (`break`, `return`, a throw) cancels the build. `opts.signal` and `opts.onEvent` still work.
 */
export function buildEvents(opts: BuildOptions): BuildRun {
  const events: BuildEvent[] = [];
  const wake = new Set<() => void>();
  const notify = () => { for (const w of [...wake]) w(); };
  const controller = new AbortController();
  const outer = opts.signal;
  const onOuterAbort = () => controller.abort(outer?.reason);
  if (outer?.aborted) controller.abort(outer.reason);
  else outer?.addEventListener('abort', onOuterAbort, { once: true });

  let settled = false;
  let failure: { error: unknown } | undefined;
  const result = (async () => {
    try {
      // An already aborted signal stops the build before it starts (a build without RUN would not notice).
      if (controller.signal.aborted) throw new DrydockError('CANCELLED', 'build cancelled');
      return await build({
        ...opts,
        signal: controller.signal,
        onEvent: (e) => { events.push(e); opts.onEvent?.(e); notify(); },
      });
    } catch (e) {
      failure = { error: e };
      throw e;
    } finally {
      settled = true;
      outer?.removeEventListener('abort', onOuterAbort);
      notify();
    }
  })();
  result.catch(() => { /* handled by whoever awaits result or iterates; never an unhandled rejection */ });

  return {
    result,
    cancel: (reason?: unknown) => controller.abort(reason),
    [Symbol.asyncIterator](): AsyncIterator<BuildEvent> {
      let i = 0;
      return {
        async next(): Promise<IteratorResult<BuildEvent>> {
          while (i >= events.length && !settled) await new Promise<void>((r) => { const w = () => { wake.delete(w); r(); }; wake.add(w); });
          if (i < events.length) return { value: events[i++], done: false };
          if (failure) throw failure.error;
          return { value: undefined, done: true };
        },
        async return(): Promise<IteratorResult<BuildEvent>> {
          if (!settled) controller.abort(new DrydockError('CANCELLED', 'build cancelled: the event loop was left'));
          i = Number.POSITIVE_INFINITY;
          return { value: undefined, done: true };
        },
      };
    },
  };
}
