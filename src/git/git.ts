/**
 * The system `git` CLI, run without prompts or the user's global config, so a build never hangs
 * on a password prompt and behaves the same on every machine.
 */
import { spawn } from 'node:child_process';
import { DrydockError } from '../util/errors.js';

export interface GitRunOptions {
  cwd?: string;
  signal?: AbortSignal;
  /** Extra environment (e.g. SSH_AUTH_SOCK for ssh remotes). */
  env?: NodeJS.ProcessEnv;
}

export function git(args: string[], opts: GitRunOptions = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn('git', ['-c', 'advice.detachedHead=false', '-c', 'init.defaultBranch=main', ...args], {
      cwd: opts.cwd,
      signal: opts.signal,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        ...process.env,
        ...opts.env,
        GIT_TERMINAL_PROMPT: '0',
        GIT_ASKPASS: 'true',
        GIT_CONFIG_NOSYSTEM: '1',
        GIT_CONFIG_GLOBAL: '/dev/null',
        LC_ALL: 'C',
      },
    });
    const out: Buffer[] = [];
    let err = '';
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.setEncoding('utf8').on('data', (d: string) => { err += d; });
    child.on('error', (e) => {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') reject(new DrydockError('EXEC', 'git is not installed: ADD of a git repository needs the git CLI'));
      else if (e.name === 'AbortError') reject(new DrydockError('CANCELLED', 'build cancelled'));
      else reject(e);
    });
    child.on('close', (code) => {
      if (code === 0) resolve(Buffer.concat(out).toString('utf8'));
      else reject(new GitError(args[0] ?? 'git', err.trim().split('\n').filter(Boolean).pop() ?? `exit ${code}`));
    });
  });
}

export class GitError extends Error {
  constructor(readonly command: string, readonly detail: string) {
    super(`git ${command}: ${detail}`);
  }
}
