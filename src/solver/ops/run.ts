/**
 * RUN: the command in a container on the stage's filesystem, with its mounts (./mounts.ts),
 * its network mode and its security mode. A heredoc script is bind-mounted read-only for the
 * run, like BuildKit's /dev/pipes files, and never lands in the layer.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { RunOp } from '../../graph/index.js';
import type { ExtraMount } from '../../exec/index.js';
import { DrydockError, type SourceLocation } from '../../util/errors.js';
import { prepareMounts, type Release } from './mounts.js';
import type { StepRuntime } from './types.js';

export async function executeRun(op: RunOp, rootfs: string, rt: StepRuntime): Promise<void> {
  checkEntitlements(op, rt.allowInsecure, rt.location);
  const { runContainer } = await import('../../exec/index.js');
  const held: Release[] = [];
  try {
    const prepared = await prepareMounts(op.mounts, op.env, rt, held);
    const mounts = prepared.mounts;
    if (op.script) mounts.push(await scriptMount(op.script, rt, held));
    const network = op.network === 'default' ? rt.defaultNetwork : op.network;
    const { exitCode } = await runContainer({
      rootfs,
      args: op.args,
      env: [...op.env, ...prepared.env, ...(op.proxyEnv ?? [])],
      cwd: op.workdir || '/',
      user: op.user || undefined,
      network,
      mounts,
      extraHosts: op.extraHosts,
      shmSize: op.shmSize,
      ulimits: op.ulimits,
      security: op.security,
      stdout: (c) => rt.log('stdout', c),
      stderr: (c) => rt.log('stderr', c),
      signal: rt.signal,
    });
    if (exitCode !== 0) {
      throw new DrydockError('EXEC', `process "${op.args.join(' ')}" did not complete successfully: exit code: ${exitCode}`, { location: rt.location });
    }
  } finally {
    for (const release of held.reverse()) await release().catch(() => {});
  }
}

/** `RUN --security=insecure` needs the build's `--allow security.insecure`, checked before the cache too (as BuildKit's entitlements). */
export function checkEntitlements(op: RunOp, allowInsecure: boolean, location?: SourceLocation): void {
  if (op.security === 'insecure' && !allowInsecure) {
    throw new DrydockError('USAGE', 'security.insecure is not allowed: RUN --security=insecure needs `drydock build --allow security.insecure`', { location });
  }
}

async function scriptMount(script: { path: string; data: string }, rt: StepRuntime, held: Release[]): Promise<ExtraMount> {
  const dir = await mkdtemp(join(rt.storeRoot, 'tmp', 'heredoc-'));
  held.push(() => rm(dir, { recursive: true, force: true }));
  const file = join(dir, 'script');
  await writeFile(file, script.data, { mode: 0o755 });
  return { type: 'bind', source: file, target: script.path, readonly: true };
}

/**
 * What of a RUN's operation decides its result: everything but the proxy variables, with the
 * network it really gets (`build --network none` turns the default into none).
 */
export function runKeyOp(op: RunOp, defaultNetwork: 'host' | 'none' = 'host'): unknown {
  const { proxyEnv: _ignored, ...rest } = op;
  return op.network === 'default' && defaultNetwork === 'none' ? { ...rest, network: 'none' } : rest;
}
