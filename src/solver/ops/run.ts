/**
 * RUN: the command in a container on the stage's filesystem, with its mounts. Mounts never
 * end up in the layer: they are bind mounts over the rootfs, and the executor removes the
 * mountpoint stubs it had to create.
 */
import { mkdir, mkdtemp, writeFile, chmod, chown, rm, cp } from 'node:fs/promises';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import type { RunOp, RunMountSpec } from '../../graph/index.js';
import type { ExtraMount } from '../../exec/index.js';
import { DrydockError } from '../../util/errors.js';
import { secureJoin } from '../../util/securejoin.js';
import type { StepRuntime } from './types.js';

type Release = () => Promise<void>;

export async function executeRun(op: RunOp, rootfs: string, rt: StepRuntime): Promise<void> {
  const { runContainer } = await import('../../exec/index.js');
  const held: Release[] = [];
  try {
    const mounts: ExtraMount[] = [];
    for (const m of op.mounts) mounts.push(await prepareMount(m, rt, held));
    if (op.script) mounts.push(await scriptMount(op.script, rt, held));
    const network = op.network === 'default' ? rt.defaultNetwork : op.network;
    const { exitCode } = await runContainer({
      rootfs,
      args: op.args,
      env: [...op.env, ...(op.proxyEnv ?? [])],
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

async function prepareMount(m: RunMountSpec, rt: StepRuntime, held: Release[]): Promise<ExtraMount> {
  switch (m.type) {
    case 'tmpfs':
      return { type: 'tmpfs', target: m.target, options: m.sizeLimit ? [`size=${m.sizeLimit}`] : [] };
    case 'cache':
      return cacheMount(m, rt, held);
    case 'bind': {
      const src = await rt.sourceRoot(m.from);
      held.push(src.release);
      const path = await secureJoin(src.path, m.source);
      if (m.readonly) return { type: 'bind', source: path, target: m.target, readonly: true };
      // rw bind: writes are discarded, so the process works on a scratch copy.
      const scratch = await mkdtemp(join(rt.storeRoot, 'tmp', 'bind-'));
      held.push(() => rm(scratch, { recursive: true, force: true }));
      const copy = join(scratch, 'data');
      await cp(path, copy, { recursive: true, preserveTimestamps: true, verbatimSymlinks: true });
      return { type: 'bind', source: copy, target: m.target, readonly: false };
    }
    default:
      throw new DrydockError('EXEC', `RUN --mount=type=${m.type} is not supported yet`, { location: rt.location });
  }
}

/** type=cache: a directory kept under the store between builds, shared per its sharing mode. */
async function cacheMount(m: RunMountSpec, rt: StepRuntime, held: Release[]): Promise<ExtraMount> {
  const { acquireLock, isLocked } = await import('../../store/lock.js');
  const id = m.id ?? m.target;
  const base = join(rt.storeRoot, 'cache', 'mounts', createHash('sha256').update(id).digest('hex').slice(0, 32));
  let dir = join(base, 'data');
  const lockPath = `${base}.lock`;
  await mkdir(base, { recursive: true });
  if (m.sharing === 'locked') {
    const lock = await acquireLock(lockPath);
    held.push(() => lock.release());
  } else if (m.sharing === 'private' && (await isLocked(lockPath))) {
    // Someone else has it: this run gets its own, thrown away afterwards.
    dir = await mkdtemp(join(rt.storeRoot, 'tmp', 'cache-private-'));
    held.push(() => rm(dir, { recursive: true, force: true }));
  } else if (m.sharing === 'private') {
    const lock = await acquireLock(lockPath);
    held.push(() => lock.release());
  }
  const created = await mkdir(dir, { recursive: true });
  if (created) {
    await chmod(dir, m.mode ?? 0o755);
    await chown(dir, m.uid ?? 0, m.gid ?? 0);
  }
  return { type: 'bind', source: dir, target: m.target, readonly: m.readonly };
}

async function scriptMount(script: { path: string; data: string }, rt: StepRuntime, held: Release[]): Promise<ExtraMount> {
  const dir = await mkdtemp(join(rt.storeRoot, 'tmp', 'heredoc-'));
  held.push(() => rm(dir, { recursive: true, force: true }));
  const file = join(dir, 'script');
  await writeFile(file, script.data, { mode: 0o755 });
  return { type: 'bind', source: file, target: script.path, readonly: true };
}

/** What of a RUN's operation decides its result: everything but the proxy variables. */
export function runKeyOp(op: RunOp): unknown {
  const { proxyEnv: _ignored, ...rest } = op;
  return rest;
}
