/**
 * `planBuild`: Dockerfile text → the stages to build (BuildKit's `toDispatchState` up to, not
 * including, dispatch): global ARGs, FROM expansion and base resolution, target selection,
 * stage dependencies, ONBUILD triggers of base stages, order and build-arg bookkeeping.
 */
import { hostPlatform, type Platform } from '../../image/oci.js';
import { parseInstruction, parseInstructions, type Command, type Stage } from '../instructions/index.js';
import { WarningCollector } from '../lint/index.js';
import { parse } from '../parser/index.js';
import { ShellLex } from '../shell/index.js';
import { EnvList } from '../util/envlist.js';
import { suggest } from '../util/suggest.js';
import { evalMetaArgs } from './args.js';
import { at, planError } from './errors.js';
import { lintCommandCasing, lintDefaultFromArgs, lintFromPlatform, lintStageNames, lintUndefinedFromArgs } from './lint.js';
import { parsePlatformSpec, platformArgs, PLATFORM_ARG_NAMES, PROXY_ARG_NAMES, proxyEnv } from './platform.js';
import { checkCircular, commandSources, findNamedContext, stageDisplayName, validateImageRef, type CommandSource } from './resolve.js';
import type { BuildPlan, PlanOptions, PlannedStage, StageBase, StageInfo } from './types.js';

export function planBuild(text: string, opts: PlanOptions = {}): BuildPlan {
  const file = opts.file ?? 'Dockerfile';
  const lint = opts.warnings ?? new WarningCollector();
  const parsed = parse(text, { file });
  for (const w of parsed.warnings) lint.report('NoEmptyContinuation', { file, line: w.line, endLine: w.line });
  const { stages, metaArgs } = parseInstructions(parsed.nodes, file, lint);
  if (stages.length === 0) throw planError('dockerfile contains no stages to build', { file, line: 1, endLine: 1 });
  lintStageNames(stages, lint);
  lintCommandCasing(stages, lint);

  const buildArgs = { ...(opts.buildArgs ?? {}) };
  const buildPlatform = opts.buildPlatform ?? hostPlatform();
  const targetPlatform = opts.targetPlatform ?? buildPlatform;
  const targetName = opts.target || stages[stages.length - 1]!.name || '';
  const lex = new ShellLex(parsed.escapeToken);
  const defaults = new EnvList(platformArgs(buildPlatform, targetPlatform, targetName, buildArgs));
  lintDefaultFromArgs(stages, lex, defaults, metaArgs, lint);
  const meta = evalMetaArgs(defaults, lex, metaArgs, buildArgs);
  const knownFromArgs = [...new Set([...meta.env.keys(), ...meta.declared])];

  // FROM lines: expand, find the base, the platform
  const named = [...(opts.namedContexts ?? [])];
  const all: StageInfo[] = stages.map((s, index) => ({ index, ...(s.name !== undefined ? { name: s.name } : {}) }));
  const planned: PlannedStage[] = [];
  const byName = new Map<string, number>();
  stages.forEach((st, index) => {
    const m = at(st.location, () => lex.processWordWithMatches(st.baseName, meta.env.asMap()));
    lintUndefinedFromArgs(m.unmatched, knownFromArgs, st, lint);
    if (m.result === '') throw planError(`base name (${st.baseName}) should not be blank`, st.location);
    let platform: Platform | undefined;
    if (st.platform !== '') platform = stagePlatform(st, lex, meta.env, knownFromArgs, lint);
    let base: StageBase;
    const baseIndex = byName.get(m.result);
    // A named context of the stage's own name replaces the stage: none of its commands are built
    // (dockerfile2llb toDispatchState). FROM NAME: a stage, else a named context, else an image.
    const replacedBy = st.name !== undefined ? findNamedContext(st.name, named) : undefined;
    const fromNamed = findNamedContext(m.result, named);
    if (replacedBy !== undefined) base = { kind: 'named', name: replacedBy };
    else if (baseIndex !== undefined) base = { kind: 'stage', index: baseIndex };
    else if (m.result === 'scratch') base = { kind: 'scratch' };
    else if (fromNamed !== undefined) base = { kind: 'named', name: fromNamed };
    else {
      validateImageRef(m.result, st.location);
      base = { kind: 'image', ref: m.result };
    }
    if (base.kind === 'stage') platform = planned[base.index]!.platform;
    else if (base.kind === 'scratch') platform = undefined;
    planned.push({
      index, ...(st.name !== undefined ? { name: st.name } : {}), location: st.location, base,
      platform: platform ?? targetPlatform, explicitPlatform: st.platform !== '',
      commands: replacedBy !== undefined ? [] : st.commands, onbuild: [], dependsOn: [], imageDeps: [],
    });
    if (st.name !== undefined) byName.set(st.name, index);
  });

  const target = resolveTarget(opts.target, planned, all);
  const sources = new Map<number, CommandSource[]>();
  for (const p of planned) sources.set(p.index, commandSources(p.commands, all, lex, named));
  checkCircular(sources, all);

  const roots = opts.allStages ? planned.map((p) => p.index) : [target.index];
  const needed = reachable(roots, planned, sources, stages, lex, all, named);
  for (const p of needed) checkDefinedBefore(p, sources.get(p.index)!, all);
  const ordered = needed.sort((a, b) => a.index - b.index);

  const used = new Set<string>([...meta.declared, ...PLATFORM_ARG_NAMES, ...PROXY_ARG_NAMES, 'SOURCE_DATE_EPOCH']);
  for (const p of ordered) for (const c of [...p.onbuild, ...p.commands]) if (c.kind === 'arg') for (const a of c.args) used.add(a.key);
  const unusedBuildArgs = Object.keys(buildArgs).filter((k) => !used.has(k) && !k.startsWith('BUILDKIT_')).sort();
  if (unusedBuildArgs.length > 0) lint.report('UnusedBuildArg', undefined, unusedBuildArgs.join(', '));

  return {
    file, stages: ordered, target, allStages: all, namedContexts: named, escapeToken: parsed.escapeToken, directives: parsed.directives,
    buildPlatform, targetPlatform, explicitTargetPlatform: opts.targetPlatform !== undefined,
    buildArgs, globalArgs: meta.env.toRecord(), proxyEnv: proxyEnv(buildArgs), warnings: lint.warnings, unusedBuildArgs,
  };
}

function stagePlatform(st: Stage, lex: ShellLex, env: EnvList, known: string[], lint: WarningCollector): Platform {
  const m = at(st.location, () => lex.processWordWithMatches(st.platform, env.asMap()), `failed to process arguments for platform ${st.platform}: `);
  lintUndefinedFromArgs(m.unmatched, known, st, lint);
  lintFromPlatform(st, m, env, lint);
  if (m.result === '') throw planError(`empty platform value from expression ${st.platform}`, st.location);
  try {
    return parsePlatformSpec(m.result);
  } catch (e) {
    throw planError(`failed to parse platform ${st.platform}: ${(e as Error).message}`, st.location);
  }
}

function resolveTarget(target: string | undefined, planned: PlannedStage[], all: StageInfo[]): PlannedStage {
  if (!target) return planned[planned.length - 1]!;
  const lower = target.toLowerCase();
  const found = [...planned].reverse().find((p) => p.name === lower);
  if (found) return found;
  const names = all.flatMap((s) => (s.name ? [s.name] : []));
  const hint = suggest(target, names, true);
  const list = names.length ? `; stages: ${names.join(', ')}` : '; the Dockerfile has no named stages';
  throw planError(`target stage ${JSON.stringify(target)} could not be found${hint ? ` (did you mean ${hint}?)` : ''}${list}`, undefined, 'USAGE');
}

/** The roots and everything they need; also attaches base stages' ONBUILD triggers. */
function reachable(
  roots: number[], planned: PlannedStage[], sources: Map<number, CommandSource[]>, stages: Stage[], lex: ShellLex,
  all: StageInfo[], named: readonly string[],
): PlannedStage[] {
  const seen = new Set<number>();
  const triggersDone = new Set<number>();
  const queue = [...roots];
  while (queue.length > 0) {
    const i = queue.shift()!;
    if (seen.has(i)) continue;
    seen.add(i);
    const p = planned[i]!;
    if (p.base.kind === 'stage' && !triggersDone.has(i)) {
      triggersDone.add(i);
      p.onbuild = onbuildTriggers(stages[p.base.index]!.commands, p);
      sources.get(i)!.unshift(...commandSources(p.onbuild, all, lex, named));
    }
    const deps = new Set<number>();
    const images: string[] = [];
    if (p.base.kind === 'stage') deps.add(p.base.index);
    for (const src of sources.get(i)!) {
      if (src.ref.kind === 'stage') deps.add(src.ref.index);
      else if (src.ref.kind === 'image' && !images.includes(src.ref.ref)) images.push(src.ref.ref);
    }
    p.dependsOn = [...deps].sort((a, b) => a - b);
    p.imageDeps = images;
    queue.push(...p.dependsOn);
  }
  return planned.filter((p) => seen.has(p.index));
}

/** A base stage's ONBUILD expressions, parsed as BuildKit does (located at the child's FROM). */
function onbuildTriggers(baseCommands: readonly Command[], child: PlannedStage): Command[] {
  const out: Command[] = [];
  for (const c of baseCommands) {
    if (c.kind !== 'onbuild') continue;
    out.push(parseTrigger(c.expression, child.location));
  }
  return out;
}

export function parseTrigger(expression: string, location: PlannedStage['location']): Command {
  return at(location, () => {
    const res = parse(expression, { file: location.file });
    if (res.nodes.length !== 1) throw planError('onbuild trigger should be a single expression', location);
    const node = { ...res.nodes[0]!, startLine: location.line, endLine: location.endLine };
    const cmd = parseInstruction(node, location.file);
    if (!('kind' in cmd)) throw planError('FROM isn\'t allowed as an ONBUILD trigger', location);
    return cmd;
  });
}

function checkDefinedBefore(p: PlannedStage, srcs: readonly CommandSource[], all: StageInfo[]): void {
  for (const src of srcs) {
    if (src.ref.kind !== 'stage' || src.ref.index < p.index) continue;
    if (src.mountTarget !== undefined) {
      throw planError(`cannot mount from stage ${JSON.stringify(src.from)} to ${JSON.stringify(src.mountTarget)}, stage needs to be defined before current command`, src.command.location);
    }
    throw planError(`cannot copy from stage ${JSON.stringify(src.from)}, it needs to be defined before current stage ${JSON.stringify(stageDisplayName(all[p.index]!))}`, src.command.location);
  }
}
