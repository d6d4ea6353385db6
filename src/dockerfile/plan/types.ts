/** The build plan: which stages to build, in which order, on what, with which arguments. */
import type { Platform } from '../../image/oci.js';
import type { Command, Location } from '../instructions/index.js';
import type { Warning, WarningCollector } from '../lint/index.js';
import type { Directive } from '../parser/index.js';

export interface PlanOptions {
  /** File name for locations in errors and warnings (default `Dockerfile`). */
  file?: string;
  /** Stage name (case-insensitive) to build; default: the last stage. */
  target?: string;
  /** `--build-arg K=V` values. */
  buildArgs?: Record<string, string>;
  /** Default: the host platform. */
  buildPlatform?: Platform;
  /** Default: the build platform. Set it to build for another platform (explicit target). */
  targetPlatform?: Platform;
  /**
   * Plan every stage of the file, not only what the target needs (lint, like BuildKit's
   * check mode without a target). `stages` is then in file order and the target may not be last.
   */
  allStages?: boolean;
  /** Report warnings here (lint keeps the ones found before an error); default a fresh collector. */
  warnings?: WarningCollector;
  /**
   * Names of the build's named contexts (`--build-context NAME=…`), as `contextKey` gives them.
   * `FROM NAME`, `COPY --from=NAME` and `RUN --mount=from=NAME` use the context instead of an
   * image, and a stage named NAME is replaced by it.
   */
  namedContexts?: readonly string[];
}

/** What a stage starts from. */
export type StageBase =
  | { kind: 'scratch' }
  | { kind: 'stage'; index: number }
  /** `ref` is the FROM word expanded with the global args, as written (not normalised). */
  | { kind: 'image'; ref: string }
  /** A named context (`--build-context`), by its `contextKey`; the engine says what it holds. */
  | { kind: 'named'; name: string };

/** Where COPY --from / RUN --mount from= takes files from. */
export type SourceRef =
  | { kind: 'context' }
  | { kind: 'scratch' }
  | { kind: 'stage'; index: number }
  | { kind: 'image'; ref: string }
  | { kind: 'named'; name: string };

export interface StageInfo {
  index: number;
  /** Lower-cased `AS` name. */
  name?: string;
}

export interface PlannedStage {
  index: number;
  name?: string;
  location: Location;
  base: StageBase;
  /** Platform the stage builds for (FROM --platform, else the base stage's, else the target). */
  platform: Platform;
  /** True when FROM had --platform (the base image is resolved for that platform). */
  explicitPlatform: boolean;
  /** The stage's own instructions, words unexpanded. */
  commands: Command[];
  /**
   * ONBUILD triggers inherited from a base *stage* (parsed; run before `commands`). Triggers of
   * a base *image* live in its config and are parsed by `dispatchStage`.
   */
  onbuild: Command[];
  /** Stages this one needs built first: the FROM stage, COPY --from and RUN --mount from= stages. */
  dependsOn: number[];
  /** Image references used by COPY --from / RUN --mount from= (the FROM image is in `base`). */
  imageDeps: string[];
}

export interface BuildPlan {
  file: string;
  /** The stages the target needs, dependencies before dependents; the target is last. */
  stages: PlannedStage[];
  target: PlannedStage;
  /** Every stage of the file, for `--target` listings and `--from=<index>`. */
  allStages: StageInfo[];
  /** The named contexts the plan resolved names against (PlanOptions.namedContexts). */
  namedContexts: string[];
  escapeToken: '\\' | '`';
  directives: Directive[];
  buildPlatform: Platform;
  targetPlatform: Platform;
  /** True when the caller chose the target platform (BuildKit then stamps it on the image). */
  explicitTargetPlatform: boolean;
  buildArgs: Record<string, string>;
  /**
   * Global scope after evaluating the ARGs before the first FROM: the automatic platform args
   * (BUILDPLATFORM, TARGETARCH, …, TARGETSTAGE) plus meta ARGs that have a value.
   */
  globalArgs: Record<string, string>;
  /** Proxy variables from --build-arg, passed to every RUN but kept out of the image and cache keys. */
  proxyEnv: string[];
  warnings: Warning[];
  /** --build-arg names no ARG in the planned stages (or the global scope) declares. */
  unusedBuildArgs: string[];
}
