/**
 * What the fuzzer checks of one input: the frontend (parse → instructions → plan → dispatch of
 * every planned stage, as `drydock parse --format json` does) either accepts it or throws a
 * DrydockError that names the file and line. Anything else (a TypeError, a RangeError, an
 * error without a location) is a bug.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { dispatchContext, dispatchStage, planBuild, type DispatchedStage } from '../../src/dockerfile/index.js';
import { isDrydockError } from '../../src/util/errors.js';

export type Verdict =
  | { kind: 'ok' }
  | { kind: 'located'; message: string }
  /** An error about the whole file (it is empty): it names the file, and there is no line to name. */
  | { kind: 'whole-file'; message: string }
  /** A DrydockError without file and line: the user is not told where. */
  | { kind: 'unlocated'; message: string }
  /** Not a DrydockError: an internal error. */
  | { kind: 'internal'; message: string };

/** Errors about the file as a whole (BuildKit: "the Dockerfile cannot be empty", testEmptyDockerfile). */
const WHOLE_FILE = [/^the Dockerfile \(Dockerfile\) cannot be empty$/];

export function checkFrontend(text: string): Verdict {
  try {
    const plan = planBuild(text, { file: 'Dockerfile', buildArgs: {} });
    const done = new Map<number, DispatchedStage>();
    for (const stage of plan.stages) {
      const baseStage = stage.base.kind === 'stage' ? done.get(stage.base.index) : undefined;
      done.set(stage.index, dispatchStage(stage, dispatchContext(plan, baseStage ? { baseStage } : {})));
    }
    return { kind: 'ok' };
  } catch (e) {
    if (!isDrydockError(e)) return { kind: 'internal', message: e instanceof Error ? (e.stack ?? e.message) : String(e) };
    if (!e.location && WHOLE_FILE.some((r) => r.test(e.message))) return { kind: 'whole-file', message: e.format() };
    if (!e.location || e.location.file !== 'Dockerfile' || !(e.location.line >= 1)) return { kind: 'unlocated', message: e.format() };
    return { kind: 'located', message: e.format() };
  }
}

/** Seed Dockerfiles: BuildKit's parser vectors, the conformance corpus, the examples. */
export function readCorpus(repoRoot: string): string[] {
  const out: string[] = [];
  const walk = (dir: string, depth: number) => {
    let names: string[];
    try { names = readdirSync(dir).sort(); } catch { return; }
    for (const n of names) {
      const p = path.join(dir, n);
      const st = statSync(p);
      if (st.isDirectory() && depth > 0 && n !== 'context') walk(p, depth - 1);
      else if (st.isFile() && /^Dockerfile/.test(n) && st.size < 64 * 1024) out.push(readFileSync(p, 'utf8'));
    }
  };
  for (const d of ['test/fixtures/buildkit-parser', 'test/conformance', 'examples']) walk(path.join(repoRoot, d), 3);
  if (out.length === 0) throw new Error(`no seed Dockerfiles under ${repoRoot}`);
  return out;
}
