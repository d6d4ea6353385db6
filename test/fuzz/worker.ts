/**
 * The fuzz loop in a worker thread, so the caller can stop an input that hangs: it posts
 * `{ seed }` before each input and `{ seed, verdict }` after; a parent that sees no message
 * for too long terminates the worker and reports the seed in flight.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { checkFrontend } from './frontend.js';
import { fuzzInput } from './mutate.js';

const { corpus, from, to } = workerData as { corpus: string[]; from: number; to: number };
for (let seed = from; seed < to; seed++) {
  parentPort!.postMessage({ seed });
  const verdict = checkFrontend(fuzzInput(corpus, seed));
  parentPort!.postMessage({ seed, verdict });
}
parentPort!.postMessage({ done: true });
