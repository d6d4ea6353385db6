/**
 * Shared by the hostile-archive tests: the sentinel directory every escape aims at, checks that
 * a failure is one clear line and that a store is left consistent, a small pool to run CLI
 * invocations side by side, and a table of what each input did on each path.
 */
import assert from 'node:assert/strict';
import { appendFileSync, lstatSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { readXattrs } from '../../../src/util/xattr.js';
import path from 'node:path';
import { runDrydock, spawnDrydock, type RunOptions, type RunResult } from '../../helpers/cli.js';
import { expectationFor, type HostileCase, type TreeKind } from '../../helpers/hostile-tars.js';

/** A fresh directory outside every store; hostile entries aim at `<it>/pwned`. */
export function makeSentinel(): string {
  const dir = mkdtempSync('/tmp/drydock-sentinel-');
  const st = lstatSync(dir);
  initial.set(dir, { mode: st.mode, mtimeMs: st.mtimeMs, uid: st.uid, xattrs: [...readXattrs(dir).keys()] });
  return dir;
}

const initial = new Map<string, { mode: number; mtimeMs: number; uid: number; xattrs: string[] }>();

/** Nothing was created in the sentinel, nor next to it, and its own mode, owner, time and xattrs are unchanged. */
export function assertSentinelEmpty(sentinel: string): void {
  assert.deepEqual(readdirSync(sentinel), [], `something was written outside the destination, into ${sentinel}`);
  const stray = readdirSync(path.dirname(sentinel)).filter((n) => n.startsWith(`${path.basename(sentinel)}-`) || n === 'pwned');
  assert.deepEqual(stray, [], 'something was written next to the sentinel');
  const st = lstatSync(sentinel);
  assert.deepEqual({ mode: st.mode, mtimeMs: st.mtimeMs, uid: st.uid, xattrs: [...readXattrs(sentinel).keys()] }, initial.get(sentinel),
    `the sentinel ${sentinel} itself was changed (mode, owner, time or xattrs)`);
}

/** The CLI's failure: exactly one line, no stack trace, no internal error; the line is returned. */
export function oneLine(r: RunResult): string {
  const lines = r.stderr.split('\n').filter((l) => l.trim() !== '');
  if (lines.length !== 1) throw new Error(`expected one error line, got ${lines.length}:\n${r.stderr.slice(0, 2000)}`);
  const line = lines[0]!;
  if (/internal error|^\s+at |\bat .*\.ts:\d+/i.test(line)) throw new Error(`not a clear error: ${line}`);
  if (line.length > 600) throw new Error(`error line of ${line.length} characters: ${line.slice(0, 300)}…`);
  return line;
}

/** `drydock fsck` on `root` is clean, and no temp or active snapshot is left behind. */
export async function assertStoreClean(root: string): Promise<void> {
  const r = await runDrydock(['fsck'], { root });
  assert.equal(r.code, 0, `fsck: ${r.stdout}${r.stderr}`);
  assert.match(r.stdout, /: ok\n$/, r.stdout);
  assert.doesNotMatch(r.stdout, /stale temp/, r.stdout);
  for (const d of ['tmp', 'snapshots/tmp', 'snapshots/active']) {
    let left: string[] = [];
    try {
      left = readdirSync(path.join(root, d));
    } catch {
      /* not made */
    }
    assert.deepEqual(left, [], `${root}/${d} is not empty`);
  }
}

export interface Outcome {
  path: string;
  id: string;
  /** `refused: <line>` or `accepted`. */
  result: string;
}

/** Outcomes of every test file, gathered for the docs table (printed by `report`). */
export const outcomes: Outcome[] = [];

/**
 * Runs `invoke` for one case on one path and checks it against the case's expectation:
 * a refusal must be one matching line, an acceptance must leave `tree()` passing the check.
 * Returns a problem description, or undefined when drydock did the right thing.
 */
export async function judge(
  where: string, c: HostileCase, r: RunResult, tree?: () => { root: string; kind: TreeKind } | undefined, clamp = false,
): Promise<string | undefined> {
  const problem = (why: string) => `${where} × ${c.id}: ${why}`;
  const expect = expectationFor(c, clamp);
  if ('reject' in expect) {
    if (r.code === 0) {
      outcomes.push({ path: where, id: c.id, result: 'ACCEPTED (should refuse)' });
      return problem('accepted, should be refused');
    }
    let line: string;
    try {
      line = oneLine(r);
    } catch (e) {
      outcomes.push({ path: where, id: c.id, result: 'refused, not one line' });
      return problem((e as Error).message);
    }
    outcomes.push({ path: where, id: c.id, result: `refused: ${line}` });
    return expect.reject.test(line) ? undefined : problem(`wrong error: ${line}`);
  }
  if (r.code !== 0) {
    outcomes.push({ path: where, id: c.id, result: `REFUSED (should accept): ${r.stderr.trim().split('\n')[0]}` });
    return problem(`refused, should be accepted: ${r.stderr.trim().slice(0, 800)}`);
  }
  const t = tree?.();
  try {
    if (t) expect.accept(t.root, t.kind);
  } catch (e) {
    outcomes.push({ path: where, id: c.id, result: 'accepted, wrong tree' });
    return problem(`accepted but the tree is wrong: ${(e as Error).message}`);
  }
  outcomes.push({ path: where, id: c.id, result: 'accepted' });
  return undefined;
}

/** Runs `jobs` with at most `width` at a time; resolves to their results in order. */
export async function pool<T>(width: number, jobs: Array<() => Promise<T>>): Promise<T[]> {
  const out: T[] = new Array(jobs.length);
  let next = 0;
  const worker = async () => {
    while (next < jobs.length) {
      const i = next++;
      out[i] = await jobs[i]!();
    }
  };
  await Promise.all(Array.from({ length: Math.min(width, jobs.length) }, worker));
  return out;
}

export interface Measured extends RunResult {
  ms: number;
  /** The drydock process's peak resident set (VmHWM), in MiB. */
  peakMiB: number;
  /** Its CPU time (user + system), in seconds, as last seen before it exited. */
  cpuS: number;
}

/** drydock, with a time limit (a hostile input must never hang it: killed, it reports exit 124), timed and its memory peak taken. */
export function drydock(args: string[], opts: RunOptions & { timeoutMs?: number } = {}): Promise<Measured> {
  const limit = opts.timeoutMs ?? 90_000;
  const started = Date.now();
  const child = spawnDrydock(args, opts);
  // drydock may refuse the input before reading all of it: a closed stdin is not the test's failure.
  child.stdin!.on('error', () => {});
  let stdout = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8').on('data', (d: string) => { stdout += d; });
  child.stderr!.setEncoding('utf8').on('data', (d: string) => { stderr += d; });
  let peakKiB = 0;
  let ticks = 0;
  const sample = () => {
    try {
      const m = /VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'));
      if (m) peakKiB = Math.max(peakKiB, Number(m[1]));
      // utime and stime (and those of waited-for children: tar, runc), fields 14-17 after the command name.
      const f = readFileSync(`/proc/${child.pid}/stat`, 'utf8').replace(/^.*\) /, '').split(' ');
      ticks = Math.max(ticks, Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14]));
    } catch {
      /* exited */
    }
  };
  const sampler = setInterval(sample, 100);
  let timedOut = false;
  const timer = setTimeout(() => { timedOut = true; child.kill('SIGKILL'); }, limit);
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('exit', sample);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      clearInterval(sampler);
      const m = { ms: Date.now() - started, peakMiB: Math.round(peakKiB / 1024), cpuS: ticks / 100 };
      if (timedOut) resolve({ code: 124, signal, stdout, stderr: `timed out after ${limit} ms: drydock ${args.join(' ')}\n${stderr}`, ...m });
      else resolve({ code: code ?? 128, signal, stdout, stderr, ...m });
    });
  });
}

/** Asserts no problems, listing them all. */
export function assertNoProblems(problems: Array<string | undefined>): void {
  const real = problems.filter((p): p is string => p !== undefined);
  assert.deepEqual(real, [], `\n${real.join('\n')}`);
}

/** Appends the outcomes (for docs/reliability.md) to the file HOSTILE_REPORT names, when set. */
export function report(): void {
  const file = process.env.HOSTILE_REPORT;
  if (!file) return;
  appendFileSync(file, outcomes.map((o) => `${o.path}\t${o.id}\t${o.result}\n`).join(''));
}

export function removeQuietly(p: string): void {
  rmSync(p, { recursive: true, force: true });
}
