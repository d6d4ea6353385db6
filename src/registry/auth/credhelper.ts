/**
 * The docker-credential-<name> helper protocol: `get` reads a server URL on stdin and prints
 * {ServerURL, Username, Secret}; `store` reads that JSON; `erase` reads the URL.
 */
import { spawn } from 'node:child_process';
import { DrydockError } from '../../util/errors.js';
import type { Credentials } from './types.js';

async function runHelper(helper: string, action: 'get' | 'store' | 'erase', input: string): Promise<{ code: number; stdout: string; stderr: string }> {
  const bin = `docker-credential-${helper}`;
  return new Promise((resolve, reject) => {
    const child = spawn(bin, [action], { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => { stdout += d; });
    child.stderr.setEncoding('utf8').on('data', (d: string) => { stderr += d; });
    child.on('error', (e: NodeJS.ErrnoException) => {
      reject(new DrydockError('AUTH', e.code === 'ENOENT'
        ? `credential helper ${bin} not found in PATH`
        : `credential helper ${bin}: ${e.message}`, { cause: e }));
    });
    child.on('close', (code) => resolve({ code: code ?? 1, stdout, stderr }));
    child.stdin.end(input);
  });
}

/** Credentials a helper holds for `serverURL`, or undefined when it has none. */
export async function helperGet(helper: string, serverURL: string): Promise<Credentials | undefined> {
  const r = await runHelper(helper, 'get', serverURL);
  if (r.code !== 0) {
    // The protocol's "not found" answer; anything else is a real failure.
    if (/credentials not found/i.test(r.stdout + r.stderr)) return undefined;
    throw new DrydockError('AUTH', `credential helper docker-credential-${helper} get: ${(r.stderr || r.stdout).trim()}`);
  }
  const parsed = JSON.parse(r.stdout) as { Username?: string; Secret?: string };
  if (!parsed.Secret) return undefined;
  if (parsed.Username === '<token>') return { identityToken: parsed.Secret };
  return { username: parsed.Username ?? '', password: parsed.Secret };
}

export async function helperStore(helper: string, serverURL: string, username: string, secret: string): Promise<void> {
  const r = await runHelper(helper, 'store', JSON.stringify({ ServerURL: serverURL, Username: username, Secret: secret }));
  if (r.code !== 0) throw new DrydockError('AUTH', `credential helper docker-credential-${helper} store: ${(r.stderr || r.stdout).trim()}`);
}

export async function helperErase(helper: string, serverURL: string): Promise<void> {
  const r = await runHelper(helper, 'erase', serverURL);
  if (r.code !== 0 && !/credentials not found/i.test(r.stdout + r.stderr)) {
    throw new DrydockError('AUTH', `credential helper docker-credential-${helper} erase: ${(r.stderr || r.stdout).trim()}`);
  }
}
