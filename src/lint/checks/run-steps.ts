/**
 * drydock's rules about RUN steps: dependency installs that come after copying the whole
 * context (cache-busting order), and package managers leaving their caches in the layer.
 */
import { cleanPath } from '../../fileop/index.js';
import type { RunOp, Step } from '../../dockerfile/index.js';
import { positionalArgs, programName, simpleCommands } from '../shell.js';
import type { Check } from './context.js';

/** The simple commands a RUN step executes. */
export function runCommands(op: RunOp): string[][] {
  if (op.script) return simpleCommands(op.script.data);
  const n = op.args.length;
  if (n >= 3 && op.args[n - 2] === '-c') return simpleCommands(op.args[n - 1]!);
  if (n === 2 && /^-\w*c$/.test(op.args[0] ?? '')) return simpleCommands(op.args[1]!);
  return op.args.length > 0 ? [[...op.args]] : [];
}

/** `python3 -m pip install` → `pip install`: the tool and its words. */
function tool(cmd: readonly string[]): { name: string; args: string[] } {
  const name = programName(cmd[0] ?? '');
  if (/^python[\d.]*$/.test(name) && cmd[1] === '-m' && cmd[2]) return { name: cmd[2], args: cmd.slice(3) };
  return { name, args: cmd.slice(1) };
}

/** A command that installs a project's dependencies from its manifest. */
export function dependencyInstall(cmd: readonly string[]): boolean {
  const { name, args } = tool(cmd);
  const pos = positionalArgs(args, 0);
  const sub = pos[0];
  switch (name) {
    case 'npm': return sub === 'ci' || ((sub === 'install' || sub === 'i') && pos.length === 1);
    case 'yarn': return pos.length === 0 || (sub === 'install' && pos.length === 1);
    case 'pnpm': return sub === 'fetch' || ((sub === 'install' || sub === 'i') && pos.length === 1);
    case 'bun': return sub === 'install' && pos.length === 1;
    case 'poetry': case 'pipenv': case 'bundle': case 'composer': return sub === 'install';
    case 'uv': return sub === 'sync';
    case 'go': return sub === 'mod' && pos[1] === 'download';
    case 'cargo': return sub === 'fetch';
    case 'dotnet': return sub === 'restore';
    case 'mix': return sub === 'deps.get';
    case 'mvn': case 'mvnw': case './mvnw': return pos.some((p) => p.startsWith('dependency:'));
    default:
      if (/^pip[\d.]*$/.test(name)) return sub === 'install' && args.some((a) => a === '-r' || a.startsWith('--requirement') || /^-r\S/.test(a));
      return false;
  }
}

function copiesWholeContext(step: Step): boolean {
  if (step.op.type !== 'copy' || step.op.from.kind !== 'context' || step.onbuild) return false;
  return step.op.sources.some((s) => ['.', '/', '*'].includes(cleanPath(s)));
}

export const copyAllBeforeInstall: Check = (ctx) => {
  for (const stage of ctx.dispatched.values()) {
    const steps = stage.steps.filter((s) => !s.onbuild);
    steps.forEach((copy, i) => {
      if (!copiesWholeContext(copy)) return;
      for (const run of steps.slice(i + 1)) {
        if (run.op.type !== 'run') continue;
        const install = runCommands(run.op).find(dependencyInstall);
        if (install) {
          ctx.report('CopyAllBeforeInstall', copy.location, install.join(' '), String(run.location.line));
          return;
        }
      }
    });
  }
};

interface CacheRule {
  what: string;
  fix: string;
  /** The command puts cache files in the layer. */
  fills: (name: string, args: string[], pos: string[]) => boolean;
  /** The same RUN cleans them up again (or the command itself opts out). */
  cleans: (name: string, args: string[], pos: string[]) => boolean;
  /** Mount targets under which the cache lives (a cache/tmpfs mount there keeps it out). */
  dirs: string[];
}

const removes = (name: string, pos: string[], dirs: string[]): boolean =>
  name === 'rm' && pos.some((p) => dirs.some((d) => p === d || p.startsWith(`${d}/`)));

const CACHE_RULES: CacheRule[] = [
  {
    what: 'apt-get update', fix: 'add "&& rm -rf /var/lib/apt/lists/*" at the end of this RUN, or use a cache mount',
    fills: (n, _a, pos) => (n === 'apt-get' || n === 'apt') && pos[0] === 'update',
    cleans: (n, _a, pos) => removes(n, pos, ['/var/lib/apt/lists', '/var/lib/apt']),
    dirs: ['/var/lib/apt'],
  },
  {
    what: 'apk add', fix: 'use "apk add --no-cache"',
    fills: (n, a, pos) => n === 'apk' && ['add', 'update', 'upgrade'].includes(pos[0] ?? '') && !a.includes('--no-cache'),
    cleans: (n, _a, pos) => removes(n, pos, ['/var/cache/apk', '/etc/apk/cache']),
    dirs: ['/var/cache/apk', '/etc/apk/cache'],
  },
  {
    what: 'pip install', fix: 'add --no-cache-dir (or set PIP_NO_CACHE_DIR=1, or use a cache mount on /root/.cache/pip)',
    fills: (n, a, pos) => /^pip[\d.]*$/.test(n) && pos[0] === 'install' && !a.includes('--no-cache-dir'),
    cleans: (n, _a, pos) => removes(n, pos, ['/root/.cache', '/root/.cache/pip']),
    dirs: ['/root/.cache'],
  },
  {
    what: 'yum/dnf install', fix: 'end this RUN with "yum clean all" / "dnf clean all", or use a cache mount',
    fills: (n, _a, pos) => /^(yum|dnf|microdnf|tdnf)$/.test(n) && ['install', 'update', 'upgrade', 'makecache'].includes(pos[0] ?? ''),
    cleans: (n, _a, pos) => (/^(yum|dnf|microdnf|tdnf)$/.test(n) && pos[0] === 'clean') || removes(n, pos, ['/var/cache/yum', '/var/cache/dnf']),
    dirs: ['/var/cache/yum', '/var/cache/dnf'],
  },
];

const truthy = (v: string | undefined): boolean => v !== undefined && !['', '0', 'false', 'no', 'off'].includes(v.toLowerCase());

export const packageCacheInLayer: Check = (ctx) => {
  for (const stage of ctx.dispatched.values()) {
    for (const step of stage.steps) {
      if (step.op.type !== 'run') continue;
      const op = step.op;
      const cmds = runCommands(op).map((c) => {
        const t = tool(c);
        return { ...t, pos: positionalArgs(t.args, 0) };
      });
      const env = new Map(op.env.map((e) => [e.slice(0, e.indexOf('=')), e.slice(e.indexOf('=') + 1)]));
      const script = op.script?.data ?? op.args.join(' ');
      for (const rule of CACHE_RULES) {
        if (!cmds.some((c) => rule.fills(c.name, c.args, c.pos))) continue;
        if (cmds.some((c) => rule.cleans(c.name, c.args, c.pos))) continue;
        const mounted = op.mounts.some((m) => (m.type === 'cache' || m.type === 'tmpfs')
          && rule.dirs.some((d) => m.target === d || m.target.startsWith(`${d}/`) || d.startsWith(`${m.target}/`)));
        if (mounted) continue;
        if (rule.what === 'pip install' && (truthy(env.get('PIP_NO_CACHE_DIR')) || /\bPIP_NO_CACHE_DIR=(?!0|false|off)\S/i.test(script))) continue;
        ctx.report('PackageCacheInLayer', step.location, rule.what, rule.fix);
      }
    }
  }
};
