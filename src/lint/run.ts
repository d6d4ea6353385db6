/**
 * `lint()`: BuildKit's check mode without executing anything. Parse, plan (every stage, unless
 * a target is given), dispatch each stage against its base config (from the local store when
 * the image is there, else empty), collect the frontend's warnings, run the checks that need
 * more context, then apply the `check=` configuration.
 */
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { hostPlatform } from '../image/oci.js';
import { DrydockError, isDrydockError } from '../util/errors.js';
import type { DispatchedStage, Location, ParsedDockerfile, Warning } from '../dockerfile/index.js';
import { WarningCollector } from '../dockerfile/lint/index.js';
import type { PatternMatcher } from '../fileop/index.js';
import { LocalBases } from './bases.js';
import { findRule } from './catalog.js';
import { checks } from './checks/index.js';
import type { BaseImageInfo, CheckContext } from './checks/context.js';
import { checkConfigFor, mergeFromComments, ruleEnabled } from './config.js';
import { DEFAULT_CHECK_CONFIG, type CheckConfig, type Finding, type LintError, type LintOptions, type LintResult } from './types.js';

/** A finding before the configuration is applied. */
interface RawFinding {
  rule: string;
  message: string;
  location?: Location;
}

/** Rules BuildKit checks with the file-wide configuration only (no `# check=` comment above). */
const FILE_WIDE = new Set([
  'NoEmptyContinuation', 'ConsistentInstructionCasing', 'DuplicateStageName', 'ReservedStageName',
  'InvalidDefaultArgInFrom', 'InvalidBaseImagePlatform',
]);

export async function lint(opts: LintOptions = {}): Promise<LintResult> {
  const { text, file, dockerfilePath } = await readInput(opts);
  const df = await import('../dockerfile/index.js');
  const raw: RawFinding[] = [];
  const add = (ws: readonly Warning[]): void => { for (const w of ws) raw.push({ rule: w.rule, message: w.message, location: w.location }); };
  let config: CheckConfig = DEFAULT_CHECK_CONFIG;
  let parsed: ParsedDockerfile | undefined;
  let error: LintError | undefined;
  // kept when planning fails half-way, as BuildKit keeps the warnings found before an error
  const planWarnings = new WarningCollector();
  try {
    parsed = df.parseDockerfile(text, { file });
    add(parsed.warnings);
    config = checkConfigFor(parsed.directives, opts.buildArgs, file);
    const allStages = !opts.target && opts.allStages !== false;
    const plan = df.planBuild(text, { file, target: opts.target, buildArgs: opts.buildArgs ?? {}, buildPlatform: hostPlatform(), allStages, warnings: planWarnings });

    const localBases = await LocalBases.open(opts.root);
    const bases = new Map<number, BaseImageInfo>();
    const dispatched = new Map<number, DispatchedStage>();
    const unknownBase = new Set<number>();
    for (const stage of plan.stages) {
      let baseImage;
      if (stage.base.kind === 'image') {
        const info = await localBases.get(stage.base.ref, stage.platform);
        bases.set(stage.index, info);
        baseImage = info.config;
        if (!info.config) unknownBase.add(stage.index);
      } else if (stage.base.kind === 'stage' && unknownBase.has(stage.base.index)) {
        unknownBase.add(stage.index);
      }
      const baseStage = stage.base.kind === 'stage' ? dispatched.get(stage.base.index) : undefined;
      const d = df.dispatchStage(stage, df.dispatchContext(plan, { ...(baseImage ? { baseImage } : {}), ...(baseStage ? { baseStage } : {}) }));
      dispatched.set(stage.index, d);
      // without the base image's env, "undefined" variables may well be defined there
      add(unknownBase.has(stage.index) ? d.warnings.filter((w) => w.rule !== 'UndefinedVar') : d.warnings);
    }

    const ctx: CheckContext = {
      parsed, plan, dispatched, bases, allStages, ignore: await loadIgnore(opts, dockerfilePath),
      report: (rule, location, ...args) => {
        const def = findRule(rule);
        if (!def) throw new DrydockError('INTERNAL', `lint rule ${rule} is not in the catalog`);
        raw.push({ rule, message: def.format(...args), location });
      },
    };
    for (const check of checks) check(ctx);
  } catch (e) {
    if (!isDrydockError(e)) throw e;
    error = { message: e.message, file: e.location?.file ?? file, line: e.location?.line ?? 0 };
  }
  add(planWarnings.warnings);
  const findings = applyConfig(raw, config, parsed, file);
  const failed = error !== undefined || (config.error && findings.some((f) => f.severity === 'error'));
  return { findings, ...(error ? { error } : {}), config, text, failed };
}

function applyConfig(raw: readonly RawFinding[], config: CheckConfig, parsed: ParsedDockerfile | undefined, file: string): Finding[] {
  const comments = new Map<number, string[]>();
  for (const n of parsed?.ast ?? []) if (n.comments.length > 0) comments.set(n.startLine, n.comments);
  const seen = new Set<string>();
  const out: Finding[] = [];
  for (const r of raw) {
    const def = findRule(r.rule);
    if (!def) continue; // not a check (the classic builder's unused build-arg warning)
    const line = r.location?.line ?? 0;
    const key = `${r.rule}\0${line}\0${r.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const cfg = FILE_WIDE.has(r.rule) ? config : mergeFromComments(config, comments.get(line) ?? []);
    if (!ruleEnabled(cfg, r.rule, def.experimental)) continue;
    out.push({
      rule: r.rule,
      severity: def.origin === 'drydock' ? 'info' : config.error ? 'error' : 'warning',
      message: r.message,
      file: r.location?.file ?? file,
      line,
      endLine: r.location?.endLine ?? line,
      url: def.url,
    });
  }
  return out.sort((a, b) => a.line - b.line || a.rule.localeCompare(b.rule));
}

async function readInput(opts: LintOptions): Promise<{ text: string; file: string; dockerfilePath?: string }> {
  if (opts.dockerfileText !== undefined) return { text: opts.dockerfileText, file: 'Dockerfile' };
  const file = opts.dockerfile ?? join(opts.context ?? '.', 'Dockerfile');
  try {
    return { text: await readFile(file, 'utf8'), file, dockerfilePath: resolve(file) };
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new DrydockError('NOT_FOUND', code === 'ENOENT' ? `failed to read Dockerfile: open ${file}: no such file or directory` : `failed to read Dockerfile ${file}: ${(e as Error).message}`, { cause: e });
  }
}

async function loadIgnore(opts: LintOptions, dockerfilePath: string | undefined): Promise<PatternMatcher | undefined> {
  if (opts.context === undefined) return undefined;
  const { loadDockerignore } = await import('../context/index.js');
  return loadDockerignore(resolve(opts.context), dockerfilePath);
}
