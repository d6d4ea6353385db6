/**
 * RUN: the command in a container on the stage's filesystem, with its mounts.
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import type { RunOp, RunMountSpec } from '../../graph/index.js';
import type { ExtraMount } from '../../exec/index.js';
import { DrydockError } from '../../util/errors.js';
import type { StepRuntime } from './types.js';

export async function executeRun(op: RunOp, rootfs: string, rt: StepRuntime): Promise<void> {
  const { runContainer } = await import('../../exec/index.js');
  const held: Array<() => Promise<void>> = [];
  try {
    const mounts: ExtraMount[] = [];
    for (const m of op.mounts) mounts.push(await prepareMount(m, rt, held));
    const network = op.network === 'default' ? rt.defaultNetwork : op.network;
    const { exitCode } = await runContainer({
      rootfs,
      args: op.args,
      env: op.env,
      cwd: op.workdir || '/',
      user: op.user || undefined,
      network,
      mounts,
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

async function prepareMount(m: RunMountSpec, rt: StepRuntime, held: Array<() => Promise<void>>): Promise<ExtraMount> {
  switch (m.type) {
    case 'tmpfs':
      return { type: 'tmpfs', target: m.target, options: m.options.size ? [`size=${m.options.size}`] : [] };
    case 'cache': {
      // Persists between builds under the store; never part of a layer.
      const id = m.options.id ?? m.target;
      const dir = join(rt.storeRoot, 'cache', 'mounts', createHash('sha256').update(id).digest('hex').slice(0, 32));
      await mkdir(dir, { recursive: true });
      return { type: 'bind', source: dir, target: m.target, readonly: m.readonly ?? false };
    }
    case 'bind': {
      const src = await rt.sourceRoot(m.from ?? { type: 'context' });
      held.push(src.release);
      return { type: 'bind', source: join(src.path, m.source ?? '/'), target: m.target, readonly: !(m.options.rw === 'true' || m.options.readwrite === 'true') };
    }
    default:
      throw new DrydockError('EXEC', `RUN --mount=type=${m.type} is not supported yet`, { location: rt.location });
  }
}

/** What of a RUN's operation decides its result (the cache key's op part). */
export function runKeyOp(op: RunOp): unknown {
  return { ...op, mounts: op.mounts.map((m) => ({ ...m, options: { ...m.options } })) };
}
