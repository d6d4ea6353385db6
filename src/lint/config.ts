/**
 * `# check=skip=A,B;error=true;experimental=all`: BuildKit's ParseLintOptions, where the
 * configuration comes from (the directive, or the BUILDKIT_DOCKERFILE_CHECK build-arg, which
 * replaces it), and the per-instruction form (a `# check=` comment right above an instruction,
 * merged on top for the rules checked at that instruction).
 */
import { DrydockError } from '../util/errors.js';
import type { Directive } from '../dockerfile/index.js';
import { DEFAULT_CHECK_CONFIG, type CheckConfig } from './types.js';

export const CHECK_BUILD_ARG = 'BUILDKIT_DOCKERFILE_CHECK';

/** Parses the value of a `check` directive; throws DrydockError('PARSE') on a bad option. */
export function parseCheckOptions(value: string): CheckConfig {
  const cfg: CheckConfig = { ...DEFAULT_CHECK_CONFIG, skip: [], experimental: [] };
  const text = value.trim();
  if (text === '') return cfg;
  // Go's SplitN(…, ";", 3): a third part keeps any further ';'
  const parts = splitN(text, ';', 3);
  for (const p of parts) {
    const eq = p.indexOf('=');
    if (eq < 0) throw new DrydockError('PARSE', `invalid check option ${JSON.stringify(p)}`);
    const key = p.slice(0, eq).trim();
    const v = p.slice(eq + 1).trim();
    switch (key) {
      case 'skip':
        if (v === 'all') cfg.skipAll = true;
        else cfg.skip = v.split(',').map((r) => r.trim());
        break;
      case 'experimental':
        if (v === 'all') cfg.experimentalAll = true;
        else cfg.experimental = v.split(',').map((r) => r.trim());
        break;
      case 'error': {
        const b = parseGoBool(v);
        if (b === undefined) throw new DrydockError('PARSE', `failed to parse check option ${JSON.stringify(p)}: invalid syntax`);
        cfg.error = b;
        break;
      }
      default:
        throw new DrydockError('PARSE', `invalid check option ${JSON.stringify(key)}`);
    }
  }
  return cfg;
}

/** The file-wide configuration: the build-arg when given, else the `# check=` directive. */
export function checkConfigFor(directives: readonly Directive[], buildArgs: Readonly<Record<string, string>> = {}, file = 'Dockerfile'): CheckConfig {
  const arg = buildArgs[CHECK_BUILD_ARG];
  if (arg !== undefined) {
    try {
      return parseCheckOptions(arg);
    } catch (e) {
      throw new DrydockError('USAGE', `failed to parse ${CHECK_BUILD_ARG}: ${(e as Error).message}`, { cause: e });
    }
  }
  const d = directives.find((x) => x.name === 'check');
  if (!d) return parseCheckOptions('');
  try {
    return parseCheckOptions(d.value);
  } catch (e) {
    throw new DrydockError('PARSE', `failed to parse check options: ${(e as Error).message}`, { location: { file, line: d.line }, cause: e });
  }
}

/**
 * The configuration at one instruction: the first `check=` comment right above it merges into
 * `base` (skips and experiments add up; `error` is not per-instruction). A bad comment is ignored.
 */
export function mergeFromComments(base: CheckConfig, comments: readonly string[]): CheckConfig {
  for (const c of comments) {
    const m = /^\s*([a-zA-Z][a-zA-Z0-9]*)\s*=\s*(.+?)\s*$/.exec(c);
    if (!m || m[1]!.toLowerCase() !== 'check') continue;
    let other: CheckConfig;
    try {
      other = parseCheckOptions(m[2]!.split(' ', 1)[0]!);
    } catch {
      return base;
    }
    return {
      skipAll: base.skipAll || other.skipAll,
      skip: [...base.skip, ...other.skip],
      experimentalAll: base.experimentalAll || other.experimentalAll,
      experimental: [...base.experimental, ...other.experimental],
      error: base.error,
    };
  }
  return base;
}

/** BuildKit's Linter.Run filter: experimental rules need opting in, others can be skipped. */
export function ruleEnabled(cfg: CheckConfig, rule: string, experimental: boolean): boolean {
  if (experimental) return cfg.experimentalAll || cfg.experimental.includes(rule);
  return !cfg.skipAll && !cfg.skip.includes(rule);
}

function splitN(s: string, sep: string, n: number): string[] {
  const out: string[] = [];
  let rest = s;
  while (out.length < n - 1) {
    const i = rest.indexOf(sep);
    if (i < 0) break;
    out.push(rest.slice(0, i));
    rest = rest.slice(i + sep.length);
  }
  out.push(rest);
  return out;
}

/** Go's strconv.ParseBool. */
function parseGoBool(s: string): boolean | undefined {
  if (['1', 't', 'T', 'TRUE', 'true', 'True'].includes(s)) return true;
  if (['0', 'f', 'F', 'FALSE', 'false', 'False'].includes(s)) return false;
  return undefined;
}
