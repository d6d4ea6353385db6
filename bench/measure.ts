/**
 * Wall-clock measurement of one command, and the statistics the report prints.
 */
import { spawn } from 'node:child_process';

export interface Timed {
  seconds: number;
  stdout: string;
  stderr: string;
}

export interface CommandOptions {
  env?: NodeJS.ProcessEnv;
  cwd?: string;
}

/** Runs `argv` to completion; its wall time from spawn to exit. A non-zero exit throws. */
export function timeCommand(argv: string[], opts: CommandOptions = {}): Promise<Timed> {
  const started = process.hrtime.bigint();
  const child = spawn(argv[0], argv.slice(1), { env: opts.env ?? process.env, cwd: opts.cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => { stdout += d; });
  child.stderr.setEncoding('utf8').on('data', (d: string) => { stderr += d; });
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      if (code === 0) resolve({ seconds, stdout, stderr });
      else reject(new Error(`${argv.join(' ')} failed (${signal ?? `exit ${code}`}):\n${stderr.slice(-4000)}${stdout.slice(-1000)}`));
    });
  });
}

/** Runs a command for its effect (set-up, not measured). */
export async function run(argv: string[], opts: CommandOptions = {}): Promise<string> {
  return (await timeCommand(argv, opts)).stdout;
}

export function median(xs: number[]): number {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

export function formatSeconds(s: number): string {
  if (!Number.isFinite(s)) return '-';
  return s < 10 ? `${s.toFixed(3)} s` : `${s.toFixed(1)} s`;
}
