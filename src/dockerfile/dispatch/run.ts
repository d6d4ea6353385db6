/** RUN: the argv (SHELL-wrapped, heredocs folded in), process env, mounts and history text. */
import { posix } from 'node:path';
import { chompHeredocContent, parseHeredoc } from '../parser/index.js';
import { parseMount, type Mount, type RunCommand } from '../instructions/index.js';
import { resolveMountFrom } from '../plan/index.js';
import type { SourceRef } from '../plan/index.js';
import { withShell } from './config.js';
import { goJoin } from './paths.js';
import type { Expander } from './expand.js';
import type { DispatchState } from './state.js';
import type { StepResult } from './step.js';
import type { RunMount, RunOp } from './types.js';

export function dispatchRun(d: DispatchState, c: RunCommand, expand: Expander): StepResult {
  const mounts = c.mounts.map((spec) => resolveMount(d, c, parseMount(spec, expand)));
  let args = [...c.cmdLine];
  let script: RunOp['script'];
  if (c.files.length > 0) {
    if (args.length !== 1 || !c.prependShell) throw new Error(`parsing produced an invalid run command: [${args.join(' ')}]`);
    if (heredocWord(args[0]!)) {
      // the whole RUN is one heredoc: run its body (as a script when it has a shebang)
      const file = c.files[0]!;
      const data = file.chomp ? chompHeredocContent(file.data) : file.data;
      if (d.image.os !== 'windows' && data.startsWith('#!')) {
        script = { path: goJoin('/dev/pipes/', file.name), data };
        args = [script.path];
      } else {
        args = [data];
      }
    } else {
      // heredocs inside a longer command: give the shell the heredoc text back
      let s = args[0]!;
      for (const f of c.files) s += '\n' + f.data + f.name;
      args = [s];
    }
  }
  if (c.prependShell) args = withShell(d, args);
  const op: RunOp = {
    type: 'run',
    args,
    env: d.env.toArray(),
    proxyEnv: [...d.ctx.proxyEnv],
    user: d.config.User ?? '',
    workdir: d.config.WorkingDir || '/',
    mounts,
    network: c.network,
    security: c.security,
    ...(script ? { script } : {}),
  };
  return { createdBy: `RUN ${runCommandString(d, args)} # buildkit`, layer: true, op };
}

function heredocWord(word: string): boolean {
  try {
    return parseHeredoc(word) !== undefined;
  } catch {
    return false;
  }
}

/** History text: `|N K=V … argv`, the ARGs in scope with their current values first. */
function runCommandString(d: DispatchState, args: readonly string[]): string {
  const vals = new Map<string, string>();
  for (const a of d.buildArgs) vals.set(a.key, d.env.get(a.key) ?? a.value ?? '');
  const prefix = vals.size > 0 ? [`|${vals.size}`, ...[...vals].map(([k, v]) => `${k}=${v}`)] : [];
  return [...prefix, ...args].join(' ');
}

function resolveMount(d: DispatchState, c: RunCommand, m: Mount): RunMount {
  let from: SourceRef;
  if (m.from !== '') from = resolveMountFrom(m.from, d.ctx.stages, c.location, d.ctx.namedContexts);
  else from = m.type === 'bind' ? { kind: 'context' } : { kind: 'scratch' };
  if (m.type === 'secret') return secretMount(m, (t) => inWorkdir(d, t));
  if (m.type === 'ssh') {
    if (m.source !== '') throw new Error('ssh does not support source');
    return {
      type: 'ssh', from: { kind: 'scratch' }, source: '/', target: m.target && inWorkdir(d, m.target), readOnly: m.readOnly, id: m.id || 'default', required: m.required,
      ...fileInfo(m),
    };
  }
  const target = inWorkdir(d, m.target);
  if (target === '/') throw new Error(`invalid mount target "${target}"`);
  const out: RunMount = { type: m.type, from, source: goJoin('/', m.source), target, readOnly: m.readOnly, ...fileInfo(m) };
  if (m.type === 'tmpfs') out.sizeLimit = m.sizeLimit;
  if (m.type === 'cache') {
    out.id = m.id || posix.normalize(m.target);
    out.sharing = m.sharing ?? 'shared';
  }
  return out;
}

/**
 * A relative mount target is under the working directory, for every mount type: BuildKit's
 * exec op joins it with the cwd (frontend/gateway/container/container.go PrepareMounts).
 */
function inWorkdir(d: DispatchState, target: string): string {
  return posix.isAbsolute(posix.normalize(target || '.')) ? target : goJoin('/', d.config.WorkingDir || '/', target);
}

function secretMount(m: Mount, resolve: (target: string) => string): RunMount {
  let id = m.source || m.id;
  if (id === '') {
    if (m.target === '') throw new Error('one of source, target required');
    id = posix.basename(m.target);
  }
  // with env= and no target the secret is only an env variable
  const given = m.target && resolve(m.target);
  const target = m.env === undefined ? given || `/run/secrets/${posix.basename(id)}` : given;
  const mode = m.mode ?? (m.uid !== undefined || m.gid !== undefined ? 0o400 : undefined);
  return {
    type: 'secret', from: { kind: 'scratch' }, source: '/', target, readOnly: true, id, required: m.required,
    ...(m.env !== undefined ? { env: m.env } : {}),
    ...(mode !== undefined ? { mode, uid: m.uid ?? 0, gid: m.gid ?? 0 } : {}),
  };
}

function fileInfo(m: Mount): Pick<RunMount, 'mode' | 'uid' | 'gid'> {
  return {
    ...(m.mode !== undefined ? { mode: m.mode } : {}),
    ...(m.uid !== undefined ? { uid: m.uid } : {}),
    ...(m.gid !== undefined ? { gid: m.gid } : {}),
  };
}
