/**
 * Build events: the one stream that progress renderers, the size report, the API's iterator and
 * the tests all consume. Times are epoch milliseconds; `step` ids are `<stage>.<n>` and stable
 * within one build.
 */
export type BuildEvent =
  | { type: 'build-start'; time: number; target: string; stages: StageInfo[] }
  | { type: 'stage-start'; time: number; stage: number; name: string }
  | { type: 'base-resolved'; time: number; stage: number; ref: string; digest?: string; source: 'local' | 'pulled' | 'scratch' | 'stage' }
  | { type: 'step-start'; time: number; stage: number; step: string; index: number; total: number; instruction: string; line?: number }
  | { type: 'step-log'; time: number; stage: number; step: string; stream: 'stdout' | 'stderr'; data: string }
  | { type: 'step-cached'; time: number; stage: number; step: string }
  /** Why a step missed the cache, compared with the last build of the same Dockerfile and target. */
  | { type: 'step-explain'; time: number; stage: number; step: string; instruction: string; reasons: string[]; firstBuild?: boolean }
  | { type: 'step-done'; time: number; stage: number; step: string; cached: boolean; duration: number; layerSize?: number }
  | { type: 'step-error'; time: number; stage: number; step: string; message: string }
  | { type: 'stage-done'; time: number; stage: number; name: string; size: number; layers: number }
  | { type: 'warning'; time: number; message: string; line?: number; rule?: string }
  /** `progress`: one blob of the pull (`layer` digest) has `current` of its `total` bytes; `done`: `bytes` fetched in all. */
  | { type: 'pull'; time: number; ref: string; status: 'start' | 'progress' | 'done'; bytes?: number; layer?: string; current?: number; total?: number }
  | { type: 'export'; time: number; kind: string; dest?: string; digest?: string }
  | { type: 'build-done'; time: number; image?: ImageSummary; stages: StageSummary[]; duration: number };

export interface StageInfo { index: number; name: string; base: string }

export interface StageSummary {
  index: number; name: string; size: number; layers: number; inImage: boolean; cachedSteps: number; steps: number;
  /** The target platform this stage was solved for, in a multi-platform build (its name starts with it). */
  platform?: string;
}

export interface ImageSummary { id: string; manifestDigest: string; size: number; layers: number; refs: string[] }

export type EventSink = (e: BuildEvent) => void;

/** Stage label as BuildKit prints it: the name, or `stage-N`. */
export function stageLabel(index: number, name?: string): string {
  return name ?? `stage-${index}`;
}
