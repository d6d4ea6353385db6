/**
 * Running a host tool (runc, mount, tar...) to completion: stdout collected, and a
 * failure turned into an Error that carries the tool's own stderr.
 */
import { spawn } from 'node:child_process';

export interface ToolResult {
  stdout: Buffer;
  stderr: string;
}

export interface ToolOptions {
  cwd?: string;
  input?: Buffer | string;
  /** Exit codes that are not failures (default only 0). */
  okCodes?: number[];
}

export function runTool(cmd: string, args: string[], opts: ToolOptions = {}): Promise<ToolResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd: opts.cwd, stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    child.on('error', (e) => reject(new Error(`${cmd}: ${e.message}`, { cause: e })));
    child.on('close', (code, signal) => {
      const stderr = Buffer.concat(err).toString('utf8').trim();
      if (code !== null && (opts.okCodes ?? [0]).includes(code)) resolve({ stdout: Buffer.concat(out), stderr });
      else reject(new Error(`${cmd} ${args.join(' ')} failed (${signal ?? `exit ${code}`}): ${stderr}`));
    });
    child.stdin.on('error', () => { /* the tool may exit before reading its input */ });
    child.stdin.end(opts.input ?? '');
  });
}
