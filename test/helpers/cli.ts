/**
 * runDrydock(): runs the real CLI in a child process. From source (tsx) it runs
 * `node --import tsx src/cli/run.ts`; in the compiled suite it executes bin/drydock.js, as users
 * do: through its `#!` line, with the bundle and its code cache (see scripts/bundle.cjs).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { repoRoot, runningFromSource } from './paths.js';

export interface RunOptions {
  /** Store root, passed as `--root`. */
  root?: string;
  env?: Record<string, string | undefined>;
  cwd?: string;
  /** Written to the child's stdin (then closed). */
  input?: string | Buffer;
  /** A command that runs drydock's argv (e.g. `unshare --mount ... sh -c '...; exec "$@"' sh`). */
  prefix?: string[];
}

export interface RunResult {
  code: number;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

function command(args: string[], opts: RunOptions): { argv: string[]; env: NodeJS.ProcessEnv } {
  // tsx by absolute URL: the child's cwd may be anywhere (a build context, a temp dir).
  const entry = runningFromSource
    ? [process.execPath, '--import', pathToFileURL(createRequire(path.join(repoRoot, 'package.json')).resolve('tsx')).href, path.join(repoRoot, 'src/cli/run.ts')]
    : [path.join(repoRoot, 'bin/drydock.js')];
  const argv = [...(opts.prefix ?? []), ...entry, ...(opts.root ? ['--root', opts.root] : []), ...args];
  const env: NodeJS.ProcessEnv = { ...process.env, ...opts.env };
  // The runner's own flags (e.g. --test) must not leak into the child.
  delete env.NODE_OPTIONS;
  delete env.NODE_TEST_CONTEXT;
  return { argv, env };
}

/** Starts drydock and returns the child (for tests that signal it mid-way). */
export function spawnDrydock(args: string[], opts: RunOptions = {}): ChildProcess {
  const { argv, env } = command(args, opts);
  const child = spawn(argv[0]!, argv.slice(1), { cwd: opts.cwd ?? repoRoot, env, stdio: ['pipe', 'pipe', 'pipe'] });
  child.stdin!.end(opts.input ?? '');
  return child;
}

export function runDrydock(args: string[], opts: RunOptions = {}): Promise<RunResult> {
  const child = spawnDrydock(args, opts);
  let stdout = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8').on('data', (d: string) => { stdout += d; });
  child.stderr!.setEncoding('utf8').on('data', (d: string) => { stderr += d; });
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code: code ?? 128, signal, stdout, stderr }));
  });
}
