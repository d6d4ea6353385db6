/**
 * `parse(text)`: how drydock reads a Dockerfile, without building — the frontend's typed
 * instructions and the build plan (`drydock parse` prints the same). Pure: no files, no network.
 */
import { parseDockerfile, planBuild, type BuildPlan, type ParsedDockerfile, type Warning } from '../dockerfile/index.js';
import { parsePlatformSpec } from '../dockerfile/plan/index.js';
import { DrydockError } from '../util/errors.js';

export interface ParseOptions {
  /** File name used in locations (default `Dockerfile`). */
  file?: string;
  /** Plan for this stage (default: the last). */
  target?: string;
  buildArgs?: Record<string, string>;
  /** Target platform, `os/arch[/variant]` (default: the host's). */
  platform?: string;
}

export interface ParseResult {
  /** AST, directives and typed instructions per stage (words unexpanded). */
  dockerfile: ParsedDockerfile;
  /** Stages the target needs, their bases, dependencies and arguments. */
  plan: BuildPlan;
  /** Parse and plan warnings (BuildKit's build checks found on the way). */
  warnings: Warning[];
}

/** Parses and plans a Dockerfile; throws DrydockError (PARSE, PLAN…) with file and line. */
export function parse(text: string, opts: ParseOptions = {}): ParseResult {
  const file = opts.file ?? 'Dockerfile';
  let targetPlatform;
  if (opts.platform) {
    try {
      targetPlatform = parsePlatformSpec(opts.platform);
    } catch (e) {
      throw new DrydockError('USAGE', `invalid platform "${opts.platform}": ${(e as Error).message}`);
    }
  }
  const dockerfile = parseDockerfile(text, { file });
  const plan = planBuild(text, { file, target: opts.target, buildArgs: opts.buildArgs ?? {}, targetPlatform });
  return { dockerfile, plan, warnings: plan.warnings };
}
