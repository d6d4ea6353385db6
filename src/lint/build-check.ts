/**
 * Checks around `drydock build`: `--check` runs only the checks and exits like
 * `docker build --check` (1 when a warning or an error was found); otherwise, when the
 * Dockerfile says `# check=error=true` (or BUILDKIT_DOCKERFILE_CHECK does), a warning stops the
 * build before anything runs, as BuildKit's "lint violation found for rules: …".
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DrydockError } from '../util/errors.js';
import { CHECK_BUILD_ARG, checkConfigFor } from './config.js';
import { formatCheck, formatText, violatedRules } from './format.js';
import type { LintOptions } from './types.js';

export interface BuildCheckInput {
  context: string | object;
  dockerfile?: string;
  dockerfileText?: string;
  target?: string;
  buildArgs?: Record<string, string>;
}

export interface BuildCheckOptions {
  /** `--check`: only check, print the report, return the exit status. */
  check: boolean;
  root?: string;
  out?: (s: string) => void;
  err?: (s: string) => void;
}

/** Returns an exit status when the command is done (--check); undefined to go on building. */
export async function checkBeforeBuild(input: BuildCheckInput, opts: BuildCheckOptions): Promise<number | undefined> {
  const out = opts.out ?? ((s: string) => process.stdout.write(s));
  const err = opts.err ?? ((s: string) => process.stderr.write(s));
  const lintOpts: LintOptions = {
    ...(input.dockerfileText !== undefined ? { dockerfileText: input.dockerfileText } : { dockerfile: dockerfilePath(input) }),
    ...(typeof input.context === 'string' ? { context: input.context } : {}),
    ...(input.target ? { target: input.target } : {}),
    buildArgs: input.buildArgs ?? {},
    ...(opts.root !== undefined ? { root: opts.root } : {}),
  };
  // The checks themselves load only when they run: most builds just glance at `# check=`.
  const lint = async (o: LintOptions) => (await import('./run.js')).lint(o);
  if (opts.check) {
    const result = await lint(lintOpts);
    out(formatCheck(result));
    return result.error || result.findings.some((f) => f.severity !== 'info') ? 1 : 0;
  }
  if (!(await errorOnWarnings(lintOpts))) return undefined;
  // a build checks only what it builds: the target's stages
  const result = await lint({ ...lintOpts, allStages: false });
  if (result.error || !result.failed) return undefined; // the build reports its own errors
  const failing = { ...result, findings: result.findings.filter((f) => f.severity === 'error') };
  err(formatText(failing).split('\n').slice(0, failing.findings.length).join('\n') + '\n');
  throw new DrydockError('PLAN', `lint violation found for rules: ${violatedRules(result).join(', ')}`);
}

function dockerfilePath(input: BuildCheckInput): string | undefined {
  if (input.dockerfile) return input.dockerfile;
  return typeof input.context === 'string' ? join(input.context, 'Dockerfile') : undefined;
}

/** Cheap look at the configuration before running the checks on a normal build. */
async function errorOnWarnings(opts: LintOptions): Promise<boolean> {
  let text = opts.dockerfileText;
  if (text === undefined) {
    if (!opts.dockerfile) return false;
    try {
      text = await readFile(opts.dockerfile, 'utf8');
    } catch {
      return false; // the build says it cannot read the Dockerfile
    }
  }
  // No `# check=` directive and no build arg: the default config, which never errors.
  if (opts.buildArgs?.[CHECK_BUILD_ARG] === undefined && !/check/i.test(text)) return false;
  const { parseDockerfile } = await import('../dockerfile/index.js');
  try {
    return checkConfigFor(parseDockerfile(text).directives, opts.buildArgs).error;
  } catch {
    return false;
  }
}
