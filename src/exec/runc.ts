/**
 * One RUN in a runc container: a temporary OCI bundle (config.json + hosts + resolv.conf) over
 * the prepared rootfs, `runc run` in the foreground under our own state root, output captured as
 * chunks, and on every way out the container deleted, the bundle removed and the mount stubs
 * cleaned. The process tree dies with the container (runc kills it with the pid namespace).
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chmod, chown, lstat, mkdir, mkdtemp, readdir, readFile, rm, statfs, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { DrydockError } from '../util/errors.js';
import { isAlive } from '../util/process.js';
import { secureJoin } from '../archive/securejoin.js';
import { runTool } from '../util/tool.js';
import { inUserNamespace, isRootless, privateRuntimeDir, rootlessRuntimeDir } from '../rootless/env.js';
import { requireMapped } from '../rootless/ids.js';
import { DEFAULT_HOSTNAME, hostResolvConf, hostsFile, resolvConf } from './netfiles.js';
import { buildRuntimeSpec, hostCapabilities, hostNofileLimit, specJSON } from './spec.js';
import { trackMountStubs } from './stubs.js';
import type { RunResult, RunSpec } from './types.js';
import { resolveUser } from './user.js';

/** runc's state directory for drydock's containers, apart from any other runc user's. */
export const RUNC_ROOT = process.env.DRYDOCK_RUNC_ROOT ?? (isRootless() ? path.join(rootlessRuntimeDir(), 'runc') : '/run/drydock/runc');
/**
 * Per-run OCI bundles (config.json, hosts, resolv.conf). config.json holds the process
 * environment, `RUN --mount=type=secret,env=` secrets included, so bundles live on a memory
 * filesystem (/dev/shm, as secret files do) and never reach a disk; beside runc's state where
 * there is none.
 */
let bundlesDir: Promise<string> | undefined;

/**
 * runc's global flags: its state root, and in a user namespace (rootless drydock, or one run
 * inside rootless podman) `--rootless true`: no cgroups unless delegated, as rootless BuildKit runs it.
 */
function runcGlobal(): string[] {
  return ['--root', RUNC_ROOT, ...(inUserNamespace() ? ['--rootless', 'true'] : [])];
}
const TMPFS_MAGIC = 0x01021994;
export function bundlesRoot(): Promise<string> {
  bundlesDir ??= statfs('/dev/shm').then(
    (st) => (st.type === TMPFS_MAGIC && !isRootless() ? '/dev/shm/drydock-bundles' : path.join(path.dirname(RUNC_ROOT), 'bundles')),
    () => path.join(path.dirname(RUNC_ROOT), 'bundles'),
  );
  return bundlesDir;
}

export async function runContainer(spec: RunSpec): Promise<RunResult> {
  throwIfAborted(spec.signal);
  const rootfs = path.resolve(spec.rootfs);
  const user = await resolveUser(rootfs, spec.user ?? '');
  requireMapped(user, `USER ${spec.user ?? ''}`.trim());
  // The owner's pid in both names lets a later drydock clean up after one that was killed.
  const id = `drydock-${process.pid}-${randomBytes(8).toString('hex')}`;
  const bundles = await bundlesRoot();
  if (isRootless() && !process.env.DRYDOCK_RUNC_ROOT) await privateRuntimeDir();
  await mkdir(bundles, { recursive: true, mode: 0o700 });
  const bundle = await mkdtemp(path.join(bundles, `drydock-run-${process.pid}-`));
  const mounts = spec.mounts ?? [];
  const cleanStubs = await trackMountStubs(rootfs, ['/etc/resolv.conf', '/etc/hosts', ...mounts.map((m) => m.target)]);
  try {
    await makeWorkdir(rootfs, spec.cwd, user.uid, user.gid);
    const hostsPath = path.join(bundle, 'hosts');
    const resolvPath = path.join(bundle, 'resolv.conf');
    await writeFile(hostsPath, hostsFile(spec.hostname ?? DEFAULT_HOSTNAME, spec.extraHosts), { mode: 0o644 });
    await writeFile(resolvPath, resolvConf(await hostResolvConf(spec.network), spec.network), { mode: 0o644 });
    const config = buildRuntimeSpec({
      rootfs,
      args: spec.args,
      env: spec.env,
      cwd: path.posix.resolve('/', spec.cwd),
      ...user,
      hostname: spec.hostname ?? DEFAULT_HOSTNAME,
      network: spec.network,
      security: spec.security ?? 'sandbox',
      resolvConfPath: resolvPath,
      hostsPath,
      mounts,
      nofile: await hostNofileLimit(),
      ulimits: spec.ulimits,
      shmSize: spec.shmSize,
      hostCaps: await hostCapabilities(),
      userNamespace: inUserNamespace(),
    });
    await writeFile(path.join(bundle, 'config.json'), specJSON(config));
    await mkdir(RUNC_ROOT, { recursive: true, mode: 0o700 });
    return await runRunc(id, bundle, spec);
  } finally {
    // `runc run` deletes the container it ran; its state dir is left only when runc itself failed or was killed.
    if (existsSync(path.join(RUNC_ROOT, id))) await runTool('runc', [...runcGlobal(), 'delete', '--force', id]).catch(() => undefined);
    await cleanStubs();
    await rm(bundle, { recursive: true, force: true });
  }
}

/**
 * Containers (and their bundles) left by a drydock process that died without cleaning up
 * (kill -9): kill and delete them, so their snapshots can be released. Returns how many.
 */
export async function sweepOrphanContainers(): Promise<number> {
  let swept = 0;
  for (const id of await readdir(RUNC_ROOT).catch(() => [] as string[])) {
    const owner = /^drydock-(\d+)-/.exec(id);
    if (!owner || isAlive(Number(owner[1]))) continue;
    await runTool('runc', [...runcGlobal(), 'delete', '--force', id]).catch(() => undefined);
    swept++;
  }
  // Both places: bundles written by a drydock that ran before /dev/shm was a memory filesystem.
  for (const dir of new Set([await bundlesRoot(), path.join(path.dirname(RUNC_ROOT), 'bundles')])) {
    for (const name of await readdir(dir).catch(() => [] as string[])) {
      const owner = /^drydock-run-(\d+)-/.exec(name);
      if (owner && !isAlive(Number(owner[1]))) await rm(path.join(dir, name), { recursive: true, force: true });
    }
  }
  return swept;
}


function throwIfAborted(signal?: AbortSignal): void {
  if (signal?.aborted) throw new DrydockError('CANCELLED', 'build cancelled');
}

/** Creates the working directory as BuildKit does: missing components made 0755 and owned by the user. */
async function makeWorkdir(rootfs: string, cwd: string, uid: number, gid: number): Promise<void> {
  const target = await secureJoin(rootfs, cwd);
  const missing: string[] = [];
  for (let p = target; p !== rootfs && p.startsWith(rootfs); p = path.dirname(p)) {
    try {
      await lstat(p);
      break;
    } catch {
      missing.unshift(p);
    }
  }
  for (const dir of missing) {
    await mkdir(dir);
    await chmod(dir, 0o755);
    await chown(dir, uid, gid);
  }
}

function runRunc(id: string, bundle: string, spec: RunSpec): Promise<RunResult> {
  const logPath = path.join(bundle, 'runc-log.json');
  const args = [...runcGlobal(), '--log', logPath, '--log-format', 'json', 'run', '--bundle', bundle, id];
  return new Promise<RunResult>((resolve, reject) => {
    const child = spawn('runc', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let exited = false;
    let cancelled = false;
    child.stdout.on('data', (b: Buffer) => spec.stdout?.(b));
    child.stderr.on('data', (b: Buffer) => spec.stderr?.(b));
    const onAbort = (): void => {
      cancelled = true;
      void killContainer(id, () => exited);
    };
    spec.signal?.addEventListener('abort', onAbort, { once: true });
    child.on('error', (e) => {
      exited = true;
      spec.signal?.removeEventListener('abort', onAbort);
      reject(new DrydockError('EXEC', `cannot run runc: ${e.message} (is runc installed?)`, { cause: e }));
    });
    child.on('close', (code, sig) => {
      exited = true;
      spec.signal?.removeEventListener('abort', onAbort);
      if (cancelled) return reject(new DrydockError('CANCELLED', 'build cancelled'));
      const exitCode = code ?? 128 + (os.constants.signals[sig as NodeJS.Signals] ?? 9);
      if (exitCode === 0) return resolve({ exitCode });
      runcFailure(logPath).then(
        (msg) => (msg ? reject(new DrydockError('EXEC', msg)) : resolve({ exitCode })),
        () => resolve({ exitCode }),
      );
    });
  });
}

/** SIGKILL to every process of the container; retried while runc is still creating it. */
async function killContainer(id: string, exited: () => boolean): Promise<void> {
  while (!exited()) {
    try {
      // Rootless runc has no cgroup to find every process by (`--all` fails); SIGKILL to the
      // container's init ends its whole PID namespace just as well.
      await runTool('runc', [...runcGlobal(), 'kill', ...(inUserNamespace() ? [] : ['--all']), id, 'KILL']);
      return;
    } catch {
      await new Promise((r) => setTimeout(r, 20));
    }
  }
}

/** runc's own error (the container never started), from its JSON log; undefined when the process ran. */
async function runcFailure(logPath: string): Promise<string | undefined> {
  const text = await readFile(logPath, 'utf8');
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    try {
      const entry = JSON.parse(line) as { level?: string; msg?: string };
      if (entry.level === 'error' && entry.msg) return entry.msg.replace(/^runc run failed: /, '');
    } catch {
      // not JSON: runc writes only JSON here; ignore stray lines
    }
  }
  return undefined;
}
