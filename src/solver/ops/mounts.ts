/**
 * RUN --mount: each mount spec becomes executor mounts (and, for `secret,env=`, environment).
 * Nothing here reaches the layer: every mount is a bind or tmpfs over the rootfs and the
 * executor removes the mountpoint stubs it had to create.
 */
import { lstat, mkdtemp, rm } from 'node:fs/promises';
import { basename, join } from 'node:path';
import type { RunMountSpec } from '../../graph/index.js';
import type { ExtraMount } from '../../exec/index.js';
import { DrydockError } from '../../util/errors.js';
import { secureJoin } from '../../archive/securejoin.js';
import { cacheMount, copyTree } from './cache-mount.js';
import type { StepRuntime } from './types.js';

export type Release = () => Promise<void>;

export interface PreparedMounts {
  mounts: ExtraMount[];
  /** `K=V` added to the process env (secrets as env, SSH_AUTH_SOCK). */
  env: string[];
}

/** Every mount of a RUN; what needs undoing afterwards is pushed onto `held`. */
export async function prepareMounts(specs: RunMountSpec[], env: string[], rt: StepRuntime, held: Release[]): Promise<PreparedMounts> {
  const out: PreparedMounts = { mounts: [], env: [] };
  let sshIndex = 0;
  let sshSock: string | undefined;
  for (const m of specs) {
    switch (m.type) {
      case 'tmpfs':
        out.mounts.push({ type: 'tmpfs', target: m.target, options: m.sizeLimit ? [`size=${m.sizeLimit}`] : [] });
        break;
      case 'cache':
        out.mounts.push(await cacheMount(m, rt, held));
        break;
      case 'bind':
        out.mounts.push(await bindMount(m, rt, held));
        break;
      case 'secret':
        await secretMount(m, rt, held, out);
        break;
      case 'ssh': {
        // BuildKit's default target, numbered among the RUN's ssh mounts
        const target = m.target || `/run/buildkit/ssh_agent.${sshIndex}`;
        sshIndex++;
        sshSock ??= target;
        const sock = await rt.session?.ssh.forward(m.id ?? 'default', { uid: m.uid ?? 0, gid: m.gid ?? 0, mode: m.mode ?? 0o600 });
        if (!sock) {
          if (m.required) throw new DrydockError('EXEC', `no SSH key "${m.id ?? 'default'}" forwarded from the client (use --ssh ${m.id ?? 'default'})`, { location: rt.location });
          break;
        }
        held.push(sock.release);
        out.mounts.push({ type: 'bind', source: sock.path, target, readonly: false });
        break;
      }
    }
  }
  if (sshSock && !env.some((e) => e.startsWith('SSH_AUTH_SOCK='))) out.env.push(`SSH_AUTH_SOCK=${sshSock}`);
  // parents before what is mounted inside them, whatever the Dockerfile's order: BuildKit sorts
  // the mounts by destination, bytewise (frontend/gateway/container/container.go PrepareMounts)
  out.mounts.sort((a, b) => Buffer.compare(Buffer.from(a.target), Buffer.from(b.target)));
  return out;
}

/**
 * type=bind: a directory or file of the context, a stage or an image. `rw` writes land in a
 * scratch copy, thrown away. From the context, what .dockerignore excludes is not there (the
 * RUN sees a filtered copy, as BuildKit's context source only ever holds the included files).
 */
async function bindMount(m: RunMountSpec, rt: StepRuntime, held: Release[]): Promise<ExtraMount> {
  const src = await rt.sourceRoot(m.from);
  held.push(src.release);
  const path = await secureJoin(src.path, m.source);
  const st = await lstat(path).catch(() => undefined);
  if (!st) throw new DrydockError('NOT_FOUND', `failed to mount ${m.target}: "${m.source}": not found`, { location: rt.location });
  const ignore = src.isContext ? src.context?.dockerignore ?? rt.contextIgnore : undefined;
  const filter = ignore?.patterns.length ? ignore : undefined;
  if (m.readonly && !filter) return { type: 'bind', source: path, target: m.target, readonly: true };
  const scratch = await mkdtemp(join(rt.storeRoot, 'tmp', 'bind-'));
  held.push(() => rm(scratch, { recursive: true, force: true }));
  if (!filter) {
    const copy = join(scratch, 'data');
    await copyTree(path, copy);
    return { type: 'bind', source: copy, target: m.target, readonly: false };
  }
  const { copyInto } = await import('../../fileop/index.js');
  await copyInto({ srcRoot: src.path, sources: [m.source], dest: '/data/', destRoot: scratch, ignore: filter, keepOwnership: true, allowWildcards: false });
  const copy = st.isDirectory() ? join(scratch, 'data') : join(scratch, 'data', basename(path));
  return { type: 'bind', source: copy, target: m.target, readonly: m.readonly };
}

/** type=secret: a read-only file at the target (default /run/secrets/<id>, 0400 root) and/or an env variable. */
async function secretMount(m: RunMountSpec, rt: StepRuntime, held: Release[], out: PreparedMounts): Promise<void> {
  const id = m.id ?? '';
  const data = await rt.session?.secrets.get(id);
  if (data === undefined) {
    if (m.required) throw new DrydockError('NOT_FOUND', `secret ${id}: not found (use --secret id=${id},src=FILE)`, { location: rt.location });
    return; // optional and absent: no file, no variable, as BuildKit
  }
  if (m.env) out.env.push(`${m.env}=${data.toString('utf8')}`);
  if (!m.target) return;
  const { secretFile } = await import('../../secrets/index.js');
  const file = await secretFile(data, { uid: m.uid ?? 0, gid: m.gid ?? 0, mode: m.mode ?? 0o400 });
  held.push(file.release);
  // as BuildKit's secret mount: nodev, nosuid, and noexec unless the mode has an x bit (solver/llbsolver/mounts/mount.go)
  const noexec = ((m.mode ?? 0o400) & 0o111) === 0 ? ['noexec'] : [];
  out.mounts.push({ type: 'bind', source: file.path, target: m.target, readonly: true, options: ['nodev', 'nosuid', ...noexec] });
}
