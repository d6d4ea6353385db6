/** What one RUN asks of the executor: the data type between the solver and runc. */

export interface ExtraMount {
  type: 'bind' | 'tmpfs';
  /** Host path for `bind`; ignored for `tmpfs`. */
  source?: string;
  /** Absolute path inside the container. */
  target: string;
  readonly?: boolean;
  /** Extra OCI mount options (e.g. `size=64m`, `mode=1777`). */
  options?: string[];
}

export interface RunSpec {
  /** A prepared, mounted root filesystem (from the snapshotter). */
  rootfs: string;
  args: string[];
  /** `K=V`; Docker's default PATH is added when PATH is absent. */
  env: string[];
  /** Working directory inside the container; created if missing, owned by the user. */
  cwd: string;
  /** As in USER: `name`, `uid`, `name:group`, `uid:gid`; default root. */
  user?: string;
  /** Default `buildkitsandbox`, as BuildKit. */
  hostname?: string;
  /** `host` shares the host's network namespace; `none` has only loopback. */
  network: 'host' | 'none';
  mounts?: ExtraMount[];
  security?: 'sandbox' | 'insecure';
  stdout?: (chunk: Buffer) => void;
  stderr?: (chunk: Buffer) => void;
  /** Abort kills the container and rejects with DrydockError('CANCELLED'). */
  signal?: AbortSignal;
}

export interface RunResult {
  /** The process's exit status, or 128+n when killed by signal n (as a shell reports it). */
  exitCode: number;
}
