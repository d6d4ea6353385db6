/**
 * runFuzz(): seeds [from, to) through the frontend in a worker, each input time-limited.
 * Returns what was found; the CI test and scripts/fuzz.ts both call it.
 */
import { Worker } from 'node:worker_threads';
import type { Verdict } from './frontend.js';
import { fuzzInput } from './mutate.js';

export interface FuzzFinding { seed: number; input: string; verdict: Exclude<Verdict, { kind: 'ok' }> | { kind: 'hang'; message: string } }
export interface FuzzSummary { inputs: number; accepted: number; rejected: number; findings: FuzzFinding[] }

export function runFuzz(corpus: string[], from: number, to: number, opts: { perInputMs?: number } = {}): Promise<FuzzSummary> {
  const perInputMs = opts.perInputMs ?? 10_000;
  const here = import.meta.url;
  // From source, the worker registers tsx in its own thread before loading worker.ts (Node 20
  // loads a worker's entry before its --import hooks).
  const worker = here.endsWith('.ts')
    ? new Worker(`import(${JSON.stringify(import.meta.resolve('tsx/esm/api'))}).then((t) => { t.register(); return import(${JSON.stringify(new URL('./worker.ts', here).href)}); });`, { eval: true, workerData: { corpus, from, to } })
    : new Worker(new URL('./worker.js', here), { workerData: { corpus, from, to } });
  const sum: FuzzSummary = { inputs: 0, accepted: 0, rejected: 0, findings: [] };
  return new Promise((resolve, reject) => {
    let inFlight: number | undefined;
    let timer: NodeJS.Timeout | undefined;
    const arm = () => {
      clearTimeout(timer);
      timer = setTimeout(() => {
        const seed = inFlight ?? from;
        sum.findings.push({ seed, input: fuzzInput(corpus, seed), verdict: { kind: 'hang', message: `no answer in ${perInputMs} ms` } });
        void worker.terminate().then(() => resolve(sum));
      }, perInputMs);
    };
    arm();
    worker.on('message', (m: { seed?: number; verdict?: Verdict; done?: boolean }) => {
      arm();
      if (m.done) { clearTimeout(timer); void worker.terminate().then(() => resolve(sum)); return; }
      if (!m.verdict) { inFlight = m.seed; return; }
      sum.inputs++;
      if (m.verdict.kind === 'ok') sum.accepted++;
      else if (m.verdict.kind === 'located' || m.verdict.kind === 'whole-file') sum.rejected++;
      else sum.findings.push({ seed: m.seed!, input: fuzzInput(corpus, m.seed!), verdict: m.verdict });
    });
    worker.on('error', (e) => { clearTimeout(timer); reject(e); });
  });
}
