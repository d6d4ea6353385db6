/**
 * One stage: resolve its base, make its program, then walk the steps — each a cache hit
 * (reuse the recorded layer) or a miss (execute in a snapshot, store the layer, record it).
 */
import type { ContainerConfig, HistoryEntry, ImageConfig, Platform } from '../image/oci.js';
import { baseKey, cacheKey, makesLayer, type CacheKey, type CacheRecord, type LayerRef, type StageProgram, type Step, type StageResult, type CopySource } from '../graph/index.js';
import type { BuildContext } from '../context/index.js';
import type { EventSink } from './events.js';
import type { StepCache } from './cache.js';
import type { ImageResolver } from './images.js';
import { layerAvailable, layerStep, viewLayers, type Workspace } from './workspace.js';
import { checkEntitlements, executeRun, runKeyOp } from './ops/run.js';
import { executeCopy, isURL, remoteKeyInputs } from './ops/copy.js';
import { executeMkdir } from './ops/mkdir.js';
import { namedBase, namedIdentity, namedSource, type NamedSources } from './named.js';
import type { StepRuntime } from './ops/types.js';
import type { CacheMountHooks } from './ops/cache-mount.js';
import type { BuildSession } from '../secrets/index.js';
import type { Explainer } from './explain.js';
import { DrydockError, asDrydockError } from '../util/errors.js';
import { mkdtemp, rm } from 'node:fs/promises';
import { join } from 'node:path';

export type BaseSpec = { kind: 'scratch' } | { kind: 'stage'; index: number } | { kind: 'image'; ref: string } | { kind: 'named'; name: string };

export interface SolveStage {
  index: number;
  name: string;
  base: BaseSpec;
  noCache: boolean;
  /**
   * The stage's layers end up in the result image (it is the target or the target's base chain):
   * they are gzipped as they are made. Other stages' layers are kept as snapshots only, as
   * BuildKit keeps them, and made into blobs only if an export needs them (compress.ts).
   */
  inImage?: boolean;
  /** The FROM line, for errors about the base. */
  location?: { file: string; line: number };
  /** The stage's platform (FROM --platform, else the build's): its base image is resolved for it. */
  platform?: Platform;
}

/** Turns a stage into its program once its base config is known (the frontend's dispatch). */
export type Dispatcher = (stage: number, base: ImageConfig | undefined) => StageProgram;

export interface StageEnv {
  ws: Workspace;
  cache: StepCache;
  images: ImageResolver;
  context?: BuildContext;
  platform: Platform;
  defaultNetwork: 'host' | 'none';
  dispatch: Dispatcher;
  emit: EventSink;
  signal?: AbortSignal;
  /** The result of another stage (scheduled by the solver). */
  stageResult(index: number): Promise<StageResult>;
  /** Secrets and ssh agents lent to RUN steps (`--secret`, `--ssh`). */
  session?: BuildSession;
  /** `--allow security.insecure` was given. */
  allowInsecure?: boolean;
  /** Says why a step missed the cache (compared with the last build). */
  explainer?: Explainer;
  /** Content hash of the files a context COPY selects. */
  hashContext(op: { sources: string[]; exclude?: string[] }): Promise<string>;
  /** Named contexts (`--build-context`) the build was given. */
  named?: NamedSources;
  /** Notes the cache mounts RUNs use and restores imported ones (src/cache/mounts). */
  cacheMounts?: CacheMountHooks;
  /**
   * Step keys this build has made (shared by a multi-platform build's platforms): --no-cache
   * still reuses them, as BuildKit merges identical vertices within one build.
   */
  madeHere?: Set<CacheKey>;
}

export async function runStage(stage: SolveStage, env: StageEnv): Promise<StageResult> {
  const base = await resolveBase(stage, env).catch((e) => {
    if (isAbort(e)) throw e;
    // a base image that cannot be had names its FROM line; so does any other failure there
    throw asDrydockError(e, { location: stage.base.kind === 'image' || stage.base.kind === 'named' ? stage.location : undefined });
  });
  const program = env.dispatch(stage.index, stage.base.kind === 'scratch' || base.noImageConfig ? undefined : base.config);
  let key = base.key;
  const layers = [...base.layers];
  const history: HistoryEntry[] = [...(base.config.history ?? [])];
  const used: CacheKey[] = [...(base.used ?? [])];
  const layerSteps = program.steps.filter((s) => makesLayer(s.op)).length;
  let n = 1; // step 1 is FROM, as BuildKit counts
  let cached = 0;
  const epoch = env.ws.sourceDateEpoch;
  for (const step of program.steps) {
    if (!makesLayer(step.op)) {
      if (!step.history) continue;
      const rec = await configRecord(env, key, step).catch((e) => { throw atStep(e, step); });
      used.push(rec.key);
      history.push(historyEntry(step, rec.created, true, epoch));
      continue;
    }
    // A step starts (and shows as running) once the stages it reads from are built.
    await Promise.all(stagesRead(step).map((i) => env.stageResult(i)));
    if (env.signal?.aborted) throw new DrydockError('CANCELLED', 'build cancelled');
    n++;
    const id = `${stage.index}.${n}`;
    const started = Date.now();
    env.emit({ type: 'step-start', time: started, stage: stage.index, step: id, index: n, total: layerSteps + 1, instruction: step.instruction, line: step.line });
    try {
      if (step.op.kind === 'run') checkEntitlements(step.op, !!env.allowInsecure, step.file && step.line ? { file: step.file, line: step.line } : undefined);
      // COPY --link: its layer is made on an empty filesystem, so its key does not chain on the parent
      const link = step.op.kind === 'copy' && !!step.op.link;
      const op = keyOp(step, env);
      const inputs = await keyInputs(step, env);
      const stepKey = cacheKey(link ? 'scratch' : key, step.op.kind, op, inputs);
      // --no-cache ignores earlier builds' records, not the ones this build made (another platform's, a twin stage's).
      const ignore = stage.noCache && !env.madeHere?.has(stepKey);
      let rec = ignore ? undefined : await env.cache.get(stepKey);
      if (rec?.layer && !(await layerAvailable(env.ws.store, rec.layer))) rec = undefined;
      let hit = !!rec;
      if (env.explainer) {
        const trace = { id: `${stage.name}#${n}`, instruction: step.instruction, createdBy: step.createdBy, parent: key, key: stepKey, hit, op, inputs, base: n === 2 ? base.image : undefined };
        const reasons = await env.explainer.observe(trace, stage.noCache);
        if (reasons) env.emit({ type: 'step-explain', time: Date.now(), stage: stage.index, step: id, instruction: step.instruction, reasons, firstBuild: !env.explainer.hasPrevious || undefined });
      }
      if (rec) {
        cached++;
        await env.cache.touch(stepKey);
        env.emit({ type: 'step-cached', time: Date.now(), stage: stage.index, step: id });
      } else {
        // Another build of this store may be running the same step: the first runs it, the others take its record (not with --no-cache).
        const lookup = async () => {
          const again = stage.noCache && !env.madeHere?.has(stepKey) ? undefined : await env.cache.get(stepKey);
          return again?.layer && (await layerAvailable(env.ws.store, again.layer)) ? again : undefined;
        };
        const made = await env.cache.once(stepKey, lookup, async () => {
          const layer = await layerStep(env.ws, link ? [] : layers, (rootfs) => execute(step, rootfs, id, stage.index, env), stage.inImage === false ? 'snapshot' : 'gzip');
          return { key: stepKey, created: new Date().toISOString(), createdBy: step.createdBy, layer };
        });
        env.madeHere?.add(stepKey);
        rec = made.record;
        if (!made.made) {
          hit = true;
          cached++;
          env.emit({ type: 'step-cached', time: Date.now(), stage: stage.index, step: id });
        }
      }
      layers.push(rec.layer!);
      used.push(rec.key);
      history.push(historyEntry(step, rec.created, false, epoch));
      key = link ? cacheKey(key, 'link', { layer: stepKey }) : stepKey;
      env.emit({ type: 'step-done', time: Date.now(), stage: stage.index, step: id, cached: hit, duration: Date.now() - started, layerSize: rec.layer!.size });
    } catch (e) {
      const err = atStep(e, step);
      env.emit({ type: 'step-error', time: Date.now(), stage: stage.index, step: id, message: err instanceof DrydockError ? err.message : String(err) });
      throw err;
    }
  }
  const config = finalConfig(base.config, program.config, layers, history, stage.platform ?? env.platform, epoch);
  return { key, config, layers, cachedSteps: cached, steps: layerSteps, used };
}

async function resolveBase(stage: SolveStage, env: StageEnv): Promise<{ key: CacheKey; config: ImageConfig; layers: LayerRef[]; used?: CacheKey[]; noImageConfig?: boolean; image?: { ref: string; digest: string } }> {
  const b = stage.base;
  if (b.kind === 'named') return namedBase(stage, b.name, env);
  if (b.kind === 'scratch') {
    env.emit({ type: 'base-resolved', time: Date.now(), stage: stage.index, ref: 'scratch', source: 'scratch' });
    return { key: cacheKey('scratch', 'scratch', {}), config: emptyConfig(stage.platform ?? env.platform), layers: [] };
  }
  if (b.kind === 'stage') {
    const r = await env.stageResult(b.index);
    env.emit({ type: 'base-resolved', time: Date.now(), stage: stage.index, ref: `stage ${b.index}`, source: 'stage' });
    return { key: r.key, config: r.config, layers: r.layers, used: r.used };
  }
  const img = await env.images.resolve(b.ref, stage.platform);
  env.emit({ type: 'base-resolved', time: Date.now(), stage: stage.index, ref: img.ref, digest: img.manifestDigest, source: img.source });
  return { key: baseKey(img.manifestDigest), config: img.config, layers: img.layers, image: { ref: img.ref, digest: img.manifestDigest } };
}

function keyOp(step: Step, env: StageEnv): unknown {
  return step.op.kind === 'run' ? runKeyOp(step.op, env.defaultNetwork) : step.op;
}

/** Inputs beyond the op itself: the content of what a COPY reads. */
async function keyInputs(step: Step, env: StageEnv): Promise<Record<string, string>> {
  const op = step.op;
  if (op.kind === 'run') {
    const inputs: Record<string, string> = {};
    for (const [i, m] of op.mounts.entries()) {
      if (m.type === 'bind' && m.from.type !== 'scratch') inputs[`mount${i}`] = await sourceIdentity(m.from, env, { sources: [m.source] });
    }
    return inputs;
  }
  if (op.kind !== 'copy') return {};
  const local = op.sources.filter((s) => !(op.isAdd && isURL(s)));
  const remote = op.isAdd ? await remoteKeyInputs(op, env.signal) : {};
  if (local.length === 0) return remote;
  return { ...remote, source: await sourceIdentity(op.from, env, { sources: local, exclude: op.exclude }) };
}

function stagesRead(step: Step): number[] {
  const op = step.op;
  if (op.kind === 'copy') return op.from.type === 'stage' ? [op.from.stage] : [];
  if (op.kind === 'run') return op.mounts.flatMap((m) => (m.from.type === 'stage' ? [m.from.stage] : []));
  return [];
}

/**
 * Errors from inside a step name the step's Dockerfile line, like BuildKit's; so does a failed
 * system call or a bug there (an ENOSPC, an ELOOP from a mount), as one line with its cause.
 */
function atStep(e: unknown, step: Step): unknown {
  if (isAbort(e)) return e;
  return asDrydockError(e, { location: step.file && step.line ? { file: step.file, line: step.line } : undefined });
}

/** A cancelled build's AbortError goes up as it is: the build reports the cancellation. */
function isAbort(e: unknown): boolean {
  return e instanceof Error && e.name === 'AbortError';
}

/** An image used as a --from source; failing to find it also means no stage has that name. */
async function fromImage(ref: string, env: StageEnv) {
  try {
    return await env.images.resolve(ref);
  } catch (e) {
    if (!(e instanceof DrydockError) || e.code === 'CANCELLED') throw e;
    throw new DrydockError(e.code, `--from=${ref}: no stage of this Dockerfile is named "${ref}", and it is not an image that can be found: ${e.message}`, { cause: e });
  }
}

async function sourceIdentity(from: CopySource, env: StageEnv, sel: { sources: string[]; exclude?: string[] }): Promise<string> {
  if (from.type === 'scratch') return 'scratch';
  if (from.type === 'context') return env.hashContext(sel);
  if (from.type === 'stage') return (await env.stageResult(from.stage)).key;
  if (from.type === 'named') return namedIdentity(env, from.name, sel);
  return (await fromImage(from.ref, env)).manifestDigest;
}

async function execute(step: Step, rootfs: string, id: string, stage: number, env: StageEnv): Promise<void> {
  const rt: StepRuntime = {
    storeRoot: env.ws.store.root,
    defaultNetwork: env.defaultNetwork,
    location: step.file && step.line ? { file: step.file, line: step.line } : undefined,
    signal: env.signal,
    log: (stream, chunk) => env.emit({ type: 'step-log', time: Date.now(), stage, step: id, stream, data: chunk.toString('utf8') }),
    sourceRoot: (from) => sourceRoot(from, env),
    sourceKey: (from) => sourceIdentity(from, env, { sources: ['/'] }),
    contextIgnore: env.context?.dockerignore,
    session: env.session,
    allowInsecure: !!env.allowInsecure,
    cacheMounts: env.cacheMounts,
  };
  const op = step.op;
  if (op.kind === 'run') return executeRun(op, rootfs, rt);
  if (op.kind === 'copy') return executeCopy(op, rootfs, rt, env.context);
  if (op.kind === 'mkdir') return executeMkdir(op, rootfs);
}

async function sourceRoot(from: CopySource, env: StageEnv): ReturnType<StepRuntime['sourceRoot']> {
  if (from.type === 'context') {
    if (!env.context) throw new DrydockError('CONTEXT', 'this build has no context to copy from');
    return { path: env.context.root, release: async () => {}, isContext: true };
  }
  if (from.type === 'scratch') {
    const dir = await mkdtemp(join(env.ws.store.root, 'tmp', 'scratch-'));
    return { path: dir, release: () => rm(dir, { recursive: true, force: true }), isContext: false };
  }
  if (from.type === 'named') {
    const src = await namedSource(env, from.name);
    if (src.kind === 'dir') return { path: src.context.root, release: async () => {}, isContext: true, context: src.context };
    const view = await viewLayers(env.ws, src.image.layers);
    return { path: view.path, release: () => view.release(), isContext: false };
  }
  const layers = from.type === 'stage' ? (await env.stageResult(from.stage)).layers : (await fromImage(from.ref, env)).layers;
  const view = await viewLayers(env.ws, layers);
  return { path: view.path, release: () => view.release(), isContext: false };
}

/** Config-only steps keep a creation time in the cache too, so a cached rebuild is byte-identical. */
async function configRecord(env: StageEnv, parent: CacheKey, step: Step): Promise<CacheRecord> {
  const key = cacheKey(parent, 'config', { createdBy: step.createdBy });
  const hit = await env.cache.get(key);
  if (hit) return hit;
  return env.cache.putOnce({ key, created: new Date().toISOString(), createdBy: step.createdBy });
}

function historyEntry(step: Step, created: string, empty: boolean, epoch?: number): HistoryEntry {
  const h: HistoryEntry = { created: epoch !== undefined ? new Date(epoch * 1000).toISOString() : created, created_by: step.createdBy, comment: 'buildkit.dockerfile.v0' };
  if (empty) h.empty_layer = true;
  return h;
}

function emptyConfig(platform: Platform): ImageConfig {
  return { architecture: platform.architecture, os: platform.os, ...(platform.variant ? { variant: platform.variant } : {}), config: {}, rootfs: { type: 'layers', diff_ids: [] }, history: [] };
}

function finalConfig(base: ImageConfig, runtime: ContainerConfig, layers: LayerRef[], history: HistoryEntry[], platform: Platform, epoch?: number): ImageConfig {
  const created = [...history].reverse().find((h) => h.created)?.created ?? (epoch !== undefined ? new Date(epoch * 1000).toISOString() : new Date().toISOString());
  const cfg: ImageConfig = {
    architecture: base.architecture || platform.architecture,
    os: base.os || platform.os,
    config: runtime,
    created,
    history,
    rootfs: { type: 'layers', diff_ids: layers.map((l) => l.diffID) },
  };
  if (base.variant ?? platform.variant) cfg.variant = base.variant ?? platform.variant;
  return cfg;
}
