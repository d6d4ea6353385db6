/**
 * `--change` values of `docker import` / `docker commit`: a Dockerfile instruction applied to an
 * image's runtime config. A small local parser (quotes, escapes, $VAR expansion from the config's
 * env), covering the instructions docker accepts there.
 */
import { DrydockError } from '../util/errors.js';
import type { ContainerConfig } from './oci.js';

const ALLOWED = ['CMD', 'ENTRYPOINT', 'ENV', 'EXPOSE', 'LABEL', 'ONBUILD', 'STOPSIGNAL', 'USER', 'VOLUME', 'WORKDIR', 'SHELL'];

function usage(msg: string): DrydockError {
  return new DrydockError('USAGE', msg);
}

function envMap(cfg: ContainerConfig): Map<string, string> {
  const m = new Map<string, string>();
  for (const kv of cfg.Env ?? []) {
    const i = kv.indexOf('=');
    m.set(i < 0 ? kv : kv.slice(0, i), i < 0 ? '' : kv.slice(i + 1));
  }
  return m;
}

/** Splits into words honouring '…', "…" and backslash escapes; expands $VAR and ${VAR} outside single quotes. */
export function splitWords(s: string, env: Map<string, string>): string[] {
  const words: string[] = [];
  let cur = '';
  let inWord = false;
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (/\s/.test(c)) {
      if (inWord) words.push(cur);
      cur = '';
      inWord = false;
      continue;
    }
    inWord = true;
    if (c === '\\' && i + 1 < s.length) cur += s[++i];
    else if (c === "'") {
      const end = s.indexOf("'", i + 1);
      if (end < 0) throw usage(`unterminated single quote in ${JSON.stringify(s)}`);
      cur += s.slice(i + 1, end);
      i = end;
    } else if (c === '"') {
      let j = i + 1;
      for (; j < s.length && s[j] !== '"'; j++) {
        if (s[j] === '\\' && j + 1 < s.length && '"\\$'.includes(s[j + 1]!)) cur += s[++j];
        else if (s[j] === '$') j = expand(s, j, env, (v) => (cur += v));
        else cur += s[j];
      }
      if (j >= s.length) throw usage(`unterminated double quote in ${JSON.stringify(s)}`);
      i = j;
    } else if (c === '$') i = expand(s, i, env, (v) => (cur += v));
    else cur += c;
  }
  if (inWord) words.push(cur);
  return words;
}

/** Expands the variable at s[i] === '$'; returns the index of its last character. */
function expand(s: string, i: number, env: Map<string, string>, emit: (v: string) => void): number {
  const braced = /^\$\{([A-Za-z_][A-Za-z0-9_]*)\}/.exec(s.slice(i));
  const bare = /^\$([A-Za-z_][A-Za-z0-9_]*)/.exec(s.slice(i));
  const m = braced ?? bare;
  if (!m) {
    emit('$');
    return i;
  }
  emit(env.get(m[1]!) ?? '');
  return i + m[0].length - 1;
}

function jsonArray(rest: string): string[] | undefined {
  if (!rest.trimStart().startsWith('[')) return undefined;
  try {
    const v: unknown = JSON.parse(rest);
    if (Array.isArray(v) && v.every((x) => typeof x === 'string')) return v as string[];
  } catch {
    /* not JSON: shell form */
  }
  return undefined;
}

function keyValues(rest: string, env: Map<string, string>, what: string): Array<[string, string]> {
  const words = splitWords(rest, env);
  if (words.length === 0) throw usage(`${what} requires at least one argument`);
  if (!words[0]!.includes('=')) {
    // legacy form: ENV key value with spaces
    const key = words[0]!;
    const value = splitWords(rest.trim().slice(rest.trim().search(/\s/) + 1 || rest.trim().length), env).join(' ');
    if (words.length < 2) throw usage(`${what} ${key} requires a value`);
    return [[key, value]];
  }
  return words.map((w) => {
    const i = w.indexOf('=');
    if (i <= 0) throw usage(`${what}: ${JSON.stringify(w)} is not of the form key=value`);
    return [w.slice(0, i), w.slice(i + 1)];
  });
}

function exposedPorts(words: string[]): string[] {
  const out: string[] = [];
  for (const w of words) {
    const m = /^(\d+)(?:-(\d+))?(?:\/(tcp|udp|sctp))?$/i.exec(w);
    if (!m) throw usage(`invalid port ${JSON.stringify(w)} in EXPOSE`);
    const lo = Number(m[1]);
    const hi = m[2] ? Number(m[2]) : lo;
    if (hi < lo || hi > 65535) throw usage(`invalid port range ${JSON.stringify(w)} in EXPOSE`);
    for (let p = lo; p <= hi; p++) out.push(`${p}/${(m[3] ?? 'tcp').toLowerCase()}`);
  }
  return out;
}

/** Applies one change line to `cfg` (in place). */
export function applyChange(cfg: ContainerConfig, line: string): void {
  const m = /^\s*(\S+)\s*(.*)$/s.exec(line);
  if (!m) throw usage('empty --change value');
  const kw = m[1]!.toUpperCase();
  const rest = m[2]!.trim();
  if (!ALLOWED.includes(kw)) throw usage(`${m[1]} is not a valid change command`);
  const env = envMap(cfg);
  switch (kw) {
    case 'CMD':
    case 'ENTRYPOINT': {
      const argv = jsonArray(rest) ?? (rest === '' ? [] : [...(cfg.Shell ?? ['/bin/sh', '-c']), rest]);
      if (kw === 'CMD') cfg.Cmd = argv;
      else {
        cfg.Entrypoint = argv;
        cfg.Cmd = null; // as docker: a new ENTRYPOINT resets CMD
      }
      break;
    }
    case 'SHELL': {
      const argv = jsonArray(rest);
      if (!argv?.length) throw usage('SHELL requires the arguments to be in JSON form');
      cfg.Shell = argv;
      break;
    }
    case 'ENV':
      for (const [k, v] of keyValues(rest, env, 'ENV')) {
        env.set(k, v);
        cfg.Env = [...env].map(([a, b]) => `${a}=${b}`);
      }
      break;
    case 'LABEL':
      for (const [k, v] of keyValues(rest, env, 'LABEL')) (cfg.Labels ??= {})[k] = v;
      break;
    case 'EXPOSE':
      for (const p of exposedPorts(splitWords(rest, env))) (cfg.ExposedPorts ??= {})[p] = {};
      break;
    case 'VOLUME': {
      const vols = jsonArray(rest) ?? splitWords(rest, env);
      if (!vols.length || vols.some((v) => v === '')) throw usage('VOLUME requires at least one non-empty path');
      for (const v of vols) (cfg.Volumes ??= {})[v] = {};
      break;
    }
    case 'USER':
    case 'STOPSIGNAL':
    case 'WORKDIR': {
      const words = splitWords(rest, env);
      if (words.length !== 1) throw usage(`${kw} requires exactly one argument`);
      if (kw === 'USER') cfg.User = words[0];
      else if (kw === 'STOPSIGNAL') cfg.StopSignal = words[0];
      else cfg.WorkingDir = words[0]!.startsWith('/') ? words[0] : `${(cfg.WorkingDir ?? '/').replace(/\/$/, '')}/${words[0]}`;
      break;
    }
    case 'ONBUILD':
      if (!rest) throw usage('ONBUILD requires an instruction');
      cfg.OnBuild = [...(cfg.OnBuild ?? []), rest];
      break;
  }
}
