/**
 * `--platform linux/amd64,linux/arm64`: one build, one image per platform, one index. Each target
 * platform gets its own plan and stage graph (its TARGET* args); the solves run side by side in
 * one store, so a step that is the same for every platform (a `FROM --platform=$BUILDPLATFORM`
 * builder's steps before `ARG TARGETARCH`) has one cache key and runs once: the others wait on its
 * record (StepCache.once), as BuildKit's solver merges identical vertices across platforms.
 */
import { availableParallelism } from 'node:os';
import { formatPlatform, parsePlatformSpec } from '../dockerfile/plan/index.js';
import type { BuildPlan } from '../dockerfile/index.js';
import { hostPlatform, type Platform } from '../image/oci.js';
import { platformMatches } from '../image/platform.js';
import type { BuildEvent, EventSink } from '../solver/events.js';
import type { Dispatcher } from '../solver/stage.js';
import { DrydockError } from '../util/errors.js';
import { guardForeignRun, targetPlatform, type TargetPlatform } from './platform.js';

/** Each platform of a comma-separated `--platform`, in order, without repeats. */
export function targetPlatforms(spec: string | undefined): TargetPlatform[] {
  if (!spec || !spec.includes(',')) return [targetPlatform(spec)];
  const out: TargetPlatform[] = [];
  for (const part of spec.split(',').map((s) => s.trim())) {
    if (!part) throw new DrydockError('USAGE', `invalid --platform "${spec}": an empty platform in the list`);
    const t = targetPlatform(part);
    if (!out.some((o) => platformMatches(o.platform, t.platform))) out.push(t);
  }
  return out;
}

/**
 * The platform as the Dockerfile sees it (TARGETPLATFORM, TARGETVARIANT): containerd's
 * normalized form, as BuildKit passes it, so `linux/arm64` has no variant and `linux/arm` is v7.
 */
export function planPlatform(t: TargetPlatform): Platform {
  return parsePlatformSpec(formatPlatform(t.platform));
}

/**
 * Refuses a foreign RUN per stage: a `FROM --platform=$BUILDPLATFORM` stage runs on the host
 * whatever the target is, and a stage for another platform is checked against its own.
 */
export function guardStages(plan: BuildPlan, dispatch: Dispatcher): Dispatcher {
  const host = hostPlatform();
  const guards = new Map<string, Dispatcher>();
  const platformOf = new Map(plan.stages.map((s) => [s.index, s.platform]));
  return (stage, base) => {
    const p = platformOf.get(stage) ?? plan.targetPlatform;
    if (platformMatches(host, p)) return dispatch(stage, base);
    const name = formatPlatform(p);
    let g = guards.get(name);
    if (!g) guards.set(name, g = guardForeignRun(dispatch, targetPlatform(name)));
    return g(stage, base);
  };
}

/**
 * Events of one platform's solve in a multi-platform build: stage numbers made unique across the
 * platforms (`k * stagesPerPlatform + index`) and stage names prefixed with the platform, as
 * BuildKit's progress shows `[linux/arm64 build 2/3]`, so every renderer keeps working unchanged.
 */
export function platformEvents(emit: EventSink, k: number, stagesPerPlatform: number, platform: string): EventSink {
  const stage = (i: number) => k * stagesPerPlatform + i;
  const step = (id: string) => { const dot = id.indexOf('.'); return `${stage(Number(id.slice(0, dot)))}${id.slice(dot)}`; };
  return (e: BuildEvent) => {
    if (!('stage' in e)) return emit(e);
    const out = { ...e, stage: stage(e.stage) } as BuildEvent & { stage: number; step?: string; name?: string };
    if ('step' in e && typeof e.step === 'string') out.step = step(e.step);
    if ('name' in e && typeof e.name === 'string') out.name = `${platform} ${e.name}`;
    emit(out);
  };
}

/**
 * A multi-platform build's failure names the platform it happened for, after the Dockerfile line:
 * `Dockerfile:3: [linux/arm64] process "/bin/sh -c …" did not complete successfully: exit code: 1`,
 * as BuildKit's vertex reads `[linux/arm64 stage-0 2/2] RUN …`. A stage on another platform than
 * the target (a `$BUILDPLATFORM` builder) reads `[linux/amd64->arm64]`, as BuildKit's
 * prefixCommand/formatTargetPlatform (frontend/dockerfile/dockerfile2llb/convert.go) show it.
 * A cancellation, and an error that names its platform already, are left as they are.
 */
export function platformError(e: unknown, plan: BuildPlan): unknown {
  // The foreign-RUN guard's message starts with the platform already (`--platform linux/s390x: …`).
  if (!(e instanceof DrydockError) || e.code === 'CANCELLED' || e.message.startsWith('--platform ')) return e;
  const target = formatPlatform(plan.targetPlatform);
  const line = e.location?.line;
  const stage = line === undefined ? undefined : plan.stages.find((s) => s.location.line === line || s.commands.some((c) => c.location.line <= line && line <= c.location.endLine));
  let label = target;
  if (stage && !platformMatches(stage.platform, plan.targetPlatform)) {
    const t = plan.targetPlatform;
    label = `${formatPlatform(stage.platform)}->${t.os === stage.platform.os ? [t.architecture, t.variant].filter(Boolean).join('/') : target}`;
  }
  return new DrydockError(e.code, `[${label}] ${e.message}`, { location: e.location, cause: e.cause ?? e, exitCode: e.exitCode, details: e.details });
}

/**
 * How many platforms are solved at once: one per core (at least two). Each platform's stages run
 * in parallel already, and an emulated RUN keeps a core busy; a platform that waits starts with
 * whatever the others put in the cache.
 */
export function platformLimit(): number {
  return Math.max(2, availableParallelism());
}

/** Runs at most `n` of the calls at once, in order. */
export function limiter(n: number): <T>(f: () => Promise<T>) => Promise<T> {
  let active = 0;
  const queue: Array<() => void> = [];
  return async (f) => {
    if (active >= n) await new Promise<void>((resolve) => queue.push(resolve));
    active++;
    try {
      return await f();
    } finally {
      active--;
      queue.shift()?.();
    }
  };
}

/** BuildKit's `local`/`tar` exporters put each platform's files under `os_arch[_variant]/`. */
export function platformDir(p: Platform): string {
  return [p.os, p.architecture, p.variant].filter(Boolean).join('_');
}
