/**
 * Checks around a build. `checkOnly` is `drydock build --check`: only the checks, printed as
 * `docker build --check` prints them, exit 1 when a warning or an error was found. `enforceChecks`
 * is what `build()` does when the Dockerfile says `# check=error=true` (or BUILDKIT_DOCKERFILE_CHECK
 * does): a failed check stops the build before anything runs, with BuildKit's "lint violation
 * found for rules: …" (frontend/dockerfile/linter/linter.go, Linter.Error).
 */
import { join } from 'node:path';
import { DrydockError } from '../util/errors.js';
import { formatCheck, formatText, violatedRules } from './format.js';
import type { LintOptions } from './types.js';

export interface BuildCheckInput {
  context: string | object;
  dockerfile?: string;
  dockerfileText?: string;
  target?: string;
  buildArgs?: Record<string, string>;
  /** Store root to read base image configs from. */
  root?: string;
}

/** `--check`: runs every check, writes the report to `out`, returns the exit status. */
export async function checkOnly(input: BuildCheckInput, out: (s: string) => void = (s) => process.stdout.write(s)): Promise<number> {
  const result = await (await import('./run.js')).lint(lintOptions(input));
  out(formatCheck(result));
  return result.error || result.findings.some((f) => f.severity !== 'info') ? 1 : 0;
}

/**
 * For a build whose check configuration says `error=true`: checks what the build builds (the
 * target's stages) and throws when a check fails; the failed checks, one line each, are the
 * error's `details`. The build reports its own errors (a plan that fails), so those pass here.
 */
export async function enforceChecks(input: BuildCheckInput): Promise<void> {
  const result = await (await import('./run.js')).lint({ ...lintOptions(input), allStages: false });
  if (result.error || !result.failed) return;
  const failing = { ...result, findings: result.findings.filter((f) => f.severity === 'error') };
  const details = formatText(failing).split('\n').slice(0, failing.findings.length);
  throw new DrydockError('PLAN', `lint violation found for rules: ${violatedRules(result).join(', ')}`, { details });
}

function lintOptions(input: BuildCheckInput): LintOptions {
  const dockerfile = input.dockerfile ?? (typeof input.context === 'string' ? join(input.context, 'Dockerfile') : undefined);
  return {
    ...(input.dockerfileText !== undefined ? { dockerfileText: input.dockerfileText } : { dockerfile }),
    ...(typeof input.context === 'string' ? { context: input.context } : {}),
    ...(input.target ? { target: input.target } : {}),
    buildArgs: input.buildArgs ?? {},
    ...(input.root !== undefined ? { root: input.root } : {}),
  };
}
