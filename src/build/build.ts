/**
 * `build()`: the one code path behind `drydock build` and `import { build } from 'drydock'`.
 * Dockerfile → plan (frontend) → stages scheduled by the solver → image written to the store →
 * outputs → size report. Every step of the way is reported as a BuildEvent.
 */
import { readFile } from 'node:fs/promises';
import { basename, join, resolve as resolvePath } from 'node:path';
import { resolveSourceDateEpoch, withEpochArg, type BuildOptions } from './options.js';
import type { BuildEvent, ImageSummary, StageSummary } from '../solver/events.js';
import { stageLabel } from '../solver/events.js';
import type { Descriptor, Digest, ImageConfig } from '../image/oci.js';
import { hostPlatform } from '../image/oci.js';
import { DrydockError, asDrydockError } from '../util/errors.js';
import { secureJoin } from '../archive/securejoin.js';
import { sizeReport, type SizeReport } from './summary.js';
import { makeDispatcher, toSolveStages } from './program.js';
import { exportOutputs } from './outputs.js';
import { guardStages, limiter, planPlatform, platformError, platformEvents, platformLimit, targetPlatforms } from './multi-platform.js';
import { formatPlatform } from '../image/platform.js';

export interface BuildResult {
  /** Image ID: the config digest, as docker shows it. */
  imageId: Digest;
  manifestDigest: Digest;
  refs: string[];
  config: ImageConfig;
  report: SizeReport;
  warnings: string[];
  events: BuildEvent[];
  /** Every solved stage's full layer list (base layers included), for the size report. */
  stages: Array<{ index: number; name: string; inImage: boolean; layers: Descriptor[] }>;
  /** A multi-platform build's images, in --platform order (imageId and manifestDigest are then the index's). */
  platforms?: PlatformImage[];
}

export interface PlatformImage {
  platform: string;
  imageId: Digest;
  manifestDigest: Digest;
}

export async function build(opts: BuildOptions): Promise<BuildResult> {
  const started = Date.now();
  const events: BuildEvent[] = [];
  const emit = (e: BuildEvent) => { events.push(e); opts.onEvent?.(e); };

  if (typeof opts.context !== 'string') {
    // A tar context (stdin) holds its Dockerfile, like docker's: extract, then build the directory.
    const { openContext } = await import('../context/index.js');
    const extracted = await openContext({ tar: opts.context.tar });
    try {
      const dockerfile = opts.dockerfileText === undefined ? await secureJoin(extracted.root, opts.dockerfile ?? 'Dockerfile') : undefined;
      return await build({ ...opts, context: extracted.root, dockerfile });
    } finally {
      await extracted.release();
    }
  }

  const [{ openStore, defaultRoot }, { openSnapshotter }, { planBuild }, { openContext }] = await Promise.all([
    import('../store/index.js'), import('../snapshot/index.js'), import('../dockerfile/index.js'), import('../context/index.js'),
  ]);

  const { text, file, dockerfilePath } = await readDockerfile(opts);
  const targets = targetPlatforms(opts.platform);
  const multi = targets.length > 1;
  const buildArgs = withEpochArg(definedArgs(opts.buildArgs), opts.sourceDateEpoch);
  const { namedContextSpecs, NamedContexts } = await import('./named-contexts.js');
  const namedSpecs = await namedContextSpecs(opts.buildContexts);
  // One plan per target platform: each sees its own TARGET* args (BuildKit plans per platform too).
  const plans = targets.map((t) => planBuild(text, { file, target: opts.target, buildArgs, buildPlatform: hostPlatform(), targetPlatform: planPlatform(t), namedContexts: [...namedSpecs.keys()] }));
  const plan = plans[0]!;
  const sourceDateEpoch = resolveSourceDateEpoch(buildArgs, plan.globalArgs);
  const warnings: string[] = [];
  // `# check=skip=…` (or the BUILDKIT_DOCKERFILE_CHECK build-arg) silences rules, as in BuildKit.
  const { checkConfigFor } = await import('../lint/config.js');
  const checks = checkConfigFor(plan.directives, buildArgs, file);
  for (const w of plan.warnings) {
    if (checks.skipAll || checks.skip.includes(w.rule)) continue;
    warnings.push(w.message);
    emit({ type: 'warning', time: Date.now(), message: w.message, line: w.location?.line, rule: w.rule });
  }
  // `# check=error=true`: a failed check stops the build before anything runs, as in BuildKit.
  if (checks.error) {
    const { enforceChecks } = await import('../lint/build-check.js');
    await enforceChecks({ context: opts.context, ...(dockerfilePath ? { dockerfile: dockerfilePath } : { dockerfileText: text }), target: opts.target, buildArgs, root: opts.root });
  }

  const store = await openStore(opts.root ?? defaultRoot());
  // A drydock killed mid-RUN leaves its container running on a snapshot: stop those first.
  await (await import('../exec/index.js')).sweepOrphanContainers();
  const snapshotter = await openSnapshotter(store.root, { driver: opts.snapshotter ?? 'auto' });
  const { openSession } = await import('../secrets/index.js');
  const session = await openSession({ secrets: opts.secrets, ssh: opts.ssh });
  const context = await openContext({ dir: opts.context }, { dockerfilePath });
  try {
    const { solve, stageSize } = await import('../solver/solve.js');
    const { openBuildCache, openCacheMounts, applyInlineCache, exportCaches, collectRecords, ImportingStepCache } = await import('../cache/index.js');
    const { LayerSizes } = await import('../solver/layer-size.js');
    const { ImageResolver } = await import('../solver/images.js');
    const { hashSources } = await import('../context/index.js');
    const { Explainer } = await import('../solver/explain.js');
    const { compressForImage } = await import('../solver/compress.js');

    const ws = { store, snapshotter, sizes: new LayerSizes(store.root), sourceDateEpoch };
    const memoPath = join(store.root, 'cache', 'context-memo.json');
    const perStage = plan.allStages.length;
    const labelOf = (k: number) => formatPlatform(planPlatform(targets[k]!));
    // Stage numbers and names as events show them: unique across the platforms of one build.
    const shown = (k: number, index: number, name: string) => (multi ? { index: k * perStage + index, name: `${labelOf(k)} ${name}` } : { index, name });
    const allStages = plans.map((p) => toSolveStages(p, opts));
    emit({
      type: 'build-start', time: started, target: stageLabel(plan.target.index, plan.target.name),
      stages: allStages.flatMap((stages, k) => stages.map((s) => ({ ...shown(k, s.index, s.name), base: s.base.kind === 'image' ? s.base.ref : s.base.kind === 'stage' ? `stage ${shown(k, s.base.index, '').index}` : s.base.kind === 'named' ? `context ${s.base.name}` : 'scratch' }))),
    });
    const imageMemo = new Map();
    const madeHere = new Set<import('../graph/index.js').CacheKey>();
    // The first failing platform stops the others; the build waits for all before cleaning up.
    const abort = new AbortController();
    const onAbort = () => abort.abort(opts.signal?.reason);
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    const solvePlatform = async (k: number) => {
      const t = targets[k]!;
      const p = plans[k]!;
      const stages = allStages[k]!;
      // containerd's normalized form, as BuildKit stamps it: linux/arm64 has no v8 variant.
      const platform = planPlatform(t);
      const pemit = multi ? platformEvents(emit, k, perStage, labelOf(k)) : emit;
      const signal = abort.signal;
      const cache = await openBuildCache(store, opts.cacheFrom, { platform, emit: pemit, signal });
      const cacheMounts = await openCacheMounts(store, cache, opts.cacheTo, pemit);
      // With an imported cache a base's layers are fetched only when a step or an output needs them (BuildKit's lazy pull).
      const images = new ImageResolver(store, { pull: !!opts.pull, platform, emit: pemit, signal, memo: imageMemo, lazyLayers: cache instanceof ImportingStepCache });
      const named = new NamedContexts(namedSpecs, { store, images, platform, memoPath, signal });
      const explainer = await Explainer.open(store.root, `${dockerfilePath ?? `stdin:${resolvePath(opts.context as string)}`}\0${stageLabel(p.target.index, p.target.name)}${multi ? `\0${labelOf(k)}` : ''}`, cache instanceof ImportingStepCache ? cache.imported : []);
      const solved = await solve(stages, p.target.index, {
        ws,
        cache,
        images,
        context,
        platform,
        defaultNetwork: opts.network === 'none' ? 'none' : 'host',
        dispatch: guardStages(p, makeDispatcher(p, opts)),
        emit: pemit,
        session,
        allowInsecure: (opts.allow ?? []).includes('security.insecure'),
        explainer,
        hashContext: async (sel) => {
          const h = await hashSources(context, sel.sources, { exclude: sel.exclude, memoPath });
          explainer.noteFiles(h.digest, h.files);
          return h.digest;
        },
        named,
        cacheMounts,
        madeHere,
      }, signal).finally(() => named.release());
      await explainer.save();

      // Layers a cache hit brings from a build where their stage was intermediate are still uncompressed.
      const target = await compressForImage(ws, cache, solved.target);
      solved.results.set(p.target.index, target);
      const cacheInput = { store, cache, stages: [...solved.results.values()], target, platform, emit: pemit, signal, mounts: cacheMounts };
      const config = await applyInlineCache(opts.cacheTo, withLabels(target.config, opts.labels), cacheInput);
      const built = new Set((await collectRecords(cacheInput, 'min')).flatMap((r) => (r.layer ? [r.layer.descriptor.digest] : [])));
      const summaries: StageSummary[] = [];
      for (const s of stages) {
        const r = solved.results.get(s.index)!;
        summaries.push({ ...shown(k, s.index, s.name), size: await stageSize(ws, r), layers: r.layers.length, inImage: s.index === p.target.index, cachedSteps: r.cachedSteps, steps: r.steps, ...(multi ? { platform: labelOf(k) } : {}) });
      }
      const layers = stages.map((s) => ({ ...shown(k, s.index, s.name), inImage: s.index === p.target.index, layers: solved.results.get(s.index)!.layers.map((l) => l.descriptor) }));
      return { t, target, config, built, cacheInput, summaries, layers, images };
    };
    const gate = limiter(platformLimit());
    const settled = await Promise.allSettled(targets.map((_, k) => gate(() => solvePlatform(k)).catch((e) => { abort.abort(e); throw multi ? platformError(e, plans[k]!) : e; })));
    opts.signal?.removeEventListener('abort', onAbort);
    const failed = settled.find((r): r is PromiseRejectedResult => r.status === 'rejected' && !isCancel(r.reason))
      ?? settled.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
    const solved = settled.map((r) => (r as PromiseFulfilledResult<Awaited<ReturnType<typeof solvePlatform>>>).value);
    const first = solved[0]!;

    // Imported cache layers are downloaded only now, for outputs that need their bytes (store/lazy.ts); a registry push mounts or fetches each itself.
    const { materialize } = await import('../store/lazy.js');
    if ((opts.outputs?.length ? opts.outputs : [{ type: 'image' }]).some((o) => o.type !== 'registry')) await materialize(store, solved.flatMap((s) => s.target.layers.map((l) => l.descriptor.digest)));
    const written = await exportOutputs({
      store, ws, config: first.config, layers: first.target.layers, tags: opts.tags ?? [], outputs: opts.outputs, emit,
      platform: !multi && first.t.explicit ? planPlatform(first.t) : undefined, builtLayers: first.built, signal: opts.signal,
      ...(multi ? { platforms: solved.map((s) => ({ config: s.config, layers: s.target.layers, builtLayers: s.built })) } : {}),
    }).catch(during('exporting the image'));
    await exportCaches(opts.cacheTo, solved.map((s) => s.cacheInput)).catch(during('exporting the build cache'));
    for (const s of solved) await s.images.tagComplete();

    const stageSummaries = solved.flatMap((s) => s.summaries);
    const image: ImageSummary = {
      id: written.imageId, manifestDigest: written.manifestDigest, refs: written.refs,
      size: first.summaries.find((s) => s.inImage)!.size, layers: first.target.layers.length,
    };
    const report = sizeReport(stageSummaries, image);
    const stageLayers = solved.flatMap((s) => s.layers);
    // The build record lets `drydock report IMAGE` show what the stages left behind; `report` writes the report now.
    const { recordBuild } = await import('../report/record.js');
    for (const [k, s] of solved.entries()) {
      const imageId = written.platforms?.[k]?.imageId ?? written.imageId;
      await recordBuild(store, { imageId, refs: written.refs, config: s.config, stages: s.layers }, k === 0 ? opts.report : undefined).catch(during('recording the build'));
    }
    await enforceCacheLimit(store);
    emit({ type: 'build-done', time: Date.now(), image, stages: stageSummaries, duration: Date.now() - started });
    return {
      imageId: written.imageId, manifestDigest: written.manifestDigest, refs: written.refs, config: first.config, report, warnings, events, stages: stageLayers,
      ...(written.platforms ? { platforms: written.platforms } : {}),
    };
  } finally {
    await context.release();
    await session.close();
  }
}

function isCancel(e: unknown): boolean {
  return e instanceof DrydockError && e.code === 'CANCELLED';
}

async function readDockerfile(opts: BuildOptions): Promise<{ text: string; file: string; dockerfilePath?: string }> {
  if (opts.dockerfileText !== undefined) return { text: opts.dockerfileText, file: 'Dockerfile' };
  const path = opts.dockerfile ? resolvePath(opts.dockerfile) : join(resolvePath(opts.context as string), 'Dockerfile');
  try {
    return { text: await readFile(path, 'utf8'), file: basename(path), dockerfilePath: path };
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new DrydockError('NOT_FOUND', code === 'ENOENT' ? `failed to read Dockerfile: open ${path}: no such file or directory` : `failed to read Dockerfile ${path}: ${(e as Error).message}`);
  }
}

/** With `build-cache.max-size` configured, drop the least recently used cache beyond it. */
async function enforceCacheLimit(store: import('../store/index.js').Store): Promise<void> {
  const { configuredCacheLimit, pruneStepCache, pruneSnapshots } = await import('../solver/prune.js');
  const limit = await configuredCacheLimit(store.root);
  if (limit === undefined) return;
  const dropped = await pruneStepCache(store, { keepBytes: limit });
  if (dropped.records === 0) return;
  const { collectGarbage } = await import('../store/index.js');
  await collectGarbage(store);
  await pruneSnapshots(store);
}

/** A failure after the steps names the work it broke (`error: exporting the image: ENOSPC: …`). */
function during(what: string): (e: unknown) => never {
  return (e) => { throw e instanceof Error && e.name === 'AbortError' ? e : asDrydockError(e, { what }); };
}

function definedArgs(args?: Record<string, string | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(args ?? {})) if (v !== undefined) out[k] = v;
  return out;
}

function withLabels(config: ImageConfig, labels?: Record<string, string>): ImageConfig {
  if (!labels || Object.keys(labels).length === 0) return config;
  return { ...config, config: { ...config.config, Labels: { ...(config.config?.Labels ?? {}), ...labels } } };
}
