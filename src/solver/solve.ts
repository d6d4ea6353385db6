/**
 * The scheduler: every stage the target needs starts at once and waits only for what it uses
 * (its base stage, the stages it copies from), so independent stages run in parallel. The first
 * failure cancels the rest.
 */
import type { StageResult } from '../graph/index.js';
import { runStage, type SolveStage, type StageEnv } from './stage.js';
import { DrydockError } from '../util/errors.js';
import { layerSize, type Workspace } from './workspace.js';

/** A stage's size: the content bytes of its whole filesystem (base layers included). */
export async function stageSize(ws: Workspace, r: StageResult): Promise<number> {
  let total = 0;
  for (const l of r.layers) total += await layerSize(ws, l);
  return total;
}

export interface SolveResult {
  results: Map<number, StageResult>;
  target: StageResult;
}

export async function solve(stages: SolveStage[], target: number, env: Omit<StageEnv, 'stageResult' | 'signal'>, signal?: AbortSignal): Promise<SolveResult> {
  const byIndex = new Map(stages.map((s) => [s.index, s]));
  const running = new Map<number, Promise<StageResult>>();
  const abort = new AbortController();
  const onOuterAbort = () => abort.abort(signal?.reason);
  signal?.addEventListener('abort', onOuterAbort, { once: true });

  const stageEnv: StageEnv = { ...env, signal: abort.signal, stageResult: (i) => start(i) };
  function start(index: number): Promise<StageResult> {
    let p = running.get(index);
    if (p) return p;
    const stage = byIndex.get(index);
    if (!stage) return Promise.reject(new DrydockError('INTERNAL', `stage ${index} is not part of this build`));
    const t0 = Date.now();
    env.emit({ type: 'stage-start', time: t0, stage: index, name: stage.name });
    p = runStage(stage, stageEnv).then(async (r) => {
      const size = await stageSize(env.ws, r);
      env.emit({ type: 'stage-done', time: Date.now(), stage: index, name: stage.name, size, layers: r.layers.length });
      return r;
    });
    p.catch((e) => abort.abort(e)); // first failure stops the others
    running.set(index, p);
    return p;
  }

  try {
    const all = stages.map((s) => start(s.index));
    // Wait for the target; report the first error (not a cancellation it caused elsewhere).
    const settled = await Promise.allSettled(all);
    const failed = settled.find((r): r is PromiseRejectedResult => r.status === 'rejected' && !isCancel(r.reason))
      ?? settled.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
    const results = new Map<number, StageResult>();
    for (const [i, s] of stages.entries()) results.set(s.index, (settled[i] as PromiseFulfilledResult<StageResult>).value);
    return { results, target: results.get(target)! };
  } finally {
    signal?.removeEventListener('abort', onOuterAbort);
  }
}

function isCancel(e: unknown): boolean {
  return e instanceof DrydockError && e.code === 'CANCELLED';
}
