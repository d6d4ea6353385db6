/**
 * An unprivileged user for rootless tests: made with useradd (which gives it a subordinate
 * uid/gid range in /etc/subuid and /etc/subgid, or none when asked), removed with its home and
 * ranges by userdel. runAs() runs the real CLI as that user (runuser, a clean environment).
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import { chmod, mkdtemp, readFile, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { repoRoot, runningFromSource } from '../../helpers/paths.js';
import type { RunResult } from '../../helpers/cli.js';

const run = promisify(execFile);

export interface RootlessUser {
  name: string;
  uid: number;
  gid: number;
  home: string;
  /** Its /etc/subuid range (undefined when made without one). */
  range?: { start: number; count: number };
  /** `onStderr` sees the output as it comes, with the child (runuser) to signal. */
  runAs(args: string[], opts?: { cwd?: string; env?: Record<string, string>; input?: string; onStderr?: (all: string, child: ChildProcess) => void; wrap?: string[] }): Promise<RunResult>;
  remove(): Promise<void>;
}

const PACKAGES: Record<string, string> = { useradd: 'passwd', runuser: 'util-linux', unshare: 'util-linux', newuidmap: 'uidmap', newgidmap: 'uidmap' };

/**
 * Why the tests cannot run here: only when not root (a user cannot make users). A missing tool
 * fails, naming its package, as every test's missing dependency does (docs/testing.md).
 */
export async function rootlessSupported(): Promise<string | undefined> {
  if (process.getuid?.() !== 0) return 'needs root to create a test user';
  for (const [tool, pkg] of Object.entries(PACKAGES)) {
    if (await run('sh', ['-c', `command -v ${tool}`]).then(() => false, () => true)) {
      throw new Error(`${tool} is missing: run scripts/setup.sh --test (Debian package ${pkg})`);
    }
  }
  return undefined;
}

/**
 * A work directory the test user can reach: made under TMPDIR, mode 0755, with every directory
 * above it, and above the checkout the user runs the CLI from, made searchable by others (o+x)
 * where it is not. scripts/test.sh's TMPDIR comes from mktemp (0700), and a checkout may sit
 * under /root; search alone lets the user through without listing anything. Left so: files of
 * concurrent rootless tests go through the same directories.
 */
export async function userWorkDir(prefix: string): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), prefix));
  await chmod(dir, 0o755);
  for (const start of [path.dirname(dir), repoRoot]) {
    for (let p = path.resolve(start); ; p = path.dirname(p)) {
      const mode = (await stat(p)).mode & 0o7777;
      if (!(mode & 0o001)) await chmod(p, mode | 0o001);
      if (p === path.dirname(p)) break;
    }
  }
  return dir;
}

function cliArgv(): string[] {
  return runningFromSource
    ? [process.execPath, '--import', pathToFileURL(createRequire(path.join(repoRoot, 'package.json')).resolve('tsx')).href, path.join(repoRoot, 'src/cli/run.ts')]
    : [process.execPath, path.join(repoRoot, 'bin/drydock.js')];
}

export async function createRootlessUser(opts: { subordinateIds?: boolean } = {}): Promise<RootlessUser> {
  const name = `ddrl${process.pid}${Math.floor(Math.random() * 1000)}`.slice(0, 30);
  const noRange = opts.subordinateIds === false ? ['-K', 'SUB_UID_COUNT=0', '-K', 'SUB_GID_COUNT=0'] : [];
  await run('useradd', ['-m', '-s', '/bin/sh', ...noRange, name]);
  const ids = (await run('id', [name])).stdout;
  const uid = Number(/uid=(\d+)/.exec(ids)![1]);
  const gid = Number(/gid=(\d+)/.exec(ids)![1]);
  const home = `/home/${name}`;
  const line = (await readFile('/etc/subuid', 'utf8').catch(() => '')).split('\n').find((l) => l.startsWith(`${name}:`));
  const range = line ? { start: Number(line.split(':')[1]), count: Number(line.split(':')[2]) } : undefined;
  return {
    name, uid, gid, home, range,
    runAs(args, o = {}) {
      const env = { HOME: home, USER: name, LOGNAME: name, PATH: process.env.PATH ?? '/usr/local/bin:/usr/bin:/bin', ...o.env };
      const child = spawn('runuser', ['-u', name, '--', 'env', '-i', ...Object.entries(env).map(([k, v]) => `${k}=${v}`), ...(o.wrap ?? []), ...cliArgv(), ...args], {
        cwd: o.cwd ?? '/', stdio: ['pipe', 'pipe', 'pipe'],
      });
      child.stdin.end(o.input ?? '');
      let stdout = '';
      let stderr = '';
      child.stdout.setEncoding('utf8').on('data', (d: string) => { stdout += d; });
      child.stderr.setEncoding('utf8').on('data', (d: string) => { stderr += d; o.onStderr?.(stderr, child); });
      return new Promise((resolve, reject) => {
        child.on('error', reject);
        child.on('close', (code, signal) => resolve({ code: code ?? 128, signal, stdout, stderr }));
      });
    },
    async remove() {
      // Its processes are gone (each runAs awaited); -r takes the home, userdel the sub-id lines.
      await run('userdel', ['-r', '-f', name]).catch(() => undefined);
    },
  };
}
