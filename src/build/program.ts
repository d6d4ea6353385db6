/**
 * The seam between the Dockerfile frontend and the solver: planned stages become SolveStages,
 * and each stage's dispatch (the frontend's expanded steps) becomes a StageProgram of plain
 * operations. Nothing past this file knows what a Dockerfile is.
 */
import type { BuildPlan, DispatchedStage, PlannedStage, SourceRef } from '../dockerfile/index.js';
import type { Step as FrontStep, RunMount } from '../dockerfile/index.js';
import { dispatchStage } from '../dockerfile/index.js';
import type { ImageConfig } from '../image/oci.js';
import type { CopySource, RunMountSpec, RunOp, StageProgram, Step, StepOp } from '../graph/index.js';
import type { SolveStage, Dispatcher } from '../solver/stage.js';
import type { BuildOptions } from './options.js';
import { stageLabel } from '../solver/events.js';
import { DrydockError } from '../util/errors.js';

export function toSolveStages(plan: BuildPlan, opts: Pick<BuildOptions, 'noCache' | 'noCacheFilter'>): SolveStage[] {
  const filter = new Set((opts.noCacheFilter ?? []).map((s) => s.toLowerCase()));
  for (const f of filter) {
    if (!plan.allStages.some((s) => s.name === f || String(s.index) === f)) {
      throw new DrydockError('USAGE', `--no-cache-filter: no stage named "${f}"`);
    }
  }
  const inImage = imageStages(plan);
  return plan.stages.map((s) => ({
    index: s.index,
    name: stageLabel(s.index, s.name),
    base: s.base,
    inImage: inImage.has(s.index),
    noCache: !!opts.noCache || filter.has(s.name ?? '') || filter.has(String(s.index)),
    location: { file: s.location.file, line: s.location.line },
    platform: s.platform,
  }));
}

/** The target and the stages it is built FROM (not those it only copies from): their layers are the image's. */
function imageStages(plan: BuildPlan): Set<number> {
  const byIndex = new Map<number, PlannedStage>(plan.stages.map((s) => [s.index, s]));
  const out = new Set<number>();
  for (let s = byIndex.get(plan.target.index); s; s = s.base.kind === 'stage' ? byIndex.get(s.base.index) : undefined) out.add(s.index);
  return out;
}

/** What the build's flags add to every RUN (`--add-host`, `--shm-size`, `--ulimit`). */
export type RunSettings = Pick<RunOp, 'extraHosts' | 'shmSize' | 'ulimits'>;

/** Only what was given, so builds without these flags keep their cache keys. */
function runSettings(o: Pick<BuildOptions, 'extraHosts' | 'shmSize' | 'ulimits'>): RunSettings {
  return {
    ...(o.extraHosts?.length ? { extraHosts: o.extraHosts } : {}),
    ...(o.shmSize ? { shmSize: o.shmSize } : {}),
    ...(o.ulimits?.length ? { ulimits: o.ulimits } : {}),
  };
}

export function makeDispatcher(plan: BuildPlan, opts: Pick<BuildOptions, 'extraHosts' | 'shmSize' | 'ulimits'> = {}): Dispatcher {
  const run = runSettings(opts);
  const byIndex = new Map<number, PlannedStage>(plan.stages.map((s) => [s.index, s]));
  const dispatched = new Map<number, DispatchedStage>();
  return (index: number, base: ImageConfig | undefined): StageProgram => {
    const stage = byIndex.get(index)!;
    let baseStage: DispatchedStage | undefined;
    if (stage.base.kind === 'stage') {
      baseStage = dispatched.get(stage.base.index);
      if (!baseStage) throw new DrydockError('INTERNAL', `stage ${index} dispatched before its base stage ${stage.base.index}`);
    }
    const d = dispatchStage(stage, {
      file: plan.file,
      baseImage: stage.base.kind === 'image' || stage.base.kind === 'named' ? base : undefined,
      baseStage,
      buildArgs: plan.buildArgs,
      globalArgs: plan.globalArgs,
      proxyEnv: plan.proxyEnv,
      stages: plan.allStages,
      namedContexts: plan.namedContexts,
      escapeToken: plan.escapeToken,
    });
    dispatched.set(index, d);
    return { steps: d.steps.map((s) => toStep(s, run)), config: d.image.config ?? {} };
  };
}

function toStep(s: FrontStep, run: RunSettings): Step {
  return { instruction: s.instruction, createdBy: s.createdBy ?? '', line: s.location.line, file: s.location.file, op: toOp(s, run), history: s.createdBy !== undefined };
}

function toOp(s: FrontStep, run: RunSettings): StepOp {
  const op = s.op;
  if (!s.layer || op.type === 'config') return { kind: 'config' };
  switch (op.type) {
    case 'run':
      return {
        kind: 'run', args: op.args, env: op.env, proxyEnv: op.proxyEnv, user: op.user, workdir: op.workdir,
        network: op.network, security: op.security, mounts: op.mounts.map(toMount), script: op.script, ...run,
      };
    case 'copy':
      return {
        kind: 'copy', isAdd: op.add, from: toSource(op.from), sources: op.sources, dest: op.dest,
        chown: op.chown || undefined, chmod: op.chmod || undefined, link: op.link, parents: op.parents,
        exclude: op.excludes.length ? op.excludes : undefined, checksum: op.checksum, keepGitDir: op.keepGitDir,
        unpack: op.unpack, heredocs: op.contents.length ? op.contents.map((c) => ({ name: c.path, content: c.data })) : undefined,
      };
    case 'workdir':
      return { kind: 'mkdir', path: op.path, user: op.user };
  }
}

function toSource(r: SourceRef): CopySource {
  switch (r.kind) {
    case 'context': return { type: 'context' };
    case 'scratch': return { type: 'scratch' };
    case 'stage': return { type: 'stage', stage: r.index };
    case 'image': return { type: 'image', ref: r.ref };
    case 'named': return { type: 'named', name: r.name };
  }
}

function toMount(m: RunMount): RunMountSpec {
  return {
    type: m.type, target: m.target, from: toSource(m.from), source: m.source, readonly: m.readOnly,
    id: m.id, sharing: m.sharing, required: m.required, env: m.env, sizeLimit: m.sizeLimit, mode: m.mode, uid: m.uid, gid: m.gid,
  };
}
