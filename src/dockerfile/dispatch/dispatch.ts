/**
 * `dispatchStage`: the pure half of BuildKit's dispatch. Starts from the base (image config,
 * dispatched base stage, or scratch), runs ONBUILD triggers then the stage's instructions,
 * expanding words where Docker does, and returns the steps and the resulting image config.
 */
import type { Command } from '../instructions/index.js';
import { WarningCollector } from '../lint/index.js';
import { parseTrigger, type BuildPlan, type PlannedStage } from '../plan/index.js';
import { at } from '../plan/errors.js';
import { EnvList } from '../util/envlist.js';
import {
  dispatchArg, dispatchCmd, dispatchEntrypoint, dispatchEnv, dispatchHealthcheck, dispatchLabel, dispatchMaintainer,
  dispatchOnbuild, dispatchShell, dispatchStopSignal, dispatchUser, dispatchVolume,
} from './config.js';
import { dispatchCopy } from './copy.js';
import { expanderFor, rawExpanderFor, type Expander } from './expand.js';
import { dispatchExpose } from './expose.js';
import { normalizeWorkdir } from './paths.js';
import { dispatchRun } from './run.js';
import { cloneImage, DEFAULT_PATH, DispatchState, emptyImage } from './state.js';
import type { StepResult } from './step.js';
import type { DispatchContext, DispatchedStage, Step } from './types.js';
import { dispatchWorkdir } from './workdir.js';

export function dispatchStage(stage: PlannedStage, ctx: DispatchContext): DispatchedStage {
  const lint = new WarningCollector();
  const d = initialState(stage, ctx, lint);
  const triggers = stage.base.kind === 'stage' ? stage.onbuild : imageTriggers(stage, d);
  const steps: Step[] = [];
  const run = (c: Command, onbuild: boolean): void => {
    const res = at(c.location, () => dispatchCommand(d, c));
    if (res.createdBy !== undefined) d.commit(res.createdBy, res.layer);
    steps.push({
      location: c.location, kind: c.kind, instruction: c.original, onbuild,
      ...(res.createdBy !== undefined ? { createdBy: res.createdBy } : {}),
      layer: res.layer, op: res.op, config: structuredClone(d.config),
    });
  };
  for (const c of triggers) run(c, true);
  for (const c of stage.commands) run(c, false);
  return {
    index: stage.index,
    ...(stage.name !== undefined ? { name: stage.name } : {}),
    platform: stage.platform,
    steps,
    image: d.image,
    state: { env: d.env.toArray(), buildArgs: d.buildArgs, workdirSet: d.workdirSet },
    warnings: lint.warnings,
  };
}

/** The context for a stage of `plan`, given what its base turned out to be. */
export function dispatchContext(plan: BuildPlan, base: Pick<DispatchContext, 'baseImage' | 'baseStage'> = {}): DispatchContext {
  return {
    file: plan.file, ...base, buildArgs: plan.buildArgs, globalArgs: plan.globalArgs, proxyEnv: plan.proxyEnv,
    stages: plan.allStages, namedContexts: plan.namedContexts, escapeToken: plan.escapeToken,
  };
}

function initialState(stage: PlannedStage, ctx: DispatchContext, lint: WarningCollector): DispatchState {
  let d: DispatchState;
  if (stage.base.kind === 'stage' && ctx.baseStage) {
    const b = ctx.baseStage;
    const image = cloneImage(b.image);
    if (image.config) delete image.config.OnBuild; // triggers run here, they are not inherited further
    d = new DispatchState(ctx, stage.platform, lint, image, EnvList.fromArray(b.state.env), structuredClone(b.state.buildArgs), b.state.workdirSet);
  } else {
    // a named context that is an image gives its config like an image does; a directory gives none
    const image = (stage.base.kind === 'image' || stage.base.kind === 'named') && ctx.baseImage ? cloneImage(ctx.baseImage) : emptyImage(stage.platform);
    delete image.created;
    d = new DispatchState(ctx, stage.platform, lint, image, new EnvList(), [], false);
  }
  // PATH is always set (except on Windows), then the config env seeds the build env
  const env = (d.config.Env ??= []);
  if (d.image.os !== 'windows' && !env.some((e) => e.startsWith('PATH='))) env.push(`PATH=${DEFAULT_PATH}`);
  for (const e of env) {
    const eq = e.indexOf('=');
    d.env.set(eq < 0 ? e : e.slice(0, eq), eq < 0 ? '' : e.slice(eq + 1));
  }
  if (d.config.WorkingDir) d.config.WorkingDir = normalizeWorkdir(d.config.WorkingDir, d.config.WorkingDir);
  return d;
}

/** ONBUILD triggers stored in the base image's config, parsed like BuildKit does. */
function imageTriggers(stage: PlannedStage, d: DispatchState): Command[] {
  const exprs = d.config.OnBuild ?? [];
  delete d.config.OnBuild;
  return exprs.map((e) => parseTrigger(e, stage.location));
}

function dispatchCommand(d: DispatchState, c: Command): StepResult {
  const expand = expanderFor(d, c.location);
  switch (c.kind) {
    case 'env': return dispatchEnv(d, { ...c, env: expandPairs(c.env, expand) });
    case 'label': return dispatchLabel(d, { ...c, labels: expandPairs(c.labels, expand) });
    case 'workdir': return dispatchWorkdir(d, { ...c, path: expand(c.path) });
    case 'user': return dispatchUser(d, { ...c, user: expand(c.user) });
    case 'volume': return dispatchVolume(d, { ...c, volumes: c.volumes.map(expand) });
    case 'stopsignal': return dispatchStopSignal(d, { ...c, signal: expand(c.signal) });
    case 'copy': case 'add': return dispatchCopy(d, c, expand, rawExpanderFor(d, c.location));
    case 'run': return dispatchRun(d, c, expand);
    case 'arg': return dispatchArg(d, c);
    case 'expose': return dispatchExpose(d, c);
    case 'maintainer': return dispatchMaintainer(d, c);
    case 'onbuild': return dispatchOnbuild(d, c);
    case 'cmd': return dispatchCmd(d, c);
    case 'entrypoint': return dispatchEntrypoint(d, c);
    case 'healthcheck': return dispatchHealthcheck(d, c);
    case 'shell': return dispatchShell(d, c);
  }
}

/** All pairs are expanded before any is applied: `ENV A=1 B=$A` sees the old A. */
function expandPairs<T extends { key: string; value: string }>(pairs: readonly T[], expand: Expander): T[] {
  return pairs.map((p) => ({ ...p, key: expand(p.key), value: expand(p.value) }));
}
