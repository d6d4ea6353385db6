/**
 * Operations: what a step does, fully expanded, with no Dockerfile left in it. The frontend's
 * dispatch is translated into these (src/build/program.ts); the solver executes them.
 */
import type { ContainerConfig } from '../image/oci.js';

export type CopySource =
  | { type: 'context' }
  | { type: 'scratch' }
  | { type: 'stage'; stage: number }
  | { type: 'image'; ref: string }
  /** A named context (`--build-context NAME=…`): an image, or a directory used like the context. */
  | { type: 'named'; name: string };

export interface RunMountSpec {
  type: 'bind' | 'cache' | 'tmpfs' | 'secret' | 'ssh';
  target: string;
  from: CopySource;
  /** Path inside `from` ('/' = its root). */
  source: string;
  readonly: boolean;
  /** cache: the cache id; secret/ssh: the id. */
  id?: string;
  sharing?: 'shared' | 'private' | 'locked';
  required?: boolean;
  /** secret: expose as this env variable. */
  env?: string;
  /** tmpfs size in bytes (0: no limit). */
  sizeLimit?: number;
  mode?: number;
  uid?: number;
  gid?: number;
}

export interface RunOp {
  kind: 'run';
  args: string[];
  env: string[];
  user: string;
  workdir: string;
  network: 'default' | 'none' | 'host';
  security: 'sandbox' | 'insecure';
  mounts: RunMountSpec[];
  /** Proxy variables from --build-arg: passed to the process, kept out of cache keys. */
  proxyEnv?: string[];
  /** A heredoc script, mounted read-only (0755) at `path` for the run; not in the layer. */
  script?: { path: string; data: string };
  /**
   * The build's `--add-host`, `--shm-size` and `--ulimit`, on every RUN and in its cache key, as
   * BuildKit's ExecOp carries them (Meta.extraHosts, Meta.ulimit, the /dev/shm tmpfs mount).
   */
  extraHosts?: Array<{ host: string; ip: string }>;
  shmSize?: number;
  ulimits?: Array<{ name: string; soft: number; hard: number }>;
}

export interface CopyOp {
  kind: 'copy';
  isAdd: boolean;
  from: CopySource;
  sources: string[];
  dest: string;
  chown?: string;
  chmod?: string;
  link?: boolean;
  parents?: boolean;
  exclude?: string[];
  checksum?: string;
  keepGitDir?: boolean;
  /** ADD: unpack local archives (BuildKit's default for ADD of local files). */
  unpack?: boolean;
  heredocs?: Array<{ name: string; content: string; chmod?: number }>;
}

/** WORKDIR: create the directory (owned by `user`, as BuildKit does). */
export interface MkdirOp {
  kind: 'mkdir';
  path: string;
  user: string;
}

/** Metadata only: changes the image config, makes no layer. */
export interface ConfigOp {
  kind: 'config';
}

export type StepOp = RunOp | CopyOp | MkdirOp | ConfigOp;

export interface Step {
  /** What progress shows: `RUN go build -o /app .` */
  instruction: string;
  /** The history entry's created_by, as BuildKit writes it. */
  createdBy: string;
  line?: number;
  file?: string;
  op: StepOp;
  /** False for steps that leave no history entry (ONBUILD registration). */
  history: boolean;
}

/** A stage made concrete against its base image: its steps and its final runtime config. */
export interface StageProgram {
  steps: Step[];
  config: ContainerConfig;
}

export function makesLayer(op: StepOp): op is RunOp | CopyOp | MkdirOp {
  return op.kind !== 'config';
}
