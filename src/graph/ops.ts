/**
 * Operations: what a step does, fully expanded, with no Dockerfile left in it. The frontend's
 * dispatch is translated into these (src/build/program.ts); the solver executes them.
 */
import type { ContainerConfig } from '../image/oci.js';

export type CopySource =
  | { type: 'context' }
  | { type: 'stage'; stage: number }
  | { type: 'image'; ref: string };

export interface RunMountSpec {
  type: 'bind' | 'cache' | 'tmpfs' | 'secret' | 'ssh';
  target: string;
  from?: CopySource;
  source?: string;
  readonly?: boolean;
  options: Record<string, string>;
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
}

/** A stage made concrete against its base image: its steps and its final runtime config. */
export interface StageProgram {
  steps: Step[];
  config: ContainerConfig;
}

export function makesLayer(op: StepOp): op is RunOp | CopyOp | MkdirOp {
  return op.kind !== 'config';
}
