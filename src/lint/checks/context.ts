/** What every lint check reads (the frontend's view of the file) and where it reports. */
import type { ImageConfig, Platform } from '../../image/oci.js';
import type { BuildPlan, DispatchedStage, Location, ParsedDockerfile } from '../../dockerfile/index.js';
import type { PatternMatcher } from '../../fileop/index.js';

/** A FROM image as lint found it: its config from the local store, or unknown. */
export interface BaseImageInfo {
  ref: string;
  /** Undefined when the image is not in the local store (lint never pulls). */
  config?: ImageConfig;
  /** Platform of the config found (os/architecture/variant as the image says). */
  platform?: Platform;
}

export interface CheckContext {
  parsed: ParsedDockerfile;
  plan: BuildPlan;
  /** Every planned stage, dispatched (by stage index). */
  dispatched: ReadonlyMap<number, DispatchedStage>;
  /** FROM images by stage index. */
  bases: ReadonlyMap<number, BaseImageInfo>;
  /** The context's .dockerignore; undefined when there is no context directory. */
  ignore?: PatternMatcher;
  /** True when every stage of the file was planned (no --target). */
  allStages: boolean;
  report(rule: string, location: Location | undefined, ...args: string[]): void;
}

export type Check = (ctx: CheckContext) => void;
