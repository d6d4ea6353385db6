/**
 * Dispatch output: the ordered steps of one stage, each fully expanded, plus the image config
 * they produce. JSON-able; the engine executes steps without knowing Dockerfile rules.
 */
import type { ContainerConfig, ImageConfig, Platform } from '../../image/oci.js';
import type { ArgDef, CommandKind, Location, NetworkMode, SecurityMode } from '../instructions/index.js';
import type { CacheSharing, MountType } from '../instructions/index.js';
import type { Warning } from '../lint/index.js';
import type { SourceRef, StageInfo } from '../plan/index.js';

/** Build state a stage hands to stages built FROM it (BuildKit's llb.State env and ARGs). */
export interface StageState {
  /** Environment RUN sees: config env, then ARG values (ordered as BuildKit orders them). */
  env: string[];
  /** ARGs in scope with their values (history's `|N K=V` prefix uses them). */
  buildArgs: ArgDef[];
  workdirSet: boolean;
}

export interface DispatchContext {
  /** File name used in locations. */
  file: string;
  /**
   * Config of the base image (FROM <image>); undefined for scratch or when unknown. Its ONBUILD
   * triggers run first. Ignored when `baseStage` is given.
   */
  baseImage?: ImageConfig;
  /** The dispatched base stage, for FROM <stage>. */
  baseStage?: DispatchedStage;
  buildArgs: Readonly<Record<string, string>>;
  /** The plan's global scope (platform args and meta ARGs). */
  globalArgs: Readonly<Record<string, string>>;
  /** Proxy env from --build-arg, appended to every RUN's env. */
  proxyEnv: readonly string[];
  /** All stages of the file, to resolve COPY --from / mount from=. */
  stages: readonly StageInfo[];
  /** Named contexts COPY --from / mount from= may name (BuildPlan.namedContexts). */
  namedContexts?: readonly string[];
  escapeToken: '\\' | '`';
}

/** A RUN mount with everything resolved (target absolute, defaults applied). */
export interface RunMount {
  type: MountType;
  /** Where the files come from: context (bind default), scratch (cache/tmpfs default), stage, image. */
  from: SourceRef;
  /** Path inside `from` ('/' = its root). */
  source: string;
  target: string;
  readOnly: boolean;
  /** tmpfs size in bytes (0: no limit). */
  sizeLimit?: number;
  /** cache: cache id (default: the target); secret/ssh: the id. */
  id?: string;
  sharing?: CacheSharing;
  required?: boolean;
  /** secret: expose as this env variable (then `target` is only set when given). */
  env?: string;
  mode?: number;
  uid?: number;
  gid?: number;
}

export interface RunOp {
  type: 'run';
  /** argv, shell form already wrapped in the SHELL (default `/bin/sh -c`). */
  args: string[];
  /** Process env (config env + ARGs). */
  env: string[];
  /** Append to `env` when executing; not part of the image or of cache keys. */
  proxyEnv: string[];
  user: string;
  workdir: string;
  mounts: RunMount[];
  network: NetworkMode;
  security: SecurityMode;
  /** A heredoc script to mount read-only (mode 0755) at `path` before running. */
  script?: { path: string; data: string };
}

export interface CopyOp {
  type: 'copy';
  /** ADD semantics: URLs, git, archive unpacking. */
  add: boolean;
  from: SourceRef;
  /** Source paths/URLs, expanded (relative to `from`'s root). */
  sources: string[];
  /** Heredoc sources: files named `path` holding `data` (expanded when allowed). */
  contents: Array<{ path: string; data: string }>;
  /** Destination resolved against WORKDIR (trailing `/` kept: it means a directory). */
  dest: string;
  chown?: string;
  chmod?: string;
  link: boolean;
  parents: boolean;
  excludes: string[];
  checksum?: string;
  keepGitDir?: boolean;
  /** ADD: unpack archives (default true for local sources, false for URLs). */
  unpack?: boolean;
  /** Default owner when `chown` is empty is root, like BuildKit. */
}

export interface WorkdirOp {
  type: 'workdir';
  /** Directory to create (with parents, mode 0755), owned by `user` when set. */
  path: string;
  user: string;
}

/** Instructions that only change the image config or build state. */
export interface ConfigOp {
  type: 'config';
}

export type Operation = RunOp | CopyOp | WorkdirOp | ConfigOp;

export interface Step {
  location: Location;
  kind: CommandKind;
  /** The instruction as written. */
  instruction: string;
  /** Came from an ONBUILD trigger. */
  onbuild: boolean;
  /** History `created_by` exactly as BuildKit writes it; undefined when no history entry (ONBUILD). */
  createdBy?: string;
  /** Produces a filesystem layer (history `empty_layer` is the opposite). */
  layer: boolean;
  op: Operation;
  /** Image config after this step. */
  config: ContainerConfig;
}

export interface DispatchedStage {
  index: number;
  name?: string;
  platform: Platform;
  steps: Step[];
  /** Final image config; history has no `created` times (the engine stamps them). */
  image: ImageConfig;
  state: StageState;
  warnings: Warning[];
}
