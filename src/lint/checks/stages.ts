/**
 * drydock's multi-stage rules: stages nothing uses, a final stage still on a toolchain image,
 * and base images that are not pinned.
 */
import { parseReference } from '../../image/reference.js';
import type { PlannedStage } from '../../dockerfile/index.js';
import type { Check, CheckContext } from './context.js';

const label = (s: { index: number; name?: string }): string => (s.name !== undefined ? JSON.stringify(s.name) : `#${s.index}`);

/** Stages the target does not reach (through FROM, COPY --from or RUN --mount from=). */
export const unusedStage: Check = (ctx) => {
  // with --target only the target's stages are planned; other stages may be other targets
  if (!ctx.allStages) return;
  const byIndex = new Map(ctx.plan.stages.map((s) => [s.index, s]));
  const used = new Set<number>();
  const queue = [ctx.plan.target.index];
  while (queue.length > 0) {
    const i = queue.pop()!;
    if (used.has(i)) continue;
    used.add(i);
    queue.push(...(byIndex.get(i)?.dependsOn ?? []));
  }
  for (const s of ctx.plan.stages) {
    if (!used.has(s.index)) ctx.report('UnusedStage', s.location, label(s), label(ctx.plan.target));
  }
};

/** Repositories whose images are compilers/SDKs rather than runtimes. */
const TOOLCHAINS = new Set([
  'golang', 'rust', 'gcc', 'maven', 'gradle', 'sbt', 'swift', 'haskell', 'clojure', 'openjdk', 'buildpack-deps', 'dotnet/sdk',
]);
/** Repositories that publish both JDK and JRE tags: only the JDK ones are toolchains. */
const JDK_TAGGED = new Set(['eclipse-temurin', 'ibm-semeru-runtimes', 'amazoncorretto', 'sapmachine']);

export function isToolchainImage(ref: string): boolean {
  let r;
  try {
    r = parseReference(ref);
  } catch {
    return false;
  }
  const parts = r.path.split('/');
  const last = parts[parts.length - 1]!;
  const lastTwo = parts.slice(-2).join('/');
  if (TOOLCHAINS.has(last) || TOOLCHAINS.has(lastTwo)) return true;
  return JDK_TAGGED.has(last) && /jdk/.test(r.tag ?? '');
}

/** The image a stage ends up on, following FROM <stage> links (undefined for scratch). */
function rootImage(ctx: CheckContext, stage: PlannedStage): string | undefined {
  const byIndex = new Map(ctx.plan.stages.map((s) => [s.index, s]));
  let s: PlannedStage | undefined = stage;
  for (let hops = 0; s && hops <= byIndex.size; hops++) {
    if (s.base.kind === 'image') return s.base.ref;
    if (s.base.kind === 'scratch' || s.base.kind === 'named') return undefined;
    s = byIndex.get(s.base.index);
  }
  return undefined;
}

/** A multi-stage build whose final image still carries the compiler. */
export const toolchainFinalStage: Check = (ctx) => {
  if (ctx.plan.allStages.length < 2) return;
  const target = ctx.plan.target;
  const image = rootImage(ctx, target);
  if (image !== undefined && isToolchainImage(image)) ctx.report('ToolchainFinalStage', target.location, image);
};

/** FROM an image with no tag (implicitly :latest) or with :latest, and no digest. */
export const unpinnedBaseImage: Check = (ctx) => {
  for (const s of ctx.plan.stages) {
    if (s.base.kind !== 'image') continue;
    let r;
    try {
      r = parseReference(s.base.ref, { defaultTag: false });
    } catch {
      continue;
    }
    if (r.digest) continue;
    if (r.tag === undefined) ctx.report('UnpinnedBaseImage', s.location, s.base.ref, 'has no tag (so it means :latest)');
    else if (r.tag === 'latest') ctx.report('UnpinnedBaseImage', s.location, s.base.ref, 'uses the latest tag');
  }
};
